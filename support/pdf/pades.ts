/**
 * PAdES-B-B signing (ETSI EN 319 142-1 baseline B) of a PDF, as the ministry's reference generator does it:
 * Filter Adobe.PPKLite, SubFilter ETSI.CAdES.detached, a detached CMS SignedData (SHA-256, RSA PKCS#1 v1.5 or
 * ECDSA) whose signed attributes are exactly contentType, messageDigest and signing-certificate-v2
 * (ESSCertIDv2: SHA-256 of the signer certificate + issuerSerial). No signing-time, no cmsAlgorithmProtect;
 * the signing time goes in the signature dictionary's /M.
 *
 * The CMS is built by pkijs; later signatures with the same RSA signer reuse its encoding with the new digest and
 * signature in place (`CmsTemplate`: the same bytes pkijs gives).
 *
 * The placeholder is added with @signpdf/placeholder-pdf-lib (full rewrite of the PDF by pdf-lib), then
 * @signpdf/signpdf splices the CMS into /Contents. Sign LAST: any later save breaks the signature.
 */
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import { sha256Hex } from '../hash.ts';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import { PDFDocument } from 'pdf-lib';
import { useNativeDeflate } from './native-deflate.ts';
import * as pkijs from 'pkijs';
import { commonNameOf, ensurePkijsEngine, OID, toArrayBuffer } from './cms.ts';

useNativeDeflate();

export interface PadesKey {
  /** DER of the signer certificate. */
  certDer: Uint8Array;
  /** DER of the intermediate / root certificates to embed (optional). */
  chainDer?: Uint8Array[];
  /** DER of the PKCS#8 private key (RSA or EC). */
  privateKeyPkcs8Der: Uint8Array;
}

export interface PadesOptions {
  /** Goes in /M (default now). Never in the CMS. */
  signingTime?: Date;
  reason?: string;
  location?: string;
  /** Signer name in the signature dictionary (default: the certificate CN). */
  name?: string;
  contactInfo?: string;
  /**
   * Negative tests only: also put a CMS signing-time attribute with this date (PAdES-B-B forbids it). The gateway's
   * BouncyCastle check refuses a signature whose signer certificate is not valid at that time (F-05).
   */
  cmsSigningTime?: Date;
}

/** SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } with one ESSCertIDv2 (hashAlgorithm = default SHA-256, omitted in DER). */
export function signingCertificateV2(cert: pkijs.Certificate, certDer: Uint8Array): asn1js.Sequence {
  const certHash = createHash('sha256').update(certDer).digest();
  const issuerSerial = new asn1js.Sequence({
    value: [
      // GeneralNames ::= SEQUENCE OF GeneralName; directoryName [4] EXPLICIT Name
      new asn1js.Sequence({
        value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })],
      }),
      new asn1js.Integer({ valueHex: cert.serialNumber.valueBlock.valueHexView.slice() }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: new Uint8Array(certHash) }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

interface ImportedKey {
  key: webcrypto.CryptoKey;
  kind: 'RSA' | 'EC';
}

/** Imported keys by SHA-256 of their DER (process memory only): a run signs thousands of PDFs with one key. */
const importedKeys = new Map<string, Promise<ImportedKey>>();
function importPrivateKey(pkcs8: Uint8Array): Promise<ImportedKey> {
  const id = sha256Hex(pkcs8);
  let k = importedKeys.get(id);
  if (!k) {
    if (importedKeys.size >= 16) importedKeys.clear();
    k = importPrivateKeyUncached(pkcs8);
    k.catch(() => importedKeys.delete(id));
    importedKeys.set(id, k);
  }
  return k;
}

async function importPrivateKeyUncached(pkcs8: Uint8Array): Promise<ImportedKey> {
  let type: string | undefined;
  let curve: string | undefined;
  try {
    const k = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    type = k.asymmetricKeyType;
    curve = k.asymmetricKeyDetails?.namedCurve;
  } catch (e) {
    throw new Error(`The signing key is not a valid unencrypted PKCS#8 DER key (${(e as Error).message})`);
  }
  const subtle = webcrypto.subtle;
  if (type === 'rsa') {
    return { kind: 'RSA', key: await subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']) };
  }
  if (type === 'ec') {
    const namedCurve = ({ prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' } as Record<string, string>)[curve ?? ''];
    if (!namedCurve) throw new Error(`Unsupported EC curve for PAdES: ${curve ?? 'unknown'}`);
    return { kind: 'EC', key: await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, ['sign']) };
  }
  throw new Error(`Unsupported signing key type for PAdES: ${type ?? 'unknown'} (RSA or EC expected)`);
}

/** Our @signpdf Signer: builds the detached CAdES (PAdES-B-B) CMS with pkijs. */
export class PadesSigner extends Signer {
  readonly #certDer: Uint8Array;
  readonly #chainDer: Uint8Array[];
  readonly #pkcs8: Uint8Array;
  /** The DER of the last CMS produced (for tests / evidence). */
  lastCms?: Uint8Array;

  readonly #cmsSigningTime?: Date;

  constructor(key: PadesKey, o: { cmsSigningTime?: Date } = {}) {
    super();
    this.#certDer = key.certDer;
    this.#chainDer = key.chainDer ?? [];
    this.#pkcs8 = key.privateKeyPkcs8Der;
    this.#cmsSigningTime = o.cmsSigningTime;
  }

  /** Signs the concatenated ByteRange data. `signingTime` is ignored on purpose (PAdES-B-B forbids signing-time). */
  override async sign(pdfBuffer: Buffer, _signingTime?: Date): Promise<Buffer> {
    const cms = await buildCadesDetached(pdfBuffer, this.#certDer, this.#chainDer, this.#pkcs8, this.#cmsSigningTime);
    this.lastCms = cms;
    return Buffer.from(cms);
  }
}

/** Already-encoded DER in an asn1js tree (what asn1js calls when it encodes a child). */
class EncodedDer {
  readonly #der: ArrayBuffer;
  constructor(der: Uint8Array) { this.#der = toArrayBuffer(der.slice()); }
  /** asn1js's encoder contract: the bytes go to the writer when there is one, else they are returned. */
  toBER(_sizeOnly?: boolean, writer?: { write(b: ArrayBuffer): void }): ArrayBuffer {
    if (writer) { writer.write(this.#der); return new ArrayBuffer(0); }
    return this.#der;
  }
}

/**
 * A certificate that encodes as its own DER: pkijs re-encodes every certificate of a SignedData from its ASN.1
 * structure each time one is written (`Certificate.toSchema`), and the certificates are the largest part of the CMS.
 * The bytes embedded are the very bytes the certificate was issued with (what a verifier checks the issuer's
 * signature over), written as they are.
 */
class OnceEncodedCertificate extends pkijs.Certificate {
  #encoded?: EncodedDer;
  static fromDer(der: Uint8Array): OnceEncodedCertificate {
    const c = OnceEncodedCertificate.fromBER(toArrayBuffer(der));
    c.#encoded = new EncodedDer(der);
    return c;
  }
  override toSchema(encodeFlag = false): ReturnType<pkijs.Certificate['toSchema']> {
    if (encodeFlag || !this.#encoded) return super.toSchema(encodeFlag);
    return this.#encoded as unknown as ReturnType<pkijs.Certificate['toSchema']>;
  }
}

/**
 * The signer certificate, its chain and its signing-certificate-v2 attribute, parsed once per certificate: a run signs
 * thousands of PDFs with one certificate (what changes per signature — the digest, the signature — is never cached).
 */
const parsedSigners = new Map<string, { cert: pkijs.Certificate; chain: pkijs.Certificate[]; signingCertificate: pkijs.Attribute }>();
function parsedSigner(certDer: Uint8Array, chainDer: Uint8Array[]): { cert: pkijs.Certificate; chain: pkijs.Certificate[]; signingCertificate: pkijs.Attribute } {
  const id = [certDer, ...chainDer].map((d) => sha256Hex(d)).join(':');
  let p = parsedSigners.get(id);
  if (!p) {
    const cert = OnceEncodedCertificate.fromDer(certDer);
    p = {
      cert,
      chain: chainDer.map((d) => OnceEncodedCertificate.fromDer(d)),
      signingCertificate: new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(cert, certDer)] }),
    };
    if (parsedSigners.size >= 16) parsedSigners.clear();
    parsedSigners.set(id, p);
  }
  return p;
}

/**
 * Where the two per-signature values sit in a CMS pkijs built for one signer: with the same certificate, chain and
 * RSA key, every PAdES-B-B CMS is the same DER except the messageDigest value (the SHA-256 of the signed bytes) and
 * the signature value (exactly the modulus length for RSA PKCS#1 v1.5). The bytes around them are pkijs' own
 * encoding, taken from the first CMS it builds for that signer; each later signature hashes its data, signs the
 * signed attributes with the new digest (the DER SET OF, as pkijs signs it) and puts both in a copy. RSA PKCS#1 v1.5
 * is deterministic, so the result is the very bytes pkijs would have produced (a test compares them).
 */
interface CmsTemplate { der: Uint8Array; attrsStart: number; attrsEnd: number; digestAt: number; signatureAt: number; signatureLength: number; key: webcrypto.CryptoKey }
const templates = new Map<string, CmsTemplate | null>();
let templatesOn = true;
/** Tests only: every CMS through pkijs (false) or the per-signer template (true, the default). */
export function useCmsTemplate(on: boolean): void {
  templatesOn = on;
  templates.clear();
}

const signerId = (certDer: Uint8Array, chainDer: Uint8Array[], pkcs8: Uint8Array): string => [certDer, ...chainDer, pkcs8].map((d) => sha256Hex(d)).join(':');

/** Tests only: whether later signatures with this signer go through its template. */
export function hasCmsTemplate(certDer: Uint8Array, chainDer: Uint8Array[], pkcs8: Uint8Array): boolean {
  return !!templates.get(signerId(certDer, chainDer, pkcs8));
}

/** The one place `needle` occurs in `hay`, else -1 (absent or ambiguous: no template). */
function onlyOccurrence(hay: Buffer, needle: Uint8Array): number {
  const at = hay.indexOf(needle);
  return at >= 0 && hay.indexOf(needle, at + 1) < 0 ? at : -1;
}

function makeTemplate(der: Uint8Array, digest: Uint8Array, signedAttrsSet: Uint8Array, signature: Uint8Array, key: webcrypto.CryptoKey): CmsTemplate | null {
  const hay = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const attrsBody = signedAttrsSet.subarray(1); // the SignerInfo holds them as [0] IMPLICIT: same bytes but the tag
  const attrsStart = onlyOccurrence(hay, attrsBody) - 1;
  if (attrsStart < 0 || der[attrsStart] !== 0xa0 || signedAttrsSet[0] !== 0x31) return null;
  const attrsEnd = attrsStart + signedAttrsSet.length;
  const digestAt = onlyOccurrence(hay, digest);
  const signatureAt = onlyOccurrence(hay, signature);
  if (digestAt <= attrsStart || digestAt + digest.length > attrsEnd || signatureAt < attrsEnd) return null;
  return { der: der.slice(), attrsStart, attrsEnd, digestAt, signatureAt, signatureLength: signature.length, key };
}

/** Detached CMS SignedData over `data`, PAdES-B-B attributes (see file header). Returns DER of the ContentInfo. */
export async function buildCadesDetached(data: Uint8Array, certDer: Uint8Array, chainDer: Uint8Array[], pkcs8: Uint8Array, cmsSigningTime?: Date): Promise<Uint8Array> {
  const templateId = templatesOn && !cmsSigningTime ? signerId(certDer, chainDer, pkcs8) : undefined;
  const template = templateId ? templates.get(templateId) : undefined;
  if (template) {
    const out = template.der.slice();
    out.set(createHash('sha256').update(data).digest(), template.digestAt);
    const attrs = out.slice(template.attrsStart, template.attrsEnd);
    attrs[0] = 0x31;
    const signature = new Uint8Array(await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', template.key, attrs));
    if (signature.length === template.signatureLength) {
      out.set(signature, template.signatureAt);
      return out;
    }
  }
  return buildWithPkijs(data, certDer, chainDer, pkcs8, cmsSigningTime, templateId);
}

async function buildWithPkijs(data: Uint8Array, certDer: Uint8Array, chainDer: Uint8Array[], pkcs8: Uint8Array, cmsSigningTime: Date | undefined, templateId: string | undefined): Promise<Uint8Array> {
  ensurePkijsEngine();
  const { cert, chain, signingCertificate } = parsedSigner(certDer, chainDer);
  const { key, kind } = await importPrivateKey(pkcs8);
  if (kind === 'RSA' && cert.subjectPublicKeyInfo.algorithm.algorithmId !== OID.rsaEncryption) {
    throw new Error('The signing key is RSA but the certificate public key is not');
  }
  const digest = createHash('sha256').update(data).digest();
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: new Uint8Array(digest) })] }),
    signingCertificate,
  ];
  if (cmsSigningTime) attributes.push(new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: cmsSigningTime })] }));
  // DER: SET OF sorted by encoding (verifiers that re-encode the set in DER, like BouncyCastle, rely on this).
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }));
  encoded.sort((x, y) => compareBytes(x.der, y.der));

  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: encoded.map((e) => e.a) }),
      }),
    ],
    certificates: [cert, ...chain],
  });
  await signedData.sign(key, 0, 'SHA-256');
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  const der = new Uint8Array(contentInfo.toSchema().toBER());
  if (templateId && kind === 'RSA' && !templates.has(templateId)) {
    const si = signedData.signerInfos[0]!;
    const attrs = new Uint8Array(si.signedAttrs!.toSchema().toBER()); // what pkijs signed: the SET OF (tag 0x31)
    attrs[0] = 0x31;
    const t = makeTemplate(der, digest, attrs, si.signature.valueBlock.valueHexView, key);
    if (templates.size >= 16) templates.clear();
    templates.set(templateId, t);
  }
  return der;
}

const commonNames = new Map<string, string | undefined>();
function certCommonName(certDer: Uint8Array): string | undefined {
  const id = sha256Hex(certDer);
  if (commonNames.has(id)) return commonNames.get(id);
  const cn = certCommonNameUncached(certDer);
  if (commonNames.size >= 64) commonNames.clear();
  commonNames.set(id, cn);
  return cn;
}

function certCommonNameUncached(certDer: Uint8Array): string | undefined {
  try {
    return commonNameOf(pkijs.Certificate.fromBER(toArrayBuffer(certDer)));
  } catch {
    return undefined;
  }
}

/**
 * Adds a PAdES-B-B signature to `pdf` (which must not be encrypted) and returns the signed bytes.
 * The whole PDF is rewritten by pdf-lib before the signature is spliced in; do not modify the result afterwards.
 */
export async function signPades(pdf: Uint8Array, key: PadesKey, o: PadesOptions = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  return signLoadedDocument(doc, key, o);
}

/**
 * Adds the signature placeholder to an in-memory document, saves it once and signs the bytes (the signature is
 * the last thing written). buildPdf uses it directly to avoid a second parse/save of a PDF it just built.
 */
export async function signLoadedDocument(doc: PDFDocument, key: PadesKey, o: PadesOptions = {}): Promise<Uint8Array> {
  const signingTime = o.signingTime ?? new Date();
  const chainLen = (key.chainDer ?? []).reduce((n, c) => n + c.length, 0);
  // CMS ≈ certificates + signature (≤ 512 B for RSA-4096) + attributes/structure; keep a generous margin.
  const signatureLength = Math.ceil((key.certDer.length * 2 + chainLen + 4096) / 1024) * 1024;
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: o.reason ?? 'Firma del documento clinico (FSE 2.0)',
    location: o.location ?? 'Italia',
    name: o.name ?? certCommonName(key.certDer) ?? 'Firmatario',
    contactInfo: o.contactInfo ?? '',
    signingTime,
    signatureLength,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    widgetRect: [0, 0, 0, 0],
  });
  const withPlaceholder = await doc.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });
  const signer = new PadesSigner(key, { cmsSigningTime: o.cmsSigningTime });
  const signed = await new SignPdf().sign(Buffer.from(withPlaceholder.buffer, withPlaceholder.byteOffset, withPlaceholder.byteLength), signer);
  return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
}
