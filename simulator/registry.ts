/**
 * Stand-in for INI/EDS (and the dispatcher's validated-documents store), in memory for the life of the simulator.
 * - publish: remembers identificativoDoc with docType, patient, version; no duplicate check (no 409 anywhere:
 *   a duplicate is accepted, as the real gateway only reports it asynchronously).
 * - replace: the old id must be known (else 404); it is retired and the new id takes its place with version+1.
 * - update: the id must be known (else 404); metadata merged, version+1.
 * - delete: the id must be known (else 404); removed, so the same id can be published again.
 * - settleMs: after a 202 (publish, replace, asynchronous update) the document is not found (404) until that many
 *   ms have passed — the gateway still working after "accepted" (switch `settleMs`; 0 = at once).
 * - validations: CDA hash → wii (national two-step flow; used when replaceRequiresPriorValidation is on).
 */
import { createHash } from 'node:crypto';

export interface RegistryEntry {
  identificativoDoc: string;
  docType: string | null;
  patient: string | null;
  version: number;
  workflowInstanceId: string;
  createdAt: Date;
  updatedAt: Date;
  replaces?: string;
  metadata: Record<string, unknown>;
  /** Epoch ms from which the document is found (settleMs after its last 202). */
  visibleAt: number;
}

export interface RegistryEvent {
  at: Date;
  op: 'PUBLICATION' | 'REPLACE' | 'UPDATE' | 'DELETE';
  identificativoDoc: string;
  workflowInstanceId: string;
  outcome: 'SUCCESS' | 'NOT_FOUND' | 'ASYNC_RETRY';
}

const MAX_EVENTS = 10_000;
const MAX_VALIDATIONS = 10_000;

export class Registry {
  private readonly docs = new Map<string, RegistryEntry>();
  private readonly settleMs: number;

  constructor(o: { settleMs?: number } = {}) { this.settleMs = o.settleMs ?? 0; }

  /** The entry when it exists and has settled (see settleMs). */
  private visible(id: string): RegistryEntry | undefined {
    const e = this.docs.get(id);
    return e && Date.now() >= e.visibleAt ? e : undefined;
  }
  private readonly validations = new Map<string, { wii: string; at: Date }>();
  readonly events: RegistryEvent[] = [];

  get(id: string): RegistryEntry | undefined { return this.visible(id); }
  has(id: string): boolean { return !!this.visible(id); }
  list(): RegistryEntry[] { return [...this.docs.values()]; }
  get size(): number { return this.docs.size; }
  clear(): void { this.docs.clear(); this.validations.clear(); this.events.length = 0; }

  private event(e: Omit<RegistryEvent, 'at'>): void {
    if (this.events.length >= MAX_EVENTS) this.events.shift();
    this.events.push({ at: new Date(), ...e });
  }

  publish(o: { id: string; docType: string | null; patient: string | null; wii: string; metadata?: Record<string, unknown>; replaces?: string; version?: number }): RegistryEntry {
    const now = new Date();
    const entry: RegistryEntry = {
      identificativoDoc: o.id, docType: o.docType, patient: o.patient, version: o.version ?? 1,
      workflowInstanceId: o.wii, createdAt: now, updatedAt: now, metadata: o.metadata ?? {}, replaces: o.replaces,
      visibleAt: now.getTime() + this.settleMs,
    };
    this.docs.set(o.id, entry);
    this.event({ op: o.replaces ? 'REPLACE' : 'PUBLICATION', identificativoDoc: o.id, workflowInstanceId: o.wii, outcome: 'SUCCESS' });
    return entry;
  }

  /** Replace: false when the old id is unknown. */
  replace(oldId: string, o: { newId: string; docType: string | null; patient: string | null; wii: string; metadata?: Record<string, unknown> }): boolean {
    const old = this.visible(oldId);
    if (!old) { this.event({ op: 'REPLACE', identificativoDoc: oldId, workflowInstanceId: o.wii, outcome: 'NOT_FOUND' }); return false; }
    this.docs.delete(oldId);
    this.publish({ id: o.newId, docType: o.docType, patient: o.patient, wii: o.wii, metadata: o.metadata, replaces: oldId, version: old.version + 1 });
    return true;
  }

  update(id: string, metadata: Record<string, unknown>, wii: string, async = false): boolean {
    const e = this.visible(id);
    if (!e) { this.event({ op: 'UPDATE', identificativoDoc: id, workflowInstanceId: wii, outcome: 'NOT_FOUND' }); return false; }
    e.metadata = { ...e.metadata, ...metadata };
    e.version += 1;
    e.updatedAt = new Date();
    if (async) e.visibleAt = e.updatedAt.getTime() + this.settleMs;
    this.event({ op: 'UPDATE', identificativoDoc: id, workflowInstanceId: wii, outcome: async ? 'ASYNC_RETRY' : 'SUCCESS' });
    return true;
  }

  delete(id: string, wii: string, async = false): boolean {
    if (!this.visible(id)) { this.event({ op: 'DELETE', identificativoDoc: id, workflowInstanceId: wii, outcome: 'NOT_FOUND' }); return false; }
    this.docs.delete(id);
    this.event({ op: 'DELETE', identificativoDoc: id, workflowInstanceId: wii, outcome: async ? 'ASYNC_RETRY' : 'SUCCESS' });
    return true;
  }

  /** Stores a validated CDA (upsert by hash). `at`: the validation time (tests of the 5-day rule, PB-02). */
  recordValidation(cda: Uint8Array | string, wii: string, at: Date = new Date()): void {
    const h = cdaHash(cda);
    this.validations.delete(h);
    if (this.validations.size >= MAX_VALIDATIONS) this.validations.delete(this.validations.keys().next().value as string);
    this.validations.set(h, { wii, at });
  }

  /** Looks up and consumes a validated CDA; undefined when absent or the body wii differs. */
  consumeValidation(cda: Uint8Array | string, bodyWii?: string | null): { wii: string; at: Date } | undefined {
    const h = cdaHash(cda);
    const r = this.validations.get(h);
    if (!r) return undefined;
    if (bodyWii && bodyWii !== r.wii) return undefined;
    this.validations.delete(h);
    return r;
  }
}

/** Base64(SHA-256) of the CDA with the legalAuthenticator content neutralised (approximation of `AbstractCTL.cdaWithoutLegalAuthenticator`). */
export function cdaHash(cda: Uint8Array | string): string {
  const text = typeof cda === 'string' ? cda : Buffer.from(cda).toString('utf8');
  const neutral = text.replace(/<legalAuthenticator\b[\s\S]*?<\/legalAuthenticator\s*>/gi, '<legalAuthenticator/>');
  return createHash('sha256').update(neutral).digest('base64');
}
