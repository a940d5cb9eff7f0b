/**
 * Robustness: a few thousand malformed requests (random bytes, truncated multipart, garbage tokens, huge headers,
 * random JSON) with bounded concurrency against two simulators (border on and off): the server must keep
 * answering, always with X-Cart-id, a 5xx only where the reference answers one (its generic-error body: a multipart
 * Tomcat cannot parse, a file that starts with %PDF and is not one — docs/gateway-conditions.md family G), never a
 * simulator crash, and RSS growth must stay bounded.
 * Then 50 concurrent clients (50 separate TLS connections) are all served.
 */
import assert from 'node:assert/strict';
import { request, type Agent } from 'undici';
import type { RunningSimulator } from '../../simulator/server.ts';
import { buildMultipart } from '../../support/request/multipart.ts';
import { getPki, mtlsAgent, send, sendMultipart, simTest, useSimulator, validCreate } from './helpers.ts';

const N = Number(process.env.SIM_FUZZ_N ?? 3000);
const CONCURRENCY = 24;

let simA: RunningSimulator;
let simB: RunningSimulator;
let client: Agent;

useSimulator({}, (s) => ({ sim: simA, client } = s));
useSimulator({ switches: { border: false } }, (s) => { simB = s.sim; });

/** Small deterministic PRNG (mulberry32) so failures are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

simTest(`fuzz: ${N} malformed requests, bounded concurrency ${CONCURRENCY}`, async () => {
  const rnd = prng(20260101);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const bytes = (n: number): Buffer => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256); return b; };
  const valid = await validCreate();
  const validMp = buildMultipart({ requestBody: valid.requestBody, file: { bytes: valid.file!, filename: 'doc.pdf' } });
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const garbageTokens = [
    'garbage', '', 'a.b', 'a.b.c', `${b64('{"alg":"RS256"}')}.${b64('{}')}.x`, `x.${b64('null')}.y`, `x.${b64('[1,2]')}.y`,
    `x.${b64('{"patient_consent":7}')}.y`, `x.${b64('{"exp":"soon"}')}.y`, `Bearer ${'A'.repeat(3000)}`, '....', `x.%%%%.y`,
    `${b64('{"alg":"RS256","x5c":["' + 'QUJD'.repeat(100) + '"]}')}.${b64('{}')}.${b64('sig')}`, valid.signature!.slice(0, 200),
  ];
  const paths = [
    '/gateway/v2/documents/validate-and-create', '/gateway/v2/documents/a%5Eb', '/gateway/v2/documents/a%5Eb/metadata',
    '/gateway/v1/documents/validation', '/gateway/v2/documents/%00%ff%5E', '/gateway/v2/documents/' + 'x'.repeat(1500),
    '/gateway/v2/../../etc/passwd', '/gateway/v2/documents/validate-and-create?x=' + 'y'.repeat(500),
  ];
  const methods = ['POST', 'PUT', 'DELETE', 'GET', 'PATCH'] as const;
  const statuses: Record<string, number> = {};
  let rejected = 0;
  let unexpected500 = 0;
  const rssStart = process.memoryUsage().rss;
  let rssAfterWarmup = rssStart;
  const slowest: Record<number, number> = {};

  const one = async (i: number): Promise<void> => {
    const sim = rnd() < 0.5 ? simA : simB;
    const kind = Math.floor(rnd() * 7);
    const headers: Record<string, string> = {};
    let body: Buffer | string | undefined;
    let path = pick(paths);
    let method: string = pick(methods);
    switch (kind) {
      case 0: // random bytes, random content type
        body = bytes(Math.floor(rnd() * 4096));
        headers['content-type'] = pick(['multipart/form-data; boundary=zz', 'application/json', 'application/pdf', 'text/plain', 'multipart/form-data']);
        break;
      case 1: { // truncated multipart
        const cut = Math.floor(rnd() * validMp.body.length);
        body = validMp.body.subarray(0, cut);
        headers['content-type'] = validMp.contentType;
        path = '/gateway/v2/documents/validate-and-create'; method = 'POST';
        break;
      }
      case 2: // garbage tokens on a valid multipart
        body = validMp.body;
        headers['content-type'] = validMp.contentType;
        headers.authorization = `Bearer ${pick(garbageTokens)}`;
        headers['fse-jwt-signature'] = pick(garbageTokens);
        path = '/gateway/v2/documents/validate-and-create'; method = 'POST';
        break;
      case 3: // huge header
        headers['x-big'] = 'h'.repeat(17_000 + Math.floor(rnd() * 20_000));
        break;
      case 4: { // random JSON on metadata
        const junk = ['{', '[]', 'null', '{"tipoDocumentoLivAlto":{}}', '{"__proto__":{"x":1}}', JSON.stringify({ a: bytes(20).toString('latin1') }), '{"tipoDocumentoLivAlto":"REF","descriptions":[1,2,null]}'];
        body = pick(junk);
        headers['content-type'] = pick(['application/json', 'application/json; charset=utf-8', 'application/problem+json']);
        headers['fse-jwt-signature'] = pick(garbageTokens);
        path = '/gateway/v2/documents/a%5Eb/metadata'; method = 'PUT';
        break;
      }
      case 5: { // multipart with odd parts
        const mp = buildMultipart({ requestBody: pick(['{}', '{"mode":"X"}', 'x', valid.requestBody!, '']), file: rnd() < 0.7 ? { bytes: rnd() < 0.5 ? bytes(300) : Buffer.concat([Buffer.from('%PDF-1.7\n'), bytes(500)]), filename: 'a.pdf' } : null });
        body = mp.body;
        headers['content-type'] = mp.contentType;
        headers['fse-jwt-signature'] = valid.signature!;
        headers.authorization = `Bearer ${valid.bearer!}`;
        path = pick(['/gateway/v2/documents/validate-and-create', '/gateway/v2/documents/a%5Eb', '/gateway/v1/documents/validation']);
        method = path.endsWith('create') || path.endsWith('validation') ? 'POST' : 'PUT';
        break;
      }
      default: // wrong boundary / headers only
        body = validMp.body;
        headers['content-type'] = 'multipart/form-data; boundary=not-the-right-one';
        break;
    }
    const t0 = Date.now();
    try {
      const a = await send(client, sim, { method: method as 'POST', path, headers, body: method === 'GET' ? undefined : body, check: false });
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      assert.match(String(a.headers['x-cart-id']), /^[0-9a-f-]{36}$/, `X-Cart-id on ${a.status} (${kind} ${method} ${path.slice(0, 60)})`);
      // A 5xx is legitimate only with the reference's generic-error body (family G); anything else is a crash.
      if (a.status >= 500 && !(a.json && a.json.type === '/msg/generic-error' && a.json.instance === '' && typeof a.json.traceID === 'string')) {
        unexpected500++;
        if (unexpected500 <= 3) console.log(`unexpected ${a.status} (kind ${kind} ${method} ${path.slice(0, 60)}): ${a.text.slice(0, 300)}`);
      }
    } catch (e) {
      if ((e as Error).name === 'AssertionError') throw e;
      rejected++;
      if (kind !== 3) throw new Error(`request ${i} (kind ${kind}) failed at transport level: ${(e as Error).message}`);
    }
    const dt = Date.now() - t0;
    slowest[kind] = Math.max(slowest[kind] ?? 0, dt);
    if (i === 300) rssAfterWarmup = process.memoryUsage().rss;
  };

  let next = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      await one(i);
    }
  });
  await Promise.all(workers);
  const rssEnd = process.memoryUsage().rss;
  const growthMb = (rssEnd - rssAfterWarmup) / 1024 / 1024;
  console.log(`fuzz statuses ${JSON.stringify(statuses)}; transport rejections (huge headers only) ${rejected}; RSS ${Math.round(rssStart / 1048576)} → ${Math.round(rssAfterWarmup / 1048576)} (after warm-up) → ${Math.round(rssEnd / 1048576)} MiB; slowest ms by kind ${JSON.stringify(slowest)}`);
  assert.equal(unexpected500, 0, 'no 5xx from malformed input other than the reference\'s generic-error 500s');
  assert.ok(growthMb < 200, `RSS growth after warm-up ${growthMb.toFixed(1)} MiB`);
  // still serving correctly
  const ok = await sendMultipart(client, simA, 'POST', '/gateway/v2/documents/validate-and-create', await validCreate());
  assert.equal(ok.status, 202, ok.text);
});

simTest('50 concurrent clients (separate TLS connections) are all served', async () => {
  const pki = await getPki();
  const agents = Array.from({ length: 50 }, () => mtlsAgent(pki, pki.auth, { connections: 1 }));
  try {
    const reqs = await Promise.all(agents.map(() => validCreate()));
    const t0 = Date.now();
    const answers = await Promise.all(agents.map((ag, i) => sendMultipart(ag, simA, 'POST', '/gateway/v2/documents/validate-and-create', reqs[i]!)));
    const ms = Date.now() - t0;
    console.log(`50 concurrent validate-and-create (no catalogs) in ${ms} ms`);
    for (const a of answers) assert.equal(a.status, 202, a.text);
    const ids = new Set(answers.map((a) => a.headers['x-cart-id']));
    assert.equal(ids.size, 50, 'X-Cart-id unique per response');
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
});

simTest('raw socket garbage (not HTTP at all) gets a CART 400 with X-Cart-id', async () => {
  const pki = await getPki();
  const tls = await import('node:tls');
  const text = await new Promise<string>((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: simA.port, ca: pki.caPem, cert: pki.auth.certPem, key: pki.auth.keyPem, servername: 'localhost' }, () => {
      s.write('\x00\x01\x02 NOT HTTP\r\n\r\n');
    });
    let buf = '';
    s.setTimeout(5000, () => { s.destroy(); reject(new Error('timeout')); });
    s.on('data', (d: Buffer) => { buf += d.toString('latin1'); });
    s.on('end', () => resolve(buf));
    s.on('close', () => resolve(buf));
    s.on('error', reject);
  });
  assert.match(text, /^HTTP\/1\.1 400 /);
  assert.match(text, /\r\nX-Cart-id: [0-9a-f-]{36}\r\n/);
});

void request;
