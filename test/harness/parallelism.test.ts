import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseParallel, ONE_PROCESS_UP_TO } from '../../support/harness/parallelism.ts';

test('against the simulator: one process for a slice, two workers for the whole suite', () => {
  assert.equal(chooseParallel({ target: 'simulator', planned: 1 }).parallel, 1);
  assert.match(chooseParallel({ target: 'simulator', planned: 1 }).why, /^1 scenario, up to 300: .*--parallel 2/);
  assert.equal(chooseParallel({ target: 'simulator', planned: ONE_PROCESS_UP_TO }).parallel, 1);
  assert.equal(chooseParallel({ target: 'simulator', planned: ONE_PROCESS_UP_TO + 1 }).parallel, 2);
  assert.equal(chooseParallel({ target: 'simulator', planned: 521 }).parallel, 2);
});

test('against stage: one worker whatever the slice', () => {
  assert.equal(chooseParallel({ target: 'stage', planned: 521 }).parallel, 1);
  assert.match(chooseParallel({ target: 'stage', planned: 5 }).why, /shared/);
});

test('--parallel wins over FSE_PARALLEL, which wins over the default; values are clamped to 1..8', () => {
  assert.deepEqual(chooseParallel({ flag: '2', env: '4', target: 'simulator', planned: 1 }), { parallel: 2, why: '--parallel' });
  assert.deepEqual(chooseParallel({ env: '4', target: 'stage', planned: 1 }), { parallel: 4, why: 'FSE_PARALLEL' });
  assert.equal(chooseParallel({ env: '', target: 'simulator', planned: 521 }).parallel, 2, 'an empty FSE_PARALLEL is unset');
  assert.equal(chooseParallel({ flag: '1', target: 'simulator', planned: 521 }).parallel, 1);
  assert.equal(chooseParallel({ flag: '20', target: 'simulator', planned: 1 }).parallel, 8);
  assert.equal(chooseParallel({ flag: 'x', target: 'simulator', planned: 1 }).parallel, 1);
});
