import { performExchange, succeeded } from './exchange.ts';
import type { Session } from './session.ts';

export const CLEANUP_SCENARIO = 'Pulizia finale: eliminazione dei documenti pubblicati dalla run';

/**
 * Deletes every document this run published and did not delete itself (stage hygiene: RT's stage must not keep
 * the run's test documents). Each deletion is an exchange with its own ledger row and X-Cart-id. What cannot be
 * deleted is recorded in the run's left-behind list (→ summary.md and the evidence).
 */
export async function cleanupPublished(session: Session): Promise<{ deleted: number; leftBehind: string[] }> {
  let deleted = 0;
  const leftBehind: string[] = [];
  for (const [id, doc] of session.published.entries()) {
    const o = await performExchange(session, { scenario: CLEANUP_SCENARIO, method: 'delete', document: doc, pathId: id, expected: 200 });
    session.published.track('delete', o.httpStatus, doc, id);
    if (succeeded(o)) deleted++;
    else leftBehind.push(`${id} (${doc.docType}, ${doc.patientCf}): ${o.httpStatus || o.errorType} ${o.errorDetail}`.trim());
  }
  session.records.writeLeftBehind(leftBehind);
  return { deleted, leftBehind };
}
