/**
 * Every request a scenario sends declares the HTTP status it expects: the ledger's `expected` column and the PASS /
 * FAIL of each row depend on it. The declaration is the first `la risposta ha stato HTTP N` step after each
 * `invio la richiesta di …` step (before the next request). A request without one is an error in the feature file,
 * reported before the scenario sends anything — never recorded as `expected = 0`.
 */

/** Start of the step that sends a request (steps/gateway.steps.ts: `invio la richiesta di {metodo}`). */
export const SEND_STEP = /^invio la richiesta di /;
/** The step that declares the expected status (steps/gateway.steps.ts: `la risposta ha stato HTTP {int}`). */
export const STATUS_STEP = /^la risposta ha stato HTTP (\d{3})$/;

/** Expected status of each request of a scenario, in order; throws naming the scenario when one is missing. */
export function expectedStatuses(scenario: string, stepTexts: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < stepTexts.length; i++) {
    if (!SEND_STEP.test(stepTexts[i]!)) continue;
    let expected: number | undefined;
    for (let j = i + 1; j < stepTexts.length && !SEND_STEP.test(stepTexts[j]!); j++) {
      const m = STATUS_STEP.exec(stepTexts[j]!);
      if (m) { expected = Number(m[1]); break; }
    }
    if (expected === undefined) {
      throw new Error(`scenario "${scenario}": step ${i + 1} "${stepTexts[i]}" is not followed by "la risposta ha stato HTTP <N>" `
        + 'before the next request: every request must declare the status it expects (ledger column "expected")');
    }
    out.push(expected);
  }
  return out;
}
