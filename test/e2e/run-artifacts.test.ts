/**
 * Checks on the artefacts of the accreditation run that `npm test` makes just before the unit tests
 * (`fse-harness run --ci` → reports/latest). In CI a missing run is a failure, locally a loud skip.
 * FSE_E2E_REPORTS names another reports directory whose `latest` run is checked instead: `npm run test:node-lines`
 * points it at the slice each Node line ran, so that line's unit tests check that line's run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LEDGER_COLUMNS, METHODS, type Method } from '../../support/types.ts';
import { readLedgerCsv } from '../../support/evidence/ledger.ts';
import { readManifest, verifyManifest } from '../../support/evidence/manifest.ts';
import { GatewayOpenApi } from '../../support/openapi.ts';
import { PROJECT_ROOT, DEFAULT_PKI_DIR } from '../../support/paths.ts';
import { missingData, OPENAPI } from '../shared-data.ts';

const LATEST = resolve(PROJECT_ROOT, process.env.FSE_E2E_REPORTS || 'reports', 'latest');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const haveRun = existsSync(join(LATEST, 'evidence', 'ledger.csv'));
const skipReason = haveRun ? false : `no accreditation run in ${LATEST}: run \`npm run accreditation\` first (npm test does)`;
if (!haveRun && process.env.CI === 'true') {
  test('an accreditation run exists (CI)', () => assert.fail(`${LATEST} has no ledger: the e2e run did not happen`));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function parseHttp(raw: Buffer): { status: number; headers: Record<string, string>; body: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const l of head.slice(1)) { const i = l.indexOf(':'); headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim(); }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = []; let off = 0;
    for (;;) { const nl = body.indexOf('\r\n', off); const n = parseInt(body.subarray(off, nl).toString(), 16); if (!n) break; parts.push(body.subarray(nl + 2, nl + 2 + n)); off = nl + 2 + n + 2; }
    body = Buffer.concat(parts);
  }
  return { status, headers, body };
}

test('ledger: fixed columns, one row per exchange, a UUID X-Cart-id on every row that got an HTTP response', { skip: skipReason }, () => {
  const csv = readFileSync(join(LATEST, 'evidence', 'ledger.csv'), 'utf8');
  assert.equal(csv.split(/\r?\n/)[0], LEDGER_COLUMNS.join(','));
  const rows = readLedgerCsv(join(LATEST, 'evidence', 'ledger.csv'));
  const jsonl = readFileSync(join(LATEST, 'evidence', 'ledger.jsonl'), 'utf8').trim().split('\n');
  assert.ok(rows.length > 0, 'empty ledger');
  assert.equal(jsonl.length, rows.length, 'ledger.jsonl and ledger.csv differ');
  const exchanges = readdirSync(join(LATEST, 'evidence', 'exchanges')).filter((f) => f.endsWith('.request.http'));
  assert.equal(exchanges.length, rows.length, 'one request file per ledger row');
  for (const r of rows) {
    assert.ok(METHODS.includes(r.method as Method), `bad method ${r.method}`);
    assert.ok(existsSync(join(LATEST, 'evidence', r.requestFile)), `missing ${r.requestFile}`);
    if (r.httpStatus !== '') {
      assert.match(r.xCartId, UUID, `row ${r.requestFile}: X-Cart-id ${JSON.stringify(r.xCartId)}`);
      assert.ok(existsSync(join(LATEST, 'evidence', r.responseFile)), `missing ${r.responseFile}`);
    }
  }
});

test('every response carries X-Cart-id and validates against the official OpenAPI (GovWay shape for border errors)', { skip: skipReason }, (t) => {
  const why = missingData('openapi');
  if (why) {
    if (process.env.CI === 'true') assert.fail(`CI must have the official OpenAPI: ${why}`);
    t.skip(why);
    return;
  }
  const oas = new GatewayOpenApi(OPENAPI);
  const rows = readLedgerCsv(join(LATEST, 'evidence', 'ledger.csv')).filter((r) => r.httpStatus !== '');
  const problems: string[] = [];
  for (const r of rows) {
    const res = parseHttp(readFileSync(join(LATEST, 'evidence', r.responseFile)));
    if (!UUID.test(res.headers['x-cart-id'] ?? '')) problems.push(`${r.responseFile}: no X-Cart-id header`);
    assert.equal(res.status, Number(r.httpStatus), `${r.responseFile}: ledger status differs from the raw response`);
    let json: unknown;
    try { json = JSON.parse(res.body.toString('utf8')); } catch { problems.push(`${r.responseFile}: body is not JSON`); continue; }
    const c = oas.check(r.method as Method, res.status, json);
    if (!c.ok) problems.push(`${r.responseFile} (${r.method} ${res.status}, ${c.schema}): ${c.errors.join('; ')}`);
  }
  assert.deepEqual(problems, [], `${problems.length} of ${rows.length} responses do not conform`);
});

test('manifest verifies, bundle, summary and report exist; summary lists the X-Cart-ids', { skip: skipReason }, () => {
  const v = verifyManifest(realpathSync(LATEST));
  assert.ok(v.ok, v.problems.join('\n'));
  assert.ok(statSync(join(LATEST, 'evidence-bundle.zip')).size > 0);
  assert.ok(existsSync(join(LATEST, 'allure-report', 'index.html')), 'allure-report/index.html missing');
  assert.ok(existsSync(join(LATEST, 'cucumber', 'junit.xml')), 'cucumber/junit.xml missing');
  // intermediate outputs are gone once the report is built (kept only with --keep-intermediate)
  for (const f of ['allure-results', join('cucumber', 'report.html'), join('cucumber', 'messages.ndjson')]) assert.ok(!existsSync(join(LATEST, f)), `${f} left in the run directory`);
  const info = JSON.parse(readFileSync(join(LATEST, 'run.json'), 'utf8')) as { target: string; installation: string; figures?: { exchanges: number; peakRssMb: number; reportPeakRssMb?: number; simulatorPeakRssMb?: number } };
  assert.equal(info.target, 'simulator', 'run.json tells prune what the run was made against');
  // the run's own figures (read by npm run bench): the report was rendered in a child whose peak RSS is recorded
  assert.ok(info.figures && info.figures.exchanges > 0 && info.figures.peakRssMb > 0, 'run.json figures missing');
  assert.ok((info.figures.reportPeakRssMb ?? 0) > 0, 'run.json figures: the report renderer peak RSS is missing');
  // the embedded simulator runs in a process of its own; its peak RSS is recorded as well
  assert.ok((info.figures.simulatorPeakRssMb ?? 0) > 0, 'run.json figures: the simulator process peak RSS is missing');
  const summary = readFileSync(join(LATEST, 'summary.md'), 'utf8');
  const rows = readLedgerCsv(join(LATEST, 'evidence', 'ledger.csv')).filter((r) => r.xCartId);
  const missing = rows.filter((r) => !summary.includes(r.xCartId));
  assert.equal(missing.length, 0, `X-Cart-ids missing from summary.md: ${missing.slice(0, 5).map((r) => r.xCartId).join(', ')}`);  // RT's compact table: the simulator warning first, an accepted call for every method × type the suite covers
  assert.match(summary, /^\*\*ATTENZIONE: esecuzione contro il simulatore locale/);
  // a slice (the other Node lines run one type) leaves the profile's other types without calls: only the types the
  // run exercised must have an accepted call for every method
  const ran = new Set(rows.map((r) => String(r.documentType)));
  const unaccepted = summary.split('\n').filter((l) => l.includes('NESSUNA CHIAMATA ACCETTATA'))
    .map((l) => l.split('|')[2]!.trim().replace(/\\_/g, '_')).filter((t) => ran.has(t));
  assert.deepEqual(unaccepted, [], 'a type the run exercised has a method without an accepted call in the compact table');
  const mail = readFileSync(join(LATEST, 'mail-rt.txt'), 'utf8');
  assert.match(mail.split('\n')[0]!, /^ATTENZIONE: esecuzione contro il simulatore locale/);
  assert.match(mail, new RegExp(`impianto ${info.installation}`));
  assert.ok('mail-rt.txt' in readManifest(realpathSync(LATEST)).files, 'mail-rt.txt is in the manifest (and the bundle)');
});

test('no private key material or passphrase anywhere in the run directory or console output', { skip: skipReason }, () => {
  const needles: { what: string; text: string }[] = [{ what: 'PEM private key marker', text: 'PRIVATE KEY-----' }];
  if (existsSync(DEFAULT_PKI_DIR)) {
    for (const f of readdirSync(DEFAULT_PKI_DIR)) {
      const p = join(DEFAULT_PKI_DIR, f);
      if (f.endsWith('.key')) {
        const lines = readFileSync(p, 'utf8').split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
        for (const l of lines.slice(1, 4)) needles.push({ what: `${f} key material`, text: l });
      }
      if (/passphrase/.test(f)) needles.push({ what: f, text: readFileSync(p, 'utf8').trim() });
    }
  }
  for (const [k, v] of Object.entries(process.env)) if (/PASSPHRASE|PASSWORD/i.test(k) && v && v.length >= 6) needles.push({ what: `env ${k}`, text: v });
  assert.ok(needles.length > 1, 'nothing to look for: the test PKI was not found');
  const hits: string[] = [];
  for (const file of walk(realpathSync(LATEST))) {
    if (file.endsWith('.zip')) continue; // built from the files scanned here
    const content = readFileSync(file).toString('latin1');
    for (const n of needles) if (content.includes(n.text)) hits.push(`${file}: ${n.what}`);
  }
  assert.deepEqual(hits, []);
  assert.ok(existsSync(join(LATEST, 'console.log')), 'console.log missing: console output not scanned');
});

test('data.json (national format) is built from real responses only: each traceId and ts is a ledger row', { skip: skipReason }, (t) => {
  const p = join(LATEST, 'data.json');
  if (!existsSync(p)) { t.skip('no data.json in this run (no scenario tagged with a national test id ran)'); return; }
  const data = JSON.parse(readFileSync(p, 'utf8')) as { appVendor: string; appID: string; appVersion: string; results: { id: number; ts: string; traceId: string; workflowInstanceId?: string }[] };
  assert.ok(data.appVendor && data.appID && data.appVersion, 'application triple');
  assert.ok(data.results.length > 0);
  const rows = readLedgerCsv(join(LATEST, 'evidence', 'ledger.csv'));
  for (const r of data.results) {
    assert.ok(Number.isInteger(r.id), `id ${r.id}`);
    assert.match(r.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const row = rows.find((x) => x.traceId === r.traceId);
    assert.ok(row, `traceId ${r.traceId} of test ${r.id} is not in the ledger`);
    assert.equal(row.timestamp.replace(/\.\d{3}Z$/, 'Z'), r.ts, `ts of test ${r.id} is not the time of its exchange`);
    if (r.workflowInstanceId) assert.equal(r.workflowInstanceId, row.workflowInstanceId);
  }
});
