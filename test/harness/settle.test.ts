/**
 * The settle poll after a 202 (support/harness/settle.ts) and the simulator's document that answers 404 until it
 * has settled (simulator/registry.ts, switch settleMs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTLE_MS, PendingDocuments, pollUntilSettled, settleMs, settlePauses, SETTLE_ENV } from '../../support/harness/settle.ts';
import { UserError } from '../../support/errors.ts';
import { Registry } from '../../simulator/registry.ts';
import { parseSwitch, resolveSwitches } from '../../simulator/switches.ts';

test('settle time: FSE_SETTLE_MS over the profile over the target default (stage 2 s, simulator 0)', () => {
  assert.equal(settleMs({ target: 'stage' }, {}), DEFAULT_SETTLE_MS.stage);
  assert.equal(DEFAULT_SETTLE_MS.stage, 2000);
  assert.equal(settleMs({ target: 'simulator' }, {}), 0);
  assert.equal(settleMs({ target: 'stage', settleMs: 5000 }, {}), 5000);
  assert.equal(settleMs({ target: 'stage', settleMs: 5000 }, { [SETTLE_ENV]: '300' }), 300);
  assert.equal(settleMs({ target: 'simulator' }, { [SETTLE_ENV]: '' }), 0, 'empty = not set');
  for (const bad of ['-1', 'abc', '1.5', '999999']) {
    assert.throws(() => settleMs({ target: 'stage' }, { [SETTLE_ENV]: bad }), (e: unknown) => e instanceof UserError && e.message.includes(SETTLE_ENV), bad);
  }
});

test('pauses double from 200 ms and sum to the settle time', () => {
  assert.deepEqual(settlePauses(0), []);
  assert.deepEqual(settlePauses(150), [150]);
  assert.deepEqual(settlePauses(2000), [200, 400, 800, 600]);
  assert.equal(settlePauses(12345).reduce((a, b) => a + b, 0), 12345);
});

test('poll: a pending document answering 404 is retried with the pauses until it answers otherwise', async () => {
  const answers = [404, 404, 200];
  const slept: number[] = [];
  const flags: boolean[] = [];
  const tries = await pollUntilSettled({
    pending: true, budgetMs: 2000, sleep: async (ms) => { slept.push(ms); },
    attempt: async (retryOn404) => { flags.push(retryOn404); return { httpStatus: answers.shift()! }; },
  });
  assert.deepEqual(tries.map((t) => t.httpStatus), [404, 404, 200]);
  assert.deepEqual(slept, [200, 400]);
  assert.deepEqual(flags, [true, true, true], 'tries 1-3 of 5: a 404 would be retried');
});

test('poll: bounded — after the settle time the last 404 stands (and is not marked as retried)', async () => {
  const flags: boolean[] = [];
  const slept: number[] = [];
  const tries = await pollUntilSettled({
    pending: true, budgetMs: 700, sleep: async (ms) => { slept.push(ms); },
    attempt: async (retryOn404) => { flags.push(retryOn404); return { httpStatus: 404 as const }; },
  });
  assert.equal(tries.length, 4, 'the first try and one after each pause');
  assert.deepEqual(slept, [200, 400, 100]);
  assert.deepEqual(flags, [true, true, true, false]);
});

test('poll: not pending, or settle time 0, or another answer → one try', async () => {
  for (const o of [{ pending: false, budgetMs: 2000, status: 404 }, { pending: true, budgetMs: 0, status: 404 }, { pending: true, budgetMs: 2000, status: 400 }]) {
    let n = 0;
    const tries = await pollUntilSettled({ pending: o.pending, budgetMs: o.budgetMs, sleep: async () => { throw new Error('no pause expected'); }, attempt: async () => { n++; return { httpStatus: o.status }; } });
    assert.equal(n, 1);
    assert.equal(tries.length, 1);
  }
});

test('pending documents: marked after a 202, settled by the next answer', () => {
  const p = new PendingDocuments();
  assert.equal(p.isPending('a'), false);
  p.mark('a');
  assert.equal(p.isPending('a'), true);
  p.settle('a');
  assert.equal(p.isPending('a'), false);
  p.afterAnswer('validate-and-create', 202, 'v1', undefined);
  assert.equal(p.isPending('v1'), true, 'a create answered 202: the new document is pending');
  p.afterAnswer('update-metadata', 200, 'v1', 'v1');
  assert.equal(p.isPending('v1'), false, 'it answered: settled');
  p.afterAnswer('update-metadata', 202, 'v1', 'v1');
  assert.equal(p.isPending('v1'), true, 'an update answered 202: pending again');
  p.afterAnswer('replace', 202, 'v2', 'v1');
  assert.deepEqual([p.isPending('v1'), p.isPending('v2')], [false, true], 'replace: the old one retired, the new one pending');
  p.afterAnswer('delete', 202, 'v2', 'v2');
  assert.equal(p.isPending('v2'), false, 'deleted: a later 404 is the expected answer, never waited for');
  p.afterAnswer('validate-and-create', 400, 'v3', undefined);
  assert.equal(p.isPending('v3'), false, 'refused: nothing pending');
});

test('simulator registry with settleMs: 404 until settled after a publication and after an asynchronous update', async () => {
  const r = new Registry({ settleMs: 80 });
  r.publish({ id: 'D1', docType: 'LAB', patient: 'X', wii: 'w' });
  assert.equal(r.has('D1'), false, 'not yet visible');
  assert.equal(r.update('D1', {}, 'w'), false, 'update → not found');
  assert.equal(r.delete('D1', 'w'), false, 'delete → not found');
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(r.has('D1'), true);
  assert.equal(r.update('D1', { a: 1 }, 'w', true), true, 'async update accepted');
  assert.equal(r.has('D1'), false, 'hidden again after a 202');
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(r.delete('D1', 'w'), true);
  const now = new Registry();
  now.publish({ id: 'D2', docType: 'LAB', patient: 'X', wii: 'w' });
  assert.equal(now.has('D2'), true, 'default: usable at once');
  assert.equal(resolveSwitches(parseSwitch('settleMs=1500')).settleMs, 1500);
});
