import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { foreignKeyPem } from '../../support/pki/testPki.ts';
import { createSecureContext } from 'node:tls';
import { makePkiFixture, type PkiFixture } from './fixtures.ts';
import * as x509 from '../../support/pki/x509.ts';

let fx: PkiFixture;
before(async () => { fx = await makePkiFixture(); });
after(() => fx?.cleanup());

test('writes every file, keys with mode 0600', () => {
  const f = fx.pki.files;
  for (const k of ['caKey', 'authKey', 'signKey', 'serverKey', 'authP12', 'signP12'] as const) {
    assert.equal(statSync(f[k]).mode & 0o777, 0o600, k);
  }
  for (const k of ['ca', 'auth', 'sign', 'server'] as const) {
    assert.match(readFileSync(f[k], 'utf8'), /^-----BEGIN CERTIFICATE-----/, k);
  }
  for (const k of ['caKey', 'authKey', 'signKey', 'serverKey'] as const) {
    assert.match(readFileSync(f[k], 'utf8'), /^-----BEGIN PRIVATE KEY-----/, k);
  }
});

test('CNs follow the RT rule and certificates chain to the CA', () => {
  assert.equal(fx.pki.authCn, 'A1#09007654321012REFHARNESS048017');
  assert.equal(fx.pki.signCn, 'S1#09007654321012REFHARNESS048017');
  const ca = new X509Certificate(readFileSync(fx.pki.files.ca));
  assert.equal(ca.ca, true);
  assert.match(ca.subject, /CN=CA Ministero della Salute Test \(harness\)/);
  for (const k of ['auth', 'sign', 'server'] as const) {
    const c = new X509Certificate(readFileSync(fx.pki.files[k]));
    assert.equal(c.verify(ca.publicKey), true, k);
    assert.equal(c.checkIssued(ca), true, k);
    assert.equal(c.ca, false, k);
  }
  assert.match(new X509Certificate(readFileSync(fx.pki.files.auth)).subject, /CN=A1#090/);
});

test('extensions: auth clientAuth + digitalSignature/keyEncipherment, sign digitalSignature/nonRepudiation, server SAN + serverAuth', () => {
  const auth = new x509.X509Certificate(readFileSync(fx.pki.files.auth));
  const sign = new x509.X509Certificate(readFileSync(fx.pki.files.sign));
  const server = new x509.X509Certificate(readFileSync(fx.pki.files.server));
  const F = x509.KeyUsageFlags;
  assert.equal(auth.getExtension(x509.KeyUsagesExtension)!.usages, F.digitalSignature | F.keyEncipherment);
  assert.deepEqual([...auth.getExtension(x509.ExtendedKeyUsageExtension)!.usages], ['1.3.6.1.5.5.7.3.2']);
  assert.equal(sign.getExtension(x509.KeyUsagesExtension)!.usages, F.digitalSignature | F.nonRepudiation);
  assert.deepEqual([...server.getExtension(x509.ExtendedKeyUsageExtension)!.usages], ['1.3.6.1.5.5.7.3.1']);
  const san = new X509Certificate(readFileSync(fx.pki.files.server)).subjectAltName ?? '';
  assert.match(san, /DNS:localhost/);
  assert.match(san, /IP Address:127\.0\.0\.1/);
  assert.equal(new X509Certificate(readFileSync(fx.pki.files.auth)).publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.match(new X509Certificate(readFileSync(fx.pki.files.sign)).toLegacyObject().subject.CN as string, /^S1#/);
});

test('p12 files open with the passphrase in Node TLS and not without', () => {
  const pfx = readFileSync(fx.pki.files.authP12);
  assert.doesNotThrow(() => createSecureContext({ pfx, passphrase: fx.pki.passphrase }));
  assert.throws(() => createSecureContext({ pfx, passphrase: 'wrong' }));
});

test('the foreign key: generated once into the PKI directory (0600), then read back; it matches no certificate of the PKI', () => {
  const dir = fx.pki.dir;
  const first = foreignKeyPem(dir);
  const file = `${dir}/foreign.key`;
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(readFileSync(file, 'utf8'), first);
  assert.equal(foreignKeyPem(dir), first, 'a second call reads the same key');
  const key = createPrivateKey(first);
  assert.equal(key.asymmetricKeyType, 'rsa');
  assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
  const pub = createPublicKey(key).export({ format: 'der', type: 'spki' });
  for (const k of ['ca', 'auth', 'sign', 'server'] as const) {
    const certKey = new X509Certificate(readFileSync(fx.pki.files[k])).publicKey.export({ format: 'der', type: 'spki' });
    assert.notDeepEqual(pub, certKey, k);
  }
});
