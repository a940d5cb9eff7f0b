/**
 * What the harness does on latency, 5xx with X-Cart-id, connection reset, timeout and TLS failure.
 * Each case: a ledger row with what was known, the outcome names the cause, and the simulator saw exactly ONE
 * request (nothing is retried: a retry of validate-and-create could publish twice) — except a 429/503 carrying
 * Retry-After, retried once. A gateway that stores a document and loses the answer ("commit-lost"): the document is
 * "maybe published" in the run's journal and the final clean-up deletes it.
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
import { cleanupPublished } from '../../support/harness/cleanup.ts';
import { INFRASTRUCTURE } from '../../support/harness/classify.ts';
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
    assert.equal(row.infrastructure, status === 500 ? '' : INFRASTRUCTURE, '502/503/504 are the infrastructure\'s answers, a 500 is not');
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

test('429 with Retry-After: exactly one retry after the wait, both attempts in the ledger, the first one "infrastruttura"', async () => {
  const before = served();
  const rows = session.ledger.rows().length;
  faults().inject({ kind: 'status', status: 429, retryAfter: 1 }, { count: 1 });
  const t0 = performance.now();
  const o = await createOnce('guasto: 429 con Retry-After');
  const waited = performance.now() - t0;
  assert.equal(o.httpStatus, 202, 'the retry went through');
  assert.equal(o.previous?.httpStatus, 429);
  assert.ok(waited >= 950, `waited ${waited} ms for Retry-After: 1`);
  const mine = session.ledger.rows().slice(rows);
  assert.deepEqual(mine.map((r) => [r.httpStatus, r.infrastructure]), [[429, INFRASTRUCTURE], [202, '']]);
  assert.notEqual(mine[0]!.xCartId, mine[1]!.xCartId, 'each attempt has its own X-Cart-id');
  assert.equal(served() - before, 2, 'one retry, not more');
  // a second 429 with Retry-After on the retry is not retried again (once per exchange)
  faults().inject({ kind: 'status', status: 429, retryAfter: 0 }, { count: 2 });
  const b2 = served();
  const o2 = await createOnce('guasto: 429 due volte');
  assert.equal(o2.httpStatus, 429);
  assert.equal(o2.infrastructure, INFRASTRUCTURE);
  assert.equal(served() - b2, 2);
});

test('commit-lost: the gateway stores the document and the answer comes after the client\'s timeout → maybe published, deleted by the clean-up', async () => {
  const size0 = simulator.registry.size;
  faults().inject({ kind: 'commit-lost', ms: 2500 }, { count: 1, route: 'validate-and-create' });
  const o = await createOnce('guasto: pubblicato ma risposta persa');
  assert.equal(o.result.error?.cause, 'timeout', JSON.stringify(o.result.error));
  assert.equal(o.infrastructure, INFRASTRUCTURE);
  assert.equal(simulator.registry.size, size0 + 1, 'the gateway did store it');
  const maybe = session.published.current().find((d) => d.doc.id === o.identificativoDoc);
  assert.equal(maybe?.state, 'maybe-published');
  const rows0 = session.ledger.rows().length;
  const r = await cleanupPublished(session);
  assert.deepEqual(r.unresolved, []);
  // the creates of the reset and no-answer tests never reached the registry: 404, "never there", a PASS
  assert.ok(r.absent >= 2, `absent ${r.absent}`);
  const notFound = session.ledger.rows().slice(rows0).filter((x) => x.httpStatus === 404);
  assert.ok(notFound.length >= 2 && notFound.every((x) => x.outcome === 'PASS'), 'a 404 for a maybe-published document is not a non-conformity');
  assert.ok(!simulator.registry.has(o.identificativoDoc), 'nothing of it left on the gateway');
  assert.equal(simulator.registry.size, 0, 'the clean-up removed everything the run published');
});

test('the clean-up deletes several documents at once: a slow deletion does not hold the others, every one has its row', async () => {
  const created: string[] = [];
  for (let i = 0; i < 6; i++) {
    const o = await createOnce('pulizia concorrente');
    assert.equal(o.httpStatus, 202);
    created.push(o.identificativoDoc);
  }
  // the second document's deletion is slow (its path names its id); the others must not wait behind it (the first
  // one goes alone: the clean-up opens its lanes once the gateway has answered)
  faults().inject({ kind: 'latency', ms: 600 }, { count: 1, route: encodeURIComponent(created[1]!) });
  const rows0 = session.ledger.rows().length;
  const lines: string[] = [];
  const r = await cleanupPublished(session, { log: (l) => lines.push(l) });
  assert.deepEqual(r.unresolved, []);
  assert.equal(r.deleted, 6);
  const rows = session.ledger.rows().slice(rows0);
  assert.equal(rows.length, 6, 'one row per deletion');
  assert.equal(new Set(rows.map((x) => x.xCartId)).size, 6, 'each deletion has its own X-Cart-id');
  assert.ok(rows.every((x) => x.method === 'delete' && x.httpStatus === 200), JSON.stringify(rows.map((x) => [x.method, x.httpStatus])));
  assert.equal(lines[0]?.split(' ')[1], created[0], `the first deletion goes alone\n${lines.join('\n')}`);
  assert.ok(lines.at(-1)?.includes(created[1]!), `the slow deletion should be the last to finish: deletions ran one after the other\n${lines.join('\n')}`);
  assert.equal(simulator.registry.size, 0);
});

test('a clean-up that gets no answer goes one deletion at a time and stops when its failure budget is spent; what is left stays unresolved', async () => {
  for (let i = 0; i < 12; i++) assert.equal((await createOnce('pulizia interrotta')).httpStatus, 202);
  faults().inject({ kind: 'reset' }, { count: Infinity, route: 'documents' });
  const before = served();
  const lines: string[] = [];
  try {
    // the session's circuit is already in its clean-up budget (the tests above): its consecutive failures start at 0
    const r = await cleanupPublished(session, { log: (l) => lines.push(l) });
    assert.equal(lines.filter((l) => l.startsWith('clean-up stopped')).length, 1, lines.join('\n'));
    assert.equal(r.unresolved.length, 12, 'nothing was deleted: every one is still in the journal');
    const sent = served() - before;
    // no answer from the first one: one deletion at a time from then on, so exactly the budget is spent
    assert.equal(sent, session.circuit.limit, `sent ${sent} deletions for a budget of ${session.circuit.limit} consecutive failures`);
    assert.ok(r.unresolved.every((d) => simulator.registry.has(d.doc.id)), 'what is unresolved is still on the gateway');
  } finally {
    faults().clear();
  }
});
