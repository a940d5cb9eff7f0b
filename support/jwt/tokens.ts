/**
 * The two JWTs of every gateway call (national guide "Interfacce REST Gateway" §15.1, tables 54–55): the
 * Authorization Bearer token (reserved claims only) and the FSE-JWT-Signature token (reserved + custom claims). Both are RS256, signed with the SIGNATURE
 * certificate's key, with `x5c` = [standard base64 DER of that certificate]. New `jti` on every call.
 */
import { X509Certificate as NodeX509, createPrivateKey, createSign, randomUUID } from 'node:crypto';
import { SignJWT, compactVerify, importPKCS8 } from 'jose';
import type { Method, Profile } from '../types.ts';
import type { KeyMaterial } from '../pki/credentials.ts';
import { toCx } from '../cf.ts';
import { DEFAULT_AUDIENCE, METHOD_CLAIMS } from '../gateway/claims.ts';
import { RT_ORGANIZATION, RT_ORGANIZATION_ID } from '../gateway/codes.ts';

export interface TokenInput {
  method: Method;
  profile: Profile;
  sign: KeyMaterial;
  patientCf: string;
  /** `('code^^codeSystem')` — required except for delete. */
  resourceHl7Type?: string;
  /** Lowercase hex SHA-256 of the exact PDF bytes — used only by validate-and-create and replace. */
  attachmentHash?: string;
  now?: Date;
  /** Default 300 seconds. */
  lifetimeSeconds?: number;
  /** Override purpose_of_use (update-metadata may use 'ACCESS UPDATE'). */
  purposeOfUse?: string;
  /** Negative scenarios: set a claim (or header field) to a value, or `null` to delete it. */
  overrides?: { bearer?: Record<string, unknown>; signature?: Record<string, unknown>; header?: Record<string, unknown> };
  /** Negative scenario: sign with this key while x5c still carries `sign`'s certificate. */
  signingKeyOverride?: KeyMaterial;
}

export interface BuiltTokens {
  bearer: string;
  signature: string;
  header: Record<string, unknown>;
  bearerClaims: Record<string, unknown>;
  signatureClaims: Record<string, unknown>;
}

/** Methods that upload a file and therefore carry attachment_hash. */
const HASH_METHODS: readonly Method[] = ['validate-and-create', 'replace'];

function applyOverrides(target: Record<string, unknown>, o: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!o) return target;
  const out = { ...target };
  for (const [k, v] of Object.entries(o)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

function b64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

/** Compact JWS with an arbitrary header, RSA-SHA256 over `header.payload` (used when the header is overridden). */
function signManually(header: Record<string, unknown>, payload: Record<string, unknown>, keyPem: string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = createSign('RSA-SHA256').update(input).sign(createPrivateKey(keyPem));
  return `${input}.${b64url(sig)}`;
}

/** Imported signing keys, by PEM (process memory only; a run signs thousands of tokens with one or two keys). */
const importedKeys = new Map<string, Promise<Awaited<ReturnType<typeof importPKCS8>>>>();
function importKey(keyPem: string): Promise<Awaited<ReturnType<typeof importPKCS8>>> {
  let k = importedKeys.get(keyPem);
  if (!k) {
    if (importedKeys.size >= 16) importedKeys.clear();
    k = importPKCS8(keyPem, 'RS256') ;
    importedKeys.set(keyPem, k);
  }
  return k;
}

async function signToken(header: Record<string, unknown>, payload: Record<string, unknown>, keyPem: string, manual: boolean): Promise<string> {
  if (manual) return signManually(header, payload, keyPem);
  const key = await importKey(keyPem);
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
}

/** Builds both tokens for one call. Throws TypeError on programming mistakes (missing resource type / hash). */
export async function buildTokens(i: TokenInput): Promise<BuiltTokens> {
  const claims = METHOD_CLAIMS[i.method];
  if (!claims) throw new TypeError(`Unknown method "${String(i.method)}"`);
  const sigOverrides = i.overrides?.signature ?? {};
  const hasOverride = (k: string): boolean => Object.prototype.hasOwnProperty.call(sigOverrides, k);
  if (i.method !== 'delete' && i.resourceHl7Type === undefined && !hasOverride('resource_hl7_type')) {
    throw new TypeError(`buildTokens: resourceHl7Type is required for ${i.method}`);
  }
  const usesHash = HASH_METHODS.includes(i.method);
  if (usesHash && i.attachmentHash === undefined && !hasOverride('attachment_hash')) {
    throw new TypeError(`buildTokens: attachmentHash is required for ${i.method}`);
  }
  if (usesHash && i.attachmentHash !== undefined && !/^[0-9a-f]{64}$/.test(i.attachmentHash)) {
    throw new TypeError('buildTokens: attachmentHash must be 64 lowercase hex characters (SHA-256 of the PDF bytes)');
  }
  const lifetime = i.lifetimeSeconds ?? 300;
  const iat = Math.floor((i.now ?? new Date()).getTime() / 1000);
  const exp = iat + lifetime;
  const cn = i.sign.cn;
  const sub = toCx(i.profile.operatorCf);
  const aud = i.profile.aud ?? DEFAULT_AUDIENCE;

  const baseHeader: Record<string, unknown> = {
    alg: 'RS256',
    typ: 'JWT',
    x5c: [Buffer.from(i.sign.certDer).toString('base64')],
  };
  const header = applyOverrides(baseHeader, i.overrides?.header);
  const manual = i.overrides?.header !== undefined;

  const bearerClaims = applyOverrides(
    { iss: `auth:${cn}`, sub, aud, iat, exp, jti: randomUUID() },
    i.overrides?.bearer,
  );

  const sig: Record<string, unknown> = {
    iss: `integrity:${cn}`,
    sub,
    aud,
    iat,
    exp,
    jti: randomUUID(),
    subject_organization_id: RT_ORGANIZATION_ID,
    subject_organization: RT_ORGANIZATION,
    locality: i.profile.locality,
    subject_role: i.profile.subjectRole,
    person_id: toCx(i.patientCf),
    patient_consent: true,
    purpose_of_use: i.purposeOfUse ?? claims.purpose_of_use,
    action_id: claims.action_id,
  };
  if (i.resourceHl7Type !== undefined) sig['resource_hl7_type'] = i.resourceHl7Type;
  if (usesHash && i.attachmentHash !== undefined) sig['attachment_hash'] = i.attachmentHash;
  sig['subject_application_id'] = i.profile.application.id;
  sig['subject_application_vendor'] = i.profile.application.vendor;
  sig['subject_application_version'] = i.profile.application.version;
  const signatureClaims = applyOverrides(sig, i.overrides?.signature);

  const keyPem = (i.signingKeyOverride ?? i.sign).keyPem;
  const bearer = await signToken(header, bearerClaims, keyPem, manual);
  const signature = await signToken(header, signatureClaims, keyPem, manual);
  return { bearer, signature, header, bearerClaims, signatureClaims };
}

/** Decodes header and payload without verifying anything. Throws Error on a malformed token. */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error(`Malformed JWT: expected 3 dot-separated parts, got ${parts.length}`);
  const dec = (s: string, what: string): Record<string, unknown> => {
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    } catch {
      throw new Error(`Malformed JWT: the ${what} is not base64url-encoded JSON`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`Malformed JWT: the ${what} is not a JSON object`);
    return v as Record<string, unknown>;
  };
  return { header: dec(parts[0]!, 'header'), payload: dec(parts[1]!, 'payload') };
}

/**
 * Verifies the RSA signature (RS256/RS384/RS512) against the certificate in x5c[0]. Checks nothing else
 * (no exp/aud/trust chain). Never throws.
 */
export async function verifyJwtWithX5c(token: string): Promise<{ ok: boolean; reason?: string; certDer?: Uint8Array }> {
  let header: Record<string, unknown>;
  try {
    header = decodeJwt(token).header;
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'malformed token' };
  }
  const x5c = header['x5c'];
  if (!Array.isArray(x5c) || x5c.length === 0 || typeof x5c[0] !== 'string') {
    return { ok: false, reason: 'the header has no x5c certificate' };
  }
  const b64 = x5c[0];
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    return { ok: false, reason: 'x5c[0] is not standard base64 (base64url or PEM armour is not allowed)' };
  }
  const certDer = new Uint8Array(Buffer.from(b64, 'base64'));
  let publicKey;
  try {
    publicKey = new NodeX509(certDer).publicKey;
  } catch {
    return { ok: false, reason: 'x5c[0] is not a valid X.509 certificate' };
  }
  try {
    await compactVerify(token, publicKey, { algorithms: ['RS256', 'RS384', 'RS512'] });
    return { ok: true, certDer };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') return { ok: false, reason: `alg ${String(header['alg'])} is not allowed (RS256, RS384, RS512)`, certDer };
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { ok: false, reason: 'the signature does not match the certificate in x5c[0]', certDer };
    return { ok: false, reason: `invalid JWS: ${err instanceof Error ? err.message : String(err)}`, certDer };
  }
}
