/**
 * PDF inspection with the gateway's semantics (`it-fse-gtw-dispatcher` `AbstractCTL.getAndValidateFile`,
 * `extractCDA`, `SignSRV.checkPades`, release `e008bcce`): is it a PDF, which embedded files, XFA datasets, the
 * signatures (CMS verified over the ByteRange: the common RSA case by a quick DER walk and node:crypto, anything else
 * and every failure by pkijs, see `quickVerifyCms`), CDA extraction and the PAdES check.
 * The gateway verdicts (`extractCda`, `checkPades`) read exactly the structures the reference reads
 * (docs/gateway-conditions.md F-03…F-08): OpenPDF for the attachments (flat `/Names` array, raw keys, `/EF /F`), the
 * XFA resource (indirect references where OpenPDF casts them) and "is it signed" (top-level `/Fields`, own `/FT /Sig`);
 * PDFBox for the signature validity (every top-level terminal signature field, `/V` and `/M` required, the signer
 * certificate valid at the CMS signing-time, the last field's verdict). `inspectPdf` stays broader: it lists what a
 * vendor may have meant (kids, UTF-16 names) for the messages of `fse-harness check`.
 *
 * Parsing uses the lazy reader in ./reader.ts (only the objects on the paths we follow are parsed), and the
 * result of a parse is shared between inspectPdf / extractCda / checkPades calls on the same bytes.
 */
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { InjectionMode } from '../types.ts';
import { commonNameOf, ensurePkijsEngine, OID, toArrayBuffer, verificationEngine } from './cms.ts';
import { PdfReader, PdfName, PdfRef, PdfString, PdfStream, isDict, isArray } from './reader.ts';
import type { PdfDict, PdfObject } from './reader.ts';
import { findClinicalDocument, findElement } from './xmlscan.ts';
import { javaHashMapOrder } from '../gateway/java.ts';

export interface PdfSignatureInfo {
  subFilter?: string;
  /** ByteRange = [0, a, b, c]: starts at 0, the gap is exactly the /Contents hex string, and it ends at EOF. */
  byteRangeOk: boolean;
  /** The CMS verifies (messageDigest over the ByteRange data + signature with the embedded signer certificate). */
  cmsValid: boolean;
  signerCn?: string;
  hasSigningTime: boolean;
  hasSigningCertificateV2: boolean;
  /** Why cmsValid / byteRangeOk is false, when known. */
  detail?: string;
  /** The CMS signing-time attribute, when present. */
  signingTime?: Date;
  /** The signer certificate (matched by the SignerInfo SID) is valid at `signingTime` (true when there is none). */
  signerValidAtSigningTime: boolean;
  /** The signer certificate was found in the CMS by the SignerInfo SID. */
  signerFound: boolean;
}

export interface PdfInspection {
  /** Starts with %PDF and length > 4. */
  isPdf: boolean;
  /** Names in the top-level /Names /EmbeddedFiles tree. */
  embeddedFiles: string[];
  hasXfaDatasets: boolean;
  signatures: PdfSignatureInfo[];
  /** Set when the file starts with %PDF but could not be parsed. */
  parseError?: string;
}

export const CDA_NAME = 'cda.xml';
export const NOT_SIGNED = 'Il pdf non risulta firmato';
export const INVALID_SIGNATURE = 'La firma del pdf non risulta valida';
/** The BusinessException of `SignerUtility#isSigned` when OpenPDF cannot read a file that starts with `%PDF` (F-03). */
export const UNREADABLE_PDF = 'Error while searching signature for file with name';

/** First 4 bytes `%PDF` and longer than 4 bytes (the gateway's only "is it a PDF" test). */
export function isPdfBytes(pdf: Uint8Array): boolean {
  return pdf.length > 4 && pdf[0] === 0x25 && pdf[1] === 0x50 && pdf[2] === 0x44 && pdf[3] === 0x46;
}

// ---------------------------------------------------------------------------------------------------------------
// Parse cache. The simulator calls extractCda + checkPades (+ inspectPdf) on the same upload, and load tests send
// the same bytes many times. Entries are keyed by the SHA-256 of the content (≈0.1 ms for 50 KB), hold their own
// copy of the bytes (so a caller mutating its buffer later cannot corrupt them), and memoise the parsed objects,
// the signature verdicts and the extracted CDA. Results are a pure function of the bytes, so this is exact.

interface CacheEntry {
  reader: PdfReader;
  signatures: Map<PdfDict, Promise<PdfSignatureInfo>>;
  cda: Map<InjectionMode, Uint8Array | null>;
}
const CACHE_SIZE = 64;
const cache = new Map<string, CacheEntry>();

function entryFor(pdf: Uint8Array): CacheEntry {
  const key = createHash('sha256').update(pdf).digest('base64');
  let e = cache.get(key);
  if (e) {
    cache.delete(key); // LRU: move to the end
    cache.set(key, e);
    return e;
  }
  // new Uint8Array(x) always copies (Buffer#slice would not).
  e = { reader: new PdfReader(new Uint8Array(pdf)), signatures: new Map(), cda: new Map() };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, e);
  return e;
}

function signatureInfo(e: CacheEntry, sig: PdfDict): Promise<PdfSignatureInfo> {
  let p = e.signatures.get(sig);
  if (!p) {
    p = examineSignature(e.reader, sig);
    e.signatures.set(sig, p);
  }
  return p.then((i) => ({ ...i }));
}

// ---------------------------------------------------------------------------------------------------------------
// Name trees

/** Walks a name tree (flat /Names and /Kids, depth-limited), calling `visit(key, value)`. */
function walkNameTree(r: PdfReader, node: PdfObject | undefined, visit: (key: string, value: PdfObject | undefined) => boolean | void, depth = 0): boolean {
  const dict = r.resolve(node);
  if (!isDict(dict) || depth > 16) return false;
  const names = r.resolve(dict.get('Names'));
  if (isArray(names)) {
    for (let i = 0; i + 1 < names.length; i += 2) {
      const k = r.resolve(names[i]);
      const key = k instanceof PdfString ? k.text() : '';
      if (visit(key, names[i + 1]) === true) return true;
    }
  }
  const kids = r.resolve(dict.get('Kids'));
  if (isArray(kids)) {
    for (const kid of kids) if (walkNameTree(r, kid, visit, depth + 1)) return true;
  }
  return false;
}

function namesDict(r: PdfReader): PdfDict | undefined {
  const names = r.resolve(r.catalog()?.get('Names'));
  return isDict(names) ? names : undefined;
}

function embeddedFileNames(r: PdfReader): string[] {
  const out: string[] = [];
  walkNameTree(r, namesDict(r)?.get('EmbeddedFiles'), (k) => { out.push(k); });
  return out;
}

function stringOf(r: PdfReader, o: PdfObject | undefined): string | undefined {
  const v = r.resolve(o);
  return v instanceof PdfString ? v.text() : undefined;
}

/** Raw text of a PDF string as OpenPDF's `PdfString#toString` gives it (PDFDocEncoding ≈ Latin-1, no UTF-16 decoding). */
function rawText(o: PdfObject | undefined): string | undefined {
  if (o instanceof PdfString) return Buffer.from(o.bytes).toString('latin1');
  if (o instanceof PdfRef) return `${o.num} ${o.gen} R`;
  return undefined;
}

/**
 * ATTACHMENT as the reference reads it (`PDFUtility#extractAttachments` + `#extractContentFromAttachments`, OpenPDF):
 * `/Root/Names/EmbeddedFiles/Names` must be a flat array (`/Kids` are not followed); each pair gives a name (the raw
 * key) and a filespec whose `/EF /F` stream (only `/F`, not `/UF`) is the content; the map is keyed by the lower-cased
 * name (a later duplicate replaces an earlier one) and searched in Java HashMap order for a name or filespec `/F`
 * exactly `cda.xml`. An error while reading stops the collection (the entries read so far stay).
 */
function attachmentCda(r: PdfReader): Uint8Array | null {
  const entries = new Map<string, { name: string; fileName: string; content: Uint8Array }>();
  try {
    const embedded = r.resolve(namesDict(r)?.get('EmbeddedFiles'));
    const arr = isDict(embedded) ? r.resolve(embedded.get('Names')) : undefined;
    if (isArray(arr)) {
      for (let i = 0; i < arr.length - 1; i += 2) {
        const name = rawText(arr[i]) ?? '';
        const spec = r.resolve(arr[i + 1]);
        if (!isDict(spec)) continue;
        const ef = r.resolve(spec.get('EF'));
        if (!isDict(ef)) continue;
        const stream = r.resolve(ef.get('F'));
        if (!(stream instanceof PdfStream)) continue;
        const content = r.decodeStream(stream);
        const f = r.resolve(spec.get('F'));
        const fileName = f instanceof PdfString ? rawText(f)! : name;
        entries.set(name.toLowerCase(), { name, fileName, content });
      }
    }
  } catch { /* the reference logs and keeps what it has */ }
  for (const key of javaHashMapOrder([...entries.keys()])) {
    const e = entries.get(key)!;
    if (e.name === CDA_NAME || e.fileName === CDA_NAME) return e.content;
  }
  return null;
}

/** The XFA datasets stream: /Names /XFAResources → << /Names [ (datasets) stream ] >> (any form: for `inspectPdf`). */
function xfaDatasetsStream(r: PdfReader): PdfStream | undefined {
  const xfa = r.resolve(namesDict(r)?.get('XFAResources'));
  if (!isDict(xfa)) return undefined;
  const arr = r.resolve(xfa.get('Names'));
  if (!isArray(arr) || arr.length < 2) return undefined;
  if (stringOf(r, arr[0]) !== 'datasets') return undefined;
  const s = r.resolve(arr[1]);
  return s instanceof PdfStream ? s : undefined;
}

/**
 * The datasets stream as the reference finds it (`PDFUtility#unenvelopeA2`, OpenPDF): `/XFAResources` must be an
 * INDIRECT reference to a dictionary whose `/Names` is a DIRECT array, `[0]` a direct string `datasets` and `[1]` an
 * indirect reference to a stream (the casts of the reference fail on any other form, and the CDA is "not found").
 */
function referenceDatasetsStream(r: PdfReader): PdfStream | undefined {
  const xfaRef = namesDict(r)?.get('XFAResources');
  if (!(xfaRef instanceof PdfRef)) return undefined;
  const xfa = r.resolve(xfaRef);
  if (!isDict(xfa)) return undefined;
  const arr = xfa.get('Names');
  if (!isArray(arr) || arr.length < 2) return undefined;
  const first = arr[0];
  if (!(first instanceof PdfString) || Buffer.from(first.bytes).toString('utf8') !== 'datasets') return undefined;
  const second = arr[1];
  if (!(second instanceof PdfRef)) return undefined;
  const s = r.resolve(second);
  return s instanceof PdfStream ? s : undefined;
}

/**
 * RESOURCE: the first ClinicalDocument element of the datasets XML. The bytes before the datasets root
 * (XML declaration, PIs, comments) and after it are kept around the element, so a CDA embedded by
 * buildPdf comes back byte-exact; for any other envelope the element is returned as a standalone document.
 * A datasets stream without ClinicalDocument gives its whole text (the reference's NullPointerException comes after
 * the assignment and is swallowed, F-08), so ATTACHMENT is not tried after it.
 */
function resourceCda(r: PdfReader): Uint8Array | null {
  const s = referenceDatasetsStream(r);
  if (!s) return null;
  const xml = r.decodeStream(s);
  const cd = findClinicalDocument(xml);
  if (!cd) return xml;
  const root = findElement(xml, () => true);
  const prolog = root ? xml.subarray(0, root.start) : new Uint8Array(0);
  const epilogue = root && root.end <= xml.length ? xml.subarray(root.end) : new Uint8Array(0);
  const out = new Uint8Array(prolog.length + (cd.end - cd.start) + epilogue.length);
  out.set(prolog, 0);
  out.set(xml.subarray(cd.start, cd.end), prolog.length);
  out.set(epilogue, prolog.length + cd.end - cd.start);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Signatures

interface SigField { dict: PdfDict }

/** Signature dictionaries of the AcroForm signature fields (FT /Sig, possibly inherited), in field order. */
function signatureDictionaries(r: PdfReader): SigField[] {
  const acro = r.resolve(r.catalog()?.get('AcroForm'));
  if (!isDict(acro)) return [];
  const fields = r.resolve(acro.get('Fields'));
  const out: SigField[] = [];
  const seen = new Set<PdfDict>();
  const visit = (f: PdfObject | undefined, inheritedFt: string | undefined, depth: number): void => {
    const d = r.resolve(f);
    if (!isDict(d) || seen.has(d) || depth > 16) return;
    seen.add(d);
    const ftObj = r.resolve(d.get('FT'));
    const ft = ftObj instanceof PdfName ? ftObj.name : inheritedFt;
    const kids = r.resolve(d.get('Kids'));
    if (ft === 'Sig') {
      const v = r.resolve(d.get('V'));
      if (isDict(v)) out.push({ dict: v });
    }
    if (isArray(kids)) for (const k of kids) visit(k, ft, depth + 1);
  };
  if (isArray(fields)) for (const f of fields) visit(f, undefined, 0);
  return out;
}

interface ParsedCms {
  signedData: pkijs.SignedData;
  signerCn?: string;
  signer?: pkijs.Certificate;
  signingTime?: Date;
  hasSigningTime: boolean;
  hasSigningCertificateV2: boolean;
}

/** One DER TLV: tag byte and value offsets (definite lengths only). */
interface Tlv { tag: number; start: number; valueStart: number; end: number }

function readTlv(b: Uint8Array, at: number, limit = b.length): Tlv {
  if (at + 2 > limit) throw new Error('truncated ASN.1');
  const tag = b[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('unsupported multi-byte ASN.1 tag');
  let p = at + 1;
  let len = b[p++]!;
  if (len === 0x80) throw new Error('indefinite-length ASN.1 is not supported');
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > limit) throw new Error('bad ASN.1 length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  }
  if (p + len > limit) throw new Error('ASN.1 value beyond its container');
  return { tag, start: at, valueStart: p, end: p + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.valueStart; p < t.end;) {
    const c = readTlv(b, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** DER of the signedData OID 1.2.840.113549.1.7.2. */
const SIGNED_DATA_OID_DER = Uint8Array.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);

/** Parsed certificates, keyed by their DER (the same signer certificate arrives with every request). */
const certCache = new Map<string, pkijs.Certificate>();
function cachedCertificate(der: Uint8Array): pkijs.Certificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let c = certCache.get(key);
  if (!c) {
    c = pkijs.Certificate.fromBER(toArrayBuffer(der.slice()));
    if (certCache.size >= 256) certCache.delete(certCache.keys().next().value!);
    certCache.set(key, c);
  }
  return c;
}

/** The dotted form of the OBJECT IDENTIFIER at `t`. */
function oidOf(b: Uint8Array, t: Tlv): string {
  if (t.tag !== 0x06 || t.end <= t.valueStart) return '';
  const first = b[t.valueStart]!;
  const arcs: number[] = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let v = 0;
  for (let p = t.valueStart + 1; p < t.end; p++) {
    v = v * 128 + (b[p]! & 0x7f);
    if (!(b[p]! & 0x80)) { arcs.push(v); v = 0; }
  }
  return arcs.join('.');
}

const sameBytes = (b: Uint8Array, x: Tlv, c: Uint8Array, y: Tlv): boolean =>
  x.end - x.start === y.end - y.start && Buffer.compare(b.subarray(x.start, x.end), c.subarray(y.start, y.end)) === 0;

/** What the quick check needs of a certificate: where its issuer and serial are, its RSA key, its CN. */
interface CertFacts { der: Uint8Array; issuer: Tlv; serial: Tlv; rsaKey?: KeyObject; cn?: string }
const certFacts = new WeakMap<pkijs.Certificate, CertFacts | null>();
function factsOf(cert: pkijs.Certificate, der: Uint8Array): CertFacts | null {
  let f = certFacts.get(cert);
  if (f !== undefined) return f;
  f = null;
  try {
    const tbs = children(der, readTlv(der, 0))[0]!;
    const fields = children(der, tbs);
    const o = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version
    const serial = fields[o]!;
    const issuer = fields[o + 2]!;
    const spki = fields[o + 5]!;
    if (serial.tag === 0x02 && issuer.tag === 0x30 && spki.tag === 0x30) {
      const rsa = cert.subjectPublicKeyInfo.algorithm.algorithmId === OID.rsaEncryption;
      f = {
        der, issuer, serial, cn: commonNameOf(cert),
        rsaKey: rsa ? createPublicKey({ key: Buffer.from(der.subarray(spki.start, spki.end)), format: 'der', type: 'spki' }) : undefined,
      };
    }
  } catch { f = null; }
  certFacts.set(cert, f);
  return f;
}

/** Digest algorithms pkijs' CryptoEngine knows by OID, as node:crypto names them. */
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** RSA PKCS#1 v1.5 signature algorithms: the hash they fix (rsaEncryption: the SignerInfo's digest algorithm). */
const RSA_SIGNATURES: Record<string, string | null> = {
  [OID.rsaEncryption]: null,
  '1.2.840.113549.1.1.5': 'sha1', [OID.sha256WithRSAEncryption]: 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
};

/** An AlgorithmIdentifier with absent or NULL parameters: its OID, else ''. */
function plainAlgorithm(b: Uint8Array, t: Tlv | undefined): string {
  if (!t || t.tag !== 0x30) return '';
  const [oid, params, more] = children(b, t);
  if (!oid || more || (params && (params.tag !== 0x05 || params.end !== params.valueStart))) return '';
  return oidOf(b, oid);
}

/** The ContentInfo/SignedData envelope: its EncapsulatedContentInfo, SignerInfos and certificates (throws on a malformed one). */
function cmsEnvelope(contents: Uint8Array): { encap: Tlv; signerInfos: Tlv; certificates: Tlv[] } {
  const ci = readTlv(contents, 0);
  if (ci.tag !== 0x30) throw new Error('the /Contents is not a DER SEQUENCE');
  const [oid, explicit] = children(contents, ci);
  if (!oid || oid.tag !== 0x06 || !explicit || explicit.tag !== 0xa0) throw new Error('not a CMS ContentInfo');
  if (Buffer.compare(contents.subarray(oid.start, oid.end), SIGNED_DATA_OID_DER) !== 0) throw new Error('the CMS content type is not signedData');
  const parts = children(contents, readTlv(contents, explicit.valueStart, explicit.end));
  const encap = parts[2];
  const signerInfos = parts[parts.length - 1];
  if (parts.length < 4 || !encap || encap.tag !== 0x30 || !signerInfos || signerInfos.tag !== 0x31) throw new Error('malformed SignedData');
  const certificates: Tlv[] = [];
  for (const p of parts.slice(3, -1)) {
    if (p.tag !== 0xa0) continue; // [1] crls: ignored
    for (const c of children(contents, p)) if (c.tag === 0x30) certificates.push(c);
  }
  return { encap, signerInfos, certificates };
}

/**
 * The common case of a PAdES signature checked without pkijs' schema-driven parsing (≈1 ms per request in the
 * simulator): one detached id-data SignedData whose first SignerInfo names a certificate of the CMS by issuer and
 * serial (the same DER bytes), signed attributes with content-type and message-digest and no signing-time, an RSA
 * PKCS#1 v1.5 signature. The checks are the ones `SignedData.verify` makes (signer found, the two mandatory attributes,
 * message digest over the ByteRange data, signature over the DER SET of the signed attributes), so a positive answer
 * is the one pkijs gives. Anything else (another form, a failed check) returns undefined: the caller then runs the
 * full pkijs path, which also words the failure.
 */
export function quickVerifyCms(contents: Uint8Array, data: Uint8Array): { signer: pkijs.Certificate; cn?: string; hasSigningCertificateV2: boolean } | undefined {
  try {
    const { encap, signerInfos, certificates } = cmsEnvelope(contents);
    const encapParts = children(contents, encap);
    if (encapParts.length !== 1 || oidOf(contents, encapParts[0]!) !== OID.data) return undefined; // detached id-data only
    const si = children(contents, signerInfos)[0];
    if (!si || si.tag !== 0x30) return undefined;
    const [version, sid, digestAlg, signedAttrs, sigAlg, signature, ...rest] = children(contents, si);
    if (!version || version.tag !== 0x02 || version.end - version.valueStart !== 1 || contents[version.valueStart] !== 1) return undefined;
    if (!sid || sid.tag !== 0x30 || !signedAttrs || signedAttrs.tag !== 0xa0 || !signature || signature.tag !== 0x04) return undefined;
    if (rest.length > 1 || (rest[0] && rest[0].tag !== 0xa1)) return undefined;
    const [sidIssuer, sidSerial, sidMore] = children(contents, sid);
    if (!sidIssuer || sidIssuer.tag !== 0x30 || !sidSerial || sidSerial.tag !== 0x02 || sidMore) return undefined;
    const hash = DIGESTS[plainAlgorithm(contents, digestAlg)];
    const sigOid = plainAlgorithm(contents, sigAlg);
    if (!hash || !(sigOid in RSA_SIGNATURES)) return undefined;

    // the signer: the first certificate with the same issuer and serial (pkijs takes the first match too)
    let signer: pkijs.Certificate | undefined;
    let facts: CertFacts | null = null;
    for (const c of certificates) {
      const der = contents.subarray(c.start, c.end);
      const cert = cachedCertificate(der);
      const f = factsOf(cert, der);
      if (!f) return undefined;
      if (sameBytes(f.der, f.issuer, contents, sidIssuer) && sameBytes(f.der, f.serial, contents, sidSerial)) { signer = cert; facts = f; break; }
    }
    if (!signer || !facts?.rsaKey) return undefined;

    let contentType = false;
    let digest: Uint8Array | undefined;
    let hasSigningCertificateV2 = false;
    for (const a of children(contents, signedAttrs)) {
      const [type, values, more] = a.tag === 0x30 ? children(contents, a) : [];
      if (!type || !values || values.tag !== 0x31 || more) return undefined;
      const t = oidOf(contents, type);
      if (t === OID.signingTime) return undefined; // its date and the certificate's validity: the full path
      if (t === OID.contentType) contentType = true;
      if (t === OID.signingCertificateV2) hasSigningCertificateV2 = true;
      if (t === OID.messageDigest && !digest) {
        const v = children(contents, values)[0];
        if (!v || v.tag !== 0x04) return undefined;
        digest = contents.subarray(v.valueStart, v.end);
      }
    }
    if (!contentType || !digest) return undefined;
    if (Buffer.compare(createHash(hash).update(data).digest(), digest) !== 0) return undefined;
    const signedBytes = Buffer.from(contents.subarray(signedAttrs.start, signedAttrs.end));
    signedBytes[0] = 0x31; // the signature is over the DER SET OF, not the [0] IMPLICIT of the SignerInfo
    const ok = verifySignature(RSA_SIGNATURES[sigOid] ?? hash, signedBytes, facts.rsaKey, contents.subarray(signature.valueStart, signature.end));
    return ok ? { signer, cn: facts.cn, hasSigningCertificateV2 } : undefined;
  } catch {
    return undefined;
  }
}

let quickCms = true;
/** Tests only: turns the quick check off (every signature through pkijs) or back on; forgets the parsed PDFs. */
export function useQuickCmsCheck(on: boolean): void {
  quickCms = on;
  cache.clear();
}

/**
 * Parses the CMS ContentInfo/SignedData. The envelope is walked with a small DER reader and the certificates
 * are parsed once and cached (pkijs' schema-driven parsing of a whole SignedData costs several ms); the
 * SignerInfo and EncapsulatedContentInfo are parsed by pkijs, and the result is a regular pkijs SignedData
 * for SignedData.verify.
 */
function parseCms(contents: Uint8Array): ParsedCms {
  const { encap, signerInfos: signerInfosTlv, certificates: certTlvs } = cmsEnvelope(contents);
  const certificates = certTlvs.map((c) => cachedCertificate(contents.subarray(c.start, c.end)));
  const siTlvs = children(contents, signerInfosTlv);
  if (!siTlvs[0]) throw new Error('the CMS has no SignerInfo');
  const signerInfos = siTlvs.map((t) => pkijs.SignerInfo.fromBER(toArrayBuffer(contents.slice(t.start, t.end))));
  const encapContentInfo = pkijs.EncapsulatedContentInfo.fromBER(toArrayBuffer(contents.slice(encap.start, encap.end)));
  const signedData = new pkijs.SignedData({ version: 1, encapContentInfo, certificates, signerInfos });
  const si = signerInfos[0]!;
  const attrs = si.signedAttrs?.attributes ?? [];
  let signerCn: string | undefined;
  let signer: pkijs.Certificate | undefined;
  const sid = si.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    for (const c of certificates) {
      if (c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber)) {
        signerCn = commonNameOf(c);
        signer = c;
        break;
      }
    }
  }
  let signingTime: Date | undefined;
  const st = attrs.find((a) => a.type === OID.signingTime)?.values[0] as { toDate?: () => Date } | undefined;
  if (st && typeof st.toDate === 'function') signingTime = st.toDate();
  return {
    signedData,
    signerCn,
    signer,
    signingTime,
    hasSigningTime: attrs.some((a) => a.type === OID.signingTime),
    hasSigningCertificateV2: attrs.some((a) => a.type === OID.signingCertificateV2),
  };
}

async function examineSignature(r: PdfReader, sig: PdfDict): Promise<PdfSignatureInfo> {
  const pdf = r.bytes;
  const subFilterObj = r.resolve(sig.get('SubFilter'));
  const info: PdfSignatureInfo = {
    subFilter: subFilterObj instanceof PdfName ? subFilterObj.name : undefined,
    byteRangeOk: false,
    cmsValid: false,
    hasSigningTime: false,
    hasSigningCertificateV2: false,
    signerValidAtSigningTime: true,
    signerFound: false,
  };
  const br = r.resolve(sig.get('ByteRange'));
  const contentsObj = r.resolve(sig.get('Contents'));
  if (!(contentsObj instanceof PdfString)) { info.detail = 'no /Contents'; return info; }
  const nums = isArray(br) ? br.map((x) => r.resolve(x)) : [];
  if (nums.length !== 4 || !nums.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
    info.detail = 'missing or malformed /ByteRange';
    return info;
  }
  const [a, b, c, d] = nums as number[];
  if (a! + b! > pdf.length || c! + d! > pdf.length) { info.detail = '/ByteRange beyond the end of the file'; return info; }
  const gapOk = a === 0 && b! < c! && pdf[b!] === 0x3c && pdf[c! - 1] === 0x3e && (c! - b! - 2) === contentsObj.bytes.length * 2;
  info.byteRangeOk = gapOk && c! + d! === pdf.length;
  if (!info.byteRangeOk) info.detail = 'the /ByteRange does not cover the whole file except /Contents';

  const data = new Uint8Array(b! + d!);
  data.set(pdf.subarray(a!, a! + b!), 0);
  data.set(pdf.subarray(c!, c! + d!), b!);
  const quick = quickCms ? quickVerifyCms(contentsObj.bytes, data) : undefined;
  if (quick) {
    return { ...info, cmsValid: true, signerFound: true, signerCn: quick.cn, hasSigningCertificateV2: quick.hasSigningCertificateV2 };
  }

  let cms: ParsedCms;
  try {
    cms = parseCms(contentsObj.bytes);
  } catch (e) {
    info.detail = `CMS not parsable: ${(e as Error).message}`;
    return info;
  }
  info.signerCn = cms.signerCn;
  info.signerFound = cms.signer !== undefined;
  if (cms.signingTime) {
    info.signingTime = cms.signingTime;
    if (cms.signer) {
      const t = cms.signingTime.getTime();
      info.signerValidAtSigningTime = cms.signer.notBefore.value.getTime() <= t && t <= cms.signer.notAfter.value.getTime();
    }
  }
  info.hasSigningTime = cms.hasSigningTime;
  info.hasSigningCertificateV2 = cms.hasSigningCertificateV2;
  try {
    ensurePkijsEngine();
    const res = await cms.signedData.verify({ signer: 0, data: data.buffer, checkChain: false, extendedMode: true }, verificationEngine());
    info.cmsValid = res.signatureVerified === true;
    if (!info.cmsValid) info.detail = res.message || 'the CMS signature does not verify';
  } catch (e) {
    const msg = e instanceof Error ? e.message : (e as { message?: string }).message ?? String(e);
    info.detail = `CMS verification failed: ${msg}`;
  }
  return info;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

export async function inspectPdf(pdf: Uint8Array): Promise<PdfInspection> {
  const out: PdfInspection = { isPdf: isPdfBytes(pdf), embeddedFiles: [], hasXfaDatasets: false, signatures: [] };
  if (!out.isPdf) return out;
  try {
    const e = entryFor(pdf);
    const r = e.reader;
    out.embeddedFiles = embeddedFileNames(r);
    out.hasXfaDatasets = xfaDatasetsStream(r) !== undefined;
    for (const s of signatureDictionaries(r)) out.signatures.push(await signatureInfo(e, s.dict));
  } catch (e) {
    out.parseError = (e as Error).message;
  }
  return out;
}

/**
 * Gateway semantics: ATTACHMENT = embedded file whose name-tree key or filespec /F is exactly `cda.xml`;
 * RESOURCE = /Names /XFAResources → [ (datasets) <stream ref> ] → first ClinicalDocument element;
 * undefined = RESOURCE then ATTACHMENT. Unparsable or non-PDF input gives `{ cda: null }`.
 */
export async function extractCda(pdf: Uint8Array, mode?: InjectionMode): Promise<{ cda: Uint8Array | null; mode?: InjectionMode }> {
  if (!isPdfBytes(pdf)) return { cda: null };
  let e: CacheEntry;
  try { e = entryFor(pdf); } catch { return { cda: null }; }
  const tryMode = (m: InjectionMode): Uint8Array | null => {
    if (!e.cda.has(m)) {
      let v: Uint8Array | null;
      try { v = m === 'RESOURCE' ? resourceCda(e.reader) : attachmentCda(e.reader); } catch { v = null; }
      e.cda.set(m, v);
    }
    const v = e.cda.get(m);
    return v ? new Uint8Array(v) : null; // callers get their own copy
  };
  const order: InjectionMode[] = mode ? [mode] : ['RESOURCE', 'ATTACHMENT'];
  for (const m of order) {
    const cda = tryMode(m);
    if (cda) return { cda, mode: m };
  }
  return { cda: null };
}

/** Top-level `/AcroForm /Fields` entries (resolved dictionaries), as both OpenPDF and PDFBox's `getFields` see them. */
function topLevelFields(r: PdfReader): PdfDict[] | undefined {
  const acro = r.resolve(r.catalog()?.get('AcroForm'));
  if (!isDict(acro)) return undefined;
  const fields = r.resolve(acro.get('Fields'));
  if (!isArray(fields)) return [];
  const out: PdfDict[] = [];
  for (const f of fields) {
    const d = r.resolve(f);
    if (isDict(d)) out.push(d);
  }
  return out;
}

function ownFieldType(r: PdfReader, d: PdfDict): string | undefined {
  const ft = r.resolve(d.get('FT'));
  return ft instanceof PdfName ? ft.name : undefined;
}

/** `SignerUtility#isSigned` (OpenPDF): a top-level field with its own `/FT /Sig` (kids and inherited types not looked at). */
function isSignedOpenPdf(r: PdfReader): boolean {
  return (topLevelFields(r) ?? []).some((d) => ownFieldType(r, d) === 'Sig');
}

/** PDFBox `PDFieldFactory`: a field with a kid that has a `/T` is a non-terminal field, not a PDSignatureField. */
function isNonTerminal(r: PdfReader, d: PdfDict): boolean {
  const kids = r.resolve(d.get('Kids'));
  return isArray(kids) && kids.some((k) => { const kd = r.resolve(k); return isDict(kd) && kd.get('T') !== undefined; });
}

/** A PDF date PDFBox's `DateConverter` can read (`D:YYYY…`, at least the year). */
function isPdfDate(r: PdfReader, o: PdfObject | undefined): boolean {
  const v = r.resolve(o);
  return v instanceof PdfString && /^(D:)?\d{4}/.test(Buffer.from(v.bytes).toString('latin1').trim());
}

/**
 * `SignerUtility#validate` (PDFBox + BouncyCastle): no AcroForm → false; every top-level terminal signature field is
 * examined and any failure makes the whole result false (no `/V`, no readable `/M`, a CMS that does not parse, no
 * signer certificate for the SID, a signer certificate not valid at the signing-time, a failed verification); else the
 * verdict of the LAST such field; none at all → true.
 */
async function validatePdfBox(e: CacheEntry): Promise<boolean> {
  const r = e.reader;
  const fields = topLevelFields(r);
  if (fields === undefined) return false;
  let status = true;
  for (const d of fields) {
    if (ownFieldType(r, d) !== 'Sig' || isNonTerminal(r, d)) continue;
    const v = r.resolve(d.get('V'));
    if (!isDict(v)) return false;
    const info = await signatureInfo(e, v);
    if (!info.signerFound || !info.signerValidAtSigningTime || !isPdfDate(r, v.get('M'))) return false;
    if (info.detail?.startsWith('CMS not parsable') || info.detail === 'no /Contents' || info.detail === 'missing or malformed /ByteRange' || info.detail === '/ByteRange beyond the end of the file') return false;
    status = info.cmsValid;
  }
  return status;
}

export type PadesVerdict =
  | { ok: true }
  | { ok: false; detail: typeof NOT_SIGNED | typeof INVALID_SIGNATURE }
  | { ok: false; unreadable: true; detail: typeof UNREADABLE_PDF };

/**
 * Gateway PAdES check (`SignSRV#checkPades`): a file OpenPDF cannot read → unreadable (the reference answers 500,
 * F-03); no top-level `/FT /Sig` field → 'Il pdf non risulta firmato' (F-04); else PDFBox's verdict false → 'La firma
 * del pdf non risulta valida' (F-05). No trust-chain or revocation check. A non-PDF input counts as not signed.
 */
export async function checkPades(pdf: Uint8Array): Promise<PadesVerdict> {
  if (!isPdfBytes(pdf)) return { ok: false, detail: NOT_SIGNED };
  let e: CacheEntry;
  let signed: boolean;
  try {
    e = entryFor(pdf);
    signed = isSignedOpenPdf(e.reader);
  } catch {
    return { ok: false, unreadable: true, detail: UNREADABLE_PDF };
  }
  let valid: boolean;
  try {
    valid = await validatePdfBox(e);
  } catch {
    valid = false;
  }
  if (!signed) return { ok: false, detail: NOT_SIGNED };
  return valid ? { ok: true } : { ok: false, detail: INVALID_SIGNATURE };
}
