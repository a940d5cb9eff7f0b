/**
 * Shared pieces of the condition tests (one file per section of docs/gateway-conditions.md, one test per row, the row
 * id first in the test name): a request builder for RT's methods with one change applied, and `expectRow`, which
 * checks an answer against a row — status, the body family's exact key order, type, title, instance, detail, and the
 * presence or absence of traceID/spanID, status, workflowInstanceId, warning, govway_id.
 * Every answer also passes helpers.ts `checkAnswer` (X-Cart-id, OpenAPI schema of the body).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Agent } from 'undici';
import type { RunningSimulator } from '../../../simulator/server.ts';
import { sha256Hex } from '../../../support/hash.ts';
import {
  enc, getPki, loadSample, newDocId, publicationBody, send, sendMultipart, signedPdf, tokens, type Answer, type Op,
} from '../helpers.ts';

export type Method = 'VC' | 'RP' | 'RP4' | 'MD' | 'DL';
export interface Target { sim: RunningSimulator; client: Agent }

export const V2 = '/gateway/v2/documents';
export const LAB_TYPE = "('11502-2^^2.16.840.1.113883.6.1')";
export const LAB_PATIENT = 'GTWGWY82B42G920M';
export const UNKNOWN = 'UNKNOWN_WORKFLOW_ID';
export const FQCN_CREATE = 'it.finanze.sanita.fse2.ms.gtw.dispatcher.dto.request.PublicationCreationReqDTO';
export const FQCN_UPDATE = 'it.finanze.sanita.fse2.ms.gtw.dispatcher.dto.request.PublicationUpdateReqDTO';
export const GW = (status: number, name: string): string => `https://govway.org/handling-errors/${status}/${name}.html`;

const OP: Record<Method, Op> = { VC: 'create', RP: 'replace', RP4: 'replace', MD: 'update', DL: 'delete' };

/** One change to an otherwise valid request. */
export interface Change {
  /** FSE-JWT-Signature claim overrides (null removes the claim). */
  claims?: Record<string, unknown>;
  bearer?: Record<string, unknown>;
  /** Raw FSE-JWT-Signature header (null: absent); the bearer stays valid unless `noBearer`. */
  signatureHeader?: string | null;
  noBearer?: boolean;
  /** Body fields set / removed (requestBody of VC/RP/RP4, JSON body of MD). */
  body?: Record<string, unknown>;
  omit?: string[];
  /** The requestBody / metadata text itself (null: the part / body absent). */
  rawBody?: string | null;
  requestBodyContentType?: string | null;
  /** The file bytes (null: no file part). Default: the signed PDF of the sample. */
  file?: Buffer | null;
  /** Make the claims match this file (attachment_hash, resource_hl7_type of the sample). Default true. */
  pathId?: string;
  sample?: string;
  mode?: 'ATTACHMENT' | 'RESOURCE';
  /** Request Content-Type (multipart boundary kept unless the value has its own). */
  contentType?: string;
  /** Extra multipart parts (after requestBody and file). */
  extraParts?: Array<{ name: string; value: string; contentType?: string; filename?: string }>;
  /** Replaces the whole HTTP body (with `contentType`). */
  rawRequest?: Buffer | string;
  /** Path prefix (`/gateway/v2/documents` by default). */
  base?: string;
  /** Metadata route suffix (default `/metadata`). */
  metadataSuffix?: string;
  /**
   * Skip the OpenAPI schema check of helpers `checkAnswer` (X-Cart-id is still checked by expectRow's caller): for
   * answers the reference gives that do not fit the OpenAPI (a ProblemDetail `instance` longer than 100 characters).
   */
  noSchemaCheck?: boolean;
}

export function metadataJson(extra: Record<string, unknown> = {}, omit: string[] = []): Record<string, unknown> {
  const b: Record<string, unknown> = {
    tipologiaStruttura: 'Ospedale', tipoDocumentoLivAlto: 'REF', assettoOrganizzativo: 'AD_PSC100', tipoAttivitaClinica: 'ERP',
    identificativoSottomissione: '2.16.840.1.113883.2.9.2.90.4.3.999', attiCliniciRegoleAccesso: ['P99'], ...extra,
  };
  for (const k of omit) delete b[k];
  return b;
}

function multipartBytes(parts: Array<{ name: string; value: Buffer | string; contentType?: string | null; filename?: string }>): { body: Buffer; contentType: string } {
  const b = `----cond-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const cd = `Content-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n`;
    chunks.push(Buffer.from(`--${b}\r\n${cd}${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`, 'latin1'));
    chunks.push(typeof p.value === 'string' ? Buffer.from(p.value, 'utf8') : p.value);
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${b}--\r\n`, 'latin1'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${b}` };
}

/** Sends one RT method with one change; every answer is checked by helpers `checkAnswer`. */
export async function call(t: Target, m: Method, c: Change = {}): Promise<Answer> {
  const pki = await getPki();
  const s = loadSample(c.sample ?? 'LAB');
  const base = c.base ?? V2;
  const pathId = c.pathId ?? newDocId();
  const multipart = m === 'VC' || m === 'RP' || m === 'RP4';
  let file: Buffer | null = null;
  if (multipart) file = c.file === undefined ? await signedPdf(s.xml, { mode: c.mode }) : c.file;
  const tk = await tokens({
    op: OP[m], signer: pki.sign, patientCf: s.patientCf,
    resourceHl7Type: m === 'DL' ? undefined : `('${s.code}^^${s.codeSystem}')`,
    attachmentHash: file ? sha256Hex(file) : undefined,
    signature: c.claims, bearer: c.bearer,
  });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (!c.noBearer) headers.authorization = `Bearer ${tk.bearer}`;
  if (c.signatureHeader === undefined) headers['fse-jwt-signature'] = tk.signature;
  else if (c.signatureHeader !== null) headers['fse-jwt-signature'] = c.signatureHeader;

  if (multipart) {
    const path = m === 'VC' ? `${base}/validate-and-create` : `${base}/${enc(pathId)}`;
    const method = m === 'VC' ? 'POST' : 'PUT';
    let bodyText: string | null = null;
    if (c.rawBody !== undefined) bodyText = c.rawBody;
    else {
      const json = JSON.parse(publicationBody({ id: newDocId(), classCode: s.classCode, extra: { ...(c.mode ? { mode: c.mode } : {}), ...(c.body ?? {}) }, omit: c.omit })) as Record<string, unknown>;
      bodyText = JSON.stringify(json);
    }
    if (c.rawRequest !== undefined || c.extraParts || c.contentType) {
      let body: Buffer;
      let ct: string;
      if (c.rawRequest !== undefined) {
        body = Buffer.from(c.rawRequest);
        ct = c.contentType ?? 'multipart/form-data; boundary=x';
      } else {
        const parts: Array<{ name: string; value: Buffer | string; contentType?: string | null; filename?: string }> = [];
        if (bodyText !== null) parts.push({ name: 'requestBody', value: bodyText, contentType: c.requestBodyContentType === undefined ? 'application/json' : c.requestBodyContentType });
        if (file) parts.push({ name: 'file', value: file, contentType: 'application/pdf', filename: 'doc.pdf' });
        for (const p of c.extraParts ?? []) parts.push(p);
        const mp = multipartBytes(parts);
        body = mp.body;
        ct = c.contentType ? c.contentType.replace('{boundary}', mp.contentType.split('boundary=')[1]!) : mp.contentType;
      }
      return send(t.client, t.sim, { method, path, headers: { ...headers, 'content-type': ct }, body, check: !c.noSchemaCheck });
    }
    if (c.noSchemaCheck) {
      const { buildMultipart } = await import('../../../support/request/multipart.ts');
      const mp = buildMultipart({ requestBody: bodyText, requestBodyContentType: c.requestBodyContentType, file: file ? { bytes: file, filename: 'doc.pdf' } : null });
      return send(t.client, t.sim, { method, path, headers: { ...headers, 'content-type': mp.contentType }, body: mp.body, check: false });
    }
    return sendMultipart(t.client, t.sim, method, path, {
      bearer: headers.authorization?.slice(7), signature: headers['fse-jwt-signature'], requestBody: bodyText,
      requestBodyContentType: c.requestBodyContentType, file,
    });
  }
  if (m === 'MD') {
    const path = `${base}/${enc(pathId)}${c.metadataSuffix ?? '/metadata'}`;
    const body = c.rawRequest !== undefined ? c.rawRequest : c.rawBody !== undefined ? c.rawBody : JSON.stringify(metadataJson(c.body, c.omit));
    if (c.contentType !== '') headers['content-type'] = c.contentType ?? 'application/json';
    return send(t.client, t.sim, { method: 'PUT', path, headers, body: body ?? undefined, check: !c.noSchemaCheck });
  }
  return send(t.client, t.sim, { method: 'DELETE', path: `${base}/${enc(pathId)}`, headers, check: !c.noSchemaCheck });
}

/** Publishes a document (validate-and-create) and returns its id. */
export async function publish(t: Target, o: { id?: string; sample?: string } = {}): Promise<string> {
  const id = o.id ?? newDocId();
  const pki = await getPki();
  const s = loadSample(o.sample ?? 'LAB');
  const file = await signedPdf(s.xml);
  const tk = await tokens({ op: 'create', signer: pki.sign, patientCf: s.patientCf, resourceHl7Type: `('${s.code}^^${s.codeSystem}')`, attachmentHash: sha256Hex(file) });
  const a = await sendMultipart(t.client, t.sim, 'POST', `${V2}/validate-and-create`, { ...tk, file, requestBody: publicationBody({ id, classCode: s.classCode }) });
  assert.equal(a.status, 202, `setup publication: ${a.text}`);
  return id;
}

/** V with workflowInstanceId; Vn: family V of the metadata update (no workflowInstanceId); the others as in §2. */
export type Family = 'V' | 'Vn' | 'P' | 'R' | 'G' | 'SP' | 'GW' | 'INI' | 'CART';

export interface Row {
  status: number;
  family: Family;
  type?: string;
  title?: string;
  /** SP: the request path; GW/CART: none. */
  instance?: string;
  detail?: string | RegExp;
  /** Family V: 'unknown' (UNKNOWN_WORKFLOW_ID), 'cda' (computed from the CDA). */
  wii?: 'unknown' | 'cda';
}

const KEYS: Record<Family, string[]> = {
  V: ['traceID', 'spanID', 'type', 'title', 'detail', 'status', 'instance', 'workflowInstanceId'],
  Vn: ['traceID', 'spanID', 'type', 'title', 'detail', 'status', 'instance'],
  P: ['traceID', 'spanID', 'type', 'title', 'detail', 'status', 'instance'],
  G: ['traceID', 'spanID', 'type', 'title', 'detail', 'status', 'instance'],
  R: ['traceID', 'spanID', 'type', 'title', 'detail', 'instance'],
  INI: ['traceID', 'spanID', 'type', 'title', 'detail', 'instance'],
  SP: ['type', 'title', 'status', 'detail', 'instance'],
  GW: ['type', 'title', 'status', 'detail', 'govway_id'],
  CART: ['type', 'title', 'status', 'detail', 'cart_id'],
};

const CDA_WII = /^[0-9.]+\.[0-9a-f]{64}\.[0-9a-f]{10}\^\^\^\^urn:ihe:iti:xdw:2013:workflowInstanceId$/;

/** Checks an error answer against a row of the table. */
export function expectRow(a: Answer, e: Row, label: string): void {
  const j = a.json;
  assert.ok(j, `${label}: body is JSON (${a.text.slice(0, 200)})`);
  assert.equal(a.status, e.status, `${label}: HTTP status (${a.text.slice(0, 400)})`);
  assert.deepEqual(Object.keys(j), KEYS[e.family], `${label}: family ${e.family} keys (${a.text.slice(0, 300)})`);
  if (e.family === 'G') {
    assert.equal(j.type, '/msg/generic-error', `${label}: type`);
    assert.equal(j.title, 'Errore generico.', `${label}: title`);
    assert.equal(j.instance, '', `${label}: instance`);
  }
  if (e.family === 'SP') assert.equal(j.type, 'about:blank', `${label}: type`);
  if (e.family === 'GW') {
    assert.equal(j.type, GW(e.status, String(e.title)), `${label}: type`);
    assert.match(String(a.headers['govway-transaction-id'] ?? ''), /^[0-9a-f-]{36}$/, `${label}: GovWay-Transaction-ID`);
    assert.equal(j.govway_id, a.headers['govway-transaction-id'], `${label}: govway_id`);
  }
  if (e.type !== undefined) assert.equal(j.type, e.type, `${label}: type`);
  if (e.title !== undefined) assert.equal(j.title, e.title, `${label}: title`);
  if (e.instance !== undefined) assert.equal(j.instance, e.instance, `${label}: instance`);
  if (typeof e.detail === 'string') assert.equal(j.detail, e.detail, `${label}: detail`);
  else if (e.detail) assert.match(String(j.detail), e.detail, `${label}: detail`);
  if ('status' in j) assert.equal(j.status, e.status, `${label}: body status`);
  if ('traceID' in j) {
    assert.match(String(j.traceID), /^[0-9a-f]{32}$/, `${label}: traceID`);
    assert.match(String(j.spanID), /^[0-9a-f]{16}$/, `${label}: spanID`);
  }
  if (e.family === 'V') {
    if ((e.wii ?? 'unknown') === 'unknown') assert.equal(j.workflowInstanceId, UNKNOWN, `${label}: wii`);
    else assert.match(String(j.workflowInstanceId), CDA_WII, `${label}: wii computed from the CDA`);
  }
  assert.ok(!('warning' in j), `${label}: error bodies never carry warning`);
}

/** Checks a success answer: status, keys (with or without warning), wii shape. */
export function expectSuccess(a: Answer, status: number, o: { warning: boolean | string; wii?: RegExp }, label: string): void {
  assert.equal(a.status, status, `${label}: ${a.text.slice(0, 300)}`);
  const j = a.json!;
  const warn = o.warning !== false;
  assert.deepEqual(Object.keys(j), ['traceID', 'spanID', ...(warn ? ['warning'] : []), 'workflowInstanceId'], `${label}: keys`);
  if (typeof o.warning === 'string') assert.equal(j.warning, o.warning, `${label}: warning`);
  assert.match(String(j.workflowInstanceId), o.wii ?? /\^\^\^\^urn:ihe:iti:xdw:2013:workflowInstanceId$/, `${label}: wii`);
}

export { CDA_WII };
