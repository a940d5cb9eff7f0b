/**
 * The embedded simulator in a process of its own (cli/target.ts startSimulatorProcess, simulator/process.ts), as
 * `fse-harness run` starts it: it serves real exchanges, says which checks are off, survives the Ctrl-C that reaches
 * the whole terminal group (the run still needs it to delete what it published), reports its peak RSS when closed,
 * fails with one message when it cannot start, and never outlives the run that started it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { Session } from '../../support/harness/session.ts';
import { prepareDocument } from '../../support/harness/document.ts';
import { performExchange } from '../../support/harness/exchange.ts';
import { simulatorHeapCapMb, startSimulatorProcess, type SimulatorProcessTarget } from '../../cli/target.ts';
import { UserError } from '../../support/errors.ts';

const CF = 'RMSLSO31M04Z404R';
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
const until = async (what: () => boolean, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (what()) return true; await new Promise((r) => setTimeout(r, 50)); }
  return what();
};

test('serves real exchanges from its own process, ignores SIGINT, reports its peak RSS and exits when closed', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-sim-process-'));
  const logged: string[] = [];
  let sim: SimulatorProcessTarget | undefined;
  try {
    const session = await Session.open({
      reportsDir: join(dir, 'reports'), pkiDir: join(dir, 'pki'), catalogsDir: null, env: { ...process.env, FSE_CATALOGS_DIR: '' },
      log: (l) => logged.push(l),
      // CDA validation switched off through the channel: the figure below does not depend on FSE_CATALOGS_DIR
      startEmbedded: async (o) => (sim = await startSimulatorProcess(o, { switches: { cdaValidation: false } })),
    });
    try {
      assert.ok(sim, 'the session started the simulator through startSimulatorProcess');
      assert.notEqual(sim.pid, process.pid);
      assert.ok(alive(sim.pid));
      if (process.platform === 'linux' && !process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) {
        // the default old-space cap (FSE_SIM_HEAP_MB unset or 256) is on the simulator's command line
        const cmdline = readFileSync(`/proc/${sim.pid}/cmdline`, 'utf8').split('\0');
        const expected = `--max-old-space-size=${simulatorHeapCapMb(process.env)}`;
        if (simulatorHeapCapMb(process.env)) assert.ok(cmdline.includes(expected), `${expected} in ${cmdline.join(' ')}`);
      }
      assert.match(session.baseUrl, /^https:\/\/127\.0\.0\.1:\d+\/gateway\/v2\/$/);
      assert.equal(session.simulatorValidates, false);
      assert.ok(logged.some((l) => /simulator: SKIPPED CHECK — CDA validation .*switched off/i.test(l)), `the checks off are said: ${logged.join(' | ')}`);
      const send = async (scenario: string) => {
        const doc = await prepareDocument({ docType: 'LAB', patientCf: CF, profile: session.profile, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
        return performExchange(session, { scenario, method: 'validate-and-create', document: doc, expected: 202 });
      };
      const first = await send('processo separato');
      assert.equal(first.httpStatus, 202);
      assert.match(first.xCartId ?? '', /^[0-9a-f-]{36}$/i);
      // an operator's Ctrl-C reaches every process of the terminal's group: the simulator must keep serving
      process.kill(sim.pid, 'SIGINT');
      process.kill(sim.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(alive(sim.pid), 'SIGINT/SIGTERM stopped the simulator process');
      assert.equal((await send('dopo SIGINT')).httpStatus, 202);
    } finally {
      await session.close();
    }
    assert.ok(!alive(sim.pid), 'the simulator process is gone once the session is closed');
    assert.ok((sim.peakRssMb() ?? 0) > 50, `peak RSS reported: ${sim.peakRssMb()}`);
    assert.ok(!logged.some((l) => /ENDED UNEXPECTEDLY/.test(l)), 'a requested close is not reported as a crash');
  } finally {
    if (sim && alive(sim.pid)) process.kill(sim.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cannot start (no TLS material): one message, no process left behind', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-sim-process-'));
  try {
    await assert.rejects(
      startSimulatorProcess({ pkiDir: join(dir, 'missing'), catalogsDir: null, log: () => {} }),
      /the simulator could not start: Missing .*server\.pem/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the run that started it is killed (SIGKILL): the simulator process exits by itself', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-sim-orphan-'));
  try {
    // a stand-in for the run: opens a session on its own simulator process, prints the pid, then waits to be killed
    const script = join(dir, 'run.mts');
    writeFileSync(script, [
      `import { Session } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'support/harness/session.ts')).href)};`,
      `import { startSimulatorProcess } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'cli/target.ts')).href)};`,
      `let pid = 0;`,
      `await Session.open({ reportsDir: ${JSON.stringify(join(dir, 'reports'))}, pkiDir: ${JSON.stringify(join(dir, 'pki'))}, catalogsDir: null, env: { ...process.env, FSE_CATALOGS_DIR: '' }, log: () => {},`,
      `  startEmbedded: async (o) => { const t = await startSimulatorProcess(o); pid = t.pid; return t; } });`,
      `process.stdout.write(\`simulator \${pid}\\n\`);`,
      `setInterval(() => {}, 1000);`,
    ].join('\n'));
    const run = spawn(process.execPath, ['--import', 'tsx', script], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      run.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; const m = /simulator (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
      run.once('exit', (code) => reject(new Error(`the stand-in run ended (exit ${code}) before its simulator was ready`)));
    });
    assert.ok(alive(pid));
    run.kill('SIGKILL');
    assert.ok(await until(() => !alive(pid), 15_000), `simulator process ${pid} outlived the run that started it`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a session that fails to open after starting the simulator stops it again', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-sim-process-'));
  let sim: SimulatorProcessTarget | undefined;
  try {
    const notADir = join(dir, 'reports-is-a-file');
    writeFileSync(notADir, 'x');
    await assert.rejects(Session.open({
      reportsDir: notADir, pkiDir: join(dir, 'pki'), catalogsDir: null, env: { ...process.env, FSE_CATALOGS_DIR: '' },
      startEmbedded: async (o) => (sim = await startSimulatorProcess(o)),
    }));
    assert.ok(sim, 'the simulator had been started');
    assert.ok(await until(() => !alive(sim!.pid), 15_000), 'the simulator process outlived the failed session');
  } finally {
    if (sim && alive(sim.pid)) process.kill(sim.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('FSE_SIM_HEAP_MB: default 256, 0 for V8\'s default, anything else outside 128–65536 MB is the user\'s error', () => {
  assert.equal(simulatorHeapCapMb({}), 256);
  assert.equal(simulatorHeapCapMb({ FSE_SIM_HEAP_MB: '' }), 256);
  assert.equal(simulatorHeapCapMb({ FSE_SIM_HEAP_MB: '0' }), 0);
  assert.equal(simulatorHeapCapMb({ FSE_SIM_HEAP_MB: ' 512 ' }), 512);
  for (const bad of ['abc', '64', '1.5', '-256', '256MB', '70000']) {
    assert.throws(() => simulatorHeapCapMb({ FSE_SIM_HEAP_MB: bad }), (e: unknown) => e instanceof UserError && e.code === 'FSE_SIM_HEAP_MB' && e.message.includes(bad.trim()), bad);
  }
});
