/**
 * Waiting for a document after a 202. A 202 means "accepted": the gateway finishes the work (EDS, INI) afterwards
 * (gateway-spec.md, the responses of create / replace / update / delete), so the document it names may answer 404
 * for a short while. Before operating on such a document again, the call is retried on 404 with a growing pause,
 * within a bounded settle time: `settleMs` in the profile, or FSE_SETTLE_MS (default 2000 on stage, 0 against the
 * simulator, which answers at once unless told otherwise). Every try is a real exchange, so each is in the ledger:
 * a 404 that is retried has outcome RETRY, the last try its ordinary outcome.
 */
import type { Method, Target } from '../types.ts';
import { UserError } from '../errors.ts';

export const SETTLE_ENV = 'FSE_SETTLE_MS';
/** Default settle time: stage needs one (asynchronous work after a 202), the simulator does not. */
export const DEFAULT_SETTLE_MS: Readonly<Record<Target, number>> = { stage: 2000, simulator: 0 };
/** Longest settle time accepted: beyond it a document that still answers 404 is a finding, not a wait. */
export const MAX_SETTLE_MS = 120_000;
/** First pause of the poll; each next one doubles, the last one cut to what the settle time has left. */
export const FIRST_PAUSE_MS = 200;

/** The settle time in force: FSE_SETTLE_MS, else the profile's `settleMs`, else the target's default. */
export function settleMs(profile: { target: Target; settleMs?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[SETTLE_ENV];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > MAX_SETTLE_MS) {
      throw new UserError('SETTLE_MS', `${SETTLE_ENV} must be a whole number of milliseconds from 0 to ${MAX_SETTLE_MS} (got ${JSON.stringify(raw)})`);
    }
    return n;
  }
  return profile.settleMs ?? DEFAULT_SETTLE_MS[profile.target];
}

/** The pauses before each retry: FIRST_PAUSE_MS, doubling, summing to at most `budgetMs` (0 → no retry). */
export function settlePauses(budgetMs: number, firstMs = FIRST_PAUSE_MS): number[] {
  const out: number[] = [];
  let left = budgetMs;
  let next = firstMs;
  while (left > 0) {
    const p = Math.min(next, left);
    out.push(p);
    left -= p;
    next *= 2;
  }
  return out;
}

/**
 * Documents answered with a 202 by this scenario (identificativoDoc → when): the next operation on one of them is
 * polled. An answer other than 202 on the document (or a later one that found it) settles it.
 */
export class PendingDocuments {
  readonly #since = new Map<string, number>();
  mark(id: string, at = Date.now()): void { this.#since.set(id, at); }
  settle(id: string): void { this.#since.delete(id); }
  isPending(id: string): boolean { return this.#since.has(id); }

  /**
   * Records the final answer of a call: the document addressed by `pathId` answered (or was retired, or deleted);
   * a 202 leaves pending the document a create/replace published (`docId`) or the one an update changed.
   */
  afterAnswer(method: Method, status: number | '', docId: string, pathId: string | undefined): void {
    if (pathId) this.settle(pathId);
    if (status !== 202) return;
    if (method === 'validate-and-create' || method === 'replace') this.mark(docId);
    if (method === 'update-metadata' && pathId) this.mark(pathId);
  }
}

/** What the poll needs from one try's outcome. */
export interface TryOutcome { httpStatus: number | '' }

/**
 * Runs `attempt` once, or — when the document is pending — again after each pause while it answers 404.
 * `attempt(retryOn404)` gets true when a 404 of this try will be retried (its ledger row is then RETRY).
 * Returns every try's outcome, the last one deciding.
 */
export async function pollUntilSettled<T extends TryOutcome>(o: {
  pending: boolean;
  budgetMs: number;
  attempt: (retryOn404: boolean, tryNumber: number) => Promise<T>;
  sleep?: (ms: number) => Promise<void>;
}): Promise<T[]> {
  const pauses = o.pending ? settlePauses(o.budgetMs) : [];
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const tries: T[] = [];
  for (let i = 0; ; i++) {
    const t = await o.attempt(i < pauses.length, i + 1);
    tries.push(t);
    if (t.httpStatus !== 404 || i >= pauses.length) return tries;
    await sleep(pauses[i]!);
  }
}
