/**
 * The documents this run has published and not yet deleted (identificativoDoc → the document as last sent), so that
 * the end of the run deletes them (stage hygiene: RT's stage must not keep test documents). Updated from the
 * outcome of every successful call; the final clean-up (support/harness/cleanup.ts) walks it.
 * Kept in memory for now; the interface is what a durable store (one record per change) would need.
 */
import type { Method } from '../types.ts';
import type { DocumentState } from './document.ts';

export class PublishedSet {
  readonly #docs = new Map<string, DocumentState>();

  /**
   * Records the effect of one call: `status` is the HTTP status ('' when there was no HTTP answer); only a success
   * (< 300) changes the set. validate-and-create adds `doc`; replace retires `pathId` and adds `doc` (the new
   * version); delete removes `pathId` (default: the document's own id). update-metadata changes nothing.
   */
  track(method: Method, status: number | '' | undefined, doc: DocumentState, pathId?: string): void {
    if (!status || status >= 300) return;
    // keep what the final delete needs (ids, type, patient, code); the PDF and CDA bytes are already in the evidence
    const light: DocumentState = { ...doc, pdf: new Uint8Array(), cda: new Uint8Array() };
    if (method === 'validate-and-create') this.#docs.set(doc.identificativoDoc, light);
    if (method === 'replace') { if (pathId) this.#docs.delete(pathId); this.#docs.set(doc.identificativoDoc, light); }
    if (method === 'delete') this.#docs.delete(pathId ?? doc.identificativoDoc);
  }

  has(id: string): boolean { return this.#docs.has(id); }
  get size(): number { return this.#docs.size; }
  /** identificativoDoc → document, in publication order (a snapshot: safe to change the set while iterating). */
  entries(): [string, DocumentState][] { return [...this.#docs.entries()]; }
}
