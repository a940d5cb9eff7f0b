/**
 * A profile with two document types runs only those; --tags slices work; the wall time is printed.
 * Every command answers --help.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'fse-harness.js');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });

test('a profile with two document types (LAB, RAD) runs only those; --tags narrows further', { timeout: 300_000 }, () => {
  const reports = mkdtempSync(join(tmpdir(), 'fse-slice-'));
  try {
    const r = run(['run', '--profile', join(PROJECT_ROOT, 'testdata', 'profile.two-types.json'), '--tags', '@ciclo-di-vita and @RMSLSO31M04Z404R', '--no-report', '--reports', reports], { FSE_CATALOGS_DIR: '' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter((l) => /^\s+\[\d+\/\d+\] /.test(l));
    assert.equal(lines.length, 2, `expected 2 scenarios (LAB, RAD for one CF):\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => /ciclo di vita LAB per il paziente RMSLSO31M04Z404R/.test(l)));
    assert.ok(lines.some((l) => /ciclo di vita RAD per il paziente RMSLSO31M04Z404R/.test(l)));
    assert.ok(!lines.some((l) => /LDO|RSA|RAP|VPS|PSS|VACC/.test(l)), 'only the profile types run');
    assert.match(r.stdout, /\(@LAB or @RAD\) and \(@ciclo-di-vita and @RMSLSO31M04Z404R\)/);
    assert.match(r.stdout, /wall time \d+\.\d s/);
    assert.match(r.stdout, /^scenarios: 2 passed, 0 failed$/m);
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
});

test('every command has --help, and the top level lists them', () => {
  const top = run(['--help']);
  assert.equal(top.status, 0);
  for (const c of ['run', 'probe', 'pki', 'simulator', 'check', 'build-pdf', 'bundle', 'report-pdf', 'prune', 'cleanup']) {
    assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'), `${c} listed`);
    const h = run([c, '--help']);
    assert.equal(h.status, 0, `${c} --help: ${h.stderr}`);
    assert.match(h.stdout, /Usage|usage|Uso/, `${c} --help prints a usage line`);
    assert.ok(h.stdout.length > 200, `${c} --help is more than a line`);
  }
  const bad = run(['nope']);
  assert.equal(bad.status, 2);
});
