/**
 * Cucumber plugin (cucumber.js `plugin`): each test case carries, instead of its whole feature's Gherkin AST, the
 * part of it that the pickle comes from — the feature's header and comments, its backgrounds, its scenario (in its
 * rule) and, in a Scenario Outline, the one Examples row.
 *
 * Why: in a parallel run Cucumber sends every test case to a worker process as JSON together with its gherkinDocument.
 * A feature of 160 outline rows is 160 kB of AST, sent 160 times: 65 MB per run of this suite, ≈ 1.4 s of the
 * coordinator's CPU to encode and ≈ 0.5 s per worker to decode, for nothing — a worker reads the document only to
 * hand it to the hooks of that scenario. The formatters (the Allure report, the summary) are not concerned: they run
 * in the coordinator and read the full documents from Cucumber's message stream, which this plugin does not touch.
 */
import type { GherkinDocument, Pickle, Scenario } from '@cucumber/messages';
import type { Plugin } from '@cucumber/cucumber/api';

type FeatureChild = NonNullable<GherkinDocument['feature']>['children'][number];

/** The part of `doc` that `pickle` comes from (a new object; `doc` is not modified). */
export function documentForPickle(doc: GherkinDocument, pickle: Pick<Pickle, 'astNodeIds'>): GherkinDocument {
  if (!doc.feature) return doc;
  const ids = new Set(pickle.astNodeIds);
  const keep = (children: readonly FeatureChild[]): FeatureChild[] => {
    const kept: FeatureChild[] = [];
    for (const c of children) {
      if (c.background) kept.push(c);
      else if (c.scenario) { if (ids.has(c.scenario.id)) kept.push({ scenario: withOwnRow(c.scenario, ids) }); }
      else if (c.rule) {
        const inRule = keep(c.rule.children as FeatureChild[]);
        if (inRule.some((x) => x.scenario)) kept.push({ rule: { ...c.rule, children: inRule } });
      }
    }
    return kept;
  };
  return { ...doc, feature: { ...doc.feature, children: keep(doc.feature.children) } };
}

/** A Scenario Outline with only the Examples row of this pickle (a plain scenario as it is). */
function withOwnRow(sc: Scenario, ids: ReadonlySet<string>): Scenario {
  if (sc.examples.length === 0) return sc;
  const examples = sc.examples
    .map((ex) => ({ ...ex, tableBody: ex.tableBody.filter((row) => ids.has(row.id)) }))
    .filter((ex) => ex.tableBody.length > 0);
  return { ...sc, examples };
}

const plugin: Plugin = {
  type: 'plugin',
  coordinator({ transform }) {
    transform('pickles:order', (pickles) => pickles.map((p) => ({ ...p, gherkinDocument: documentForPickle(p.gherkinDocument, p.pickle) })));
  },
};
export default plugin;
