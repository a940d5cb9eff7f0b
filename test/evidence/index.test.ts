import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { collectRunDir, outcomeOf, renderIndexHtml, renderIndexMd, writeIndex, type InstallationResult } from '../../support/evidence/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fse-index-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const ok: InstallationResult = {
  profile: 'profiles/firenze.json', installation: 'impianto-firenze', target: 'simulator', exitCode: 0,
  runDir: 'runs/20261205T050000Z-impianto-firenze',
  figures: { scenarios: 10, passed: 10, failed: 0, skipped: 0, exchanges: 25, wallSeconds: 12.5 },
  files: { report: true, summary: true, mail: true, bundle: true },
};
const failed: InstallationResult = {
  profile: 'profiles/prato (nuovo).json', installation: 'impianto-prato', target: 'stage', exitCode: 1,
  runDir: 'runs/20261205T050100Z-impianto-prato',
  figures: { scenarios: 10, passed: 7, failed: 2, skipped: 1, exchanges: 20, wallSeconds: 30 },
  files: { report: false, summary: true, mail: true, bundle: true },
};
const refused: InstallationResult = {
  profile: 'profiles/<pisa>.json', installation: 'impianto-pisa', target: 'simulator', exitCode: 2,
  note: "non avviata: rifiutata all'avvio (codice 2), vedi l'output",
};

describe('reports/index.md and index.html', () => {
  it('outcome per installation', () => {
    assert.deepEqual([ok, failed, refused].map(outcomeOf), ['SUPERATA', 'FALLITA', 'NON ESEGUITA']);
    assert.equal(outcomeOf({ ...ok, exitCode: 130 }), 'FALLITA');
  });
  it('Markdown: one line per installation with outcome, counts and links to what exists', () => {
    const md = renderIndexMd([ok, failed, refused], { generatedAt: '2026-12-05T05:10:00Z' });
    assert.match(md, /3 impianti: 1 superati, 1 falliti, 1 non eseguiti/);
    const lines = md.split('\n').filter((l) => /^\| \d /.test(l));
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^\| 1 \| impianto-firenze \| profiles\/firenze\.json \| simulator \| \*\*SUPERATA\*\* \| 10 superati, 0 falliti su 10 scenari; 25 chiamate HTTP \| \[report\]\(runs\/20261205T050000Z-impianto-firenze\/allure-report\/index\.html\) · \[summary\.md\]\([^)]*\/summary\.md\) · \[mail RT\]\([^)]*\/mail-rt\.txt\) · \[evidenze \(zip\)\]\(runs\/20261205T050000Z-impianto-firenze\/evidence-bundle\.zip\) \|$/);
    assert.match(lines[1]!, /\*\*FALLITA\*\* \(codice 1\) \| 7 superati, 2 falliti, 1 saltati su 10 scenari; 20 chiamate HTTP \|/);
    assert.doesNotMatch(lines[1]!, /allure-report/, 'no link to a report that was not generated');
    assert.match(lines[2]!, /\| \*\*NON ESEGUITA\*\* \(codice 2\) \| non avviata: rifiutata all'avvio[^|]*\| — \|$/);
    assert.match(lines[1]!, /profiles\/prato \(nuovo\)\.json/);
  });
  it('HTML: escaped, links encoded, one row per installation', () => {
    const html = renderIndexHtml([ok, failed, refused], { generatedAt: '2026-12-05T05:10:00Z' });
    assert.equal((html.match(/<tr class=/g) ?? []).length, 3);
    assert.match(html, /<tr class="ok">[^\n]*<a href="runs\/20261205T050000Z-impianto-firenze\/evidence-bundle\.zip">evidenze \(zip\)<\/a>/);
    assert.match(html, /<tr class="ko">[^\n]*<strong>FALLITA<\/strong> \(codice 1\)/);
    assert.match(html, /&lt;pisa&gt;/);
    assert.doesNotMatch(html, /<pisa>/);
  });
  it('collectRunDir reads run.json figures and which files exist; writeIndex writes both files', () => {
    const reports = join(tmp, 'reports');
    const run = join(reports, 'runs', '20261205T050000Z-x');
    mkdirSync(join(run, 'allure-report'), { recursive: true });
    writeFileSync(join(run, 'run.json'), JSON.stringify({ installation: 'x', figures: { wallSeconds: 1, scenarios: 3, passed: 2, failed: 1, skipped: 0, exchanges: 9, peakRssMb: 1, workersPeakRssMb: [] } }));
    writeFileSync(join(run, 'summary.md'), '#');
    writeFileSync(join(run, 'evidence-bundle.zip'), '');
    const c = collectRunDir(reports, run);
    assert.equal(c.runDir, 'runs/20261205T050000Z-x');
    assert.deepEqual(c.figures, { scenarios: 3, passed: 2, failed: 1, skipped: 0, exchanges: 9, wallSeconds: 1 });
    assert.deepEqual(c.files, { report: false, summary: true, mail: false, bundle: true });
    const killed = join(reports, 'runs', 'killed');
    mkdirSync(killed);
    assert.equal(collectRunDir(reports, killed).figures, undefined);
    const w = writeIndex(reports, [{ profile: 'x.json', installation: 'x', target: 'simulator', exitCode: 1, ...c }]);
    assert.match(readFileSync(w.md, 'utf8'), /\| 1 \| x \| x\.json \| simulator \| \*\*FALLITA\*\*/);
    assert.match(readFileSync(w.html, 'utf8'), /^<!doctype html>/);
    assert.match(renderIndexMd([{ profile: 'x.json', installation: 'x', target: 'simulator', exitCode: 1, ...collectRunDir(reports, killed) }], { generatedAt: 'now' }), /esecuzione non terminata/);
  });
});
