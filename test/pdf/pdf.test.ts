import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AFRelationship, PDFArray, PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { buildPdf } from '../../support/pdf/build.ts';
import { buildCadesDetached, hasCmsTemplate, signPades, useCmsTemplate } from '../../support/pdf/pades.ts';
import { checkPades, extractCda, inspectPdf, quickVerifyCms, useQuickCmsCheck } from '../../support/pdf/inspect.ts';
import { PdfReader, PdfString, PdfName, PdfStream, isArray, isDict } from '../../support/pdf/reader.ts';
import { hasTool, makeEcSigner, makeTestSigner, run, sampleCda } from './helpers.ts';
import type { TestSigner } from './helpers.ts';

const FIXED = new Date('2025-03-04T05:06:07Z');
const SIGN_TIME = new Date('2025-03-04T05:10:00Z');

let signer: TestSigner;
let cda: Uint8Array;
let attachmentPdf: Uint8Array;
let resourcePdf: Uint8Array;
let signedAttachment: Uint8Array;
let signedResource: Uint8Array;
let dir: string;

before(async () => {
  signer = await makeTestSigner();
  cda = sampleCda();
  attachmentPdf = await buildPdf({ cda, title: 'Referto di laboratorio', lines: ['Paziente: RMSLSO31M04Z404R', 'Tipo: LAB — àèìòù €'], creationDate: FIXED });
  resourcePdf = await buildPdf({ cda, mode: 'RESOURCE', title: 'Referto', creationDate: FIXED });
  signedAttachment = await signPades(attachmentPdf, signer.key, { signingTime: SIGN_TIME });
  signedResource = await signPades(resourcePdf, signer.key, { signingTime: SIGN_TIME });
  dir = mkdtempSync(join(tmpdir(), 'fse-pdf-test-'));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function latin1(b: Uint8Array): string {
  return Buffer.from(b).toString('latin1');
}

/** Offsets of the signature /ByteRange of a file signed by signPades. */
function byteRange(pdf: Uint8Array): [number, number, number, number] {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(latin1(pdf));
  assert.ok(m, 'no ByteRange');
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

function cmsOf(pdf: Uint8Array): pkijs.SignedData {
  const [, b, c] = byteRange(pdf);
  const hex = latin1(pdf.subarray(b + 1, c - 1));
  const der = Buffer.from(hex, 'hex');
  const asn = asn1js.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.length));
  const ci = new pkijs.ContentInfo({ schema: asn.result });
  assert.equal(ci.contentType, '1.2.840.113549.1.7.2');
  return new pkijs.SignedData({ schema: ci.content });
}

/** Length of the DER CMS at the start of /Contents (outer TLV). */
function cmsLenFromHex(pdf: Uint8Array): number {
  const [, b] = byteRange(pdf);
  const head = Buffer.from(latin1(pdf.subarray(b + 1, b + 1 + 16)), 'hex');
  assert.equal(head[0], 0x30);
  const l = head[1]!;
  if (l < 0x80) return 2 + l;
  const n = l & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + head[2 + i]!;
  return 2 + n + len;
}

describe('CDA extraction (gateway semantics)', () => {
  test('ATTACHMENT: the CDA round-trips byte-exact, unsigned and signed', async () => {
    for (const pdf of [attachmentPdf, signedAttachment]) {
      const r = await extractCda(pdf, 'ATTACHMENT');
      assert.equal(r.mode, 'ATTACHMENT');
      assert.ok(r.cda);
      assert.equal(Buffer.compare(Buffer.from(r.cda), Buffer.from(cda)), 0);
    }
  });

  test('RESOURCE: the CDA round-trips byte-exact (prolog, comments, CDATA included), unsigned and signed', async () => {
    for (const pdf of [resourcePdf, signedResource]) {
      const r = await extractCda(pdf, 'RESOURCE');
      assert.equal(r.mode, 'RESOURCE');
      assert.ok(r.cda);
      assert.equal(Buffer.from(r.cda).toString('utf8'), Buffer.from(cda).toString('utf8'));
      assert.equal(Buffer.compare(Buffer.from(r.cda), Buffer.from(cda)), 0);
    }
  });

  test('mode undefined finds both (RESOURCE first, then ATTACHMENT); the other explicit mode finds nothing', async () => {
    assert.equal((await extractCda(signedAttachment)).mode, 'ATTACHMENT');
    assert.equal((await extractCda(signedResource)).mode, 'RESOURCE');
    assert.equal((await extractCda(signedAttachment, 'RESOURCE')).cda, null);
    assert.equal((await extractCda(signedResource, 'ATTACHMENT')).cda, null);
  });

  test('RESOURCE takes the first ClinicalDocument element of a foreign envelope (any prefix)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const inner = '<hl7:ClinicalDocument xmlns:hl7="urn:hl7-org:v3"><hl7:id root="1"/></hl7:ClinicalDocument>';
    const xml = `<?xml version="1.0"?><xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><!-- <ClinicalDocument/> --><xfa:data>${inner}<ClinicalDocument/></xfa:data></xfa:datasets>`;
    const stream = doc.context.register(doc.context.flateStream(new TextEncoder().encode(xml)));
    const res = doc.context.register(doc.context.obj({ Names: [PDFString.of('datasets'), stream] }));
    doc.catalog.set(PDFName.of('Names'), doc.context.obj({ XFAResources: res }));
    const bytes = await doc.save();
    const r = await extractCda(bytes, 'RESOURCE');
    assert.ok(r.cda);
    assert.equal(Buffer.from(r.cda).toString('utf8'), `<?xml version="1.0"?>${inner}`);
  });

  test('a PDF without cda.xml gives null; the name must be exactly cda.xml (key or /F)', async () => {
    const other = await PDFDocument.create();
    other.addPage();
    await other.attach(cda, 'CDA.XML', { mimeType: 'text/xml', afRelationship: AFRelationship.Source });
    await other.attach(cda, 'cda.xml.bak', { mimeType: 'text/xml' });
    const bytes = await other.save();
    assert.deepEqual((await inspectPdf(bytes)).embeddedFiles, ['CDA.XML', 'cda.xml.bak']);
    assert.equal((await extractCda(bytes)).cda, null);
    assert.equal((await extractCda(bytes, 'ATTACHMENT')).cda, null);

    const plain = await PDFDocument.create();
    plain.addPage();
    assert.equal((await extractCda(await plain.save())).cda, null);
  });

  test('F-06: an attachment reachable only through /Kids of the name tree is NOT found (release reads a flat /Names with OpenPDF)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    await doc.attach(cda, 'cda.xml', { mimeType: 'text/xml' });
    await doc.flush();
    const ef = doc.catalog.lookup(PDFName.of('Names'), PDFDict).lookup(PDFName.of('EmbeddedFiles'), PDFDict);
    const arr = ef.lookup(PDFName.of('Names'), PDFArray);
    const kid = doc.context.register(doc.context.obj({ Names: arr, Limits: [arr.get(0), arr.get(0)] }));
    ef.delete(PDFName.of('Names'));
    ef.set(PDFName.of('Kids'), doc.context.obj([kid]));
    const bytes = await doc.save();
    assert.equal((await extractCda(bytes, 'ATTACHMENT')).cda, null);
    assert.deepEqual((await inspectPdf(bytes)).embeddedFiles, ['cda.xml'], 'inspectPdf still lists it, for the messages of fse-harness check');
  });
});

describe('PDF/A-3 structure', () => {
  test('cda.xml is the single top-level /EmbeddedFiles entry, plain-string key, in /AF, text/xml, AFRelationship Source', () => {
    const r = new PdfReader(signedAttachment);
    const cat = r.catalog()!;
    const names = r.resolve(cat.get('Names'));
    assert.ok(isDict(names));
    const ef = r.resolve(names.get('EmbeddedFiles'));
    assert.ok(isDict(ef));
    const arr = r.resolve(ef.get('Names'));
    assert.ok(isArray(arr));
    assert.equal(arr.length, 2);
    const key = r.resolve(arr[0]);
    assert.ok(key instanceof PdfString);
    assert.equal(latin1(key.bytes), 'cda.xml', 'the key must be the plain bytes "cda.xml" (not UTF-16)');
    const spec = r.resolve(arr[1]);
    assert.ok(isDict(spec));
    assert.equal((r.resolve(spec.get('F')) as PdfString).text(), 'cda.xml');
    assert.equal((r.resolve(spec.get('UF')) as PdfString).text(), 'cda.xml');
    assert.equal((r.resolve(spec.get('AFRelationship')) as PdfName).name, 'Source');
    const af = r.resolve(cat.get('AF'));
    assert.ok(isArray(af));
    assert.equal(af.length, 1);
    assert.equal(r.resolve(af[0]), spec);
    const stream = r.resolve((r.resolve(spec.get('EF')) as typeof cat).get('F'));
    assert.ok(stream instanceof PdfStream);
    assert.equal((r.resolve(stream.dict.get('Subtype')) as PdfName).name, 'text/xml');
  });

  test('XMP declares PDF/A-3B with title and dates matching the Info dictionary; OutputIntent GTS_PDFA1 sRGB; trailer /ID', () => {
    const r = new PdfReader(signedAttachment);
    const cat = r.catalog()!;
    const md = r.resolve(cat.get('Metadata'));
    assert.ok(md instanceof PdfStream);
    assert.equal(md.dict.get('Filter'), undefined, 'the XMP stream is stored uncompressed');
    const xmp = Buffer.from(r.decodeStream(md)).toString('utf8');
    assert.match(xmp, /<pdfaid:part>3<\/pdfaid:part>/);
    assert.match(xmp, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    assert.match(xmp, /<rdf:li xml:lang="x-default">Referto di laboratorio<\/rdf:li>/);
    assert.match(xmp, /<xmp:CreateDate>2025-03-04T05:06:07Z<\/xmp:CreateDate>/);
    assert.match(xmp, /^<\?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"\?>/);
    const info = r.resolve(r.trailer.get('Info'));
    assert.ok(isDict(info));
    assert.equal((r.resolve(info.get('CreationDate')) as PdfString).text(), 'D:20250304050607Z');
    assert.equal((r.resolve(info.get('Title')) as PdfString).text(), 'Referto di laboratorio');
    const producer = (r.resolve(info.get('Producer')) as PdfString).text();
    assert.ok(xmp.includes(`<pdf:Producer>${producer}</pdf:Producer>`));

    const ois = r.resolve(cat.get('OutputIntents'));
    assert.ok(isArray(ois) && ois.length === 1);
    const oi = r.resolve(ois[0]);
    assert.ok(isDict(oi));
    assert.equal((r.resolve(oi.get('S')) as PdfName).name, 'GTS_PDFA1');
    const icc = r.resolve(oi.get('DestOutputProfile'));
    assert.ok(icc instanceof PdfStream);
    assert.equal(r.resolve(icc.dict.get('N')), 3);
    const prof = r.decodeStream(icc);
    assert.equal(latin1(prof.subarray(36, 40)), 'acsp');

    const id = r.resolve(r.trailer.get('ID'));
    assert.ok(isArray(id) && id.length === 2);
    assert.equal((id[0] as PdfString).bytes.length, 16);
  });

  test('no encryption, header with binary comment, fonts embedded (TrueType subset, FontFile2)', () => {
    const r = new PdfReader(signedAttachment);
    assert.equal(r.trailer.get('Encrypt'), undefined);
    assert.equal(latin1(signedAttachment.subarray(0, 8)), '%PDF-1.7');
    assert.ok(signedAttachment.subarray(9, 14).slice(1).every((c) => c >= 128));
    const pages = r.resolve(r.catalog()!.get('Pages')) as ReturnType<PdfReader['catalog']> & object;
    const page = r.resolve((r.resolve(pages.get('Kids')) as unknown[])[0] as never);
    assert.ok(isDict(page));
    const fonts = r.resolve((r.resolve(page.get('Resources')) as typeof page).get('Font'));
    assert.ok(isDict(fonts));
    assert.ok(fonts.map.size >= 1);
    for (const ref of fonts.map.values()) {
      const f = r.resolve(ref) as typeof page;
      assert.equal((r.resolve(f.get('Subtype')) as PdfName).name, 'Type0');
      assert.match((r.resolve(f.get('BaseFont')) as PdfName).name, /^[A-Z]{6}\+DejaVuSans$/);
      const cid = r.resolve((r.resolve(f.get('DescendantFonts')) as unknown[])[0] as never) as typeof page;
      const fd = r.resolve(cid.get('FontDescriptor')) as typeof page;
      assert.ok(r.resolve(fd.get('FontFile2')) instanceof PdfStream, 'TrueType program embedded');
    }
  });

  test('same inputs and date → identical bytes (reproducible build)', async () => {
    const again = await buildPdf({ cda, title: 'Referto di laboratorio', lines: ['Paziente: RMSLSO31M04Z404R', 'Tipo: LAB — àèìòù €'], creationDate: FIXED });
    assert.equal(Buffer.compare(Buffer.from(again), Buffer.from(attachmentPdf)), 0);
    const other = await buildPdf({ cda, title: 'Altro', creationDate: FIXED });
    assert.notEqual(Buffer.compare(Buffer.from(other), Buffer.from(attachmentPdf)), 0);
  });
});

describe('PAdES-B-B signature', () => {
  test('signed PDF → checkPades ok; inspect reports ETSI.CAdES.detached, full ByteRange, valid CMS, v2 cert, no signing-time', async () => {
    assert.deepEqual(await checkPades(signedAttachment), { ok: true });
    assert.deepEqual(await checkPades(signedResource), { ok: true });
    const i = await inspectPdf(signedAttachment);
    assert.equal(i.isPdf, true);
    assert.deepEqual(i.embeddedFiles, ['cda.xml']);
    assert.equal(i.hasXfaDatasets, false);
    assert.equal(i.signatures.length, 1);
    const s = i.signatures[0]!;
    assert.equal(s.subFilter, 'ETSI.CAdES.detached');
    assert.equal(s.byteRangeOk, true);
    assert.equal(s.cmsValid, true, s.detail);
    assert.equal(s.signerCn, 'FSE HARNESS TEST SIGNER');
    assert.equal(s.hasSigningCertificateV2, true);
    assert.equal(s.hasSigningTime, false);
    const ir = await inspectPdf(signedResource);
    assert.equal(ir.hasXfaDatasets, true);
    assert.deepEqual(ir.embeddedFiles, []);
  });

  test('CMS: exactly contentType, messageDigest, signing-certificate-v2 (SHA-256 of the signer cert + issuerSerial), SHA-256/RSA, chain embedded', () => {
    const sd = cmsOf(signedAttachment);
    assert.equal(sd.encapContentInfo.eContent, undefined, 'detached');
    assert.equal(sd.certificates?.length, 2, 'signer + CA');
    const si = sd.signerInfos[0]!;
    assert.equal(si.digestAlgorithm.algorithmId, '2.16.840.1.101.3.4.2.1');
    assert.equal(si.signatureAlgorithm.algorithmId, '1.2.840.113549.1.1.11');
    const types = si.signedAttrs!.attributes.map((a) => a.type);
    assert.deepEqual([...types].sort(), ['1.2.840.113549.1.9.16.2.47', '1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4'].sort());
    assert.ok(!types.includes('1.2.840.113549.1.9.5'), 'no signing-time');
    assert.ok(!types.includes('1.2.840.113549.1.9.52'), 'no cmsAlgorithmProtect');
    assert.equal(si.unsignedAttrs, undefined);
    const v2 = si.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.47')!;
    const seq = v2.values[0] as asn1js.Sequence;
    const certs = seq.valueBlock.value[0] as asn1js.Sequence;
    assert.equal(certs.valueBlock.value.length, 1);
    const essCertId = certs.valueBlock.value[0] as asn1js.Sequence;
    const [hash, issuerSerial] = essCertId.valueBlock.value as [asn1js.OctetString, asn1js.Sequence];
    assert.ok(hash instanceof asn1js.OctetString, 'hashAlgorithm omitted (DEFAULT sha256), certHash first');
    const expected = createHash('sha256').update(signer.key.certDer).digest();
    assert.equal(Buffer.compare(Buffer.from(hash.valueBlock.valueHexView), expected), 0);
    const serial = issuerSerial.valueBlock.value[1] as asn1js.Integer;
    assert.equal(Buffer.from(serial.valueBlock.valueHexView).toString('hex'), '7f3c01');
  });

  test('CMS: the signer and CA certificates are embedded byte for byte, in every signature made with them', async () => {
    const again = await signPades(attachmentPdf, signer.key);
    for (const pdf of [signedAttachment, again]) {
      const ders = cmsOf(pdf).certificates!.map((c) => Buffer.from((c as pkijs.Certificate).toSchema().toBER()));
      assert.deepEqual(ders[0], Buffer.from(signer.key.certDer));
      assert.deepEqual(ders[1], Buffer.from(signer.key.chainDer![0]!));
    }
  });

  test('signed attributes are in DER SET OF order', () => {
    const si = cmsOf(signedAttachment).signerInfos[0]!;
    const ders = si.signedAttrs!.attributes.map((a) => Buffer.from(a.toSchema().toBER()));
    const sorted = [...ders].sort(Buffer.compare);
    assert.deepEqual(ders, sorted);
  });

  test('/M holds the signing time; ByteRange covers the whole file except /Contents', () => {
    const text = latin1(signedAttachment);
    assert.match(text, /\/M \(D:20250304051000Z\)/);
    const [a, b, c, d] = byteRange(signedAttachment);
    assert.equal(a, 0);
    assert.equal(c + d, signedAttachment.length);
    assert.equal(text[b], '<');
    assert.equal(text[c - 1], '>');
  });

  test('one byte flipped inside the signed range → "La firma del pdf non risulta valida"', async () => {
    const [, b, c, d] = byteRange(signedAttachment);
    // 1) in the binary header comment (first range; does not affect parsing)
    const t1 = signedAttachment.slice();
    t1[11] = t1[11]! ^ 0x01;
    assert.deepEqual(await checkPades(t1), { ok: false, detail: 'La firma del pdf non risulta valida' });
    // 2) in the /Reason text after /Contents (second range)
    const text = latin1(signedAttachment);
    const reason = text.indexOf('Firma del documento', c);
    assert.ok(reason > c && reason < c + d);
    const t2 = signedAttachment.slice();
    t2[reason] = 'f'.charCodeAt(0);
    assert.deepEqual(await checkPades(t2), { ok: false, detail: 'La firma del pdf non risulta valida' });
    const i2 = await inspectPdf(t2);
    assert.equal(i2.signatures[0]!.cmsValid, false);
    assert.match(i2.signatures[0]!.detail ?? '', /digest/i);
    // 3) in the signature value inside /Contents (not signed, but the CMS no longer verifies)
    const t3 = signedAttachment.slice();
    // the SignerInfo signature value is the last element of the CMS: flip a byte 10 bytes before its end
    const hexAt = b + 1 + 2 * (cmsLenFromHex(signedAttachment) - 10);
    assert.ok(hexAt < c - 1);
    t3[hexAt] = t3[hexAt] === 0x30 ? 0x31 : 0x30;
    assert.deepEqual(await checkPades(t3), { ok: false, detail: 'La firma del pdf non risulta valida' });
    // 4) the same buffer mutated in place after a successful check is re-checked (no stale cache), also for a Buffer
    const t4 = signedAttachment.slice();
    assert.deepEqual(await checkPades(t4), { ok: true });
    t4[11] = t4[11]! ^ 0x01;
    assert.deepEqual(await checkPades(t4), { ok: false, detail: 'La firma del pdf non risulta valida' });
    const fresh = await signPades(attachmentPdf, signer.key, { signingTime: new Date('2025-03-04T06:00:00Z') }); // not cached yet
    const b5 = Buffer.from(fresh);
    assert.ok((await extractCda(b5)).cda); // parsed and cached, signature not examined yet
    b5[11] = b5[11]! ^ 0x01; // mutating the caller's Buffer must not reach the cached copy
    assert.deepEqual(await checkPades(new Uint8Array(fresh)), { ok: true });
    assert.deepEqual(await checkPades(b5), { ok: false, detail: 'La firma del pdf non risulta valida' });
  });

  test('unsigned PDF → "Il pdf non risulta firmato"; non-PDF → isPdf false', async () => {
    assert.deepEqual(await checkPades(attachmentPdf), { ok: false, detail: 'Il pdf non risulta firmato' });
    assert.deepEqual(await checkPades(resourcePdf), { ok: false, detail: 'Il pdf non risulta firmato' });
    assert.deepEqual((await inspectPdf(attachmentPdf)).signatures, []);
    const notPdf = new TextEncoder().encode('<?xml version="1.0"?><ClinicalDocument/>');
    const i = await inspectPdf(notPdf);
    assert.equal(i.isPdf, false);
    assert.equal((await inspectPdf(new TextEncoder().encode('%PDF'))).isPdf, false, 'exactly 4 bytes is not a PDF');
    assert.equal((await extractCda(notPdf)).cda, null);
    assert.deepEqual(await checkPades(notPdf), { ok: false, detail: 'Il pdf non risulta firmato' });
    const garbage = new TextEncoder().encode('%PDF-1.7 this is not really a pdf');
    assert.equal((await inspectPdf(garbage)).isPdf, true);
    assert.deepEqual(await checkPades(garbage), { ok: false, unreadable: true, detail: 'Error while searching signature for file with name' }, 'F-03: unreadable → the reference answers 500');
  });

  test('ECDSA P-256 keys sign too (ecdsa-with-SHA256)', async () => {
    const signed = await signPades(resourcePdf, await makeEcSigner());
    assert.deepEqual(await checkPades(signed), { ok: true });
    const s = (await inspectPdf(signed)).signatures[0]!;
    assert.equal(s.signerCn, 'FSE HARNESS EC SIGNER');
    assert.equal(s.hasSigningCertificateV2, true);
    assert.equal(cmsOf(signed).signerInfos[0]!.signatureAlgorithm.algorithmId, '1.2.840.10045.4.3.2');
  });

  test('a key that does not match the certificate gives a signature the checker rejects', async () => {
    const other = await makeTestSigner('OTHER');
    const signed = await signPades(attachmentPdf, { ...signer.key, privateKeyPkcs8Der: other.key.privateKeyPkcs8Der });
    assert.deepEqual(await checkPades(signed), { ok: false, detail: 'La firma del pdf non risulta valida' });
  });

  test('an incremental update appended after signing: CMS still valid (gateway accepts), byteRangeOk false', async () => {
    const appended = Buffer.concat([Buffer.from(signedAttachment), Buffer.from('\n% appended after signing\n')]);
    const u = new Uint8Array(appended);
    assert.deepEqual(await checkPades(u), { ok: true });
    const s = (await inspectPdf(u)).signatures[0]!;
    assert.equal(s.cmsValid, true);
    assert.equal(s.byteRangeOk, false);
  });
});

describe('the per-signer CMS template (harness hot path) gives the bytes pkijs gives', () => {
  test('RSA: the second and later signatures of a signer, byte for byte equal to a CMS built entirely by pkijs', async () => {
    const datas = [0, 1, 2].map((i) => new Uint8Array(createHash('sha512').update(`data ${i}`).digest()));
    const other = await makeTestSigner('ANOTHER SIGNER');
    const viaTemplate: Uint8Array[] = [];
    useCmsTemplate(true);
    for (const k of [signer.key, other.key]) {
      for (const d of datas) viaTemplate.push(await buildCadesDetached(d, k.certDer, k.chainDer ?? [], k.privateKeyPkcs8Der));
      assert.ok(hasCmsTemplate(k.certDer, k.chainDer ?? [], k.privateKeyPkcs8Der), 'the first signature left a template');
    }
    const ec = await makeEcSigner();
    await buildCadesDetached(datas[0]!, ec.certDer, ec.chainDer ?? [], ec.privateKeyPkcs8Der);
    assert.equal(hasCmsTemplate(ec.certDer, ec.chainDer ?? [], ec.privateKeyPkcs8Der), false, 'ECDSA signatures vary in length: always pkijs');
    useCmsTemplate(false);
    try {
      let n = 0;
      for (const k of [signer.key, other.key]) {
        for (const d of datas) {
          const byPkijs = await buildCadesDetached(d, k.certDer, k.chainDer ?? [], k.privateKeyPkcs8Der);
          assert.equal(Buffer.compare(viaTemplate[n]!, byPkijs), 0, `signature ${n}: same DER as pkijs`);
          n++;
        }
      }
    } finally {
      useCmsTemplate(true);
    }
    // each signature is its own: the digests and the signature values differ
    assert.notDeepEqual(viaTemplate[1], viaTemplate[2]);
    // and the PDFs signed through the template verify (here and in the checker's full pkijs path)
    const again = await signPades(resourcePdf, signer.key);
    const again2 = await signPades(resourcePdf, signer.key, { signingTime: SIGN_TIME });
    for (const pdf of [again, again2]) {
      assert.deepEqual(await checkPades(pdf), { ok: true });
      useQuickCmsCheck(false);
      try { assert.deepEqual(await checkPades(pdf), { ok: true }); } finally { useQuickCmsCheck(true); }
    }
  });
});

describe('the quick CMS check (simulator hot path) and pkijs agree', () => {
  /** The /Contents DER and the ByteRange data of a file signed by signPades. */
  function parts(pdf: Uint8Array): { contents: Uint8Array; data: Uint8Array } {
    const [a, b, c, d] = byteRange(pdf);
    const contents = new Uint8Array(Buffer.from(latin1(pdf.subarray(b + 1, c - 1)), 'hex'));
    return { contents, data: new Uint8Array(Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)])) };
  }
  async function bothWays(pdf: Uint8Array): Promise<{ quick: unknown; full: unknown; verdictQuick: unknown; verdictFull: unknown }> {
    const quick = (await inspectPdf(pdf)).signatures;
    const verdictQuick = await checkPades(pdf);
    useQuickCmsCheck(false);
    try {
      return { quick, full: (await inspectPdf(pdf)).signatures, verdictQuick, verdictFull: await checkPades(pdf) };
    } finally {
      useQuickCmsCheck(true);
    }
  }

  test('a valid RSA signature (with and without a chain) is accepted by the quick check, with the fields pkijs gives', async () => {
    const noChain = await signPades(attachmentPdf, { ...signer.key, chainDer: [] });
    for (const pdf of [signedAttachment, signedResource, noChain]) {
      const p = parts(pdf);
      const q = quickVerifyCms(p.contents, p.data);
      assert.ok(q, 'the quick check takes the common case');
      assert.equal(q.cn, 'FSE HARNESS TEST SIGNER');
      const r = await bothWays(pdf);
      assert.deepEqual(r.quick, r.full);
      assert.deepEqual(r.verdictQuick, { ok: true });
      assert.deepEqual(r.verdictFull, { ok: true });
    }
  });

  test('every failure and every unusual form goes to pkijs: same inspection, same verdict', async () => {
    const [, b] = byteRange(signedAttachment);
    const tamperedRange = signedAttachment.slice();
    tamperedRange[11] = tamperedRange[11]! ^ 0x01;
    const tamperedSignature = signedAttachment.slice();
    const at = b + 1 + 2 * (cmsLenFromHex(signedAttachment) - 10);
    tamperedSignature[at] = tamperedSignature[at] === 0x30 ? 0x31 : 0x30;
    const other = await makeTestSigner('OTHER');
    const cases: Record<string, Uint8Array> = {
      'a byte of the signed range flipped': tamperedRange,
      'a byte of the signature value flipped': tamperedSignature,
      'a key that does not match the certificate': await signPades(attachmentPdf, { ...signer.key, privateKeyPkcs8Der: other.key.privateKeyPkcs8Der }),
      'a CMS signing-time': await signPades(attachmentPdf, signer.key, { cmsSigningTime: SIGN_TIME }),
      'ECDSA': await signPades(resourcePdf, await makeEcSigner()),
    };
    for (const [name, pdf] of Object.entries(cases)) {
      const p = parts(pdf);
      assert.equal(quickVerifyCms(p.contents, p.data), undefined, `${name}: not taken by the quick check`);
      const r = await bothWays(pdf);
      assert.deepEqual(r.quick, r.full, name);
      assert.deepEqual(r.verdictQuick, r.verdictFull, name);
    }
    // the quick check never says yes where pkijs would say no: the signed-range tamper is refused by both
    assert.deepEqual((await bothWays(tamperedRange)).verdictFull, { ok: false, detail: 'La firma del pdf non risulta valida' });
  });
});

describe('reader robustness', () => {
  test('classic xref table (no object streams) and a broken startxref are both readable', async () => {
    const doc = await PDFDocument.load(attachmentPdf, { updateMetadata: false });
    const classic = await doc.save({ useObjectStreams: false });
    assert.ok(latin1(classic).includes('\ntrailer'));
    assert.equal(new PdfReader(classic).repaired, false);
    assert.equal(new PdfReader(attachmentPdf).repaired, false);
    assert.equal(Buffer.compare(Buffer.from((await extractCda(classic)).cda!), Buffer.from(cda)), 0);
    const broken = Buffer.from(classic);
    const sx = broken.lastIndexOf('startxref');
    broken.write('startxref\n1      ', sx, 'latin1'); // wrong offset → xref rebuilt by scanning
    assert.equal(new PdfReader(new Uint8Array(broken)).repaired, true);
    assert.equal(Buffer.compare(Buffer.from((await extractCda(new Uint8Array(broken))).cda!), Buffer.from(cda)), 0);
    const brokenStream = Buffer.from(attachmentPdf);
    const sx2 = brokenStream.lastIndexOf('startxref');
    brokenStream.write('startxref\n1      ', sx2, 'latin1');
    assert.equal(Buffer.compare(Buffer.from((await extractCda(new Uint8Array(brokenStream))).cda!), Buffer.from(cda)), 0);
  });
});

describe('Debian PDF tools (skipped loudly when absent)', () => {
  const write = (name: string, b: Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, b);
    return p;
  };

  test('qpdf --check passes (signed, both modes)', (t) => {
    if (!hasTool('qpdf')) { t.skip('qpdf not installed (apt-get install qpdf)'); return; }
    for (const [n, b] of [['a.pdf', signedAttachment], ['r.pdf', signedResource], ['u.pdf', attachmentPdf]] as const) {
      const r = run('qpdf', ['--check', write(n, b)]);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /No syntax or stream encoding errors found/);
    }
  });

  test('pdfdetach -list shows exactly cda.xml', (t) => {
    if (!hasTool('pdfdetach')) { t.skip('pdfdetach not installed (apt-get install poppler-utils)'); return; }
    const r = run('pdfdetach', ['-list', write('a2.pdf', signedAttachment)]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /^1 embedded files\n1: cda\.xml$/m);
  });

  test('pdfsig: "Signature is Valid." (trust is not asserted); tampered file is not valid', (t) => {
    if (!hasTool('pdfsig')) { t.skip('pdfsig not installed (apt-get install poppler-utils)'); return; }
    const r = run('pdfsig', [write('a3.pdf', signedAttachment)]);
    assert.match(r.out, /Signature Validation: Signature is Valid\./, r.out);
    assert.match(r.out, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(r.out, /Total document signed/);
    const bad = signedAttachment.slice();
    bad[11] = bad[11]! ^ 1;
    const r2 = run('pdfsig', [write('bad.pdf', bad)]);
    assert.doesNotMatch(r2.out, /Signature is Valid\./, r2.out);
  });

  test('qpdf rewrites (xref streams with PNG predictor, QDF) stay readable; any re-save breaks the signature', async (t) => {
    if (!hasTool('qpdf')) { t.skip('qpdf not installed (apt-get install qpdf)'); return; }
    const src = write('src.pdf', signedAttachment);
    for (const [name, args] of [['gen.pdf', ['--object-streams=generate']], ['qdf.pdf', ['--qdf', '--object-streams=disable']]] as const) {
      const out = join(dir, name);
      const r = run('qpdf', [...args, src, out]);
      assert.ok(r.status === 0 || r.status === 3, r.out);
      const bytes = new Uint8Array(readFileSync(out));
      assert.equal(new PdfReader(bytes).repaired, false, `${name}: xref read without repair`);
      if (name === 'gen.pdf') assert.match(latin1(bytes), /\/Type\s*\/XRef/);
      const x = await extractCda(bytes);
      assert.ok(x.cda, `${name}: cda.xml not found`);
      assert.equal(Buffer.compare(Buffer.from(x.cda), Buffer.from(cda)), 0, name);
      assert.equal((await checkPades(bytes)).ok, false, `${name}: a rewritten file must not verify`);
      assert.equal((await inspectPdf(bytes)).signatures.length, 1, `${name}: the signature field is still found`);
    }
  });

  test('pdffonts: every font embedded', (t) => {
    if (!hasTool('pdffonts')) { t.skip('pdffonts not installed (apt-get install poppler-utils)'); return; }
    const r = run('pdffonts', [write('a4.pdf', signedAttachment)]);
    assert.equal(r.status, 0, r.out);
    const rows = r.out.split('\n').slice(2).filter((l) => l.trim());
    assert.ok(rows.length >= 1, r.out);
    for (const row of rows) assert.match(row, /\s+yes\s+yes\s+yes\s+/, `font not embedded/subset/unicode: ${row}`);
  });
});

test('attachmentName: a CDA attached under another name is not found by the gateway rule (negative scenarios)', async () => {
  const { buildPdf } = await import('../../support/pdf/build.ts');
  const { extractCda, inspectPdf } = await import('../../support/pdf/inspect.ts');
  const cda = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>');
  const pdf = await buildPdf({ cda, attachmentName: 'CDA2.xml', creationDate: new Date('2026-01-01T00:00:00Z') });
  const insp = await inspectPdf(pdf);
  assert.deepEqual(insp.embeddedFiles, ['CDA2.xml']);
  assert.equal((await extractCda(pdf, 'ATTACHMENT')).cda, null);
  assert.equal((await extractCda(pdf)).cda, null);
});
