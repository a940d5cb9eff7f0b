/**
 * A table of user mistakes. Each gives ONE clear UserError from Session.open, and no connection is
 * ever opened to the gateway (a local TLS server standing in for stage counts connections: it must see none).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../support/harness/session.ts';
import { UserError } from '../../support/errors.ts';
import { createTestCa, issueTestCert, toP12, type IssuedCert } from '../../support/pki/testPki.ts';
import { buildRtCn } from '../../support/pki/cn.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';

let dir: string;
let server: Server;
let connections = 0;
let port = 0;
let ca: IssuedCert;
const base = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8')) as Record<string, unknown>;
const PIVA = '07654321012';
const cn = (k: 'A' | 'S') => buildRtCn(k, 1, PIVA, 'REF', 'HARNESS', '048017');
const DAY = 86_400_000;

function write(name: string, data: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}
async function leaf(name: string, kind: 'auth' | 'sign', o: { cn?: string; notBefore?: Date; notAfter?: Date } = {}): Promise<{ cert: string; key: string; issued: IssuedCert }> {
  const issued = await issueTestCert(ca, { cn: o.cn ?? cn(kind === 'auth' ? 'A' : 'S'), profile: kind, notBefore: o.notBefore, notAfter: o.notAfter });
  return { cert: write(`${name}.pem`, issued.certPem), key: write(`${name}.key`, issued.keyPem), issued };
}
function profile(name: string, patch: Record<string, unknown>): string {
  return write(`${name}.json`, JSON.stringify({ ...base, target: 'stage', baseUrl: `https://127.0.0.1:${port}/gateway/v2/`, ...patch }));
}

let good: { auth: Awaited<ReturnType<typeof leaf>>; sign: Awaited<ReturnType<typeof leaf>> };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-bad-'));
  ca = await createTestCa();
  const srv = await issueTestCert(ca, { cn: '127.0.0.1', profile: 'server', san: [{ type: 'ip', value: '127.0.0.1' }] });
  server = createServer({ key: srv.keyPem, cert: srv.certPem }, (s) => s.end());
  server.on('connection', () => { connections++; });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  good = { auth: await leaf('auth', 'auth'), sign: await leaf('sign', 'sign') };
});
after(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const certs = (a: { cert: string; key?: string; p12?: string; passphraseEnv?: string }, s: { cert?: string; key?: string }) =>
  ({ certificates: { mode: 'separate', authentication: a, signature: s, serverCa: write('ca.pem', ca.certPem) } });

interface Case { name: string; setup: () => Promise<string>; message: RegExp; env?: NodeJS.ProcessEnv }
const cases: Case[] = [
  { name: 'missing certificate file', message: /not found|does not exist|missing/i, setup: async () => profile('p-missing', certs({ cert: join(dir, 'nope.pem'), key: good.auth.key }, { cert: good.sign.cert, key: good.sign.key })) },
  { name: 'expired certificate', message: /expired/i, setup: async () => { const a = await leaf('exp', 'auth', { notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) }); return profile('p-exp', certs({ cert: a.cert, key: a.key }, { cert: good.sign.cert, key: good.sign.key })); } },
  { name: 'not-yet-valid certificate', message: /not (yet )?valid|valid from|before/i, setup: async () => { const s = await leaf('nyv', 'sign', { notBefore: new Date(Date.now() + 5 * DAY), notAfter: new Date(Date.now() + 30 * DAY) }); return profile('p-nyv', certs({ cert: good.auth.cert, key: good.auth.key }, { cert: s.cert, key: s.key })); } },
  { name: 'key not matching the certificate', message: /not the private key of the certificate/i, setup: async () => profile('p-mismatch', certs({ cert: good.auth.cert, key: good.sign.key }, { cert: good.sign.cert, key: good.sign.key })) },
  { name: 'wrong .p12 passphrase', message: /passphrase/i, env: { FSE_TEST_P12: 'the-wrong-one' }, setup: async () => { const p12 = write('auth.p12', toP12(good.auth.issued, [ca.certPem], 'right-passphrase')); return profile('p-p12', certs({ cert: undefined as never, p12, passphraseEnv: 'FSE_TEST_P12' }, { cert: good.sign.cert, key: good.sign.key })); } },
  { name: 'passphrase environment variable not set', message: /FSE_TEST_UNSET/, setup: async () => { const p12 = write('auth2.p12', toP12(good.auth.issued, [ca.certPem], 'x-passphrase')); return profile('p-p12unset', certs({ cert: undefined as never, p12, passphraseEnv: 'FSE_TEST_UNSET' }, { cert: good.sign.cert, key: good.sign.key })); } },
  { name: 'authentication and signature certificates swapped', message: /swap|signature certificate|authentication certificate|S1#|A1#/i, setup: async () => profile('p-swap', certs({ cert: good.sign.cert, key: good.sign.key }, { cert: good.auth.cert, key: good.auth.key })) },
  { name: 'CN not following RT rule (strict CN mode)', message: /CN|rule/i, setup: async () => { const a = await leaf('badcn', 'auth', { cn: 'A1#111#VENDORXX' }); return profile('p-cn', { ...certs({ cert: a.cert, key: a.key }, { cert: good.sign.cert, key: good.sign.key }), strictCn: true }); } },
  { name: 'CN without the An# role prefix', message: /does not start with An#/, setup: async () => { const a = await leaf('noprefix', 'auth', { cn: 'client.example.it' }); return profile('p-noprefix', certs({ cert: a.cert, key: a.key }, { cert: good.sign.cert, key: good.sign.key })); } },
  { name: 'profile with an unknown field', message: /unknownField|not allowed|unknown/i, setup: async () => profile('p-unknown', { ...certs({ cert: good.auth.cert, key: good.auth.key }, { cert: good.sign.cert, key: good.sign.key }), unknownField: 1 }) },
  { name: 'profile with a missing field', message: /codRep/, setup: async () => { const p = JSON.parse(readFileSync(profile('p-tmp', {}), 'utf8')); delete p.codRep; return write('p-missingfield.json', JSON.stringify(p)); } },
  { name: 'wrong CODREP', message: /codRep/, setup: async () => profile('p-codrep', { codRep: '204' }) },
  { name: 'unknown document type', message: /documentTypes|XYZ/, setup: async () => profile('p-type', { documentTypes: ['LAB', 'XYZ'] }) },
  { name: 'production target', message: /production/i, setup: async () => profile('p-prod', { target: 'production' }) },
  { name: 'production URL', message: /production/i, setup: async () => profile('p-produrl', { ...certs({ cert: good.auth.cert, key: good.auth.key }, { cert: good.sign.cert, key: good.sign.key }), baseUrl: 'https://fse20gw.regione.toscana.it/gateway/v2/' }) },
  { name: 'stage without certificates', message: /certificates/i, setup: async () => profile('p-nocert', {}) },
  { name: 'catalogs directory missing', message: /catalog/i, setup: async () => profile('p-cat', { ...certs({ cert: good.auth.cert, key: good.auth.key }, { cert: good.sign.cert, key: good.sign.key }), catalogsDir: join(dir, 'no-such-catalogs') }) },
  { name: 'catalogs directory unreadable (a file, not a directory)', message: /catalog/i, setup: async () => profile('p-cat2', { ...certs({ cert: good.auth.cert, key: good.auth.key }, { cert: good.sign.cert, key: good.sign.key }), catalogsDir: write('not-a-dir', 'x') }) },
  { name: 'catalogs directory without XSD/schematron', message: /catalog/i, setup: async () => { const d = join(dir, 'cat-empty'); mkdirSync(d, { recursive: true }); return profile('p-cat3', { ...certs({ cert: good.auth.cert, key: good.auth.key }, { cert: good.sign.cert, key: good.sign.key }), catalogsDir: d }); } },
];

for (const c of cases) {
  test(`bad input: ${c.name} → one clear message, no connection`, async () => {
    const path = await c.setup();
    const before = connections;
    let err: unknown;
    try {
      const s = await Session.open({ profilePath: path, reportsDir: join(dir, 'reports'), env: { ...process.env, FSE_ALLOWED_HOSTS: '127.0.0.1', FSE_CATALOGS_DIR: '', ...c.env } });
      await s.close();
    } catch (e) { err = e; }
    assert.ok(err instanceof UserError, `expected a UserError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.match(err.message, c.message);
    assert.ok(!/\n\s+at /.test(err.message), 'no stack trace in the message');
    assert.ok(!/right-passphrase|the-wrong-one|x-passphrase/.test(err.message), 'the passphrase never appears in a message');
    assert.equal(connections - before, 0, 'no connection was opened');
  });
}

test('the same certificates work (control case: the table fails for the reasons above, not for the setup)', async () => {
  const s = await Session.open({ profilePath: profile('p-ok', certs({ cert: good.auth.cert, key: good.auth.key }, { cert: good.sign.cert, key: good.sign.key })), reportsDir: join(dir, 'reports'), env: { ...process.env, FSE_ALLOWED_HOSTS: '127.0.0.1', FSE_CATALOGS_DIR: '' } });
  assert.equal(s.credentials.auth.cn, cn('A'));
  // on stage only RT's five test fiscal codes: refused before the call, no connection
  const { prepareDocument } = await import('../../support/harness/document.ts');
  const { performExchange } = await import('../../support/harness/exchange.ts');
  await assert.rejects(prepareDocument({ docType: 'LAB', patientCf: 'RSSMRA80A01H501U', profile: s.profile, sign: s.credentials.sign, runId: s.runId, seq: s.nextSeq() }), (e: unknown) => e instanceof UserError);
  // a document whose patient is not a test CF (e.g. a vendor PDF) is refused by the exchange itself
  const doc = await prepareDocument({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: s.profile, sign: s.credentials.sign, runId: s.runId, seq: s.nextSeq() });
  const before = connections;
  await assert.rejects(performExchange(s, { scenario: 'cf non di test', method: 'validate-and-create', document: { ...doc, patientCf: 'RSSMRA80A01H501U' }, expected: 202 }), (e: unknown) => e instanceof UserError && e.code === 'NON_TEST_CF');
  assert.equal(connections - before, 0, 'no connection for a non-test CF on stage');
  assert.equal(s.ledger.rows().length, 0, 'nothing sent, nothing recorded');
  await s.close();
});
