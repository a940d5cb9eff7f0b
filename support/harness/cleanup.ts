import { performExchange } from './exchange.ts';
import type { Session } from './session.ts';

export const CLEANUP_SCENARIO = 'Pulizia finale: eliminazione dei documenti pubblicati dalla run';

/**
 * Deletes every document this run published and did not delete itself (stage hygiene, issue #6 §4).
 * Each deletion is an exchange with its own ledger row and X-Cart-id. What cannot be deleted is listed
 * in session.leftBehind (→ summary.md and the evidence).
 */
export async function cleanupPublished(session: Session): Promise<{ deleted: number; leftBehind: string[] }> {
  let deleted = 0;
  for (const [id, doc] of [...session.published.entries()]) {
    const o = await performExchange(session, { scenario: CLEANUP_SCENARIO, method: 'delete', document: doc, pathId: id, expected: 200 });
    if (o.status && o.status < 300) { session.published.delete(id); deleted++; }
    else session.leftBehind.push(`${id} (${doc.docType}, ${doc.patientCf}): ${o.status ?? o.errorType} ${o.errorDetail}`.trim());
  }
  if (session.leftBehind.length) {
    const { appendFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    appendFileSync(join(session.runDir.cucumberDir, 'left-behind.txt'), session.leftBehind.map((l) => `${l}\n`).join(''));
  }
  return { deleted, leftBehind: session.leftBehind };
}
