import type { DocType, Profile } from '../types.ts';
import { docTypeInfo } from '../doctypes.ts';

/** Regional root of document unique ids for Toscana (Affinity Domain §2.20: 2.16.840.1.113883.2.9.2.[REGION].4.4). */
export const RT_DOC_ID_ROOT = '2.16.840.1.113883.2.9.2.90.4.4';

/**
 * CDA id extension following RT's rule: `<PIVA>.<TIPO>.<CODREP>.<company document id>`.
 * The same string becomes the part after `^` of identificativoDoc, so CDA id and XDS uniqueId agree (gateway-spec A12).
 */
export function rtDocIdExtension(profile: Profile, docType: DocType, localId: string): string {
  if (!/^[A-Za-z0-9.-]+$/.test(localId)) throw new Error(`document local id "${localId}" must match [A-Za-z0-9.-]+`);
  return `${profile.provider.partitaIva}.${docTypeInfo(docType).rtTipo}.${profile.codRep}.${localId}`;
}

/** `2.16.840.1.113883.2.9.2.90.4.4^<PIVA>.<TIPO>.<CODREP>.<id>` (toscana.md §5). */
export function identificativoDoc(root: string, extension: string): string {
  return `${root}^${extension}`;
}

/** Path ids carry `^`: always percent-encode them (`%5E`), as the gateway expects (gateway-spec §1.5). */
export function encodePathId(id: string): string {
  return encodeURIComponent(id);
}

/** The gateway's isValidMasterId: non-blank, contains `^`, non-empty part after the last `^`. */
export function isValidMasterId(id: string | null | undefined): boolean {
  if (id === undefined || id === null || id.trim() === '') return false;
  const i = id.lastIndexOf('^');
  return i >= 0 && id.slice(i + 1).length > 0;
}

/** A run-unique, URL-safe local id: `<runId>-<seq>` with only [A-Za-z0-9.-]. */
export function localDocumentId(runId: string, seq: number): string {
  return `${runId.replace(/[^A-Za-z0-9.-]/g, '')}-${String(seq).padStart(4, '0')}`;
}
