/**
 * The scenario selection in force (support/harness/selection.ts): RT's accreditation run by default on stage, the
 * whole suite against the simulator, --all and --tags on either. The last tests plan real runs (a Cucumber dry run,
 * nothing sent) to check that the feature files' tags give exactly RT's run (toscana.md §7).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { selectScenarios, RT_ACCREDITATION_TAG } from '../../support/harness/selection.ts';
import { UserError } from '../../support/errors.ts';
import parse from '@cucumber/tag-expressions';
import { planRun, scenarioTagExpression } from '../../cli/plan.ts';
import { loadProfile } from '../../support/config/profile.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { RT_TEST_CFS } from '../../support/types.ts';

test('stage without --tags and --all: RT accreditation run', () => {
  const s = selectScenarios({ target: 'stage' });
  assert.equal(s.kind, 'rt-accreditation');
  assert.equal(s.tags, RT_ACCREDITATION_TAG);
  assert.match(s.description, /RT accreditation run/);
  assert.match(s.description, /--all or --tags/);
  assert.equal(selectScenarios({ target: 'stage', tags: '   ' }).kind, 'rt-accreditation', 'a blank --tags is no --tags');
});

test('simulator without --tags and --all: the whole suite', () => {
  const s = selectScenarios({ target: 'simulator' });
  assert.equal(s.kind, 'all');
  assert.equal(s.tags, undefined);
});

test('--all: every scenario, on stage and on the simulator', () => {
  for (const target of ['stage', 'simulator'] as const) {
    const s = selectScenarios({ target, all: true });
    assert.equal(s.kind, 'all');
    assert.equal(s.tags, undefined);
    assert.match(s.description, /--all/);
  }
});

test('--tags: the user expression, on stage too (negative scenarios run when asked)', () => {
  const s = selectScenarios({ target: 'stage', tags: '@LAB and @negativo' });
  assert.equal(s.kind, 'tags');
  assert.equal(s.tags, '@LAB and @negativo');
  assert.equal(selectScenarios({ target: 'simulator', tags: '@delete' }).tags, '@delete');
});

test('feature paths on stage are an explicit choice: no default filter', () => {
  const s = selectScenarios({ target: 'stage', paths: ['features/04-eliminazione.feature'] });
  assert.equal(s.kind, 'paths');
  assert.equal(s.tags, undefined);
  assert.equal(selectScenarios({ target: 'stage', paths: ['features/04-eliminazione.feature'], tags: '@LAB' }).kind, 'tags');
});

test('--all with --tags is a user error', () => {
  assert.throws(() => selectScenarios({ target: 'stage', all: true, tags: '@LAB' }), (e: unknown) => e instanceof UserError && /--all and --tags/.test(e.message));
});

const example = loadProfile(join(PROJECT_ROOT, 'testdata', 'profile.example.json')).profile;

// Step definitions load once per process: plan the whole suite once (as --all would), then apply each selection's
// expression (combined with the profile's types, as cli/plan.ts does) to the planned scenarios' tags.
const types = ['LAB', 'RAD'] as typeof example.documentTypes;
let whole: Awaited<ReturnType<typeof planRun>> | undefined;
async function planned(sel: { tags: string | undefined }) {
  whole ??= await planRun({ profile: { ...example, documentTypes: types }, userTags: undefined });
  const expr = parse(scenarioTagExpression({ documentTypes: types }, sel.tags));
  return whole.scenarios.filter((s) => expr.evaluate(s.tags));
}

test('planned on stage by default: per type the lifecycle over the five test CFs and the wrong-CF correction, nothing negative', { timeout: 120_000 }, async () => {
  const scenarios = await planned(selectScenarios({ target: 'stage' }));
  assert.ok(scenarios.length > 0);
  assert.ok(scenarios.every((s) => !s.tags.includes('@negativo')), 'no negative scenario');
  assert.ok(scenarios.every((s) => s.tags.includes(RT_ACCREDITATION_TAG)));
  for (const type of types) {
    const ofType = scenarios.filter((s) => s.tags.includes(`@${type}`));
    const lifecycle = ofType.filter((s) => s.tags.includes('@ciclo-di-vita'));
    assert.deepEqual(lifecycle.map((s) => RT_TEST_CFS.find((cf) => s.tags.includes(`@${cf}`))).sort(), [...RT_TEST_CFS].sort(), `${type}: lifecycle over the five CFs`);
    for (const s of lifecycle) {
      for (const m of ['validazione e creazione', 'aggiornamento metadati', 'sostituzione', 'eliminazione']) {
        assert.ok(s.steps.some((st) => st.text === `invio la richiesta di ${m}`), `${s.name}: ${m}`);
      }
    }
    const correction = ofType.filter((s) => s.tags.includes('@correzione-cf'));
    assert.equal(correction.length, 1, `${type}: the wrong-CF correction`);
    assert.deepEqual(correction[0]!.steps.filter((st) => st.text.startsWith('invio la richiesta di ')).map((st) => st.text.slice(22)),
      ['validazione e creazione', 'eliminazione', 'validazione e creazione'], 'delete + new publication');
    assert.equal(ofType.length, 6);
  }
});

test('planned against the simulator by default: the whole suite, negative scenarios included', { timeout: 120_000 }, async () => {
  const byDefault = await planned(selectScenarios({ target: 'simulator' }));
  const all = await planned(selectScenarios({ target: 'stage', all: true }));
  assert.ok(byDefault.some((s) => s.tags.includes('@negativo')));
  assert.equal(byDefault.length, all.length, 'simulator default = --all');
  assert.equal(all.length, whole!.scenarios.length);
  const rt = await planned(selectScenarios({ target: 'stage' }));
  assert.ok(rt.length < all.length);
  const tagged = await planned(selectScenarios({ target: 'stage', tags: '@negativo and @token' }));
  assert.ok(tagged.length > 0 && tagged.every((s) => s.tags.includes('@negativo')), '--tags runs negative scenarios on stage');
});
