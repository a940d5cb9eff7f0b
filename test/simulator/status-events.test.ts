/**
 * Driven directly (no TLS, no border): the transaction events the dispatcher records (gateway-impl.md §2.9), E2's
 * 5-day rule (§2.8), E12's bearer/issuer parsing (`TransactionInspectCTL`) and the registry's bounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher, JWT_MISSING_ISSUER_PLACEHOLDER, subjectValueOf, valueBetweenHashes } from '../../simulator/dispatcher.ts';
import { cdaHash, MAX_EVENTS_PER_KEY, MAX_STATUS_EVENTS, Registry } from '../../simulator/registry.ts';
import { resolveSwitches, type SimulatorSwitches } from '../../simulator/switches.ts';
import type { CdaValidatorStage } from '../../simulator/validator.ts';
import { buildPdf } from '../../support/pdf/build.ts';
import { sha256Hex } from '../../support/hash.ts';
import { UNKNOWN_WORKFLOW_ID } from '../../support/gateway/ids.ts';

const PATIENT = 'RMSLSO31M04Z404R';
const CX = (cf: string): string => `${cf}^^^&2.16.840.1.113883.2.9.4.3.2&ISO`;
const DOC_ROOT = '2.16.840.1.113883.2.9.2.90.4.4';
const HL7_TYPE = "('11502-2^^2.16.840.1.113883.6.1')";
const CDA = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.9.10.1.1"/>
  <id root="${DOC_ROOT}" extension="DOC1"/>
  <code code="11502-2" codeSystem="2.16.840.1.113883.6.1"/>
  <recordTarget><patientRole><id root="2.16.840.1.113883.2.9.4.3.2" extension="${PATIENT}"/></patientRole></recordTarget>
</ClinicalDocument>`);

let pdfBytes: Buffer | undefined;
async function pdf(): Promise<Buffer> {
  pdfBytes ??= Buffer.from(await buildPdf({ cda: CDA, mode: 'ATTACHMENT', title: 'Test', creationDate: new Date('2026-01-01T00:00:00Z') }));
  return pdfBytes;
}

const CLAIMS = {
  iss: 'integrity:S1#111#TEST', sub: CX(PATIENT), aud: 'x', iat: 1, exp: 2, jti: 'j',
  subject_organization_id: '090', subject_organization: 'Regione Toscana',
  locality: 'STRUTTURA DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090101123456', subject_role: 'AAS',
  person_id: CX(PATIENT), patient_consent: true, resource_hl7_type: HL7_TYPE,
  subject_application_id: 'APP', subject_application_vendor: 'VENDOR', subject_application_version: '1',
};
const OP_CLAIMS = {
  VALIDATION: { action_id: 'CREATE', purpose_of_use: 'TREATMENT' },
  CREATE: { action_id: 'CREATE', purpose_of_use: 'TREATMENT' },
  REPLACE: { action_id: 'UPDATE', purpose_of_use: 'UPDATE' },
  UPDATE: { action_id: 'UPDATE', purpose_of_use: 'UPDATE' },
  DELETE: { action_id: 'DELETE', purpose_of_use: 'UPDATE' },
};
function token(op: keyof typeof OP_CLAIMS, over: Record<string, unknown> = {}): string {
  return `h.${Buffer.from(JSON.stringify({ ...CLAIMS, ...OP_CLAIMS[op], ...over })).toString('base64url')}.s`;
}

function dispatcher(registry = new Registry(), sw: Partial<SimulatorSwitches> = {}): Dispatcher {
  const validator: CdaValidatorStage = { ready: Promise.resolve(), skipped: [], async validate() { return { skipped: [] }; }, close() {} };
  return new Dispatcher({ switches: resolveSwitches({ requirePades: false, ...sw }), registry, validator });
}

function body(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    healthDataFormat: 'CDA', mode: 'ATTACHMENT', tipologiaStruttura: 'Ospedale', identificativoDoc: id,
    identificativoRep: '2.16.840.1.113883.2.9.2.90.4.5.999', tipoDocumentoLivAlto: 'REF', assettoOrganizzativo: 'AD_PSC100',
    dataInizioPrestazione: '20260101103000', dataFinePrestazione: '20260101110000', tipoAttivitaClinica: 'ERP',
    identificativoSottomissione: '2.16.840.1.113883.2.9.2.90.4.3.999', ...extra,
  });
}

async function e2(d: Dispatcher, id = `${DOC_ROOT}^NEW`) {
  const file = await pdf();
  return d.handle({ op: 'create', signatureHeader: token('CREATE', { attachment_hash: sha256Hex(file) }), multipart: { file, requestBody: body(id) } });
}

test('E2: validation older than 5 whole days → 400 P OLDER_DAY, and the record is consumed anyway (§2.8, §8.3)', async () => {
  const registry = new Registry();
  registry.recordValidation(CDA.toString('utf8'), 'W^^^^urn:ihe:iti:xdw:2013:workflowInstanceId', new Date(Date.now() - 6 * 86_400_000));
  const d = dispatcher(registry);
  const a = await e2(d);
  assert.equal(a.status, 400, a.body);
  assert.deepEqual([a.json!.type, a.json!.instance, a.json!.detail, 'workflowInstanceId' in a.json!], ['/msg/max-day-limit-exceed', '/msg/max-day-limit-exceed', 'Error: cannot publish documents older than 5 days', false]);
  const again = await e2(d);
  assert.equal(again.json!.type, '/msg/cda-match', 'consumed at step n, before the age check');
  // 5 days is still accepted ("difference in days > 5")
  registry.recordValidation(CDA.toString('utf8'), 'W5', new Date(Date.now() - 5 * 86_400_000 - 3_600_000));
  const ok = await e2(d);
  assert.equal(ok.status, 202, ok.body);
  assert.equal(ok.json!.workflowInstanceId, 'W5');
});

test('events: E1 VALIDATION; E2 PUBLICATION with the validated wii; E2 failure PUBLICATION BLOCKING_ERROR with the detail; traceId = the answer\'s traceID', async () => {
  const registry = new Registry();
  const d = dispatcher(registry);
  const file = await pdf();
  const e1 = await d.handle({ op: 'validation', signatureHeader: token('VALIDATION'), multipart: { file, requestBody: '{"healthDataFormat":"CDA","mode":"ATTACHMENT","activity":"VALIDATION"}' } });
  assert.equal(e1.status, 201, e1.body);
  const wii = e1.json!.workflowInstanceId as string;
  const ok = await e2(d);
  assert.equal(ok.status, 202, ok.body);
  const fail = await e2(d);
  assert.equal(fail.status, 400, fail.body);
  const byWii = registry.statusByWii(wii);
  assert.deepEqual(byWii.map((e) => [e.eventType, e.eventStatus, e.traceId]), [['VALIDATION', 'SUCCESS', e1.json!.traceID], ['PUBLICATION', 'SUCCESS', ok.json!.traceID]]);
  assert.equal(byWii[1]!.identificativoDocumento, `${DOC_ROOT}^NEW`);
  assert.equal(byWii[1]!.issuer, 'integrity:S1#111#TEST');
  assert.equal(byWii[1]!.subject, CX(PATIENT));
  assert.equal(byWii[0]!.tipoAttivita, undefined, 'validation events carry no tipoAttivita');
  const f = registry.statusByTrace(fail.json!.traceID as string);
  assert.deepEqual(f.map((e) => [e.eventType, e.eventStatus, e.message, e.workflowInstanceId]), [['PUBLICATION', 'BLOCKING_ERROR', 'Il CDA non risulta validato', UNKNOWN_WORKFLOW_ID]]);
  // E12 through the dispatcher: bearer sub #111# matches the issuer
  const bearer = `Bearer x.${Buffer.from(JSON.stringify({ sub: 'CF#111#Y' })).toString('base64url')}.y`;
  const st = d.handle({ op: 'status', pathId: wii, authorization: bearer });
  const sa = await st;
  assert.equal(sa.status, 200, sa.body);
  assert.equal((sa.json!.transactionData as unknown[]).length, 2);
});

test('events: E4 two-step REPLACE; metadata update RIFERIMENTI_INI/EDS_UPDATE/INI_UPDATE (ASYNC_RETRY), error path UPDATE; an undecodable token → issuer placeholder', async () => {
  const registry = new Registry();
  const d = dispatcher(registry, { replaceRequiresPriorValidation: true, updateAsync: true });
  registry.publish({ id: 'a^old', docType: null, patient: null, wii: 'w0' });
  registry.recordValidation(CDA.toString('utf8'), 'WR');
  const file = await pdf();
  const r = await d.handle({ op: 'replace', pathId: 'a^old', signatureHeader: token('REPLACE', { attachment_hash: sha256Hex(file) }), multipart: { file, requestBody: body('a^new') } });
  assert.equal(r.status, 202, r.body);
  assert.deepEqual(registry.statusByWii('WR').map((e) => [e.eventType, e.eventStatus, e.identificativoDocumento, e.tipoAttivita]), [['REPLACE', 'SUCCESS', 'a^new', 'ERP']]);
  const md = { tipologiaStruttura: 'Ospedale', tipoDocumentoLivAlto: 'REF', assettoOrganizzativo: 'AD_PSC100', tipoAttivitaClinica: 'ERP', identificativoSottomissione: 'x' };
  const u = await d.handle({ op: 'update-metadata', pathId: 'a^new', signatureHeader: token('UPDATE'), metadata: md });
  assert.equal(u.status, 202, u.body);
  assert.deepEqual(registry.statusByTrace(u.json!.traceID as string).map((e) => [e.eventType, e.eventStatus, e.workflowInstanceId]), [
    ['RIFERIMENTI_INI', 'SUCCESS', u.json!.workflowInstanceId], ['EDS_UPDATE', 'SUCCESS', u.json!.workflowInstanceId], ['INI_UPDATE', 'ASYNC_RETRY', u.json!.workflowInstanceId],
  ]);
  const nf = await d.handle({ op: 'update-metadata', pathId: 'a^unknown', signatureHeader: token('UPDATE'), metadata: md });
  assert.equal(nf.status, 404, nf.body);
  assert.deepEqual(registry.statusByTrace(nf.json!.traceID as string).map((e) => [e.eventType, e.eventStatus, e.message]), [['UPDATE', 'BLOCKING_ERROR', 'IniException: No record found']]);
  const bad = await d.handle({ op: 'validation', signatureHeader: 'no-dot', multipart: { file, requestBody: '{"activity":"VALIDATION"}' } });
  assert.equal(bad.status, 403, bad.body);
  const be = registry.statusByTrace(bad.json!.traceID as string);
  assert.deepEqual(be.map((e) => [e.eventType, e.eventStatus, e.issuer, e.subject]), [['VALIDATION', 'BLOCKING_ERROR', JWT_MISSING_ISSUER_PLACEHOLDER, undefined]]);
  // delete of an unknown id: RIFERIMENTI_INI BLOCKING_ERROR (§4.1 step 4); a path-id error: no event
  const dl = await d.handle({ op: 'delete', pathId: 'a^gone', signatureHeader: token('DELETE') });
  assert.deepEqual(registry.statusByTrace(dl.json!.traceID as string).map((e) => [e.eventType, e.eventStatus]), [['RIFERIMENTI_INI', 'BLOCKING_ERROR']]);
  const dlBad = await d.handle({ op: 'delete', pathId: 'no-caret', signatureHeader: token('DELETE') });
  assert.deepEqual(registry.statusByTrace(dlBad.json!.traceID as string), []);
});

test('E12 bearer parsing (TransactionInspectCTL): "Bearer " exactly, base64url payload, sub\'s text between the first two # cut to 3', () => {
  const b = (payload: unknown, prefix = 'Bearer '): string => `${prefix}h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
  assert.equal(valueBetweenHashes('integrity:S1#111#X'), '111');
  assert.equal(valueBetweenHashes('integrity:S1#12345678901#X'), '123');
  assert.equal(valueBetweenHashes('a#'), null, 'Java split drops the trailing empty piece');
  assert.equal(valueBetweenHashes('a##b'), '');
  assert.equal(valueBetweenHashes('no-hash'), null);
  assert.equal(subjectValueOf(b({ sub: 'x#120#y' })), '120');
  assert.equal(subjectValueOf(b({ sub: 'x#120#y' }, 'bearer ')), null, 'prefix is case-sensitive');
  assert.equal(subjectValueOf(b({ iss: 'x#120#y' })), null, 'sub, not iss (non-dev profile)');
  assert.equal(subjectValueOf('Bearer onlyonepiece'), null);
  assert.equal(subjectValueOf(undefined), null);
  // standard-alphabet characters are refused by the URL decoder
  const std = Buffer.from(JSON.stringify({ sub: 'x#120#y', pad: '>>>???' })).toString('base64');
  assert.ok(/[+/]/.test(std));
  assert.equal(subjectValueOf(`Bearer h.${std}.s`), null);
});

test('registry: status events bounded in all (oldest dropped, indexes kept in step) and per wii/traceID (OpenAPI maxItems 1000)', () => {
  const r = new Registry();
  const base = { eventType: 'VALIDATION', eventStatus: 'SUCCESS' as const, issuer: 'i' };
  for (let k = 0; k < MAX_EVENTS_PER_KEY + 5; k++) r.recordStatus({ ...base, workflowInstanceId: 'same', traceId: `t${k}` });
  assert.equal(r.statusByWii('same').length, MAX_EVENTS_PER_KEY);
  assert.equal(r.statusByWii('same')[0]!.traceId, 't5');
  for (let k = 0; k < MAX_STATUS_EVENTS; k++) r.recordStatus({ ...base, workflowInstanceId: `w${k}`, traceId: `u${k}` });
  assert.equal(r.statusEventCount, MAX_STATUS_EVENTS);
  assert.deepEqual(r.statusByWii('same'), []);
  assert.deepEqual(r.statusByTrace('t0'), []);
  assert.equal(r.statusByTrace(`u${MAX_STATUS_EVENTS - 1}`).length, 1);
  r.clear();
  assert.equal(r.statusEventCount, 0);
});

test('validation hash (§2.8): legalAuthenticator values and its <signature> ignored, a structural difference inside it and anything outside detected', () => {
  const la = (o: { cf?: string; given?: string; signature?: boolean; extra?: string; time?: string } = {}): string => CDA.toString('utf8').replace('</ClinicalDocument>', `<legalAuthenticator typeCode="LA">
    <time value="${o.time ?? '20260101'}"/><signatureCode code="S"/>${o.signature ? '<signature>sig-bytes</signature>' : ''}
    <assignedEntity><id root="2.16.840.1.113883.2.9.4.3.2" extension="${o.cf ?? 'CF1'}"/>
      <assignedPerson><name><given>${o.given ?? 'Mario'}</given><family>Rossi</family>${o.extra ?? ''}</name></assignedPerson></assignedEntity>
  </legalAuthenticator>
</ClinicalDocument>`);
  const base = cdaHash(la());
  assert.equal(cdaHash(la({ cf: 'CF2', given: 'Luigi', time: '20260202', signature: true })), base, 'values and the signature child ignored');
  assert.notEqual(cdaHash(la({ extra: '<prefix>Dr</prefix>' })), base, 'an element more inside legalAuthenticator is detected');
  assert.notEqual(cdaHash(la().replace('extension="DOC1"', 'extension="DOC2"')), base, 'outside legalAuthenticator: detected');
  const r = new Registry();
  r.recordValidation(la(), 'W1');
  assert.equal(r.consumeValidation(la({ given: 'Luigi' }))?.wii, 'W1');
  r.recordValidation(la(), 'W2');
  assert.equal(r.consumeValidation(la({ extra: '<suffix>Jr</suffix>' })), undefined);
});
