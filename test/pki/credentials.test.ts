import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { makePkiFixture, baseProfile, type PkiFixture } from './fixtures.ts';
import { loadCredentials } from '../../support/pki/credentials.ts';
import { createTestCa, issueTestCert, toP12, type IssuedCert, type IssueOptions } from '../../support/pki/testPki.ts';
import { UserError } from '../../support/errors.ts';
import type { CertificateSource, Profile } from '../../support/types.ts';
import * as x509 from '../../support/pki/x509.ts';

const CN_A = 'A1#09007654321012REFHARNESS048017';
const CN_S = 'S1#09007654321012REFHARNESS048017';
const PASS = 'correct horse battery staple';

let fx: PkiFixture;
let ca: IssuedCert;
let counter = 0;

before(async () => {
  fx = await makePkiFixture();
  ca = await createTestCa();
});
after(() => fx?.cleanup());

function profileWith(authentication: CertificateSource, signature?: CertificateSource, mode: 'separate' | 'single' = 'separate'): Profile {
  return { ...baseProfile(), certificates: { mode, authentication, ...(signature ? { signature } : {}) } };
}

/** Issues a certificate and writes cert + key PEM into the fixture folder. */
async function issue(o: IssueOptions): Promise<{ cert: string; key: string; issued: IssuedCert }> {
  const issued = await issueTestCert(ca, o);
  const n = ++counter;
  return { cert: fx.write(`c${n}.pem`, issued.certPem), key: fx.write(`c${n}.key`, issued.keyPem), issued };
}

const pemAuth = (): CertificateSource => ({ cert: fx.pki.files.auth, key: fx.pki.files.authKey });
const pemSign = (): CertificateSource => ({ cert: fx.pki.files.sign, key: fx.pki.files.signKey });

/** Asserts a UserError whose message matches every pattern. */
async function rejectsWith(p: Promise<unknown>, ...patterns: RegExp[]): Promise<UserError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    for (const re of patterns) assert.match(err.message, re);
    return err;
  }
  assert.fail('expected loadCredentials to throw');
}

test('PEM files, separate mode: loads both certificates', async () => {
  const c = await loadCredentials(profileWith(pemAuth(), pemSign()), { baseDir: fx.dir, env: {} });
  assert.equal(c.mode, 'separate');
  assert.equal(c.auth.cn, CN_A);
  assert.equal(c.sign.cn, CN_S);
  assert.deepEqual(c.warnings, []);
  assert.match(c.sign.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  // key material really belongs to the certificate
  assert.equal(new X509Certificate(c.sign.certDer).checkPrivateKey(createPrivateKey(c.sign.keyPem)), true);
  assert.equal(new X509Certificate(c.auth.certPem).checkPrivateKey(createPrivateKey({ key: Buffer.from(c.auth.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' })), true);
  assert.ok(c.sign.notAfter.getTime() > Date.now());
  assert.ok(c.sign.notBefore.getTime() <= Date.now());
});

test('relative paths resolve from baseDir', async () => {
  const c = await loadCredentials(profileWith({ cert: 'pki/auth.pem', key: 'pki/auth.key' }, { cert: 'pki/sign.pem', key: 'pki/sign.key' }), { baseDir: fx.dir, env: {} });
  assert.equal(c.sign.cn, CN_S);
});

test('PKCS#12 files with passphrase from env: loads key, leaf and chain', async () => {
  const c = await loadCredentials(
    profileWith({ p12: fx.pki.files.authP12, passphraseEnv: 'AUTH_PASS' }, { p12: fx.pki.files.signP12, passphraseEnv: 'SIGN_PASS' }),
    { baseDir: fx.dir, env: { AUTH_PASS: PASS, SIGN_PASS: PASS } },
  );
  assert.equal(c.auth.cn, CN_A);
  assert.equal(c.sign.cn, CN_S);
  assert.equal(c.sign.chainDer.length, 1, 'the CA travels in the p12');
  assert.match(new X509Certificate(c.sign.chainDer[0]!).subject, /CA Ministero della Salute Test/);
  assert.deepEqual(Buffer.from(c.sign.certDer), new X509Certificate(readFileSync(fx.pki.files.sign)).raw);
});

test('single mode: one certificate for both, either prefix accepted', async () => {
  const c = await loadCredentials(profileWith({ p12: fx.pki.files.authP12, passphraseEnv: 'P' }, undefined, 'single'), { baseDir: fx.dir, env: { P: PASS } });
  assert.equal(c.mode, 'single');
  assert.equal(c.auth, c.sign);
  assert.equal(c.sign.cn, CN_A);
  // A certificate whose CN does not follow the RT rule is accepted in single mode (with a warning).
  const odd = await issue({ cn: 'fse-client.example.it', profile: 'auth', keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation });
  const c2 = await loadCredentials(profileWith({ cert: odd.cert, key: odd.key }, undefined, 'single'), { baseDir: fx.dir, env: {} });
  assert.equal(c2.sign.cn, 'fse-client.example.it');
  assert.ok(c2.warnings?.some((w) => /does not follow/.test(w)));
});

test('no certificates section', async () => {
  await rejectsWith(loadCredentials(baseProfile(), { baseDir: fx.dir }), /no "certificates" section/);
});

test('missing file names the field and the path', async () => {
  await rejectsWith(
    loadCredentials(profileWith({ cert: 'nope/auth.pem', key: fx.pki.files.authKey }, pemSign()), { baseDir: fx.dir, env: {} }),
    /certificates\.authentication\.cert: file not found: .*nope\/auth\.pem/,
  );
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { p12: 'missing.p12' }), { baseDir: fx.dir, env: {} }),
    /certificates\.signature\.p12: file not found/,
  );
});

test('not a certificate (key file, junk file)', async () => {
  await rejectsWith(
    loadCredentials(profileWith({ cert: fx.pki.files.authKey, key: fx.pki.files.authKey }, pemSign()), { baseDir: fx.dir, env: {} }),
    /certificates\.authentication\.cert: .* is not an X\.509 certificate/, /swap the cert and key/,
  );
  const junk = fx.write('junk.pem', 'hello, I am not a certificate\n');
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { cert: junk, key: fx.pki.files.signKey }), { baseDir: fx.dir, env: {} }),
    /certificates\.signature\.cert: .*junk\.pem is not an X\.509 certificate/,
  );
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { p12: junk, passphraseEnv: 'P' }), { baseDir: fx.dir, env: { P: 'x' } }),
    /certificates\.signature\.p12: .* is not a (readable )?PKCS#12/,
  );
});

test('expired certificate (generated with a past validity)', async () => {
  const old = await issue({ cn: CN_S, profile: 'sign', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { cert: old.cert, key: old.key }), { baseDir: fx.dir, env: {} }),
    /certificates\.signature\.cert: the certificate "S1#090[^"]*" .* expired on 2021-01-01/,
  );
  // and a valid certificate seen from the future
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), pemSign()), { baseDir: fx.dir, env: {}, now: new Date(Date.now() + 5 * 365 * 86_400_000) }),
    /certificates\.authentication\.cert: .*expired/,
  );
});

test('certificate not yet valid', async () => {
  const future = await issue({ cn: CN_A, profile: 'auth', notBefore: new Date(Date.now() + 10 * 86_400_000), notAfter: new Date(Date.now() + 400 * 86_400_000) });
  await rejectsWith(
    loadCredentials(profileWith({ cert: future.cert, key: future.key }, pemSign()), { baseDir: fx.dir, env: {} }),
    /certificates\.authentication\.cert: the certificate "A1#090[^"]*" .* is not valid before/,
  );
});

test('key not matching the certificate', async () => {
  await rejectsWith(
    loadCredentials(profileWith({ cert: fx.pki.files.auth, key: fx.pki.files.signKey }, pemSign()), { baseDir: fx.dir, env: {} }),
    /certificates\.authentication\.key \(.*sign\.key\) is not the private key of the certificate certificates\.authentication\.cert \(.*auth\.pem\)/,
  );
  // a p12 whose key does not match its certificate
  const other = await issue({ cn: CN_S, profile: 'sign' });
  const mixed = toP12({ certPem: other.issued.certPem, keyPem: readFileSync(fx.pki.files.signKey, 'utf8') }, [], PASS);
  const p = fx.write('mixed.p12', mixed);
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { p12: p, passphraseEnv: 'P' }), { baseDir: fx.dir, env: { P: PASS } }),
    /certificates\.signature\.p12: .* contains no certificate matching its private key/,
  );
});

test('wrong .p12 passphrase gives a clear message without the secret or a forge stack', async () => {
  const wrong = 'Tr0ub4dor&3-wrong';
  const err = await rejectsWith(
    loadCredentials(profileWith({ p12: fx.pki.files.authP12, passphraseEnv: 'FSE_AUTH_PASS' }, pemSign()), { baseDir: fx.dir, env: { FSE_AUTH_PASS: wrong } }),
    /certificates\.authentication\.p12: wrong passphrase for .*auth\.p12/, /FSE_AUTH_PASS/,
  );
  assert.equal(err.code, 'CRED_WRONG_PASSPHRASE');
  assert.ok(!err.message.includes(wrong), 'the passphrase must not appear in the message');
  assert.ok(!err.message.includes(PASS));
  assert.doesNotMatch(err.message, /MAC|forge|at /);
});

test('p12 protected by a passphrase but no passphraseEnv', async () => {
  await rejectsWith(
    loadCredentials(profileWith({ p12: fx.pki.files.authP12 }, pemSign()), { baseDir: fx.dir, env: {} }),
    /protected by a passphrase, but certificates\.authentication\.passphraseEnv is not set/,
  );
});

test('passphrase environment variable not set', async () => {
  const err = await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { p12: fx.pki.files.signP12, passphraseEnv: 'FSE_SIGN_PASS' }), { baseDir: fx.dir, env: {} }),
    /certificates\.signature\.passphraseEnv names the environment variable FSE_SIGN_PASS, but it is not set/,
  );
  assert.equal(err.code, 'CRED_PASSPHRASE_ENV_MISSING');
});

test('encrypted PEM key: right and wrong passphrase', async () => {
  const key = createPrivateKey(readFileSync(fx.pki.files.signKey));
  const enc = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }).toString();
  const encPath = fx.write('sign-enc.key', enc);
  const ok = await loadCredentials(profileWith(pemAuth(), { cert: fx.pki.files.sign, key: encPath, passphraseEnv: 'K' }), { baseDir: fx.dir, env: { K: PASS } });
  assert.equal(ok.sign.cn, CN_S);
  assert.match(ok.sign.keyPem, /^-----BEGIN PRIVATE KEY-----/, 'decrypted in memory');
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { cert: fx.pki.files.sign, key: encPath, passphraseEnv: 'K' }), { baseDir: fx.dir, env: { K: 'nope' } }),
    /certificates\.signature\.key: wrong passphrase for the encrypted key/,
  );
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { cert: fx.pki.files.sign, key: encPath }), { baseDir: fx.dir, env: {} }),
    /is encrypted, but certificates\.signature\.passphraseEnv is not set/,
  );
});

test('authentication and signature swapped (by CN)', async () => {
  const err = await rejectsWith(
    loadCredentials(profileWith(pemSign(), pemAuth()), { baseDir: fx.dir, env: {} }),
    /authentication and signature certificates are swapped/, /certificates\.authentication\.cert .* holds "S1#/,
  );
  assert.equal(err.code, 'CRED_SWAPPED');
  // only the authentication slot holds an S certificate
  const s2 = await issue({ cn: 'S2#09007654321012REFHARNESS048017', profile: 'sign' });
  await rejectsWith(
    loadCredentials(profileWith({ cert: s2.cert, key: s2.key }, pemSign()), { baseDir: fx.dir, env: {} }),
    /certificates\.authentication\.cert .* holds "S2#.*a signature certificate \(Sn#\)/,
  );
});

test('authentication and signature swapped (by key usages, CNs not telling)', async () => {
  const authLooksSign = await issue({ cn: CN_A, profile: 'sign' });
  const signLooksAuth = await issue({ cn: CN_S, profile: 'auth' });
  await rejectsWith(
    loadCredentials(profileWith({ cert: authLooksSign.cert, key: authLooksSign.key }, { cert: signLooksAuth.cert, key: signLooksAuth.key }), { baseDir: fx.dir, env: {} }),
    /swapped/,
  );
});

test('CN not following the long form (separate mode): a warning by default, an error in strict mode', async () => {
  const bad = await issue({ cn: 'A1#090123REFACME048017', profile: 'auth' });
  const lenient = await loadCredentials(profileWith({ cert: bad.cert, key: bad.key }, pemSign()), { baseDir: fx.dir, env: {} });
  assert.equal(lenient.auth.cn, 'A1#090123REFACME048017');
  assert.ok(lenient.warnings?.some((w) => /certificates\.authentication\.cert: the CN "A1#090123REFACME048017" does not follow Regione Toscana's long form \(.*11-digit partita IVA.*\); accepted/.test(w)), JSON.stringify(lenient.warnings));
  const err = await rejectsWith(
    loadCredentials({ ...profileWith({ cert: bad.cert, key: bad.key }, pemSign()), strictCn: true }, { baseDir: fx.dir, env: {} }),
    /certificates\.authentication\.cert: the CN "A1#090123REFACME048017" .* does not follow Regione Toscana's rule: .*11-digit partita IVA.*strict/,
  );
  assert.equal(err.code, 'CRED_CN_RULE');
  assert.match(err.hint ?? '', /A1#09001386030488REFPIPP0048017/);
  // the --strict-cn flag reaches loadCredentials as FSE_STRICT_CN=1
  await rejectsWith(loadCredentials(profileWith({ cert: bad.cert, key: bad.key }, pemSign()), { baseDir: fx.dir, env: { FSE_STRICT_CN: '1' } }), /strict/);
});

test("RT's short certificate names (S1#111FTGM0000000, RT spec §14): accepted with a warning shown to the user; prefixes still checked", async () => {
  const a = await issue({ cn: 'A1#111FTGM0000000', profile: 'auth' });
  const sgn = await issue({ cn: 'S1#111FTGM0000000', profile: 'sign' });
  const c = await loadCredentials(profileWith({ cert: a.cert, key: a.key }, { cert: sgn.cert, key: sgn.key }), { baseDir: fx.dir, env: {} });
  assert.equal(c.sign.cn, 'S1#111FTGM0000000');
  assert.equal(c.warnings?.filter((w) => /does not follow Regione Toscana's long form/.test(w)).length, 2, JSON.stringify(c.warnings));
  assert.ok(!c.warnings?.some((w) => /partita IVA \d+, the profile/.test(w)), 'no P.IVA comparison against a CN that carries none');
  await rejectsWith(loadCredentials({ ...profileWith({ cert: a.cert, key: a.key }, { cert: sgn.cert, key: sgn.key }), strictCn: true }, { baseDir: fx.dir, env: {} }), /S1#111FTGM0000000|A1#111FTGM0000000/);
  // no role prefix at all: always refused
  const plain = await issue({ cn: 'client.example.it', profile: 'sign' });
  const e1 = await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { cert: plain.cert, key: plain.key }), { baseDir: fx.dir, env: {} }),
    /certificates\.signature\.cert: the CN "client\.example\.it" .* does not start with Sn#/,
  );
  assert.equal(e1.code, 'CRED_CN_PREFIX');
  const plainA = await issue({ cn: 'gateway-client.example.it', profile: 'auth' });
  await rejectsWith(loadCredentials(profileWith({ cert: plainA.cert, key: plainA.key }, pemSign()), { baseDir: fx.dir, env: {} }), /does not start with An#/);
});

test('signature certificate lacking digitalSignature/nonRepudiation', async () => {
  const s = await issue({ cn: CN_S, profile: 'sign', keyUsage: x509.KeyUsageFlags.keyEncipherment });
  const err = await rejectsWith(
    loadCredentials(profileWith(pemAuth(), { cert: s.cert, key: s.key }), { baseDir: fx.dir, env: {} }),
    /certificates\.signature\.cert: the signature certificate "S1#.*lacks the digitalSignature\/nonRepudiation key usage/,
  );
  assert.equal(err.code, 'CRED_NO_SIGNING_USAGE');
});

test('authentication certificate lacking the clientAuth EKU', async () => {
  const a = await issue({ cn: CN_A, profile: 'auth', extKeyUsage: [x509.ExtendedKeyUsage.serverAuth] });
  await rejectsWith(
    loadCredentials(profileWith({ cert: a.cert, key: a.key }, pemSign()), { baseDir: fx.dir, env: {} }),
    /certificates\.authentication\.cert: the authentication certificate "A1#.*cannot be used for TLS client authentication.*1\.3\.6\.1\.5\.5\.7\.3\.1.*clientAuth/,
  );
  const noEku = await issue({ cn: CN_A, profile: 'auth', extKeyUsage: null });
  await rejectsWith(
    loadCredentials(profileWith({ cert: noEku.cert, key: noEku.key }, pemSign()), { baseDir: fx.dir, env: {} }),
    /no extended key usage extension, clientAuth .* is required/,
  );
});

test('same certificate twice in separate mode', async () => {
  await rejectsWith(
    loadCredentials(profileWith(pemAuth(), pemAuth()), { baseDir: fx.dir, env: {} }),
    /same certificate/, /"separate"/,
  );
});

test('single mode: a certificate whose EKU excludes clientAuth is refused; no EKU is accepted with a warning', async () => {
  const srv = await issue({ cn: CN_A, profile: 'auth', extKeyUsage: [x509.ExtendedKeyUsage.serverAuth] });
  await rejectsWith(
    loadCredentials(profileWith({ cert: srv.cert, key: srv.key }, undefined, 'single'), { baseDir: fx.dir, env: {} }),
    /certificates\.authentication\.cert: the single \(TLS \+ signature\) certificate .*clientAuth/,
  );
  const noEku = await issue({ cn: CN_A, profile: 'auth', extKeyUsage: null });
  const c = await loadCredentials(profileWith({ cert: noEku.cert, key: noEku.key }, undefined, 'single'), { baseDir: fx.dir, env: {} });
  assert.ok(c.warnings?.some((w) => /no extended key usage/.test(w)));
});

test('PKCS#12 written by OpenSSL 3 defaults (PBES2/AES-256, SHA-256 MAC) loads too', async (t) => {
  const out = join(fx.dir, 'ossl3.p12');
  const r = spawnSync('openssl', ['pkcs12', '-export', '-in', fx.pki.files.sign, '-inkey', fx.pki.files.signKey, '-certfile', fx.pki.files.ca, '-out', out, '-passout', 'env:OSSL_P12_PASS'], { env: { ...process.env, OSSL_P12_PASS: PASS }, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    t.skip(`openssl not usable here: ${r.error?.message ?? r.stderr}`);
    return;
  }
  const c = await loadCredentials(profileWith(pemAuth(), { p12: out, passphraseEnv: 'P' }), { baseDir: fx.dir, env: { P: PASS } });
  assert.equal(c.sign.cn, CN_S);
  assert.equal(c.sign.chainDer.length, 1);
  await rejectsWith(loadCredentials(profileWith(pemAuth(), { p12: out, passphraseEnv: 'P' }), { baseDir: fx.dir, env: { P: 'bad' } }), /wrong passphrase/);
});
