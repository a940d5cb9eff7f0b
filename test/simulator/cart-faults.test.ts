/**
 * CART layer: X-Cart-id everywhere (unknown route, 413, malformed multipart, wrong media type), CART errors, and
 * the fault injection API (in-process and admin route): latency, 429/5xx (with Retry-After), reset, no-answer,
 * commit-lost (stored, then the answer lost or late).
 */
import assert from 'node:assert/strict';
import { request, type Agent } from 'undici';
import type { RunningSimulator } from '../../simulator/server.ts';
import { buildMultipart } from '../../support/request/multipart.ts';
import { send, sendMultipart, simTest, useSimulator, validCreate } from './helpers.ts';

const PATH = '/gateway/v2/documents/validate-and-create';
let sim: RunningSimulator;
let client: Agent;

useSimulator({ maxFileBytes: 64 * 1024 }, (s) => ({ sim, client } = s));

simTest('CART: unknown route → 404 CART error with X-Cart-id', async () => {
  for (const [method, path] of [['GET', '/'], ['POST', '/gateway/v2/documents'], ['GET', '/gateway/v2/status/abc'], ['POST', '/gateway/v2/documents/validation']] as const) {
    const a = await send(client, sim, { method, path });
    assert.equal(a.status, 404, `${method} ${path}`);
    assert.match(String(a.json!.type), /^urn:cart:error:404:/);
  }
});

simTest('413 with X-Cart-id: a file part above maxFileBytes (Spring S-03), a whole body above the body limit (CART)', async () => {
  const r = await validCreate();
  const big = Buffer.concat([r.file!, Buffer.alloc(70 * 1024, 0x20)]);
  const a = await sendMultipart(client, sim, 'POST', PATH, { ...r, file: big });
  assert.equal(a.status, 413, a.text);
  assert.equal(a.json!.type, 'about:blank');
  assert.equal(a.json!.detail, 'Maximum upload size exceeded');
  const huge = await send(client, sim, { method: 'POST', path: PATH, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: Buffer.alloc(3 * 1024 * 1024, 0x41) });
  assert.equal(huge.status, 413, 'whole body above the body limit');
});

simTest('after the token check, the border answers a body of the wrong media type (203) or a multipart it cannot split (201), with X-Cart-id', async () => {
  const r = await validCreate();
  const headers = { authorization: `Bearer ${r.bearer!}`, 'fse-jwt-signature': r.signature! };
  const a = await send(client, sim, { method: 'POST', path: PATH, headers: { ...headers, 'content-type': 'application/json' }, body: r.requestBody! });
  assert.equal(a.status, 400, a.text);
  assert.match(String(a.json!.detail), /Content type 'application\/json' is not allowed for body content\. \(code: 203\)/);
  const b = await send(client, sim, { method: 'POST', path: PATH, headers: { ...headers, 'content-type': 'multipart/form-data; boundary=abc' }, body: '--abc\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 truncated' });
  assert.equal(b.status, 400, b.text);
  assert.match(String(b.json!.detail), /Stream ended unexpectedly \(code: 201\)/);
});

simTest('faults (in-process): latency, status 503, reset, no-answer; counts and routes', async () => {
  sim.faults.inject({ kind: 'latency', ms: 300 }, { route: '/gateway/v2/documents/' });
  const t0 = Date.now();
  const a = await send(client, sim, { method: 'DELETE', path: '/gateway/v2/documents/x%5Ey' });
  assert.ok(Date.now() - t0 >= 290, 'latency applied');
  assert.equal(a.status, 401, 'then answered normally (border: no tokens)');

  sim.faults.inject({ kind: 'status', status: 503 }, { count: 2 });
  for (let i = 0; i < 2; i++) {
    const s = await send(client, sim, { method: 'POST', path: PATH });
    assert.equal(s.status, 503);
    assert.match(String(s.json!.type), /^urn:cart:error:503:/);
  }
  assert.equal((await send(client, sim, { method: 'POST', path: PATH })).status, 401, 'count exhausted');

  sim.faults.inject({ kind: 'status', status: 504 }, { route: 'metadata' });
  assert.equal((await send(client, sim, { method: 'POST', path: PATH })).status, 401, 'route filter: not this path');
  assert.equal((await send(client, sim, { method: 'PUT', path: '/gateway/v2/documents/a%5Eb/metadata', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 504);

  sim.faults.inject({ kind: 'reset' });
  await assert.rejects(send(client, sim, { method: 'POST', path: PATH, check: false }));

  sim.faults.inject({ kind: 'no-answer' });
  await assert.rejects(request(`${sim.url}documents/validate-and-create`, { method: 'POST', dispatcher: client, headersTimeout: 500, bodyTimeout: 500 }));
  assert.equal(sim.faults.pending().length, 0);
  assert.equal((await send(client, sim, { method: 'POST', path: PATH })).status, 401, 'server still answers after reset/no-answer');
});

simTest('faults (admin route, loopback only) and stats', async () => {
  const armed = await send(client, sim, { method: 'POST', path: '/__simulator/faults', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: { kind: 'status', status: 502 }, count: 1 }) });
  assert.equal(armed.status, 201, armed.text);
  assert.equal((await send(client, sim, { method: 'POST', path: PATH })).status, 502);
  const bad = await send(client, sim, { method: 'POST', path: '/__simulator/faults', headers: { 'content-type': 'application/json' }, body: '{"fault":{"kind":"explode"}}' });
  assert.equal(bad.status, 400);
  await send(client, sim, { method: 'POST', path: '/__simulator/faults', headers: { 'content-type': 'application/json' }, body: '{"kind":"latency","ms":10,"count":5}' });
  const cleared = await send(client, sim, { method: 'DELETE', path: '/__simulator/faults' });
  assert.equal(cleared.status, 200);
  assert.equal(sim.faults.pending().length, 0);
  const st = await send(client, sim, { method: 'GET', path: '/__simulator/stats' });
  assert.equal(st.status, 200);
  const j = st.json!;
  assert.ok(typeof j.requests === 'number' && j.requests > 5);
  assert.ok(typeof j.rssBytes === 'number' && j.rssBytes > 0);
  assert.ok((j.responsesByStatus as Record<string, number>)['502']! >= 1);
});

simTest('commit-lost: the gateway stores the create, then never answers (or answers after `ms`); 429 carries Retry-After', async () => {
  const r = await validCreate();
  const mp = buildMultipart({ requestBody: r.requestBody!, file: { bytes: r.file!, filename: 'doc.pdf' } });
  const headers = { 'content-type': mp.contentType, accept: 'application/json', authorization: `Bearer ${r.bearer!}`, 'fse-jwt-signature': r.signature! };
  sim.faults.inject({ kind: 'commit-lost' }, { route: 'validate-and-create' });
  await assert.rejects(request(`${sim.url}documents/validate-and-create`, { method: 'POST', headers, body: mp.body, dispatcher: client, headersTimeout: 1500, bodyTimeout: 1500 }), 'no answer');
  assert.ok(sim.registry.has(r.id), 'but the document was stored');

  const r2 = await validCreate();
  const mp2 = buildMultipart({ requestBody: r2.requestBody!, file: { bytes: r2.file!, filename: 'doc.pdf' } });
  sim.faults.inject({ kind: 'commit-lost', ms: 400 }, { route: 'validate-and-create' });
  const t0 = Date.now();
  const late = await request(`${sim.url}documents/validate-and-create`, { method: 'POST', headers: { ...headers, 'content-type': mp2.contentType, authorization: `Bearer ${r2.bearer!}`, 'fse-jwt-signature': r2.signature! }, body: mp2.body, dispatcher: client });
  await late.body.text();
  assert.equal(late.statusCode, 202, 'a late answer is the real one');
  assert.ok(Date.now() - t0 >= 390);
  assert.ok(sim.registry.has(r2.id));

  sim.faults.inject({ kind: 'status', status: 429, retryAfter: 7 });
  const limited = await send(client, sim, { method: 'POST', path: PATH });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '7');
  assert.match(String(limited.json!.type), /^urn:cart:error:429:TooManyRequests$/);
  for (const bad of [{ kind: 'commit-lost', ms: -1 }, { kind: 'status', status: 429, retryAfter: 1.5 }, { kind: 'status', status: 418 }]) {
    const a = await send(client, sim, { method: 'POST', path: '/__simulator/faults', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: bad }) });
    assert.equal(a.status, 400, JSON.stringify(bad));
  }
});
