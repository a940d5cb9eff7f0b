/**
 * A step text that matches no step definition (a typo in a feature file): instead of Cucumber's "Undefined.
 * Implement with the following snippet", the closest existing steps, and nothing sent for that scenario.
 * Pure string logic, used before the run (cli/plan.ts), by the scenario hooks (steps/hooks.ts) and by the summary
 * formatter of plain `cucumber-js` runs (steps/formatters/summary.ts).
 */

/** A step definition as far as matching goes (Cucumber's StepDefinition has both). */
export interface StepMatcher {
  /** The Cucumber expression (or regular expression source) of the definition. */
  pattern: string;
  matchesStepName(text: string): boolean;
}

export interface UndefinedStep {
  /** Feature file (relative) and line of the step. */
  uri: string;
  line?: number;
  scenario: string;
  text: string;
  /** Closest existing steps, best first, as written in the definitions (`{tipo}`, `{cf}`, `{string}`, `{int}`…). */
  closest: string[];
}

/** Placeholders for what varies in a step, so that "…claim "x"…" compares to "…claim {string}…". */
function normalise(text: string): string {
  return text
    .replace(/"[^"]*"/g, '{string}')
    .replace(/\b(CERT_VACC|SING_VACC|LAB|RAD|LDO|RSA|RAP|VPS|PSS)\b/g, '{tipo}')
    .replace(/\b[A-Za-z0-9]{16}\b/g, '{cf}')
    .replace(/\b(validazione e creazione|sostituzione|aggiornamento metadati|eliminazione)$/g, '{metodo}')
    .replace(/\b\d+\b/g, '{int}')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Levenshtein distance between two strings (characters). */
function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[n]!;
}

/** The `n` existing step patterns closest to `text`, best first (distinct). */
export function closestSteps(text: string, patterns: readonly string[], n = 3): string[] {
  const t = normalise(text);
  const unique = [...new Set(patterns)];
  return unique
    .map((p) => ({ p, d: distance(t, normalise(p)) / Math.max(t.length, p.length, 1) }))
    .sort((x, y) => x.d - y.d || x.p.localeCompare(y.p))
    .slice(0, n)
    .map((x) => x.p);
}

/** The steps of a scenario that no definition matches, with the closest existing ones. */
export function undefinedSteps(
  scenario: { name: string; uri: string; steps: readonly { text: string; line?: number }[] },
  definitions: readonly StepMatcher[],
): UndefinedStep[] {
  const patterns = definitions.map((d) => d.pattern);
  return scenario.steps
    .filter((s) => !definitions.some((d) => d.matchesStepName(s.text)))
    .map((s) => ({ uri: scenario.uri, line: s.line, scenario: scenario.name, text: s.text, closest: closestSteps(s.text, patterns) }));
}

/** One line per undefined step, then its closest existing steps (indented). */
export function describeUndefinedSteps(list: readonly UndefinedStep[]): string[] {
  const lines: string[] = [];
  for (const u of list) {
    lines.push(`${u.uri}${u.line ? `:${u.line}` : ''}: no step matches "${u.text}" (scenario "${u.scenario}"); closest existing steps:`);
    for (const c of u.closest) lines.push(`    ${c}`);
  }
  return lines;
}
