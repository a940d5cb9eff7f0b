import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';

const tmp = mkdtempSync(join(tmpdir(), 'fse-allure-formatter-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// An outline with one Examples block per type, as in features/: the stock formatter writes both tables on both scenarios.
const FEATURE = `# language: it
Funzionalità: Pubblicazione documenti FSE
  Schema dello scenario: pubblicazione di un documento <tipo>
    Dato un documento <tipo> firmato
    Quando invio la richiesta al gateway
    Allora la risposta ha un X-Cart-id

    @LAB
    Esempi: LAB — RMSLSO31M04Z404R
      | tipo |
      | LAB  |

    @RAD
    Esempi: RAD — MNTMRA03M71C615V
      | tipo |
      | RAD  |
`;

interface Step { name: string; attachments?: { name: string; type: string }[]; steps?: Step[] }
interface Result extends Step { labels: { name: string; value: string }[]; parameters: { name: string; value: string }[]; attachments: { name: string; type: string }[]; steps: Step[] }
const attachmentsUnder = (s: Step): string[] => [...(s.attachments ?? []).map((a) => a.name), ...(s.steps ?? []).flatMap(attachmentsUnder)];

describe("the run's Allure formatter (steps/formatters/allure.ts)", () => {
  const resultsDir = join(tmp, 'allure-results');
  let results: Result[] = [];

  before(async () => {
    const featureDir = join(tmp, 'features');
    mkdirSync(featureDir, { recursive: true });
    writeFileSync(join(featureDir, 'outline.feature'), FEATURE);
    const { runConfiguration } = await loadConfiguration({
      file: false,
      provided: {
        paths: [join(featureDir, 'outline.feature')],
        import: [fileURLToPath(new URL('./fixtures/allure-steps.ts', import.meta.url))],
        format: [pathToFileURL(fileURLToPath(new URL('../../steps/formatters/allure.ts', import.meta.url))).href],
        formatOptions: { resultsDir },
      },
    }, { cwd: tmp });
    const res = await runCucumber(runConfiguration, { cwd: tmp, stdout: process.stderr });
    assert.equal(res.success, true);
    results = readdirSync(resultsDir).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as Result);
  });

  it('writes no Examples table: no CSV file, no Examples attachment on either scenario', () => {
    assert.equal(results.length, 2);
    assert.deepEqual(readdirSync(resultsDir).filter((f) => f.endsWith('.csv')), []);
    for (const r of results) assert.deepEqual(r.attachments.filter((a) => a.name.startsWith('Examples')), [], r.name);
  });

  it("keeps each scenario's own values as parameters, its feature and tag labels, and the attachments of its steps", () => {
    const lab = results.find((r) => r.name.endsWith('LAB'))!;
    assert.ok(lab.parameters.some((p) => p.name === 'tipo' && p.value === 'LAB'));
    assert.ok(!lab.parameters.some((p) => p.value === 'RAD'), 'nothing of the other Examples block');
    assert.ok(lab.labels.some((l) => l.name === 'feature' && l.value === 'Pubblicazione documenti FSE'));
    assert.ok(lab.labels.some((l) => l.name === 'tag' && l.value === '@LAB'));
    const sent = lab.steps.find((s) => s.name.startsWith('Quando'))!;
    assert.deepEqual(attachmentsUnder(sent), ['richiesta (token mascherati)']);
  });

  it('drops the machine labels (language, framework, package, host, thread)', () => {
    for (const r of results) {
      assert.deepEqual(r.labels.filter((l) => ['language', 'framework', 'package', 'host', 'thread'].includes(l.name)), [], r.name);
    }
  });
});
