/**
 * Opens the Allure report of the run `npm test` just made (reports/latest) from disk in headless Chromium and checks
 * that auditors see the scenarios and the X-Cart-ids, and that no raw token is shown.
 * FSE_E2E_REPORTS names another reports directory whose `latest` run is opened instead (see run-artifacts.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { withChromium } from '../../support/report/chromium.ts';
import { readLedgerCsv } from '../../support/evidence/ledger.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { requireChromium } from '../report/browser.ts';

const LATEST = resolve(PROJECT_ROOT, process.env.FSE_E2E_REPORTS || 'reports', 'latest');
const INDEX = join(LATEST, 'allure-report', 'index.html');

test('the run report opens from disk and shows scenarios and X-Cart-ids', { timeout: 180_000 }, async (t) => {
  if (!existsSync(INDEX)) {
    if (process.env.CI === 'true') assert.fail(`${INDEX} missing after the e2e run`);
    t.skip(`no report in ${LATEST}: run \`npm run accreditation\` first`);
    return;
  }
  const exe = requireChromium(t);
  if (!exe) return;
  const rows = readLedgerCsv(join(LATEST, 'evidence', 'ledger.csv'));
  const lifecycle = rows.find((r) => /^ciclo di vita LAB per il paziente RMSLSO31M04Z404R$/.test(r.scenario) && r.method === 'validate-and-create');
  const target = lifecycle ?? rows.find((r) => r.xCartId && !r.scenario.includes('preparazione') && !r.scenario.startsWith('Pulizia'));
  assert.ok(target, 'no exchange with an X-Cart-id in the ledger');
  await withChromium(async (ctx) => {
    const page = await ctx.newPage();
    const external: string[] = [];
    page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) external.push(r.url()); });
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(pathToFileURL(realpathSync(INDEX)).href);
    // features are collapsed in a large report: use the report's own search box, as an auditor would
    const search = page.getByPlaceholder(/Cerca|Search/);
    await search.waitFor({ timeout: 60_000 });
    await search.fill(target.scenario);
    // the filtered tree shows the feature (collapsed) that holds the scenario: open it
    const feature = page.getByText(/^(Ciclo di vita completo|Validazione e pubblicazione|Aggiornamento metadati|Sostituzione documento|Eliminazione documento|Correzione di un documento)/).first();
    await feature.waitFor({ timeout: 60_000 });
    await feature.click();
    const scenario = page.getByText(target.scenario, { exact: false }).first();
    await scenario.waitFor({ timeout: 60_000 });
    await scenario.click();
    await page.getByText(target.xCartId).first().waitFor({ timeout: 60_000 });
    const body = await page.locator('body').innerText();
    await page.screenshot({ path: join(tmpdir(), 'fse-run-report.png'), fullPage: true });
    assert.ok(body.includes(target.xCartId), 'X-Cart-id shown in the scenario');
    assert.ok(!/eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/.test(body), 'a raw JWT is visible in the report');
    assert.deepEqual(external, [], 'the report must not load anything from the network');
  }, exe);
});

test('an X-Cart-id typed in the report search finds its scenario, shown whole beside its method and status; no noise', { timeout: 180_000 }, async (t) => {
  if (!existsSync(INDEX)) {
    if (process.env.CI === 'true') assert.fail(`${INDEX} missing after the e2e run`);
    t.skip(`no report in ${LATEST}: run \`npm run accreditation\` first`);
    return;
  }
  const exe = requireChromium(t);
  if (!exe) return;
  // any call of a scenario (the final clean-up is not a scenario): one from the middle of the ledger, and a setup call
  const rows = readLedgerCsv(join(LATEST, 'evidence', 'ledger.csv')).filter((r) => r.xCartId && !r.scenario.startsWith('Pulizia'));
  const picks = [rows[Math.floor(rows.length / 2)]!, rows.find((r) => r.scenario.endsWith(' (preparazione)')) ?? rows[0]!];
  await withChromium(async (ctx) => {
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    for (const row of picks) {
      await page.goto(pathToFileURL(realpathSync(INDEX)).href);
      const search = page.getByPlaceholder(/Cerca|Search/);
      await search.waitFor({ timeout: 60_000 });
      await search.fill(row.xCartId);
      const scenario = row.scenario.replace(/ \(preparazione\)$/, '');
      // the search leaves one feature holding one scenario: open it (unless the report remembers it open)
      // (the filter applies after the search box's debounce: wait until the tree has at most one feature left)
      await page.waitForFunction('document.querySelectorAll(\'[data-testid="tree-section-title"]\').length <= 1', undefined, { timeout: 60_000 });
      const section = page.locator('[data-testid="tree-section-title"]');
      assert.equal(await section.count(), 1, `search for ${row.xCartId}: one feature`);
      const leaves = page.locator('[data-testid="tree-leaf-title"]');
      if (await leaves.count() === 0) await section.first().click();
      await leaves.first().waitFor({ timeout: 60_000 });
      assert.deepEqual(await leaves.allInnerTexts(), [scenario], `search for ${row.xCartId}`);
      await leaves.first().click();
      const step = `${row.method} ${row.documentType} → ${row.httpStatus || row.errorType} · X-Cart-id ${row.xCartId}`;
      await page.getByText(step, { exact: true }).first().waitFor({ timeout: 60_000 });
      const body = await page.locator('body').innerText();
      assert.ok(body.includes(step), `step "${step}" shown`);
      assert.ok(!/Unknown test/.test(body), '"Unknown test" fixtures on the scenario page');
      assert.ok(!/Examples:/.test(body), 'Examples table attachments on the scenario page');
      assert.ok(!/\b(language|framework|thread)\b/.test(body), 'machine labels on the scenario page');
    }
    await page.screenshot({ path: join(tmpdir(), 'fse-report-search.png'), fullPage: true });
  }, exe);
});
