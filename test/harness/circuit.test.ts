/** The network circuit (N consecutive exchanges without an HTTP response → stop). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkCircuit, RunStoppedError, maxNetworkFailures, readStop, writeStop, writeSignalStop, stopExitCode, DEFAULT_MAX_NETWORK_FAILURES } from '../../support/harness/circuit.ts';
import { UserError } from '../../support/errors.ts';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'fse-circuit-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('limit: default 5, profile value, FSE_MAX_NETWORK_FAILURES over the profile; a bad value is a UserError', () => {
  assert.equal(DEFAULT_MAX_NETWORK_FAILURES, 5);
  assert.equal(maxNetworkFailures({}, {}), 5);
  assert.equal(maxNetworkFailures({ maxNetworkFailures: 3 }, {}), 3);
  assert.equal(maxNetworkFailures({ maxNetworkFailures: 3 }, { FSE_MAX_NETWORK_FAILURES: '7' }), 7);
  assert.throws(() => maxNetworkFailures({}, { FSE_MAX_NETWORK_FAILURES: '0' }), UserError);
  assert.throws(() => maxNetworkFailures({}, { FSE_MAX_NETWORK_FAILURES: 'x' }), UserError);
});

test('N consecutive failures stop the run; a response in between resets the count', () => withDir((dir) => {
  const c = new NetworkCircuit(dir, 3);
  let tripped = 0;
  c.onTrip = () => { tripped++; };
  c.record(false, 'ETIMEDOUT: a');
  c.record(false, 'ETIMEDOUT: b');
  c.record(true);
  c.record(false, 'ETIMEDOUT: c');
  c.record(false, 'ETIMEDOUT: d');
  c.assertMaySend();
  assert.equal(readStop(dir), null, 'two in a row are not three');
  c.record(false, 'ECONNRESET: e');
  assert.equal(tripped, 1);
  const stop = readStop(dir)!;
  assert.match(stop.reason, /3 consecutive exchanges without an HTTP response \(limit 3\)/);
  assert.match(stop.reasonIt, /3 chiamate consecutive senza risposta HTTP/);
  assert.equal(stop.lastError, 'ECONNRESET: e');
  assert.throws(() => c.assertMaySend(), (e: unknown) => e instanceof RunStoppedError && /run stopped, no request sent/.test(e.message));
}));

test('another process (a parallel worker) learns of the stop from the run directory', () => withDir((dir) => {
  const workerA = new NetworkCircuit(dir, 2);
  const workerB = new NetworkCircuit(dir, 2);
  workerB.record(false, 'x');
  workerB.assertMaySend();
  workerA.record(false, 'y');
  workerA.record(false, 'z');
  assert.throws(() => workerB.assertMaySend(), RunStoppedError, 'B never reached its own limit but must stop too');
  // the first writer wins
  const again = writeStop(dir, { kind: 'network', reason: 'other', reasonIt: 'altro', lastError: '', limit: 2 });
  assert.match(again.reason, /2 consecutive/);
}));

test('the clean-up gets its own budget even when the run is stopped, then stops too', () => withDir((dir) => {
  const c = new NetworkCircuit(dir, 2);
  c.record(false, 'a');
  c.record(false, 'b');
  assert.throws(() => c.assertMaySend(), RunStoppedError);
  c.enterCleanup();
  c.assertMaySend();
  c.record(false, 'c');
  c.assertMaySend();
  c.record(false, 'd');
  assert.throws(() => c.assertMaySend(), (e: unknown) => e instanceof RunStoppedError && /clean-up/.test(e.message));
}));

test('a signal stops the run through the same record, with exit codes 130 (SIGINT) and 143 (SIGTERM); the first record wins', () => withDir((dir) => {
  const c = new NetworkCircuit(dir, 5);
  c.assertMaySend();
  const s = writeSignalStop(dir, 'SIGTERM');
  assert.deepEqual([s.kind, s.signal], ['signal', 'SIGTERM']);
  assert.throws(() => c.assertMaySend(), (e: unknown) => e instanceof RunStoppedError && /SIGTERM/.test(e.message));
  assert.equal(stopExitCode(readStop(dir)!), 143);
  assert.equal(stopExitCode(writeSignalStop(dir, 'SIGINT')), 143, 'the first record stays');
  assert.equal(stopExitCode({ kind: 'signal', signal: 'SIGINT' }), 130);
  assert.equal(stopExitCode({ kind: 'network' }), 1);
  assert.equal(stopExitCode({ kind: 'probe' }), 1);
}));
