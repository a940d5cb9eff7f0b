/**
 * `fse-harness check` catches each mistake vendors make (the recurring ones of the it-fse-support issues: hash, CDA
 * extraction, claims, application triple) before any call,
 * with a message telling what to change. Real PDFs, real tokens, the real accredited list when present.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRequest, validationPassed, type Finding } from '../../support/preflight/check.ts';
import { openValidator } from '../../support/catalogs/index.ts';
import { MUTATIONS } from '../../support/cda/mutations.ts';
import { bodyProblems, checkIdentificativoRep, checkMetadataBody, checkPublicationBody, DTO_OF, invalidIdDoc, parseRequestBody } from '../../support/gateway/body.ts';
import { isValidMasterId } from '../../support/gateway/ids.ts';
import { AppError } from '../../support/gateway/problems.ts';
import { loadProfile } from '../../support/config/profile.ts';
import { generateTestPki } from '../../support/pki/testPki.ts';
import { loadCredentials, type Credentials } from '../../support/pki/credentials.ts';
import { buildCda } from '../../support/cda/template.ts';
import { newCdaContext } from '../../support/cda/identity.ts';
import { buildPdf } from '../../support/pdf/build.ts';
import { signPades } from '../../support/pdf/pades.ts';
import { buildTokens } from '../../support/jwt/tokens.ts';
import { buildBody } from '../../support/request/body.ts';
import { loadAccreditedList } from '../../support/accredited.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';
import type { Profile } from '../../support/types.ts';
import { ACCREDITED_CSV, missingData } from '../shared-data.ts';

let dir: string;
let creds: Credentials;
let profile: Profile;
let cda: Uint8Array;
let pdf: Uint8Array;
const CF = 'RMSLSO31M04Z404R';
const HL7 = "('11502-2^^2.16.840.1.113883.6.1')";
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-check-'));
  await generateTestPki({ outDir: dir });
  profile = loadProfile(join(PROJECT_ROOT, 'testdata', 'profile.example.json')).profile;
  creds = await loadCredentials({ ...profile, certificates: { mode: 'separate', authentication: { cert: join(dir, 'auth.pem'), key: join(dir, 'auth.key') }, signature: { cert: join(dir, 'sign.pem'), key: join(dir, 'sign.key') } } }, { baseDir: dir });
  cda = buildCda(newCdaContext({ docType: 'LAB', patientCf: CF, profile, runId: 'chk', seq: 1 }));
  pdf = await signPades(await buildPdf({ cda }), { certDer: creds.sign.certDer, privateKeyPkcs8Der: creds.sign.privateKeyPkcs8Der });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const errors = (f: Finding[]) => f.filter((x) => x.level === 'error');
const tokens = async (o: Partial<Parameters<typeof buildTokens>[0]> = {}) => (await buildTokens({ method: 'validate-and-create', profile, sign: creds.sign, patientCf: CF, resourceHl7Type: HL7, attachmentHash: sha(pdf), ...o })).signature;
const body = () => buildBody({ method: 'validate-and-create', profile, docType: 'LAB', identificativoDoc: '2.16.840.1.113883.2.9.2.90.4.4^x.LAB.999.1', serviceStart: new Date() });

test('a correct request has no error', async () => {
  const f = await checkRequest({ profile, method: 'validate-and-create', pdf, signatureJwt: await tokens(), body: body() });
  assert.deepEqual(errors(f), [], JSON.stringify(errors(f)));
  assert.ok(f.some((x) => x.check === 'pades' && x.level === 'ok'));
  assert.ok(f.some((x) => x.check === 'cda.xml' && x.level === 'ok'));
});

test('attachment_hash computed on the CDA instead of the PDF', async () => {
  const f = await checkRequest({ profile, method: 'validate-and-create', pdf, signatureJwt: await tokens({ attachmentHash: sha(cda) }) });
  const e = errors(f).find((x) => x.check === 'attachment_hash');
  assert.ok(e, JSON.stringify(f));
  assert.match(e.message, /\/msg\/document-hash/);
  assert.match(e.fix ?? '', /exact signed PDF bytes/);
});

test('cda.xml misnamed (CDA2.xml)', async () => {
  const bad = await signPades(await buildPdf({ cda, attachmentName: 'CDA2.xml' }), { certDer: creds.sign.certDer, privateKeyPkcs8Der: creds.sign.privateKeyPkcs8Der });
  const e = errors(await checkRequest({ profile, method: 'validate-and-create', pdf: bad })).find((x) => x.check === 'cda.xml');
  assert.ok(e);
  assert.match(e.message, /CDA2\.xml/);
  assert.match(e.fix ?? '', /cda\.xml/);
});

test('PDF changed after signing / unsigned PDF', async () => {
  const tampered = new Uint8Array(pdf);
  tampered[300] = tampered[300]! ^ 0x01; // one byte inside the first signed range
  const e1 = errors(await checkRequest({ profile, method: 'validate-and-create', pdf: tampered })).find((x) => x.check === 'pades');
  assert.match(e1?.message ?? '', /non risulta valida.*\/msg\/sign-error/);
  const e2 = errors(await checkRequest({ profile, method: 'replace', pdf: await buildPdf({ cda }) })).find((x) => x.check === 'pades');
  assert.match(e2?.message ?? '', /non risulta firmato/);
  assert.match(e2?.fix ?? '', /sign the PDF/);
});

test('resource_hl7_type and person_id not matching the CDA', async () => {
  const f = await checkRequest({ profile, method: 'validate-and-create', pdf, signatureJwt: await tokens({ resourceHl7Type: "('34105-7^^2.16.840.1.113883.6.1')", overrides: { signature: { person_id: 'MNTMRA03M71C615V^^^&2.16.840.1.113883.2.9.4.3.2&ISO' } } }) });
  const msgs = errors(f).map((x) => x.message).join('\n');
  assert.match(msgs, /resource_hl7_type .*jwt-document-type/);
  assert.match(msgs, /person_id .*jwt-person-id/);
  assert.match(errors(f).find((x) => /resource_hl7_type/.test(x.message))?.fix ?? '', /11502-2/);
});

test('wrong action_id for the method, and a token that does not verify against its x5c', async () => {
  const t = await tokens({ method: 'delete' });
  const f = await checkRequest({ profile, method: 'validate-and-create', pdf, signatureJwt: t });
  assert.ok(errors(f).some((x) => /action_id is "DELETE", validate-and-create needs CREATE/.test(x.message)));
  const forged = t.slice(0, t.lastIndexOf('.') + 1) + 'AAAA' + t.slice(t.lastIndexOf('.') + 5);
  const f2 = await checkRequest({ profile, method: 'validate-and-create', signatureJwt: forged });
  assert.ok(errors(f2).some((x) => /does not verify against its x5c/.test(x.message)));
});

test('body: unknown field, bad enum, and tipoDocumentoLivAlto not correlated with the CDA', async () => {
  const f1 = await checkRequest({ profile, method: 'validate-and-create', body: { ...body(), campoSconosciuto: 1 } });
  assert.ok(errors(f1).some((x) => x.check === 'body' && /Parametro non riconosciuto/.test(x.message)));
  // The border first (the same engine and wording as the simulator's GovWay: support/gateway/border-content.ts) …
  assert.ok(errors(f1).some((x) => x.check === 'body (border)' && x.message === "body.requestBody: Additional property 'campoSconosciuto' is not allowed. → 400 InvalidRequestContent (GovWay, code 1000)"), JSON.stringify(errors(f1)));
  const f2 = await checkRequest({ profile, method: 'validate-and-create', body: { ...body(), tipologiaStruttura: 'Clinica' } });
  assert.ok(errors(f2).some((x) => x.check === 'body (border)' && x.message === "body.requestBody.tipologiaStruttura: Value 'Clinica' is not defined in the schema. → 400 InvalidRequestContent (GovWay, code 1006)"), JSON.stringify(errors(f2)));
  // … and what the dispatcher would answer without it.
  assert.ok(errors(f2).some((x) => x.check === 'body' && /conversione/.test(x.message)));
  const md = buildBody({ method: 'update-metadata', profile, docType: 'LAB', serviceStart: new Date() });
  const f4 = await checkRequest({ profile, method: 'update-metadata', body: { ...md, campoSconosciuto: 1 } });
  assert.ok(errors(f4).some((x) => x.check === 'body (border)' && /^body: Additional property 'campoSconosciuto'/.test(x.message)), 'metadata: the border refuses unknown fields (Spring alone would ignore them)');
  const ok = await checkRequest({ profile, method: 'replace', body: buildBody({ method: 'replace', profile, docType: 'LAB', identificativoDoc: '2.16.840.1.113883.2.9.2.90.4.4^x.LAB.999.2', serviceStart: new Date() }) });
  assert.equal(errors(ok).filter((x) => x.check.startsWith('body')).length, 0, 'the harness\'s own replace body passes ValidateAndReplaceDTO');
  const f3 = await checkRequest({ profile, method: 'validate-and-create', pdf, body: { ...body(), tipoDocumentoLivAlto: 'LDO' } });
  assert.ok(errors(f3).some((x) => /does not correlate/.test(x.message) && /REF/.test(x.fix ?? '')));
});

test('application triple: exact, case-only and unlisted (national results.csv)', async (t) => {
  const why = missingData('accredited');
  if (why) { t.skip(why); return; }
  const list = loadAccreditedList(ACCREDITED_CSV);
  const ok = await checkRequest({ profile, method: 'validate-and-create', accredited: list });
  assert.ok(ok.some((x) => x.check === 'application' && x.level === 'ok'), JSON.stringify(ok));
  const lower = await checkRequest({ profile: { ...profile, application: { ...profile.application, vendor: profile.application.vendor.toLowerCase() } }, method: 'validate-and-create', accredited: list });
  const e = errors(lower).find((x) => x.check === 'application');
  assert.ok(e, 'a case-only match must be an error');
  assert.ok(e.message.includes(profile.application.vendor), 'the message names the exact listed spelling');
  const none = await checkRequest({ profile: { ...profile, application: { id: 'NOPE', vendor: 'NOBODY', version: '0' } }, method: 'validate-and-create', accredited: list });
  assert.ok(errors(none).some((x) => x.check === 'application'));
});

test('no catalogs: the CDA validation is reported as SKIPPED, never as passed', async () => {
  const f = await checkRequest({ profile, method: 'validate-and-create', cda });
  assert.ok(f.some((x) => x.level === 'skipped' && /NOT checked/.test(x.message)));
  assert.ok(!f.some((x) => x.check === 'validation' && x.level === 'ok'));
  void readFileSync;
});

test('a validator without catalogs: a broken CDA is never "passed" — only what ran is named, the rest NOT checked', async () => {
  const validator = await openValidator({ catalogsDir: '' }) // '' = none, whatever FSE_CATALOGS_DIR says;
  try {
    const broken = new TextEncoder().encode(MUTATIONS['senza-confidentialityCode']!.apply(Buffer.from(cda).toString('utf8')));
    const f = await checkRequest({ profile, method: 'validate-and-create', cda: broken, validator });
    const v = f.filter((x) => x.check === 'validation');
    assert.ok(v.some((x) => x.level === 'skipped' && /XSD, schematron and terminology validation are OFF/.test(x.message)), JSON.stringify(v));
    const verdict = v.find((x) => x.level !== 'skipped');
    assert.equal(verdict?.level, 'warning', 'a partial validation is not an ok');
    assert.equal(verdict?.message, 'well-formedness passed; XSD, schematron, terminology NOT checked (see SKIPPED)');
    assert.ok(!f.some((x) => /XSD[^;]*passed/.test(x.message)), 'no finding claims the XSD passed');
  } finally {
    validator.close();
  }
});

test('validationPassed names exactly the validations that ran', () => {
  assert.deepEqual(validationPassed({ result: 'OK', messages: [], checked: ['well-formedness', 'XSD', 'schematron', 'terminology'], schematron: { file: 'sch/lab.sch', version: '1.2' } }),
    { level: 'ok', check: 'validation', message: 'well-formedness + XSD + schematron sch/lab.sch v1.2 + terminology passed' });
  assert.deepEqual(validationPassed({ result: 'OK', messages: [], checked: ['well-formedness', 'XSD'] }),
    { level: 'warning', check: 'validation', message: 'well-formedness + XSD passed; schematron, terminology NOT checked (see SKIPPED)' });
  assert.equal(validationPassed({ result: 'OK', messages: [] }).message, 'nothing passed; XSD, schematron, terminology NOT checked (see SKIPPED)');
});

test('a malformed token is one finding, a pasted "Bearer " prefix is accepted', async () => {
  for (const garbage of ['garbage', 'Bearer garbage', 'a.b.c', '']) {
    const f = await checkRequest({ profile, method: 'validate-and-create', signatureJwt: garbage });
    const jwt = errors(f).filter((x) => x.check === 'jwt');
    assert.equal(jwt.length, 1, `${garbage}: ${JSON.stringify(f)}`);
    assert.match(jwt[0]!.message, /^the FSE-JWT-Signature token is malformed: /);
  }
  const good = await tokens();
  const f = await checkRequest({ profile, method: 'validate-and-create', pdf, signatureJwt: `Bearer ${good}\n` });
  assert.deepEqual(errors(f), [], JSON.stringify(errors(f)));
});

test('body: every problem is reported, each with its field and value, the gateway wording after it', async () => {
  const f = await checkRequest({ profile, method: 'validate-and-create', body: { ...body(), tipologiaStruttura: 'Clinica', campoSconosciuto: 1, attiCliniciRegoleAccesso: ['P99', 'XXX', 'YYY'], dataInizioPrestazione: '2022:05:09', identificativoSottomissione: '' } });
  const b = errors(f).filter((x) => x.check === 'body').map((x) => x.message);
  assert.equal(b.length, 6, b.join('\n'));
  assert.match(b[0]!, /^tipologiaStruttura = "Clinica": not an allowed value; allowed: Ospedale, .* \(the dispatcher answers this first one only\); gateway: "Errore durante la conversione da json a oggetto it\.finanze\.sanita\.fse2\.ms\.gtw\.dispatcher\.dto\.request\.PublicationCreationReqDTO"$/);
  assert.ok(b.some((m) => /^campoSconosciuto = 1: unknown field/.test(m)));
  assert.ok(b.some((m) => /^identificativoSottomissione = "": is empty: it must have a value .*gateway: "Il campo identificativo sottomissione deve essere valorizzato."/.test(m)));
  assert.ok(b.some((m) => /^attiCliniciRegoleAccesso = "XXX": .*gateway: "Il campo atti clinici XXX non è consentito"$/.test(m)));
  assert.ok(b.some((m) => /^attiCliniciRegoleAccesso = "YYY"/.test(m)));
  assert.ok(b.some((m) => /^dataInizioPrestazione = "2022:05:09": must be a date .*\/msg\/invalid-format/.test(m)));
});

/** What the gateway's own rules answer (the simulator's path): the first problem only. */
function gatewayFirst(b: unknown, method: 'validate-and-create' | 'replace' | 'update-metadata'): string | null {
  try {
    const p = parseRequestBody(JSON.stringify(b), DTO_OF[method], { ignoreUnknown: method === 'update-metadata' });
    if (p === null) return "null body";
    if (method === 'update-metadata') checkMetadataBody(p, { descriptionsRegionalOidBug: true });
    else {
      checkPublicationBody(p, method === 'validate-and-create' ? 'create' : 'replace', { descriptionsRegionalOidBug: true });
      if (!isValidMasterId(p.identificativoDoc)) throw invalidIdDoc(); // create and RT's validate-and-replace
      checkIdentificativoRep(p.identificativoRep);
    }
    return null;
  } catch (e) {
    if (e instanceof AppError) return e.detail;
    throw e;
  }
}

test('bodyProblems agrees with the gateway rules on what is answered first', () => {
  const base = body() as unknown as Record<string, unknown>;
  const cases: Record<string, unknown>[] = [
    base, { ...base, x: 1 }, { ...base, tipologiaStruttura: 'Clinica' }, { ...base, priorita: 'maybe' }, { ...base, descriptions: 'x' },
    { ...base, identificativoRep: '' }, { ...base, tipoDocumentoLivAlto: null }, { ...base, assettoOrganizzativo: undefined },
    { ...base, descriptions: ['a^b'] }, { ...base, descriptions: ['a^b^1.2.3'] }, { ...base, attiCliniciRegoleAccesso: ['P99', 'nope'] },
    { ...base, dataInizioPrestazione: '2022' }, { ...base, dataFinePrestazione: 'x' }, { ...base, identificativoDoc: 'noCaret' },
    { ...base, identificativoRep: '1.2.3' }, { ...base, mode: 2 }, { ...base, mode: 0 },
  ];
  for (const method of ['validate-and-create', 'replace', 'update-metadata'] as const) {
    for (const c of cases) {
      const first = bodyProblems(JSON.parse(JSON.stringify(c)), method, { descriptionsRegionalOidBug: true })[0]?.gateway.detail ?? null;
      assert.equal(first, gatewayFirst(JSON.parse(JSON.stringify(c)), method), `${method} ${JSON.stringify(c)}`);
    }
  }
});
