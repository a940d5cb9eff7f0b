/**
 * Rules that relate the FSE-JWT-Signature claims to the CDA and to the body: `resource_hl7_type` against the CDA's
 * first `<code>`, `person_id` against the patient ids, and the typeCode ↔ classCode correlation of
 * `resource_hl7_type` with `tipoDocumentoLivAlto`. Reference implementation: `it-fse-gtw-dispatcher`
 * `AbstractCTL.validateJWT` (`validateResourceHl7Type`, `validatePersonId`); the correlation is the national guide
 * "Interfacce REST Gateway" §15.4 (`DocumentTypeEnum` on the implementation's `release` branch).
 * How the CDA is read (the dispatcher's jsoup view) is the caller's job: it hands over a `CdaView`.
 */
import { appError, INSTANCE, uncaught } from './problems.ts';
import { isValidCfOrCx, javaSplit } from './claims.ts';
import { CORRELATION, DOCUMENT_TYPE_CODES } from './codes.ts';
import { extractHl7TypeCode, resourceHl7Type as buildResourceHl7Type } from './ids.ts';
import { TEAM_OID } from './oids.ts';

/** What the dispatcher sees in the CDA: the first `<code>`, the first `<id>`, `patientRole > id` (extension → root). */
export interface CdaView {
  firstCode?: { code: string; codeSystem: string };
  firstId?: { root: string; extension: string };
  /** patientRole > id, extension → root (first one wins). */
  patientIds: Map<string, string>;
  /** `ClinicalDocument > effectiveTime` `@value` (read at the publication phase, PB-04b). */
  effectiveTime?: string;
}

/** resource_hl7_type vs the first `<code>`, then person_id vs patientRole ids (all INVALID_TOKEN_FIELD). */
export function checkJwtVsCda(view: CdaView, resourceHl7Type: string | null, personId: string | null, allowSpecialFiscalCode: boolean): void {
  if (!view.firstCode) {
    throw appError('INVALID_TOKEN_FIELD', 'JWT payload: non è stato possibile verificare la tipologia del CDA', INSTANCE.DOCUMENT_TYPE);
  }
  if (buildResourceHl7Type(view.firstCode.code, view.firstCode.codeSystem) !== resourceHl7Type) {
    throw appError('INVALID_TOKEN_FIELD', 'JWT payload: Tipologia documento diversa dalla tipologia di CDA (code - codesystem)', INSTANCE.DOCUMENT_TYPE);
  }
  if (view.patientIds.size === 0) {
    throw appError('INVALID_TOKEN_FIELD', 'JWT payload: non è stato possibile verificare il codice fiscale del paziente presente nel CDA', INSTANCE.PERSON_ID);
  }
  // Java `split("\\^")`: a person_id made only of `^` gives no piece, and `chunks[0]` throws (a 500, family G).
  const chunks = javaSplit(personId ?? '', '^');
  if (personId !== '' && chunks.length === 0) throw uncaught('Index 0 out of bounds for length 0');
  const cf = chunks[0] ?? '';
  const root = view.patientIds.get(cf);
  // An id whose root is empty counts as not found (`AbstractCTL#validatePersonId`, X-04).
  if (root === undefined || root === '') {
    throw appError('INVALID_TOKEN_FIELD', 'JWT payload: Person id presente nel JWT differente dal codice fiscale del paziente previsto sul CDA', INSTANCE.PERSON_ID);
  }
  if (root !== TEAM_OID && !isValidCfOrCx(personId, allowSpecialFiscalCode)) {
    throw appError('INVALID_TOKEN_FIELD', 'Il codice fiscale nel campo person_id non è corretto', INSTANCE.JWT_MALFORMED_FIELD);
  }
}

/**
 * Correlation between resource_hl7_type and tipoDocumentoLivAlto (`CorrelationDocumentTypeValidator#isValid`, release;
 * guide §15.4) → 400 /msg/validator, instance /msg/validator: the "null" detail when the document type is not a
 * `DocumentTypeEnum` code or the class is null, the "no correlation" detail otherwise.
 */
export function checkCorrelation(resourceHl7Type: string | null, tipoDocumentoLivAlto: string | null | undefined): void {
  const code = extractHl7TypeCode(resourceHl7Type);
  if (code === null || !DOCUMENT_TYPE_CODES.has(code) || tipoDocumentoLivAlto === null || tipoDocumentoLivAlto === undefined) {
    throw appError('VALIDATOR_ERROR', 'Uno tra tipo documento o tipo documento livello alto risulta essere null', INSTANCE.VALIDATOR);
  }
  if (CORRELATION[code] !== tipoDocumentoLivAlto) {
    throw appError('VALIDATOR_ERROR', "Non c'è correlazione tra tipo documento e tipo documento livello alto", INSTANCE.VALIDATOR);
  }
}
