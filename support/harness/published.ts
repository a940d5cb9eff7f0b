/**
 * The documents a run may have left on the gateway, kept durably in `evidence/published.jsonl` (RUN_FILES-style
 * name in support/evidence/runDir.ts `EVIDENCE_FILES.published`) so that the end of the run, or a later
 * `fse-harness cleanup RUN_DIR`, deletes them (stage hygiene: RT's stage is shared and keeps real test patients;
 * README § "Interrupted runs and clean-up").
 *
 * One JSON line per fact, appended and fsynced before the call returns; every process of a run (the coordinator and
 * the parallel Cucumber workers) appends to the same file (small O_APPEND writes do not interleave). The current set
 * is the replay of the journal, so it survives Ctrl-C and SIGKILL:
 *  - `sending` is written BEFORE a create/replace goes out: a process killed mid-request still leaves a trace,
 *    and an unresolved `sending` replays as "maybe published";
 *  - `published` (create/replace answered < 300; a replace also writes `replaced` for the retired version);
 *  - `maybe-published`: a create/replace that timed out, was reset, got a 5xx or no HTTP answer at all — the gateway
 *    can store a document and lose the answer;
 *  - `not-published`: a definite refusal (4xx): the sending is resolved and nothing changes;
 *  - `deleted` (a delete answered < 300), `absent` (a delete answered 404: resolves a maybe-published document,
 *    which was then never there), `maybe-deleted` (a delete without a definite answer: the document's fate is unknown),
 *    `refused` (a delete refused otherwise: nothing changes, its answer is kept for the unresolved list).
 * Only what the delete needs is kept (id, type, patient, ClinicalDocument/code, mode): never the PDF or CDA bytes,
 * which are in the evidence already.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { DocType, InjectionMode, Method } from '../types.ts';
import type { DocumentState } from './document.ts';

/** What a later delete needs of a document. */
export interface DocRef {
  id: string;
  docType: DocType;
  patientCf: string;
  code: { code: string; codeSystem: string };
  mode: InjectionMode;
}

export type JournalEvent = 'sending' | 'published' | 'replaced' | 'maybe-published' | 'not-published' | 'deleted' | 'absent' | 'maybe-deleted' | 'refused';

export interface JournalEntry {
  at: string;
  pid: number;
  event: JournalEvent;
  /** The document the fact is about (for `replaced`: the retired version). */
  doc: DocRef;
  method: Method;
  /** HTTP status of the answer ('' when none). */
  status: number | '';
  /** The X-Cart-id of the call that established the fact, when there was one. */
  xCartId?: string;
  /** What came back, one line (error type/detail), for the unresolved list. */
  detail?: string;
}

export type PublishedState = 'published' | 'maybe-published';

/** One document still (possibly) on the gateway, as the replay of the journal says. */
export interface PublishedDoc {
  doc: DocRef;
  state: PublishedState;
  /** The last answer about it (what the unresolved list shows). */
  detail: string;
}

export function docRef(d: Pick<DocumentState, 'identificativoDoc' | 'docType' | 'patientCf' | 'code' | 'mode'>, id = d.identificativoDoc): DocRef {
  return { id, docType: d.docType, patientCf: d.patientCf, code: { code: d.code.code, codeSystem: d.code.codeSystem }, mode: d.mode };
}

/** A DocumentState a delete can address (no bytes: a delete sends none). */
export function deletable(r: DocRef): DocumentState {
  return {
    docType: r.docType, patientCf: r.patientCf, identificativoDoc: r.id, code: r.code, mode: r.mode,
    cda: new Uint8Array(), pdf: new Uint8Array(), pdfSha256: '', source: 'template', variants: [],
    ctx: { docType: r.docType, patient: { cf: r.patientCf }, docIdExtension: r.id, setIdExtension: r.id, version: 1, effectiveTime: new Date(0) } as DocumentState['ctx'],
  };
}

/** How a create/replace answer settles the document's fate. */
export function publicationFate(status: number | ''): 'published' | 'maybe-published' | 'not-published' {
  if (status === '' || status >= 500) return 'maybe-published';
  return status < 300 ? 'published' : 'not-published';
}

/** Replays journal lines (a torn last line of a killed process is skipped) into the current set, in first-seen order. */
export function replay(entries: readonly JournalEntry[]): PublishedDoc[] {
  interface S { doc: DocRef; state: PublishedState | 'gone' | 'none'; pending: number; detail: string }
  const m = new Map<string, S>();
  const get = (d: DocRef): S => {
    let s = m.get(d.id);
    if (!s) { s = { doc: d, state: 'none', pending: 0, detail: '' }; m.set(d.id, s); }
    return s;
  };
  for (const e of entries) {
    const s = get(e.doc);
    if (e.detail) s.detail = e.detail;
    switch (e.event) {
      case 'sending': s.pending++; s.doc = e.doc; break;
      case 'published': s.pending = Math.max(0, s.pending - 1); s.state = 'published'; s.doc = e.doc; break;
      case 'maybe-published': s.pending = Math.max(0, s.pending - 1); if (s.state !== 'published') s.state = 'maybe-published'; break;
      case 'not-published': s.pending = Math.max(0, s.pending - 1); break;
      case 'replaced': case 'deleted': s.state = 'gone'; break;
      // a 404 proves that a document whose publication is unknown was never there; a published one is kept (the
      // gateway said it was stored: a 404 then is not enough to call it gone)
      case 'absent': if (s.state === 'maybe-published') s.state = 'gone'; break;
      case 'maybe-deleted': if (s.state === 'published') s.state = 'maybe-published'; break;
      case 'refused': break;
    }
  }
  const out: PublishedDoc[] = [];
  for (const s of m.values()) {
    // a `sending` never answered (the process died mid-request) is a maybe-published document
    const state = s.state === 'published' || s.state === 'maybe-published' ? s.state : s.pending > 0 && s.state !== 'gone' ? 'maybe-published' : null;
    if (state) out.push({ doc: s.doc, state, detail: s.detail || (s.pending > 0 ? 'nessuna risposta registrata (processo interrotto durante la chiamata)' : '') });
  }
  return out;
}

export function readJournal(file: string): JournalEntry[] {
  if (!existsSync(file)) return [];
  const out: JournalEntry[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop(); // the part after the last '\n': '' or a torn line
  for (const l of lines) {
    if (!l.trim()) continue;
    try { out.push(JSON.parse(l) as JournalEntry); } catch { /* torn line */ }
  }
  return out;
}

export class PublishedSet {
  readonly file: string;
  #fd: number | null = null;

  constructor(file: string) { this.file = file; }

  #append(e: Omit<JournalEntry, 'at' | 'pid'>): void {
    this.#fd ??= openSync(this.file, 'a');
    const buf = Buffer.from(`${JSON.stringify({ at: new Date().toISOString(), pid: process.pid, ...e })}\n`, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
    fsyncSync(this.#fd);
  }

  /** Before a create/replace goes out: the trace a killed process leaves. */
  sending(method: Method, doc: DocumentState): void {
    if (method !== 'validate-and-create' && method !== 'replace') return;
    this.#append({ event: 'sending', doc: docRef(doc), method, status: '' });
  }

  /**
   * Records the effect of one call: `status` is the HTTP status ('' when there was no HTTP answer). validate-and-create
   * and replace settle `doc` (published / maybe published / refused), a successful replace retires `pathId`; delete
   * settles `pathId` (default: the document's own id). update-metadata changes nothing.
   */
  track(method: Method, status: number | '' | undefined, doc: DocumentState, pathId?: string, o: { xCartId?: string; detail?: string } = {}): void {
    const st: number | '' = status ?? '';
    const extra = { method, status: st, ...(o.xCartId ? { xCartId: o.xCartId } : {}), ...(o.detail ? { detail: o.detail } : {}) };
    if (method === 'validate-and-create' || method === 'replace') {
      const fate = publicationFate(st);
      this.#append({ event: fate, doc: docRef(doc), ...extra });
      if (method === 'replace' && fate === 'published' && pathId && pathId !== doc.identificativoDoc) this.#append({ event: 'replaced', doc: docRef(doc, pathId), ...extra });
    } else if (method === 'delete') {
      const ref = docRef(doc, pathId ?? doc.identificativoDoc);
      const event: JournalEvent | null = st === '' || st >= 500 ? 'maybe-deleted' : st < 300 ? 'deleted' : st === 404 ? 'absent' : null;
      // another refusal (401/403/400…) changes nothing, but its answer is what the unresolved list shows
      this.#append({ event: event ?? 'refused', doc: ref, ...extra });
    }
  }

  /** The documents the run may still have on the gateway (replay of the whole journal: every process's lines). */
  current(): PublishedDoc[] { return replay(readJournal(this.file)); }

  has(id: string): boolean { return this.current().some((d) => d.doc.id === id); }
  get size(): number { return this.current().length; }

  close(): void {
    if (this.#fd !== null) { closeSync(this.#fd); this.#fd = null; }
  }
}
