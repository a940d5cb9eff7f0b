/** `--rate`: slots of 1/N s claimed exclusively in the run directory, shared by every process of the run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlotPacer, resolveRate, DEFAULT_STAGE_RATE, RATE_ENV } from '../../support/harness/pacing.ts';
import { UserError } from '../../support/errors.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';

function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fse-pacing-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('resolveRate: stage defaults to a modest rate, the simulator to none; --rate overrides; bad values are user errors', () => {
  assert.equal(resolveRate('stage', {}), DEFAULT_STAGE_RATE);
  assert.equal(resolveRate('simulator', {}), null);
  assert.equal(resolveRate('simulator', { [RATE_ENV]: '3.5' }), 3.5);
  assert.equal(resolveRate('stage', { [RATE_ENV]: '0' }), null);
  assert.equal(resolveRate('stage', { [RATE_ENV]: 'unlimited' }), null);
  for (const bad of ['-1', 'fast', '5000']) assert.throws(() => resolveRate('stage', { [RATE_ENV]: bad }), UserError);
});

test('one request per slot: two pacers sharing the folder never take the same slot, and wait for the slot start', () => withDir(async (dir) => {
  let now = 10_000; // ms
  const sleeps: number[] = [];
  const fake = { now: () => now, sleep: async (ms: number) => { sleeps.push(ms); } };
  const a = new SlotPacer(dir, 4, fake);
  const b = new SlotPacer(dir, 4, fake);
  const slots = [a.claim(), b.claim(), a.claim(), b.claim()];
  assert.deepEqual(slots, [40, 41, 42, 43], 'slot = 250 ms at 4/s, first free one from now');
  now = 10_100;
  await a.wait(); // slot 44 starts at 11 000 ms
  assert.deepEqual(sleeps, [900]);
  assert.equal(readdirSync(dir).length, 5);
}));

test('several processes: the total rate is bounded, not the rate of each', { timeout: 60_000 }, () => withDir(async (dir) => {
  const rate = 10;
  const script = `
    import { SlotPacer } from ${JSON.stringify(join(PROJECT_ROOT, 'support/harness/pacing.ts'))};
    const p = new SlotPacer(process.argv[1], ${rate});
    const out = [];
    for (let i = 0; i < 8; i++) { await p.wait(); out.push(Date.now()); }
    process.stdout.write(JSON.stringify(out));`;
  const runs = await Promise.all([0, 1, 2].map(() => new Promise<number[]>((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { cwd: PROJECT_ROOT });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`exit ${code}`))));
  })));
  const t = runs.flat().sort((x, y) => x - y);
  assert.equal(t.length, 24);
  for (let i = 0; i < t.length; i++) {
    const n = t.filter((x) => x >= t[i]! && x < t[i]! + 1000).length;
    assert.ok(n <= rate + 1, `${n} sends within one second`);
  }
  assert.ok(t.at(-1)! - t[0]! >= ((t.length - 1) / rate) * 1000 * 0.9, '24 sends at 10/s take at least ~2.3 s in total');
}));
