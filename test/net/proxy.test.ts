/**
 * Corporate proxies. Resolution (profile > https_proxy > HTTPS_PROXY, NO_PROXY, loopback) as pure
 * functions; then the real client through a local CONNECT proxy that counts tunnels, to a stand-in gateway with
 * mutual TLS that keeps RT's real stage host name (the proxy maps it to 127.0.0.1: nothing leaves the machine).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestCa, issueTestCert, type IssuedCert } from '../../support/pki/testPki.ts';
import { maskProxyUrl, noProxyMatches, parseProxyUrl, resolveProxy } from '../../support/net/proxy.ts';
import { GatewayClient } from '../../support/request/http.ts';
import { UserError } from '../../support/errors.ts';
import { RT_STAGE_BASE_URL } from '../../support/config/profile.ts';
import { startConnectProxy, startStandInGateway, notFound404, type StandInGateway } from './standins.ts';

const STAGE = new URL(RT_STAGE_BASE_URL);
const CN_A = 'A1#09007654321012REFHARNESS048017';

test('resolution: profile overrides the environment; https_proxy before HTTPS_PROXY; "none" means direct', () => {
  const env = { HTTPS_PROXY: 'http://upper.example:3128', https_proxy: 'http://lower.example:8080' };
  assert.equal(resolveProxy(STAGE, { env })!.display, 'http://lower.example:8080');
  assert.equal(resolveProxy(STAGE, { env })!.source, 'https_proxy');
  assert.equal(resolveProxy(STAGE, { env: { HTTPS_PROXY: 'upper.example:3128' } })!.display, 'http://upper.example:3128', 'no scheme means http://');
  assert.equal(resolveProxy(STAGE, { env: {} }), null);
  assert.equal(resolveProxy(STAGE, { env, profileProxy: 'http://prof.example:9000' })!.display, 'http://prof.example:9000');
  assert.equal(resolveProxy(STAGE, { env, profileProxy: 'none' }), null);
  assert.equal(resolveProxy(STAGE, { env: { HTTPS_PROXY: 'http://p.example' } })!.port, 80);
});

test('resolution: NO_PROXY (exact, domain suffix, leading dot, *, host:port, IP, CIDR) and loopback', () => {
  const p = (no: string, url = RT_STAGE_BASE_URL) => resolveProxy(new URL(url), { env: { HTTPS_PROXY: 'http://p.example:3128', NO_PROXY: no } });
  assert.equal(p('regione.toscana.it'), null, 'a domain covers its subdomains');
  assert.equal(p('.toscana.it'), null);
  assert.equal(p('*.regione.toscana.it'), null);
  assert.equal(p('fse20gwstage.regione.toscana.it:443'), null);
  assert.notEqual(p('fse20gwstage.regione.toscana.it:8443'), null, 'another port does not match');
  assert.notEqual(p('other.it, gwstage.regione.toscana.it'), null, 'no partial label match');
  assert.equal(p('*'), null);
  assert.equal(p('10.0.0.0/8', 'https://10.1.2.3/gateway/v2/'), null);
  assert.notEqual(p('10.0.0.0/8', 'https://11.1.2.3/gateway/v2/'), null);
  assert.equal(p('fd00::/8', 'https://[fd00::1]/gateway/v2/'), null);
  assert.equal(resolveProxy(STAGE, { env: { HTTPS_PROXY: 'http://p.example:3128', no_proxy: 'toscana.it', NO_PROXY: '' } }), null, 'no_proxy is read first');
  // loopback targets never use an environment proxy; an explicit profile proxy is used
  assert.equal(resolveProxy(new URL('https://127.0.0.1:8443/gateway/v2/'), { env: { HTTPS_PROXY: 'http://p.example:3128' } }), null);
  assert.equal(resolveProxy(new URL('https://localhost:8443/gateway/v2/'), { env: { HTTPS_PROXY: 'http://p.example:3128' } }), null);
  assert.notEqual(resolveProxy(new URL('https://127.0.0.1:8443/gateway/v2/'), { profileProxy: 'http://127.0.0.1:3128' }), null);
  assert.equal(noProxyMatches('FSE20GWSTAGE.regione.toscana.it.', 443, 'regione.toscana.it'), true, 'case and trailing dot');
});

test('credentials: Proxy-Authorization Basic, never in the printable form; bad settings are one clear UserError', () => {
  const c = parseProxyUrl('http://mario%40corp:s3cr%3At@proxy.corp.example:3128', 'HTTPS_PROXY');
  assert.equal(c.display, 'http://proxy.corp.example:3128');
  assert.equal(c.authorization, `Basic ${Buffer.from('mario@corp:s3cr:t').toString('base64')}`);
  assert.ok(!JSON.stringify({ display: c.display, origin: c.origin }).includes('s3cr'));
  assert.equal(maskProxyUrl('http://u:secret@h:1'), 'http://***@h:1');
  for (const bad of ['socks5://u:secret@h:1080', 'http://u:secret@h:1/path', 'http://u:secret@']) {
    assert.throws(() => parseProxyUrl(bad, 'HTTPS_PROXY'), (e: unknown) => e instanceof UserError && e.code === 'PROXY_INVALID' && !e.message.includes('secret') && /HTTPS_PROXY/.test(e.message));
  }
});

// ---- through a real tunnel ---------------------------------------------------------------------------------

let ca: IssuedCert;
let client: IssuedCert;
let gw: StandInGateway;

before(async () => {
  ca = await createTestCa();
  client = await issueTestCert(ca, { cn: CN_A, profile: 'auth' });
  // the stand-in presents a certificate for RT's stage host name: the TLS name check runs as on stage
  const srv = await issueTestCert(ca, { cn: STAGE.hostname, profile: 'server', san: [{ type: 'dns', value: STAGE.hostname }] });
  gw = await startStandInGateway({ keyPem: srv.keyPem, certPem: srv.certPem, caPem: ca.certPem, handler: (_req, res) => notFound404(res) });
});
after(async () => { await gw?.close(); });

const tls = () => ({ certPem: client.certPem, keyPem: client.keyPem, caPem: ca.certPem });
const DELETE = { method: 'DELETE' as const, path: 'documents/2.16.840.1.113883.2.9.2.90.4.4%5E07654321012.LAB.999.PROBE', headers: { accept: 'application/json' } };

test('HTTPS_PROXY with credentials: CONNECT tunnel, mutual TLS end to end, exact bytes unchanged, secrets nowhere', async () => {
  const proxy = await startConnectProxy({ auth: 'mario:s3cret', to: () => gw.port });
  const cfg = resolveProxy(STAGE, { env: { HTTPS_PROXY: `http://mario:s3cret@127.0.0.1:${proxy.port}` } });
  assert.ok(cfg);
  const c = new GatewayClient(RT_STAGE_BASE_URL, tls(), { timeoutMs: 5000, proxy: cfg });
  try {
    const before = gw.requests.length;
    const r1 = await c.send(DELETE);
    const r2 = await c.send(DELETE);
    assert.equal(r1.status, 404, JSON.stringify(r1.error));
    assert.equal(r2.status, 404);
    assert.equal(proxy.tunnels, 1, 'one tunnel, kept alive for both calls');
    assert.equal(proxy.seen[0]!.target, 'fse20gwstage.regione.toscana.it:443', 'the proxy is asked for the stage host (it resolves the name)');
    assert.equal(proxy.seen[0]!.headers['proxy-authorization'], `Basic ${Buffer.from('mario:s3cret').toString('base64')}`);
    assert.equal(gw.requests.length - before, 2);
    assert.equal(gw.requests.at(-1)!.clientCn, CN_A, 'the gateway saw the client certificate: mutual TLS inside the tunnel');
    const req = r1.requestBytes.toString('latin1');
    assert.match(req, /^DELETE \/gateway\/v2\/documents\/2\.16\.840\.1\.113883\.2\.9\.2\.90\.4\.4%5E07654321012\.LAB\.999\.PROBE HTTP\/1\.1\r\n/, 'capture = TLS plaintext (the request line to the gateway, not CONNECT)');
    assert.match(req, /\r\nhost: fse20gwstage\.regione\.toscana\.it\r\n/i);
    assert.ok(!/proxy-authorization|s3cret|^CONNECT /im.test(req), `neither the CONNECT nor the proxy credentials are in the evidence: ${req}`);
    assert.match(r1.responseBytes!.toString('latin1'), /^HTTP\/1\.1 404 /);
    assert.match(r1.headers['x-cart-id'] ?? '', /^[0-9a-f-]{36}$/);
  } finally {
    await c.close();
    await proxy.close();
  }
});

for (const [label, o, re] of [
  ['407 (no credentials)', { auth: 'mario:s3cret' }, /proxy http:\/\/127\.0\.0\.1:\d+ \(from the profile\) requires authentication \(407/],
  ['407 (wrong credentials)', { auth: 'mario:other' }, /refused the credentials .* \(407/],
  ['403', { refuse: 403 }, /refused the tunnel to fse20gwstage\.regione\.toscana\.it:443 \(403 Forbidden\)/],
  ['502', { refuse: 502 }, /could not reach fse20gwstage\.regione\.toscana\.it:443 \(502 from the proxy\)/],
] as const) {
  test(`a proxy that refuses the tunnel (${label}): its own message naming the proxy, no gateway request, no secret`, async () => {
    const proxy = await startConnectProxy({ ...o, to: () => gw.port });
    const withCreds = label === '407 (wrong credentials)' || label === '403' || label === '502';
    const cfg = resolveProxy(STAGE, { profileProxy: `http://${withCreds ? 'mario:s3cret@' : ''}127.0.0.1:${proxy.port}` });
    const c = new GatewayClient(RT_STAGE_BASE_URL, tls(), { timeoutMs: 5000, proxy: cfg });
    const before = gw.requests.length;
    try {
      const r = await c.send(DELETE);
      assert.equal(r.status, undefined);
      assert.equal(r.error?.cause, 'proxy', JSON.stringify(r.error));
      assert.match(r.error!.message, re);
      assert.ok(!r.error!.message.includes('s3cret'), 'credentials never in the message');
      assert.equal(r.requestBytes.length, 0, 'nothing sent to the gateway');
      assert.equal(proxy.tunnels, 0);
      assert.equal(gw.requests.length, before);
    } finally {
      await c.close();
      await proxy.close();
    }
  });
}

test('an unreachable proxy: a message naming the proxy', async () => {
  const proxy = await startConnectProxy({ to: () => gw.port });
  const port = proxy.port;
  await proxy.close();
  const c = new GatewayClient(RT_STAGE_BASE_URL, tls(), { timeoutMs: 3000, proxy: resolveProxy(STAGE, { profileProxy: `http://127.0.0.1:${port}` }) });
  try {
    const r = await c.send(DELETE);
    assert.equal(r.error?.cause, 'proxy', JSON.stringify(r.error));
    assert.match(r.error!.message, new RegExp(`cannot reach the proxy http://127\\.0\\.0\\.1:${port}`));
  } finally {
    await c.close();
  }
});
