/**
 * Identifier rules of the contract: `identificativoDoc` and RT's extension rule, path ids, the dispatcher's
 * `isValidMasterId`, `resource_hl7_type`, the workflowInstanceId shape.
 * Sources: RT "FSE 2.0 PRIVATI — specifiche tecniche" v1.2 (identifiers), Affinity Domain italiano §2.20,
 * `it-fse-gtw-dispatcher` `CdaUtility` (workflowInstanceId, `isValidMasterId`).
 */
import type { DocType, Profile } from '../types.ts';
import { docTypeInfo } from '../doctypes.ts';

/**
 * CDA id extension following RT's rule: `<PIVA>.<TIPO>.<CODREP>.<company document id>`.
 * The same string becomes the part after `^` of identificativoDoc, so CDA id and XDS uniqueId agree.
 */
export function rtDocIdExtension(profile: Profile, docType: DocType, localId: string): string {
  if (!/^[A-Za-z0-9.-]+$/.test(localId)) throw new Error(`document local id "${localId}" must match [A-Za-z0-9.-]+`);
  return `${profile.provider.partitaIva}.${docTypeInfo(docType).rtTipo}.${profile.codRep}.${localId}`;
}

/** `<root>^<extension>`, e.g. `2.16.840.1.113883.2.9.2.90.4.4^<PIVA>.<TIPO>.<CODREP>.<id>` (RT spec, identifiers). */
export function identificativoDoc(root: string, extension: string): string {
  return `${root}^${extension}`;
}

/**
 * Path ids carry `^`: always percent-encode them (`%5E`); the dispatcher's Spring path variable is decoded
 * (OpenAPI `PUT /documents/{idDoc}`, `DELETE /documents/{idDoc}`).
 */
export function encodePathId(id: string): string {
  return encodeURIComponent(id);
}

/** The dispatcher's `isValidMasterId`: non-blank, contains `^`, non-empty part after the last `^`. */
export function isValidMasterId(id: string | null | undefined): boolean {
  if (id === undefined || id === null || id.trim() === '') return false;
  const i = id.lastIndexOf('^');
  return i >= 0 && id.slice(i + 1).length > 0;
}

/** `('code^^codeSystem')`: the `resource_hl7_type` claim exactly as the gateway builds it from ClinicalDocument/code. */
export function resourceHl7Type(code: string, codeSystem: string): string {
  return `('${code}^^${codeSystem}')`;
}

/**
 * The document-type code the gateway takes from `resource_hl7_type` for the correlation check
 * (`StringUtility#extractHl7TypeCode`, release): `(`, `)` and `'` removed, split on `^`, the first piece; null when
 * blank. So `11502-2^^2.16.840.1.113883.6.1` works without parentheses, and a list `('a^^x','b^^y')` yields `a`.
 */
export function extractHl7TypeCode(resourceHl7Type: string | null | undefined): string | null {
  if (resourceHl7Type === null || resourceHl7Type === undefined || resourceHl7Type.trim() === '') return null;
  const cleaned = resourceHl7Type.trim().replace(/[()']/g, '');
  const first = cleaned.split('^')[0] ?? '';
  return first.trim() === '' ? null : first;
}

/** The LOINC code of a `('code^^system')` claim; null when the claim has another shape. */
export function typeCodeOf(resourceHl7Type: string | null): string | null {
  const m = /^\('([^^']*)\^\^[^']*'\)$/.exec(resourceHl7Type ?? '');
  return m ? m[1]! : null;
}

/** Suffix of every workflowInstanceId (`CdaUtility`). */
export const WII_SUFFIX = '^^^^urn:ihe:iti:xdw:2013:workflowInstanceId';
/** Placeholder of family-V errors raised before the workflowInstanceId is known. */
export const UNKNOWN_WORKFLOW_ID = 'UNKNOWN_WORKFLOW_ID';
