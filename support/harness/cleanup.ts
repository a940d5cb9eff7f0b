import { performExchange, succeeded, type ExchangeContext } from './exchange.ts';
import { RunStoppedError } from './circuit.ts';
import { deletable, type PublishedDoc, type PublishedSet } from './published.ts';
import type { NetworkCircuit } from './circuit.ts';
import type { GatewayClient } from '../request/http.ts';
import { pollUntilSettled, settleMs } from './settle.ts';

/** Deletions in flight at once during the clean-up. */
export const CLEANUP_CONCURRENCY = 4;

export const CLEANUP_SCENARIO = 'Pulizia finale: eliminazione dei documenti pubblicati dalla run';

export interface CleanupResult {
  /** Deleted (answer < 300). */
  deleted: number;
  /** Maybe-published documents the gateway answered 404 for: never published, nothing to delete. */
  absent: number;
  /** What is still (possibly) on the gateway after the clean-up (the replay of the journal). */
  unresolved: PublishedDoc[];
}

export interface CleanupContext extends ExchangeContext {
  readonly published: PublishedSet;
  readonly circuit: Pick<NetworkCircuit, 'assertMaySend' | 'record' | 'enterCleanup'>;
  /** Another connection to the same gateway (the session's `openClient`); without it the deletions go one at a time. */
  openClient?(): Pick<GatewayClient, 'send' | 'baseUrl' | 'close'>;
}

/**
 * Deletes every document the run's journal (evidence/published.jsonl) lists as published or maybe published (stage
 * hygiene: RT's stage must not keep the run's test documents). Each deletion is an exchange with its own ledger row
 * and X-Cart-id, and its answer settles the journal: 2xx deleted; 404 for a maybe-published document = it was never
 * there (resolved). Used at the end of a run and by `fse-harness cleanup` (resumable: the journal is updated call by
 * call, so an interrupted clean-up resumes where it stopped). It runs even when the run was stopped (network down,
 * SIGINT), with its own budget of consecutive failures.
 */
export async function cleanupPublished(ctx: CleanupContext, o: { scenario?: string; log?: (line: string) => void; concurrency?: number } = {}): Promise<CleanupResult> {
  let deleted = 0;
  let absent = 0;
  ctx.circuit.enterCleanup();
  const queue = [...ctx.published.current()];
  let stopped = false;
  // Slow start: one deletion at a time until the gateway answers one, then up to the lanes; a call without an HTTP
  // answer (timeout, reset, TLS) brings it back to one at a time. A gateway that does not answer therefore sees no
  // more attempts than the circuit's budget of consecutive failures, as with a clean-up that goes one by one; one that
  // stops answering half-way sees at most the calls already in flight on top of it.
  let inFlight = 0;
  let answering = false;
  const waiting: (() => void)[] = [];
  const wake = () => { for (const w of waiting.splice(0)) w(); };
  // each lane has at most one deletion in flight, so the number of lanes is the limit once the gateway answers
  const mayStart = () => stopped || answering || inFlight === 0;
  const deleteOne = async (lane: ExchangeContext, p: PublishedDoc): Promise<void> => {
    // a document published moments ago (202) may answer 404 until it settles (support/harness/settle.ts): a 404 is
    // retried within the settle time before it counts (for a maybe-published document: as "never there")
    const tries = await pollUntilSettled({
      pending: true,
      budgetMs: settleMs(ctx.profile),
      attempt: (retryOn404) => performExchange(lane, { scenario: o.scenario ?? CLEANUP_SCENARIO, method: 'delete', document: deletable(p.doc), pathId: p.doc.id, expected: 200, retryOn404, ...(p.state === 'maybe-published' ? { alsoAccepted: [404] } : {}) }),
    });
    const r = tries[tries.length - 1]!;
    answering = r.httpStatus !== '';
    if (succeeded(r)) deleted++;
    else if (r.httpStatus === 404 && p.state === 'maybe-published') absent++;
    o.log?.(`delete ${p.doc.id} (${p.doc.docType}, ${p.state}) → ${r.httpStatus || r.errorType} (X-Cart-id ${r.xCartId || '—'})`);
  };
  // A few deletions in flight at once, each on a connection of its own (a client sends one request at a time, so that
  // its capture is unambiguous): every document is independent, and on stage the clean-up waits on the network, not
  // on this machine. The journal, the ledger and the circuit are written synchronously per exchange, so concurrent
  // deletions never interleave a record.
  const lane = async (lc: ExchangeContext): Promise<void> => {
    for (;;) {
      while (!mayStart()) await new Promise<void>((r) => waiting.push(r));
      const p = stopped ? undefined : queue.shift();
      if (!p) return;
      inFlight++;
      try {
        await deleteOne(lc, p);
      } catch (err) {
        if (!(err instanceof RunStoppedError)) { stopped = true; throw err; }
        // the clean-up's own budget of consecutive failures is spent: what is left stays in the journal
        if (!stopped) o.log?.(`clean-up stopped: ${err.message}`);
        stopped = true;
      } finally {
        inFlight--;
        wake();
      }
    }
  };
  const wanted = ctx.openClient ? Math.max(1, Math.min(o.concurrency ?? CLEANUP_CONCURRENCY, queue.length)) : 1;
  const extra = Array.from({ length: wanted - 1 }, () => ctx.openClient!());
  const contexts: ExchangeContext[] = [ctx, ...extra.map((client) => ({
    profile: ctx.profile, credentials: ctx.credentials, client, ledger: ctx.ledger, runId: ctx.runId, circuit: ctx.circuit,
    published: ctx.published, pacer: ctx.pacer, nextSeq: () => ctx.nextSeq(),
  }))];
  try {
    const results = await Promise.allSettled(contexts.map(lane));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    await Promise.all(extra.map((c) => c.close().catch(() => undefined)));
  }
  return { deleted, absent, unresolved: ctx.published.current() };
}

/** One line per unresolved document, in Italian (summary.md, console): id, type, patient, state, last answer. */
export function describeUnresolved(u: readonly PublishedDoc[]): string[] {
  return u.map((d) => `${d.doc.id} — tipo ${d.doc.docType}, paziente ${d.doc.patientCf}, ${d.state === 'published' ? 'pubblicato' : 'forse pubblicato (esito della pubblicazione sconosciuto)'}${d.detail ? `; ultima risposta: ${d.detail}` : ''}`);
}
