/**
 * The run's working records, shared by the coordinator and its parallel workers through files in
 * `<run>/cucumber/` (names in support/evidence/runDir.ts): one JSON line per finished scenario (progress, counts,
 * data.json, summary), the number of planned scenarios, the workers' peak RSS. (What the run left on the gateway is the
 * replay of evidence/published.jsonl: support/harness/published.ts.)
 */
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUCUMBER_FILES, type RunDir } from '../evidence/runDir.ts';
import type { ExchangeOutcome } from './exchange.ts';
import type { SkipReason } from './classify.ts';

/** What the run keeps per exchange after the scenario ends (the bytes are on disk, in the evidence). */
export interface OutcomeSummary {
  at: string; method: string; docType: string; status?: number; errorType: string; xCartId: string; traceId: string; workflowInstanceId: string; pdfFile?: string;
  /** The infrastructure answered, not the gateway (support/harness/classify.ts isInfrastructure). */
  infrastructure?: boolean;
}
export interface ScenarioRecord {
  name: string; status: string; outcomes: OutcomeSummary[]; nationalIds: number[];
  /** Why a SKIPPED scenario was skipped (support/harness/classify.ts SKIP_REASONS). */
  skip?: SkipReason;
  /** Informative on this target (support/harness/informative.ts): never fails the run; `findings` = what differed. */
  informative?: { findings: string[] };
}

export function summariseOutcome(o: ExchangeOutcome): OutcomeSummary {
  return {
    at: o.timestamp, method: o.method, docType: o.documentType, status: o.httpStatus === '' ? undefined : o.httpStatus,
    errorType: o.errorType, xCartId: o.xCartId, traceId: o.traceId, workflowInstanceId: o.workflowInstanceId, pdfFile: o.pdfFile,
    ...(o.infrastructure ? { infrastructure: true } : {}),
  };
}

/** Newline-terminated lines in `b`, counted on the bytes (no decoding: JSON lines never hold a raw newline). */
export function countLines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

export class RunRecords {
  readonly #dir: string;
  /** True when other processes append to the same files (parallel workers): counts are read from disk. */
  readonly #shared: boolean;
  readonly #log: (line: string) => void;
  #recorded = 0;
  #seenBytes = 0;
  #seenLines = 0;
  #total = 0;

  constructor(runDir: RunDir, o: { shared: boolean; log: (line: string) => void }) {
    this.#dir = runDir.cucumberDir;
    this.#shared = o.shared;
    this.#log = o.log;
  }

  #file(name: keyof typeof CUCUMBER_FILES): string { return join(this.#dir, CUCUMBER_FILES[name]); }

  /** Appends a finished scenario and prints its progress line `[n/total] ok|SKIP|FAIL name — calls`. */
  recordScenario(r: ScenarioRecord): void {
    const file = this.#file('scenarios');
    appendFileSync(file, `${JSON.stringify(r)}\n`);
    this.#recorded++;
    const n = this.#shared ? this.#linesInFile(file) : this.#recorded;
    const calls = r.outcomes.map((o) => `${o.method} → ${o.status ?? o.errorType} (X-Cart-id ${o.xCartId || '—'})`).join('; ');
    const mark = r.status === 'PASSED' ? (r.informative?.findings.length ? 'INFO' : 'ok  ') : r.status === 'SKIPPED' ? 'SKIP' : 'FAIL';
    const total = this.totalScenarios();
    this.#log(`[${n}${total ? `/${total}` : ''}] ${mark} ${r.name}${calls ? ` — ${calls}` : ''}${r.informative?.findings.length ? ` [informativo: ${r.informative.findings.length} differenze]` : ''}`);
  }

  /** Lines in the shared scenarios file: only what was appended since the last look is read (the file only grows). */
  #linesInFile(file: string): number {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > this.#seenBytes) {
        const fresh = Buffer.allocUnsafe(size - this.#seenBytes);
        const got = readSync(fd, fresh, 0, fresh.length, this.#seenBytes);
        const whole = fresh.lastIndexOf(10, got - 1) + 1; // a line another process is still writing is counted next time
        this.#seenLines += countLines(fresh.subarray(0, whole));
        this.#seenBytes += whole;
      }
    } finally {
      closeSync(fd);
    }
    return this.#seenLines;
  }

  /** Scenario records of the whole run (every worker appended to the same file). */
  readScenarios(): ScenarioRecord[] {
    return lines(this.#file('scenarios')).map((l) => JSON.parse(l) as ScenarioRecord);
  }

  /** Sets the number of planned scenarios; `share` writes it for the parallel workers. */
  setTotalScenarios(n: number, o: { share: boolean }): void {
    this.#total = n;
    if (o.share) writeFileSync(this.#file('total'), String(n));
  }

  /** Planned scenarios (0 when unknown); a worker reads the coordinator's number once. */
  totalScenarios(): number {
    if (!this.#total && this.#shared) {
      try { this.#total = Number(readFileSync(this.#file('total'), 'utf8')) || 0; } catch { /* unknown */ }
    }
    return this.#total;
  }

  /** A parallel worker's peak RSS in MB, appended when it finishes. */
  recordWorkerRss(mb: number): void { appendFileSync(this.#file('workersRss'), `${mb}\n`); }
  readWorkersRss(): number[] { return lines(this.#file('workersRss')).map(Number); }
}
