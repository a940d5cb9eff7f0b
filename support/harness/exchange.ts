import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Method } from '../types.ts';
import { docTypeInfo, resourceHl7Type } from '../doctypes.ts';
import { buildTokens, decodeJwt, type BuiltTokens } from '../jwt/tokens.ts';
import type { KeyMaterial } from '../pki/credentials.ts';
import { buildBody, editBody, type RequestBody } from '../request/body.ts';
import { buildMultipart } from '../request/multipart.ts';
import { encodePathId } from '../request/ids.ts';
import { assertPatientAllowed } from '../request/interlocks.ts';
import type { ExchangeResult } from '../request/http.ts';
import type { DocumentState } from './document.ts';
import { readCdaFacts } from '../cda/builder.ts';
import type { Session } from './session.ts';

/** Negative-scenario edits of one exchange. Each changes exactly one thing. */
export interface Tweaks {
  /** Set claims of the FSE-JWT-Signature token (value `null` removes the claim). */
  signatureClaims?: Record<string, unknown>;
  bearerClaims?: Record<string, unknown>;
  /** Tokens issued and expired in the past. */
  expiredToken?: boolean;
  /** Tokens signed with a key that is not the one of the x5c certificate. */
  foreignSigningKey?: boolean;
  /** attachment_hash computed over other bytes than the file sent. */
  hashOfOtherBytes?: boolean;
  /** Body edits (unknown field, bad date, unknown access-rule code...). */
  body?: { set?: Record<string, unknown>; remove?: string[] };
  /** Omit a token header entirely. */
  omitHeader?: 'Authorization' | 'FSE-JWT-Signature';
}

export interface ExchangeSpec {
  scenario: string;
  method: Method;
  /** Document to send (create/replace) or whose id/type/patient is addressed (update/delete). */
  document: DocumentState;
  /** Path id for replace/update/delete; defaults to the document's identificativoDoc. */
  pathId?: string;
  /** Expected HTTP status (ledger `expected`). */
  expected: number;
  tweaks?: Tweaks;
  /** Extra tag for the ledger: national test id etc. */
  purposeOfUse?: string;
}

export interface ExchangeOutcome {
  seq: number;
  /** When the request was sent (ISO 8601, UTC). */
  at: string;
  spec: ExchangeSpec;
  status?: number;
  json?: Record<string, unknown>;
  xCartId: string;
  traceId: string;
  spanId: string;
  workflowInstanceId: string;
  errorType: string;
  errorDetail: string;
  result: ExchangeResult;
  tokens: BuiltTokens;
  body: RequestBody | null;
  requestFile: string;
  responseFile: string;
  pdfFile?: string;
  url: string;
}

/** `('code^^codeSystem')` from the CDA actually sent (vendor documents may differ from the type's default). */
function resourceHl7TypeOf(doc: DocumentState): string {
  const info = docTypeInfo(doc.docType);
  const facts = doc.cda.length ? readCdaFacts(doc.cda) : null;
  return resourceHl7Type(facts?.code || info.loinc, facts?.codeSystem || info.codeSystem);
}

let foreignKey: KeyMaterial | null = null;
function foreign(sign: KeyMaterial): KeyMaterial {
  if (!foreignKey) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    foreignKey = { ...sign, keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), privateKeyPkcs8Der: new Uint8Array(der) };
  }
  return { ...sign, keyPem: foreignKey.keyPem, privateKeyPkcs8Der: foreignKey.privateKeyPkcs8Der };
}

const HTTP: Record<Method, 'POST' | 'PUT' | 'DELETE'> = { 'validate-and-create': 'POST', replace: 'PUT', 'update-metadata': 'PUT', delete: 'DELETE' };

export function pathFor(method: Method, id?: string): string {
  switch (method) {
    case 'validate-and-create': return 'documents/validate-and-create';
    case 'replace': return `documents/${encodePathId(id!)}`;
    case 'update-metadata': return `documents/${encodePathId(id!)}/metadata`;
    case 'delete': return `documents/${encodePathId(id!)}`;
  }
}

/** Builds the body, both tokens and the HTTP request for `spec`, sends it, and records the exchange in the ledger. */
export async function performExchange(session: Session, spec: ExchangeSpec): Promise<ExchangeOutcome> {
  const { profile } = session;
  const doc = spec.document;
  const tw = spec.tweaks ?? {};
  assertPatientAllowed(profile.target, doc.patientCf);
  const seq = session.nextSeq();
  const now = new Date();

  let body = buildBody({
    method: spec.method, profile, docType: doc.docType,
    identificativoDoc: doc.identificativoDoc, mode: doc.mode,
    submissionSuffix: `${session.runId.replace(/[^0-9]/g, '')}.${seq}`,
    serviceStart: now,
  });
  if (body && tw.body) body = editBody(body, tw.body);

  const fileBytes = spec.method === 'validate-and-create' || spec.method === 'replace' ? doc.pdf : null;
  const attachmentHash = fileBytes
    ? createHash('sha256').update(tw.hashOfOtherBytes ? Buffer.concat([Buffer.from(fileBytes), Buffer.from('\n')]) : fileBytes).digest('hex')
    : undefined;
  const tokenNow = tw.expiredToken ? new Date(now.getTime() - 2 * 3600_000) : now;
  const tokens = await buildTokens({
    method: spec.method, profile, sign: session.credentials.sign, patientCf: doc.patientCf,
    resourceHl7Type: resourceHl7TypeOf(doc),
    attachmentHash,
    now: tokenNow,
    purposeOfUse: spec.purposeOfUse,
    overrides: { signature: tw.signatureClaims, bearer: tw.bearerClaims },
    signingKeyOverride: tw.foreignSigningKey ? foreign(session.credentials.sign) : undefined,
  });

  const headers: Record<string, string> = { accept: 'application/json' };
  if (tw.omitHeader !== 'Authorization') headers.authorization = `Bearer ${tokens.bearer}`;
  if (tw.omitHeader !== 'FSE-JWT-Signature') headers['fse-jwt-signature'] = tokens.signature;
  let payload: Uint8Array | undefined;
  if (fileBytes) {
    const mp = buildMultipart({ requestBody: JSON.stringify(body), file: { bytes: fileBytes, filename: `${doc.docType}-${doc.ctx.docIdExtension}.pdf` } });
    headers['content-type'] = mp.contentType;
    payload = mp.body;
  } else if (spec.method === 'update-metadata') {
    headers['content-type'] = 'application/json';
    payload = Buffer.from(JSON.stringify(body), 'utf8');
  }
  const path = pathFor(spec.method, spec.pathId ?? doc.identificativoDoc);
  const result = await session.client.send({ method: HTTP[spec.method], path, headers, body: payload });

  // Evidence first: the ledger row is written (and fsynced) before anything can fail.
  const files = session.ledger.writeExchange({ method: spec.method, requestBytes: result.requestBytes, responseBytes: result.responseBytes });
  let pdfFile: string | undefined;
  if (fileBytes) pdfFile = session.ledger.savePdf(`${String(files.seq).padStart(4, '0')}-${doc.docType}-${spec.method}.pdf`, fileBytes);
  let json: Record<string, unknown> | undefined;
  if (result.body && result.body.length) {
    try { json = JSON.parse(result.body.toString('utf8')) as Record<string, unknown>; } catch { json = undefined; }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  const xCartId = result.headers['x-cart-id'] ?? '';
  const errorType = result.error ? `network:${result.error.cause}` : result.status && result.status >= 400 ? str(json?.type) : '';
  const errorDetail = result.error ? `${result.error.code}: ${result.error.message}` : result.status && result.status >= 400 ? str(json?.detail ?? json?.title) : '';
  const outcome: ExchangeOutcome = {
    seq: files.seq, at: now.toISOString(), spec, status: result.status, json, xCartId,
    traceId: str(json?.traceID), spanId: str(json?.spanID), workflowInstanceId: str(json?.workflowInstanceId),
    errorType, errorDetail, result, tokens, body,
    requestFile: files.requestFile, responseFile: files.responseFile, pdfFile,
    url: new URL(path, session.client.baseUrl).toString(),
  };
  session.ledger.append({
    timestamp: now.toISOString(),
    installation: profile.installation,
    scenario: spec.scenario,
    method: spec.method,
    documentType: doc.docType,
    patientCf: doc.patientCf,
    identificativoDoc: spec.method === 'validate-and-create' || spec.method === 'replace' ? doc.identificativoDoc : (spec.pathId ?? doc.identificativoDoc),
    httpStatus: result.status ?? '',
    xCartId,
    traceId: outcome.traceId,
    spanId: outcome.spanId,
    workflowInstanceId: outcome.workflowInstanceId,
    errorType,
    errorDetail: errorDetail.slice(0, 2000),
    expected: spec.expected,
    outcome: result.error ? 'ERROR' : result.status === spec.expected ? 'PASS' : 'FAIL',
    requestFile: files.requestFile,
    responseFile: files.responseFile,
    pdfSha256: fileBytes ? createHash('sha256').update(fileBytes).digest('hex') : '',
  });
  return outcome;
}

export { decodeJwt };
