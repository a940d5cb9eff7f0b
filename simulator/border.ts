/**
 * GovWay border layer: what happens before the dispatcher sees a request (errors from the border appliances:
 * national guide "Interfacce REST Gateway" §14.2; GovWay's own checks are not published, only seen in
 * it-fse-support issues).
 *  1. both tokens present (`Authorization: Bearer …` and `FSE-JWT-Signature`) → else 401 TokenAuthenticationRequired;
 *  2. each token: JWS RS256/384/512 verified with x5c[0]; x5c[0] issued by the configured CA and valid now; a
 *     `exp`/`iat` window with skew; `aud` equal to the configured audience → else 401 TokenAuthenticationFailed;
 *  3. `iss` = `auth:<CN>` (bearer) / `integrity:<CN>` (signature), a signature certificate (CN `Sn#…`, or the TLS
 *     client certificate itself in RT single-certificate mode) → else 403 AuthorizationContentDeny. The two tokens
 *     are compared with each other (same CN, sub, aud) only with the switch `tokensMustMatch`: gateway-impl.md §7
 *     lists `iss` ↔ CN alone and gateway-spec.md A9 leaves shared sub/aud "not stated";
 *  4. the content against the OpenAPI (`borderContent`, below) → else 400 InvalidRequestContent.
 * Bodies: `{type, title, status, detail, govway_id}` (no traceID), application/problem+json.
 */
import { X509Certificate, randomUUID } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { parseRtCn } from '../support/pki/cn.ts';
import { jsonAnswer, type HttpAnswer } from './answers.ts';
import type { SimulatorSwitches } from './switches.ts';
import type { MultipartResult } from './multipart.ts';
import type { OasDtoName } from '../support/gateway/body.ts';
import {
  contentTypeCharsetProblem, contentTypeMissing, contentTypeNotAllowed, formatViolations, INVALID_REQUEST_CONTENT_PREFIX,
  jsonBodyView, multipartUnreadable, multipartView, validateJsonBody, validateMultipartView, validatePathId,
  type BorderViolation,
} from '../support/gateway/border-content.ts';

const ALGS = ['RS256', 'RS384', 'RS512'];

export type BorderName = 'TokenAuthenticationRequired' | 'TokenAuthenticationFailed' | 'AuthorizationContentDeny' | 'InvalidRequestContent';

const BORDER: Record<BorderName, { status: number; detail: string }> = {
  TokenAuthenticationRequired: { status: 401, detail: 'A token is required' },
  TokenAuthenticationFailed: { status: 401, detail: 'Invalid token' },
  AuthorizationContentDeny: { status: 403, detail: 'Unauthorized request content' },
  InvalidRequestContent: { status: 400, detail: 'Request content not conform to API specification' },
};

/**
 * A GovWay error answer; `reason` (simulator diagnostic) goes to the `X-Simulator-Reason` header and the log.
 * `detail`: the text after the fixed detail (`<fixed>: <suffix>`), or with `wholeDetail` the whole detail.
 */
export function borderError(name: BorderName, reason: string, detailSuffix?: string, wholeDetail = false): HttpAnswer & { reason: string } {
  const { status, detail } = BORDER[name];
  const govwayId = randomUUID();
  const headers: Record<string, string> = {
    'govway-transaction-id': govwayId,
    'govway-transaction-errortype': name,
    'x-simulator-reason': asciiHeader(reason),
  };
  if (status === 401) {
    headers['www-authenticate'] = name === 'TokenAuthenticationRequired'
      ? 'Bearer realm="FSE-JWT-Signature", error="invalid_request", error_description="Missing token"'
      : 'Bearer realm="FSE-JWT-Signature", error="invalid_token", error_description="Token invalid"';
  }
  const body = {
    type: `https://govway.org/handling-errors/${status}/${name}.html`,
    title: name,
    status,
    detail: wholeDetail && detailSuffix !== undefined ? detailSuffix : detailSuffix ? `${detail}: ${detailSuffix}` : detail,
    govway_id: govwayId,
  };
  return { ...jsonAnswer(status, body, 'application/problem+json', headers), reason };
}

function asciiHeader(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}

interface CertInfo { cert: X509Certificate; der: Buffer; cn: string; issuedByCa: boolean }

export interface BorderConfig {
  caPem: string;
  audience: string;
  switches: SimulatorSwitches;
}

export interface BorderInput {
  authorization: string | undefined;
  signature: string | undefined;
  /** DER of the TLS client certificate (undefined if none). */
  peerCertDer: Buffer | undefined;
  nowSeconds?: number;
}

export interface BorderOk { ok: true; cn: string; bearerPayload: Record<string, unknown>; signaturePayload: Record<string, unknown> }

export function cnOf(cert: X509Certificate): string {
  for (const line of cert.subject.split('\n')) {
    if (line.startsWith('CN=')) return line.slice(3);
  }
  return '';
}

/** GovWay simulation; pure apart from a bounded certificate cache. */
export class Border {
  private readonly cas: X509Certificate[];
  private readonly cache = new Map<string, CertInfo | null>();
  private readonly cfg: BorderConfig;

  constructor(cfg: BorderConfig) {
    this.cfg = cfg;
    this.cas = splitPem(cfg.caPem).map((p) => new X509Certificate(p));
    if (this.cas.length === 0) throw new Error('border: no CA certificate in caPem');
  }

  private certInfo(b64: string): CertInfo | null {
    const hit = this.cache.get(b64);
    if (hit !== undefined) return hit;
    let info: CertInfo | null = null;
    try {
      // No whitespace: an x5c entry with an embedded \r or \n is refused (#343).
      if (!/^[A-Za-z0-9+/=]+$/.test(b64)) throw new Error('not base64');
      const der = Buffer.from(b64, 'base64');
      const cert = new X509Certificate(der);
      const issuedByCa = this.cas.some((ca) => {
        try { return cert.checkIssued(ca) && cert.verify(ca.publicKey); } catch { return false; }
      });
      info = { cert, der, cn: cnOf(cert), issuedByCa };
    } catch {
      info = null;
    }
    if (this.cache.size >= 256) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(b64, info);
    return info;
  }

  async check(i: BorderInput): Promise<BorderOk | (HttpAnswer & { reason: string })> {
    const auth = i.authorization?.trim();
    const sig = i.signature?.trim();
    if (!auth || !/^Bearer\s+\S/i.test(auth)) {
      return borderError('TokenAuthenticationRequired', 'Authorization: Bearer token missing');
    }
    if (!sig) return borderError('TokenAuthenticationRequired', 'FSE-JWT-Signature header missing');
    const bearer = await this.verifyToken(auth.replace(/^Bearer\s+/i, ''), 'Authorization bearer', i);
    if ('status' in bearer) return bearer;
    const signature = await this.verifyToken(sig.replace(/^Bearer\s+/i, ''), 'FSE-JWT-Signature', i);
    if ('status' in signature) return signature;

    const deny = (why: string) => borderError('AuthorizationContentDeny', why);
    if (bearer.payload.iss !== `auth:${bearer.cn}`) return deny(`bearer iss must be "auth:${bearer.cn}" (the x5c CN)`);
    if (signature.payload.iss !== `integrity:${signature.cn}`) return deny(`FSE-JWT-Signature iss must be "integrity:${signature.cn}" (the x5c CN)`);
    // Tokens signed with the authentication (A1#) certificate instead of the signature one: 403 (#183).
    for (const [label, t] of [['Authorization bearer', bearer], ['FSE-JWT-Signature', signature]] as const) {
      if (!t.signatureCertificate) return deny(`${label}: x5c[0] CN=${t.cn} is not a signature certificate (Sn#…)`);
    }
    // Not a documented GovWay rule (gateway-impl.md §7: only iss ↔ CN; gateway-spec.md A9: "not stated"): opt-in.
    if (this.cfg.switches.tokensMustMatch) {
      if (bearer.cn !== signature.cn) return deny('the two tokens are signed by different certificates (CN differs)');
      if (bearer.payload.sub !== signature.payload.sub) return deny('sub differs between the two tokens');
      if (bearer.payload.aud !== signature.payload.aud) return deny('aud differs between the two tokens');
    }
    return { ok: true, cn: signature.cn, bearerPayload: bearer.payload, signaturePayload: signature.payload };
  }

  /**
   * The status operations (E12, E13): the bearer alone. gateway-spec.md's endpoint table gives "Bearer ([G §12])" for
   * both, and "[G §12/§13] status calls list only `Authorization`"; gateway-impl.md §7 names the bearer among the
   * tokens GovWay requires ("`FSE-JWT-Signature` (or bearer) header missing or misnamed → 401"). So: bearer present →
   * else 401 TokenAuthenticationRequired; verified as for the document operations → else 401 TokenAuthenticationFailed;
   * `iss` = `auth:<CN>` with a signature certificate → else 403 AuthorizationContentDeny. `FSE-JWT-Signature` is not
   * required and not read. (gateway-impl.md §1 gives E13 "none" for its content/auth: that is the dispatcher, which
   * reads no header on E13; the border in front of it still asks for the bearer, as the guide and the OpenAPI's
   * global `security` do.)
   */
  async checkBearer(i: Omit<BorderInput, 'signature'>): Promise<{ ok: true; cn: string; bearerPayload: Record<string, unknown> } | (HttpAnswer & { reason: string })> {
    const auth = i.authorization?.trim();
    if (!auth || !/^Bearer\s+\S/i.test(auth)) return borderError('TokenAuthenticationRequired', 'Authorization: Bearer token missing');
    const bearer = await this.verifyToken(auth.replace(/^Bearer\s+/i, ''), 'Authorization bearer', { ...i, signature: undefined });
    if ('status' in bearer) return bearer;
    if (bearer.payload.iss !== `auth:${bearer.cn}`) return borderError('AuthorizationContentDeny', `bearer iss must be "auth:${bearer.cn}" (the x5c CN)`);
    if (!bearer.signatureCertificate) return borderError('AuthorizationContentDeny', `Authorization bearer: x5c[0] CN=${bearer.cn} is not a signature certificate (Sn#…)`);
    return { ok: true, cn: bearer.cn, bearerPayload: bearer.payload };
  }

  private async verifyToken(token: string, label: string, i: BorderInput): Promise<{ cn: string; payload: Record<string, unknown>; signatureCertificate: boolean } | (HttpAnswer & { reason: string })> {
    const fail = (why: string) => borderError('TokenAuthenticationFailed', `${label}: ${why}`);
    if (token.length > 64 * 1024) return fail('token too long');
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return fail('not a JWS compact serialisation');
    }
    if (typeof header.alg !== 'string' || !ALGS.includes(header.alg)) return fail(`alg must be one of ${ALGS.join(', ')}`);
    if (header.typ !== undefined && header.typ !== 'JWT') return fail('typ must be JWT');
    const x5c = header.x5c;
    if (!Array.isArray(x5c) || x5c.length === 0 || typeof x5c[0] !== 'string') return fail('x5c header missing');
    const info = this.certInfo(x5c[0]);
    if (!info) return fail('x5c[0] is not a valid X.509 certificate');
    if (!info.issuedByCa) return fail(`x5c[0] (CN=${info.cn}) is not issued by the trusted CA`);
    const now = i.nowSeconds ?? Math.floor(Date.now() / 1000);
    const nb = Date.parse(info.cert.validFrom) / 1000;
    const na = Date.parse(info.cert.validTo) / 1000;
    if (now < nb || now > na) return fail('x5c[0] certificate expired or not yet valid');
    const sw = this.cfg.switches;
    const isTlsCert = i.peerCertDer !== undefined && info.der.equals(i.peerCertDer);
    const rt = parseRtCn(info.cn);
    const isSignatureCn = sw.strictRtCn ? rt.ok && rt.kind === 'S' : /^S\d+#/.test(info.cn);
    const signatureCertificate = isSignatureCn || (sw.allowSingleCertificate && isTlsCert);
    let payloadBytes: Uint8Array;
    try {
      const r = await compactVerify(token, info.cert.publicKey, { algorithms: ALGS });
      payloadBytes = r.payload;
    } catch {
      return fail('signature does not verify with x5c[0]');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(payloadBytes).toString('utf8'));
    } catch {
      return fail('payload is not JSON');
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return fail('payload is not a JSON object');
    const p = payload as Record<string, unknown>;
    const skew = sw.clockSkewSeconds;
    if (typeof p.exp !== 'number' || !Number.isFinite(p.exp)) return fail('exp missing or not a number (seconds)');
    if (typeof p.iat !== 'number' || !Number.isFinite(p.iat)) return fail('iat missing or not a number (seconds)');
    if (p.exp + skew < now) return fail('token expired (exp)');
    if (p.iat - skew > now) return fail('iat in the future');
    if (p.exp < p.iat) return fail('exp before iat');
    if (sw.maxTokenLifetimeSeconds > 0 && p.exp - p.iat > sw.maxTokenLifetimeSeconds) return fail('token lifetime too long');
    if (p.aud !== this.cfg.audience) return fail(`aud must be "${this.cfg.audience}"`);
    return { cn: info.cn, payload: p, signatureCertificate };
  }
}

export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

// ---- content: the request against the operation of the OpenAPI (B-04…B-12) -----------------------------------------

export interface BorderContentInput {
  /** The operation's request body: a multipart with the DTO's `requestBody`, a JSON DTO, or none (delete). */
  body: { kind: 'multipart'; dto: OasDtoName } | { kind: 'json'; dto: OasDtoName } | { kind: 'none' };
  contentType: string | undefined;
  /** Decoded `{idDoc}` (replace, metadata, delete). */
  pathId?: string;
  multipart?: MultipartResult;
  raw?: Buffer;
}

/**
 * GovWay's content check (switch `openApiConformance`, on by default): B-04 (charset before boundary), then every
 * OpenAPI violation of the path parameter and of the body in one 400 InvalidRequestContent. Undefined = conforms.
 */
export function borderContent(i: BorderContentInput, sw: SimulatorSwitches): (HttpAnswer & { reason: string }) | undefined {
  const prefix = INVALID_REQUEST_CONTENT_PREFIX;
  if (i.body.kind !== 'none') {
    const charset = contentTypeCharsetProblem(i.contentType);
    if (charset !== undefined) return borderError('InvalidRequestContent', `Content-Type charset "${charset}"`, `${prefix}: ${charset}`, true);
  }
  const violations: BorderViolation[] = [];
  if (i.pathId !== undefined) violations.push(...validatePathId(i.pathId));
  const type = (i.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (i.body.kind === 'multipart') {
    if (type !== 'multipart/form-data') violations.push(contentTypeNotAllowed(i.contentType));
    else if (!i.multipart || !i.multipart.ok) violations.push(multipartUnreadable(i.contentType!, !!i.multipart && !i.multipart.ok && i.multipart.noBoundary));
    else {
      // a file part is seen by its file name only (openapi4j's MultipartConverter): its bytes are not decoded
      const parts = i.multipart.parts.map((p) => ({ name: p.name, filename: p.filename, contentType: p.contentType, text: p.filename !== undefined ? '' : p.data.toString('utf8') }));
      const v = multipartView(parts, i.contentType!, { unlabelledPartIsJson: !sw.requestBodyJsonContentType });
      if ('violation' in v) violations.push(v.violation);
      else violations.push(...validateMultipartView(i.body.dto, v.view));
    }
  } else if (i.body.kind === 'json') {
    if (i.contentType === undefined) violations.push(contentTypeMissing());
    else if (type !== 'application/json') violations.push(contentTypeNotAllowed(i.contentType));
    else {
      const v = jsonBodyView(i.raw && i.raw.length > 0 ? i.raw.toString('utf8') : undefined, i.contentType);
      if ('violation' in v) violations.push(v.violation);
      else violations.push(...validateJsonBody(i.body.dto, v.value));
    }
  }
  if (violations.length === 0) return undefined;
  const detail = `${prefix}: ${formatViolations(violations)}`;
  return borderError('InvalidRequestContent', violations.map((v) => `${v.data || '-'} (${v.code})`).join('; '), detail, true);
}
