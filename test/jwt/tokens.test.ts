import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { jwtVerify, importX509 } from 'jose';
import { makePkiFixture, baseProfile, type PkiFixture } from '../pki/fixtures.ts';
import { loadCredentials, type Credentials } from '../../support/pki/credentials.ts';
import { buildTokens, decodeJwt, verifyJwtWithX5c, type TokenInput } from '../../support/jwt/tokens.ts';
import { METHOD_CLAIMS } from '../../support/gateway/claims.ts';
import { METHODS, type Method } from '../../support/types.ts';

let fx: PkiFixture;
let creds: Credentials;
const HASH = 'ccd1a23b4a73c838e4dfc2a1948aaec8389ebd331cbaebc1b3144c74fca17da5';
const HL7 = "('11502-2^^2.16.840.1.113883.6.1')";
const PATIENT = 'RMSLSO31M04Z404R';
const NOW = new Date('2026-06-01T10:00:00Z');

before(async () => {
  fx = await makePkiFixture();
  const profile = { ...baseProfile(), certificates: { mode: 'separate' as const, authentication: { cert: fx.pki.files.auth, key: fx.pki.files.authKey }, signature: { cert: fx.pki.files.sign, key: fx.pki.files.signKey } } };
  creds = await loadCredentials(profile, { baseDir: fx.dir, env: {} });
});
after(() => fx?.cleanup());

function input(method: Method, extra: Partial<TokenInput> = {}): TokenInput {
  return {
    method,
    profile: baseProfile(),
    sign: creds.sign,
    patientCf: PATIENT,
    ...(method !== 'delete' ? { resourceHl7Type: HL7 } : {}),
    ...(method === 'validate-and-create' || method === 'replace' ? { attachmentHash: HASH } : {}),
    now: NOW,
    ...extra,
  };
}

test('METHOD_CLAIMS follows the per-operation matrix', () => {
  assert.deepEqual(METHOD_CLAIMS, {
    'validate-and-create': { action_id: 'CREATE', purpose_of_use: 'TREATMENT' },
    replace: { action_id: 'UPDATE', purpose_of_use: 'UPDATE' },
    'update-metadata': { action_id: 'UPDATE', purpose_of_use: 'UPDATE' },
    delete: { action_id: 'DELETE', purpose_of_use: 'UPDATE' },
  });
});

test('both tokens verify with jose against their own x5c; header is RS256/JWT/x5c standard base64 DER', async () => {
  const t = await buildTokens(input('validate-and-create'));
  for (const tok of [t.bearer, t.signature]) {
    const { header } = decodeJwt(tok);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'typ', 'x5c']);
    assert.equal(header['alg'], 'RS256');
    assert.equal(header['typ'], 'JWT');
    const x5c = header['x5c'] as string[];
    assert.equal(x5c.length, 1);
    assert.match(x5c[0]!, /^[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(Buffer.from(x5c[0]!, 'base64'), Buffer.from(creds.sign.certDer), 'x5c carries the SIGNATURE certificate');
    const pem = new X509Certificate(Buffer.from(x5c[0]!, 'base64')).toString();
    const key = await importX509(pem, 'RS256');
    const { payload } = await jwtVerify(tok, key, { currentDate: NOW, audience: 'https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1' });
    assert.equal(payload.exp! - payload.iat!, 300);
    const v = await verifyJwtWithX5c(tok);
    assert.equal(v.ok, true, v.reason);
  }
});

test('bearer token carries only the reserved claims', async () => {
  const t = await buildTokens(input('validate-and-create'));
  const p = decodeJwt(t.bearer).payload;
  assert.deepEqual(Object.keys(p).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'sub']);
  assert.equal(p['iss'], `auth:${creds.sign.cn}`);
  assert.match(String(p['iss']), /^auth:S1#090/);
  assert.equal(p['sub'], 'BNCLCU75C42D612K^^^&2.16.840.1.113883.2.9.4.3.2&ISO');
  assert.equal(p['iat'], Math.floor(NOW.getTime() / 1000));
  assert.equal(p['exp'], Math.floor(NOW.getTime() / 1000) + 300);
  assert.deepEqual(p, t.bearerClaims);
});

test('signature token claims per method', async () => {
  for (const m of METHODS) {
    const t = await buildTokens(input(m));
    const p = decodeJwt(t.signature).payload;
    assert.deepEqual(p, t.signatureClaims, m);
    assert.equal(p['iss'], `integrity:${creds.sign.cn}`, m);
    assert.equal(p['sub'], 'BNCLCU75C42D612K^^^&2.16.840.1.113883.2.9.4.3.2&ISO');
    assert.equal(p['subject_organization_id'], '090');
    assert.equal(p['subject_organization'], 'Regione Toscana');
    assert.equal(p['locality'], baseProfile().locality);
    assert.equal(p['subject_role'], 'AAS');
    assert.equal(p['person_id'], `${PATIENT}^^^&2.16.840.1.113883.2.9.4.3.2&ISO`);
    assert.equal(p['patient_consent'], true);
    assert.equal(p['action_id'], METHOD_CLAIMS[m].action_id, m);
    assert.equal(p['purpose_of_use'], METHOD_CLAIMS[m].purpose_of_use, m);
    assert.equal(p['subject_application_id'], 'KOS');
    assert.equal(p['subject_application_vendor'], 'EFRA SRL');
    assert.equal(p['subject_application_version'], '2.6.0');
    assert.equal(typeof p['jti'], 'string');
    if (m === 'delete') assert.equal('resource_hl7_type' in p, false, 'omitted on delete');
    else assert.equal(p['resource_hl7_type'], HL7, m);
  }
});

test('attachment_hash only on validate-and-create and replace', async () => {
  for (const m of METHODS) {
    const t = await buildTokens(input(m, { attachmentHash: HASH }));
    const has = 'attachment_hash' in t.signatureClaims;
    assert.equal(has, m === 'validate-and-create' || m === 'replace', m);
    if (has) assert.equal(t.signatureClaims['attachment_hash'], HASH);
  }
  await assert.rejects(buildTokens({ ...input('replace'), attachmentHash: undefined }), /attachmentHash is required/);
  await assert.rejects(buildTokens(input('replace', { attachmentHash: HASH.toUpperCase() })), /lowercase hex/);
  await assert.rejects(buildTokens({ ...input('update-metadata'), resourceHl7Type: undefined }), /resourceHl7Type is required/);
  const del = await buildTokens(input('delete', { resourceHl7Type: HL7 }));
  assert.equal(del.signatureClaims['resource_hl7_type'], HL7, 'delete keeps it when given');
});

test('fresh jti on every call and per token; purposeOfUse and lifetime options', async () => {
  const a = await buildTokens(input('update-metadata', { purposeOfUse: 'ACCESS UPDATE', lifetimeSeconds: 60 }));
  const b = await buildTokens(input('update-metadata'));
  const jtis = [a.bearerClaims['jti'], a.signatureClaims['jti'], b.bearerClaims['jti'], b.signatureClaims['jti']];
  assert.equal(new Set(jtis).size, 4);
  assert.equal(a.signatureClaims['purpose_of_use'], 'ACCESS UPDATE');
  assert.equal(Number(a.signatureClaims['exp']) - Number(a.signatureClaims['iat']), 60);
  assert.notEqual(a.bearer, b.bearer);
});

test('overrides set or delete claims (and header fields) and stay signed', async () => {
  const t = await buildTokens(input('validate-and-create', {
    overrides: {
      bearer: { sub: 'VRDMRC67T20I257E^^^&2.16.840.1.113883.2.9.4.3.2&ISO', jti: null },
      signature: { attachment_hash: null, subject_role: 'XXX', patient_consent: false },
    },
  }));
  const b = decodeJwt(t.bearer).payload;
  assert.equal(b['sub'], 'VRDMRC67T20I257E^^^&2.16.840.1.113883.2.9.4.3.2&ISO');
  assert.equal('jti' in b, false);
  const s = decodeJwt(t.signature).payload;
  assert.equal('attachment_hash' in s, false);
  assert.equal(s['subject_role'], 'XXX');
  assert.equal(s['patient_consent'], false);
  assert.equal((await verifyJwtWithX5c(t.signature)).ok, true);
  // overriding resource_hl7_type / attachment_hash lets a negative scenario omit the inputs
  const t2 = await buildTokens({ ...input('replace'), resourceHl7Type: undefined, attachmentHash: undefined, overrides: { signature: { resource_hl7_type: null, attachment_hash: 'abc' } } });
  assert.equal('resource_hl7_type' in t2.signatureClaims, false);
  assert.equal(t2.signatureClaims['attachment_hash'], 'abc');
  // header overrides: x5c removed → verification fails with a reason
  const t3 = await buildTokens(input('delete', { overrides: { header: { x5c: null, kid: 'k1' } } }));
  assert.equal('x5c' in decodeJwt(t3.signature).header, false);
  assert.equal(decodeJwt(t3.signature).header['kid'], 'k1');
  const v3 = await verifyJwtWithX5c(t3.signature);
  assert.equal(v3.ok, false);
  assert.match(v3.reason ?? '', /no x5c/);
});

test('signingKeyOverride makes verifyJwtWithX5c fail while x5c still carries the signature certificate', async () => {
  const t = await buildTokens(input('validate-and-create', { signingKeyOverride: creds.auth }));
  assert.deepEqual(Buffer.from((decodeJwt(t.signature).header['x5c'] as string[])[0]!, 'base64'), Buffer.from(creds.sign.certDer));
  for (const tok of [t.bearer, t.signature]) {
    const v = await verifyJwtWithX5c(tok);
    assert.equal(v.ok, false);
    assert.match(v.reason ?? '', /signature does not match/);
  }
});

test('verifyJwtWithX5c rejects malformed input and base64url x5c', async () => {
  assert.equal((await verifyJwtWithX5c('abc')).ok, false);
  const t = await buildTokens(input('delete'));
  const parts = t.signature.split('.');
  const tampered = `${parts[0]}.${Buffer.from(JSON.stringify({ ...t.signatureClaims, action_id: 'CREATE' })).toString('base64url')}.${parts[2]}`;
  assert.equal((await verifyJwtWithX5c(tampered)).ok, false);
  const urlHeader = { ...t.header, x5c: [(t.header['x5c'] as string[])[0]!.replace(/\+/g, '-').replace(/\//g, '_') + '-_'] };
  const t4 = `${Buffer.from(JSON.stringify(urlHeader)).toString('base64url')}.${parts[1]}.${parts[2]}`;
  const v = await verifyJwtWithX5c(t4);
  assert.equal(v.ok, false);
  assert.match(v.reason ?? '', /standard base64/);
  assert.throws(() => decodeJwt('a.b'), /3 dot-separated parts/);
});
