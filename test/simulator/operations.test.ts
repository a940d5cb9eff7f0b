/**
 * Replace, metadata update and delete: path ids (percent-encoded), families R/P/V, registry 404s, life cycle
 * (create → replace → update → delete → republish), async switches, national replace.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Agent } from 'undici';
import type { RunningSimulator } from '../../simulator/server.ts';
import {
  enc, getPki, newDocId, send, sendMultipart, simTest, startTestSimulator, tokens, useSimulator, validCreate, type Answer, type Pki,
  type TokenOptions,
} from './helpers.ts';

const V2 = '/gateway/v2/documents';
const LAB_TYPE = "('11502-2^^2.16.840.1.113883.6.1')";
const PATIENT = 'GTWGWY82B42G920M';
let sim: RunningSimulator;
let client: Agent;
let pki: Pki;

useSimulator({}, (s) => ({ sim, client, pki } = s));

async function create(id: string, s: RunningSimulator = sim, c: Agent = client): Promise<void> {
  const a = await sendMultipart(c, s, 'POST', `${V2}/validate-and-create`, await validCreate({ id }));
  assert.equal(a.status, 202, a.text);
}

async function del(id: string, t: Partial<TokenOptions> = {}, s: RunningSimulator = sim, c: Agent = client, base = V2): Promise<Answer> {
  const tk = await tokens({ op: 'delete', signer: pki.sign, patientCf: PATIENT, ...t });
  return send(c, s, { method: 'DELETE', path: `${base}/${enc(id)}`, headers: { authorization: `Bearer ${tk.bearer}`, 'fse-jwt-signature': tk.signature } });
}

function metadataBody(extra: Record<string, unknown> = {}, omit: string[] = []): string {
  const b: Record<string, unknown> = {
    tipologiaStruttura: 'Ospedale', tipoDocumentoLivAlto: 'REF', assettoOrganizzativo: 'AD_PSC100', tipoAttivitaClinica: 'ERP',
    identificativoSottomissione: '2.16.840.1.113883.2.9.2.90.4.3.999', attiCliniciRegoleAccesso: ['P99'], ...extra,
  };
  for (const k of omit) delete b[k];
  return JSON.stringify(b);
}

async function update(id: string, o: { body?: string; contentType?: string; t?: Partial<TokenOptions>; path?: string } = {}, s = sim, c = client): Promise<Answer> {
  const tk = await tokens({ op: 'update', signer: pki.sign, patientCf: PATIENT, resourceHl7Type: LAB_TYPE, ...(o.t ?? {}) });
  return send(c, s, {
    method: 'PUT', path: o.path ?? `${V2}/${enc(id)}/metadata`,
    headers: { authorization: `Bearer ${tk.bearer}`, 'fse-jwt-signature': tk.signature, 'content-type': o.contentType ?? 'application/json' },
    body: o.body ?? metadataBody(),
  });
}

async function replace(oldId: string, newId: string, o: Parameters<typeof validCreate>[0] = {}, s = sim, c = client): Promise<Answer> {
  const r = await validCreate({ id: newId, ...o, tokens: { op: 'replace', ...(o.tokens ?? {}) } });
  return sendMultipart(c, s, 'PUT', `${V2}/${enc(oldId)}`, r);
}

const wiiOfId = (id: string): RegExp => new RegExp(`^${createHash('sha256').update(id).digest('hex')}\\.[0-9a-f]{10}\\^\\^\\^\\^urn:ihe:iti:xdw:2013:workflowInstanceId$`);

function problem(a: Answer, status: number, type: string, instance: string, detail: string, o: { bodyStatus?: boolean; wii?: 'none' | 'unknown' } = {}): void {
  assert.equal(a.status, status, a.text);
  const j = a.json!;
  assert.equal(j.type, type);
  assert.equal(j.instance, instance);
  assert.equal(j.detail, detail);
  if (o.bodyStatus === false) assert.ok(!('status' in j), 'family R: no status'); else assert.equal(j.status, status);
  if ((o.wii ?? 'none') === 'none') assert.ok(!('workflowInstanceId' in j), 'no wii');
  else assert.equal(j.workflowInstanceId, 'UNKNOWN_WORKFLOW_ID');
}

simTest('life cycle: create → update 200 → replace 202 → old id gone → delete 200 → delete 404 → republish 202', async () => {
  const id = newDocId();
  await create(id);
  const u = await update(id);
  assert.equal(u.status, 200, u.text);
  assert.match(String(u.json!.workflowInstanceId), wiiOfId(id));
  assert.deepEqual(Object.keys(u.json!), ['traceID', 'spanID', 'workflowInstanceId']);

  const newId = newDocId();
  const r = await replace(id, newId);
  assert.equal(r.status, 202, r.text);
  assert.match(String(r.json!.workflowInstanceId), /^2\.16\.840\.1\.113883\.2\.9\.2\.120\.4\.4\.[0-9a-f]{64}\.[0-9a-f]{10}\^\^\^\^urn/);
  assert.equal(sim.registry.get(newId)?.version, 3);
  assert.equal(sim.registry.has(id), false);

  problem(await del(id), 404, '/msg/record-not-found', '', 'IniException: No record found');
  const d = await del(newId);
  assert.equal(d.status, 200, d.text);
  assert.match(String(d.json!.workflowInstanceId), wiiOfId(newId));
  problem(await del(newId), 404, '/msg/record-not-found', '', 'IniException: No record found');
  await create(newId);
  assert.equal((await del(newId)).status, 200);
});

simTest('delete: invalid path id → family R 400 without status; claim errors → family R', async () => {
  problem(await del('2.16.840.1.113883.2.9.2.90.4.4'), 400, '/msg/id-doc', '/invalid-id', "L'identificativo documento non è valido", { bodyStatus: false });
  problem(await del(newDocId(), { signature: { action_id: 'CREATE' } }), 403, '/msg/jwt-validation', '/jwt-mandatory-field-malformed', 'Il campo action_id non è coerente con le operazioni richieste', { bodyStatus: false });
  problem(await del(newDocId(), { signature: { purpose_of_use: 'TREATMENT' } }), 403, '/msg/jwt-validation', '/jwt-mandatory-field-malformed', 'Il campo purpose_of_use non coerente con operazione richiesta', { bodyStatus: false });
  // resource_hl7_type is optional on delete: unknown id → 404, not a claim error
  problem(await del(newDocId(), { resourceHl7Type: undefined }), 404, '/msg/record-not-found', '', 'IniException: No record found');
});

simTest('delete over /gateway/v1 and a raw ^ in the path behave the same', async () => {
  const id = newDocId();
  await create(id);
  const a = await del(id, {}, sim, client, '/gateway/v1/documents');
  assert.equal(a.status, 200, a.text);
});

simTest('RT replace (validate-and-replace): no path-id check (an id without ^ ends at INI: 404); unknown old id → 404; token and body errors → V with UNKNOWN wii', async () => {
  problem(await replace('no-caret-here', newDocId()), 404, '/msg/record-not-found', '', 'IniException: No record found');
  problem(await replace(newDocId(), newDocId()), 404, '/msg/record-not-found', '', 'IniException: No record found');
  const old = newDocId();
  await create(old);
  problem(await replace(old, newDocId(), { tokens: { signature: { action_id: 'CREATE' } } }), 403, '/msg/jwt-validation', '/jwt-mandatory-field-malformed', 'Il campo action_id non è coerente con le operazioni richieste', { wii: 'unknown' });
  problem(await replace(old, 'bad-new-id'), 400, '/msg/id-doc', '/invalid-id', "L'identificativo documento non è valido", { wii: 'unknown' });
  // identificativoDoc missing: refused by the border (required); without the border's check, BD-17 (conditions/bd-body).
  // purpose TREATMENT is accepted on replace (impl superset)
  const ok = await replace(old, newDocId(), { tokens: { signature: { purpose_of_use: 'TREATMENT' } } });
  assert.equal(ok.status, 202, ok.text);
});

simTest('replace: national behaviour (replaceRequiresPriorValidation) → 400 /msg/cda-match without prior validation; works after /v1 validation', async () => {
  const { sim: s2, client: c2 } = await startTestSimulator({ switches: { replaceRequiresPriorValidation: true } });
  try {
    const old = newDocId();
    await create(old, s2, c2);
    problem(await replace(old, newDocId(), {}, s2, c2), 400, '/msg/cda-match', '/cda-validation', 'Il CDA non risulta validato');
    // national two-step: POST /v1/documents/validation (VALIDATION) then replace
    const v = await validCreate({ tokens: { op: 'create', attachmentHash: undefined } });
    const a = await sendMultipart(c2, s2, 'POST', '/gateway/v1/documents/validation', { ...v, requestBody: JSON.stringify({ healthDataFormat: 'CDA', mode: 'ATTACHMENT', activity: 'VALIDATION' }) });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.json!.warning, '[SIGN_WARN - Attenzione il documento risulta firmato in validazione]');
    const ok = await replace(old, newDocId(), {}, s2, c2);
    assert.equal(ok.status, 202, ok.text);
    assert.equal(ok.json!.workflowInstanceId, a.json!.workflowInstanceId, 'publication returns the wii stored at validation time');
    // the validated record was consumed
    problem(await replace((s2.registry.list()[0]!).identificativoDoc, newDocId(), {}, s2, c2), 400, '/msg/cda-match', '/cda-validation', 'Il CDA non risulta validato');
  } finally {
    await c2.close();
    await s2.close();
  }
});

simTest('metadata update: family R id check, family V (no wii) claim/body errors, the correlation masking the body messages, 404, NullPointerException 500', async () => {
  // Spring's own answers (S-07, S-08) and the border's (B-08…B-11): test/simulator/conditions/.
  const id = newDocId();
  await create(id);
  problem(await update('no-caret'), 400, '/msg/id-doc', '/invalid-id', "L'identificativo documento non è valido", { bodyStatus: false });
  problem(await update(id, { t: { signature: { purpose_of_use: 'TREATMENT' } } }), 403, '/msg/jwt-validation', '/jwt-mandatory-field-malformed', 'Il campo purpose_of_use non coerente con operazione richiesta');
  problem(await update(id, { t: { signature: { resource_hl7_type: null } } }), 403, '/msg/jwt-validation', '/jwt-mandatory-field-missing', 'Il campo resource_hl7_type non è valorizzato');
  // tipoDocumentoLivAlto missing: refused by the border (required); without it, the correlation masks the body message (MD-02).
  problem(await update(id, { body: metadataBody({ dataInizioPrestazione: '2026' }) }), 400, '/msg/mandatory-element', '/request-missing-field', 'Il campo data inizio deve essere valorizzato correttamente');
  problem(await update(id, { body: metadataBody({ attiCliniciRegoleAccesso: ['P99', 'NOPE'] }) }), 400, '/msg/mandatory-element', '/request-missing-field', 'Il campo atti clinici NOPE non è consentito');
  problem(await update(id, { body: metadataBody({ tipoDocumentoLivAlto: 'LDO' }) }), 400, '/msg/validator', '/msg/validator', "Non c'è correlazione tra tipo documento e tipo documento livello alto");
  problem(await update(newDocId()), 404, '/msg/record-not-found', '', 'IniException: No record found');
  const accessUpdate = await update(id, { t: { signature: { purpose_of_use: 'ACCESS UPDATE' } } });
  assert.equal(accessUpdate.status, 200, accessUpdate.text);
  const unknownField = await update(id, { body: metadataBody({ identificativoDoc: 'x^y' }) });
  assert.equal(unknownField.status, 400, `an unknown field is refused by the border (additionalProperties: false): ${unknownField.text}`);
  const iti57 = await update(id, { path: `/gateway/v1/documents/${enc(id)}/metadata-iti-57` });
  assert.equal(iti57.status, 200, iti57.text);
});

simTest('switches: deleteAsync / updateAsync → 202 + warning; an unknown metadata field is refused by the border; missingTokenStatus=guide', async () => {
  const { sim: s2, client: c2 } = await startTestSimulator({ switches: { deleteAsync: true, updateAsync: true } });
  try {
    const id = newDocId();
    await create(id, s2, c2);
    const u = await update(id, {}, s2, c2);
    assert.equal(u.status, 202, u.text);
    assert.equal(u.json!.warning, 'Attenzione, transazione presa in carico. Nuovo tentativo in corso');
    const rej = await update(id, { body: metadataBody({ foo: 1 }) }, s2, c2);
    assert.equal(rej.status, 400, rej.text);
    assert.equal(rej.json!.type, 'https://govway.org/handling-errors/400/InvalidRequestContent.html');
    assert.match(String(rej.json!.detail), /body: Additional property 'foo' is not allowed\. \(code: 1000\)/);
    const d = await del(id, {}, s2, c2);
    assert.equal(d.status, 202, d.text);
    assert.equal(d.json!.warning, 'Attenzione, transazione presa in carico. Nuovo tentativo in corso');
  } finally {
    await c2.close();
    await s2.close();
  }
  const { sim: s3, client: c3 } = await startTestSimulator({ switches: { border: false } });
  const { sim: s4, client: c4 } = await startTestSimulator({ switches: { border: false, missingTokenStatus: 'guide' } });
  try {
    const noToken = await send(c3, s3, { method: 'DELETE', path: `${V2}/${enc(newDocId())}` });
    problem(noToken, 400, '/msg/missing-token', '/missing-jwt', 'Attenzione il jwt fornito risulta essere vuoto', { bodyStatus: false });
    const garbage = await send(c3, s3, { method: 'DELETE', path: `${V2}/${enc(newDocId())}`, headers: { 'fse-jwt-signature': 'garbage' } });
    problem(garbage, 401, '/msg/mandatory-element-token', '/jwt-mandatory-field-missing', 'Token JWT non valido.', { bodyStatus: false });
    const guide = await send(c4, s4, { method: 'DELETE', path: `${V2}/${enc(newDocId())}` });
    assert.equal(guide.status, 403, guide.text);
  } finally {
    await c3.close(); await s3.close(); await c4.close(); await s4.close();
  }
});

simTest('accreditation prefixes (switch on): see test/simulator/conditions/ac-accreditation.test.ts; switched off (default) a prefix means nothing', async () => {
  const a = await sendMultipart(client, sim, 'POST', `${V2}/validate-and-create`, await validCreate({ id: 'CRASH_TIMEOUT_x3^abc' }));
  assert.equal(a.status, 202, a.text);
});

void getPki;
