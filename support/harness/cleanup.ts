import { performExchange, succeeded, type ExchangeOutcome } from './exchange.ts';
import type { Session } from './session.ts';
import { NetworkStoppedError } from './circuit.ts';
import { pollUntilSettled, settleMs } from './settle.ts';

export const CLEANUP_SCENARIO = 'Pulizia finale: eliminazione dei documenti pubblicati dalla run';

/**
 * Deletes every document this run published and did not delete itself (stage hygiene: RT's stage must not keep
 * the run's test documents). Each deletion is an exchange with its own ledger row and X-Cart-id. What cannot be
 * deleted is recorded in the run's left-behind list (→ summary.md and the evidence). It runs even when the run was
 * stopped because the network is down, with its own budget of consecutive failures (issue #11 §7).
 */
export async function cleanupPublished(session: Session): Promise<{ deleted: number; leftBehind: string[] }> {
  let deleted = 0;
  const leftBehind: string[] = [];
  session.circuit.enterCleanup();
  for (const [id, doc] of session.published.entries()) {
    let o: ExchangeOutcome;
    try {
      // a document published moments ago (202) may answer 404 until it settles (support/harness/settle.ts)
      const tries = await pollUntilSettled({ pending: true, budgetMs: settleMs(session.profile), attempt: (retryOn404) => performExchange(session, { scenario: CLEANUP_SCENARIO, method: 'delete', document: doc, pathId: id, expected: 200, retryOn404 }) });
      o = tries[tries.length - 1]!;
    } catch (err) {
      if (!(err instanceof NetworkStoppedError)) throw err;
      leftBehind.push(`${id} (${doc.docType}, ${doc.patientCf}): not deleted, ${err.message}`);
      continue;
    }
    session.published.track('delete', o.httpStatus, doc, id);
    if (succeeded(o)) deleted++;
    else leftBehind.push(`${id} (${doc.docType}, ${doc.patientCf}): ${o.httpStatus || o.errorType} ${o.errorDetail}`.trim());
  }
  session.records.writeLeftBehind(leftBehind);
  return { deleted, leftBehind };
}
