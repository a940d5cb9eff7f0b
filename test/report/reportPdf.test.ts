import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderSummary } from '../../support/evidence/summary.ts';
import type { RunMeta } from '../../support/evidence/summary.ts';
import { inline, markdownToHtml } from '../../support/report/markdown.ts';
import { printSummaryPdf, summaryHtml } from '../../support/report/reportPdf.ts';
import type { LedgerRow } from '../../support/types.ts';
import { requireChromium } from './browser.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fse-pdf-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const meta: RunMeta = {
  installation: 'impianto-pisa', provider: { name: 'Studio Bianchi & C. <srl>', partitaIva: '09876543210' }, codRep: '999',
  target: 'stage', baseUrl: 'https://stage.example/gateway/v2/', application: { id: 'APP_1', vendor: 'VEND', version: '2.0' },
  startedAt: '2026-11-23T17:00:00Z', finishedAt: '2026-11-23T17:05:00Z',
};
const row: LedgerRow = {
  timestamp: '2026-11-23T17:01:00Z', installation: 'impianto-pisa', scenario: 'pubblica LAB', method: 'validate-and-create',
  documentType: 'LAB', patientCf: 'RMSLSO31M04Z404R', identificativoDoc: 'DOC^1', httpStatus: 201, xCartId: 'b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0',
  traceId: 'aca07480e366d734391607501dfb77ac', spanId: '', workflowInstanceId: '', errorType: '', errorDetail: '', expected: 201,
  outcome: 'PASS', requestFile: 'exchanges/0001-validate-and-create.request.http', responseFile: 'exchanges/0001-validate-and-create.response.http', pdfSha256: '', infrastructure: '',
};

describe('markdown renderer', () => {
  it('renders headings, tables, lists, quotes and inline code; escapes HTML', () => {
    const html = markdownToHtml('# T\n\n| a | b \\| c |\n|---|---|\n| **x** | `<y>` |\n\n- one\n- _two_\n\n> warn\n\npara <script>\n');
    assert.equal(html, [
      '<h1>T</h1>',
      '<table><thead><tr><th>a</th><th>b | c</th></tr></thead><tbody><tr><td><strong>x</strong></td><td><code>&lt;y&gt;</code></td></tr></tbody></table>',
      '<ul><li>one</li><li><em>two</em></li></ul>',
      '<blockquote><p>warn</p></blockquote>',
      '<p>para &lt;script&gt;</p>',
    ].join('\n'));
  });
  it('keeps escaped characters literal', () => {
    assert.equal(inline('FOO\\_SPA \\*x\\* a\\<b'), 'FOO_SPA *x* a&lt;b');
  });
  it('renders the real summary with every X-Cart-id in a table cell and no raw markup', () => {
    const html = summaryHtml(renderSummary(meta, [row]));
    assert.match(html, /<td><code>b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0<\/code><\/td>/);
    assert.match(html, /Studio Bianchi &amp; C\. &lt;srl&gt;/);
    assert.doesNotMatch(html, /\|---/);
    assert.doesNotMatch(html, /<srl>/);
  });
});

describe('printSummaryPdf / fse-harness report-pdf', () => {
  it('prints summary.md to a PDF that contains the X-Cart-id', async (t) => {
    if (!requireChromium(t)) return;
    const run = join(tmp, 'run1');
    mkdirSync(run);
    writeFileSync(join(run, 'summary.md'), renderSummary(meta, [row]));
    const t0 = Date.now();
    const pdf = await printSummaryPdf(run);
    process.stderr.write(`report-pdf: ${Date.now() - t0} ms\n`);
    assert.equal(pdf, join(run, 'summary.pdf'));
    const bytes = readFileSync(pdf);
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    const txt = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    if (txt.status === 0) {
      assert.match(txt.stdout, /b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0/);
      assert.match(txt.stdout, /impianto-pisa/);
    } else {
      process.stderr.write('pdftotext not available: PDF text not checked\n');
    }
  });

  it('CLI: default reports/latest, --out, --help, and exit 2 without summary.md', (t) => {
    const bin = fileURLToPath(new URL('../../bin/fse-harness.js', import.meta.url));
    const cli = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, 'report-pdf', ...args], { cwd, encoding: 'utf8' });
    const h = cli(tmp, '--help');
    assert.equal(h.status, 0);
    assert.match(h.stdout, /Usage: fse-harness report-pdf \[RUN_DIR\] \[--out FILE\]/);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const e = cli(tmp, empty);
    assert.equal(e.status, 2);
    assert.match(e.stderr, /summary\.md not found/);
    if (!requireChromium(t)) return;
    const proj = join(tmp, 'proj');
    const runDir = join(proj, 'reports', 'runs', 'r1');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'summary.md'), renderSummary(meta, [row]));
    writeFileSync(join(proj, 'reports', 'LATEST.txt'), 'runs/r1\n'); // the symlink fallback
    const r = cli(proj);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(runDir, 'summary.pdf')));
    const o = cli(proj, runDir, '--out', join(tmp, 'x.pdf'));
    assert.equal(o.status, 0, o.stderr);
    assert.ok(existsSync(join(tmp, 'x.pdf')));
  });
});
