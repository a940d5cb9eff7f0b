/**
 * docs/gateway-conditions.md §4.3 — file, PAdES and CDA extraction (F-01…F-08), columns VC (V), RP (V), RP4 (P):
 * what the reference's OpenPDF/PDFBox reading finds and refuses, with PDF structures built for each row (incremental
 * updates appended after signing keep the signature valid, as they do for the reference).
 */
import assert from 'node:assert/strict';
import { buildPdf } from '../../../support/pdf/build.ts';
import { signPades } from '../../../support/pdf/pades.ts';
import { PdfReader, PdfRef, isDict, type PdfDict } from '../../../support/pdf/reader.ts';
import { getPki, loadSample, signedPdf, simTest, useSimulator } from '../helpers.ts';
import { call, expectRow, type Method, type Row, type Target } from './lib.ts';
import { catalogWith, incrementalUpdate, serialize, signatureLayout, withKeys } from './pdf-craft.ts';

const RT: Target = {} as Target;
const RP4: Target = {} as Target;
useSimulator({}, (s) => Object.assign(RT, s));
useSimulator({ switches: { replaceRequiresPriorValidation: true } }, (s) => Object.assign(RP4, s));

const PUB: Method[] = ['VC', 'RP', 'RP4'];
const target = (m: Method): Target => (m === 'RP4' ? RP4 : RT);
const fam = (m: Method): 'V' | 'P' => (m === 'RP4' ? 'P' : 'V');
const SIGN = { type: '/msg/sign-error', title: 'Sign error', instance: '/msg/sign-error' };
const notSigned = (m: Method): Row => ({ status: 400, family: fam(m), ...SIGN, detail: 'Il pdf non risulta firmato' });
const invalid = (m: Method): Row => ({ status: 400, family: fam(m), ...SIGN, detail: 'La firma del pdf non risulta valida' });
const notFound = (m: Method): Row => ({ status: 400, family: fam(m), type: '/msg/cda-element', title: 'Errore in fase di estrazione del CDA.', instance: '/cda-extraction', detail: 'Error while extracting CDA from PDF document' });

async function key(): Promise<{ certDer: Uint8Array; privateKeyPkcs8Der: Uint8Array }> {
  const pki = await getPki();
  return { certDer: pki.sign.certDer, privateKeyPkcs8Der: pki.sign.pkcs8Der };
}
const LAB = (): Buffer => loadSample('LAB').xml;
const unsigned = (o: { mode?: 'ATTACHMENT' | 'RESOURCE'; cda?: Uint8Array; attachmentName?: string } = {}): Promise<Uint8Array> =>
  buildPdf({ cda: o.cda ?? LAB(), mode: o.mode ?? 'ATTACHMENT', attachmentName: o.attachmentName, creationDate: new Date('2026-01-01T00:00:00Z') });
const sign = async (pdf: Uint8Array, cmsSigningTime?: Date): Promise<Buffer> => Buffer.from(await signPades(pdf, await key(), { cmsSigningTime }));

/** An AcroForm of the signed file whose /Fields are replaced (new objects appended after signing). */
function withFields(pdf: Buffer, fields: (l: ReturnType<typeof signatureLayout>) => { fields: string; extra: Record<number, string> }): Buffer {
  const l = signatureLayout(pdf);
  const f = fields(l);
  const objs: Record<number, string> = { ...f.extra };
  if (l.acroRef) objs[l.acroRef.num] = withKeys(l.acro, { Fields: f.fields });
  else { const c = catalogWith(pdf, { AcroForm: withKeys(l.acro, { Fields: f.fields }) }); objs[c.num] = c.text; }
  return incrementalUpdate(pdf, objs);
}

for (const m of PUB) {
  simTest(`F-01 ${m}: the file part has 0 bytes → 400 /msg/empty-file`, async () => {
    expectRow(await call(target(m), m, { file: Buffer.alloc(0) }), { status: 400, family: fam(m), type: '/msg/empty-file', title: 'File vuoto.', instance: '/empty-multipart-file', detail: 'File vuoto.' }, m);
  });
  simTest(`F-02 ${m}: the first 4 bytes are not %PDF (or the file has only 4) → ${m === 'RP4' ? 400 : 415} /msg/document-type`, async () => {
    const e = { status: m === 'RP4' ? 400 : 415, family: fam(m), type: '/msg/document-type', title: 'Il documento non è pdf.', instance: '/multipart-file', detail: 'Il documento non è pdf.' };
    expectRow(await call(target(m), m, { file: Buffer.from('<?xml version="1.0"?><ClinicalDocument/>') }), e, `${m} XML`);
    expectRow(await call(target(m), m, { file: Buffer.from('%PDF') }), e, `${m} exactly 4 bytes`);
  });
  simTest(`F-03 ${m}: a file starting with %PDF that cannot be read → 500 "Error while searching signature for file with name"`, async () => {
    expectRow(await call(target(m), m, { file: Buffer.from('%PDF-1.7\nnot really a PDF\n') }), { status: 500, family: 'G', detail: 'Error while searching signature for file with name' }, m);
  });
  simTest(`F-04 ${m}: no top-level /Fields entry with its own /FT /Sig → 400 "Il pdf non risulta firmato"`, async () => {
    expectRow(await call(target(m), m, { file: Buffer.from(await unsigned()) }), notSigned(m), `${m} no AcroForm`);
  });
  simTest(`F-05 ${m}: signed but the signature does not verify (a byte changed) → 400 "La firma del pdf non risulta valida"`, async () => {
    const f = Buffer.from(await signedPdf(LAB()));
    const i = f.indexOf('<x:xmpmeta');
    f[i + 3] = f[i + 3] === 0x78 ? 0x79 : 0x78;
    expectRow(await call(target(m), m, { file: f }), invalid(m), m);
  });
  simTest(`F-06 ${m}: CDA not found (mode RESOURCE on an attachment PDF) → 400 /msg/cda-element`, async () => {
    expectRow(await call(target(m), m, { body: { mode: 'RESOURCE' } }), notFound(m), m);
  });
  simTest(`F-07 ${m}: cda.xml that the StAX reader cannot open (unknown encoding) → 500 "Error while reading extracted CDA using detected encode: UTF-8"`, async () => {
    const cda = Buffer.from(`<?xml version="1.0" encoding="X-NO-SUCH-CHARSET"?>\n${LAB().toString('utf8').replace(/^<\?xml[^>]*\?>/, '')}`);
    expectRow(await call(target(m), m, { file: await sign(await unsigned({ cda })) }), { status: 500, family: 'G', detail: 'Error while reading extracted CDA using detected encode: UTF-8' }, m);
  });
}

simTest('F-04 VC: the signature field reachable only through /Kids of a top-level field → not signed for the reference', async () => {
  const pdf = withFields(await signedPdf(LAB()), (l) => ({ fields: `[${l.nextNum} 0 R]`, extra: { [l.nextNum]: `<< /T (parent) /Kids [${l.sigFieldRef.num} ${l.sigFieldRef.gen} R] >>` } }));
  expectRow(await call(RT, 'VC', { file: pdf }), notSigned('VC'), 'kids only');
});

simTest('F-05 VC: any top-level signature field without /V, or a signature without /M, or a signer certificate not valid at the CMS signing-time → "non risulta valida"', async () => {
  const signed = await signedPdf(LAB());
  const extra = withFields(signed, (l) => ({ fields: `[${l.fieldRefs.map(serialize).join(' ')} ${l.nextNum} 0 R]`, extra: { [l.nextNum]: '<< /FT /Sig /T (unsigned) >>' } }));
  expectRow(await call(RT, 'VC', { file: extra }), invalid('VC'), 'an unsigned top-level signature field');
  const l = signatureLayout(signed);
  const sigDict = l.reader.resolve(l.sigDictRef) as PdfDict;
  const noM = incrementalUpdate(signed, { [l.sigDictRef.num]: withKeys(sigDict, { M: undefined }) });
  expectRow(await call(RT, 'VC', { file: noM }), invalid('VC'), 'no /M');
  const old = await sign(await unsigned(), new Date('2001-01-01T00:00:00Z'));
  expectRow(await call(RT, 'VC', { file: old }), invalid('VC'), 'signer certificate not valid at the CMS signing-time');
  const now = await call(RT, 'VC', { file: await sign(await unsigned(), new Date()) });
  assert.equal(now.status, 202, `a CMS signing-time inside the certificate validity passes: ${now.text}`);
});

simTest('F-05 VC: a top-level /FT /Sig field with /Kids that have /T is a non-terminal field for PDFBox: not examined, the check passes', async () => {
  const base = await unsigned();
  const r = new PdfReader(base);
  const n = Number(r.trailer.get('Size'));
  const c = catalogWith(base, { AcroForm: `<< /Fields [${n} 0 R] >>` });
  const pdf = incrementalUpdate(base, { [n]: `<< /FT /Sig /T (a) /Kids [${n + 1} 0 R] >>`, [n + 1]: '<< /T (k) >>', [c.num]: c.text });
  const a = await call(RT, 'VC', { file: pdf });
  assert.equal(a.status, 202, `the reference accepts it, so the simulator accepts it: ${a.text}`);
});

simTest('F-06 VC: the reference reads only a flat /Names array with the raw key cda.xml, and an indirect XFAResources with a direct array', async () => {
  expectRow(await call(RT, 'VC', { file: await sign(await unsigned({ attachmentName: 'CDA.xml' })) }), notFound('VC'), 'CDA.xml');
  // XFAResources made a DIRECT dictionary: the cast of the reference fails.
  const res = await unsigned({ mode: 'RESOURCE' });
  const r = new PdfReader(res);
  const namesRaw = r.catalog()!.get('Names');
  const names = r.resolve(namesRaw) as PdfDict;
  const xfa = r.resolve(names.get('XFAResources'));
  assert.ok(isDict(xfa) && names.get('XFAResources') instanceof PdfRef, 'buildPdf writes an indirect XFAResources');
  const direct = withKeys(names, { XFAResources: serialize(xfa) });
  const objs: Record<number, string> = namesRaw instanceof PdfRef ? { [namesRaw.num]: direct } : (() => { const c = catalogWith(res, { Names: direct }); return { [c.num]: c.text }; })();
  expectRow(await call(RT, 'VC', { file: await sign(incrementalUpdate(res, objs)), mode: 'RESOURCE' }), notFound('VC'), 'direct XFAResources');
  const ok = await call(RT, 'VC', { file: await sign(res), mode: 'RESOURCE' });
  assert.equal(ok.status, 202, `buildPdf's RESOURCE layout is read: ${ok.text}`);
});

simTest('F-08 VC: an XFA datasets stream without ClinicalDocument becomes the "CDA" and ATTACHMENT is not tried (mode absent) → X-01 later', async () => {
  const base = await unsigned();
  const r = new PdfReader(base);
  const n = Number(r.trailer.get('Size'));
  const namesRaw = r.catalog()!.get('Names');
  const names = r.resolve(namesRaw) as PdfDict;
  const xml = '<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data><form/></xfa:data></xfa:datasets>';
  const objs: Record<number, string> = {
    [n]: `<< /Length ${Buffer.byteLength(xml)} >>\nstream\n${xml}\nendstream`,
    [n + 1]: `<< /Names [(datasets) ${n} 0 R] >>`,
  };
  const newNames = withKeys(names, { XFAResources: `${n + 1} 0 R` });
  if (namesRaw instanceof PdfRef) objs[namesRaw.num] = newNames; else { const c = catalogWith(base, { Names: newNames }); objs[c.num] = c.text; }
  const pdf = await sign(incrementalUpdate(base, objs));
  expectRow(await call(RT, 'VC', { file: pdf, omit: ['mode'] }), { status: 403, family: 'V', type: '/msg/jwt-validation', title: 'Campo token JWT non valido.', instance: '/jwt-document-type', detail: 'JWT payload: non è stato possibile verificare la tipologia del CDA' }, 'mode absent');
  const attachment = await call(RT, 'VC', { file: pdf, body: { mode: 'ATTACHMENT' } });
  assert.equal(attachment.status, 202, `with mode ATTACHMENT the attachment is used: ${attachment.text}`);
});
