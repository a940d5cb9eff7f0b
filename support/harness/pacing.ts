/**
 * `--rate N`: at most N requests per second across ALL the processes of a run (the coordinator and every parallel
 * Cucumber worker). RT's stage is shared by every vendor: a run must not hammer it (README § "Pacing: --rate").
 *
 * Time is cut into slots of 1/N s, numbered from the Unix epoch. A request first claims a slot by creating the
 * slot's file exclusively in `<run>/cucumber/rate-slots/` (the same lock-free claim the ledger uses for exchange
 * numbers: `wx` fails for everybody but the first), never a slot in the past, then waits for the slot's start. One
 * request per slot, whatever the number of processes: the total rate is bounded by N, not N per worker.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

export const RATE_ENV = 'FSE_RATE';
/** On stage, unless told otherwise: two requests per second for the whole run. */
export const DEFAULT_STAGE_RATE = 2;
export const MAX_RATE = 1000;

/**
 * The rate in force: FSE_RATE (set by `--rate`) over the default for the target (stage 2/s, simulator unlimited).
 * `0` or `unlimited` = no pacing. Returns null for no pacing.
 */
export function resolveRate(target: string, env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env[RATE_ENV];
  if (raw === undefined || raw === '') return target === 'stage' ? DEFAULT_STAGE_RATE : null;
  if (raw === 'unlimited' || raw === '0') return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_RATE) {
    throw new UserError('RATE', `--rate / ${RATE_ENV} must be a number of requests per second from 0.01 to ${MAX_RATE}, or 0/unlimited (got ${JSON.stringify(raw)})`);
  }
  return n;
}

export interface Pacer {
  /** Resolves when this process may send its next request. */
  wait(): Promise<void>;
}

export class SlotPacer implements Pacer {
  readonly dir: string;
  readonly rate: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #last = -1;

  constructor(dir: string, rate: number, o: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {}) {
    this.dir = dir;
    this.rate = rate;
    this.#now = o.now ?? Date.now;
    this.#sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    mkdirSync(dir, { recursive: true });
  }

  /** Start of slot `k`, in ms since the epoch. */
  slotStart(k: number): number { return (k * 1000) / this.rate; }

  /** Claims the first free slot not in the past (and after this process's last one); returns its number. */
  claim(): number {
    let k = Math.max(Math.ceil((this.#now() * this.rate) / 1000), this.#last + 1);
    for (;;) {
      try {
        closeSync(openSync(join(this.dir, String(k)), 'wx'));
        this.#last = k;
        return k;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        k++;
      }
    }
  }

  async wait(): Promise<void> {
    const k = this.claim();
    const ms = this.slotStart(k) - this.#now();
    if (ms > 0) await this.#sleep(ms);
  }
}
