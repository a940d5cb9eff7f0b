/**
 * The dispatcher's pipelines driven directly (no TLS, no border), with a stub validator stage: what only a controlled
 * validator answer or an exact step order can show. E1 (`POST /v1/documents/validation`, `ValidationCTL.validate`):
 * wii before the JWT ↔ CDA checks, ValidationResDTO key order, the warning cut after assembly; E3 and delete for
 * contrast (gateway-impl.md §2.1, §2.2, §3.3, §6).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher, EXTRACT_WARNING, type DispatchInput } from '../../simulator/dispatcher.ts';
import { Registry } from '../../simulator/registry.ts';
import { resolveSwitches, type SimulatorSwitches } from '../../simulator/switches.ts';
import type { CdaValidatorStage } from '../../simulator/validator.ts';
import type { HttpAnswer } from '../../simulator/answers.ts';
import { buildPdf } from '../../support/pdf/build.ts';
import { sha256Hex } from '../../support/hash.ts';
import { UNKNOWN_WORKFLOW_ID } from '../../support/gateway/ids.ts';

const PATIENT = 'RMSLSO31M04Z404R';
const CX = (cf: string): string => `${cf}^^^&2.16.840.1.113883.2.9.4.3.2&ISO`;
const DOC_ROOT = '2.16.840.1.113883.2.9.2.90.4.4';
const HL7_TYPE = "('11502-2^^2.16.840.1.113883.6.1')";
const COMPUTED_WII = new RegExp(`^${DOC_ROOT.replace(/\./g, '\\.')}\\.${sha256Hex('DOC1')}\\.[0-9a-f]{10}\\^\\^\\^\\^urn:ihe:iti:xdw:2013:workflowInstanceId$`);

/** A minimal CDA: the dispatcher reads only the first `<id>`, the first `<code>` and `patientRole > id`. */
function cda(o: { ids?: boolean } = {}): Buffer {
  const ids = o.ids ?? true;
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.9.10.1.1"/>
  ${ids ? `<id root="${DOC_ROOT}" extension="DOC1"/>` : ''}
  <code code="11502-2" codeSystem="2.16.840.1.113883.6.1"/>
  <recordTarget><patientRole>${ids ? `<id root="2.16.840.1.113883.2.9.4.3.2" extension="${PATIENT}"/>` : ''}</patientRole></recordTarget>
</ClinicalDocument>`);
}

const pdfCache = new Map<string, Buffer>();
async function pdf(o: { ids?: boolean } = {}): Promise<Buffer> {
  const key = JSON.stringify(o);
  let p = pdfCache.get(key);
  if (!p) {
    p = Buffer.from(await buildPdf({ cda: cda(o), mode: 'ATTACHMENT', title: 'Test', creationDate: new Date('2026-01-01T00:00:00Z') }));
    pdfCache.set(key, p);
  }
  return p;
}

/** The FSE-JWT-Signature value as the dispatcher reads it (it never verifies the signature). */
function token(op: 'VALIDATION' | 'CREATE' | 'DELETE', over: Record<string, unknown> = {}): string {
  const claims = {
    iss: 'integrity:S1#TEST', sub: CX(PATIENT), aud: 'x', iat: 1, exp: 2, jti: 'j',
    subject_organization_id: '090', subject_organization: 'Regione Toscana',
    locality: 'STRUTTURA DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090101123456', subject_role: 'AAS',
    person_id: CX(PATIENT), patient_consent: true,
    purpose_of_use: op === 'DELETE' ? 'UPDATE' : 'TREATMENT', action_id: op === 'DELETE' ? 'DELETE' : 'CREATE',
    resource_hl7_type: HL7_TYPE,
    subject_application_id: 'APP', subject_application_vendor: 'VENDOR', subject_application_version: '1',
    ...over,
  };
  return `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
}

/** A dispatcher whose validator answers `warning` (SEMANTIC_WARNING) or nothing (OK); PAdES not required. */
function dispatcher(warning?: string, sw: Partial<SimulatorSwitches> = {}, registry = new Registry()): Dispatcher {
  const validator: CdaValidatorStage = { ready: Promise.resolve(), skipped: [], async validate() { return { warning, skipped: [] }; }, close() {} };
  return new Dispatcher({ switches: resolveSwitches({ requirePades: false, ...sw }), registry, validator });
}

async function validation(d: Dispatcher, o: { file?: Buffer; signature?: string; body?: Record<string, unknown> } = {}): Promise<HttpAnswer> {
  const i: DispatchInput = {
    op: 'validation',
    signatureHeader: o.signature ?? token('VALIDATION'),
    multipart: { file: o.file ?? await pdf(), requestBody: JSON.stringify(o.body ?? { healthDataFormat: 'CDA', mode: 'ATTACHMENT', activity: 'VALIDATION' }) },
  };
  return d.handle(i);
}

async function create(d: Dispatcher, o: { signature?: Record<string, unknown> } = {}): Promise<HttpAnswer> {
  const file = await pdf();
  const body = {
    healthDataFormat: 'CDA', mode: 'ATTACHMENT', tipologiaStruttura: 'Ospedale', identificativoDoc: `${DOC_ROOT}^DOC1`,
    identificativoRep: '2.16.840.1.113883.2.9.2.90.4.5.999', tipoDocumentoLivAlto: 'REF', assettoOrganizzativo: 'AD_PSC100',
    dataInizioPrestazione: '20260101103000', dataFinePrestazione: '20260101110000', tipoAttivitaClinica: 'ERP',
    identificativoSottomissione: '2.16.840.1.113883.2.9.2.90.4.3.999', administrativeRequest: ['NOSSN'],
  };
  return d.handle({
    op: 'validate-and-create',
    signatureHeader: token('CREATE', { attachment_hash: sha256Hex(file), ...o.signature }),
    multipart: { file, requestBody: JSON.stringify(body) },
  });
}

const keys = (a: HttpAnswer): string[] => Object.keys(JSON.parse(a.body) as Record<string, unknown>);

test('E1: the wii is computed before the JWT ↔ CDA checks: a resource_hl7_type mismatch carries the computed wii (E3 still UNKNOWN_WORKFLOW_ID)', async () => {
  const d = dispatcher();
  const e1 = await validation(d, { signature: token('VALIDATION', { resource_hl7_type: "('11488-4^^2.16.840.1.113883.6.1')" }) });
  assert.equal(e1.status, 403, e1.body);
  assert.equal(e1.json!.instance, '/jwt-document-type');
  assert.match(String(e1.json!.workflowInstanceId), COMPUTED_WII, 'E1 step j (wii) runs before step k (JWT ↔ CDA)');
  const e3 = await create(d, { signature: { resource_hl7_type: "('11488-4^^2.16.840.1.113883.6.1')" } });
  assert.equal(e3.status, 403, e3.body);
  assert.equal(e3.json!.instance, '/jwt-document-type');
  assert.equal(e3.json!.workflowInstanceId, UNKNOWN_WORKFLOW_ID, 'E3: JWT ↔ CDA inside PAV, before the wii exists');
});

test('E1: a CDA without any <id> → 400 /msg/workflow-id-error-extraction with UNKNOWN_WORKFLOW_ID, not 403 /jwt-person-id', async () => {
  const a = await validation(dispatcher(), { file: await pdf({ ids: false }) });
  assert.equal(a.status, 400, a.body);
  assert.deepEqual(
    { type: a.json!.type, title: a.json!.title, detail: a.json!.detail, status: a.json!.status, instance: a.json!.instance, wii: a.json!.workflowInstanceId },
    { type: '/msg/workflow-id-error-extraction', title: 'Errore in fase di estrazione del workflow id.', detail: "Errore durante l'estrazione del workflow instance id ", status: 400, instance: '/msg/workflow-id-error-extraction', wii: UNKNOWN_WORKFLOW_ID },
  );
  // E3 checks patientRole > id first (X-03), so its WORKFLOW_ID_ERROR is unreachable.
  const d = dispatcher();
  const file = await pdf({ ids: false });
  const e3 = await d.handle({ op: 'validate-and-create', signatureHeader: token('CREATE', { attachment_hash: sha256Hex(file) }), multipart: { file, requestBody: '{"healthDataFormat":"CDA","mode":"ATTACHMENT","tipologiaStruttura":"Ospedale","identificativoDoc":"a^b","identificativoRep":"2.16.840.1.113883.2.9.2.90.4.5.999","tipoDocumentoLivAlto":"REF","assettoOrganizzativo":"AD_PSC100","tipoAttivitaClinica":"ERP","identificativoSottomissione":"x","dataInizioPrestazione":"20260101103000","dataFinePrestazione":"20260101110000"}' } });
  assert.equal(e3.status, 403, e3.body);
  assert.equal(e3.json!.instance, '/jwt-person-id');
});

test('success bodies follow their DTO: E1 ValidationResDTO id first; E3 PublicationResDTO and delete ResponseWifDTO warning first', async () => {
  const e1 = await validation(dispatcher('[W001 | w]'));
  assert.equal(e1.status, 201, e1.body);
  assert.deepEqual(keys(e1), ['traceID', 'spanID', 'workflowInstanceId', 'warning']);
  assert.equal(e1.json!.warning, '[W001 | w]');
  assert.match(String(e1.json!.workflowInstanceId), COMPUTED_WII);
  const noWarning = await validation(dispatcher(), { body: { healthDataFormat: 'CDA', mode: 'ATTACHMENT', activity: 'VERIFICA' } });
  assert.equal(noWarning.status, 200, noWarning.body);
  assert.deepEqual(keys(noWarning), ['traceID', 'spanID', 'workflowInstanceId'], 'an empty warning is omitted (NON_NULL)');
  const e3 = await create(dispatcher('[W001 | w]'));
  assert.equal(e3.status, 202, e3.body);
  assert.deepEqual(keys(e3), ['traceID', 'spanID', 'warning', 'workflowInstanceId']);
  const registry = new Registry();
  registry.publish({ id: 'a^b', docType: null, patient: null, wii: 'w' });
  const dl = await dispatcher(undefined, { deleteAsync: true }, registry).handle({ op: 'delete', pathId: 'a^b', signatureHeader: token('DELETE') });
  assert.equal(dl.status, 202, dl.body);
  assert.deepEqual(keys(dl), ['traceID', 'spanID', 'warning', 'workflowInstanceId']);
});

test('E1: the ≥ 200000 cut applies to the assembled warning (wrapper included), E3 cuts the validator\'s warning', async () => {
  const cut = (s: string): string => (s.length >= 200_000 ? `${s.slice(0, 199_997)}...` : s);
  // Compared without printing 200000 characters on failure.
  const same = (a: HttpAnswer, expected: string, label: string): void => {
    const got = String(a.json!.warning);
    assert.ok(got === expected, `${label}: warning of ${got.length} characters ending "${got.slice(-30)}", expected ${expected.length} ending "${expected.slice(-30)}"`);
  };
  // Mode absent: "[" + validator warning + "[WARNING_EXTRACT]" + text + "]" crosses the limit only once assembled.
  const v1 = 'w'.repeat(199_990);
  const wrapped = await validation(dispatcher(v1), { body: { healthDataFormat: 'CDA', activity: 'VALIDATION' } });
  assert.equal(wrapped.status, 201, wrapped.body.slice(0, 300));
  const assembled = `[${v1}[WARNING_EXTRACT]${EXTRACT_WARNING}]`;
  assert.ok(assembled.length >= 200_000);
  same(wrapped, cut(assembled), 'wrapper pushes it over the limit');
  assert.equal(String(wrapped.json!.warning).length, 200_000);
  // A validator warning already over the limit: cut once, after the wrapper, never twice.
  const v2 = 'x'.repeat(250_000);
  const over = await validation(dispatcher(v2), { body: { healthDataFormat: 'CDA', activity: 'VALIDATION' } });
  same(over, cut(`[${v2}[WARNING_EXTRACT]${EXTRACT_WARNING}]`), 'validator warning over the limit, wrapped');
  const withMode = await validation(dispatcher(v2));
  same(withMode, cut(v2), 'mode set, unsigned: the validator warning alone');
  const e3 = await create(dispatcher(v2));
  assert.equal(e3.status, 202, e3.body.slice(0, 300));
  same(e3, cut(v2), 'E3/E5: the validator warning alone, cut');
});

test('a token ending in "." → MANDATORY_ELEMENT_ERROR_TOKEN "Token JWT non valido." (401 on delete, family R)', async () => {
  const d = dispatcher();
  for (const t of ['abc.', '.']) {
    const dl = await d.handle({ op: 'delete', pathId: 'a^b', signatureHeader: t });
    assert.equal(dl.status, 401, `${t}: ${dl.body}`);
    assert.equal(dl.json!.type, '/msg/mandatory-element-token', t);
    assert.equal(dl.json!.detail, 'Token JWT non valido.', t);
    assert.equal(dl.json!.instance, '/jwt-mandatory-field-missing', t);
    assert.ok(!('status' in dl.json!), `${t}: family R has no status`);
    const e1 = await validation(d, { signature: t });
    assert.equal(e1.status, 403, `${t}: ${e1.body}`);
    assert.equal(e1.json!.type, '/msg/mandatory-element-token', t);
  }
});
