/**
 * The national routes served under `/gateway/v1/` besides RT's four methods (gateway-impl.md §1): E2 `POST
 * /documents` (two-step publish), E5 `PUT /documents/validate-and-replace/{idDoc}`, E12 `GET /status/{wii}`, E13
 * `GET /status/search/{traceId}`, end to end through CART → GovWay → Spring → dispatcher. Every answer is checked
 * against the OpenAPI by helpers `checkAnswer` (TransactionInspectResDTO for the status routes).
 */
import assert from 'node:assert/strict';
import type { Agent } from 'undici';
import type { RunningSimulator } from '../../simulator/server.ts';
import { EXTRACT_WARNING, valueBetweenHashes } from '../../simulator/dispatcher.ts';
import {
  enc, getPki, newDocId, send, sendMultipart, simTest, startTestSimulator, tokens, useSimulator, validCreate, loadSample,
  type Answer,
} from './helpers.ts';
import { call, LAB_PATIENT, UNKNOWN, V2 } from './conditions/lib.ts';
import { RT_ORGANIZATION_ID } from '../../support/gateway/codes.ts';

let sim: RunningSimulator;
let client: Agent;
useSimulator({}, (s) => { sim = s.sim; client = s.client; });

const V1 = '/gateway/v1/documents';
const E5 = `${V1}/validate-and-replace`;
const GW = (status: number, name: string): string => `https://govway.org/handling-errors/${status}/${name}.html`;

const keys = (a: Answer): string[] => Object.keys(a.json ?? {});

async function publish(s = sim, c = client, id = newDocId()): Promise<{ id: string; answer: Answer }> {
  const v = await validCreate({ id });
  const answer = await sendMultipart(c, s, 'POST', `${V2}/validate-and-create`, v);
  assert.equal(answer.status, 202, answer.text);
  return { id, answer };
}

/** E1 VALIDATION of the LAB sample (same PDF as validCreate's), `mode` as given (absent: no mode). */
async function validate(s: RunningSimulator, c: Agent, mode: 'ATTACHMENT' | null = 'ATTACHMENT'): Promise<Answer> {
  const v = await validCreate({ tokens: { op: 'create', attachmentHash: undefined } });
  const a = await sendMultipart(c, s, 'POST', `${V1}/validation`, { ...v, requestBody: JSON.stringify({ healthDataFormat: 'CDA', ...(mode ? { mode } : {}), activity: 'VALIDATION' }) });
  assert.equal(a.status, 201, a.text);
  return a;
}

/** E2 of the LAB sample with a fresh id. */
async function e2(s: RunningSimulator, c: Agent, o: { bodyExtra?: Record<string, unknown>; bodyOmit?: string[]; signature?: Record<string, unknown> } = {}): Promise<Answer & { id: string }> {
  const v = await validCreate({ bodyExtra: o.bodyExtra, bodyOmit: o.bodyOmit, tokens: o.signature ? { signature: o.signature } : undefined });
  return { ...(await sendMultipart(c, s, 'POST', V1, v)), id: v.id };
}

function problem(a: Answer, status: number, type: string, instance: string, detail?: string): void {
  assert.equal(a.status, status, a.text);
  assert.equal(a.json!.type, type, a.text);
  assert.equal(a.json!.instance, instance, a.text);
  if (detail !== undefined) assert.equal(a.json!.detail, detail, a.text);
}

// ---------------------------------------------------------------------------------------------------------------- E5

simTest('E5 PUT /v1/documents/validate-and-replace/{id}: inline validation, 202 PublicationResDTO without warning; the old id retired, the new one published', async () => {
  const { id: old } = await publish();
  const a = await call({ sim, client }, 'RP', { pathId: old, base: E5 });
  assert.equal(a.status, 202, a.text);
  assert.deepEqual(keys(a), ['traceID', 'spanID', 'workflowInstanceId'], 'E3/E5: only the validator\'s warning, none here');
  assert.equal(sim.registry.has(old), false);
  assert.equal(sim.registry.list().some((e) => e.replaces === old && e.workflowInstanceId === a.json!.workflowInstanceId), true);
});

simTest('E5: the path id is not checked (an id without ^ ends at INI: 404 IniException); validation-phase errors are family V with UNKNOWN_WORKFLOW_ID', async () => {
  const noCaret = await call({ sim, client }, 'RP', { pathId: 'NOT-A-MASTER-ID', base: E5 });
  problem(noCaret, 404, '/msg/record-not-found', '', 'IniException: No record found');
  const { id: old } = await publish();
  const v = await call({ sim, client }, 'RP', { pathId: old, base: E5, claims: { subject_role: null } });
  problem(v, 403, '/msg/jwt-validation', '/jwt-mandatory-field-missing', 'Il campo subject_role non è valorizzato');
  assert.equal(v.json!.workflowInstanceId, UNKNOWN, 'family V carries the wii placeholder');
  assert.equal(sim.registry.has(old), true);
});

simTest('E5 is validate-and-replace even with replaceRequiresPriorValidation (which turns PUT /documents/{id} into E4); route precedence over /documents/{id}/metadata', async () => {
  const { sim: s2, client: c2 } = await startTestSimulator({ switches: { replaceRequiresPriorValidation: true } });
  try {
    const { id: old } = await publish(s2, c2);
    problem(await call({ sim: s2, client: c2 }, 'RP4', { pathId: old, base: V1 }), 400, '/msg/cda-match', '/cda-validation', 'Il CDA non risulta validato');
    const a = await call({ sim: s2, client: c2 }, 'RP', { pathId: old, base: E5 });
    assert.equal(a.status, 202, a.text);
    assert.equal('warning' in a.json!, false);
    // `PUT …/validate-and-replace/metadata` is E5 with the path id "metadata" (not the metadata update of id
    // "validate-and-replace"): ends at INI, 404.
    problem(await call({ sim: s2, client: c2 }, 'RP', { pathId: 'metadata', base: E5 }), 404, '/msg/record-not-found', '');
  } finally {
    await c2.close();
    await s2.close();
  }
});

// ---------------------------------------------------------------------------------------------------------------- E2

simTest('E2 POST /v1/documents without a prior E1 VALIDATION → 400 P /msg/cda-match (no wii in the body)', async () => {
  const a = await e2(sim, client);
  problem(a, 400, '/msg/cda-match', '/cda-validation', 'Il CDA non risulta validato');
  assert.equal(a.json!.title, "Errore in fase di recupero dell'esito della verifica.");
  assert.equal('workflowInstanceId' in a.json!, false, 'family P');
  assert.equal(a.json!.status, 400);
});

simTest('E2 after E1: 202 PublicationResDTO {traceID, spanID, warning:"", workflowInstanceId = E1\'s}; the record is consumed (second E2 → cda-match)', async () => {
  const { sim: s2, client: c2 } = await startTestSimulator();
  try {
    const v = await validate(s2, c2);
    const a = await e2(s2, c2);
    assert.equal(a.status, 202, a.text);
    assert.deepEqual(keys(a), ['traceID', 'spanID', 'warning', 'workflowInstanceId']);
    assert.equal(a.json!.warning, '', 'mode set → warning "" present');
    assert.equal(a.json!.workflowInstanceId, v.json!.workflowInstanceId, 'the wii stored at validation time');
    assert.equal(s2.registry.get(a.id)?.workflowInstanceId, v.json!.workflowInstanceId);
    problem(await e2(s2, c2), 400, '/msg/cda-match', '/cda-validation');
  } finally {
    await c2.close();
    await s2.close();
  }
});

simTest('E2 without `mode`: warning = the extraction warning; a body workflowInstanceId other than the stored one → cda-match', async () => {
  const { sim: s2, client: c2 } = await startTestSimulator();
  try {
    await validate(s2, c2);
    problem(await e2(s2, c2, { bodyExtra: { workflowInstanceId: 'another^^^^urn:ihe:iti:xdw:2013:workflowInstanceId' } }), 400, '/msg/cda-match', '/cda-validation');
    const v = await validate(s2, c2, null);
    const a = await e2(s2, c2, { bodyOmit: ['mode'], bodyExtra: { workflowInstanceId: v.json!.workflowInstanceId } });
    assert.equal(a.status, 202, a.text);
    assert.equal(a.json!.warning, EXTRACT_WARNING);
  } finally {
    await c2.close();
    await s2.close();
  }
});

simTest('E2: errors are family P — a missing claim 403 without wii, an invalid identificativoDoc 400 /invalid-id', async () => {
  const a = await e2(sim, client, { signature: { subject_role: null } });
  problem(a, 403, '/msg/jwt-validation', '/jwt-mandatory-field-missing');
  assert.equal('workflowInstanceId' in a.json!, false);
  const b = await e2(sim, client, { bodyExtra: { identificativoDoc: 'NO-CARET' } });
  problem(b, 400, '/msg/id-doc', '/invalid-id', "L'identificativo documento non è valido");
});

// ---------------------------------------------------------------------------------------------------------- E12/E13

/** A border-valid bearer whose `sub` carries `#<mid>#` (E12 compares it with the events' issuer). */
async function bearerWithSub(sub: string): Promise<string> {
  const pki = await getPki();
  return (await tokens({ op: 'create', signer: pki.sign, patientCf: LAB_PATIENT, bearer: { sub } })).bearer;
}

async function status(path: string, bearer?: string | null, s = sim, c = client): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return send(c, s, { method: 'GET', path, headers });
}

simTest('E13 GET /v1/status/search/{traceId}: the events of a validate-and-create (§2.9), StatusCheckDTO fields; an unknown traceID → 200 []', async () => {
  const pki = await getPki();
  const { id, answer } = await publish();
  const a = await status(`/gateway/v1/status/search/${answer.json!.traceID as string}`, await bearerWithSub('x'));
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(keys(a), ['traceID', 'spanID', 'transactionData']);
  const data = a.json!.transactionData as Array<Record<string, unknown>>;
  assert.deepEqual(data.map((e) => [e.eventType, e.eventStatus]), [['VALIDATION_FOR_PUBLICATION', 'SUCCESS'], ['PUBLICATION', 'SUCCESS']]);
  const pub = data[1]!;
  assert.deepEqual(Object.keys(pub), ['eventType', 'eventDate', 'eventStatus', 'identificativoDocumento', 'subject', 'subjectRole', 'tipoAttivita', 'organizzazione', 'workflowInstanceId', 'traceId', 'issuer', 'expiringDate']);
  assert.equal(pub.identificativoDocumento, id);
  assert.equal(pub.tipoAttivita, 'ERP');
  assert.equal(pub.subjectRole, 'AAS');
  assert.equal(pub.organizzazione, RT_ORGANIZATION_ID);
  assert.equal(pub.workflowInstanceId, answer.json!.workflowInstanceId);
  assert.equal(pub.traceId, answer.json!.traceID);
  assert.equal(pub.issuer, `integrity:${pki.sign.cn}`);
  assert.match(String(pub.eventDate), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
  const none = await status('/gateway/v1/status/search/0123456789abcdef0123456789abcdef', await bearerWithSub('x'));
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.json!.transactionData, []);
});

simTest('E12 GET /v1/status/{wii} (wii percent-encoded): 200 when the bearer sub\'s #…# part matches the events\' issuer; 401 /msg/unauthorized otherwise', async () => {
  const pki = await getPki();
  const mid = valueBetweenHashes(`integrity:${pki.sign.cn}`)!;
  const { answer } = await publish();
  const wii = answer.json!.workflowInstanceId as string;
  const ok = await status(`/gateway/v1/status/${enc(wii)}`, await bearerWithSub(`2.16.840.1.113883.2.9.4.3.2#${mid}#rest`));
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual((ok.json!.transactionData as Array<Record<string, unknown>>).map((e) => e.eventType), ['VALIDATION_FOR_PUBLICATION', 'PUBLICATION']);
  const other = mid === '999' ? '998' : '999';
  const no = await status(`/gateway/v1/status/${enc(wii)}`, await bearerWithSub(`x#${other}#y`));
  assert.deepEqual(
    { status: no.status, keys: keys(no), type: no.json!.type, title: no.json!.title, detail: no.json!.detail, body: no.json!.status, instance: no.json!.instance },
    { status: 401, keys: ['traceID', 'spanID', 'type', 'title', 'detail', 'status', 'instance'], type: '/msg/unauthorized', title: 'Unauthorized access', detail: 'Mismatch sub/issuer', body: 401, instance: '/msg/invalid-issuer-sub' },
  );
});

simTest('E12 quirks: a CF-shaped sub (no #) → HTTP 401 body status 400 /msg/mandatory-element-token; unknown wii → HTTP 400 body status 404; UNKNOWN_WORKFLOW_ID → 400 /msg/wii', async () => {
  const pki = await getPki();
  const cfBearer = (await tokens({ op: 'create', signer: pki.sign, patientCf: LAB_PATIENT })).bearer;
  const noSub = await status(`/gateway/v1/status/${enc('a.b^^^^urn:ihe:iti:xdw:2013:workflowInstanceId')}`, cfBearer);
  assert.deepEqual(
    { status: noSub.status, type: noSub.json!.type, title: noSub.json!.title, detail: noSub.json!.detail, body: noSub.json!.status, instance: noSub.json!.instance },
    { status: 401, type: '/msg/mandatory-element-token', title: 'Token JWT non valido.', detail: 'Token JWT non valido.', body: 400, instance: '/missing-jwt' },
  );
  const unknown = await status(`/gateway/v1/status/${enc('a.b^^^^urn:ihe:iti:xdw:2013:workflowInstanceId')}`, await bearerWithSub('x#120#y'));
  assert.deepEqual(
    { status: unknown.status, type: unknown.json!.type, title: unknown.json!.title, detail: unknown.json!.detail, body: unknown.json!.status, instance: unknown.json!.instance },
    { status: 400, type: '/msg/record-not-found', title: 'Record non trovato.', detail: '/msg/record-not-found', body: 404, instance: '/record-not-found' },
  );
  for (const w of ['UNKNOWN_WORKFLOW_ID', 'unknown_workflow_id']) {
    const a = await status(`/gateway/v1/status/${w}`, cfBearer);
    assert.deepEqual(
      { status: a.status, type: a.json!.type, title: a.json!.title, detail: a.json!.detail, body: a.json!.status, instance: a.json!.instance },
      { status: 400, type: '/msg/wii', title: 'Campo worflow instance id non valido', detail: 'Il wii non è valido', body: 400, instance: '/invalid-id' },
    );
  }
});

simTest('E12/E13 at the border: the bearer alone is required (401 TokenAuthenticationRequired without it; no FSE-JWT-Signature needed); path parameter lengths of the OpenAPI (traceId ≤ 100, wii ≤ 256)', async () => {
  for (const p of ['/gateway/v1/status/abc', '/gateway/v1/status/search/abc']) {
    const a = await status(p, null);
    assert.equal(a.status, 401, a.text);
    assert.equal(a.json!.type, GW(401, 'TokenAuthenticationRequired'));
  }
  const b = await bearerWithSub('x#1#y');
  const long = await status(`/gateway/v1/status/search/${'a'.repeat(101)}`, b);
  assert.equal(long.status, 400, long.text);
  assert.equal(long.json!.type, GW(400, 'InvalidRequestContent'));
  assert.match(String(long.json!.detail), /traceId/);
  const longWii = await status(`/gateway/v1/status/${'a'.repeat(257)}`, b);
  assert.equal(longWii.status, 400, longWii.text);
  assert.match(String(longWii.json!.detail), /workflowInstanceId/);
  // not under /gateway/v2 (CART exposes no status endpoint)
  const v2 = await status('/gateway/v2/status/abc', b);
  assert.equal(v2.status, 404, v2.text);
});

simTest('E12 with the border off: no Authorization header → the dispatcher\'s own HTTP 401 / body status 400', async () => {
  const { sim: s2, client: c2 } = await startTestSimulator({ switches: { border: false } });
  try {
    const a = await status(`/gateway/v1/status/${enc('x^^^^urn:ihe:iti:xdw:2013:workflowInstanceId')}`, null, s2, c2);
    assert.equal(a.status, 401, a.text);
    assert.equal(a.json!.status, 400);
    assert.equal(a.json!.instance, '/missing-jwt');
    // E13 reads no header at all
    const b = await status('/gateway/v1/status/search/abc', null, s2, c2);
    assert.equal(b.status, 200, b.text);
  } finally {
    await c2.close();
    await s2.close();
  }
});

simTest('events of the other flows by traceID: E5 failure (VALIDATION_FOR_REPLACE BLOCKING_ERROR with the detail), delete (RIFERIMENTI_INI, EDS_DELETE, INI_DELETE, tipoAttivita PHR)', async () => {
  const s = loadSample('LAB');
  assert.ok(s);
  const { id: old } = await publish();
  const bad = await call({ sim, client }, 'RP', { pathId: old, base: E5, claims: { subject_role: null } });
  const ev = sim.registry.statusByTrace(bad.json!.traceID as string);
  assert.deepEqual(ev.map((e) => [e.eventType, e.eventStatus, e.message, e.workflowInstanceId]), [['VALIDATION_FOR_REPLACE', 'BLOCKING_ERROR', 'Il campo subject_role non è valorizzato', UNKNOWN]]);
  const del = await call({ sim, client }, 'DL', { pathId: old });
  assert.equal(del.status, 200, del.text);
  const dv = sim.registry.statusByTrace(del.json!.traceID as string);
  assert.deepEqual(dv.map((e) => [e.eventType, e.eventStatus, e.tipoAttivita, e.identificativoDocumento, e.workflowInstanceId]), [
    ['RIFERIMENTI_INI', 'SUCCESS', 'PHR', old, del.json!.workflowInstanceId],
    ['EDS_DELETE', 'SUCCESS', 'PHR', old, del.json!.workflowInstanceId],
    ['INI_DELETE', 'SUCCESS', 'PHR', old, del.json!.workflowInstanceId],
  ]);
});
