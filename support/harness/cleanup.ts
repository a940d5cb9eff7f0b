import { performExchange, succeeded, type ExchangeContext } from './exchange.ts';
import { RunStoppedError } from './circuit.ts';
import { deletable, type PublishedDoc, type PublishedSet } from './published.ts';
import type { NetworkCircuit } from './circuit.ts';
import { pollUntilSettled, settleMs } from './settle.ts';

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
}

/**
 * Deletes every document the run's journal (evidence/published.jsonl) lists as published or maybe published (stage
 * hygiene: RT's stage must not keep the run's test documents). Each deletion is an exchange with its own ledger row
 * and X-Cart-id, and its answer settles the journal: 2xx deleted; 404 for a maybe-published document = it was never
 * there (resolved). Used at the end of a run and by `fse-harness cleanup` (resumable: the journal is updated call by
 * call, so an interrupted clean-up resumes where it stopped). It runs even when the run was stopped (network down,
 * SIGINT), with its own budget of consecutive failures.
 */
export async function cleanupPublished(ctx: CleanupContext, o: { scenario?: string; log?: (line: string) => void } = {}): Promise<CleanupResult> {
  let deleted = 0;
  let absent = 0;
  ctx.circuit.enterCleanup();
  for (const p of ctx.published.current()) {
    try {
      // a document published moments ago (202) may answer 404 until it settles (support/harness/settle.ts): a 404 is
      // retried within the settle time before it counts (for a maybe-published document: as "never there")
      const tries = await pollUntilSettled({
        pending: true,
        budgetMs: settleMs(ctx.profile),
        attempt: (retryOn404) => performExchange(ctx, { scenario: o.scenario ?? CLEANUP_SCENARIO, method: 'delete', document: deletable(p.doc), pathId: p.doc.id, expected: 200, retryOn404, ...(p.state === 'maybe-published' ? { alsoAccepted: [404] } : {}) }),
      });
      const r = tries[tries.length - 1]!;
      if (succeeded(r)) deleted++;
      else if (r.httpStatus === 404 && p.state === 'maybe-published') absent++;
      o.log?.(`delete ${p.doc.id} (${p.doc.docType}, ${p.state}) → ${r.httpStatus || r.errorType} (X-Cart-id ${r.xCartId || '—'})`);
    } catch (err) {
      if (!(err instanceof RunStoppedError)) throw err;
      // the clean-up's own budget of consecutive failures is spent: what is left stays in the journal
      o.log?.(`clean-up stopped: ${err.message}`);
      break;
    }
  }
  return { deleted, absent, unresolved: ctx.published.current() };
}

/** One line per unresolved document, in Italian (summary.md, console): id, type, patient, state, last answer. */
export function describeUnresolved(u: readonly PublishedDoc[]): string[] {
  return u.map((d) => `${d.doc.id} — tipo ${d.doc.docType}, paziente ${d.doc.patientCf}, ${d.state === 'published' ? 'pubblicato' : 'forse pubblicato (esito della pubblicazione sconosciuto)'}${d.detail ? `; ultima risposta: ${d.detail}` : ''}`);
}
