/**
 * Request-body rules of the dispatcher: Jackson-strict parsing of the multipart `requestBody` (unknown property /
 * bad JSON / bad enum → details naming the DTO's FQCN), mandatory fields in their fixed order, descriptions, atti
 * clinici, lenient dates, and the late `identificativoRep` check. Reference implementation: `it-fse-gtw-dispatcher`
 * `AbstractCTL.getAndValidatePublicationReq`, `checkPublicationMandatoryElements`, `checkUpdateMandatoryElements`,
 * `checkFormatDate`; value sets in support/gateway/codes.ts.
 */
import { appError, AppError, INSTANCE } from './problems.ts';
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
