/**
 * docs/gateway-conditions.md §4.5 validator (VAL-01…VAL-05, VC and RP), §4.6 publication phase (PB-01…PB-04d) and §5
 * validate-and-create success. The validator is scripted through the simulator's test seam (`validatorOpen`), so each
 * outcome's mapping (status, family, instance, the computed workflowInstanceId, the warning) is checked exactly; the
 * real XSD / schematron / terminology run in the @sintassi / @schematron / @terminologia scenarios.
 */
import assert from 'node:assert/strict';
import { truncateWarning } from '../../../simulator/validator.ts';
import { sha256Hex } from '../../../support/hash.ts';
import {
  getPki, loadSample, newDocId, sendMultipart, signedPdf, simTest, tokens, useSimulator, validCreate,
} from '../helpers.ts';
import { call, CDA_WII, expectRow, expectSuccess, publish, type Method, type Target } from './lib.ts';

type Outcome = { result: 'OK' | 'SYNTAX_ERROR' | 'SEMANTIC_ERROR' | 'VOCABULARY_ERROR' | 'SEMANTIC_WARNING'; messages: string[]; skipped: string[] } | Error;
let next: Outcome = { result: 'OK', messages: [], skipped: [] };
const scripted = async () => ({ info: null, skipped: [], close() {}, async validate() { if (next instanceof Error) throw next; return next; } }) as never;

const VAL: Target = {} as Target;
const RT: Target = {} as Target;
const NO_CONTENT: Target = {} as Target;
const RP4: Target = {} as Target;
const DOWN_VALIDATOR: Target = {} as Target;
const DOWN_FHIR: Target = {} as Target;
const NO_BORDER: Target = {} as Target;
useSimulator({ switches: { cdaValidation: true }, validatorOpen: scripted }, (s) => Object.assign(VAL, s), { waitForValidator: true });
useSimulator({}, (s) => Object.assign(RT, s));
useSimulator({ switches: { openApiConformance: false } }, (s) => Object.assign(NO_CONTENT, s));
useSimulator({ switches: { replaceRequiresPriorValidation: true } }, (s) => Object.assign(RP4, s));
useSimulator({ switches: { downstream: 'validator-unreachable' } }, (s) => Object.assign(DOWN_VALIDATOR, s));
useSimulator({ switches: { downstream: 'fhir-error' } }, (s) => Object.assign(DOWN_FHIR, s));
useSimulator({ switches: { border: false } }, (s) => Object.assign(NO_BORDER, s));

const VAL_METHODS: Method[] = ['VC', 'RP'];
const VE = '/validation/error';

for (const m of VAL_METHODS) {
  simTest(`VAL-01 ${m}: XSD errors → 400 /msg/syntax, messages joined with ",", computed workflowInstanceId`, async () => {
    next = { result: 'SYNTAX_ERROR', messages: ['ERROR: 3,4 a', 'ERROR: 5,6 b'], skipped: [] };
    expectRow(await call(VAL, m), { status: 400, family: 'V', type: '/msg/syntax', title: 'Errore di sintassi.', instance: VE, detail: 'ERROR: 3,4 a,ERROR: 5,6 b', wii: 'cda' }, m);
  });
  simTest(`VAL-02 ${m}: schematron failed-asserts → 422 /msg/semantic`, async () => {
    next = { result: 'SEMANTIC_ERROR', messages: ['[E1 | a]', '[E2 | b]'], skipped: [] };
    expectRow(await call(VAL, m), { status: 422, family: 'V', type: '/msg/semantic', title: 'Errore semantico.', instance: VE, detail: '[E1 | a],[E2 | b]', wii: 'cda' }, m);
  });
  simTest(`VAL-03 ${m}: terminology → 400 /msg/vocabulary`, async () => {
    next = { result: 'VOCABULARY_ERROR', messages: ['code X not in Y'], skipped: [] };
    expectRow(await call(VAL, m), { status: 400, family: 'V', type: '/msg/vocabulary', title: 'Errore vocabolario.', instance: VE, detail: 'code X not in Y', wii: 'cda' }, m);
  });
  simTest(`VAL-04 ${m}: only successful-reports → 202 with warning (messages joined with ",")`, async () => {
    next = { result: 'OK', messages: [], skipped: [] };
    const id = m === 'RP' ? await publish(VAL) : undefined;
    next = { result: 'SEMANTIC_WARNING', messages: ['[W1 | a]', '[W2 | b]'], skipped: [] };
    expectSuccess(await call(VAL, m, { pathId: id }), 202, { warning: '[W1 | a],[W2 | b]', wii: CDA_WII }, m);
    next = { result: 'OK', messages: [], skipped: [] };
  });
  simTest(`VAL-05 ${m}: the validator answers an error or cannot be reached → 500 /msg/connection-refused "Connection refused", no workflowInstanceId`, async () => {
    const e = { status: 500, family: 'P' as const, type: '/msg/connection-refused', title: 'Connection refused', instance: '/msg/connection-refused', detail: 'Connection refused' };
    expectRow(await call(DOWN_VALIDATOR, m), e, `${m} unreachable`);
    const he = new Error('no templateId'); he.name = 'CdaHeaderError'; next = he;
    expectRow(await call(VAL, m), e, `${m} header unreadable (validator 5xx)`);
    next = { result: 'OK', messages: [], skipped: [] };
  });
}

simTest('VAL-04 truncation: a warning of 200000 characters or more is cut to 199997 + "..." (>=)', () => {
  assert.equal(truncateWarning('x'.repeat(199_999)).length, 199_999);
  const t = truncateWarning('x'.repeat(200_000));
  assert.equal(t.length, 200_000);
  assert.ok(t.endsWith('...'));
});

// ---- publication phase

simTest('PB-01 VC, RP: a workflowInstanceId in the body (reachable without the border\'s check) → 400 P /msg/cda-match: the record stored by the inline validation has a fresh one', async () => {
  const e = { status: 400, family: 'P' as const, type: '/msg/cda-match', title: "Errore in fase di recupero dell'esito della verifica.", instance: '/cda-validation', detail: 'Il CDA non risulta validato' };
  expectRow(await call(NO_CONTENT, 'VC', { body: { workflowInstanceId: 'x' } }), e, 'VC');
  expectRow(await call(NO_CONTENT, 'RP', { pathId: await publish(NO_CONTENT), body: { workflowInstanceId: 'x' } }), e, 'RP');
});

simTest('PB-01 RP4: no prior validation → 400 P /msg/cda-match', async () => {
  expectRow(await call(RP4, 'RP4', { pathId: await publish(RP4) }), { status: 400, family: 'P', type: '/msg/cda-match', title: "Errore in fase di recupero dell'esito della verifica.", instance: '/cda-validation', detail: 'Il CDA non risulta validato' }, 'RP4');
});

simTest('PB-02 RP4: a validation older than 5 whole days → 400 P /msg/max-day-limit-exceed', async () => {
  const id = await publish(RP4);
  const s = loadSample('LAB');
  RP4.sim.registry.recordValidation(s.xml.toString('utf8'), `2.16.840.1.113883.2.9.2.120.4.4.${'0'.repeat(64)}.0000000000^^^^urn:ihe:iti:xdw:2013:workflowInstanceId`, new Date(Date.now() - 7 * 86_400_000));
  expectRow(await call(RP4, 'RP4', { pathId: id }), { status: 400, family: 'P', type: '/msg/max-day-limit-exceed', title: 'Error: document exceeded the maximum period to be published.', instance: '/msg/max-day-limit-exceed', detail: 'Error: cannot publish documents older than 5 days' }, 'RP4');
});

for (const m of ['VC', 'RP'] as const) {
  simTest(`PB-03 ${m}: attachment_hash not the SHA-256 of the file → 400 P /msg/document-hash`, async () => {
    expectRow(await call(RT, m, { claims: { attachment_hash: 'ab'.repeat(32) } }), { status: 400, family: 'P', type: '/msg/document-hash', title: 'Verifica hash fallita.', instance: '/jwt-hash-match', detail: 'Verifica hash fallita.' }, m);
  });
  simTest(`PB-04a ${m}: identificativoRep not <2.16.840.1.113883.2.9.2>.<region>.4.5.… of a known region → 400 P, instance /request-invalid-date-format`, async () => {
    expectRow(await call(RT, m, { body: { identificativoRep: '2.16.840.1.113883.2.9.2.91.4.5.999' } }), { status: 400, family: 'P', type: '/msg/generic-error', title: 'Errore generico.', instance: '/request-invalid-date-format', detail: 'Error: Invalid format for repositoryUniqueId' }, m);
  });
  simTest(`PB-04b ${m}: ClinicalDocument/effectiveTime not parseable by the 7 patterns → 400 P "Errore durante la creazione risorse FHIR"`, async () => {
    const xml = loadSample('LAB').xml.toString('utf8').replace(/(<effectiveTime\b[^>]*value=")[^"]*"/, '$12026-13-45"');
    expectRow(await call(RT, m, { file: await signedPdf(Buffer.from(xml)) }), { status: 400, family: 'P', type: '/msg/generic-error', title: 'Errore generico.', instance: '/request-invalid-date-format', detail: 'Errore durante la creazione risorse FHIR' }, m);
  });
  simTest(`PB-04c ${m}: administrativeRequest contains null (reachable without the border's check) → 400 P "Errore durante la creazione risorse FHIR"`, async () => {
    expectRow(await call(NO_CONTENT, m, { body: { administrativeRequest: ['SSN', null] } }), { status: 400, family: 'P', type: '/msg/generic-error', title: 'Errore generico.', instance: '/request-invalid-date-format', detail: 'Errore durante la creazione risorse FHIR' }, m);
  });
  simTest(`PB-04d ${m}: the FHIR mapping engine fails [env, switch downstream=fhir-error] → 400 P /msg/generic-error`, async () => {
    expectRow(await call(DOWN_FHIR, m), { status: 400, family: 'P', type: '/msg/generic-error', title: 'Errore generico.', instance: '/request-invalid-date-format', detail: /.+/ }, m);
  });
}

simTest('PB-04b VC: values the prefix patterns accept (a valid yyyyMMdd start, an ISO date-time) pass', async () => {
  for (const v of ['20260101', '20260101103000+0100', '2026-01-01T10:30:00Z', '20240229xyz']) {
    const xml = loadSample('LAB').xml.toString('utf8').replace(/(<effectiveTime\b[^>]*value=")[^"]*"/, `$1${v}"`);
    const a = await call(RT, 'VC', { file: await signedPdf(Buffer.from(xml)) });
    assert.equal(a.status, 202, `${v}: ${a.text}`);
  }
});

// ---- §5 success

simTest('VC success: 202 {traceID, spanID, workflowInstanceId}, no warning (also without mode, also in RESOURCE mode); the same id twice is accepted', async () => {
  const id = newDocId();
  expectSuccess(await call(RT, 'VC', { body: { identificativoDoc: id } }), 202, { warning: false, wii: CDA_WII }, 'plain');
  expectSuccess(await call(RT, 'VC', { body: { identificativoDoc: id } }), 202, { warning: false, wii: CDA_WII }, 'same id again (no 409)');
  expectSuccess(await call(RT, 'VC', { omit: ['mode'] }), 202, { warning: false, wii: CDA_WII }, 'mode absent: no extraction warning');
  expectSuccess(await call(RT, 'VC', { mode: 'RESOURCE' }), 202, { warning: false, wii: CDA_WII }, 'RESOURCE');
  for (const v of [{ body: { dataInizioPrestazione: '2026010112000' } }, { claims: { purpose_of_use: 'treatment' } }, { body: { attiCliniciRegoleAccesso: ['p99', 'J07BN', 'J07AH11', '1052328007'], descriptions: ['019655^Bentelan^2.16.840.1.113883.2.9.6.1.5'] } }]) {
    const a = await call(RT, 'VC', v);
    assert.equal(a.status, 202, `${JSON.stringify(v)}: ${a.text}`);
  }
  const pki = await getPki();
  const r = await validCreate();
  const t = await tokens({ op: 'create', signer: pki.sign, patientCf: r.sample.patientCf, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: sha256Hex(r.file!).toUpperCase() });
  const upper = await sendMultipart(RT.client, RT.sim, 'POST', '/gateway/v2/documents/validate-and-create', { ...r, ...t });
  assert.equal(upper.status, 202, `attachment_hash compared case-insensitively: ${upper.text}`);
});

simTest('F-03…F-05 VC: the TS issuer (iss = jwt.ts.issuer, reachable only without the border) skips the PAdES check', async () => {
  const pki = await getPki();
  const r = await validCreate();
  const unsignedPdf = await signedPdf(r.sample.xml, { unsigned: true });
  const t = await tokens({ op: 'create', signer: pki.sign, patientCf: r.sample.patientCf, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: sha256Hex(unsignedPdf), signature: { iss: 'integrity:S1#TS' } });
  const a = await sendMultipart(NO_BORDER.client, NO_BORDER.sim, 'POST', '/gateway/v2/documents/validate-and-create', { ...r, file: unsignedPdf, signature: t.signature, bearer: undefined });
  assert.equal(a.status, 202, a.text);
});
