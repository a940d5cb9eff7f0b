/**
 * 50 concurrent clients (separate mTLS connections) send a few thousand requests, valid and
 * malformed, mixed. Every request must be answered (with X-Cart-id), valid ones accepted, malformed ones refused
 * with a 4xx, and the heap after GC must stay bounded. Bounded loops only; loopback only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { mtlsAgent, simTest, useSimulator, validCreate, newDocId, type TestSimulator } from './helpers.ts';
import { buildMultipart } from '../../support/request/multipart.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const TOTAL = Number(process.env.SIM_LOAD_N ?? 3000);
const CLIENTS = 50;
let started: TestSimulator;
useSimulator({}, (s) => { started = s; });

simTest(`load: ${CLIENTS} concurrent clients, ${TOTAL} mixed valid/malformed requests, all answered, heap bounded`, { timeout: 600_000 }, async () => {
  const { sim, pki } = started;
  {
    // a pool of distinct valid requests (real signed PDFs and tokens), replayed with fresh ids
    const valid = await Promise.all(Array.from({ length: 10 }, () => validCreate()));
    const url = new URL('documents/validate-and-create', sim.url).toString();
    const malformed: (() => { headers: Record<string, string>; body: Buffer })[] = [
      () => ({ headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: randomBytes(2048) }),
      () => { const v = valid[0]!; const mp = buildMultipart({ requestBody: v.requestBody, file: { bytes: v.file!, filename: 'a.pdf' } }); return { headers: { 'content-type': mp.contentType, authorization: `Bearer ${v.bearer}`, 'fse-jwt-signature': v.signature! }, body: mp.body.subarray(0, mp.body.length >> 1) }; },
      () => { const v = valid[1]!; const mp = buildMultipart({ requestBody: v.requestBody, file: { bytes: v.file!, filename: 'a.pdf' } }); return { headers: { 'content-type': mp.contentType, authorization: 'Bearer garbage.garbage.garbage', 'fse-jwt-signature': randomBytes(64).toString('base64') }, body: mp.body }; },
      () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{"not":"multipart"') }),
    ];
    const agents = Array.from({ length: CLIENTS }, () => mtlsAgent(pki, pki.auth, { connections: 1 }));
    const statuses = new Map<number, number>();
    let next = 0;
    let noCartId = 0;
    let validRefused = 0;
    let heapMid = 0;
    const one = async (agent: ReturnType<typeof mtlsAgent>, i: number) => {
      let headers: Record<string, string>;
      let body: Buffer;
      const isValid = i % 3 === 0;
      if (isValid) {
        const v = valid[i % valid.length]!;
        const id = newDocId();
        const mp = buildMultipart({ requestBody: v.requestBody!.replace(v.id, id), file: { bytes: v.file!, filename: 'a.pdf' } });
        headers = { 'content-type': mp.contentType, authorization: `Bearer ${v.bearer}`, 'fse-jwt-signature': v.signature!, accept: 'application/json' };
        body = mp.body;
      } else {
        ({ headers, body } = malformed[i % malformed.length]!());
      }
      const r = await request(url, { method: 'POST', headers, body, dispatcher: agent });
      await r.body.arrayBuffer();
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      if (typeof r.headers['x-cart-id'] !== 'string') noCartId++;
      if (isValid && r.statusCode !== 202) validRefused++;
      if (!isValid) assert.ok(r.statusCode >= 400 && r.statusCode < 500, `malformed request answered ${r.statusCode}`);
    };
    await Promise.all(agents.map(async (agent) => {
      for (;;) {
        const i = next++;
        if (i >= TOTAL) return;
        if (i === Math.floor(TOTAL / 3)) { gc(); heapMid = process.memoryUsage().heapUsed; }
        await one(agent, i);
      }
    }));
    gc();
    const heapEnd = process.memoryUsage().heapUsed;
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(`load: ${answered} answers ${JSON.stringify(Object.fromEntries(statuses))}, heap after GC ${(heapMid / 2 ** 20).toFixed(0)} → ${(heapEnd / 2 ** 20).toFixed(0)} MiB`);
    assert.equal(answered, TOTAL, 'every request answered');
    assert.equal(noCartId, 0, 'every answer carries X-Cart-id');
    assert.equal(validRefused, 0, 'every valid request accepted');
    assert.ok(heapEnd - heapMid < 64 * 2 ** 20, `heap grew by ${((heapEnd - heapMid) / 2 ** 20).toFixed(0)} MiB between 1/3 and the end`);
    assert.equal((sim.stats() as { requests: number }).requests >= TOTAL, true);
    await Promise.all(agents.map((a) => a.close()));
  }
});
