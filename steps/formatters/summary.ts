/**
 * Cucumber's summary formatter, except for scenarios with undefined steps: instead of "Undefined. Implement with the
 * following snippet" (an invitation to write code), the closest existing steps — a new case never needs new code.
 * Used by plain `cucumber-js` runs (cucumber.js); `fse-harness run` refuses such scenarios before the run
 * (cli/plan.ts), and the scenario hooks stop them before any call either way.
 */
import { SummaryFormatter, formatterHelpers, type IFormatterOptions } from '@cucumber/cucumber';
import { describeUndefinedSteps, undefinedSteps, type StepMatcher } from '../../support/harness/step-suggest.ts';

type Attempt = Parameters<SummaryFormatter['logIssues']>[0]['issues'][number];

export default class HarnessSummaryFormatter extends SummaryFormatter {
  static override readonly documentation = 'Summary output; undefined steps listed with the closest existing steps';

  constructor(options: IFormatterOptions) {
    super(options);
  }

  override logIssues({ issues, title }: { issues: Attempt[]; title: string }): void {
    this.log(`${title}:\n\n`);
    issues.forEach((attempt, index) => {
      const undef = this.undefinedOf(attempt);
      if (undef.length === 0) {
        this.log(formatterHelpers.formatIssue({
          colorFns: this.colorFns, number: index + 1, snippetBuilder: this.snippetBuilder, supportCodeLibrary: this.supportCodeLibrary,
          testCaseAttempt: attempt, printAttachments: this.printAttachments,
        }));
        return;
      }
      const line = attempt.gherkinDocument.feature?.children.map((c) => c.scenario).find((sc) => sc && attempt.pickle.astNodeIds.includes(sc.id))?.location.line;
      const text = [
        `${index + 1}) Scenario: ${attempt.pickle.name} # ${attempt.pickle.uri}${line ? `:${line}` : ''}`,
        '   Nothing was sent for this scenario: a step matches no step definition (a new case needs no new code).',
        ...describeUndefinedSteps(undef).map((l) => `   ${l}`),
      ];
      this.log(`${this.colorFns.forStatus('UNDEFINED' as never)(text.join('\n'))}\n\n`);
    });
  }

  private undefinedOf(attempt: Attempt) {
    const ids = new Set(attempt.testCase.testSteps.filter((ts) => ts.pickleStepId && attempt.stepResults[ts.id]?.status === 'UNDEFINED').map((ts) => ts.pickleStepId!));
    if (ids.size === 0) return [];
    const defs: StepMatcher[] = this.supportCodeLibrary.stepDefinitions.map((d) => ({ pattern: typeof d.pattern === 'string' ? d.pattern : d.pattern.source, matchesStepName: (t: string) => d.matchesStepName(t) }));
    const lines = new Map<string, number>();
    for (const c of attempt.gherkinDocument.feature?.children ?? []) for (const st of c.scenario?.steps ?? []) lines.set(st.id, st.location.line);
    const steps = attempt.pickle.steps.filter((s) => ids.has(s.id)).map((s) => ({ text: s.text, line: lines.get(s.astNodeIds[0]!) }));
    return undefinedSteps({ name: attempt.pickle.name, uri: attempt.pickle.uri, steps }, defs);
  }
}
