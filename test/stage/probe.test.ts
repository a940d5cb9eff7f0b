/**
 * The probe, against local stand-ins for each way the road to stage can break. Each case checks the
 * diagnosis code, that the advice exists in Italian and English, and what reached the stand-in gateway.
 * Stage profiles point at 127.0.0.1 with FSE_ALLOWED_HOSTS; nothing leaves the machine.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createTestCa, createTestIntermediate, issueTestCert, toP12, type IssuedCert } from '../../support/pki/testPki.ts';
import { Session } from '../../support/harness/session.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { createProbeDir } from '../../support/evidence/runDir.ts';
import { probeSession, PROBE_SCENARIO } from '../../support/stage/session-probe.ts';
import { renderProbeMd } from '../../support/stage/probeReport.ts';
import { failureStage } from '../../support/harness/classify.ts';
import { runProbe, tlsDiagnosisCode, callDiagnosis, type ProbeReport } from '../../support/stage/probe.ts';
import { startBlackHole, startConnectProxy, startStandInGateway, notFound404, type StandInGateway } from '../net/standins.ts';

const CN_A = 'A1#09007654321012REFHARNESS048017';
const CN_S = 'S1#09007654321012REFHARNESS048017';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const base = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8')) as Record<string, unknown>;

let dir: string;
let root: IssuedCert;
let inter: IssuedCert;
let other: IssuedCert;
let gw: StandInGateway;
let gwOtherCa: StandInGateway;
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => notFound404(r);
const files: Record<string, string> = {};

const write = (name: string, data: string | Uint8Array) => { const p = join(dir, name); writeFileSync(p, data); return p; };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-probe-'));
  root = await createTestCa({ cn: 'Probe Test Root', pathLength: 1 });
  inter = await createTestIntermediate(root, { cn: 'Probe Test Intermediate' });
  other = await createTestCa({ cn: 'Some other CA' });
  const auth = await issueTestCert(inter, { cn: CN_A, profile: 'auth' });
  const sign = await issueTestCert(inter, { cn: CN_S, profile: 'sign' });
  const srv = await issueTestCert(root, { cn: '127.0.0.1', profile: 'server', san: [{ type: 'ip', value: '127.0.0.1' }] });
  files.authP12 = write('auth.p12', toP12(auth, [root.certPem, inter.certPem], 'pw-probe'));
  files.authLeaf = write('auth-leaf.pem', auth.certPem);
  files.authKey = write('auth.key', auth.keyPem);
  files.sign = write('sign.pem', sign.certPem + inter.certPem);
  files.signKey = write('sign.key', sign.keyPem);
  files.root = write('root.pem', root.certPem);
  files.other = write('other.pem', other.certPem);
  // the stand-in trusts ONLY the root: the intermediate must travel with the client certificate
  gw = await startStandInGateway({ keyPem: srv.keyPem, certPem: srv.certPem, caPem: root.certPem, handler: (q, r) => answer(q, r) });
  gwOtherCa = await startStandInGateway({ keyPem: srv.keyPem, certPem: srv.certPem, caPem: other.certPem, handler: (_q, r) => notFound404(r) });
});
after(async () => {
  await gw?.close();
  await gwOtherCa?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Probed { report: ProbeReport; rows: ReturnType<Session['ledger']['rows']>; evidenceDir: string }

async function probe(patch: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<Probed> {
  const profile = write(`p-${randomUUID()}.json`, JSON.stringify({
    ...base,
    target: 'stage',
    baseUrl: gw.url,
    certificates: { mode: 'separate', authentication: { p12: files.authP12, passphraseEnv: 'FSE_TEST_PROBE_PW' }, signature: { cert: files.sign, key: files.signKey }, serverCa: files.root },
    ...patch,
  }));
  const rd = createProbeDir(join(dir, 'reports'), 'probe-test');
  const s = await Session.open({ profilePath: profile, runDir: rd, catalogsDir: '', env: { ...process.env, https_proxy: '', HTTPS_PROXY: '', FSE_TEST_PROBE_PW: 'pw-probe', FSE_ALLOWED_HOSTS: '127.0.0.1,nonexistent.invalid', FSE_TIMEOUT_MS: '3000', FSE_CATALOGS_DIR: '', ...env } });
  try {
    const report = await probeSession(s, () => undefined);
    return { report, rows: s.ledger.rows(), evidenceDir: s.runDir.evidenceDir };
  } finally {
    await s.close();
  }
}

function failedAt(r: ProbeReport): { id: string; code: string; it: string; en: string; todo: string } {
  const st = r.steps.find((x) => x.status === 'fail');
  assert.ok(st?.diagnosis, `expected a failed step with a diagnosis: ${JSON.stringify(r.steps)}`);
  assert.ok(st.diagnosis.it.length > 20 && st.diagnosis.en.length > 20, 'a diagnosis in Italian and English');
  assert.ok(st.diagnosis.todoIt.length > 0 && st.diagnosis.todoEn.length === st.diagnosis.todoIt.length, 'what to do, in both languages');
  assert.equal(r.fatal, true);
  assert.equal(r.ok, false);
  return { id: st.id, code: st.diagnosis.code, it: st.diagnosis.it, en: st.diagnosis.en, todo: [...st.diagnosis.todoIt, ...st.diagnosis.todoEn].join('\n') };
}

test('all good: chain from the .p12, 404 with X-Cart-id, a ledger row for the probe call', async () => {
  answer = (_q, r) => notFound404(r);
  const before = gw.requests.length;
  const { report, rows } = await probe({});
  assert.equal(report.ok, true, JSON.stringify(report.steps, null, 1));
  assert.deepEqual(report.steps.map((s) => `${s.id}:${s.status}`), ['dns:ok', 'tcp:ok', 'tls:ok', 'gateway:ok']);
  assert.match(report.steps[2]!.summary, /1 intermediate\(s\) sent/);
  assert.equal(report.call?.status, 404);
  assert.match(report.call!.xCartId, UUID);
  assert.equal(gw.requests.length - before, 1, 'exactly one gateway call');
  const req = gw.requests.at(-1)!;
  assert.equal(req.method, 'DELETE');
  assert.match(req.url, /^\/gateway\/v2\/documents\/2\.16\.840\.1\.113883\.2\.9\.2\.90\.4\.4%5E07654321012\.[A-Z]+\.999\.SONDA-[A-Za-z0-9]+-INESISTENTE$/);
  assert.match(String(req.headers.authorization), /^Bearer ey/, 'valid tokens are sent');
  assert.match(String(req.headers['fse-jwt-signature']), /^ey/);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.scenario, PROBE_SCENARIO);
  assert.equal(rows[0]!.xCartId, report.call!.xCartId);
  assert.equal(rows[0]!.outcome, 'PASS');
  assert.match(renderProbeMd(report), /Esito \/ result: \*\*OK\*\*/);
});

test('the leaf alone (no intermediate) against the same gateway: refused right after the client certificate', async () => {
  const { report, rows } = await probe({ certificates: { mode: 'separate', authentication: { cert: files.authLeaf, key: files.authKey }, signature: { cert: files.sign, key: files.signKey }, serverCa: files.root } });
  const f = failedAt(report);
  assert.equal(f.id, 'tls');
  assert.equal(f.code, 'TLS_CLIENT_REFUSED');
  assert.match(f.todo, /cartdesk@regione\.toscana\.it/);
  assert.match(f.todo, /Adesione API FSE-2\.0/);
  assert.match(f.it, /0 certificati intermedi inviati/);
  assert.equal(rows.length, 0, 'no gateway call after a failed step');
});

test('a client certificate from a CA the gateway does not know: TLS_CLIENT_REFUSED with the CART enablement advice', async () => {
  const { report } = await probe({ baseUrl: gwOtherCa.url });
  const f = failedAt(report);
  assert.equal(f.code, 'TLS_CLIENT_REFUSED');
  assert.match(f.it, /non è \(o non è ancora\) abilitato da CART/);
  assert.match(f.en, /not \(or not yet\) enabled by CART/);
  assert.equal(gwOtherCa.requests.length, 0);
});

test('a name that does not resolve (.invalid, RFC 6761): the DNS diagnosis, nothing else attempted', async () => {
  const { report, rows } = await probe({ baseUrl: 'https://nonexistent.invalid/gateway/v2/' });
  const f = failedAt(report);
  assert.equal(f.id, 'dns');
  assert.equal(f.code, 'DNS_NOT_RESOLVED');
  assert.match(f.it, /Il nome nonexistent\.invalid non si risolve/);
  assert.deepEqual(report.steps.slice(1).map((s) => s.status), ['skipped', 'skipped', 'skipped']);
  assert.equal(rows.length, 0);
});

test('a DNS server that does not answer (EAI_AGAIN, or no answer in time): the DNS diagnosis too', async () => {
  const never = () => { throw new Error('no call expected'); };
  const input = { baseUrl: 'https://fse20gwstage.regione.toscana.it/gateway/v2/', proxy: null, tls: { certPem: '', keyPem: '' }, authCn: CN_A, signCn: CN_S, intermediates: 0, aud: 'x', timeoutMs: 200, gatewayCall: never };
  const a = await runProbe({ ...input, lookup: async () => { throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }); } });
  assert.equal(failedAt(a).code, 'DNS_FAILED');
  const b = await runProbe({ ...input, lookup: () => new Promise<string[]>(() => undefined) });
  assert.equal(failedAt(b).code, 'DNS_FAILED');
});

test('a black-holed address (accepts, never answers) with a short timeout: TLS_TIMEOUT', async () => {
  const hole = await startBlackHole();
  try {
    const { report } = await probe({ baseUrl: `https://127.0.0.1:${hole.port}/gateway/v2/` }, { FSE_TIMEOUT_MS: '500' });
    const f = failedAt(report);
    assert.equal(f.id, 'tls');
    assert.equal(f.code, 'TLS_TIMEOUT');
    assert.equal(report.steps[1]!.status, 'ok', 'TCP connected');
    assert.ok(hole.accepted >= 1);
  } finally {
    await hole.close();
  }
});

test('a closed port: TCP_REFUSED', async () => {
  const hole = await startBlackHole();
  const port = hole.port;
  await hole.close();
  const { report } = await probe({ baseUrl: `https://127.0.0.1:${port}/gateway/v2/` });
  const f = failedAt(report);
  assert.equal(f.id, 'tcp');
  assert.equal(f.code, 'TCP_REFUSED');
});

test('server certificate not trusted (wrong serverCa): TLS_SERVER_UNTRUSTED naming serverCa', async () => {
  const { report } = await probe({ certificates: { mode: 'separate', authentication: { p12: files.authP12, passphraseEnv: 'FSE_TEST_PROBE_PW' }, signature: { cert: files.sign, key: files.signKey }, serverCa: files.other } });
  const f = failedAt(report);
  assert.equal(f.code, 'TLS_SERVER_UNTRUSTED');
  assert.match(f.todo, /certificates\.serverCa/);
});

const govway = (status: number, name: string) => (_q: IncomingMessage, r: ServerResponse) => {
  r.writeHead(status, { 'content-type': 'application/problem+json', 'x-cart-id': randomUUID(), 'govway-transaction-errortype': name });
  r.end(JSON.stringify({ type: `https://govway.org/handling-errors/${status}/${name}.html`, title: name, status, detail: status === 401 ? 'Invalid token' : 'Unauthorized request content', govway_id: randomUUID() }));
};

test('401 TokenAuthenticationFailed from the border: which token/certificate fields to check', async () => {
  answer = govway(401, 'TokenAuthenticationFailed');
  const { report, rows } = await probe({});
  const f = failedAt(report);
  assert.equal(f.id, 'gateway');
  assert.equal(f.code, 'BORDER_TOKEN_FAILED');
  assert.match(f.todo, /x5c/);
  assert.match(f.todo, /aud/);
  assert.match(f.todo, new RegExp(CN_S.replace(/[#]/g, '\\#')));
  assert.equal(rows.length, 1, 'the refused call has its ledger row');
  assert.match(rows[0]!.xCartId, UUID);
  assert.match(rows[0]!.errorType, /TokenAuthenticationFailed/);
});

test('403 AuthorizationContentDeny from the border: iss and the certificate pair', async () => {
  answer = govway(403, 'AuthorizationContentDeny');
  const { report } = await probe({});
  const f = failedAt(report);
  assert.equal(f.code, 'BORDER_CONTENT_DENY');
  assert.match(f.todo, /integrity:S1#/);
});

test('an HTML 403 page (not from CART): NOT_CART; the ledger gets the page title, the evidence the whole page', async () => {
  const page = '<!DOCTYPE html><html><head><title>403 Forbidden - Web filter</title></head><body><h1>Access denied</h1><p>Category: uncategorised</p></body></html>';
  answer = (_q, r) => { r.writeHead(403, { 'content-type': 'text/html; charset=utf-8' }); r.end(page); };
  const { report, rows, evidenceDir } = await probe({});
  const f = failedAt(report);
  assert.equal(f.code, 'NOT_CART');
  assert.equal(rows[0]!.errorType, 'non-json:text/html');
  assert.equal(rows[0]!.errorDetail, '403 Forbidden - Web filter');
  assert.equal(rows[0]!.xCartId, '');
  assert.equal(failureStage(rows[0]!), 'proxy', 'the report does not blame CART for a page without X-Cart-id');
  assert.ok(readFileSync(join(evidenceDir, rows[0]!.responseFile), 'utf8').includes(page), 'the whole page is in the evidence');
});

test('a proxy that wants credentials (407): the proxy step fails with its own advice, the gateway sees nothing', async () => {
  const proxy = await startConnectProxy({ auth: 'u:p', to: () => gw.port });
  const before = gw.requests.length;
  try {
    const { report } = await probe({ proxy: proxy.url });
    const f = failedAt(report);
    assert.equal(f.id, 'proxy');
    assert.equal(f.code, 'PROXY_AUTH');
    assert.match(f.it, new RegExp(`proxy http://127\\.0\\.0\\.1:${proxy.port}`));
    assert.equal(gw.requests.length, before);
  } finally {
    await proxy.close();
  }
});

test('classification tables: real TLS alert names, CART 5xx as a warning', () => {
  assert.equal(tlsDiagnosisCode({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', message: 'tlsv1 alert unknown ca' }, true), 'TLS_CLIENT_REFUSED');
  assert.equal(tlsDiagnosisCode({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', message: 'sslv3 alert bad certificate' }, false), 'TLS_CLIENT_REFUSED');
  assert.equal(tlsDiagnosisCode({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: '' }, true), 'TLS_CLIENT_REFUSED');
  assert.equal(tlsDiagnosisCode({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: '' }, false), 'TLS_SERVER_UNTRUSTED');
  assert.equal(tlsDiagnosisCode({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: '' }, false), 'TLS_SERVER_NAME');
  assert.equal(tlsDiagnosisCode({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: '' }, false), 'TLS_NOT_TLS');
  const call = { headers: {}, xCartId: randomUUID(), errorType: '', errorDetail: '', requestFile: 'r', responseFile: 's' };
  assert.deepEqual(callDiagnosis({ ...call, status: 503 }), { code: 'CART_UPSTREAM', fatal: false });
  assert.equal(callDiagnosis({ ...call, status: 404 }), undefined);
  assert.deepEqual(callDiagnosis({ ...call, status: 404, xCartId: '' }), { code: 'NOT_CART', fatal: true });
});
