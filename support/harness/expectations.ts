/**
 * Every request a scenario sends declares the HTTP status it expects: the ledger's `expected` column and the PASS /
 * FAIL of each row depend on it. The declaration is the first `la risposta ha stato HTTP N` step after each
 * `invio la richiesta di …` step (before the next request). A request without one is an error in the feature file,
 * reported before the scenario sends anything — never recorded as `expected = 0`.
 */
import type { Method } from '../types.ts';

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

/**
 * Where the specification allows alternatives, either is accepted: update metadata and delete answer 200 (EDS and
 * INI both done synchronously) or 202 (accepted, the INI step queued for retry) — gateway-spec.md, the methods table
 * and §"responses" (guide "Interfacce REST Gateway"; the OpenAPI lists both). A feature declares one of them (200);
 * the other is as good. Every other status must be the declared one.
 */
const ALTERNATIVES: Partial<Record<Method, readonly number[]>> = {
  'update-metadata': [200, 202],
  delete: [200, 202],
};

/** The statuses that satisfy a declared `expected` for `method`. */
export function acceptedStatuses(method: Method, expected: number): readonly number[] {
  const alt = ALTERNATIVES[method];
  return alt?.includes(expected) ? alt : [expected];
}

/** True when `status` satisfies the declared `expected` for `method` (see acceptedStatuses). */
export function statusAccepted(method: Method, expected: number, status: number | '' | undefined): boolean {
  return typeof status === 'number' && acceptedStatuses(method, expected).includes(status);
}

/** "200" or "200 o 202": the expectation as the report and the messages show it. */
export function describeAccepted(method: Method, expected: number): string {
  return acceptedStatuses(method, expected).join(' o ');
}
