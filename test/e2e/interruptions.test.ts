/**
 * A run must leave nothing on the gateway, whatever happens to it (README § "Interrupted runs and clean-up"), and
 * must not hammer it (§ "Pacing: --rate"). End to end through the CLI, against a simulator started in this test on
 * 127.0.0.1 (so that it outlives the run and its registry can be inspected):
 *  - the gateway stores a create and answers after the client's timeout (fault commit-lost) → maybe published,
 *    deleted by the final clean-up; a 429 with Retry-After → one retry, both in the ledger, `infrastruttura`;
 *  - SIGINT to the whole process group (as Ctrl-C does) in the middle of a run with two workers → exit 130, nothing
 *    left, every request the gateway saw has its ledger row;
 *  - SIGKILL while a create whose answer is lost hangs → `fse-harness cleanup RUN_DIR` deletes it, and a second
 *    call finds nothing left;
 *  - a second SIGINT exits at once and names the clean-up command, which then empties the gateway;
 *  - `--rate` bounds the request rate of the whole run (timestamps taken at the gateway).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { generateTestPki } from '../../support/pki/testPki.ts';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { readLedgerCsv } from '../../support/evidence/ledger.ts';
import { EVIDENCE_FILES, REPORTS_DIRS, RUN_FILES } from '../../support/evidence/runDir.ts';
import { readJournal } from '../../support/harness/published.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'fse-harness.js');
let dir: string;
let pkiDir: string;
let sim: RunningSimulator;
let profile: string;
/** When each request reached the simulator (ms, performance clock). */
let arrivals: number[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-interrupt-'));
  pkiDir = join(dir, 'pki');
  const example = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8')) as Record<string, unknown> & { provider: { partitaIva: string; istat: string }; tipDominio: string; cnVendor: string };
  await generateTestPki({ outDir: pkiDir, partitaIva: example.provider.partitaIva, istat: example.provider.istat, tipDominio: example.tipDominio, vendor: example.cnVendor });
  const pem = (n: string) => readFileSync(join(pkiDir, n), 'utf8');
  sim = await startSimulator({ tls: { keyPem: pem('server.key'), certPem: pem('server.pem'), caPem: pem('ca.pem') }, port: 0, catalogsDir: null, switches: { cdaValidation: false } });
  const take = sim.faults.take.bind(sim.faults);
  sim.faults.take = (path: string) => { arrivals.push(performance.now()); return take(path); };
  // a simulator running elsewhere (not the embedded one): the run's documents stay in it after the run ends
  profile = join(dir, 'profile.json');
  writeFileSync(profile, JSON.stringify({ ...example, documentTypes: ['LAB'], baseUrl: sim.url }));
});
after(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function reset(): void {
  sim.faults.clear();
  sim.registry.clear();
  arrivals = [];
}

function start(args: string[], env: NodeJS.ProcessEnv = {}, o: { group?: boolean } = {}): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>; out: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_ROOT, detached: !!o.group, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FSE_CATALOGS_DIR: '', FSE_PKI_DIR: pkiDir, FSE_PROFILE: '', https_proxy: '', HTTPS_PROXY: '', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => {
    const t = setTimeout(() => { try { process.kill(o.group ? -child.pid! : child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 90_000);
    child.on('close', (code, signal) => { clearTimeout(t); resolve({ code, signal, out }); });
  });
  return { child, done, out: () => out };
}

const runDirOf = (reports: string) => join(reports, REPORTS_DIRS.runs, readdirSync(join(reports, REPORTS_DIRS.runs))[0]!);
const ledgerLines = (runDir: string) => { try { return readFileSync(join(runDir, 'evidence', EVIDENCE_FILES.ledgerJsonl), 'utf8').split('\n').filter(Boolean).length; } catch { return 0; } };

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a create stored by the gateway whose answer comes after the timeout is deleted at the end; 429 + Retry-After is retried once, infrastruttura', { timeout: 120_000 }, async () => {
  reset();
  sim.faults.inject({ kind: 'commit-lost', ms: 2500 }, { count: 1, route: 'validate-and-create' });
  sim.faults.inject({ kind: 'status', status: 429, retryAfter: 1 }, { count: 1, route: '/metadata' });
  const reports = join(dir, 'r-commit');
  const r = await start(['run', '--profile', profile, '--reports', reports, '--tags', '@ciclo-di-vita', '--parallel', '1', '--no-report'], { FSE_TIMEOUT_MS: '1500' }).done;
  assert.equal(r.code, 1, 'a scenario did not get its answer: the run is not green');
  assert.equal(sim.registry.size, 0, `nothing left on the gateway:\n${r.out.slice(-3000)}`);
  const runDir = runDirOf(reports);
  const rows = readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv));
  const lost = rows.find((x) => x.method === 'validate-and-create' && x.httpStatus === '');
  assert.ok(lost, 'the create without answer is in the ledger');
  assert.equal(lost.infrastructure, 'infrastruttura');
  const cleanupRow = rows.find((x) => x.method === 'delete' && x.identificativoDoc === lost.identificativoDoc && /Pulizia finale/.test(x.scenario));
  assert.equal(cleanupRow?.httpStatus, 200, 'the maybe-published document was deleted by the final clean-up');
  const limited = rows.filter((x) => x.method === 'update-metadata' && x.httpStatus === 429);
  assert.equal(limited.length, 1);
  assert.equal(limited[0]!.infrastructure, 'infrastruttura');
  const after429 = rows[rows.indexOf(limited[0]!) + 1]!;
  assert.equal(after429.method, 'update-metadata');
  assert.equal(after429.httpStatus, 200, 'one retry after Retry-After, which went through');
  assert.ok(Date.parse(after429.timestamp) - Date.parse(limited[0]!.timestamp) >= 900, 'the retry waited for Retry-After');
  const summary = readFileSync(join(runDir, RUN_FILES.summary), 'utf8');
  assert.match(summary, /Risposte dell'infrastruttura \([^)]*\): 2/);
  assert.match(summary, /Nessuno: tutti i documenti pubblicati \(o forse pubblicati\)/);
  assert.match(r.out, /1 of them by an infrastructure answer/);
});

test('SIGINT to the process group in the middle of a run (2 workers): calls in flight finish, nothing left, exit 130, every request in the ledger', { timeout: 120_000 }, async () => {
  reset();
  const reports = join(dir, 'r-sigint');
  const run = start(['run', '--profile', profile, '--reports', reports, '--tags', '@ciclo-di-vita or @validate-and-create', '--parallel', '2', '--rate', '6', '--no-report'], {}, { group: true });
  let runDir = '';
  await until('a run directory and a few exchanges', () => {
    try { runDir = runDirOf(reports); } catch { return false; }
    return ledgerLines(runDir) >= 4 && sim.registry.size > 0;
  });
  process.kill(-run.child.pid!, 'SIGINT'); // Ctrl-C: the coordinator and the workers get it
  const r = await run.done;
  if (process.env.FSE_E2E_DUMP) process.stderr.write(r.out);
  assert.equal(r.code, 130, r.out.slice(-3000));
  assert.equal(sim.registry.size, 0, 'nothing of the run left on the gateway');
  assert.match(r.out, /SIGINT — stopping/);
  assert.match(r.out, /RUN INTERRUPTED/);
  const rows = readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv));
  assert.equal(rows.length, arrivals.length, 'every request the gateway received has its ledger row (no worker died mid-exchange)');
  assert.ok(rows.every((x) => x.httpStatus !== ''), 'every call got its answer recorded');
  const stop = JSON.parse(readFileSync(join(runDir, RUN_FILES.stop), 'utf8')) as { kind: string; signal: string };
  assert.deepEqual([stop.kind, stop.signal], ['signal', 'SIGINT']);
  const scenarios = readFileSync(join(runDir, 'cucumber', 'scenarios.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string });
  assert.ok(scenarios.some((s) => s.status === 'SKIPPED'), 'scenarios after the interruption were not started');
  assert.deepEqual(scenarios.filter((s) => s.status !== 'SKIPPED' && s.status !== 'PASSED'), [], 'a scenario cut by the interruption is skipped, not failed');
  assert.ok(existsSync(join(runDir, RUN_FILES.summary)) && existsSync(join(runDir, RUN_FILES.bundle)), 'summary and bundle written');
});

/**
 * Starts a one-worker run whose first create is stored by the simulator and never answered (commit-lost), and waits
 * until it hangs there: the document is on the gateway and the journal holds its "sending" entry.
 */
async function startWithHangingCreate(name: string): Promise<{ run: ReturnType<typeof start>; runDir: string }> {
  reset();
  sim.faults.inject({ kind: 'commit-lost' }, { count: 1, route: 'validate-and-create' });
  const reports = join(dir, name);
  const run = start(['run', '--profile', profile, '--reports', reports, '--tags', '@ciclo-di-vita', '--parallel', '1', '--no-report'], { FSE_TIMEOUT_MS: '60000' });
  let runDir = '';
  await until('the create stored and hanging', () => {
    try { runDir = runDirOf(reports); } catch { return false; }
    return sim.registry.size === 1 && readJournal(join(runDir, 'evidence', EVIDENCE_FILES.published)).some((e) => e.event === 'sending');
  });
  return { run, runDir };
}

test('SIGKILL while a create whose answer is lost hangs: `fse-harness cleanup RUN_DIR` deletes it, then finds nothing left', { timeout: 120_000 }, async () => {
  const { run, runDir } = await startWithHangingCreate('r-kill');
  run.child.kill('SIGKILL');
  const r = await run.done;
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(sim.registry.size, 1, 'the document is on the gateway');
  const before = readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv)).length;

  const c1 = await start(['cleanup', runDir]).done;
  assert.equal(c1.code, 0, c1.out);
  assert.match(c1.out, /1 documents to delete \(1 maybe published\)/);
  assert.match(c1.out, /1 deleted, 0 unresolved/);
  assert.equal(sim.registry.size, 0, 'nothing left');
  const rows = readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv));
  assert.equal(rows.length, before + 1, 'the clean-up call is in the run\'s ledger');
  assert.equal(rows.at(-1)!.method, 'delete');
  assert.match(rows.at(-1)!.xCartId, /^[0-9a-f-]{36}$/);
  assert.match(rows.at(-1)!.scenario, /fse-harness cleanup/);
  assert.match(readFileSync(join(runDir, RUN_FILES.summary), 'utf8'), /Nessuno: tutti i documenti pubblicati/);

  const c2 = await start(['cleanup', runDir]).done;
  assert.equal(c2.code, 0, c2.out);
  assert.match(c2.out, /nothing left to delete/);
  assert.equal(readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv)).length, before + 1, 'idempotent: no call the second time');
});

test('--rate bounds the request rate of the whole run (two workers), measured at the gateway', { timeout: 120_000 }, async () => {
  reset();
  const rate = 5;
  const reports = join(dir, 'r-rate');
  const r = await start(['run', '--profile', profile, '--reports', reports, '--tags', '@ciclo-di-vita', '--parallel', '2', '--rate', String(rate), '--no-report']).done;
  assert.equal(r.code, 0, r.out.slice(-3000));
  assert.match(r.out, /at most 5 requests per second/);
  const t = [...arrivals].sort((a, b) => a - b);
  assert.ok(t.length >= 20, `enough requests to measure (${t.length})`);
  // in any one-second window at most `rate` requests (+1 for a slot boundary inside the window and timer jitter)
  for (let i = 0; i < t.length; i++) {
    const inWindow = t.filter((x) => x >= t[i]! && x < t[i]! + 1000).length;
    assert.ok(inWindow <= rate + 1, `${inWindow} requests within 1 s from request ${i}`);
  }
  const span = (t.at(-1)! - t[0]!) / 1000;
  assert.ok(span >= ((t.length - 1) / rate) * 0.9, `${t.length} requests in ${span.toFixed(2)} s: not more than ${rate}/s`);
});

test('a second SIGINT exits at once, says how to clean up, and leaves the journal that `cleanup` then empties', { timeout: 120_000 }, async () => {
  const { run, runDir } = await startWithHangingCreate('r-twice');
  run.child.kill('SIGINT');
  await until('the first SIGINT acknowledged', () => /SIGINT — stopping/.test(run.out()), 20_000);
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.out.slice(-2000));
  assert.match(r.out, /second SIGINT — exiting now/);
  assert.match(r.out, new RegExp(`fse-harness cleanup \\S*${runDir.split('/').pop()!}`));
  assert.equal(sim.registry.size, 1, 'left on the gateway, listed in the journal');
  const c = await start(['cleanup', runDir]).done;
  assert.equal(c.code, 0, c.out);
  assert.equal(sim.registry.size, 0);
});
