/**
 * The request body of the contract, in its two readings:
 *  - the OpenAPI schemas the national border (GovWay) validates a request against (`OAS_SCHEMAS`: properties,
 *    types, enums, lengths, item counts, required lists, no additional properties), per operation
 *    (`BORDER_SCHEMA_OF`); the border's engine is ./border-content.ts;
 *  - the dispatcher's rules (`it-fse-gtw-dispatcher` `AbstractCTL.getAndValidatePublicationReq`,
 *    `checkPublicationMandatoryElements`, `checkUpdateMandatoryElements`, `checkFormatDate`): Jackson-strict parsing of
 *    the `requestBody` (unknown property / bad JSON / bad enum → details naming the DTO's FQCN; only the first JSON
 *    value is read), mandatory fields in their fixed order, descriptions, atti clinici, lenient dates, and the late
 *    `identificativoRep` check, including the Java NullPointerExceptions the reference answers with a 500.
 * Rows: docs/gateway-conditions.md B-08…B-12, BD-01…BD-17, MD-02…MD-07. Value sets in support/gateway/codes.ts.
 */
import { appError, AppError, CATALOGUE, INSTANCE, uncaught } from './problems.ts';
import { isValidMasterId } from './ids.ts';
import { readFirstJsonValue, type JsonValue } from './json.ts';
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

// ---- OpenAPI schemas (what the border validates) -----------------------------------------------------------------

/** One property of an OpenAPI schema, as openapi4j reads it (keyword order as declared). */
export interface OasProperty {
  type?: 'string' | 'array' | 'boolean' | 'object';
  format?: string;
  enum?: readonly string[];
  maxLength?: number;
  minLength?: number;
  items?: OasProperty;
  maxItems?: number;
  minItems?: number;
}

/** The request-body schemas of the national OpenAPI (`components.schemas`), all `additionalProperties: false`. */
export type OasDtoName = 'ValidateAndCreateDTO' | 'ValidateAndReplaceDTO' | 'PublicationCreationReqDTO' | 'PublicationUpdateReqDTO'
  | 'PublicationMetadataReqDTO' | 'ValidationCDAReqDTO';

export interface OasObject {
  /** Properties in declaration order. */
  properties: ReadonlyArray<readonly [string, OasProperty]>;
  required: readonly string[];
}

const STRING_100: OasProperty = { type: 'string', maxLength: 100, minLength: 0 };
const STRING_256: OasProperty = { type: 'string', maxLength: 256, minLength: 0 };
const FREE_LIST: OasProperty = { type: 'array', items: { maxLength: 1000 }, maxItems: 100, minItems: 0 };

/** Every body property of the OpenAPI with its constraints (documentation-only keywords left out). */
export const OAS_PROPERTIES: Readonly<Record<string, OasProperty>> = {
  tipologiaStruttura: { type: 'string', enum: TIPOLOGIA_STRUTTURA },
  // Items have no type and no enum: only the dispatcher checks the event codes (BD-14).
  attiCliniciRegoleAccesso: FREE_LIST,
  tipoDocumentoLivAlto: { type: 'string', enum: TIPO_DOCUMENTO_LIV_ALTO },
  assettoOrganizzativo: { type: 'string', enum: ASSETTO_ORGANIZZATIVO },
  dataInizioPrestazione: STRING_100,
  dataFinePrestazione: STRING_100,
  conservazioneANorma: STRING_100,
  tipoAttivitaClinica: { type: 'string', enum: TIPO_ATTIVITA_CLINICA },
  identificativoSottomissione: STRING_100,
  descriptions: FREE_LIST,
  // The OpenAPI puts maxItems/minItems on the (string) items too; openapi4j ignores them there.
  administrativeRequest: { type: 'array', items: { type: 'string', enum: ADMINISTRATIVE_REQUEST, maxItems: 1000, minItems: 0 }, maxItems: 1000, minItems: 0 },
  identificativoDoc: STRING_256,
  identificativoRep: STRING_100,
  mode: { type: 'string', enum: INJECTION_MODE },
  healthDataFormat: { type: 'string', enum: HEALTH_DATA_FORMAT },
  workflowInstanceId: STRING_256,
  priorita: { type: 'boolean' },
  activity: { type: 'string', enum: ACTIVITY },
};

const METADATA_FIELDS = ['tipologiaStruttura', 'attiCliniciRegoleAccesso', 'tipoDocumentoLivAlto', 'assettoOrganizzativo',
  'dataInizioPrestazione', 'dataFinePrestazione', 'conservazioneANorma', 'tipoAttivitaClinica', 'identificativoSottomissione',
  'descriptions', 'administrativeRequest'];
const PUBLICATION_FIELDS = [...METADATA_FIELDS, 'identificativoDoc', 'identificativoRep', 'mode', 'healthDataFormat'];
const PUBLICATION_REQUIRED = ['assettoOrganizzativo', 'identificativoDoc', 'identificativoRep', 'identificativoSottomissione',
  'tipoAttivitaClinica', 'tipoDocumentoLivAlto', 'tipologiaStruttura'];

const oasObject = (fields: string[], required: string[]): OasObject => ({
  properties: fields.map((f) => [f, OAS_PROPERTIES[f]!] as const),
  required,
});

/** The OpenAPI request-body schemas (`components.schemas`), checked against the official file by test/gateway/openapi-drift.test.ts. */
export const OAS_SCHEMAS: Readonly<Record<OasDtoName, OasObject>> = {
  ValidateAndCreateDTO: oasObject(PUBLICATION_FIELDS, PUBLICATION_REQUIRED),
  ValidateAndReplaceDTO: oasObject(PUBLICATION_FIELDS, PUBLICATION_REQUIRED),
  PublicationCreationReqDTO: oasObject([...PUBLICATION_FIELDS, 'workflowInstanceId', 'priorita'], PUBLICATION_REQUIRED),
  PublicationUpdateReqDTO: oasObject([...PUBLICATION_FIELDS, 'workflowInstanceId'], PUBLICATION_REQUIRED),
  PublicationMetadataReqDTO: oasObject(METADATA_FIELDS, PUBLICATION_REQUIRED.filter((f) => f !== 'identificativoDoc' && f !== 'identificativoRep')),
  ValidationCDAReqDTO: oasObject(['healthDataFormat', 'mode', 'activity'], ['activity']),
};

/**
 * The OpenAPI request schema the border applies to each RT method: RT's replace is the national validate-and-replace
 * (ValidateAndReplaceDTO); with the simulator switch `replaceRequiresPriorValidation` it is PublicationUpdateReqDTO.
 */
export const BORDER_SCHEMA_OF: Record<Exclude<Method, 'delete'>, OasDtoName> = {
  'validate-and-create': 'ValidateAndCreateDTO',
  replace: 'ValidateAndReplaceDTO',
  'update-metadata': 'PublicationMetadataReqDTO',
};

/** The `file` part of every multipart operation: a binary string with a `maxLength` GovWay applies to the file NAME. */
export const OAS_FILE_PART: OasProperty = { type: 'string', format: 'binary', maxLength: 1000 };
/** The `{idDoc}` path parameter of replace, metadata and delete. */
export const OAS_PATH_ID: OasProperty = { type: 'string', maxLength: 256, minLength: 1 };

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
 * Jackson `readValue(json, DTO)`: the first JSON value of the text (anything after it is ignored, BD-04). Throws
 * AppError MANDATORY_ELEMENT_ERROR with the two FQCN details (BD-01…BD-03). The literal `null` gives `null`
 * (BD-05: the dispatcher then dereferences it). `ignoreUnknown` = Spring's mapper (metadata update, S-09).
 */
export function parseRequestBody(json: string | undefined | null, dto: DtoName, o: ParseOptions = {}): ParsedBody | null {
  const fqcn = DTO_PACKAGE + dto;
  const conversion = () => appError('MANDATORY_ELEMENT_ERROR', `Errore durante la conversione da json a oggetto ${fqcn}`, INSTANCE.MISSING_FIELD);
  if (json === undefined || json === null) throw conversion();
  const read = readFirstJsonValue(json);
  if (!read.ok) throw conversion();
  const raw: JsonValue = read.value;
  if (raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw conversion();
  const fields = DTO_FIELDS[dto];
  const out: Record<string, unknown> = {};
  try {
    for (const [k, v] of Object.entries(raw)) {
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

/**
 * `validateDescriptions`: each entry split on `^` (Java split) must give 3 pieces, else the form message and the loop
 * STOPS; a third piece that is not an accepted OID sets the OID message and the loop goes on (a later malformed entry
 * overrides it); a `null` entry throws the JVM's NullPointerException (BD-13a…c, MD-06, MD-07).
 */
function descriptionsMessage(descriptions: (string | null)[], o: BodyCheckOptions): string | null {
  let out: string | null = null;
  for (const d of descriptions) {
    if (d === null) throw uncaught('Cannot invoke "String.split(String)" because "description" is null');
    const parts = d === '' ? [''] : d.split('^');
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length !== 3) {
      out = 'Valorizzare correttamente il campo descriptions rispettando la forma: [CODICE]^[Descrizione]^[OID]';
      break;
    }
    const oid = parts[2]!;
    const regionalOk = o.descriptionsRegionalOidBug
      ? oid === '2.16.840.1.113883.2.9.2.(.*).6.1.11'
      : /^2\.16\.840\.1\.113883\.2\.9\.2\.\d+\.6\.1\.11$/.test(oid);
    if (!DESCRIPTION_OIDS.includes(oid) && !regionalOk) {
      out = 'Valorizzare correttamente il campo descriptions rispettando i valori di riferimento per gli OID';
    }
  }
  return out;
}

/** Every `attiCliniciRegoleAccesso` element is looked up (case-insensitively); the LAST bad one is reported, `null` as `null` (BD-14). */
function attiMessage(atti: (string | null)[]): string | null {
  let out: string | null = null;
  for (const a of atti) {
    if (a === null || !EVENT_CODES_LC.has(a.toLowerCase())) out = `Il campo atti clinici ${String(a)} non è consentito`;
  }
  return out;
}

function datesMessage(b: ParsedBody): string | null {
  if (b.dataInizioPrestazione != null && !isLenientDate(b.dataInizioPrestazione)) return 'Il campo data inizio deve essere valorizzato correttamente';
  if (b.dataFinePrestazione != null && !isLenientDate(b.dataFinePrestazione)) return 'Il campo data fine deve essere valorizzato correttamente';
  return null;
}

/** The NPE the dispatcher hits on a `null` body (`checkPublicationMandatoryElements` dereferences `jsonObj`, BD-05). */
export const NULL_BODY_NPE = `Cannot invoke "${DTO_PACKAGE}PublicationCreateReplaceMetadataDTO.getIdentificativoDoc()" because "jsonObj" is null`;

/** `checkPublicationMandatoryElements` + `checkFormatDate` (create: with identificativoDoc; replace: without). */
export function checkPublicationBody(b: ParsedBody | null, op: 'create' | 'replace', o: BodyCheckOptions): asserts b is ParsedBody {
  if (b === null) throw uncaught(NULL_BODY_NPE);
  const mand = (detail: string) => appError('MANDATORY_ELEMENT_ERROR', detail, INSTANCE.MISSING_FIELD);
  if (op === 'create' && isBlank(b.identificativoDoc)) throw mand('Il campo identificativo documento deve essere valorizzato.');
  if (isBlank(b.identificativoRep)) throw mand('Il campo identificativo rep deve essere valorizzato.');
  if (isBlank(b.tipoDocumentoLivAlto)) throw mand('Il campo tipo documento liv alto deve essere valorizzato.');
  if (isBlank(b.assettoOrganizzativo)) throw mand('Il campo assetto organizzativo deve essere valorizzato.');
  if (isBlank(b.tipoAttivitaClinica)) throw mand('Il campo tipo attivita clinica deve essere valorizzato.');
  if (isBlank(b.identificativoSottomissione)) throw mand('Il campo identificativo sottomissione deve essere valorizzato.');
  if (isBlank(b.tipologiaStruttura)) throw mand('Il campo tipologia struttura deve essere valorizzato.');
  const message = (b.descriptions ? descriptionsMessage(b.descriptions, o) : null) ?? (b.attiCliniciRegoleAccesso ? attiMessage(b.attiCliniciRegoleAccesso) : null);
  if (message !== null) throw mand(message);
  const date = datesMessage(b);
  if (date !== null) throw appError('FORMAT_ELEMENT_ERROR', date, INSTANCE.INVALID_DATE_FORMAT);
}

/**
 * `checkUpdateMandatoryElements`: tipoDocumentoLivAlto, then atti → dates → descriptions (each only while nothing
 * failed before), every message MANDATORY_ELEMENT_ERROR / request-missing-field. `correlation` is the correlation
 * check, which the reference evaluates AFTER these rules but throws BEFORE their message is returned: it masks them
 * (MD-02). A `null` description still throws its NullPointerException first (MD-07).
 */
export function checkMetadataBody(b: ParsedBody, o: BodyCheckOptions, correlation?: () => void): void {
  let out: string | null = null;
  if (b.tipoDocumentoLivAlto == null) out = 'Il campo tipo documento liv alto deve essere valorizzato.';
  if (out === null && b.attiCliniciRegoleAccesso) out = attiMessage(b.attiCliniciRegoleAccesso);
  if (out === null) {
    out = datesMessage(b);
    if (out === null && b.descriptions) out = descriptionsMessage(b.descriptions, o);
  }
  correlation?.();
  if (out !== null) throw appError('MANDATORY_ELEMENT_ERROR', out, INSTANCE.MISSING_FIELD);
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
    if (d === null) { out.push({ field: 'descriptions', value: null, problem: 'a null entry: the dispatcher fails with a NullPointerException', gateway: { type: CATALOGUE.GENERIC_ERROR.type, detail: 'Cannot invoke "String.split(String)" because "description" is null (HTTP 500)' } }); continue; }
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
  // create: a blank identificativoDoc is already listed as missing; replace (validate-and-replace) checks its shape only
  if (method !== 'update-metadata' && !(method === 'validate-and-create' && isBlank(b.identificativoDoc)) && !out.some((p) => p.field === 'identificativoDoc') && !isValidMasterId(b.identificativoDoc)) {
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
