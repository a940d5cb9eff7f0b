/**
 * Claim rules of the FSE-JWT-Signature token, per operation: which `action_id` / `purpose_of_use` each RT method
 * sends (national guide "Interfacce REST Gateway" §15.1, claim matrix), and how the dispatcher reads and checks the
 * claims — extraction WITHOUT signature verification (GovWay verified it), Gson-like mapping, then the rules in their
 * mandatory order; the first failure wins, every failure is an AppError whose family decides the HTTP status.
 * Reference implementation: `it-fse-gtw-dispatcher` `AbstractCTL.extractJWT`, `JwtSRV.validatePayloadForCreate` and
 * siblings, `CfUtility`. Value sets: support/gateway/codes.ts.
 */
import { isValidCf, isValidPartitaIva } from '../cf.ts';
import type { Method } from '../types.ts';
import { appError, AppError, INSTANCE } from './problems.ts';
import { ACTION_IDS, ORGANIZATION_IDS, ORGANIZATIONS, PURPOSES, ROLES } from './codes.ts';
import { MEF_OID } from './oids.ts';
import { sha256Hex } from '../hash.ts';

/** JWT `aud` of the national gateway (validation environment), as in RT's example token and GovWay's ModI profile. */
export const DEFAULT_AUDIENCE = 'https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1';

/** `action_id` / `purpose_of_use` each RT method sends (guide §15.1 claim matrix). */
export const METHOD_CLAIMS: Record<Method, { action_id: string; purpose_of_use: string }> = {
  'validate-and-create': { action_id: 'CREATE', purpose_of_use: 'TREATMENT' },
  replace: { action_id: 'UPDATE', purpose_of_use: 'UPDATE' },
  'update-metadata': { action_id: 'UPDATE', purpose_of_use: 'UPDATE' },
  delete: { action_id: 'DELETE', purpose_of_use: 'UPDATE' },
};

/** The dispatcher's operations as `JwtSRV` tells them apart (`EventTypeEnum`). */
export type JwtOperation = 'VALIDATION' | 'PUBLICATION' | 'REPLACE' | 'UPDATE' | 'DELETE';

export interface JwtPayload {
  iss: string | null; iat: number | null; exp: number | null; jti: string | null; aud: string | null; sub: string | null;
  subject_organization_id: string | null; subject_organization: string | null; locality: string | null;
  subject_role: string | null; person_id: string | null; patient_consent: boolean | null; purpose_of_use: string | null;
  resource_hl7_type: string | null; action_id: string | null; attachment_hash: string | null;
  subject_application_id: string | null; subject_application_vendor: string | null; subject_application_version: string | null;
  use_subject_as_author: boolean;
}

const STRING_FIELDS = [
  'iss', 'jti', 'aud', 'sub', 'subject_organization_id', 'subject_organization', 'locality', 'subject_role', 'person_id',
  'purpose_of_use', 'resource_hl7_type', 'action_id', 'attachment_hash', 'subject_application_id',
  'subject_application_vendor', 'subject_application_version',
] as const;

/** `Name^^^^^&OID&ISO^^^^CODE` (HL7 XON), required of `locality` except for validation. */
export const LOCALITY_RE = /^[^^]*\^{5}&[^&]*&ISO\^{4}[^^&]*$/;

/** Per-operation rules of `JwtSRV` (the implementation is more lenient than the guide on REPLACE purposes). */
export const OP_RULES: Record<JwtOperation, { actions: string[]; purposes: string[]; locality: boolean; resourceType: boolean }> = {
  VALIDATION: { actions: ['CREATE', 'UPDATE'], purposes: ['TREATMENT'], locality: false, resourceType: true },
  PUBLICATION: { actions: ['CREATE'], purposes: ['TREATMENT'], locality: true, resourceType: true },
  REPLACE: { actions: ['UPDATE'], purposes: ['TREATMENT', 'UPDATE'], locality: true, resourceType: true },
  UPDATE: { actions: ['UPDATE'], purposes: ['UPDATE', 'ACCESS UPDATE'], locality: true, resourceType: true },
  DELETE: { actions: ['DELETE'], purposes: ['UPDATE'], locality: true, resourceType: false },
};

function tokenInvalid(): AppError {
  return appError('MANDATORY_ELEMENT_ERROR_TOKEN', 'Token JWT non valido.', INSTANCE.MISSING_JWT_FIELD);
}
function missing(detail: string): AppError {
  return appError('INVALID_TOKEN_FIELD', detail, INSTANCE.MISSING_JWT_FIELD);
}
function malformed(detail: string): AppError {
  return appError('INVALID_TOKEN_FIELD', detail, INSTANCE.JWT_MALFORMED_FIELD);
}

/** Java `String.split` drops trailing empty strings. */
export function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export interface ClaimOptions { strictBase64Jwt: boolean; allowSpecialFiscalCode: boolean }

/**
 * `AbstractCTL.extractJWT`: header value → payload. Throws AppError:
 * MISSING_TOKEN (empty), MANDATORY_ELEMENT_ERROR_TOKEN (undecodable), INVALID_TOKEN_FIELD (payload not mappable).
 */
export function extractJwtPayload(headerValue: string | undefined, o: ClaimOptions): JwtPayload {
  if (headerValue === undefined || headerValue.trim() === '') {
    throw appError('MISSING_TOKEN', 'Attenzione il jwt fornito risulta essere vuoto', INSTANCE.MISSING_JWT);
  }
  const value = headerValue.startsWith('Bearer ') ? headerValue.slice(7) : headerValue;
  // Java `split("\\.")` drops trailing empty strings: "abc." and "." have no chunks[1], so the reference fails there
  // (MANDATORY_ELEMENT_ERROR_TOKEN) instead of decoding an empty payload (gateway-impl.md §2.2).
  const segs = javaSplit(value, '.');
  if (segs.length < 2) throw tokenInvalid();
  const seg = segs[1]!;
  const re = o.strictBase64Jwt ? /^[A-Za-z0-9+/]*={0,2}$/ : /^[A-Za-z0-9+/_-]*={0,2}$/;
  const unpadded = seg.replace(/=+$/, '');
  if (!re.test(seg) || unpadded.length % 4 === 1) throw tokenInvalid();
  const json = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const payload = gsonMap(json);
  if (!payload) throw missing('Il campo jwt payload non è valorizzato');
  return payload;
}

/** Gson-like lenient mapping into JWTPayloadDTO; null when Gson would fail. */
export function gsonMap(json: string): JwtPayload | null {
  let raw: unknown;
  try { raw = JSON.parse(json); } catch { return null; }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of STRING_FIELDS) {
    const v = r[f];
    if (v === undefined || v === null) out[f] = null;
    else if (typeof v === 'string') out[f] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[f] = String(v);
    else return null;
  }
  for (const f of ['iat', 'exp'] as const) {
    const v = r[f];
    if (v === undefined || v === null) out[f] = null;
    else if (typeof v === 'number' && Number.isInteger(v)) out[f] = v;
    else if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) out[f] = Number(v.trim());
    else return null;
  }
  const bool = (v: unknown): boolean | null | undefined => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') return v.toLowerCase() === 'true';
    return undefined; // Gson would throw
  };
  const pc = bool(r.patient_consent);
  if (pc === undefined) return null;
  out.patient_consent = pc;
  const usa = bool(r.use_subject_as_author);
  if (usa === undefined) return null;
  out.use_subject_as_author = usa ?? false;
  return out as unknown as JwtPayload;
}

export function isValidFiscalCode(cf: string, allowSpecial: boolean): boolean {
  if (isValidCf(cf)) return true;
  if (!allowSpecial) return false;
  const s = cf.toUpperCase();
  if (isValidPartitaIva(s)) return true;
  return /^(ENI|STP)\d{13}$/.test(s);
}

/**
 * `sub` / `person_id` CF-or-CX rule (`JwtSRV#isValidOid`, docs/gateway-conditions.md J-15): split on `^^^` (Java split,
 * trailing empty pieces dropped); no piece → invalid; one piece → a valid CF; otherwise the CF is checked only when
 * the second `&`-element of piece[1] is the MEF OID, and any other value is accepted (`CF^^^OID` without `&`,
 * `CF^^^&`, another assigning authority).
 */
export function isValidCfOrCx(value: string | null, allowSpecial: boolean): boolean {
  if (value === null) return false;
  // Java: "".split(re) is [""] (one piece), so an empty value is checked as a CF (and fails).
  const pieces = value === '' ? [''] : javaSplit(value, '^^^');
  if (pieces.length === 0) return false;
  if (pieces.length === 1) return isValidFiscalCode(pieces[0]!, allowSpecial);
  const elements = javaSplit(pieces[1]!, '&');
  if (elements.length > 1 && elements[1] === MEF_OID) return isValidFiscalCode(pieces[0]!, allowSpecial);
  return true;
}

const isEmpty = (v: string | null): boolean => v === null || v === '';

/** `JwtSRV` claim rules for one operation; throws the first AppError. */
export function validateClaims(p: JwtPayload, op: JwtOperation, o: ClaimOptions): void {
  if (p.patient_consent === null) throw missing('Il campo patient_consent non è valorizzato');
  const required = ['action_id', 'locality', 'person_id', 'purpose_of_use', 'subject_organization', 'subject_organization_id',
    'subject_role', 'subject_application_id', 'subject_application_vendor', 'subject_application_version'] as const;
  for (const f of required) {
    if (isEmpty(p[f])) throw missing(`Il campo ${f} non è valorizzato`);
  }
  if (!isValidCfOrCx(p.sub, o.allowSpecialFiscalCode)) throw malformed('Il codice fiscale nel campo sub non è corretto');
  if (!ACTION_IDS.includes(p.action_id!)) throw malformed('Il campo action_id non è corretto');
  const purpose = p.purpose_of_use!.toUpperCase();
  if (!PURPOSES.includes(purpose)) throw malformed('Il campo purpose_of_use non è corretto');
  if (!ROLES.includes(p.subject_role!)) throw malformed('Il campo subject_role non è corretto');
  if (!ORGANIZATION_IDS.has(p.subject_organization_id!)) throw malformed('Il campo subject_organization_id non è corretto');
  const displayLc = p.subject_organization!.toLowerCase();
  if (!ORGANIZATIONS.some(([, d]) => d.toLowerCase() === displayLc)) throw malformed('Il campo subject_organization non è corretto');
  const row = ORGANIZATIONS.find(([id]) => id === p.subject_organization_id)!;
  if (row[1].toLowerCase() !== displayLc) throw malformed('I campi subject_organization_id e subject_organization non sono coerenti');

  const rules = OP_RULES[op];
  if (!rules.actions.includes(p.action_id!)) throw malformed("Il campo action_id non è coerente con le operazioni richieste");
  if (!rules.purposes.includes(purpose)) throw malformed('Il campo purpose_of_use non coerente con operazione richiesta');
  if (rules.locality && !LOCALITY_RE.test(p.locality!)) throw malformed('Il campo Locality non è valorizzato correttamente');
  if (rules.resourceType && isEmpty(p.resource_hl7_type)) throw missing('Il campo resource_hl7_type non è valorizzato');
}

/** `attachment_hash`: lowercase hex SHA-256 of the exact PDF bytes uploaded (compared case-insensitively). */
export function attachmentHash(pdf: Uint8Array): string {
  return sha256Hex(pdf);
}
