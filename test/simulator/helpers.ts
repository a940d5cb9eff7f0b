/**
 * Shared helpers for the simulator tests: a throwaway PKI (support/pki/testPki.ts into os.tmpdir()), one way to
 * start and stop a simulator around a test file (`useSimulator`), mTLS clients (undici), JWT + signed-PDF builders
 * with full control over every claim, and a response checker that validates EVERY body received against the
 * matching schema of the official OpenAPI (support/openapi.ts; the YAML is read from the shared data at test time,
 * never copied) or the border/CART shapes. Tests that need the shared data use `simTest`: skipped, with the reason,
 * when the sample CDAs or the OpenAPI are missing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, X509Certificate, randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { Agent, request } from 'undici';
import { SignJWT, importPKCS8 } from 'jose';
import { generateTestPki, createTestCa, issueTestCert } from '../../support/pki/testPki.ts';
import { buildPdf } from '../../support/pdf/build.ts';
import { signPades } from '../../support/pdf/pades.ts';
import { buildMultipart } from '../../support/request/multipart.ts';
import { GatewayOpenApi } from '../../support/openapi.ts';
import { sha256Hex } from '../../support/hash.ts';
import { toCx } from '../../support/cf.ts';
import { DEFAULT_AUDIENCE, METHOD_CLAIMS } from '../../support/gateway/claims.ts';
import { CLASS_CODE_BY_LOINC, RT_ORGANIZATION, RT_ORGANIZATION_ID } from '../../support/gateway/codes.ts';
import type { RunningSimulator, SimulatorOptions } from '../../simulator/server.ts';
import { missingData, OPENAPI, SAMPLE_NAMES, SAMPLES_DIR } from '../shared-data.ts';

/** Why the simulator tests cannot run here (sample CDAs or OpenAPI missing), or undefined. */
export const SIMULATOR_DATA_MISSING = missingData('samples', 'openapi');

type TestFn = (t: TestContext) => void | Promise<void>;
/** node:test `test`, skipped loudly (the reason names the missing data) when the simulator tests' data are missing. */
export function simTest(name: string, fn: TestFn): void;
export function simTest(name: string, options: { timeout?: number }, fn: TestFn): void;
export function simTest(name: string, a: TestFn | { timeout?: number }, b?: TestFn): void {
  const [options, fn] = typeof a === 'function' ? [{}, a] : [a, b!];
  void test(name, { ...options, skip: SIMULATOR_DATA_MISSING }, fn);
}

export const LOCALITY = 'STRUTTURA DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090101123456';
export const OPERATOR_CF = 'RMSLSO31M04Z404R';

export interface Leaf { cn: string; certPem: string; keyPem: string; certDer: Buffer; pkcs8Der: Buffer }
export interface Pki {
  dir: string;
  caPem: string;
  server: { certPem: string; keyPem: string };
  auth: Leaf;
  sign: Leaf;
  /** A second, unrelated CA with its own signature + auth certificates. */
  other: { caPem: string; sign: Leaf; auth: Leaf };
}

function leaf(certPem: string, keyPem: string): Leaf {
  const cert = new X509Certificate(certPem);
  const cn = (/^CN=(.*)$/m.exec(cert.subject)?.[1]) ?? '';
  return { cn, certPem, keyPem, certDer: cert.raw, pkcs8Der: createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' }) };
}

let pkiPromise: Promise<Pki> | undefined;
const tempDirs: string[] = [];

export function getPki(): Promise<Pki> {
  pkiPromise ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-sim-test-'));
    tempDirs.push(dir);
    const r = await generateTestPki({ outDir: dir });
    const rd = (p: string) => readFileSync(p, 'utf8');
    const otherCa = await createTestCa({ cn: 'Another CA (harness test)' });
    const os = await issueTestCert(otherCa, { cn: r.signCn, profile: 'sign' });
    const oa = await issueTestCert(otherCa, { cn: r.authCn, profile: 'auth' });
    return {
      dir,
      caPem: rd(r.files.ca),
      server: { certPem: rd(r.files.server), keyPem: rd(r.files.serverKey) },
      auth: leaf(rd(r.files.auth), rd(r.files.authKey)),
      sign: leaf(rd(r.files.sign), rd(r.files.signKey)),
      other: { caPem: otherCa.certPem, sign: leaf(os.certPem, os.keyPem), auth: leaf(oa.certPem, oa.keyPem) },
    };
  })();
  return pkiPromise;
}

export function cleanupTemp(): void {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface TestSimulator { sim: RunningSimulator; pki: Pki; client: Agent }

export async function startTestSimulator(o: Partial<SimulatorOptions> = {}): Promise<TestSimulator> {
  const pki = await getPki();
  const { startSimulator } = await import('../../simulator/server.ts');
  const sim = await startSimulator({
    tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caPem },
    catalogsDir: null,
    switches: { cdaValidation: false, ...(o.switches ?? {}) },
    ...o,
  });
  return { sim, pki, client: mtlsAgent(pki, pki.auth) };
}

let running = 0;

/**
 * Starts a simulator (test PKI, no catalogs unless given) before the file's tests and stops it after them; the
 * temporary PKI goes when the last one stops. `onStart` receives it (assign the file's `sim`, `client`, `pki`).
 * Not started when the simulator tests' data are missing (their tests are skipped) or when `when()` says no.
 */
export function useSimulator(o: Partial<SimulatorOptions>, onStart: (s: TestSimulator) => void, opts: { when?: () => boolean; waitForValidator?: boolean } = {}): void {
  let started: TestSimulator | undefined;
  before(async () => {
    if (SIMULATOR_DATA_MISSING || (opts.when && !opts.when())) return;
    running++;
    started = await startTestSimulator(o);
    if (opts.waitForValidator) await started.sim.validatorReady;
    onStart(started);
  });
  after(async () => {
    if (!started) return;
    await started.client.close();
    await started.sim.close();
    if (--running === 0) cleanupTemp();
  });
}

export function mtlsAgent(pki: Pki, who: Leaf | null, o: { connections?: number } = {}): Agent {
  return new Agent({
    connect: { ca: pki.caPem, ...(who ? { cert: who.certPem, key: who.keyPem } : {}), rejectUnauthorized: true },
    connections: o.connections ?? 8,
    pipelining: 1,
  });
}

// ------------------------------------------------------------------------------------------------ tokens

export async function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, keyPem: string): Promise<string> {
  const key = await importPKCS8(keyPem, (header.alg as string) ?? 'RS256');
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
}

export type Op = 'create' | 'replace' | 'update' | 'delete';
const OP_CLAIMS: Record<Op, { action_id: string; purpose_of_use: string }> = {
  create: METHOD_CLAIMS['validate-and-create'],
  replace: METHOD_CLAIMS.replace,
  update: METHOD_CLAIMS['update-metadata'],
  delete: METHOD_CLAIMS.delete,
};

export interface TokenOptions {
  op: Op;
  signer: Leaf;
  patientCf: string;
  resourceHl7Type?: string;
  attachmentHash?: string;
  /** Claim overrides (null = remove). */
  signature?: Record<string, unknown>;
  bearer?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Sign with another key than the signer's (x5c stays the signer's). */
  keyPem?: string;
  x5cDer?: Buffer;
}

function apply(base: Record<string, unknown>, o?: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(o ?? {})) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

export async function tokens(o: TokenOptions): Promise<{ bearer: string; signature: string }> {
  const now = Math.floor(Date.now() / 1000);
  const header = apply({ alg: 'RS256', typ: 'JWT', x5c: [(o.x5cDer ?? o.signer.certDer).toString('base64')] }, o.header);
  const sub = toCx(OPERATOR_CF);
  const bearer = apply({ iss: `auth:${o.signer.cn}`, sub, aud: DEFAULT_AUDIENCE, iat: now, exp: now + 300, jti: randomUUID() }, o.bearer);
  const sigBase: Record<string, unknown> = {
    iss: `integrity:${o.signer.cn}`, sub, aud: DEFAULT_AUDIENCE, iat: now, exp: now + 300, jti: randomUUID(),
    subject_organization_id: RT_ORGANIZATION_ID, subject_organization: RT_ORGANIZATION, locality: LOCALITY, subject_role: 'AAS',
    person_id: toCx(o.patientCf), patient_consent: true,
    ...OP_CLAIMS[o.op],
    subject_application_id: 'HARNESS-APP', subject_application_vendor: 'HARNESS VENDOR', subject_application_version: '1.0.0',
  };
  if (o.resourceHl7Type !== undefined) sigBase.resource_hl7_type = o.resourceHl7Type;
  if (o.attachmentHash !== undefined) sigBase.attachment_hash = o.attachmentHash;
  const key = o.keyPem ?? o.signer.keyPem;
  return {
    bearer: await signJwt(header, bearer, key),
    signature: await signJwt(header, apply(sigBase, o.signature), key),
  };
}

// ------------------------------------------------------------------------------------------------ documents

export interface Sample { name: string; xml: Buffer; code: string; codeSystem: string; patientCf: string; classCode: string }

export function loadSample(name: string): Sample {
  const xml = readFileSync(join(SAMPLES_DIR, `${name}.xml`));
  const text = xml.toString('utf8').replace(/<!--[\s\S]*?-->/g, '');
  const code = /<code\b[^>]*\bcode="([^"]+)"[^>]*\bcodeSystem="([^"]+)"/.exec(text)!;
  const pr = text.slice(text.indexOf('<patientRole'));
  const pid = /<id\b[^>]*\bextension="([^"]+)"/.exec(pr)!;
  return { name, xml, code: code[1]!, codeSystem: code[2]!, patientCf: pid[1]!, classCode: CLASS_CODE_BY_LOINC[code[1]!] ?? 'REF' };
}

export function sampleNames(): readonly string[] {
  return SAMPLE_NAMES;
}

const pdfCache = new Map<string, Buffer>();

/** PDF with the CDA embedded (ATTACHMENT by default), PAdES-signed with the test signature certificate. */
export async function signedPdf(cda: Buffer, o: { mode?: 'ATTACHMENT' | 'RESOURCE'; signer?: Leaf; unsigned?: boolean } = {}): Promise<Buffer> {
  const pki = await getPki();
  const signer = o.signer ?? pki.sign;
  const key = `${sha256Hex(cda)}|${o.mode ?? 'A'}|${signer.cn}|${o.unsigned ? 'u' : 's'}`;
  const hit = pdfCache.get(key);
  if (hit) return hit;
  const pdf = await buildPdf({ cda, mode: o.mode ?? 'ATTACHMENT', title: 'Test', creationDate: new Date('2026-01-01T00:00:00Z') });
  const out = o.unsigned ? Buffer.from(pdf) : Buffer.from(await signPades(pdf, { certDer: signer.certDer, privateKeyPkcs8Der: signer.pkcs8Der }));
  pdfCache.set(key, out);
  return out;
}

export function publicationBody(o: { id: string; classCode?: string; extra?: Record<string, unknown>; omit?: string[] }): string {
  const b: Record<string, unknown> = {
    healthDataFormat: 'CDA', mode: 'ATTACHMENT', tipologiaStruttura: 'Ospedale',
    identificativoDoc: o.id, identificativoRep: '2.16.840.1.113883.2.9.2.90.4.5.999',
    tipoDocumentoLivAlto: o.classCode ?? 'REF', assettoOrganizzativo: 'AD_PSC100',
    dataInizioPrestazione: '20260101103000', dataFinePrestazione: '20260101110000',
    tipoAttivitaClinica: 'ERP', identificativoSottomissione: '2.16.840.1.113883.2.9.2.90.4.3.999',
    administrativeRequest: ['NOSSN'],
    ...(o.extra ?? {}),
  };
  for (const k of o.omit ?? []) delete b[k];
  return JSON.stringify(b);
}

export function newDocId(): string {
  return `2.16.840.1.113883.2.9.2.90.4.4^07654321012.LAB.999.${randomUUID().slice(0, 8)}`;
}

// ------------------------------------------------------------------------------------------------ HTTP

export interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: Record<string, unknown> | undefined }

export async function send(client: Agent, sim: RunningSimulator, o: { method: 'POST' | 'PUT' | 'DELETE' | 'GET'; path: string; headers?: Record<string, string>; body?: Buffer | string; check?: boolean }): Promise<Answer> {
  const url = new URL(o.path, sim.url.replace(/\/gateway\/v2\/$/, '/')).toString();
  const r = await request(url, { method: o.method, headers: o.headers, body: o.body, dispatcher: client });
  const text = await r.body.text();
  let json: Record<string, unknown> | undefined;
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
  const a: Answer = { status: r.statusCode, headers: r.headers, text, json };
  if (o.check !== false) checkAnswer(a, o.path);
  return a;
}

export interface RequestParts { bearer?: string; signature?: string; requestBody?: string | null; requestBodyContentType?: string | null; file?: Buffer | null; extraHeaders?: Record<string, string> }

export async function sendMultipart(client: Agent, sim: RunningSimulator, method: 'POST' | 'PUT', path: string, p: RequestParts): Promise<Answer> {
  const mp = buildMultipart({ requestBody: p.requestBody, requestBodyContentType: p.requestBodyContentType, file: p.file ? { bytes: p.file, filename: 'doc.pdf' } : null });
  const headers: Record<string, string> = { 'content-type': mp.contentType, accept: 'application/json', ...(p.extraHeaders ?? {}) };
  if (p.bearer !== undefined) headers.authorization = `Bearer ${p.bearer}`;
  if (p.signature !== undefined) headers['fse-jwt-signature'] = p.signature;
  return send(client, sim, { method, path, headers, body: mp.body });
}

/** A fully valid validate-and-create for a sample (default LAB), with overridable pieces. */
export async function validCreate(o: { sample?: string; id?: string; tokens?: Partial<TokenOptions>; bodyExtra?: Record<string, unknown>; bodyOmit?: string[]; mode?: 'ATTACHMENT' | 'RESOURCE' } = {}): Promise<RequestParts & { id: string; sample: Sample }> {
  const pki = await getPki();
  const s = loadSample(o.sample ?? 'LAB');
  const file = await signedPdf(s.xml, { mode: o.mode });
  const id = o.id ?? newDocId();
  const t = await tokens({ op: 'create', signer: pki.sign, patientCf: s.patientCf, resourceHl7Type: `('${s.code}^^${s.codeSystem}')`, attachmentHash: sha256Hex(file), ...(o.tokens ?? {}) });
  return { ...t, file, id, sample: s, requestBody: publicationBody({ id, classCode: s.classCode, extra: { ...(o.mode ? { mode: o.mode } : {}), ...(o.bodyExtra ?? {}) }, omit: o.bodyOmit }) };
}

// ------------------------------------------------------------------------------------------------ schemas

/** The simulator's CART error shape (invented: CART's real one is unpublished; see simulator/cart.ts). */
const CART_ERROR_SHAPE = {
  type: 'object', additionalProperties: false, required: ['type', 'title', 'status', 'detail', 'cart_id'],
  properties: { type: { type: 'string', pattern: '^urn:cart:error:' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, cart_id: { type: 'string' } },
};

let openApi: GatewayOpenApi | undefined;
function validator(): GatewayOpenApi {
  if (!openApi) {
    openApi = new GatewayOpenApi(OPENAPI);
    openApi.addShape('cart', CART_ERROR_SHAPE);
  }
  return openApi;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Every answer: X-Cart-id UUID v4, JSON body, schema-valid for its kind. */
export function checkAnswer(a: Answer, path: string): void {
  const cartId = a.headers['x-cart-id'];
  assert.ok(typeof cartId === 'string' && UUID_V4.test(cartId), `X-Cart-id missing or not a UUID v4 on ${a.status} ${path}: ${String(cartId)}`);
  if (path.startsWith('/__simulator/')) return;
  assert.ok(a.json, `body is not JSON (${a.status} ${path}): ${a.text.slice(0, 200)}`);
  const j = a.json!;
  let schema: string;
  if ('govway_id' in j) schema = 'govway';
  else if ('cart_id' in j) schema = 'cart';
  else if (a.status < 300) {
    // PublicationResDTO (create/replace) and ResponseWifDTO (metadata/delete) have the same shape.
    schema = path.endsWith('/validation') ? 'ValidationResDTO' : /\/metadata/.test(path) ? 'ResponseWifDTO'
      : /^\/gateway\/v1\/status\//.test(path) ? 'TransactionInspectResDTO' : 'PublicationResDTO';
  } else schema = 'workflowInstanceId' in j ? 'ValidationErrorResponseDTO' : 'ErrorResponseDTO';
  const r = validator().checkSchema(schema, j);
  assert.ok(r.ok, `body of ${a.status} ${path} does not match ${schema}: ${r.errors.join('; ')} — ${a.text.slice(0, 300)}`);
  const ct = String(a.headers['content-type'] ?? '');
  if (a.status >= 400) assert.match(ct, /^application\/problem\+json/, `error content-type on ${a.status} ${path}`);
  else assert.match(ct, /^application\/json/);
  if ('traceID' in j) {
    assert.match(String(j.traceID), /^[0-9a-f]{32}$/);
    assert.match(String(j.spanID), /^[0-9a-f]{16}$/);
  }
}

export function enc(id: string): string {
  return encodeURIComponent(id);
}
