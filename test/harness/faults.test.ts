/**
 * What the harness does on latency, 5xx with X-Cart-id, connection reset, timeout and TLS failure.
 * Each case: a ledger row with what was known, the outcome names the cause, and the simulator saw exactly ONE
 * request (nothing is retried: a retry of validate-and-create could publish twice).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../support/harness/session.ts';
import { prepareDocument } from '../../support/harness/document.ts';
import { performExchange, type ExchangeOutcome } from '../../support/harness/exchange.ts';
import { GatewayClient } from '../../support/request/http.ts';
import { createTestCa } from '../../support/pki/testPki.ts';
import { startEmbeddedSimulator } from '../../cli/target.ts';
import type { RunningSimulator } from '../../simulator/server.ts';

let session: Session;
let simulator: RunningSimulator;
let reports: string;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

before(async () => {
  reports = mkdtempSync(join(tmpdir(), 'fse-faults-'));
  // no catalogs: the faults are about transport, validation adds nothing here
  session = await Session.open({
    reportsDir: reports, catalogsDir: null, env: { ...process.env, FSE_CATALOGS_DIR: '', FSE_TIMEOUT_MS: '1500' },
    startEmbedded: async (o) => { const t = await startEmbeddedSimulator(o); simulator = t.simulator; return t; },
  });
});
after(async () => {
  await session?.close();
  rmSync(reports, { recursive: true, force: true });
});

const faults = () => simulator.faults;
const served = () => simulator.stats().requests;

async function createOnce(scenario: string): Promise<ExchangeOutcome> {
  const doc = await prepareDocument({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
  return performExchange(session, { scenario, method: 'validate-and-create', document: doc, expected: 202 });
}
const lastRow = () => session.ledger.rows().at(-1)!;

test('latency: the answer is late but complete and recorded', async () => {
  faults().inject({ kind: 'latency', ms: 400 }, { count: 1 });
  const o = await createOnce('guasto: latenza');
  assert.equal(o.httpStatus, 202);
  assert.ok(o.result.elapsedMs >= 380, `elapsed ${o.result.elapsedMs}`);
  assert.match(lastRow().xCartId, UUID);
  assert.equal(lastRow().outcome, 'PASS');
});

for (const status of [500, 502, 503, 504] as const) {
  test(`${status} from CART: recorded with its X-Cart-id, not retried`, async () => {
    const before = served();
    faults().inject({ kind: 'status', status }, { count: 1 });
    const o = await createOnce(`guasto: ${status}`);
    assert.equal(o.httpStatus, status);
    assert.match(o.xCartId, UUID, '5xx answers carry X-Cart-id too');
    const row = lastRow();
    assert.equal(row.httpStatus, status);
    assert.equal(row.xCartId, o.xCartId);
    assert.equal(row.outcome, 'FAIL');
    assert.equal(served() - before, 1, 'exactly one request reached the simulator (no retry)');
  });
}

test('connection reset: a ledger row with the cause and no X-Cart-id, not retried', async () => {
  const before = served();
  faults().inject({ kind: 'reset' }, { count: 1 });
  const o = await createOnce('guasto: reset');
  assert.equal(o.httpStatus, '');
  assert.equal(o.result.error?.cause, 'reset', JSON.stringify(o.result.error));
  const row = lastRow();
  assert.equal(row.httpStatus, '');
  assert.equal(row.xCartId, '');
  assert.equal(row.errorType, 'network:reset');
  assert.equal(row.outcome, 'ERROR');
  assert.ok(row.requestFile, 'the request bytes are kept even without a response');
  assert.equal(row.responseFile, '');
  assert.equal(served() - before, 1, 'no retry after a reset');
});

test('no answer: the call times out (FSE_TIMEOUT_MS), the row says timeout, not retried', async () => {
  const before = served();
  faults().inject({ kind: 'no-answer' }, { count: 1 });
  const o = await createOnce('guasto: nessuna risposta');
  assert.equal(o.result.error?.cause, 'timeout', JSON.stringify(o.result.error));
  assert.equal(lastRow().errorType, 'network:timeout');
  assert.equal(served() - before, 1, 'no retry after a timeout');
  // the harness keeps working afterwards
  const ok = await createOnce('dopo il timeout');
  assert.equal(ok.httpStatus, 202);
});

test('TLS failure (server certificate from an untrusted CA): recorded as network:tls before any HTTP byte', async () => {
  const other = await createTestCa({ cn: 'Unrelated CA' });
  const c = new GatewayClient(session.baseUrl, { certPem: session.credentials.auth.certPem, keyPem: session.credentials.auth.keyPem, caPem: other.certPem }, { timeoutMs: 3000 });
  const r = await c.send({ method: 'POST', path: 'documents/validate-and-create', headers: { accept: 'application/json' }, body: Buffer.from('x') });
  await c.close();
  assert.equal(r.status, undefined);
  assert.equal(r.error?.cause, 'tls', JSON.stringify(r.error));
  assert.equal(r.requestBytes.length, 0, 'nothing was sent over an unauthenticated channel');
});
