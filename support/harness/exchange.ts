/**
 * One gateway call in three steps — build → send → record — each done once, each fact computed once and carried
 * forward: `buildRequest` makes the body, both tokens and the exact HTTP request; `sendRequest` sends it (the client
 * keeps the raw bytes); `recordExchange` writes the evidence and the ledger row, which IS the outcome the scenario
 * reads (one type: a ledger row plus what the scenario needs beyond it).
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { LedgerRow, Method, Profile } from '../types.ts';
import { buildTokens, type BuiltTokens } from '../jwt/tokens.ts';
import type { KeyMaterial } from '../pki/credentials.ts';
import { foreignKeyPem } from '../pki/testPki.ts';
import { buildBody, editBody, serviceTimesOf, type RequestBody } from '../request/body.ts';
import { buildMultipart } from '../request/multipart.ts';
import { encodePathId, resourceHl7Type } from '../gateway/ids.ts';
import { attachmentHash } from '../gateway/claims.ts';
import { assertPatientAllowed } from '../request/interlocks.ts';
import { describeNonJson } from '../request/non-json.ts';
import type { ExchangeResult, GatewayClient, SendRequest } from '../request/http.ts';
import type { Ledger } from '../evidence/ledger.ts';
import type { NetworkCircuit } from './circuit.ts';
import type { DocumentState } from './document.ts';
import type { PublishedSet } from './published.ts';
import type { Pacer } from './pacing.ts';
import { INFRASTRUCTURE, isInfrastructure } from './classify.ts';
import { retryAfterMs } from '../request/retry-after.ts';
import { statusAccepted } from './expectations.ts';

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
  /** Expected HTTP status (ledger `expected`): every call declares it. */
  expected: number;
  /** Other statuses that are also a PASS (the clean-up of a maybe-published document: 404 = it was never there). */
  alsoAccepted?: readonly number[];
  tweaks?: Tweaks;
  purposeOfUse?: string;
  /** The call belongs to an informative scenario (support/harness/informative.ts): a mismatch is `INFO`, not `FAIL`. */
  informative?: boolean;
  /** A try of the settle poll after a 202 with more tries left (support/harness/settle.ts): a 404 is `RETRY`. */
  retryOn404?: boolean;
}

/** What an exchange needs from the run (the Session provides it). */
export interface ExchangeContext {
  readonly profile: Profile;
  readonly credentials: { readonly sign: KeyMaterial };
  readonly client: Pick<GatewayClient, 'send' | 'baseUrl'>;
  readonly ledger: Pick<Ledger, 'writeExchange' | 'savePdf' | 'append'>;
  readonly runId: string;
  /** Consecutive calls without an HTTP response: stops the run when the network is down (support/harness/circuit.ts). */
  readonly circuit: Pick<NetworkCircuit, 'assertMaySend' | 'record'>;
  /** The run's journal of published documents (support/harness/published.ts); absent = not tracked (unit tests). */
  readonly published?: Pick<PublishedSet, 'sending' | 'track'>;
  /** `--rate`: waits for this process's next slot (support/harness/pacing.ts); absent/null = no pacing. */
  readonly pacer?: Pacer | null;
  /** The test PKI directory, where the key of the "signed with another key" cases is kept (absent: one per process). */
  readonly pkiDir?: string;
  nextSeq(): number;
}

/** A request ready to send, with what was built for it. */
export interface BuiltRequest {
  spec: ExchangeSpec;
  /** When it was built and sent (the ledger timestamp). */
  at: Date;
  body: RequestBody | null;
  tokens: BuiltTokens;
  /** The PDF uploaded (create/replace), else null. */
  file: Uint8Array | null;
  http: SendRequest;
}

/**
 * The outcome of one exchange: its ledger row (what evidence/ledger.csv gets, except that the ledger keeps the first
 * LEDGER_DETAIL_MAX characters of `errorDetail`) and what the scenario needs beyond it.
 */
export interface ExchangeOutcome extends LedgerRow {
  /** Number of the exchange in the evidence (`exchanges/NNNN-…`). */
  seq: number;
  spec: ExchangeSpec;
  /** Parsed JSON response body, when there is one. */
  json?: Record<string, unknown>;
  result: ExchangeResult;
  tokens: BuiltTokens;
  body: RequestBody | null;
  /** evidence/pdf/… of the PDF sent (create/replace). */
  pdfFile?: string;
  url: string;
  /** The first attempt, when this outcome is the one retry after a 429/503 with Retry-After. */
  previous?: ExchangeOutcome;
}

/** True when the call got an HTTP success (< 300). */
export function succeeded(o: Pick<LedgerRow, 'httpStatus'>): boolean {
  return o.httpStatus !== '' && o.httpStatus < 300;
}

let foreignKey: { keyPem: string; der: Uint8Array } | null = null;
/** The signature material with a key that is not its certificate's (kept in the PKI directory when there is one). */
function foreign(sign: KeyMaterial, pkiDir: string | undefined): KeyMaterial {
  if (!foreignKey) {
    const key = pkiDir ? createPrivateKey(foreignKeyPem(pkiDir)) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    foreignKey = { keyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(), der: new Uint8Array(key.export({ format: 'der', type: 'pkcs8' })) };
  }
  return { ...sign, keyPem: foreignKey.keyPem, privateKeyPkcs8Der: foreignKey.der };
}

const HTTP: Record<Method, 'POST' | 'PUT' | 'DELETE'> = { 'validate-and-create': 'POST', replace: 'PUT', 'update-metadata': 'PUT', delete: 'DELETE' };

/** RT's CART paths under `/gateway/v2/` (RT spec, the four methods; OpenAPI `/documents/…`). */
export function pathFor(method: Method, id?: string): string {
  switch (method) {
    case 'validate-and-create': return 'documents/validate-and-create';
    case 'replace': return `documents/${encodePathId(id!)}`;
    case 'update-metadata': return `documents/${encodePathId(id!)}/metadata`;
    case 'delete': return `documents/${encodePathId(id!)}`;
  }
}

/** Step 1: body, both tokens, headers and payload of the call. Refuses a non-test patient on stage first. */
export async function buildRequest(ctx: ExchangeContext, spec: ExchangeSpec): Promise<BuiltRequest> {
  const { profile } = ctx;
  const doc = spec.document;
  const tw = spec.tweaks ?? {};
  assertPatientAllowed(profile.target, doc.patientCf);
  const seq = ctx.nextSeq();
  const at = new Date();

  let body = buildBody({
    method: spec.method, profile, docType: doc.docType,
    identificativoDoc: doc.identificativoDoc, mode: doc.mode,
    submissionSuffix: `${ctx.runId.replace(/[^0-9]/g, '')}.${seq}`,
    ...serviceTimesOf(doc.cda, at),
  });
  if (body && tw.body) body = editBody(body, tw.body);

  const file = spec.method === 'validate-and-create' || spec.method === 'replace' ? doc.pdf : null;
  const hash = file ? attachmentHash(tw.hashOfOtherBytes ? Buffer.concat([Buffer.from(file), Buffer.from('\n')]) : file) : undefined;
  const tokens = await buildTokens({
    method: spec.method, profile, sign: ctx.credentials.sign, patientCf: doc.patientCf,
    resourceHl7Type: resourceHl7Type(doc.code.code, doc.code.codeSystem),
    attachmentHash: hash,
    now: tw.expiredToken ? new Date(at.getTime() - 2 * 3600_000) : at,
    purposeOfUse: spec.purposeOfUse,
    overrides: { signature: tw.signatureClaims, bearer: tw.bearerClaims },
    signingKeyOverride: tw.foreignSigningKey ? foreign(ctx.credentials.sign, ctx.pkiDir) : undefined,
  });

  const headers: Record<string, string> = { accept: 'application/json' };
  if (tw.omitHeader !== 'Authorization') headers.authorization = `Bearer ${tokens.bearer}`;
  if (tw.omitHeader !== 'FSE-JWT-Signature') headers['fse-jwt-signature'] = tokens.signature;
  let payload: Uint8Array | undefined;
  if (file) {
    const mp = buildMultipart({ requestBody: JSON.stringify(body), file: { bytes: file, filename: `${doc.docType}-${doc.ctx.docIdExtension}.pdf` } });
    headers['content-type'] = mp.contentType;
    payload = mp.body;
  } else if (spec.method === 'update-metadata') {
    headers['content-type'] = 'application/json';
    payload = Buffer.from(JSON.stringify(body), 'utf8');
  }
  const http: SendRequest = { method: HTTP[spec.method], path: pathFor(spec.method, spec.pathId ?? doc.identificativoDoc), headers, body: payload };
  return { spec, at, body, tokens, file, http };
}

/**
 * Step 2: the call itself (never retried here: a retry of validate-and-create after a timeout could publish twice).
 * When the run was stopped (network down, failed probe, SIGINT/SIGTERM: support/harness/circuit.ts) it throws
 * RunStoppedError and sends nothing, also after waiting for its `--rate` slot; a create/replace is written to the
 * published journal as `sending` before it goes out; every call tells the circuit whether an HTTP response arrived.
 */
export async function sendRequest(ctx: ExchangeContext, req: BuiltRequest): Promise<ExchangeResult> {
  ctx.circuit.assertMaySend();
  if (ctx.pacer) {
    await ctx.pacer.wait();
    ctx.circuit.assertMaySend();
  }
  ctx.published?.sending(req.spec.method, req.spec.document);
  const result = await ctx.client.send(req.http);
  ctx.circuit.record(result.status !== undefined, result.error ? `${result.error.code}: ${result.error.message}` : undefined);
  return result;
}

/** Longest `errorDetail` written to the ledger (the whole answer is in the exchange's response file). */
export const LEDGER_DETAIL_MAX = 2000;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Step 3: the exact bytes and the PDF into the evidence, then the ledger row (fsynced) — before anything can fail. */
export function recordExchange(ctx: ExchangeContext, req: BuiltRequest, result: ExchangeResult): ExchangeOutcome {
  const { spec, file } = req;
  const doc = spec.document;
  const files = ctx.ledger.writeExchange({ method: spec.method, requestBytes: result.requestBytes, responseBytes: result.responseBytes });
  const pdfFile = file ? ctx.ledger.savePdf(`${String(files.seq).padStart(4, '0')}-${doc.docType}-${spec.method}.pdf`, file) : undefined;
  let json: Record<string, unknown> | undefined;
  if (result.body && result.body.length) {
    try { json = JSON.parse(result.body.toString('utf8')) as Record<string, unknown>; } catch { json = undefined; }
  }
  const failed = !!result.status && result.status >= 400;
  // an HTML/plain-text error page (border, proxy, web server): its title or first 200 characters;
  // the whole page stays in the exchange's response file
  const page = !result.error && failed && !json ? describeNonJson(result.body, result.headers['content-type']) : undefined;
  const outcome: ExchangeOutcome = {
    timestamp: req.at.toISOString(),
    installation: ctx.profile.installation,
    scenario: spec.scenario,
    method: spec.method,
    documentType: doc.docType,
    patientCf: doc.patientCf,
    identificativoDoc: spec.method === 'validate-and-create' || spec.method === 'replace' ? doc.identificativoDoc : (spec.pathId ?? doc.identificativoDoc),
    httpStatus: result.status ?? '',
    xCartId: result.headers['x-cart-id'] ?? '',
    traceId: str(json?.traceID),
    spanId: str(json?.spanID),
    workflowInstanceId: str(json?.workflowInstanceId),
    errorType: result.error ? `network:${result.error.cause}` : page ? page.type : failed ? str(json?.type) : '',
    errorDetail: result.error ? `${result.error.code}: ${result.error.message}` : page ? page.detail : failed ? str(json?.detail ?? json?.title) : '',
    expected: spec.expected,
    outcome: result.error ? 'ERROR' : spec.retryOn404 && result.status === 404 ? 'RETRY' : statusAccepted(spec.method, spec.expected, result.status) || (result.status !== undefined && !!spec.alsoAccepted?.includes(result.status)) ? 'PASS' : spec.informative ? 'INFO' : 'FAIL',
    requestFile: files.requestFile,
    responseFile: files.responseFile,
    pdfSha256: file ? doc.pdfSha256 : '',
    infrastructure: '',
    seq: files.seq, spec, json, result, tokens: req.tokens, body: req.body, pdfFile,
    url: new URL(req.http.path, ctx.client.baseUrl).toString(),
  };
  if (isInfrastructure(outcome)) outcome.infrastructure = INFRASTRUCTURE;
  ctx.ledger.append(outcome.errorDetail.length > LEDGER_DETAIL_MAX ? { ...outcome, errorDetail: outcome.errorDetail.slice(0, LEDGER_DETAIL_MAX) } : outcome);
  return outcome;
}

/** One attempt: build, send, record, and settle the document's fate in the published journal. */
async function attempt(ctx: ExchangeContext, spec: ExchangeSpec): Promise<ExchangeOutcome> {
  const req = await buildRequest(ctx, spec);
  const o = recordExchange(ctx, req, await sendRequest(ctx, req));
  ctx.published?.track(spec.method, o.httpStatus, spec.document, spec.pathId, { xCartId: o.xCartId, detail: [o.httpStatus || 'nessuna risposta', o.errorType, o.errorDetail].filter(Boolean).join(' ').slice(0, 300) });
  return o;
}

/**
 * Builds, sends and records one call. A 429 or 503 carrying Retry-After is the infrastructure asking to come back
 * later: the call is made once more after the wait (at most 60 s, support/request/retry-after.ts) with fresh tokens;
 * both attempts are in the ledger (the first one flagged `infrastruttura`), the second is the outcome.
 */
export async function performExchange(ctx: ExchangeContext, spec: ExchangeSpec): Promise<ExchangeOutcome> {
  const first = await attempt(ctx, spec);
  const wait = retryAfterMs(first.httpStatus === '' ? undefined : first.httpStatus, first.result.headers);
  if (wait === undefined) return first;
  await new Promise<void>((r) => setTimeout(r, wait));
  const second = await attempt(ctx, spec);
  second.previous = first;
  return second;
}
