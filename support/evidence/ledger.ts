/**
 * The evidence ledger: evidence/ledger.csv (RFC 4180, CRLF) + evidence/ledger.jsonl, one row per HTTP exchange,
 * written synchronously so a SIGKILL loses at most the row being written (which readers then skip).
 * Raw exchanges: evidence/exchanges/NNNN-<method>.request.http / .response.http (exact bytes).
 *
 * Durability: one fsync per exchange, of ledger.jsonl, the record of every X-Cart-id, before `append` returns (so
 * before the worker's next exchange starts). The exchange files, the PDF and ledger.csv are written (in that order,
 * before the row) without an fsync of their own (ledger.csv is fsynced when the ledger closes): a killed process
 * loses nothing the kernel already has; only a machine crash in the seconds after a write could lose one of them,
 * and the row that names the X-Cart-id is never among what can be lost. Measured on the CI machine kind: an fsync
 * costs ≈0.9 ms, and an exchange used to make five.
 */
import {
  closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { LEDGER_COLUMNS } from '../types.ts';
import type { LedgerRow, Method } from '../types.ts';
import { parseCsvRecords } from '../csv.ts';
import { EVIDENCE_FILES } from './runDir.ts';

export interface ExchangeRecord {
  method: Method;
  requestBytes: Uint8Array;
  responseBytes: Uint8Array | null;
}

const CRLF = '\r\n';

/** RFC 4180 field: quoted when it contains `"`, `,`, CR or LF (or leading/trailing spaces); quotes doubled. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + CRLF;
}

/** Complete records + the unterminated tail of a killed run (see support/csv.ts). */
export function parseCsv(text: string): { records: string[][]; partial: string | null } {
  const { records, partial } = parseCsvRecords(text);
  return { records, partial };
}

function toRow(obj: Record<string, string>): LedgerRow {
  const num = (s: string | undefined): number | '' => (s === undefined || s === '' || !/^-?\d+$/.test(s) ? '' : Number(s));
  const row = {} as Record<string, unknown>;
  for (const c of LEDGER_COLUMNS) row[c] = obj[c] ?? '';
  row.httpStatus = num(obj.httpStatus);
  row.expected = num(obj.expected);
  return row as unknown as LedgerRow;
}

/** Reads ledger.csv; skips an unterminated last line (killed run) and any record whose field count is wrong. */
export function readLedgerCsv(path: string): LedgerRow[] {
  const { records } = parseCsv(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  if (records.length === 0) return [];
  const header = records[0]!;
  const missing = LEDGER_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${path}: not a ledger (missing columns: ${missing.join(', ')})`);
  const rows: LedgerRow[] = [];
  for (const r of records.slice(1)) {
    if (r.length !== header.length) continue;
    const obj: Record<string, string> = {};
    header.forEach((h, k) => { obj[h] = r[k]!; });
    rows.push(toRow(obj));
  }
  return rows;
}

/** Reads ledger.jsonl; skips an unterminated or unparsable last line (killed run). */
export function readLedgerJsonl(path: string): LedgerRow[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  lines.pop(); // the part after the last '\n': '' for a complete file, a fragment for a killed one
  const rows: LedgerRow[] = [];
  for (const l of lines) {
    if (l.trim() === '') continue;
    try { rows.push(toRow(stringify(JSON.parse(l) as Record<string, unknown>))); } catch { /* corrupt line */ }
  }
  return rows;
}

function stringify(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v === null || v === undefined ? '' : String(v);
  return out;
}

/** File-name-safe form of a PDF name ([A-Za-z0-9._-], no path). */
export function safeFileName(name: string): string {
  const b = basename(name.replace(/\\/g, '/')).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return b === '' ? 'document.pdf' : b;
}

/**
 * Cuts an unterminated tail (a killed run's half-written row) so the next append starts on a clean line.
 * The cut bytes are kept in `<file>.partial` (never silently discarded).
 */
function repairTail(path: string, complete: (text: string) => number): void {
  if (!existsSync(path)) return;
  const buf = readFileSync(path);
  const text = buf.toString('utf8');
  const keep = complete(text);
  const keepBytes = Buffer.byteLength(text.slice(0, keep), 'utf8');
  if (keepBytes >= buf.length) return;
  writeFileSync(`${path}.partial`, buf.subarray(keepBytes), { flag: 'a' });
  const fd = openSync(path, 'r+');
  try { ftruncateSync(fd, keepBytes); fsyncSync(fd); } finally { closeSync(fd); }
}

export class Ledger {
  readonly evidenceDir: string;
  readonly csvPath: string;
  readonly jsonlPath: string;
  #csvFd: number;
  #jsonFd: number;
  #rows: LedgerRow[];
  #nextSeq: number;
  #claimsDir: string | undefined;
  #closed = false;

  private constructor(evidenceDir: string, csvFd: number, jsonFd: number, rows: LedgerRow[], nextSeq: number, claimsDir?: string) {
    this.evidenceDir = evidenceDir;
    this.csvPath = join(evidenceDir, EVIDENCE_FILES.ledgerCsv);
    this.jsonlPath = join(evidenceDir, EVIDENCE_FILES.ledgerJsonl);
    this.#csvFd = csvFd;
    this.#jsonFd = jsonFd;
    this.#rows = rows;
    this.#nextSeq = nextSeq;
    this.#claimsDir = claimsDir;
  }

  /**
   * `claimsDir` (optional, outside the evidence: a run passes `<run>/cucumber/seq-claims`): where the writers sharing
   * this evidence dir claim exchange numbers, one empty file per number created exclusively. Without it a number is
   * checked by listing the exchanges folder, which costs more the longer the run.
   */
  static open(evidenceDir: string, o: { claimsDir?: string } = {}): Ledger {
    mkdirSync(join(evidenceDir, EVIDENCE_FILES.exchanges), { recursive: true });
    mkdirSync(join(evidenceDir, EVIDENCE_FILES.pdf), { recursive: true });
    const csvPath = join(evidenceDir, EVIDENCE_FILES.ledgerCsv);
    const jsonlPath = join(evidenceDir, EVIDENCE_FILES.ledgerJsonl);
    const resumed = existsSync(csvPath) && readFileSync(csvPath).length > 0;
    repairTail(csvPath, (t) => {
      const { partial } = parseCsv(t);
      return partial === null ? t.length : t.length - partial.length;
    });
    repairTail(jsonlPath, (t) => t.lastIndexOf('\n') + 1);
    const csvFd = openSync(csvPath, 'a');
    const jsonFd = openSync(jsonlPath, 'a');
    if (!resumed) {
      writeSync(csvFd, csvLine(LEDGER_COLUMNS));
      fsyncSync(csvFd);
    }
    const rows = resumed ? readLedgerCsv(csvPath) : [];
    let max = 0;
    for (const f of readdirSync(join(evidenceDir, EVIDENCE_FILES.exchanges))) {
      const m = /^(\d+)-/.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
    if (o.claimsDir) mkdirSync(o.claimsDir, { recursive: true });
    return new Ledger(evidenceDir, csvFd, jsonFd, rows, max + 1, o.claimsDir);
  }

  /**
   * Writes the raw request/response; returns paths relative to the evidence dir ('' when there is no response).
   * The number is claimed by creating the request file exclusively, so several processes (parallel Cucumber
   * workers) sharing one evidence dir never collide: a taken number is skipped.
   */
  writeExchange(rec: ExchangeRecord): { seq: number; requestFile: string; responseFile: string } {
    this.#assertOpen();
    let seq: number;
    let stem: string;
    let requestFile: string;
    for (;;) {
      seq = this.#nextSeq++;
      stem = `${EVIDENCE_FILES.exchanges}/${String(seq).padStart(4, '0')}-${safeFileName(rec.method)}`;
      requestFile = `${stem}.request.http`;
      if (this.#claimed(seq)) continue;
      try {
        writeEvidence(join(this.evidenceDir, requestFile), rec.requestBytes);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    let responseFile = '';
    if (rec.responseBytes !== null) {
      responseFile = `${stem}.response.http`;
      writeEvidence(join(this.evidenceDir, responseFile), rec.responseBytes);
    }
    return { seq, requestFile, responseFile };
  }

  /** Saves a PDF under evidence/pdf/; never overwrites different content (adds -2, -3...). Returns the relative path. */
  savePdf(name: string, bytes: Uint8Array): string {
    this.#assertOpen();
    const safe = safeFileName(name);
    const dot = safe.lastIndexOf('.');
    const stem = dot > 0 ? safe.slice(0, dot) : safe;
    const ext = dot > 0 ? safe.slice(dot) : '';
    for (let n = 1; ; n++) {
      const rel = `${EVIDENCE_FILES.pdf}/${n === 1 ? safe : `${stem}-${n}${ext}`}`;
      const abs = join(this.evidenceDir, rel);
      if (existsSync(abs)) {
        if (Buffer.compare(readFileSync(abs), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) === 0) return rel;
        continue;
      }
      writeEvidence(abs, bytes);
      return rel;
    }
  }

  /**
   * Appends one row (any object carrying the ledger columns, e.g. an exchange outcome: only the columns are written);
   * both files are fsynced before returning.
   */
  append(row: LedgerRow): void {
    this.#assertOpen();
    const columns: Record<string, unknown> = {};
    for (const c of LEDGER_COLUMNS) columns[c] = row[c];
    const full = toRow(stringify(columns));
    const ordered: Record<string, unknown> = {};
    for (const c of LEDGER_COLUMNS) ordered[c] = full[c];
    writeAll(this.#csvFd, csvLine(LEDGER_COLUMNS.map((c) => full[c])));
    writeAll(this.#jsonFd, `${JSON.stringify(ordered)}\n`);
    fsyncSync(this.#jsonFd); // the one durable write per exchange (see the file header)
    this.#rows.push(full);
  }

  /** True when another writer already used number `seq` (any method); otherwise the number is now ours. */
  #claimed(seq: number): boolean {
    if (this.#claimsDir) {
      try {
        closeSync(openSync(join(this.#claimsDir, String(seq)), 'wx'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return true;
        throw err;
      }
      return false; // created here: the number is ours (every writer of a run claims through the same folder)
    }
    const prefix = `${String(seq).padStart(4, '0')}-`;
    return readdirSync(join(this.evidenceDir, EVIDENCE_FILES.exchanges)).some((f) => f.startsWith(prefix));
  }

  rows(): LedgerRow[] {
    return this.#rows.map((r) => ({ ...r }));
  }

  /** A copy of the row of one exchange (its request file), without copying the others. */
  rowOf(requestFile: string): LedgerRow | undefined {
    const r = this.#rows.find((x) => x.requestFile === requestFile);
    return r && { ...r };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try { fsyncSync(this.#csvFd); } catch { /* the rows are in ledger.jsonl, fsynced one by one */ }
    closeSync(this.#csvFd);
    closeSync(this.#jsonFd);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('Ledger is closed');
  }
}

function writeAll(fd: number, s: string): void {
  const buf = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Writes a new evidence file (never overwrites one), without an fsync of its own (see the file header). */
function writeEvidence(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'wx'); // never overwrite evidence
  try {
    let off = 0;
    while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
  } finally {
    closeSync(fd);
  }
}

