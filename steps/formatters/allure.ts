/**
 * The Allure formatter of `fse-harness run`: allure-cucumberjs's, without what support/report/allure.ts
 * `tidyAllureResults` removes before the report anyway — the `Examples: …` CSV attachments (nine files on every
 * scenario of an outline, eight of them about other document types) and the machine labels: ≈ 6 300 files per full run
 * written only to be deleted (allure-results/ 10 742 → 4 441 files). The tidy step stays (it covers results written
 * by any other means); here they are never written.
 */
import reporterModule from 'allure-cucumberjs/reporter';
import { isExamplesTable, isNoiseLabel } from '../../support/report/allure.ts';

// The package's typings are read as CommonJS (the class on `.default`); this ESM import gives the class itself.
const AllureCucumberReporter = ((reporterModule as unknown as { default?: unknown }).default ?? reporterModule) as typeof reporterModule.default;
type ReporterOptions = ConstructorParameters<typeof AllureCucumberReporter>[0];
type WriteAttachment = (root: string, step: string | null | undefined, name: string, content: unknown, options: { contentType?: string }) => void;
type StartTest = (result: { labels?: { name: string }[] }, scopes?: string[]) => string;
interface Runtime { writeAttachment: WriteAttachment; startTest: StartTest }

export default class HarnessAllureReporter extends AllureCucumberReporter {
  constructor(options: ReporterOptions) {
    super(options);
    // allure-cucumberjs keeps its ReporterRuntime in a field TypeScript calls private; both methods are own
    // properties of the runtime instance (allure-js-commons 3.12), called through `this`.
    const runtime = (this as unknown as { allureRuntime?: Partial<Runtime> }).allureRuntime;
    if (typeof runtime?.writeAttachment !== 'function' || typeof runtime.startTest !== 'function') {
      throw new Error('allure-cucumberjs changed: its runtime has no writeAttachment/startTest (steps/formatters/allure.ts)');
    }
    const writeAttachment = runtime.writeAttachment.bind(runtime);
    const startTest = runtime.startTest.bind(runtime);
    runtime.writeAttachment = (root, step, name, content, o) => {
      if (isExamplesTable({ name, type: o?.contentType })) return;
      writeAttachment(root, step, name, content, o);
    };
    runtime.startTest = (result, scopes) => startTest(result.labels ? { ...result, labels: result.labels.filter((l) => !isNoiseLabel(l)) } : result, scopes);
  }
}
