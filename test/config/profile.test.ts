import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile, validateProfile, profileDefaults, RT_STAGE_BASE_URL } from '../../support/config/profile.ts';
import { DEFAULT_AUDIENCE as DEFAULT_AUD } from '../../support/gateway/claims.ts';
import { oidArc } from '../../support/gateway/oids.ts';
import { UserError } from '../../support/errors.ts';
import { workerEnv, workerOptionsFromEnv } from '../../support/harness/worker.ts';
import { DOC_TYPES } from '../../support/types.ts';
import type { Profile } from '../../support/types.ts';

const EXAMPLE = new URL('../../testdata/profile.example.json', import.meta.url);
const TWO = new URL('../../testdata/profile.two-types.json', import.meta.url);

function example(): Record<string, unknown> {
  return JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
}

function invalid(data: unknown, ...patterns: RegExp[]): string {
  try {
    validateProfile(data);
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    assert.equal(err.code, 'PROFILE_INVALID');
    for (const re of patterns) assert.match(err.message, re);
    assert.doesNotMatch(err.message, /must NOT have|instancePath|schemaPath/, 'no ajv jargon');
    return err.message;
  }
  assert.fail('expected validateProfile to throw');
}

test('example profiles are valid; the example has all nine types, target simulator, no certificates', () => {
  const p = validateProfile(example());
  assert.deepEqual([...p.documentTypes].sort(), [...DOC_TYPES].sort());
  assert.equal(p.target, 'simulator');
  assert.equal(p.certificates, undefined);
  const two = validateProfile(JSON.parse(readFileSync(TWO, 'utf8')));
  assert.deepEqual(two.documentTypes, ['LAB', 'RAD']);
  assert.deepEqual(two.application, p.application);
});

test('loadProfile applies defaults', () => {
  const { profile, baseDir, path } = loadProfile(EXAMPLE.pathname, { env: {} });
  assert.ok(path.endsWith('profile.example.json'));
  assert.ok(baseDir.endsWith('testdata'));
  assert.equal(profile.identificativoRep, '2.16.840.1.113883.2.9.2.90.4.5.999');
  // the example's partita IVA 07654321012 as an OID arc: no leading zero
  assert.equal(profile.provider.partitaIva, '07654321012');
  assert.equal(profile.identificativoSottomissione, '2.16.840.1.113883.2.9.2.90.4.3.7654321012');
  assert.equal(profile.aud, DEFAULT_AUD);
  assert.equal(profile.baseUrl, undefined, 'simulator: the runtime decides');
});

test('profileDefaults: stage URL, simulator empty, own values kept', () => {
  const p = validateProfile(example());
  assert.equal(profileDefaults(p).baseUrl, '');
  const stage: Profile = { ...p, target: 'stage', codRep: '202' };
  const d = profileDefaults(stage);
  assert.equal(d.baseUrl, RT_STAGE_BASE_URL);
  assert.equal(d.baseUrl, 'https://fse20gwstage.regione.toscana.it/gateway/v2/');
  assert.equal(d.identificativoRep, '2.16.840.1.113883.2.9.2.90.4.5.202');
  assert.equal(d.aud, 'https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1');
  assert.equal(profileDefaults({ ...stage, aud: 'https://x.example/v1', identificativoRep: '1.2.3' }).aud, 'https://x.example/v1');
  assert.equal(profileDefaults({ ...stage, identificativoRep: '1.2.3' }).identificativoRep, '1.2.3');
});

test('missing required field', () => {
  const d = example();
  delete d['locality'];
  delete (d['provider'] as Record<string, unknown>)['partitaIva'];
  invalid(d, /locality: missing; expected an HL7 XON value/, /provider\.partitaIva: missing; expected .*11 digits/, /2 problems/);
});

test('wrong CODREP', () => {
  invalid({ ...example(), codRep: '204' }, /codRep: expected .*"999".*"201"\/"202"\/"203".*got "204"/);
  invalid({ ...example(), codRep: 999 }, /codRep: expected .* as a string/);
});

test('production target is refused with a specific message', () => {
  const msg = invalid({ ...example(), target: 'production' }, /production is not a valid target: this harness never sends to production/);
  assert.equal(msg.split('\n').filter((l) => l.includes('target')).length, 1, 'one message for target');
  invalid({ ...example(), target: 'stage', baseUrl: 'https://fse20gw.regione.toscana.it/gateway/v2/' }, /baseUrl: .*production .*refused/);
  invalid({ ...example(), target: 'stage', baseUrl: 'https://FSE20GW.Regione.Toscana.it./gateway/v2/' }, /baseUrl: .*production .*refused/);
  invalid({ ...example(), baseUrl: 'http://localhost:8443/gateway/v2/' }, /baseUrl: must use https:\/\//);
  assert.doesNotThrow(() => validateProfile({ ...example(), target: 'stage', baseUrl: 'https://fse20gwstage.regione.toscana.it/gateway/v2/' }));
});

test('unknown field, also nested', () => {
  invalid({ ...example(), colour: 'blue' }, /colour: unknown field \(allowed here: .*installation/);
  const d = example();
  (d['application'] as Record<string, unknown>)['build'] = '7';
  invalid(d, /application\.build: unknown field/);
});

test('bad locality', () => {
  invalid({ ...example(), locality: 'CASA DI CURA^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201123456' }, /locality: expected an HL7 XON value NAME\^\^\^\^\^&OID&ISO\^\^\^\^CODE/);
  invalid({ ...example(), locality: 'Casa di cura esempio' }, /locality:/);
});

test('bad operator CF: regex and check character', () => {
  invalid({ ...example(), operatorCf: 'BNCLCU75C42D612A' }, /operatorCf: "BNCLCU75C42D612A" is not a valid fiscal code \(wrong check character: the 16th character should be K\)/);
  invalid({ ...example(), operatorCf: 'BNCLCU75C42' }, /operatorCf: expected the operator's 16-character fiscal code/);
});

test('other rules: partitaIva, istat, documentTypes, assetto, role, application, certificates', () => {
  const d = example();
  (d['provider'] as Record<string, unknown>)['istat'] = 48017;
  invalid(d, /provider\.istat: expected the 6-digit ISTAT code/);
  invalid({ ...example(), documentTypes: [] }, /documentTypes: expected a non-empty list/);
  invalid({ ...example(), documentTypes: ['LAB', 'LAB'] }, /documentTypes: expected a non-empty list, without repetitions/);
  invalid({ ...example(), documentTypes: ['LAB', 'FOO'] }, /documentTypes\[1\]: expected one of LAB, RAD/);
  invalid({ ...example(), assettoOrganizzativo: 'PSC007' }, /assettoOrganizzativo: expected a practice-setting code AD_PSCnnn/);
  invalid({ ...example(), subjectRole: 'DOC' }, /subjectRole: expected a Tabella Ruolo code/);
  invalid({ ...example(), application: { id: '', vendor: 'X', version: '1' } }, /application\.id: expected the application id/);
  invalid({ ...example(), certificates: { mode: 'separate', authentication: { cert: 'a.pem', key: 'a.key' } } }, /certificates\.signature: missing \(required when certificates\.mode is "separate"\)/);
  invalid({ ...example(), certificates: { mode: 'single', authentication: { cert: 'a.pem' } } }, /certificates\.authentication\.key: missing; "cert" needs "key"/);
  invalid({ ...example(), certificates: { mode: 'single', authentication: { p12: 'a.p12', cert: 'a.pem', key: 'a.key' } } }, /either "p12" or "cert" \+ "key", not both/);
  invalid({ ...example(), certificates: { mode: 'single', authentication: { p12: 'a.p12', passphraseEnv: 'my secret' } } }, /passphraseEnv: expected the NAME of an environment variable/);
  assert.doesNotThrow(() => validateProfile({ ...example(), certificates: { mode: 'single', authentication: { p12: 'a.p12', passphraseEnv: 'FSE_P12_PASS' } } }));
  invalid([], /JSON object/);
});

test('every problem is listed at once', () => {
  const msg = invalid({ ...example(), codRep: '1', target: 'production', locality: 'x', operatorCf: 'AAAAAA00A00A000A', extra: true }, /5 problems/);
  for (const f of ['codRep', 'target', 'locality', 'operatorCf', 'extra']) assert.match(msg, new RegExp(`^  - ${f}:`, 'm'));
});

test('loadProfile: missing file, bad JSON, .env beside the profile without overriding real env', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-profile-test-'));
  try {
    assert.throws(() => loadProfile(join(dir, 'none.json')), (e: unknown) => e instanceof UserError && /Profile not found/.test(e.message));
    writeFileSync(join(dir, 'bad.json'), '{ "installation": ');
    assert.throws(() => loadProfile(join(dir, 'bad.json'), { env: {} }), (e: unknown) => e instanceof UserError && /bad\.json is not valid JSON/.test(e.message));
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ ...example(), codRep: '5' }));
    assert.throws(() => loadProfile(join(dir, 'p.json'), { env: {} }), (e: unknown) => e instanceof UserError && /p\.json: Invalid installation profile/.test(e.message) && /codRep/.test(e.message));
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(example()));
    writeFileSync(join(dir, '.env'), 'FSE_TEST_FROM_DOTENV=fromfile\nFSE_TEST_REAL=fromfile\n');
    const env: NodeJS.ProcessEnv = { FSE_TEST_REAL: 'real' };
    loadProfile(join(dir, 'ok.json'), { env });
    assert.equal(env['FSE_TEST_FROM_DOTENV'], 'fromfile');
    assert.equal(env['FSE_TEST_REAL'], 'real');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadProfile: the hash of what was read; a worker told that hash does not validate the same text again, a changed text is validated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-profile-test-'));
  try {
    const text = JSON.stringify({ ...example(), codRep: '5' }); // invalid: validated, it throws
    const file = join(dir, 'p.json');
    writeFileSync(file, text);
    const sha = createHash('sha256').update(text).digest('hex');
    const trusted = loadProfile(file, { env: {}, validated: sha });
    assert.equal(trusted.sha256, sha);
    assert.equal(trusted.profile.codRep, '5');
    assert.equal(trusted.profile.aud, DEFAULT_AUD, 'the defaults are still applied');
    assert.throws(() => loadProfile(file, { env: {}, validated: sha.replace(/^./, (c) => (c === '0' ? '1' : '0')) }), /Invalid installation profile/);
    assert.throws(() => loadProfile(file, { env: {} }), /Invalid installation profile/);
    assert.equal(loadProfile(EXAMPLE.pathname, { env: {} }).sha256, createHash('sha256').update(readFileSync(EXAMPLE, 'utf8')).digest('hex'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('worker environment: the coordinator\'s facts, the profile hash included, round-trip', () => {
  const env = workerEnv({ runDir: '/r', baseUrl: 'https://127.0.0.1:1/gateway/v2/', simulatorValidates: true, profileSha256: 'ab'.repeat(32) });
  assert.deepEqual(workerOptionsFromEnv(env), { runDir: '/r', baseUrl: 'https://127.0.0.1:1/gateway/v2/', simulatorValidates: true, profileSha256: 'ab'.repeat(32) });
  assert.equal(workerOptionsFromEnv({}), undefined);
});

test('schema and the Profile type list the same fields; defaults pass the schema', () => {
  const schema = JSON.parse(readFileSync(new URL('../../support/config/profile.schema.json', import.meta.url), 'utf8')) as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
  };
  // Required<Profile> forces this literal to name every field of the type (tsc fails otherwise).
  const full: Required<Profile> = {
    installation: 'x', provider: { name: 'n', partitaIva: '07654321012', istat: '048017', codiceFiscale: '07654321012' }, codRep: '999', azienda: 'a',
    tipologiaStruttura: 'Ospedale', assettoOrganizzativo: 'AD_PSC007', documentTypes: ['LAB'], application: { id: 'i', vendor: 'v', version: '1' },
    locality: 'N^^^^^&1.2&ISO^^^^C', subjectRole: 'AAS', operatorCf: 'BNCLCU75C42D612K', identificativoRep: '1.2', identificativoSottomissione: '1.2',
    tipDominio: 'REF', cnVendor: 'ACME', certificates: { mode: 'single', authentication: { p12: 'a.p12' } }, target: 'stage',
    baseUrl: 'https://fse20gwstage.regione.toscana.it/gateway/v2/', aud: DEFAULT_AUD, documentsDir: 'd', catalogsDir: 'c', accreditedListCsv: 'r.csv',
    proxy: 'http://proxy.example:3128', strictCn: true, maxNetworkFailures: 5, settleMs: 2000,
  };
  assert.deepEqual(Object.keys(schema.properties).filter((k) => k !== '$comment').sort(), Object.keys(full).sort());
  assert.deepEqual(Object.keys(schema.properties['provider']!.properties!).sort(), Object.keys(full.provider).sort());
  assert.doesNotThrow(() => validateProfile(full));
  const p = validateProfile(example());
  const d = profileDefaults(p);
  assert.doesNotThrow(() => validateProfile({ ...example(), identificativoRep: d.identificativoRep, identificativoSottomissione: d.identificativoSottomissione, aud: d.aud }));
});

test('baseUrl: https and exactly /gateway/v2/; a missing trailing slash is added, everything else refused with the expected form', () => {
  const stage = (baseUrl: string) => ({ ...example(), target: 'stage', baseUrl });
  for (const bad of [
    'https://fse20gwstage.regione.toscana.it/',
    'https://fse20gwstage.regione.toscana.it',
    'https://fse20gwstage.regione.toscana.it/gateway/v1/',
    'https://fse20gwstage.regione.toscana.it/gateway/v2//',
    'https://fse20gwstage.regione.toscana.it/gateway/v2/documents/',
    'https://fse20gwstage.regione.toscana.it/gateway/x/../v2/',
    'https://fse20gwstage.regione.toscana.it/gateway/v2/?a=1',
    'https://user:pw@fse20gwstage.regione.toscana.it/gateway/v2/',
  ]) {
    const msg = invalid(stage(bad), /baseUrl: /, /expected https:\/\/<host>\[:<port>\]\/gateway\/v2\/ \(e\.g\. https:\/\/fse20gwstage\.regione\.toscana\.it\/gateway\/v2\/\)/);
    assert.ok(!msg.includes('pw@'), 'credentials are not echoed');
  }
  invalid(stage('http://fse20gwstage.regione.toscana.it/gateway/v2/'), /baseUrl: must use https:\/\//);
  const noSlash = validateProfile(stage('https://fse20gwstage.regione.toscana.it/gateway/v2'));
  assert.equal(profileDefaults(noSlash).baseUrl, 'https://fse20gwstage.regione.toscana.it/gateway/v2/');
  assert.equal(profileDefaults(validateProfile(stage('https://127.0.0.1:8443/gateway/v2'))).baseUrl, 'https://127.0.0.1:8443/gateway/v2/');
  const dir = mkdtempSync(join(tmpdir(), 'fse-baseurl-'));
  try {
    const f = join(dir, 'p.json');
    writeFileSync(f, JSON.stringify(stage('https://FSE20GWSTAGE.regione.toscana.it:443/gateway/v2')));
    assert.equal(loadProfile(f, { env: {} }).profile.baseUrl, 'https://fse20gwstage.regione.toscana.it/gateway/v2/', 'loadProfile completes the normalised URL');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('proxy, strictCn, maxNetworkFailures: validated with readable messages', () => {
  assert.doesNotThrow(() => validateProfile({ ...example(), proxy: 'http://user:pass@proxy.example:3128', strictCn: false, maxNetworkFailures: 3 }));
  assert.doesNotThrow(() => validateProfile({ ...example(), proxy: 'none' }));
  invalid({ ...example(), proxy: 'socks5://proxy.example:1080' }, /proxy: expected an HTTP proxy URL/);
  invalid({ ...example(), maxNetworkFailures: 0 }, /maxNetworkFailures: expected a whole number from 1 to 1000/);
  invalid({ ...example(), strictCn: 'yes' }, /strictCn: expected true to refuse/);
});

test('OIDs: an arc has no leading zero — oidArc, the default identificativoSottomissione, and the profile\'s own values', () => {
  assert.equal(oidArc('07654321012'), '7654321012');
  assert.equal(oidArc('00000000001'), '1');
  assert.equal(oidArc('0'), '0');
  assert.equal(oidArc('12345678901'), '12345678901');
  assert.throws(() => oidArc('12a'), /not made of digits/);
  const d = profileDefaults(validateProfile({ ...example(), provider: { name: 'n', partitaIva: '01386030488', istat: '048017' } }));
  assert.equal(d.identificativoSottomissione, '2.16.840.1.113883.2.9.2.90.4.3.1386030488');
  for (const field of ['identificativoSottomissione', 'identificativoRep']) {
    invalid({ ...example(), [field]: '2.16.840.1.113883.2.9.2.90.4.3.01386030488' }, new RegExp(`${field}`), /no arc with a leading zero/);
    invalid({ ...example(), [field]: '2.16.840.1.113883.2.9.2.090.4.3.1' }, new RegExp(`${field}`));
    assert.doesNotThrow(() => validateProfile({ ...example(), [field]: '2.16.840.1.113883.2.9.2.90.0.3.10' }), 'a 0 arc on its own is fine');
  }
});
