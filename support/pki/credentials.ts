/**
 * Loads and checks the vendor's credentials (authentication + signature certificates, or one certificate
 * for both) before any network call. Every problem the user can fix becomes ONE `UserError` naming the
 * profile field and the file. Secrets (passphrases, key bytes) never appear in messages.
 */
import { X509Certificate as NodeX509, createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import forge from 'node-forge';
import * as x509 from './x509.ts';
import { UserError } from '../errors.ts';
import type { CertificateSource, Profile } from '../types.ts';
import { parseRtCn, rolePrefix, RT_CN_RULE } from './cn.ts';
import { derToPem, orderChain, tlsChainPem } from './chain.ts';

export interface KeyMaterial {
  certPem: string;
  certDer: Uint8Array;
  /** Unencrypted PKCS#8 PEM — memory only, never written or logged. */
  keyPem: string;
  privateKeyPkcs8Der: Uint8Array;
  /** Further certificates found beside the leaf (intermediate/root), DER. */
  chainDer: Uint8Array[];
  /**
   * What the TLS handshake sends: the leaf followed by the intermediates of its chain found in the .p12 / PEM
   * bundle, in path order (issuer of the leaf first); the self-signed root and unrelated certificates are left out.
   */
  tlsCertPem: string;
  /** Number of intermediates in `tlsCertPem`. */
  intermediates: number;
  cn: string;
  notBefore: Date;
  notAfter: Date;
}

export interface Credentials {
  mode: 'separate' | 'single';
  auth: KeyMaterial;
  sign: KeyMaterial;
  serverCaPem?: string;
  /** Non-blocking remarks (e.g. A/S CN suffixes differ, certificate expires soon). */
  warnings?: string[];
}

export interface LoadCredentialsOptions {
  baseDir: string;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  /**
   * Refuse CNs that do not follow RT's long form instead of warning. Default: the profile's `strictCn`, or the
   * environment variable FSE_STRICT_CN=1 (set by `--strict-cn`).
   */
  strictCn?: boolean;
}

/** Environment variable of strict CN mode (set by the `--strict-cn` flag, so that parallel workers see it too). */
export const STRICT_CN_ENV = 'FSE_STRICT_CN';

/** Strict CN mode: the option, else the profile's `strictCn`, else FSE_STRICT_CN=1 (the `--strict-cn` flag). */
export function strictCnMode(profile: Pick<Profile, 'strictCn'>, env: NodeJS.ProcessEnv, option?: boolean): boolean {
  if (option !== undefined) return option;
  return profile.strictCn === true || /^(1|true|yes)$/i.test(env[STRICT_CN_ENV] ?? '');
}

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_ANY_EKU = '2.5.29.37.0';
const KU_DIGITAL_SIGNATURE = 1;
const KU_NON_REPUDIATION = 2;

type Role = 'authentication' | 'signature';

interface Loaded extends KeyMaterial {
  field: string;
  file: string;
  keyObject: KeyObject;
  keyUsage: number | undefined;
  extKeyUsage: string[] | undefined;
  /** Certificates of the bundle that are not on the leaf's chain (not sent). */
  unrelated: number;
}

// ---------------------------------------------------------------- helpers

function resolvePath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function readRequired(field: string, path: string): Buffer {
  if (!existsSync(path)) {
    throw new UserError('CRED_FILE_MISSING', `${field}: file not found: ${path}`, `Fix the path in the profile (relative paths are resolved from the profile's folder), or generate a test PKI with: fse-harness pki --out .fse/pki`);
  }
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    return readFileSync(path);
  } catch {
    throw new UserError('CRED_FILE_UNREADABLE', `${field}: cannot read ${path} (not a regular file, or no permission)`, 'Check the path and the file permissions.');
  }
}

function pemBlocks(text: string, label: RegExp): string[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  const out: string[] = [];
  for (const m of text.matchAll(re)) if (label.test(m[1]!)) out.push(m[0]);
  return out;
}

function pemToDer(pem: string): Uint8Array {
  const b64 = pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}


/** Certificates in a PEM or DER file; throws UserError if there are none. */
function readCertificates(field: string, path: string, buf: Buffer): Uint8Array[] {
  const text = buf.toString('latin1');
  const blocks = pemBlocks(text, /^(X509 |TRUSTED )?CERTIFICATE$/);
  const ders: Uint8Array[] = [];
  if (blocks.length > 0) {
    for (const b of blocks) ders.push(pemToDer(b));
  } else if (buf.length > 0 && buf[0] === 0x30) {
    ders.push(new Uint8Array(buf));
  }
  if (ders.length === 0) {
    const what = /PRIVATE KEY-----/.test(text) ? ' (it contains a private key: did you swap the cert and key paths?)' : '';
    throw new UserError('CRED_NOT_A_CERTIFICATE', `${field}: ${path} is not an X.509 certificate${what}`, 'Point it to a PEM (-----BEGIN CERTIFICATE-----) or DER certificate file.');
  }
  for (const d of ders) {
    try {
      new NodeX509(d);
    } catch {
      throw new UserError('CRED_NOT_A_CERTIFICATE', `${field}: ${path} does not contain a readable X.509 certificate`, 'Point it to a PEM (-----BEGIN CERTIFICATE-----) or DER certificate file.');
    }
  }
  return ders;
}

function passphraseFor(src: CertificateSource, fieldBase: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!src.passphraseEnv) return undefined;
  const v = env[src.passphraseEnv];
  if (v === undefined) {
    throw new UserError(
      'CRED_PASSPHRASE_ENV_MISSING',
      `${fieldBase}.passphraseEnv names the environment variable ${src.passphraseEnv}, but it is not set`,
      `Set ${src.passphraseEnv} in the environment or in a .env file beside the profile (never put the passphrase itself in the profile).`,
    );
  }
  return v;
}

function readPemKey(field: string, fieldBase: string, path: string, buf: Buffer, src: CertificateSource, env: NodeJS.ProcessEnv): KeyObject {
  const text = buf.toString('latin1');
  const blocks = pemBlocks(text, /PRIVATE KEY$/);
  const pem = blocks[0];
  if (!pem) {
    if (buf.length > 0 && buf[0] === 0x30) {
      for (const type of ['pkcs8', 'pkcs1'] as const) {
        try {
          return createPrivateKey({ key: buf, format: 'der', type });
        } catch {
          /* try next */
        }
      }
    }
    const what = /CERTIFICATE-----/.test(text) ? ' (it contains a certificate: did you swap the cert and key paths?)' : '';
    throw new UserError('CRED_NOT_A_KEY', `${field}: ${path} is not a private key${what}`, 'Point it to a PEM private key (PKCS#8 or PKCS#1, optionally encrypted).');
  }
  const encrypted = /ENCRYPTED/.test(pem);
  const passphrase = passphraseFor(src, fieldBase, env);
  if (encrypted && passphrase === undefined) {
    throw new UserError('CRED_PASSPHRASE_NEEDED', `${field}: ${path} is encrypted, but ${fieldBase}.passphraseEnv is not set`, `Add "passphraseEnv": "<VARIABLE NAME>" to ${fieldBase} and set that variable.`);
  }
  try {
    return createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase: passphrase ?? '' } : { key: pem, format: 'pem' });
  } catch {
    if (encrypted) {
      throw new UserError('CRED_WRONG_PASSPHRASE', `${field}: wrong passphrase for the encrypted key ${path} (from the environment variable ${src.passphraseEnv})`, `Check the value of ${src.passphraseEnv}.`);
    }
    throw new UserError('CRED_NOT_A_KEY', `${field}: ${path} does not contain a readable private key`, 'Point it to a PEM private key (PKCS#8 or PKCS#1).');
  }
}

function readP12(field: string, fieldBase: string, path: string, buf: Buffer, src: CertificateSource, env: NodeJS.ProcessEnv): { key: KeyObject; certs: Uint8Array[] } {
  const passphrase = passphraseFor(src, fieldBase, env);
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(buf.toString('binary')));
  } catch {
    throw new UserError('CRED_NOT_A_P12', `${field}: ${path} is not a PKCS#12 (.p12/.pfx) file`, 'Export the certificate with its private key as PKCS#12, or use "cert" + "key" PEM files instead.');
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase ?? '');
  } catch (err) {
    const msg = err instanceof Error ? err.message : '';
    if (/password|MAC could not be verified|decrypt/i.test(msg)) {
      if (passphrase === undefined) {
        throw new UserError('CRED_PASSPHRASE_NEEDED', `${field}: ${path} is protected by a passphrase, but ${fieldBase}.passphraseEnv is not set`, `Add "passphraseEnv": "<VARIABLE NAME>" to ${fieldBase} and set that variable.`);
      }
      throw new UserError('CRED_WRONG_PASSPHRASE', `${field}: wrong passphrase for ${path} (the value of the environment variable ${src.passphraseEnv} does not open it)`, `Check the value of ${src.passphraseEnv}.`);
    }
    throw new UserError('CRED_NOT_A_P12', `${field}: ${path} is not a readable PKCS#12 (.p12/.pfx) file`, 'Export the certificate with its private key as PKCS#12, or use "cert" + "key" PEM files instead.');
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const keyBag = keyBags[0];
  if (!keyBag) throw new UserError('CRED_P12_NO_KEY', `${field}: ${path} contains no private key`, 'Export the PKCS#12 file including the private key.');
  let keyDer: Buffer;
  if (keyBag.key) {
    const info = forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key as forge.pki.rsa.PrivateKey));
    keyDer = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
  } else if (keyBag.asn1) {
    keyDer = Buffer.from(forge.asn1.toDer(keyBag.asn1).getBytes(), 'binary');
  } else {
    throw new UserError('CRED_P12_NO_KEY', `${field}: ${path} contains no readable private key`, 'Export the PKCS#12 file including the private key.');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' });
  } catch {
    throw new UserError('CRED_P12_NO_KEY', `${field}: the private key in ${path} cannot be read`, 'Re-export the PKCS#12 file.');
  }
  const certs: Uint8Array[] = [];
  for (const b of certBags) {
    const a = b.cert ? forge.pki.certificateToAsn1(b.cert) : b.asn1;
    if (a) certs.push(new Uint8Array(Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary')));
  }
  if (certs.length === 0) throw new UserError('CRED_NOT_A_CERTIFICATE', `${field}: ${path} contains no certificate`, 'Export the PKCS#12 file including the certificate.');
  return { key, certs };
}

async function loadSource(role: Role, src: CertificateSource | undefined, baseDir: string, env: NodeJS.ProcessEnv, now: Date): Promise<Loaded> {
  const fieldBase = `certificates.${role}`;
  if (!src) throw new UserError('CRED_SOURCE_MISSING', `${fieldBase} is missing from the profile`, 'Give either "p12" or "cert" + "key".');
  let key: KeyObject;
  let certs: Uint8Array[];
  let field: string;
  let file: string;
  if (src.p12) {
    if (src.cert || src.key) throw new UserError('CRED_SOURCE_AMBIGUOUS', `${fieldBase}: give either "p12" or "cert" + "key", not both`, `Remove one of them from ${fieldBase}.`);
    field = `${fieldBase}.p12`;
    file = resolvePath(baseDir, src.p12);
    const buf = readRequired(field, file);
    ({ key, certs } = readP12(field, fieldBase, file, buf, src, env));
  } else {
    if (!src.cert) throw new UserError('CRED_SOURCE_MISSING', `${fieldBase}.cert is missing`, `Give "cert" + "key" (PEM files) or "p12" in ${fieldBase}.`);
    if (!src.key) throw new UserError('CRED_SOURCE_MISSING', `${fieldBase}.key is missing`, `Give the private key of ${src.cert} in ${fieldBase}.key.`);
    field = `${fieldBase}.cert`;
    file = resolvePath(baseDir, src.cert);
    const certBuf = readRequired(field, file);
    const keyPath = resolvePath(baseDir, src.key);
    const keyBuf = readRequired(`${fieldBase}.key`, keyPath);
    certs = readCertificates(field, file, certBuf);
    key = readPemKey(`${fieldBase}.key`, fieldBase, keyPath, keyBuf, src, env);
    // Key ↔ certificate (for PEM we can name both files).
    if (!certs.some((d) => new NodeX509(d).checkPrivateKey(key))) {
      throw new UserError('CRED_KEY_MISMATCH', `${fieldBase}.key (${keyPath}) is not the private key of the certificate ${fieldBase}.cert (${file})`, 'Use the key file that was generated together with this certificate.');
    }
  }
  const leafIdx = certs.findIndex((d) => new NodeX509(d).checkPrivateKey(key));
  if (leafIdx < 0) {
    throw new UserError('CRED_KEY_MISMATCH', `${field}: ${file} contains no certificate matching its private key`, 'Re-export the PKCS#12 file with the certificate and its own private key.');
  }
  const leafDer = certs[leafIdx]!;
  const chainDer = certs.filter((_, i) => i !== leafIdx);
  const ordered = orderChain(leafDer, chainDer);
  const cert = new x509.X509Certificate(leafDer);
  const cn = cert.subjectName.getField('CN')[0] ?? '';
  const notBefore = cert.notBefore;
  const notAfter = cert.notAfter;
  if (now.getTime() > notAfter.getTime()) {
    throw new UserError('CRED_EXPIRED', `${field}: the certificate "${cn}" in ${file} expired on ${notAfter.toISOString()}`, 'Renew the certificate (Sogei for stage/production; fse-harness pki for the simulator).');
  }
  if (now.getTime() < notBefore.getTime()) {
    throw new UserError('CRED_NOT_YET_VALID', `${field}: the certificate "${cn}" in ${file} is not valid before ${notBefore.toISOString()}`, 'Check the system clock, or wait until the certificate becomes valid.');
  }
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  const privateKeyPkcs8Der = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  return {
    field,
    file,
    keyObject: key,
    certPem: derToPem(leafDer),
    certDer: leafDer,
    keyPem,
    privateKeyPkcs8Der,
    chainDer,
    tlsCertPem: tlsChainPem(leafDer, ordered.intermediates),
    intermediates: ordered.intermediates.length,
    unrelated: ordered.unrelated.length,
    cn,
    notBefore,
    notAfter,
    keyUsage: ku ? ku.usages : undefined,
    extKeyUsage: eku ? eku.usages.map((u) => String(u)) : undefined,
  };
}

function hasClientAuth(l: Loaded): boolean {
  return !!l.extKeyUsage && (l.extKeyUsage.includes(OID_CLIENT_AUTH) || l.extKeyUsage.includes(OID_ANY_EKU));
}

function looksLikeSignatureCert(l: Loaded): boolean {
  return !hasClientAuth(l) && l.keyUsage !== undefined && (l.keyUsage & KU_NON_REPUDIATION) !== 0;
}

function strip(l: Loaded): KeyMaterial {
  return {
    certPem: l.certPem,
    certDer: l.certDer,
    keyPem: l.keyPem,
    privateKeyPkcs8Der: l.privateKeyPkcs8Der,
    chainDer: l.chainDer,
    tlsCertPem: l.tlsCertPem,
    intermediates: l.intermediates,
    cn: l.cn,
    notBefore: l.notBefore,
    notAfter: l.notAfter,
  };
}

function requireRsa(l: Loaded, what: string): void {
  if (l.keyObject.asymmetricKeyType !== 'rsa') {
    throw new UserError('CRED_NOT_RSA', `${l.field}: the ${what} key in ${l.file} is ${String(l.keyObject.asymmetricKeyType).toUpperCase()}, but the JWTs are signed with RS256, which needs an RSA key`, 'Use an RSA certificate for signing.');
  }
}

function checkClientAuth(l: Loaded, role: string): void {
  if (!hasClientAuth(l)) {
    const got = l.extKeyUsage ? `its extended key usages are ${l.extKeyUsage.join(', ') || '(none)'}` : 'it has no extended key usage extension';
    throw new UserError('CRED_NO_CLIENT_AUTH', `${l.field}: the ${role} certificate "${l.cn}" (${l.file}) cannot be used for TLS client authentication: ${got}, clientAuth (1.3.6.1.5.5.7.3.2) is required`, 'Use the authentication certificate (An#...) issued for mutual TLS.');
  }
  if (l.keyUsage !== undefined && (l.keyUsage & KU_DIGITAL_SIGNATURE) === 0) {
    throw new UserError('CRED_NO_DIGITAL_SIGNATURE', `${l.field}: the ${role} certificate "${l.cn}" (${l.file}) lacks the digitalSignature key usage needed for TLS client authentication`, 'Use the authentication certificate (An#...) issued for mutual TLS.');
  }
}

function checkSigningUsage(l: Loaded, warnings: string[]): void {
  if (l.keyUsage === undefined) {
    warnings.push(`${l.field}: the signature certificate "${l.cn}" has no key usage extension (digitalSignature/nonRepudiation expected)`);
    return;
  }
  if ((l.keyUsage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) === 0) {
    throw new UserError('CRED_NO_SIGNING_USAGE', `${l.field}: the signature certificate "${l.cn}" (${l.file}) lacks the digitalSignature/nonRepudiation key usage needed to sign the JWTs`, 'Use the signature certificate (Sn#...) issued for signing.');
  }
}

/**
 * RT's long form (`A1#090<P.IVA><TipDominio><vendor><ISTAT>`) is checked, but the certificates Sogei actually
 * issued do not always follow it (RT's own example token carries `S1#111FTGM0000000`): a deviation is a warning,
 * or an error in strict mode (`strictCn` / `--strict-cn`). The An#/Sn# role prefix is checked separately, always.
 */
function longFormCheck(l: Loaded, parsed: ReturnType<typeof parseRtCn>, strict: boolean, warnings: string[]): void {
  if (parsed.ok) return;
  if (strict) {
    throw new UserError('CRED_CN_RULE', `${l.field}: the CN "${l.cn}" of ${l.file} does not follow Regione Toscana's rule: ${parsed.reason} (strict CN mode)`, `Expected: ${RT_CN_RULE}. Ask the issuer for a certificate with a conforming CN, or drop strict mode ("strictCn": false, no --strict-cn) to accept it with a warning.`);
  }
  warnings.push(`${l.field}: the CN "${l.cn}" does not follow Regione Toscana's long form (${parsed.reason}); accepted with this warning (strict mode — "strictCn": true or --strict-cn — refuses it)`);
}

function bundleWarnings(l: Loaded, warnings: string[]): void {
  if (l.unrelated > 0) {
    warnings.push(`${l.field}: ${l.unrelated} certificate(s) in ${l.file} are not on the chain of "${l.cn}" and are not sent in the TLS handshake`);
  }
}

function soonWarning(l: Loaded, now: Date, warnings: string[]): void {
  const days = (l.notAfter.getTime() - now.getTime()) / 86_400_000;
  if (days < 30) warnings.push(`${l.field}: the certificate "${l.cn}" expires in ${Math.max(0, Math.floor(days))} day(s) (${l.notAfter.toISOString()})`);
}

// ---------------------------------------------------------------- public

/** Loads and checks the profile's certificates. Throws exactly one UserError for the first problem found. */
export async function loadCredentials(profile: Profile, o: LoadCredentialsOptions): Promise<Credentials> {
  const env = o.env ?? process.env;
  const now = o.now ?? new Date();
  const certs = profile.certificates;
  if (!certs) {
    throw new UserError('CRED_NONE', 'The profile has no "certificates" section', 'Add certificates.authentication (and certificates.signature), or generate a test PKI for the simulator with: fse-harness pki --out .fse/pki');
  }
  const mode = certs.mode;
  if (mode !== 'separate' && mode !== 'single') {
    throw new UserError('CRED_MODE', `certificates.mode must be "separate" or "single" (got ${JSON.stringify(mode)})`);
  }
  const warnings: string[] = [];
  const strict = strictCnMode(profile, env, o.strictCn);
  let serverCaPem: string | undefined;
  if (certs.serverCa) {
    const p = resolvePath(o.baseDir, certs.serverCa);
    const buf = readRequired('certificates.serverCa', p);
    const blocks = pemBlocks(buf.toString('latin1'), /CERTIFICATE$/);
    if (blocks.length === 0) {
      throw new UserError('CRED_NOT_A_CERTIFICATE', `certificates.serverCa: ${p} contains no PEM certificate`, 'Point it to a PEM bundle of the CA certificates that issued the gateway\'s server certificate.');
    }
    serverCaPem = blocks.join('\n') + '\n';
  }

  if (mode === 'single') {
    if (certs.signature) {
      warnings.push('certificates.signature is ignored in "single" mode: the authentication certificate also signs the JWTs');
    }
    const one = await loadSource('authentication', certs.authentication, o.baseDir, env, now);
    requireRsa(one, 'single');
    longFormCheck(one, parseRtCn(one.cn), strict, warnings);
    bundleWarnings(one, warnings);
    if (one.extKeyUsage === undefined) {
      // No EKU extension = no restriction (RFC 5280); RT's transitional single certificate is not specified further.
      warnings.push(`${one.field}: the certificate "${one.cn}" has no extended key usage extension (clientAuth expected for mutual TLS)`);
    } else {
      checkClientAuth(one, 'single (TLS + signature)');
    }
    if (one.keyUsage !== undefined && (one.keyUsage & KU_DIGITAL_SIGNATURE) === 0) {
      throw new UserError('CRED_NO_SIGNING_USAGE', `${one.field}: the certificate "${one.cn}" lacks the digitalSignature key usage needed to sign the JWTs`);
    }
    soonWarning(one, now, warnings);
    const km = strip(one);
    return { mode, auth: km, sign: km, ...(serverCaPem ? { serverCaPem } : {}), warnings };
  }

  // separate
  if (!certs.signature) {
    throw new UserError('CRED_SOURCE_MISSING', 'certificates.signature is missing (required when certificates.mode is "separate")', 'Add the signature certificate (Sn#...), or set certificates.mode to "single" if one certificate is used for both TLS and the JWTs.');
  }
  const auth = await loadSource('authentication', certs.authentication, o.baseDir, env, now);
  const sign = await loadSource('signature', certs.signature, o.baseDir, env, now);

  if (Buffer.from(auth.certDer).equals(Buffer.from(sign.certDer))) {
    throw new UserError('CRED_SAME_CERT', `${auth.field} and ${sign.field} are the same certificate ("${auth.cn}"), but certificates.mode is "separate"`, 'Set certificates.mode to "single", or point certificates.signature to the signature certificate (Sn#...).');
  }

  const pa = parseRtCn(auth.cn);
  const ps = parseRtCn(sign.cn);
  const authRole = rolePrefix(auth.cn);
  const signRole = rolePrefix(sign.cn);
  const authIsS = authRole?.kind === 'S';
  const signIsA = signRole?.kind === 'A';
  const ekuSwapped = !hasClientAuth(auth) && hasClientAuth(sign) && looksLikeSignatureCert(auth);
  if ((authIsS && signIsA) || ekuSwapped) {
    throw new UserError(
      'CRED_SWAPPED',
      `The authentication and signature certificates are swapped: ${auth.field} (${auth.file}) holds "${auth.cn}", a signature certificate, and ${sign.field} (${sign.file}) holds "${sign.cn}", an authentication certificate`,
      'Exchange the contents of certificates.authentication and certificates.signature in the profile.',
    );
  }
  if (authIsS) {
    throw new UserError('CRED_SWAPPED', `${auth.field} (${auth.file}) holds "${auth.cn}", a signature certificate (Sn#): the authentication certificate's CN must start with An#`, 'Put the authentication certificate (An#...) in certificates.authentication; the signature certificate (Sn#...) belongs in certificates.signature.');
  }
  if (signIsA) {
    throw new UserError('CRED_SWAPPED', `${sign.field} (${sign.file}) holds "${sign.cn}", an authentication certificate (An#): the signature certificate's CN must start with Sn#`, 'Put the signature certificate (Sn#...) in certificates.signature; the authentication certificate (An#...) belongs in certificates.authentication.');
  }
  if (authRole?.kind !== 'A') {
    throw new UserError('CRED_CN_PREFIX', `${auth.field}: the CN "${auth.cn}" of ${auth.file} does not start with An# (A1#, A2#, …), the prefix Regione Toscana requires of the authentication certificate`, `Use the authentication certificate issued by Sogei (CN A1#…). Expected long form: ${RT_CN_RULE}. Or use certificates.mode "single" for RT's transitional single certificate.`);
  }
  if (signRole?.kind !== 'S') {
    throw new UserError('CRED_CN_PREFIX', `${sign.field}: the CN "${sign.cn}" of ${sign.file} does not start with Sn# (S1#, S2#, …), the prefix Regione Toscana requires of the signature certificate (the gateway's border accepts only Sn# certificates as JWT signers)`, `Use the signature certificate issued by Sogei (CN S1#…). Expected long form: ${RT_CN_RULE}.`);
  }
  longFormCheck(auth, pa, strict, warnings);
  longFormCheck(sign, ps, strict, warnings);
  bundleWarnings(auth, warnings);
  bundleWarnings(sign, warnings);
  checkClientAuth(auth, 'authentication');
  requireRsa(sign, 'signature');
  checkSigningUsage(sign, warnings);

  const suffix = (cn: string): string => cn.slice(cn.indexOf('#') + 1);
  if (suffix(auth.cn) !== suffix(sign.cn)) {
    warnings.push(`the CNs "${auth.cn}" and "${sign.cn}" differ after the An#/Sn# prefix (RT issues matching pairs)`);
  }
  if (pa.ok && profile.provider?.partitaIva && pa.partitaIva !== profile.provider.partitaIva) {
    warnings.push(`the certificate CN carries partita IVA ${pa.partitaIva}, the profile's provider.partitaIva is ${profile.provider.partitaIva}`);
  }
  if (pa.ok && profile.provider?.istat && pa.istat !== profile.provider.istat) {
    warnings.push(`the certificate CN carries ISTAT code ${pa.istat}, the profile's provider.istat is ${profile.provider.istat}`);
  }
  soonWarning(auth, now, warnings);
  soonWarning(sign, now, warnings);
  return { mode, auth: strip(auth), sign: strip(sign), ...(serverCaPem ? { serverCaPem } : {}), warnings };
}
