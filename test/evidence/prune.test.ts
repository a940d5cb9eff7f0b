/**
 * `fse-harness prune --keep N` / `run --keep N`: only simulator runs beyond the N newest go; stage runs, the run
 * reports/latest points at and runs whose target cannot be told always stay; what is removed is named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePrune, keepCount, pruneRuns, runTarget } from '../../support/evidence/prune.ts';
import { pointLatest } from '../../support/evidence/runDir.ts';
import { UserError } from '../../support/errors.ts';

function reports(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fse-prune-'));
  const run = (id: string, files: Record<string, string>) => {
    mkdirSync(join(dir, 'runs', id, 'evidence'), { recursive: true });
    writeFileSync(join(dir, 'runs', id, 'evidence', 'ledger.csv'), 'x'.repeat(1000));
    for (const [f, c] of Object.entries(files)) writeFileSync(join(dir, 'runs', id, f), c);
  };
  const info = (target: string) => ({ 'run.json': JSON.stringify({ installation: 'i', target, baseUrl: 'https://x/gateway/v2/', startedAt: '2026' }) });
  run('20260101T000000Z-i', info('simulator'));
  run('20260102T000000Z-i', info('stage'));
  run('20260103T000000Z-i', { 'console.log': 'fse-harness: profile p\nfse-harness: target simulator https://127.0.0.1:1/gateway/v2/\n' }); // older run: no run.json
  run('20260104T000000Z-i', {}); // killed before anything was written: target unknown
  run('20260105T000000Z-i', info('simulator'));
  run('20260106T000000Z-i', info('simulator'));
  run('20260107T000000Z-i', info('stage'));
  pointLatest(dir, join(dir, 'runs', '20260101T000000Z-i')); // latest is an old one (e.g. a slice re-pointed by hand)
  return dir;
}

test('keeps the N newest simulator runs, never stage runs, the latest or runs of unknown target', () => {
  const dir = reports();
  try {
    assert.equal(runTarget(join(dir, 'runs', '20260103T000000Z-i')), 'simulator', 'read from console.log when there is no run.json');
    assert.equal(runTarget(join(dir, 'runs', '20260104T000000Z-i')), undefined);
    const dry = pruneRuns(dir, { keep: 1, dryRun: true });
    assert.deepEqual(dry.removed.map((r) => r.id), ['20260105T000000Z-i', '20260103T000000Z-i']);
    assert.ok(existsSync(join(dir, 'runs', '20260105T000000Z-i')), 'a dry run removes nothing');
    assert.match(describePrune(dry)[0]!, /^prune: would remove 2 simulator run\(s\)/);

    const r = pruneRuns(dir, { keep: 1 });
    assert.deepEqual(r.removed.map((x) => x.id), ['20260105T000000Z-i', '20260103T000000Z-i']);
    assert.ok(r.removed.every((x) => x.bytes >= 1000));
    for (const id of ['20260101T000000Z-i', '20260102T000000Z-i', '20260104T000000Z-i', '20260106T000000Z-i', '20260107T000000Z-i']) {
      assert.ok(existsSync(join(dir, 'runs', id)), `${id} must stay`);
    }
    for (const id of ['20260105T000000Z-i', '20260103T000000Z-i']) assert.ok(!existsSync(join(dir, 'runs', id)), `${id} must be removed`);
    const lines = describePrune(r);
    assert.match(lines[0]!, /^prune: removed 2 simulator run\(s\), /);
    assert.match(lines[1]!, /^  runs\/20260105T000000Z-i \(/);
    assert.match(lines.at(-1)!, /kept reports\/latest \(runs\/20260101T000000Z-i\), the 1 newest other simulator run\(s\), 2 stage run\(s\) \(never removed\), 1 run\(s\) whose target cannot be told \(never removed: 20260104T000000Z-i\)/);

    const again = pruneRuns(dir, { keep: 0 });
    assert.deepEqual(again.removed.map((x) => x.id), ['20260106T000000Z-i']);
    assert.ok(existsSync(join(dir, 'runs', '20260101T000000Z-i')), 'keep 0 still keeps reports/latest');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--keep takes a whole number ≥ 0', () => {
  assert.equal(keepCount('3'), 3);
  assert.equal(keepCount('0'), 0);
  for (const bad of ['x', '-1', '1.5', true]) assert.throws(() => keepCount(bad), (e: unknown) => e instanceof UserError && /--keep needs a whole number/.test(e.message));
});
