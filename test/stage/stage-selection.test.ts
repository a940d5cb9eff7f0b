/**
 * What runs on stage, end to end through the CLI (README § "What runs on stage"): `fse-harness run` with a profile
 * whose target is `stage`, pointed (FSE_ALLOWED_HOSTS) at the simulator started here on 127.0.0.1 with a test PKI,
 * playing a stage that answers 202 to update metadata and delete and answers 404 for a while after every 202:
 *  - no --tags, no --all: RT's accreditation run only (lifecycle over the five test CFs, wrong-CF correction), the
 *    202s accepted, the 404s after a 202 retried within the settle time, every try in the ledger, nothing left;
 *  - the catalog scenarios (@sintassi) on stage: the simulator here does not validate CDAs, so it accepts what the
 *    national validator refuses — reported as informative (records, ledger, Allure label/category), exit code 0.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestPki } from '../../support/pki/testPki.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { CUCUMBER_FILES, EVIDENCE_FILES, REPORTS_DIRS, RUN_FILES } from '../../support/evidence/runDir.ts';
import { readLedgerCsv } from '../../support/evidence/ledger.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import type { ScenarioRecord } from '../../support/harness/run-records.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'fse-harness.js');
const SETTLE_SIM_MS = 600;
const base = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8')) as Record<string, unknown>;

let dir: string;
let sim: RunningSimulator;
let profile: string;

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const clean = { https_proxy: '', HTTPS_PROXY: '', no_proxy: '', NO_PROXY: '', FSE_SETTLE_MS: '' };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...clean, FSE_CATALOGS_DIR: '', FSE_ALLOWED_HOSTS: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.on('close', (status) => { clearTimeout(t); resolve({ status, out }); });
  });
}

const runDirOf = (reports: string) => join(reports, REPORTS_DIRS.runs, readdirSync(join(reports, REPORTS_DIRS.runs))[0]!);
const scenariosOf = (runDir: string) => readFileSync(join(runDir, 'cucumber', CUCUMBER_FILES.scenarios), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ScenarioRecord);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-stage-sel-'));
  const pki = await generateTestPki({ outDir: join(dir, 'pki') });
  const rd = (p: string) => readFileSync(p, 'utf8');
  const { startSimulator } = await import('../../simulator/server.ts');
  sim = await startSimulator({
    tls: { keyPem: rd(pki.files.serverKey), certPem: rd(pki.files.server), caPem: rd(pki.files.ca) },
    catalogsDir: null,
    // a stage that answers 202 where the specification allows it and needs time after each 202
    switches: { cdaValidation: false, updateAsync: true, deleteAsync: true, settleMs: SETTLE_SIM_MS },
  });
  profile = join(dir, 'stage.json');
  writeFileSync(profile, JSON.stringify({
    ...base,
    target: 'stage',
    baseUrl: sim.url,
    documentTypes: ['LAB'],
    settleMs: 3000,
    certificates: {
      mode: 'separate',
      authentication: { cert: pki.files.auth, key: pki.files.authKey },
      signature: { cert: pki.files.sign, key: pki.files.signKey },
      serverCa: pki.files.ca,
    },
  }));
});
after(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('stage, no --tags/--all: RT accreditation run only; 202 accepted for update and delete; 404s after a 202 retried and recorded; nothing left', { timeout: 280_000 }, async () => {
  const reports = join(dir, 'reports-default');
  const r = await cli(['run', '--profile', profile, '--reports', reports, '--no-probe', '--no-report', '--parallel', '1'], {});
  assert.equal(r.status, 0, r.out.slice(-4000));
  assert.match(r.out, /selection RT accreditation run \(@accreditamento-rt, the default on stage\)/);
  assert.match(r.out, /settle time after a 202: 3000 ms/);
  assert.match(r.out, /\b6 scenarios planned/, 'LAB: the lifecycle for the five test CFs + the wrong-CF correction');
  const runDir = runDirOf(reports);
  const info = JSON.parse(readFileSync(join(runDir, RUN_FILES.runInfo), 'utf8')) as { selection: { kind: string; tags: string } };
  assert.equal(info.selection.kind, 'rt-accreditation');
  assert.match(info.selection.tags, /@accreditamento-rt/);
  const scenarios = scenariosOf(runDir);
  assert.equal(scenarios.length, 6);
  assert.ok(scenarios.every((s) => s.status === 'PASSED'), JSON.stringify(scenarios.map((s) => [s.name, s.status])));
  assert.equal(scenarios.filter((s) => /^ciclo di vita LAB/.test(s.name)).length, 5);
  assert.equal(scenarios.filter((s) => /^correzione del codice fiscale/.test(s.name)).length, 1);

  const rows = readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv));
  const upd = rows.filter((x) => x.method === 'update-metadata' && x.outcome !== 'RETRY');
  assert.equal(upd.length, 5);
  assert.ok(upd.every((x) => x.httpStatus === 202 && x.expected === 200 && x.outcome === 'PASS'), '202 accepted where 200 is declared');
  const retries = rows.filter((x) => x.outcome === 'RETRY');
  assert.ok(retries.length >= 5, `every operation right after a 202 met a 404 first and was retried (${retries.length})`);
  assert.ok(retries.every((x) => x.httpStatus === 404 && /^[0-9a-f-]{36}$/.test(x.xCartId)), 'each try is a real exchange with its X-Cart-id');
  assert.ok(rows.filter((x) => x.outcome !== 'RETRY').every((x) => x.outcome === 'PASS'), JSON.stringify(rows.filter((x) => x.outcome !== 'PASS' && x.outcome !== 'RETRY')));
  assert.match(r.out, /after a 202 — \d+ tries \(404, (404, )*20[02]\)/);
  assert.equal(sim.registry.size, 0, 'nothing left on the stand-in');
  assert.match(readFileSync(join(runDir, RUN_FILES.summary), 'utf8'), /RIPROVATA/);
});

test('stage, catalog scenarios: informative — what came back is reported, the run does not fail', { timeout: 280_000 }, async () => {
  const reports = join(dir, 'reports-informative');
  const r = await cli(['run', '--profile', profile, '--reports', reports, '--no-probe', '--parallel', '1', '--tags', '@sintassi and @RMSLSO31M04Z404R', '--keep-intermediate'], {});
  assert.equal(r.status, 0, r.out.slice(-4000));
  assert.match(r.out, /selection scenarios matching --tags/);
  assert.match(r.out, /INFO .*\[informativo: \d+ differenze\]/);
  assert.match(r.out, /2 of them informative \(stage, catalog scenarios: reported, never failing the run\), 2 answered otherwise/);
  const runDir = runDirOf(reports);
  const scenarios = scenariosOf(runDir);
  assert.equal(scenarios.length, 2, 'LAB: create and replace with a CDA that breaks the XSD');
  for (const s of scenarios) {
    assert.equal(s.status, 'PASSED');
    assert.ok(s.informative && s.informative.findings.some((f) => /expected HTTP 400: (validate-and-create|replace) LAB → 202/.test(f)), JSON.stringify(s));
  }
  const rows = readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv));
  assert.ok(rows.some((x) => x.method === 'validate-and-create' && x.httpStatus === 202 && x.expected === 400 && x.outcome === 'INFO'), JSON.stringify(rows));
  assert.ok(!rows.some((x) => x.outcome === 'FAIL'));
  assert.match(readFileSync(join(runDir, RUN_FILES.summary), 'utf8'), /INFORMATIVO \(non vincolante in stage\)/);
  // the document the stand-in accepted was deleted by the final clean-up
  assert.equal(sim.registry.size, 0);
  // Allure: tag and label on the scenario, the finding attached
  const results = join(runDir, 'allure-results');
  assert.ok(existsSync(results), 'kept with --keep-intermediate');
  const res = readdirSync(results).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(results, f), 'utf8')) as { status: string; labels: { name: string; value: string }[]; steps: unknown[] });
  const mine = res.find((x) => x.labels.some((l) => l.name === 'informativo' && l.value === 'true'));
  assert.ok(mine, 'informativo label');
  assert.equal(mine.status, 'passed');
  assert.ok(mine.labels.some((l) => l.name === 'tag' && /Informativo/.test(l.value)));
  assert.match(JSON.stringify(mine.steps), /Informativo — risposta diversa/);
  // the report groups them in the category "Informativo" (its embedded widgets: allure-results is an input)
  const html = readFileSync(join(runDir, 'allure-report', 'index.html'), 'utf8');
  const categories = JSON.parse(Buffer.from(/d\("widgets\/categories\.json","([A-Za-z0-9+/=]+)"\)/.exec(html)![1]!, 'base64').toString('utf8')) as { nodes: Record<string, { type: string; name: string; statistic?: { total: number; passed?: number } }> };
  const cat = Object.values(categories.nodes).find((n) => n.type === 'category' && /^Informativo/.test(n.name));
  assert.ok(cat, JSON.stringify(categories).slice(0, 500));
  assert.deepEqual(cat.statistic, { total: 2, passed: 2 });
});
