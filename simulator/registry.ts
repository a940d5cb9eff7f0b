/**
 * Stand-in for INI/EDS (and the dispatcher's validated-documents store), in memory for the life of the simulator.
 * - publish: remembers identificativoDoc with docType, patient, version; no duplicate check (no 409 anywhere:
 *   a duplicate is accepted, as the real gateway only reports it asynchronously).
 * - replace: the old id must be known (else 404); it is retired and the new id takes its place with version+1.
 * - update: the id must be known (else 404); metadata merged, version+1.
 * - delete: the id must be known (else 404); removed, so the same id can be published again.
 * - settleMs: after a 202 (publish, replace, asynchronous update) the document is not found (404) until that many
 *   ms have passed — the gateway still working after "accepted" (switch `settleMs`; 0 = at once).
 * - validations: CDA hash → wii (national two-step flow: E2, and E4 when replaceRequiresPriorValidation is on).
 * - status events: the transaction events the dispatcher emits (gateway-impl.md §2.9: "Status record fields:
 *   `eventType, eventDate, eventStatus, message, identificativoDocumento, subject, subjectRole, tipoAttivita,
 *   organizzazione, workflowInstanceId, traceId, issuer, expiringDate, extra`"), found by wii (E12) and by traceID
 *   (E13). Bounded: MAX_STATUS_EVENTS in all (oldest dropped first), and at most MAX_EVENTS_PER_KEY per wii or
 *   traceID (the OpenAPI's `TransactionInspectResDTO.transactionData` `maxItems: 1000`).
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

const MAX_VALIDATIONS = 10_000;
export const MAX_STATUS_EVENTS = 10_000;
export const MAX_EVENTS_PER_KEY = 1000;

/** `EventStatusEnum` values the dispatcher sends (gateway-impl.md §2.9; gateway-spec.md §7 adds NON_BLOCKING_ERROR). */
export type EventStatus = 'SUCCESS' | 'BLOCKING_ERROR' | 'ASYNC_RETRY' | 'NON_BLOCKING_ERROR';

/**
 * One status record as the status-check service returns it (`StatusCheckDTO`, swagger_gtw.yaml; key order of the
 * OpenAPI). Absent fields are left out (Jackson NON_NULL).
 */
export interface StatusEvent {
  eventType: string;
  eventDate: string;
  eventStatus: EventStatus;
  message?: string;
  identificativoDocumento?: string;
  subject?: string;
  subjectRole?: string;
  tipoAttivita?: string;
  organizzazione?: string;
  workflowInstanceId: string;
  traceId: string;
  issuer: string;
  expiringDate?: string;
  extra?: string;
}

/** ISO-8601 with offset, as the guide's examples show `eventDate` (gateway-spec.md §7). */
export function isoWithOffset(d: Date): string {
  return d.toISOString().replace(/Z$/, '+00:00');
}

/** `expiringDate`: when the status-check service purges the record, "about +1 year in the examples" (gateway-spec.md §7). */
const EXPIRY_MS = 365 * 86_400_000;

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
  /** Every status event, oldest first (bounded), and the same events by wii and by traceId. */
  private readonly statusLog: StatusEvent[] = [];
  private readonly byWii = new Map<string, StatusEvent[]>();
  private readonly byTrace = new Map<string, StatusEvent[]>();

  get(id: string): RegistryEntry | undefined { return this.visible(id); }
  has(id: string): boolean { return !!this.visible(id); }
  list(): RegistryEntry[] { return [...this.docs.values()]; }
  get size(): number { return this.docs.size; }
  clear(): void {
    this.docs.clear(); this.validations.clear();
    this.statusLog.length = 0; this.byWii.clear(); this.byTrace.clear();
  }

  /** Records a status event (eventDate/expiringDate from `at`, default now). */
  recordStatus(e: Omit<StatusEvent, 'eventDate' | 'expiringDate'>, at: Date = new Date()): StatusEvent {
    const ev = { eventType: e.eventType, eventDate: isoWithOffset(at), eventStatus: e.eventStatus } as StatusEvent;
    // OpenAPI key order (StatusCheckDTO); undefined fields omitted.
    for (const k of ['message', 'identificativoDocumento', 'subject', 'subjectRole', 'tipoAttivita', 'organizzazione'] as const) {
      if (e[k] !== undefined) ev[k] = e[k];
    }
    ev.workflowInstanceId = e.workflowInstanceId;
    ev.traceId = e.traceId;
    ev.issuer = e.issuer;
    ev.expiringDate = isoWithOffset(new Date(at.getTime() + EXPIRY_MS));
    if (e.extra !== undefined) ev.extra = e.extra;
    if (this.statusLog.length >= MAX_STATUS_EVENTS) {
      const old = this.statusLog.shift()!;
      this.unindex(this.byWii, old.workflowInstanceId, old);
      this.unindex(this.byTrace, old.traceId, old);
    }
    this.statusLog.push(ev);
    this.index(this.byWii, ev.workflowInstanceId, ev);
    this.index(this.byTrace, ev.traceId, ev);
    return ev;
  }

  private index(m: Map<string, StatusEvent[]>, key: string, ev: StatusEvent): void {
    let l = m.get(key);
    if (!l) m.set(key, (l = []));
    if (l.length >= MAX_EVENTS_PER_KEY) l.shift();
    l.push(ev);
  }

  private unindex(m: Map<string, StatusEvent[]>, key: string, ev: StatusEvent): void {
    const l = m.get(key);
    if (!l) return;
    if (l[0] === ev) l.shift();
    if (l.length === 0) m.delete(key);
  }

  /** Status events of a workflowInstanceId (exact match), oldest first. */
  statusByWii(wii: string): StatusEvent[] { return [...(this.byWii.get(wii) ?? [])]; }
  /** Status events of a traceID (exact match), oldest first. */
  statusByTrace(traceId: string): StatusEvent[] { return [...(this.byTrace.get(traceId) ?? [])]; }
  get statusEventCount(): number { return this.statusLog.length; }

  publish(o: { id: string; docType: string | null; patient: string | null; wii: string; metadata?: Record<string, unknown>; replaces?: string; version?: number }): RegistryEntry {
    const now = new Date();
    const entry: RegistryEntry = {
      identificativoDoc: o.id, docType: o.docType, patient: o.patient, version: o.version ?? 1,
      workflowInstanceId: o.wii, createdAt: now, updatedAt: now, metadata: o.metadata ?? {}, replaces: o.replaces,
      visibleAt: now.getTime() + this.settleMs,
    };
    this.docs.set(o.id, entry);
    return entry;
  }

  /** Replace: false when the old id is unknown. */
  replace(oldId: string, o: { newId: string; docType: string | null; patient: string | null; wii: string; metadata?: Record<string, unknown> }): boolean {
    const old = this.visible(oldId);
    if (!old) return false;
    this.docs.delete(oldId);
    this.publish({ id: o.newId, docType: o.docType, patient: o.patient, wii: o.wii, metadata: o.metadata, replaces: oldId, version: old.version + 1 });
    return true;
  }

  update(id: string, metadata: Record<string, unknown>, _wii: string, async = false): boolean {
    const e = this.visible(id);
    if (!e) return false;
    e.metadata = { ...e.metadata, ...metadata };
    e.version += 1;
    e.updatedAt = new Date();
    if (async) e.visibleAt = e.updatedAt.getTime() + this.settleMs;
    return true;
  }

  delete(id: string, _wii: string, _async = false): boolean {
    if (!this.visible(id)) return false;
    this.docs.delete(id);
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

/**
 * gateway-impl.md §2.8: "`hash_cda` = **Base64 of SHA-256** of the CDA after neutralising `legalAuthenticator`: its
 * `<signature>` child is removed; every attribute value in that subtree becomes `PLACEHOLDER`; every leaf text becomes
 * `PLACEHOLDER`; the document is re-serialised with jsoup." Approximated on the text, inside each `legalAuthenticator`
 * element only (the rest of the CDA is hashed as it is): comments dropped, `<signature>` elements removed, every
 * attribute value (the element's own included) → `"PLACEHOLDER"`, whitespace between tags dropped, the text of every
 * element without child elements → `PLACEHOLDER`. So two CDAs differing only in legalAuthenticator values (ids, names,
 * times, the signature) hash alike, while a structural difference there (an element more or less, another name) does
 * not. Not reproduced: jsoup's re-serialisation of the whole document (entity and whitespace normalisation).
 */
export function neutraliseLegalAuthenticator(text: string): string {
  return text.replace(/<legalAuthenticator\b[^>]*?(?:\/>|>[\s\S]*?<\/legalAuthenticator\s*>)/gi, (el) => el
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<signature\b[^>]*?(?:\/>|>[\s\S]*?<\/signature\s*>)/gi, '')
    .replace(/(<[^\s<>/!?]+)((?:\s+[^\s=<>/"']+\s*=\s*(?:"[^"]*"|'[^']*'))*)(\s*\/?>)/g, (_m, open: string, attrs: string, close: string) =>
      open + attrs.replace(/(\s+[^\s=<>/"']+\s*=\s*)(?:"[^"]*"|'[^']*')/g, '$1"PLACEHOLDER"') + close)
    .replace(/>\s+</g, '><')
    .replace(/(<([^\s<>/!?]+)(?:\s[^<>]*?)?(?<!\/)>)([^<]+)(<\/\2\s*>)/g, '$1PLACEHOLDER$4'));
}

/** Base64(SHA-256) of the CDA with the legalAuthenticator neutralised (`AbstractCTL.cdaWithoutLegalAuthenticator`). */
export function cdaHash(cda: Uint8Array | string): string {
  const text = typeof cda === 'string' ? cda : Buffer.from(cda).toString('utf8');
  return createHash('sha256').update(neutraliseLegalAuthenticator(text)).digest('base64');
}
