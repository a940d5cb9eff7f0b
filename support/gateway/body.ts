/**
 * Request-body rules of the dispatcher: Jackson-strict parsing of the multipart `requestBody` (unknown property /
 * bad JSON / bad enum → details naming the DTO's FQCN), mandatory fields in their fixed order, descriptions, atti
 * clinici, lenient dates, and the late `identificativoRep` check. Reference implementation: `it-fse-gtw-dispatcher`
 * `AbstractCTL.getAndValidatePublicationReq`, `checkPublicationMandatoryElements`, `checkUpdateMandatoryElements`,
 * `checkFormatDate`; value sets in support/gateway/codes.ts.
 */
import { appError, AppError, CATALOGUE, INSTANCE } from './problems.ts';
import { isValidMasterId } from './ids.ts';
import {
  ACTIVITY, ADMINISTRATIVE_REQUEST, ASSETTO_ORGANIZZATIVO, DESCRIPTION_OIDS, EVENT_CODES, HEALTH_DATA_FORMAT, INJECTION_MODE,
  ORGANIZATION_IDS, TIPO_ATTIVITA_CLINICA, TIPO_DOCUMENTO_LIV_ALTO, TIPOLOGIA_STRUTTURA,
} from './codes.ts';
import type { Method } from '../types.ts';

export const DTO_PACKAGE = 'it.finanze.sanita.fse2.ms.gtw.dispatcher.dto.request.';
export type DtoName = 'PublicationCreationReqDTO' | 'PublicationUpdateReqDTO' | 'ValidationCDAReqDTO' | 'PublicationMetadataReqDTO';

/** The DTO the dispatcher maps each RT method's body onto (delete has no body). */
export const DTO_OF: Record<Exclude<Method, 'delete'>, DtoName> = {
  'validate-and-create': 'PublicationCreationReqDTO',
  replace: 'PublicationUpdateReqDTO',
  'update-metadata': 'PublicationMetadataReqDTO',
};

const EVENT_CODES_LC = new Set(EVENT_CODES.map((c) => c.toLowerCase()));

type FieldKind = 'string' | 'stringArray' | 'boolean' | { enum: string[] } | { enumArray: string[] };

const COMMON: Record<string, FieldKind> = {
  tipologiaStruttura: { enum: TIPOLOGIA_STRUTTURA },
  attiCliniciRegoleAccesso: 'stringArray',
  tipoDocumentoLivAlto: { enum: TIPO_DOCUMENTO_LIV_ALTO },
  assettoOrganizzativo: { enum: ASSETTO_ORGANIZZATIVO },
  dataInizioPrestazione: 'string',
  dataFinePrestazione: 'string',
  conservazioneANorma: 'string',
  tipoAttivitaClinica: { enum: TIPO_ATTIVITA_CLINICA },
  identificativoSottomissione: 'string',
  descriptions: 'stringArray',
  administrativeRequest: { enumArray: ADMINISTRATIVE_REQUEST },
};
const CREATE_REPLACE: Record<string, FieldKind> = {
  ...COMMON,
  identificativoDoc: 'string',
  identificativoRep: 'string',
  mode: { enum: INJECTION_MODE },
  healthDataFormat: { enum: HEALTH_DATA_FORMAT },
  workflowInstanceId: 'string',
};
export const DTO_FIELDS: Record<DtoName, Record<string, FieldKind>> = {
  PublicationCreationReqDTO: { ...CREATE_REPLACE, priorita: 'boolean' },
  PublicationUpdateReqDTO: CREATE_REPLACE,
  ValidationCDAReqDTO: { healthDataFormat: { enum: HEALTH_DATA_FORMAT }, mode: { enum: INJECTION_MODE }, activity: { enum: ACTIVITY } },
  PublicationMetadataReqDTO: COMMON,
};

/** A body as the dispatcher's Jackson mapping sees it (every field optional, nulls kept). */
export interface ParsedBody {
  tipologiaStruttura?: string | null;
  attiCliniciRegoleAccesso?: (string | null)[] | null;
  tipoDocumentoLivAlto?: string | null;
  assettoOrganizzativo?: string | null;
  dataInizioPrestazione?: string | null;
  dataFinePrestazione?: string | null;
  conservazioneANorma?: string | null;
  tipoAttivitaClinica?: string | null;
  identificativoSottomissione?: string | null;
  descriptions?: (string | null)[] | null;
  administrativeRequest?: (string | null)[] | null;
  identificativoDoc?: string | null;
  identificativoRep?: string | null;
  mode?: 'ATTACHMENT' | 'RESOURCE' | null;
  healthDataFormat?: string | null;
  workflowInstanceId?: string | null;
  priorita?: boolean | null;
  activity?: string | null;
}

class Conversion extends Error {}

function coerceScalarString(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Conversion();
}
function coerceEnum(v: unknown, values: string[]): string | null {
  if (v === null) return null;
  if (typeof v === 'string') {
    if (values.includes(v)) return v;
    throw new Conversion();
  }
  // Jackson accepts an enum ordinal unless FAIL_ON_NUMBERS_FOR_ENUMS.
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < values.length) return values[v]!;
  throw new Conversion();
}

export interface ParseOptions { ignoreUnknown?: boolean }

/**
 * Jackson `readValue(json, DTO)`. Throws AppError MANDATORY_ELEMENT_ERROR with the two FQCN details.
 * `ignoreUnknown` = Spring's mapper (metadata update).
 */
export function parseRequestBody(json: string | undefined | null, dto: DtoName, o: ParseOptions = {}): ParsedBody {
  const fqcn = DTO_PACKAGE + dto;
  const conversion = () => appError('MANDATORY_ELEMENT_ERROR', `Errore durante la conversione da json a oggetto ${fqcn}`, INSTANCE.MISSING_FIELD);
  if (json === undefined || json === null) throw conversion();
  let raw: unknown;
  try { raw = JSON.parse(json); } catch { throw conversion(); }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw conversion();
  const fields = DTO_FIELDS[dto];
  const out: Record<string, unknown> = {};
  try {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      const kind = Object.hasOwn(fields, k) ? fields[k] : undefined;
      if (!kind) {
        if (o.ignoreUnknown) continue;
        throw appError('MANDATORY_ELEMENT_ERROR', `Parametro non riconosciuto all'interno della request nella conversione di ${fqcn}`, INSTANCE.MISSING_FIELD);
      }
      if (kind === 'string') out[k] = coerceScalarString(v);
      else if (kind === 'boolean') {
        if (v === null || typeof v === 'boolean') out[k] = v;
        else if (v === 'true' || v === 'false') out[k] = v === 'true';
        else throw new Conversion();
      } else if (kind === 'stringArray' || 'enumArray' in kind) {
        if (v === null) { out[k] = null; continue; }
        if (!Array.isArray(v)) throw new Conversion();
        out[k] = v.map((item) => (kind === 'stringArray' ? coerceScalarString(item) : coerceEnum(item, kind.enumArray)));
      } else {
        out[k] = coerceEnum(v, kind.enum);
      }
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw conversion();
  }
  return out as ParsedBody;
}

const isBlank = (v: string | null | undefined): boolean => v === undefined || v === null || v === '';

/** Lenient `SimpleDateFormat("yyyyMMddHHmmss")` as observed on Java 17: at least 13 leading digits. */
export function isLenientDate(v: string): boolean {
  return /^\d{13}/.test(v);
}

export interface BodyCheckOptions { descriptionsRegionalOidBug: boolean }

function checkDescriptionsAndAtti(b: ParsedBody, o: BodyCheckOptions): void {
  const mand = (detail: string) => appError('MANDATORY_ELEMENT_ERROR', detail, INSTANCE.MISSING_FIELD);
  for (const d of b.descriptions ?? []) {
    if (d === null) continue;
    const parts = d.split('^');
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length !== 3) throw mand('Valorizzare correttamente il campo descriptions rispettando la forma: [CODICE]^[Descrizione]^[OID]');
    const oid = parts[2]!;
    const regionalOk = o.descriptionsRegionalOidBug
      ? oid === '2.16.840.1.113883.2.9.2.(.*).6.1.11'
      : /^2\.16\.840\.1\.113883\.2\.9\.2\.\d+\.6\.1\.11$/.test(oid);
    if (!DESCRIPTION_OIDS.includes(oid) && !regionalOk) {
      throw mand('Valorizzare correttamente il campo descriptions rispettando i valori di riferimento per gli OID');
    }
  }
  let badAtto: string | null = null;
  for (const a of b.attiCliniciRegoleAccesso ?? []) {
    if (a === null || !EVENT_CODES_LC.has(a.toLowerCase())) badAtto = String(a);
  }
  if (badAtto !== null) throw mand(`Il campo atti clinici ${badAtto} non è consentito`);
}

/** `checkPublicationMandatoryElements` + `checkFormatDate` (create: with identificativoDoc; replace: without). */
export function checkPublicationBody(b: ParsedBody, op: 'create' | 'replace', o: BodyCheckOptions): void {
  const mand = (detail: string) => appError('MANDATORY_ELEMENT_ERROR', detail, INSTANCE.MISSING_FIELD);
  if (op === 'create' && isBlank(b.identificativoDoc)) throw mand('Il campo identificativo documento deve essere valorizzato.');
  if (isBlank(b.identificativoRep)) throw mand('Il campo identificativo rep deve essere valorizzato.');
  if (isBlank(b.tipoDocumentoLivAlto)) throw mand('Il campo tipo documento liv alto deve essere valorizzato.');
  if (isBlank(b.assettoOrganizzativo)) throw mand('Il campo assetto organizzativo deve essere valorizzato.');
  if (isBlank(b.tipoAttivitaClinica)) throw mand('Il campo tipo attivita clinica deve essere valorizzato.');
  if (isBlank(b.identificativoSottomissione)) throw mand('Il campo identificativo sottomissione deve essere valorizzato.');
  if (isBlank(b.tipologiaStruttura)) throw mand('Il campo tipologia struttura deve essere valorizzato.');
  checkDescriptionsAndAtti(b, o);
  const fmt = (detail: string) => appError('FORMAT_ELEMENT_ERROR', detail, INSTANCE.INVALID_DATE_FORMAT);
  if (b.dataInizioPrestazione != null && !isLenientDate(b.dataInizioPrestazione)) throw fmt('Il campo data inizio deve essere valorizzato correttamente');
  if (b.dataFinePrestazione != null && !isLenientDate(b.dataFinePrestazione)) throw fmt('Il campo data fine deve essere valorizzato correttamente');
}

/** `checkUpdateMandatoryElements`: every failure is MANDATORY_ELEMENT_ERROR / request-missing-field. */
export function checkMetadataBody(b: ParsedBody, o: BodyCheckOptions): void {
  const mand = (detail: string) => appError('MANDATORY_ELEMENT_ERROR', detail, INSTANCE.MISSING_FIELD);
  if (isBlank(b.tipoDocumentoLivAlto)) throw mand('Il campo tipo documento liv alto deve essere valorizzato.');
  checkDescriptionsAndAtti(b, o);
  if (b.dataInizioPrestazione != null && !isLenientDate(b.dataInizioPrestazione)) throw mand('Il campo data inizio deve essere valorizzato correttamente');
  if (b.dataFinePrestazione != null && !isLenientDate(b.dataFinePrestazione)) throw mand('Il campo data fine deve essere valorizzato correttamente');
}

/** `<2.16.840.1.113883.2.9.2>.<region>.4.5.<anything>`: the national shape of `identificativoRep`. */
const IDENTIFICATIVO_REP = /^2\.16\.840\.1\.113883\.2\.9\.2\.(\d+)\.4\.5\..*$/;

/** `identificativoRep` (late, publication phase): regex + region code; failure is re-wrapped as a generic error. */
export function checkIdentificativoRep(rep: string | null | undefined): void {
  const m = IDENTIFICATIVO_REP.exec(rep ?? '');
  if (!m || !ORGANIZATION_IDS.has(m[1]!.padStart(3, '0'))) {
    throw appError('GENERIC_ERROR', 'Error: Invalid format for repositoryUniqueId', INSTANCE.INVALID_DATE_FORMAT);
  }
}

export function invalidIdDoc(): AppError {
  return appError('INVALID_ID_DOC', "L'identificativo documento non è valido", INSTANCE.INVALID_ID);
}

// ---- every problem of a body, for `fse-harness check` -----------------------------------------------------------

/** One problem of a request body: the field, its value, what is wrong, and the gateway's own wording for it. */
export interface BodyProblem {
  /** The JSON field (`(body)` for the body as a whole). */
  field: string;
  /** The offending value as sent (absent for a missing field). */
  value?: unknown;
  problem: string;
  /** What the gateway answers when this is the first problem it meets (its `type` and `detail`). */
  gateway: { type: string; detail: string };
}

const GATEWAY_TYPE = {
  MANDATORY_ELEMENT_ERROR: CATALOGUE.MANDATORY_ELEMENT_ERROR.type, FORMAT_ELEMENT_ERROR: CATALOGUE.FORMAT_ELEMENT_ERROR.type,
  GENERIC_ERROR: CATALOGUE.GENERIC_ERROR.type, INVALID_ID_DOC: CATALOGUE.INVALID_ID_DOC.type,
};

/** The allowed values, shortened for a message. */
function allowed(values: readonly string[]): string {
  return values.length <= 12 ? values.join(', ') : `${values.slice(0, 12).join(', ')}, … (${values.length} values)`;
}

/**
 * Every problem of a body, in the order the gateway meets them (the first one is what it answers; it stops there):
 * the Jackson conversion (unknown field, wrong type, value outside the enumeration), then the mandatory fields,
 * descriptions, access-rule codes and dates, then identificativoDoc and identificativoRep. Each names the field and
 * the value. Same rules as `parseRequestBody` + `checkPublicationBody`/`checkMetadataBody` + the late checks.
 */
export function bodyProblems(body: unknown, method: Exclude<Method, 'delete'>, o: BodyCheckOptions): BodyProblem[] {
  const dto = DTO_OF[method];
  const fqcn = DTO_PACKAGE + dto;
  const conversion = { type: GATEWAY_TYPE.MANDATORY_ELEMENT_ERROR, detail: `Errore durante la conversione da json a oggetto ${fqcn}` };
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return [{ field: '(body)', value: body, problem: `the requestBody must be a JSON object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`, gateway: conversion }];
  }
  const out: BodyProblem[] = [];
  const fields = DTO_FIELDS[dto];
  const parsed: Record<string, unknown> = {};
  const scalar = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const kind = Object.hasOwn(fields, k) ? fields[k] : undefined;
    if (!kind) {
      if (method === 'update-metadata') continue; // ignored by the gateway's metadata mapper
      out.push({ field: k, value: v, problem: `unknown field: ${dto} has ${Object.keys(fields).join(', ')}`, gateway: { type: GATEWAY_TYPE.MANDATORY_ELEMENT_ERROR, detail: `Parametro non riconosciuto all'interno della request nella conversione di ${fqcn}` } });
      continue;
    }
    if (kind === 'string') {
      if (scalar(v)) parsed[k] = v === null ? null : String(v);
      else out.push({ field: k, value: v, problem: `must be a string, got ${Array.isArray(v) ? 'an array' : typeof v}`, gateway: conversion });
    } else if (kind === 'boolean') {
      if (v === null || typeof v === 'boolean' || v === 'true' || v === 'false') parsed[k] = v;
      else out.push({ field: k, value: v, problem: 'must be true or false', gateway: conversion });
    } else if (kind === 'stringArray' || 'enumArray' in kind) {
      if (v === null) { parsed[k] = null; continue; }
      if (!Array.isArray(v)) { out.push({ field: k, value: v, problem: 'must be an array', gateway: conversion }); continue; }
      const bad = v.filter((item) => (kind === 'stringArray' ? !scalar(item) : !(item === null || (typeof item === 'string' && kind.enumArray.includes(item)) || (typeof item === 'number' && Number.isInteger(item) && item >= 0 && item < kind.enumArray.length))));
      if (bad.length) out.push({ field: k, value: v, problem: kind === 'stringArray' ? `items must be strings: ${bad.map((b) => JSON.stringify(b)).join(', ')}` : `${bad.map((b) => JSON.stringify(b)).join(', ')} not allowed; allowed: ${allowed(kind.enumArray)}`, gateway: conversion });
      else parsed[k] = v.map((item) => (kind === 'stringArray' ? (item === null ? null : String(item)) : typeof item === 'number' ? kind.enumArray[item] : item));
    } else {
      const ok = v === null || (typeof v === 'string' && kind.enum.includes(v)) || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < kind.enum.length);
      if (ok) parsed[k] = typeof v === 'number' ? kind.enum[v] : v;
      else out.push({ field: k, value: v, problem: `not an allowed value; allowed: ${allowed(kind.enum)}`, gateway: conversion });
    }
  }
  const b = parsed as ParsedBody;
  const mand = (detail: string) => ({ type: GATEWAY_TYPE.MANDATORY_ELEMENT_ERROR, detail });
  const missing = (field: keyof ParsedBody, detail: string) => {
    // a field that failed the conversion is already listed; a missing or empty one is listed here
    if (out.some((p) => p.field === field)) return;
    if (isBlank(b[field] as string | null | undefined)) out.push({ field, ...(b[field] === '' ? { value: '' } : {}), problem: b[field] === '' ? 'is empty: it must have a value' : 'is missing: it must have a value', gateway: mand(detail) });
  };
  if (method === 'update-metadata') {
    missing('tipoDocumentoLivAlto', 'Il campo tipo documento liv alto deve essere valorizzato.');
  } else {
    if (method === 'validate-and-create') missing('identificativoDoc', 'Il campo identificativo documento deve essere valorizzato.');
    missing('identificativoRep', 'Il campo identificativo rep deve essere valorizzato.');
    missing('tipoDocumentoLivAlto', 'Il campo tipo documento liv alto deve essere valorizzato.');
    missing('assettoOrganizzativo', 'Il campo assetto organizzativo deve essere valorizzato.');
    missing('tipoAttivitaClinica', 'Il campo tipo attivita clinica deve essere valorizzato.');
    missing('identificativoSottomissione', 'Il campo identificativo sottomissione deve essere valorizzato.');
    missing('tipologiaStruttura', 'Il campo tipologia struttura deve essere valorizzato.');
  }
  for (const d of b.descriptions ?? []) {
    if (d === null) continue;
    const parts = d.split('^');
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length !== 3) { out.push({ field: 'descriptions', value: d, problem: 'must be CODE^Description^OID', gateway: mand('Valorizzare correttamente il campo descriptions rispettando la forma: [CODICE]^[Descrizione]^[OID]') }); continue; }
    const oid = parts[2]!;
    const regionalOk = o.descriptionsRegionalOidBug ? oid === '2.16.840.1.113883.2.9.2.(.*).6.1.11' : /^2\.16\.840\.1\.113883\.2\.9\.2\.\d+\.6\.1\.11$/.test(oid);
    if (!DESCRIPTION_OIDS.includes(oid) && !regionalOk) out.push({ field: 'descriptions', value: d, problem: `OID ${oid} is not one of the reference OIDs (${allowed(DESCRIPTION_OIDS)})`, gateway: mand('Valorizzare correttamente il campo descriptions rispettando i valori di riferimento per gli OID') });
  }
  for (const a of b.attiCliniciRegoleAccesso ?? []) {
    if (a === null || !EVENT_CODES_LC.has(a.toLowerCase())) out.push({ field: 'attiCliniciRegoleAccesso', value: a, problem: `${JSON.stringify(a)} is not an access-rule code (${allowed(EVENT_CODES)})`, gateway: mand(`Il campo atti clinici ${String(a)} non è consentito`) });
  }
  const dateKind: keyof typeof GATEWAY_TYPE = method === 'update-metadata' ? 'MANDATORY_ELEMENT_ERROR' : 'FORMAT_ELEMENT_ERROR';
  if (b.dataInizioPrestazione != null && !isLenientDate(b.dataInizioPrestazione)) out.push({ field: 'dataInizioPrestazione', value: b.dataInizioPrestazione, problem: 'must be a date yyyyMMddHHmmss (at least 13 leading digits)', gateway: { type: GATEWAY_TYPE[dateKind], detail: 'Il campo data inizio deve essere valorizzato correttamente' } });
  if (b.dataFinePrestazione != null && !isLenientDate(b.dataFinePrestazione)) out.push({ field: 'dataFinePrestazione', value: b.dataFinePrestazione, problem: 'must be a date yyyyMMddHHmmss (at least 13 leading digits)', gateway: { type: GATEWAY_TYPE[dateKind], detail: 'Il campo data fine deve essere valorizzato correttamente' } });
  if (method === 'validate-and-create' && !isBlank(b.identificativoDoc) && !isValidMasterId(b.identificativoDoc)) {
    out.push({ field: 'identificativoDoc', value: b.identificativoDoc, problem: 'must be <root>^<extension> (the CDA ClinicalDocument/id)', gateway: { type: GATEWAY_TYPE.INVALID_ID_DOC, detail: "L'identificativo documento non è valido" } });
  }
  if (method !== 'update-metadata' && !isBlank(b.identificativoRep) && !identificativoRepOk(b.identificativoRep)) {
    out.push({ field: 'identificativoRep', value: b.identificativoRep, problem: 'must be 2.16.840.1.113883.2.9.2.<region>.4.5.<…> with a known region code', gateway: { type: GATEWAY_TYPE.GENERIC_ERROR, detail: 'Error: Invalid format for repositoryUniqueId' } });
  }
  return out;
}

function identificativoRepOk(rep: string | null | undefined): boolean {
  try { checkIdentificativoRep(rep); return true; } catch { return false; }
}
