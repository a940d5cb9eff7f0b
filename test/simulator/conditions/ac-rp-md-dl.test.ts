/**
 * docs/gateway-conditions.md §4.7 accreditation hooks (AC-01…AC-04, switch `accreditationPrefixes`), §6 replace (RT
 * default = validate-and-replace, rows 17a/17b; RP4 = national two-step, switch `replaceRequiresPriorValidation`),
 * §7 metadata update (MD-01…MD-13), §8 delete (DL-01…DL-06), §3.1 CART (C-01, C-02).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { getPki, newDocId, send, sendMultipart, simTest, useSimulator, validCreate } from '../helpers.ts';
import { call, CDA_WII, expectRow, expectSuccess, metadataJson, publish, V2, type Row, type Target } from './lib.ts';

const RT: Target = {} as Target;
const NO_CONTENT: Target = {} as Target;
const RP4: Target = {} as Target;
const AC: Target = {} as Target;
const AC_RP4: Target = {} as Target;
const PASS: Target = {} as Target;
const EDS: Target = {} as Target;
const INI_DOWN: Target = {} as Target;
const REGION: Target = {} as Target;
const ASYNC: Target = {} as Target;
useSimulator({}, (s) => Object.assign(RT, s));
useSimulator({ switches: { openApiConformance: false } }, (s) => Object.assign(NO_CONTENT, s));
useSimulator({ switches: { replaceRequiresPriorValidation: true } }, (s) => Object.assign(RP4, s));
useSimulator({ switches: { accreditationPrefixes: true } }, (s) => Object.assign(AC, s));
useSimulator({ switches: { accreditationPrefixes: true, replaceRequiresPriorValidation: true } }, (s) => Object.assign(AC_RP4, s));
useSimulator({ switches: { iniUnknownId: 'ini-passthrough' } }, (s) => Object.assign(PASS, s));
useSimulator({ switches: { downstream: 'eds-error' } }, (s) => Object.assign(EDS, s));
useSimulator({ switches: { downstream: 'ini-unreachable' } }, (s) => Object.assign(INI_DOWN, s));
useSimulator({ switches: { downstream: 'ini-invalid-region' } }, (s) => Object.assign(REGION, s));
useSimulator({ switches: { updateAsync: true, deleteAsync: true } }, (s) => Object.assign(ASYNC, s));

const NOT_FOUND_17A: Row = { status: 404, family: 'P', type: '/msg/record-not-found', title: 'Record non trovato.', instance: '', detail: 'IniException: No record found' };
const REFERENCES_17B: Row = { status: 404, family: 'INI', type: '/errors/ini', title: 'References not found', instance: '/missing-references', detail: 'Query has returned not data when trying to fetch references' };
const CDA_MATCH: Row = { status: 400, family: 'P', type: '/msg/cda-match', title: "Errore in fase di recupero dell'esito della verifica.", instance: '/cda-validation', detail: 'Il CDA non risulta validato' };
const ASYNC_WARNING = 'Attenzione, transazione presa in carico. Nuovo tentativo in corso';
const wiiOfId = (id: string): RegExp => new RegExp(`^${createHash('sha256').update(id).digest('hex')}\\.[0-9a-f]{10}\\^\\^\\^\\^urn:ihe:iti:xdw:2013:workflowInstanceId$`);
const seed = (t: Target, id: string): void => { t.sim.registry.publish({ id, docType: 'LAB', patient: null, wii: 'seed' }); };

// ---- accreditation hooks (switch accreditationPrefixes)

simTest('AC-01 RP, RP4: the status-check service does not know the path id → 404 passed through before PAdES; TRIAL_ID_SKIP_ACCREDITATIONCHECK is not looked up', async () => {
  const unknown = newDocId();
  for (const [t, m] of [[AC, 'RP'], [AC_RP4, 'RP4']] as const) {
    const a = await call(t, m, { pathId: unknown, file: Buffer.from('%PDF-1.7 unreadable, but never read') });
    expectRow(a, { status: 404, family: 'P', type: '/msg/record-not-found', title: 'Record non trovato.', instance: '/record-not-found', detail: /No record found/ }, m);
  }
  const trial = await call(AC, 'RP', { pathId: 'TRIAL_ID_SKIP_ACCREDITATIONCHECK' });
  expectRow(trial, NOT_FOUND_17A, 'TRIAL id: no status-check lookup, INI 404 at the end');
});

simTest('AC-02 RP: an id that is only a prefix (nothing after it) → 400 V /msg/simulation-error', async () => {
  seed(AC, 'CRASH_EDS');
  expectRow(await call(AC, 'RP', { pathId: 'CRASH_EDS' }), { status: 400, family: 'V', type: '/msg/simulation-error', title: 'Simulation Error.', instance: '/msg/simulation-error', detail: "Inserire una string randomica dopo l'id documento" }, 'RP');
});

simTest('AC-03 VC, RP, RP4: CRASH_TIMEOUT… → VC/RP 500 "Timeout simulation" (title and detail), RP4 504 Generic timeout', async () => {
  const e: Row = { status: 500, family: 'P', type: '/msg/connection-refused', title: 'Timeout simulation', instance: '/msg/connection-refused', detail: 'Timeout simulation' };
  expectRow(await call(AC, 'VC', { body: { identificativoDoc: 'CRASH_TIMEOUT_1^abc' } }), e, 'VC');
  seed(AC, 'CRASH_TIMEOUT_2^abc');
  expectRow(await call(AC, 'RP', { pathId: 'CRASH_TIMEOUT_2^abc' }), e, 'RP');
  seed(AC_RP4, 'CRASH_TIMEOUT_3^abc');
  expectRow(await call(AC_RP4, 'RP4', { pathId: 'CRASH_TIMEOUT_3^abc' }), { status: 504, family: 'P', type: '/msg/generic-timeout', title: 'Generic timeout.', instance: '', detail: 'Generic timeout.' }, 'RP4');
});

simTest('AC-04 VC, RP, RP4: SKIP_VALIDATION… → the inline validation re-keys the record: VC/RP 400 P /msg/cda-match; RP4 publishes with the stored wii', async () => {
  expectRow(await call(AC, 'VC', { body: { identificativoDoc: 'SKIP_VALIDATION_1^abc' } }), CDA_MATCH, 'VC');
  seed(AC, 'CRASH_INI_2^abc');
  expectRow(await call(AC, 'RP', { pathId: 'CRASH_INI_2^abc' }), CDA_MATCH, 'RP');
  seed(AC_RP4, 'SKIP_VALIDATION_3^abc');
  expectSuccess(await call(AC_RP4, 'RP4', { pathId: 'SKIP_VALIDATION_3^abc' }), 202, { warning: '', wii: CDA_WII }, 'RP4');
});

// ---- replace

simTest('RP (RT default = validate-and-replace) success: 202 without warning; 17a unknown old id → 404 IniException; an id without ^ is not checked and ends at INI', async () => {
  const old = await publish(RT);
  expectSuccess(await call(RT, 'RP', { pathId: old }), 202, { warning: false, wii: CDA_WII }, 'success');
  expectRow(await call(RT, 'RP', { pathId: old }), NOT_FOUND_17A, 'the old id was retired');
  expectRow(await call(RT, 'RP', { pathId: 'no-caret-here' }), NOT_FOUND_17A, 'no path-id check');
});

simTest('RP 17b (switch iniUnknownId=ini-passthrough): the INI client\'s 404 body passed through, no status', async () => {
  expectRow(await call(PASS, 'RP'), REFERENCES_17B, 'RP');
});

simTest('RP4 (switch replaceRequiresPriorValidation): path id check first → 400 P /invalid-req-id; prior validation → 202 with warning ""/extraction warning; record consumed; 404 after a prior validation', async () => {
  expectRow(await call(RP4, 'RP4', { pathId: 'no-caret-here' }), { status: 400, family: 'P', type: '/msg/id-doc', title: 'Campo id documento non valido', instance: '/invalid-req-id', detail: "L'identificativo documento fornito in richiesta non è valido" }, 'path id');
  const old = await publish(RP4);
  const validate = async (mode?: string): Promise<string> => {
    const v = await validCreate({ tokens: { op: 'create', attachmentHash: undefined } });
    const a = await sendMultipart(RP4.client, RP4.sim, 'POST', '/gateway/v1/documents/validation', { ...v, requestBody: JSON.stringify({ healthDataFormat: 'CDA', ...(mode ? { mode } : {}), activity: 'VALIDATION' }) });
    assert.equal(a.status, 201, a.text);
    return String(a.json!.workflowInstanceId);
  };
  const wii = await validate('ATTACHMENT');
  const ok = await call(RP4, 'RP4', { pathId: old });
  expectSuccess(ok, 202, { warning: '' }, 'mode given: warning ""');
  assert.equal(ok.json!.workflowInstanceId, wii, 'the wii stored at validation');
  expectRow(await call(RP4, 'RP4', { pathId: old }), CDA_MATCH, 'record consumed: a second replace needs a new validation');
  const old2 = await publish(RP4);
  await validate();
  expectSuccess(await call(RP4, 'RP4', { pathId: old2, omit: ['mode'] }), 202, { warning: 'Attenzione, non è stata selezionata la modalità di estrazione del CDA' }, 'mode absent');
  await validate();
  expectRow(await call(RP4, 'RP4', { pathId: newDocId() }), NOT_FOUND_17A, 'unknown old id after a prior validation');
});

// ---- metadata update

simTest('MD-01: path id without ^ → 400 R (no status), checked after Spring read the body and before the JWT', async () => {
  expectRow(await call(RT, 'MD', { pathId: 'no-caret', signatureHeader: null }), { status: 401, family: 'GW', title: 'TokenAuthenticationRequired' }, 'the border first');
  expectRow(await call(RT, 'MD', { pathId: 'no-caret' }), { status: 400, family: 'R', type: '/msg/id-doc', title: 'Campo id documento non valido', instance: '/invalid-id', detail: "L'identificativo documento non è valido" }, 'MD-01');
});

simTest('MD-02 / MD-03: the correlation masks every body message — tipoDocumentoLivAlto missing (without the border) gives the "null" detail, an LDO with a bad date gives "no correlation"', async () => {
  const v = { status: 400, family: 'Vn' as const, type: '/msg/validator', title: 'Errore di validazione', instance: '/msg/validator' };
  expectRow(await call(NO_CONTENT, 'MD', { omit: ['tipoDocumentoLivAlto'] }), { ...v, detail: 'Uno tra tipo documento o tipo documento livello alto risulta essere null' }, 'MD-03 unreachable: MD-02 answers');
  expectRow(await call(RT, 'MD', { body: { tipoDocumentoLivAlto: 'LDO', dataInizioPrestazione: '2026' } }), { ...v, detail: "Non c'è correlazione tra tipo documento e tipo documento livello alto" }, 'masks the date');
});

simTest('MD-04 / MD-05 / MD-06: atti → dates → descriptions, every message /msg/mandatory-element (dates too)', async () => {
  const mand = { status: 400, family: 'Vn' as const, type: '/msg/mandatory-element', title: 'Campo obbligatorio non presente.', instance: '/request-missing-field' };
  const badDesc = ['A^b^9.9.9'];
  expectRow(await call(RT, 'MD', { body: { attiCliniciRegoleAccesso: ['P99', 'NOPE'], dataInizioPrestazione: '2026', descriptions: badDesc } }), { ...mand, detail: 'Il campo atti clinici NOPE non è consentito' }, 'MD-04 first');
  expectRow(await call(RT, 'MD', { body: { dataInizioPrestazione: '2026', descriptions: badDesc } }), { ...mand, detail: 'Il campo data inizio deve essere valorizzato correttamente' }, 'MD-05 before descriptions');
  expectRow(await call(RT, 'MD', { body: { descriptions: badDesc } }), { ...mand, detail: 'Valorizzare correttamente il campo descriptions rispettando i valori di riferimento per gli OID' }, 'MD-06');
});

simTest('MD-07: a null description (without the border) → 500 NullPointerException', async () => {
  expectRow(await call(NO_CONTENT, 'MD', { body: { descriptions: [null] } }), { status: 500, family: 'G', detail: 'Cannot invoke "String.split(String)" because "description" is null' }, 'MD-07');
});

simTest('MD-08 / MD-09: unknown id → 404 IniException (default) or the INI client\'s "Document metadata not found" (switch iniUnknownId=ini-passthrough)', async () => {
  expectRow(await call(RT, 'MD'), NOT_FOUND_17A, 'MD-08');
  expectRow(await call(PASS, 'MD'), { status: 404, family: 'INI', type: '/errors/ini', title: 'Document metadata not found', instance: '/missing-metadata', detail: 'Attenzione, metadati non trovati' }, 'MD-09');
});

simTest('MD-10: INI client unreachable [env, switch downstream=ini-unreachable] → 500 "Timeout error while call merge metadati"', async () => {
  expectRow(await call(INI_DOWN, 'MD', { pathId: await publish(INI_DOWN) }), { status: 500, family: 'G', detail: 'Timeout error while call merge metadati' }, 'MD-10');
});

simTest('MD-11: EDS branch with tipologiaStruttura or assettoOrganizzativo null (without the border) → 500 with the JVM NullPointerException message', async () => {
  const id = await publish(NO_CONTENT);
  expectRow(await call(NO_CONTENT, 'MD', { pathId: id, omit: ['tipologiaStruttura'] }), { status: 500, family: 'G', detail: 'Cannot invoke "it.finanze.sanita.fse2.ms.gtw.dispatcher.enums.HealthcareFacilityEnum.getCode()" because the return value of "it.finanze.sanita.fse2.ms.gtw.dispatcher.dto.request.PublicationMetadataReqDTO.getTipologiaStruttura()" is null' }, 'tipologia');
  expectRow(await call(NO_CONTENT, 'MD', { pathId: id, omit: ['assettoOrganizzativo'] }), { status: 500, family: 'G', detail: 'Cannot invoke "it.finanze.sanita.fse2.ms.gtw.dispatcher.enums.PracticeSettingCodeEnum.getCode()" because the return value of "it.finanze.sanita.fse2.ms.gtw.dispatcher.dto.request.PublicationMetadataReqDTO.getAssettoOrganizzativo()" is null' }, 'assetto');
});

simTest('MD-12 / DL-04: EDS esito=false [env, switch downstream=eds-error] → 404 /msg/eds-error', async () => {
  const e: Row = { status: 404, family: 'P', type: '/msg/eds-error', title: 'Eds error.', instance: '/msg/eds-document-missing', detail: 'Document cannot be found on the Server FHIR' };
  expectRow(await call(EDS, 'MD', { pathId: await publish(EDS) }), e, 'MD-12');
  expectRow(await call(EDS, 'DL', { pathId: await publish(EDS) }), e, 'DL-04');
});

simTest('MD-13 / DL-06: INI failure queued for retry [switches updateAsync, deleteAsync] → 202 with the async warning', async () => {
  const id = await publish(ASYNC);
  expectSuccess(await call(ASYNC, 'MD', { pathId: id }), 202, { warning: ASYNC_WARNING, wii: wiiOfId(id) }, 'MD-13');
  expectSuccess(await call(ASYNC, 'DL', { pathId: id }), 202, { warning: ASYNC_WARNING, wii: wiiOfId(id) }, 'DL-06');
});

simTest('MD success: 200 {traceID, spanID, workflowInstanceId = sha256(id).<10 hex>}, no warning; also on /metadata-iti-57', async () => {
  const id = await publish(RT);
  expectSuccess(await call(RT, 'MD', { pathId: id }), 200, { warning: false, wii: wiiOfId(id) }, '/metadata');
  expectSuccess(await call(RT, 'MD', { pathId: id, base: '/gateway/v1/documents', metadataSuffix: '/metadata-iti-57', body: metadataJson({ attiCliniciRegoleAccesso: ['J07AH11'] }) }), 200, { warning: false, wii: wiiOfId(id) }, '/metadata-iti-57');
});

// ---- delete

simTest('DL-01: path id fails isValidMasterId → 400 R, before the JWT', async () => {
  expectRow(await call(RT, 'DL', { pathId: '2.16.840.1.113883.2.9.2.90.4.4^', claims: { action_id: null } }), { status: 400, family: 'R', type: '/msg/id-doc', title: 'Campo id documento non valido', instance: '/invalid-id', detail: "L'identificativo documento non è valido" }, 'DL-01');
});

simTest('DL-02 / DL-03: unknown id → 404 IniException (default) or the INI client\'s "References not found" (switch)', async () => {
  expectRow(await call(RT, 'DL'), NOT_FOUND_17A, 'DL-02');
  expectRow(await call(PASS, 'DL'), REFERENCES_17B, 'DL-03');
});

simTest('DL-05: INI delete says "Invalid region ip" with the mock enabled [env, switch downstream=ini-invalid-region] → 500 /msg/mocked-service', async () => {
  expectRow(await call(REGION, 'DL', { pathId: await publish(REGION) }), { status: 500, family: 'P', type: '/msg/mocked-service', title: "Mock enabled, this exception won't stop continuing to process the request.", instance: '/msg/mocked-service', detail: '{INI Error Message: Invalid region ip, EDS Error Message: }' }, 'DL-05');
});

simTest('DL success: 200 {traceID, spanID, workflowInstanceId = sha256(id).<10 hex>}, no warning; deleted, then publishable again', async () => {
  const id = await publish(RT);
  expectSuccess(await call(RT, 'DL', { pathId: id }), 200, { warning: false, wii: wiiOfId(id) }, 'delete');
  expectRow(await call(RT, 'DL', { pathId: id }), NOT_FOUND_17A, 'second delete');
  await publish(RT, { id });
});

// ---- CART

simTest('C-01: X-Cart-id (UUID) on every answer — success, dispatcher error, border error, Spring error, CART error', async () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const answers = [
    await call(RT, 'VC'), await call(RT, 'DL'), await call(RT, 'VC', { noBearer: true }), await call(NO_CONTENT, 'VC', { contentType: 'text/plain', rawRequest: 'x' }),
    await send(RT.client, RT.sim, { method: 'GET', path: `${V2}/nothing-here`, check: false }),
  ];
  for (const a of answers) assert.match(String(a.headers['x-cart-id']), uuid, `${a.status}: ${a.text.slice(0, 100)}`);
  assert.deepEqual(answers.map((a) => a.status), [202, 404, 401, 415, 404]);
});

simTest('C-02: CART cannot deliver (an injected 503) → CART\'s own error; its body shape is not published (simulator: urn:cart:error)', async () => {
  RT.sim.faults.inject({ kind: 'status', status: 503 });
  const a = await call(RT, 'DL');
  expectRow(a, { status: 503, family: 'CART', type: 'urn:cart:error:503:ServiceUnavailable', title: 'Service Unavailable' }, 'C-02');
  void getPki;
});
