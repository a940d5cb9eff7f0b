/**
 * Throw-away test PKI for the local simulator: a test CA shaped like the ministry's
 * ("CA Ministero della Salute Test"), an authentication certificate (A1#..., mTLS client),
 * a signature certificate (S1#..., signs both JWTs) and a server certificate for localhost.
 *
 * Keys are RSA 2048 / SHA-256, generated with Node's WebCrypto through @peculiar/x509;
 * PKCS#12 bundles are written with node-forge. Key files are written with mode 0600.
 * Nothing here is meant for the real gateway: real certificates come from Sogei.
 */
import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import * as x509 from './x509.ts';
import forge from 'node-forge';
import { buildRtCn } from './cn.ts';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
// @peculiar/x509's typings refer to the DOM `Crypto` type, absent from this project's lib; Node's webcrypto is compatible.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const cryptoImpl: any = webcrypto;

const RSA_ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/** Defaults: a fictitious provider (partita IVA with a valid check digit), Florence's ISTAT code. */
export const TEST_PKI_DEFAULTS = {
  partitaIva: '07654321012',
  tipDominio: 'REF',
  vendor: 'HARNESS',
  istat: '048017',
  days: 365,
} as const;

export const TEST_CA_CN = 'CA Ministero della Salute Test (harness)';

export interface TestPkiOptions {
  outDir: string;
  partitaIva?: string;
  tipDominio?: string;
  vendor?: string;
  istat?: string;
  passphrase?: string;
  days?: number;
}

export interface TestPkiResult {
  dir: string;
  authCn: string;
  signCn: string;
  passphrase: string;
  files: Record<'ca' | 'caKey' | 'auth' | 'authKey' | 'sign' | 'signKey' | 'server' | 'serverKey' | 'authP12' | 'signP12', string>;
}

/** A certificate plus its key pair, in memory. */
export interface IssuedCert {
  cert: x509.X509Certificate;
  certPem: string;
  certDer: Uint8Array;
  /** Unencrypted PKCS#8 PEM. */
  keyPem: string;
  keys: CryptoKeyPair;
}

export type LeafProfile = 'auth' | 'sign' | 'server' | 'none';

export interface IssueOptions {
  cn: string;
  /** Preset extensions; 'none' = only those given explicitly below. */
  profile: LeafProfile;
  /** Override KeyUsage bits (x509.KeyUsageFlags); `null` = no KeyUsage extension. */
  keyUsage?: number | null;
  /** Override ExtendedKeyUsage OIDs; `null` = no EKU extension. */
  extKeyUsage?: string[] | null;
  notBefore?: Date;
  notAfter?: Date;
  /** Extra subject attributes after CN (e.g. O). */
  organization?: string;
  /** Reuse a key pair (default: a fresh RSA 2048 pair). */
  keys?: CryptoKeyPair;
  /** Subject alternative names for the server profile. */
  san?: { type: 'dns' | 'ip'; value: string }[];
}

function toPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export async function generateRsaKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(RSA_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // positive
  if (b[0] === 0) b[0] = 1;
  return b.toString('hex');
}

function defaultValidity(days: number, now = new Date()): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(now.getTime() - 5 * 60_000); // tolerate small clock skew
  const notAfter = new Date(now.getTime() + days * 86_400_000);
  return { notBefore, notAfter };
}

async function wrap(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<IssuedCert> {
  const der = new Uint8Array(cert.rawData);
  return { cert, certPem: toPem(der, 'CERTIFICATE'), certDer: der, keyPem: await exportKeyPem(keys.privateKey), keys };
}

/** Self-signed test CA (CA:true, keyCertSign + cRLSign). */
export async function createTestCa(o: { cn?: string; notBefore?: Date; notAfter?: Date; days?: number; /** basicConstraints pathLen (default 0: no intermediates below) */ pathLength?: number } = {}): Promise<IssuedCert> {
  const keys = await generateRsaKeyPair();
  const v = defaultValidity(o.days ?? 3650);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: [{ CN: [o.cn ?? TEST_CA_CN] }, { O: ['FSE harness test PKI (not trusted anywhere)'] }, { C: ['IT'] }],
      notBefore: o.notBefore ?? v.notBefore,
      notAfter: o.notAfter ?? v.notAfter,
      keys,
      signingAlgorithm: RSA_ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, o.pathLength ?? 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, cryptoImpl),
      ],
    },
    cryptoImpl,
  );
  return wrap(cert, keys);
}

/**
 * An intermediate CA issued by `parent` (CA:true, pathLen 0, keyCertSign + cRLSign): for three-level test PKIs
 * (root → intermediate → leaf), the shape of Sogei's hierarchy. The root needs `createTestCa({ pathLength: 1 })`.
 */
export async function createTestIntermediate(parent: IssuedCert, o: { cn: string; days?: number }): Promise<IssuedCert> {
  const keys = await generateRsaKeyPair();
  const v = defaultValidity(o.days ?? 3650);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: [{ CN: [o.cn] }, { O: ['FSE harness test PKI (not trusted anywhere)'] }, { C: ['IT'] }],
      issuer: parent.cert.subjectName.toJSON(),
      notBefore: v.notBefore,
      notAfter: v.notAfter,
      publicKey: keys.publicKey,
      signingKey: parent.keys.privateKey,
      signingAlgorithm: RSA_ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, cryptoImpl),
        await x509.AuthorityKeyIdentifierExtension.create(parent.cert, false, cryptoImpl),
      ],
    },
    cryptoImpl,
  );
  return wrap(cert, keys);
}

const PRESETS: Record<LeafProfile, { ku: number | null; eku: string[] | null }> = {
  auth: { ku: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, eku: [x509.ExtendedKeyUsage.clientAuth] },
  sign: { ku: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, eku: null },
  server: { ku: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, eku: [x509.ExtendedKeyUsage.serverAuth] },
  none: { ku: null, eku: null },
};

/** Issues a leaf certificate signed by `ca`. Extensions follow `profile`, overridable for negative tests. */
export async function issueTestCert(ca: IssuedCert, o: IssueOptions): Promise<IssuedCert> {
  const keys = o.keys ?? (await generateRsaKeyPair());
  const v = defaultValidity(TEST_PKI_DEFAULTS.days);
  const preset = PRESETS[o.profile];
  const ku = o.keyUsage === undefined ? preset.ku : o.keyUsage;
  const eku = o.extKeyUsage === undefined ? preset.eku : o.extKeyUsage;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (ku !== null) extensions.push(new x509.KeyUsagesExtension(ku, true));
  if (eku !== null) extensions.push(new x509.ExtendedKeyUsageExtension(eku, false));
  if (o.san && o.san.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(o.san, false));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, cryptoImpl));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false, cryptoImpl));
  const subject: x509.JsonName = [{ CN: [o.cn] }];
  if (o.organization) subject.push({ O: [o.organization] });
  subject.push({ C: ['IT'] });
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject,
      issuer: ca.cert.subjectName.toJSON(),
      notBefore: o.notBefore ?? v.notBefore,
      notAfter: o.notAfter ?? v.notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: RSA_ALG,
      extensions,
    },
    cryptoImpl,
  );
  return wrap(cert, keys);
}

/**
 * PKCS#12 bundle (key + leaf + chain), encrypted with 3DES/SHA-1 MAC, the most widely readable choice
 * (OpenSSL 3 default provider, Java keytool, Node's `pfx`).
 */
export function toP12(leaf: { certPem: string; keyPem: string }, chainPem: string[], passphrase: string, friendlyName?: string): Uint8Array {
  const key = forge.pki.privateKeyFromPem(leaf.keyPem);
  const certs = [leaf.certPem, ...chainPem].map((p) => forge.pki.certificateFromPem(p));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, passphrase, {
    algorithm: '3des',
    generateLocalKeyId: true,
    ...(friendlyName ? { friendlyName } : {}),
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** Writes a file readable only by the owner (0600), also when it already existed. */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * A throw-away RSA 2048 private key (PKCS#8 PEM) that belongs to no certificate: the "token signed with a key that is
 * not the certificate's" cases sign with it. Generated once into `dir`/foreign.key (0600) and read from there by later
 * runs and by every worker of a run (an RSA key generation costs 0.1–0.8 s of CPU each time). Several processes
 * generating it at once is harmless: each renames its own complete file into place, and any of them will do.
 */
export function foreignKeyPem(dir: string): string {
  const file = join(dir, 'foreign.key');
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writePrivateFile(tmp, pem);
  renameSync(tmp, file);
  return pem;
}

/** Generates the complete test PKI into `o.outDir` (created if needed). Never prints key material. */
export async function generateTestPki(o: TestPkiOptions): Promise<TestPkiResult> {
  const dir = resolve(o.outDir);
  mkdirSync(dir, { recursive: true });
  const partitaIva = o.partitaIva ?? TEST_PKI_DEFAULTS.partitaIva;
  const tipDominio = o.tipDominio ?? TEST_PKI_DEFAULTS.tipDominio;
  const vendor = o.vendor ?? TEST_PKI_DEFAULTS.vendor;
  const istat = o.istat ?? TEST_PKI_DEFAULTS.istat;
  const days = o.days ?? TEST_PKI_DEFAULTS.days;
  if (!Number.isInteger(days) || days < 1) throw new TypeError(`days must be a positive integer (got ${String(days)})`);
  const authCn = buildRtCn('A', 1, partitaIva, tipDominio, vendor, istat);
  const signCn = buildRtCn('S', 1, partitaIva, tipDominio, vendor, istat);
  const passphrase = o.passphrase ?? randomBytes(18).toString('base64url');
  const { notBefore, notAfter } = defaultValidity(days);

  const ca = await createTestCa({ days: Math.max(days, 3650) });
  const org = 'Test provider (FSE harness)';
  const auth = await issueTestCert(ca, { cn: authCn, profile: 'auth', organization: org, notBefore, notAfter });
  const sign = await issueTestCert(ca, { cn: signCn, profile: 'sign', organization: org, notBefore, notAfter });
  const server = await issueTestCert(ca, {
    cn: 'localhost',
    profile: 'server',
    organization: 'FSE harness simulator',
    notBefore,
    notAfter,
    san: [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }],
  });

  const files = {
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    auth: join(dir, 'auth.pem'),
    authKey: join(dir, 'auth.key'),
    sign: join(dir, 'sign.pem'),
    signKey: join(dir, 'sign.key'),
    server: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    authP12: join(dir, 'auth.p12'),
    signP12: join(dir, 'sign.p12'),
  };
  writeFileSync(files.ca, ca.certPem);
  writePrivateFile(files.caKey, ca.keyPem);
  writeFileSync(files.auth, auth.certPem);
  writePrivateFile(files.authKey, auth.keyPem);
  writeFileSync(files.sign, sign.certPem);
  writePrivateFile(files.signKey, sign.keyPem);
  writeFileSync(files.server, server.certPem);
  writePrivateFile(files.serverKey, server.keyPem);
  writePrivateFile(files.authP12, toP12(auth, [ca.certPem], passphrase, authCn));
  writePrivateFile(files.signP12, toP12(sign, [ca.certPem], passphrase, signCn));
  return { dir, authCn, signCn, passphrase, files };
}
