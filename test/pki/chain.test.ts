/**
 * A client certificate issued by an intermediate CA (root → intermediate → leaf, as Sogei's are).
 * A TLS server that trusts ONLY the root and requires a client certificate: with the leaf alone the handshake
 * fails; with the chain the harness builds from the .p12 / PEM bundle it succeeds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, createTestIntermediate, issueTestCert, toP12, type IssuedCert } from '../../support/pki/testPki.ts';
import { loadCredentials } from '../../support/pki/credentials.ts';
import { orderChain } from '../../support/pki/chain.ts';
import { GatewayClient } from '../../support/request/http.ts';
import { baseProfile } from './fixtures.ts';

const CN_A = 'A1#09007654321012REFHARNESS048017';
const CN_S = 'S1#09007654321012REFHARNESS048017';

let dir: string;
let root: IssuedCert;
let inter: IssuedCert;
let auth: IssuedCert;
let sign: IssuedCert;
let stranger: IssuedCert;
let server: Server;
let baseUrl: string;
let handshakesOk = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-chain-'));
  root = await createTestCa({ cn: 'Test Root CA (chain test)', pathLength: 1 });
  inter = await createTestIntermediate(root, { cn: 'Test Intermediate CA (chain test)' });
  auth = await issueTestCert(inter, { cn: CN_A, profile: 'auth' });
  sign = await issueTestCert(inter, { cn: CN_S, profile: 'sign' });
  stranger = await createTestCa({ cn: 'Unrelated CA (chain test)' });
  const srv = await issueTestCert(root, { cn: '127.0.0.1', profile: 'server', san: [{ type: 'ip', value: '127.0.0.1' }] });
  // trusts ONLY the root; a client certificate is mandatory
  server = createServer({ key: srv.keyPem, cert: srv.certPem, ca: root.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    handshakesOk++;
    res.setHeader('x-cart-id', '00000000-0000-4000-8000-000000000000');
    res.end(`hello ${req.method}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  baseUrl = `https://127.0.0.1:${(server.address() as { port: number }).port}/gateway/v2/`;
});
after(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, data: string | Uint8Array) => { const p = join(dir, name); writeFileSync(p, data); return p; };
const count = (pem: string) => (pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
const subjects = (pem: string) => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => /CN=([^\n]+)/.exec(new X509Certificate(p).subject)![1]);

async function call(certPem: string, keyPem: string) {
  const c = new GatewayClient(baseUrl, { certPem, keyPem, caPem: root.certPem }, { timeoutMs: 5000 });
  try {
    return await c.send({ method: 'DELETE', path: 'documents/x', headers: {} });
  } finally {
    await c.close();
  }
}

test('orderChain: leaf → intermediate(s), root recognised and left out, unrelated certificates left out', () => {
  const o = orderChain(auth.certDer, [root.certDer, stranger.certDer, inter.certDer]);
  assert.deepEqual(o.intermediates.map((d) => Buffer.from(d).toString('hex')), [Buffer.from(inter.certDer).toString('hex')]);
  assert.equal(Buffer.from(o.root!).toString('hex'), Buffer.from(root.certDer).toString('hex'));
  assert.equal(o.unrelated.length, 1);
  assert.deepEqual(orderChain(auth.certDer, []).intermediates, []);
});

test('.p12 with root, intermediate and an unrelated CA in any order: the TLS chain is leaf + intermediate', async () => {
  const pass = 'chain-test';
  const authP12 = write('auth.p12', toP12(auth, [root.certPem, stranger.certPem, inter.certPem], pass));
  const signP12 = write('sign.p12', toP12(sign, [inter.certPem, root.certPem], pass));
  const c = await loadCredentials({ ...baseProfile(), certificates: { mode: 'separate', authentication: { p12: authP12, passphraseEnv: 'P' }, signature: { p12: signP12, passphraseEnv: 'P' } } }, { baseDir: dir, env: { P: pass } });
  assert.equal(count(c.auth.tlsCertPem), 2);
  assert.deepEqual(subjects(c.auth.tlsCertPem), [CN_A, 'Test Intermediate CA (chain test)']);
  assert.equal(c.auth.intermediates, 1);
  assert.ok(!/PRIVATE KEY/.test(c.auth.tlsCertPem), 'certificates only');
  assert.ok(c.warnings?.some((w) => /1 certificate\(s\) in .*auth\.p12 are not on the chain/.test(w)), JSON.stringify(c.warnings));

  const onlyLeaf = await call(c.auth.certPem, c.auth.keyPem);
  assert.equal(onlyLeaf.status, undefined, 'the leaf alone: the server (trusting only the root) refuses the handshake');
  assert.ok(onlyLeaf.error && /tls|reset/.test(onlyLeaf.error.cause), JSON.stringify(onlyLeaf.error));
  const before = handshakesOk;
  const withChain = await call(c.auth.tlsCertPem, c.auth.keyPem);
  assert.equal(withChain.status, 200, JSON.stringify(withChain.error));
  assert.equal(handshakesOk - before, 1);
  assert.match(withChain.responseBytes!.toString('latin1'), /hello DELETE/, 'the exact-bytes capture still holds the TLS plaintext');
  assert.match(withChain.requestBytes.toString('latin1'), /^DELETE \/gateway\/v2\/documents\/x HTTP\/1\.1\r\n/);
});

test('PEM bundle (root, leaf, intermediate in one file): the leaf is found by its key and the chain ordered', async () => {
  const bundle = write('auth-bundle.pem', root.certPem + auth.certPem + inter.certPem);
  const c = await loadCredentials({ ...baseProfile(), certificates: { mode: 'separate', authentication: { cert: bundle, key: write('auth.key', auth.keyPem) }, signature: { cert: write('sign.pem', sign.certPem + inter.certPem), key: write('sign.key', sign.keyPem) } } }, { baseDir: dir, env: {} });
  assert.deepEqual(subjects(c.auth.tlsCertPem), [CN_A, 'Test Intermediate CA (chain test)']);
  const r = await call(c.auth.tlsCertPem, c.auth.keyPem);
  assert.equal(r.status, 200, JSON.stringify(r.error));
});
