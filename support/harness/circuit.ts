/**
 * The run's one stop mechanism: the stop record `RUN_FILES.stop` (stop.json) in the run directory, written once by
 * whichever process first has a reason to stop — the network is down (below), the connection probe failed
 * (support/stage/session-probe.ts), or the operator pressed Ctrl-C / the CI sent SIGTERM (cli/commands/run.ts). Every
 * process of the run reads it before starting a scenario and before sending (README § "Interrupted runs and
 * clean-up"); only the final clean-up sends after it.
 *
 * Stop early when the network is down. Against an unreachable or black-holed gateway every
 * scenario would wait for its own timeout; after N consecutive exchanges without an HTTP response (default 5,
 * profile `maxNetworkFailures`, environment FSE_MAX_NETWORK_FAILURES / flag `--max-network-failures`) the run
 * stops sending: the remaining scenarios are skipped with the reason, the final clean-up still runs (with its own
 * budget of N), the report and summary.md say why, and the run exits non-zero.
 *
 * Each process of a run has one circuit (the Session's); every exchange goes through it (support/harness/exchange.ts
 * `sendRequest`). Parallel runs: every Cucumber worker is a separate process with its own count; the first one that
 * reaches N writes the stop record (`RUN_FILES.stop`) into the run directory, and every
 * process checks that file before sending. So at most N exchanges per worker fail before the whole run stops. The
 * same file records a failed probe (the run then stops before the first scenario).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { RUN_FILES } from '../evidence/runDir.ts';

export const DEFAULT_MAX_NETWORK_FAILURES = 5;
export const MAX_NETWORK_FAILURES_ENV = 'FSE_MAX_NETWORK_FAILURES';

/** Why a run stopped: too many exchanges without an HTTP answer, a failed probe, SIGINT/SIGTERM. */
export type StopKind = 'network' | 'probe' | 'signal';

export interface StopRecord {
  /** ISO 8601 UTC. */
  at: string;
  kind: StopKind;
  /** The signal, when `kind` is 'signal'. */
  signal?: 'SIGINT' | 'SIGTERM';
  /** Why the run stopped, one sentence (English), e.g. "5 consecutive exchanges without an HTTP response". */
  reason: string;
  /** The same in Italian, for summary.md and the report. */
  reasonIt: string;
  /** The last network error seen (code: message). */
  lastError: string;
  limit: number;
  pid: number;
}

/** Thrown instead of sending when the run was stopped (nothing was sent). */
export class RunStoppedError extends Error {
  readonly code = 'RUN_STOPPED';
  readonly stop: StopRecord;
  constructor(stop: StopRecord) {
    super(`run stopped, no request sent: ${stop.reason}${stop.lastError ? ` (last error: ${stop.lastError})` : ''}`);
    this.name = 'RunStoppedError';
    this.stop = stop;
  }
}

/** The exit code of a stopped run: 128 + the signal number for an interruption (130 SIGINT, 143 SIGTERM), else 1. */
export function stopExitCode(stop: Pick<StopRecord, 'kind' | 'signal'>): number {
  if (stop.kind === 'signal') return stop.signal === 'SIGTERM' ? 143 : 130;
  return 1;
}

/** The stop record of an interruption (Ctrl-C = SIGINT, a CI cancelling the job = SIGTERM). */
export function writeSignalStop(runDir: string, signal: 'SIGINT' | 'SIGTERM'): StopRecord {
  return writeStop(runDir, {
    kind: 'signal', signal, limit: 0, lastError: '',
    reason: `interrupted by ${signal}: no new scenario started, what was published is deleted`,
    reasonIt: `interrotta dall'operatore (${signal}): nessuno scenario avviato dopo l'interruzione, i documenti pubblicati sono stati cancellati`,
  });
}

/** The limit: FSE_MAX_NETWORK_FAILURES (set by --max-network-failures) over the profile's value over 5. */
export function maxNetworkFailures(profile: { maxNetworkFailures?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_NETWORK_FAILURES_ENV];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      throw new UserError('MAX_NETWORK_FAILURES', `--max-network-failures / ${MAX_NETWORK_FAILURES_ENV} must be a whole number from 1 to 1000 (got ${JSON.stringify(raw)})`);
    }
    return n;
  }
  return profile.maxNetworkFailures ?? DEFAULT_MAX_NETWORK_FAILURES;
}

export function stopFile(runDir: string): string {
  return join(runDir, RUN_FILES.stop);
}

/** The stop record of a run, or null when it was not stopped. */
export function readStop(runDir: string): StopRecord | null {
  const f = stopFile(runDir);
  if (!existsSync(f)) return null;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as StopRecord;
  } catch {
    return { at: '', kind: 'network', reason: `the run was stopped (unreadable ${RUN_FILES.stop})`, reasonIt: `esecuzione interrotta (${RUN_FILES.stop} illeggibile)`, lastError: '', limit: 0, pid: 0 };
  }
}

/** Writes the stop record once (the first writer wins, atomically); returns the record in force. */
export function writeStop(runDir: string, rec: Omit<StopRecord, 'at' | 'pid'>): StopRecord {
  const full: StopRecord = { at: new Date().toISOString(), pid: process.pid, ...rec };
  try {
    const fd = openSync(stopFile(runDir), 'wx');
    try {
      writeSync(fd, `${JSON.stringify(full, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return full;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readStop(runDir) ?? full;
    throw err;
  }
}

export class NetworkCircuit {
  readonly runDir: string;
  readonly limit: number;
  private consecutive = 0;
  private cleanup = false;
  private lastError = '';
  /** Called once when this process trips the circuit (progress output). */
  onTrip: (stop: StopRecord) => void = () => {};

  constructor(runDir: string, limit: number) {
    this.runDir = runDir;
    this.limit = limit;
  }

  /** The final clean-up may send although the run is stopped: a fresh budget of `limit` consecutive failures. */
  enterCleanup(): void {
    if (this.cleanup) return;
    this.cleanup = true;
    this.consecutive = 0;
  }

  /** The run's stop record (written by any process of the run, or by a failed probe), or null. */
  stopRecord(): StopRecord | null {
    return readStop(this.runDir);
  }

  /** Throws RunStoppedError when this run must not send any more. */
  assertMaySend(): void {
    if (this.cleanup) {
      if (this.consecutive >= this.limit) {
        throw new RunStoppedError({ at: new Date().toISOString(), kind: 'network', pid: process.pid, limit: this.limit, lastError: this.lastError, reason: `the clean-up met ${this.limit} consecutive exchanges without an HTTP response`, reasonIt: `la pulizia finale ha incontrato ${this.limit} chiamate consecutive senza risposta HTTP` });
      }
      return;
    }
    const stop = readStop(this.runDir);
    if (stop) throw new RunStoppedError(stop);
  }

  /** Records one exchange: `gotResponse` = an HTTP response arrived (any status). */
  record(gotResponse: boolean, error?: string): void {
    if (gotResponse) { this.consecutive = 0; return; }
    this.consecutive++;
    if (error) this.lastError = error;
    if (!this.cleanup && this.consecutive >= this.limit) {
      const stop = writeStop(this.runDir, {
        kind: 'network',
        reason: `${this.consecutive} consecutive exchanges without an HTTP response (limit ${this.limit}): the gateway is unreachable or does not answer`,
        reasonIt: `${this.consecutive} chiamate consecutive senza risposta HTTP (limite ${this.limit}): il gateway non è raggiungibile o non risponde`,
        lastError: this.lastError,
        limit: this.limit,
      });
      this.onTrip(stop);
    }
  }
}
