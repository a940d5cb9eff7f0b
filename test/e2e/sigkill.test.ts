/**
 * Killing a real run with SIGKILL half-way leaves a readable ledger holding every exchange completed
 * before the kill. The run prints the X-Cart-id of each finished scenario; all of them must be in the ledger.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLedgerCsv } from '../../support/evidence/ledger.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';

test('SIGKILL half-way through a run keeps a readable ledger with every X-Cart-id received', { timeout: 240_000 }, async () => {
  const reports = mkdtempSync(join(tmpdir(), 'fse-kill-'));
  try {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'fse-harness.js'), 'run', '--no-report', '--reports', reports, '--tags', '@ciclo-di-vita'], {
      cwd: PROJECT_ROOT, env: { ...process.env, FSE_CATALOGS_DIR: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`the run did not reach 3 scenarios in time:\n${out.slice(-2000)}`)); }, 200_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        for (const m of out.matchAll(/X-Cart-id ([0-9a-f-]{36})/g)) seen.add(m[1]!);
        if ((out.match(/^\s+\[\d+\/\d+\] /gm) ?? []).length >= 3) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      child.on('exit', () => { clearTimeout(timer); resolve(); });
    });
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    assert.equal(child.signalCode, 'SIGKILL', `the run ended by itself before the kill:\n${out.slice(-1500)}`);
    assert.ok(seen.size >= 12, `expected at least 12 X-Cart-ids printed before the kill, got ${seen.size}`);
    const runs = readdirSync(join(reports, 'runs'));
    assert.equal(runs.length, 1);
    const ledger = join(reports, 'runs', runs[0]!, 'evidence', 'ledger.csv');
    assert.ok(existsSync(ledger));
    const rows = readLedgerCsv(ledger);
    const inLedger = new Set(rows.map((r) => r.xCartId));
    const missing = [...seen].filter((x) => !inLedger.has(x));
    assert.deepEqual(missing, [], 'every X-Cart-id received before the kill is in the ledger');
    assert.ok(rows.every((r) => r.requestFile && existsSync(join(reports, 'runs', runs[0]!, 'evidence', r.requestFile))), 'request evidence exists for every row');
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
});
