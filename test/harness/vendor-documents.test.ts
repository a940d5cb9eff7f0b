/**
 * A vendor's own CDA (personalised: patient, ids) or already-signed PDF (sent as is) replaces the
 * templates, per document type, from the profile's documentsDir. Uses the ministry sample LAB CDA (read, not copied).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../support/harness/session.ts';
import { startEmbeddedSimulator } from '../../cli/target.ts';
import { missingData, SAMPLES_DIR } from '../shared-data.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { prepareDocument } from '../../support/harness/document.ts';
import { performExchange } from '../../support/harness/exchange.ts';
import { readCdaFacts } from '../../support/cda/facts.ts';
import { buildCda } from '../../support/cda/template.ts';
import { buildPdf } from '../../support/pdf/build.ts';
import { extractCda } from '../../support/pdf/inspect.ts';
import { newCdaContext } from '../../support/cda/identity.ts';
import { UserError } from '../../support/errors.ts';
import type { Profile } from '../../support/types.ts';
import { describeVendorDocuments, loadVendorDocuments, vendorPdfKey, vendorPdfSkipReason } from '../../support/harness/vendor-documents.ts';

const SAMPLE = join(SAMPLES_DIR, 'LAB.xml');
let dir: string;
let session: Session;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-vendor-'));
  const profile = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8'));
  writeFileSync(join(dir, 'profile.json'), JSON.stringify({ ...profile, documentsDir: 'docs', documentTypes: ['LAB', 'RAD'] }));
  mkdirSync(join(dir, 'docs'));
  if (existsSync(SAMPLE)) writeFileSync(join(dir, 'docs', 'LAB.xml'), readFileSync(SAMPLE));
  session = await Session.open({ profilePath: join(dir, 'profile.json'), reportsDir: join(dir, 'reports'), catalogsDir: null, env: { ...process.env, FSE_CATALOGS_DIR: '' }, startEmbedded: startEmbeddedSimulator });
});
after(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a vendor CDA is personalised (RT test patient, run-unique ids) and published', async (t) => {
  if (!existsSync(SAMPLE)) { t.skip(missingData('samples')); return; }
  const doc = await prepareDocument({ docType: 'LAB', patientCf: 'MNTMRA03M71C615V', profile: session.profile, vendor: session.vendorDocuments.byType.LAB, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
  assert.equal(doc.source, 'vendor-cda');
  const facts = readCdaFacts(doc.cda);
  assert.equal(facts.patientIds[0]?.extension, 'MNTMRA03M71C615V');
  assert.equal(`${facts.idRoot}^${facts.idExtension}`, doc.identificativoDoc);
  assert.equal(facts.code, '11502-2', 'the vendor content is kept');
  const original = readFileSync(SAMPLE, 'utf8');
  const kept = original.split('\n').filter((l) => Buffer.from(doc.cda).toString('utf8').includes(l)).length;
  assert.ok(kept / original.split('\n').length > 0.95, 'personalisation edits only the ids and the patient');
  const o = await performExchange(session, { scenario: 'vendor CDA', method: 'validate-and-create', document: doc, expected: 202 });
  assert.equal(o.httpStatus, 202, `${o.errorType} ${o.errorDetail}`);

  // the same document, signed by the vendor, is sent byte for byte
  mkdirSync(join(dir, 'docs-pdf'));
  writeFileSync(join(dir, 'docs-pdf', 'LAB.pdf'), doc.pdf);
  const docs = await loadVendorDocuments({ ...session.profile, documentsDir: 'docs-pdf' }, dir);
  const vendor = docs.byType.LAB;
  assert.equal(vendor?.kind, 'pdf');
  assert.equal(vendor.kind === 'pdf' && vendor.patientCf, 'MNTMRA03M71C615V', 'the patient is read from the cda.xml once, at start-up');
  // the scenario asks for another patient: the PDF still carries its own (the hooks skip such scenarios)
  const asIs = await prepareDocument({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, vendor, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
  assert.equal(asIs.source, 'vendor-pdf');
  assert.equal(asIs.patientCf, 'MNTMRA03M71C615V', 'the document says the patient it was sent for');
  assert.deepEqual(Buffer.from(asIs.pdf), Buffer.from(doc.pdf), 'a vendor PDF is never rebuilt or re-signed');
  assert.equal(asIs.identificativoDoc, doc.identificativoDoc, 'ids come from the CDA inside the vendor PDF');
  assert.deepEqual([asIs.ctx.docIdExtension, asIs.ctx.setIdExtension, asIs.ctx.version], [doc.ctx.docIdExtension, doc.ctx.setIdExtension, 1], 'and so does the context a replace chains from');

  // its replacement is NOT the same bytes again: a replace carries a new id in the body (gateway-impl §1 E4,
  // gateway-spec §6.5, A12). It is the next version of the PDF's cda.xml: harness id, the PDF's setId, version 2,
  // RPLC to the PDF's document, the PDF's patient — wrapped and signed by the harness.
  const v2 = await prepareDocument({ docType: 'LAB', patientCf: asIs.patientCf, profile: session.profile, vendor, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq(), replaces: asIs });
  assert.equal(v2.source, 'vendor-pdf-next');
  assert.notDeepEqual(Buffer.from(v2.pdf), Buffer.from(doc.pdf), 'a new version, not the vendor PDF again');
  assert.notEqual(v2.identificativoDoc, asIs.identificativoDoc, 'a new id on replace');
  assert.equal(v2.patientCf, 'MNTMRA03M71C615V');
  const f2 = readCdaFacts(v2.cda);
  assert.equal(`${f2.idRoot}^${f2.idExtension}`, v2.identificativoDoc);
  assert.deepEqual([f2.setIdExtension, f2.version, f2.code, f2.patientIds[0]?.extension], [doc.ctx.setIdExtension, 2, '11502-2', 'MNTMRA03M71C615V']);
  const rplc = /<relatedDocument typeCode="RPLC">[\s\S]*?<\/relatedDocument>/.exec(Buffer.from(v2.cda).toString('utf8'))?.[0] ?? '';
  assert.ok(rplc.includes(`extension="${doc.ctx.docIdExtension}"`) && rplc.includes('<versionNumber value="1"/>'), `RPLC to the vendor PDF's document: ${rplc}`);
  const embedded = await extractCda(v2.pdf, undefined);
  assert.deepEqual(Buffer.from(embedded.cda ?? []), Buffer.from(v2.cda), 'the new version travels in the harness PDF/A-3');
  assert.ok(Buffer.from(v2.pdf).includes(Buffer.from('/ByteRange')), 'signed (PAdES) like any document the harness builds');
  // published, then replaced on the gateway: path = the vendor PDF's id, body = the new one
  const created = await performExchange(session, { scenario: 'vendor PDF', method: 'validate-and-create', document: asIs, expected: 202 });
  assert.equal(created.httpStatus, 202, `${created.errorType} ${created.errorDetail}`);
  const replaced = await performExchange(session, { scenario: 'vendor PDF', method: 'replace', document: v2, pathId: asIs.identificativoDoc, expected: 202 });
  assert.equal(replaced.httpStatus, 202, `${replaced.errorType} ${replaced.errorDetail}`);
  assert.equal((replaced.body as { identificativoDoc?: string } | null)?.identificativoDoc, v2.identificativoDoc);
  // and the version after: chains from the harness's version 2, still in the PDF's set
  const v3 = await prepareDocument({ docType: 'LAB', patientCf: v2.patientCf, profile: session.profile, vendor, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq(), replaces: v2 });
  assert.equal(v3.source, 'vendor-pdf-next');
  const f3 = readCdaFacts(v3.cda);
  assert.deepEqual([f3.setIdExtension, f3.version], [doc.ctx.setIdExtension, 3]);
  assert.ok(Buffer.from(v3.cda).toString('utf8').includes(`extension="${v2.ctx.docIdExtension}"/><setId`), 'RPLC to version 2');
  // a negative variant of the replacement starts from the same next version
  const v2bad = await prepareDocument({ docType: 'LAB', patientCf: asIs.patientCf, profile: session.profile, vendor, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq(), replaces: asIs, pdfVariant: 'unsigned' });
  assert.deepEqual([v2bad.source, v2bad.variants, readCdaFacts(v2bad.cda).version], ['vendor-pdf-next', ['file:unsigned'], 2]);

  // a negative variant of the type is built from the template; so is a new version of a template document
  const mutated = await prepareDocument({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, vendor, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq(), pdfVariant: 'unsigned' });
  assert.equal(mutated.source, 'template');
  const next = await prepareDocument({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, vendor, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq(), replaces: mutated });
  assert.equal(next.source, 'template');

  // on stage, a vendor PDF for a patient who is not one of RT's test fiscal codes is refused at start-up
  // (the harness builds only test patients: the vendor's PDF for another one is made by hand here)
  const otherCda = Buffer.from(Buffer.from(buildCda(newCdaContext({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, runId: 't', seq: 9 }))).toString('utf8').replaceAll('RMSLSO31M04Z404R', 'RSSMRA80A01H501U'));
  const otherPdf = await buildPdf({ cda: otherCda, sign: { key: { certDer: session.credentials.sign.certDer, privateKeyPkcs8Der: session.credentials.sign.privateKeyPkcs8Der } } });
  mkdirSync(join(dir, 'docs-nontest'));
  writeFileSync(join(dir, 'docs-nontest', 'LAB.pdf'), otherPdf);
  await assert.rejects(loadVendorDocuments({ ...session.profile, target: 'stage', documentsDir: 'docs-nontest' }, dir), (e: unknown) => e instanceof UserError && /LAB\.pdf is for patient RSSMRA80A01H501U/.test(e.message));
  // on the simulator it is allowed (and listed with its patient)
  const sim = await loadVendorDocuments({ ...session.profile, documentsDir: 'docs-nontest' }, dir);
  assert.match(describeVendorDocuments(sim).join('\n'), /LAB ← vendor PDF .*patient RSSMRA80A01H501U/);
});

test('types without a vendor document fall back to the harness templates', async () => {
  const doc = await prepareDocument({ docType: 'RAD', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, vendor: session.vendorDocuments.byType.RAD, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
  assert.equal(doc.source, 'template');
});

/** A folder with the given files (name → content) beside a profile; returns [profile, base dir]. */
function folder(files: Record<string, string | Uint8Array>, extra: Partial<Profile> = {}): [Profile, string] {
  const base = mkdtempSync(join(tmpdir(), 'fse-docs-'));
  mkdirSync(join(base, 'docs'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(base, 'docs', name), content);
  return [{ ...session.profile, documentsDir: 'docs', documentTypes: ['LAB', 'RAD'], ...extra }, base];
}
const rejects = async (p: Profile, base: string, re: RegExp) => {
  try {
    await assert.rejects(loadVendorDocuments(p, base), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.match(e.message, re);
      return true;
    });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
};

test('documentsDir mistakes are one clear error each, before any call (never a silent fall-back)', async () => {
  const cda = buildCda(newCdaContext({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, runId: 't', seq: 1 }));
  // a folder that does not exist
  await rejects({ ...session.profile, documentsDir: 'nowhere' }, dir, /documentsDir "nowhere" does not exist/);
  // names match no type: lower case, another extension, an unknown type
  await rejects(...folder({ 'lab.xml': cda }), /"lab\.xml" matches no document type.*did you mean LAB\.xml\?/);
  await rejects(...folder({ 'LAB.txt': cda }), /"LAB\.txt" matches no document type/);
  await rejects(...folder({ 'REFERTO.xml': cda }), /"REFERTO\.xml" matches no document type: names are <TYPE>\.xml or <TYPE>\.pdf/);
  // both forms of one type
  await rejects(...folder({ 'LAB.xml': cda, 'LAB.pdf': cda }), /LAB: both LAB\.xml and LAB\.pdf/);
  // a type outside the profile's documentTypes would never be sent
  await rejects(...folder({ 'VPS.xml': cda }), /VPS\.xml: VPS is not in the profile's documentTypes \(LAB, RAD\)/);
  // a PDF that carries no CDA, a CDA that is not one
  await rejects(...folder({ 'LAB.pdf': cda }), /LAB\.pdf is not a PDF carrying a CDA/);
  await rejects(...folder({ 'RAD.xml': '<html><body>referto</body></html>' }), /RAD\.xml is not a readable CDA/);
  // several problems: all of them, one line each
  await rejects(...folder({ 'lab.xml': cda, 'RAD.pdf': cda, 'RAD.xml': cda }), /2 problems:\n  - .*lab\.xml.*\n  - RAD: both/);
});

test('a valid documentsDir: hidden files and sub-folders ignored, each type listed with its source', async () => {
  const cda = buildCda(newCdaContext({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, runId: 't', seq: 1 }));
  const [p, base] = folder({ 'LAB.xml': cda, '.DS_Store': 'x' });
  mkdirSync(join(base, 'docs', 'old'));
  try {
    const docs = await loadVendorDocuments(p, base);
    assert.equal(docs.byType.LAB?.kind, 'cda');
    assert.deepEqual(docs.builtIn, ['RAD']);
    const lines = describeVendorDocuments(docs);
    assert.match(lines[0]!, /^documents: LAB ← vendor CDA .*LAB\.xml \(personalised per scenario/);
    assert.equal(lines[1], 'documents: built-in templates for RAD');
    assert.deepEqual(describeVendorDocuments(await loadVendorDocuments({ ...p, documentsDir: undefined }, base)), ['documents: built-in templates for LAB, RAD (no "documentsDir" in the profile)']);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('scenarios on a vendor PDF: skipped when written for another patient, one at a time otherwise', () => {
  const pdf = { kind: 'pdf', docType: 'LAB', file: '/x/LAB.pdf', bytes: new Uint8Array(), cda: new Uint8Array(), patientCf: 'RMSLSO31M04Z404R', identificativoDoc: 'r^e', ids: { idRoot: 'r', idExtension: 'e', setIdRoot: 'r', setIdExtension: 'e', version: 1 }, code: { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' } } as const;
  const docs = { byType: { LAB: pdf } };
  const lifecycle = (cf: string) => [`un documento LAB per il paziente ${cf}`, 'invio la richiesta di validazione e creazione', 'la risposta ha stato HTTP 202', 'la nuova versione del documento'];
  assert.equal(vendorPdfSkipReason(lifecycle('RMSLSO31M04Z404R'), docs), null);
  assert.match(vendorPdfSkipReason(lifecycle('MNTMRA03M71C615V'), docs) ?? '', /carries patient RMSLSO31M04Z404R; this scenario is written for MNTMRA03M71C615V: nothing sent/);
  assert.match(vendorPdfSkipReason(['un documento LAB pubblicato per il paziente MNTMRA03M71C615V'], docs) ?? '', /MNTMRA03M71C615V/);
  // the correction scenario names two patients: one is not the PDF's
  assert.ok(vendorPdfSkipReason(['un documento LAB per il paziente MNTMRA03M71C615V', 'un documento LAB per il paziente RMSLSO31M04Z404R'], docs));
  // negative variants are built from the template with the scenario's patient: not concerned
  const variant = ['un documento LAB per il paziente MNTMRA03M71C615V con la modifica "senza-confidentialityCode"'];
  assert.equal(vendorPdfSkipReason(variant, docs), null);
  assert.equal(vendorPdfKey(variant, docs), null);
  // other types, or no vendor PDF: not concerned
  assert.equal(vendorPdfKey(['un documento RAD per il paziente MNTMRA03M71C615V'], docs), null);
  assert.equal(vendorPdfKey(lifecycle('RMSLSO31M04Z404R'), { byType: {} }), null);
  assert.equal(vendorPdfKey(lifecycle('RMSLSO31M04Z404R'), docs), 'LAB', 'scenarios sending the LAB PDF share one key: never two at the same time');
  // the start-up line says how many planned scenarios send it and how many are skipped
  const lines = describeVendorDocuments({ dir: '/x', byType: docs.byType, builtIn: ['RAD'], warnings: [] }, [lifecycle('RMSLSO31M04Z404R'), lifecycle('MNTMRA03M71C615V'), variant]);
  assert.match(lines[0]!, /LAB ← vendor PDF .*\(published as is: patient RMSLSO31M04Z404R, document r\^e v1; a replacement sends its next version, built from its cda\.xml and signed by the harness; 1 planned scenarios send it, one at a time; 1 written for other patients are SKIPPED/);
});

test('a document whose ClinicalDocument/code is not of its type\'s class is one clear error before any call; same-class codes are accepted', async () => {
  // body tipoDocumentoLivAlto = the TYPE's class, resource_hl7_type = the CDA's code: the gateway correlates them
  // (gateway-spec §2.6, §3.5) and would refuse every call with 400 /msg/validator
  const lab = Buffer.from(buildCda(newCdaContext({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, runId: 't', seq: 1 }))).toString('utf8');
  const withCode = (code: string) => lab.replace('code="11502-2"', `code="${code}"`);
  assert.equal(readCdaFacts(withCode('34105-7')).code, '34105-7');
  const pdfOf = (xml: string) => buildPdf({ cda: Buffer.from(xml), sign: { key: { certDer: session.credentials.sign.certDer, privateKeyPkcs8Der: session.credentials.sign.privateKeyPkcs8Der } } });
  // another type's class: a LDO (class LDO) given as LAB (class REF) — as CDA and as PDF
  await rejects(...folder({ 'LAB.xml': withCode('34105-7') }), /LAB\.xml: its ClinicalDocument\/code 34105-7 is the code of a document of type LDO \(class LDO\), but LAB documents are sent with tipoDocumentoLivAlto REF: the gateway would refuse every call \(400 \/msg\/validator "Non c'è correlazione tra tipo documento e tipo documento livello alto"\) — name the file LDO\.xml \(with LDO in documentTypes\), or give a LAB document \(ClinicalDocument\/code 11502-2\)/);
  await rejects(...folder({ 'LAB.pdf': await pdfOf(withCode('34105-7')) }), /LAB\.pdf: its ClinicalDocument\/code 34105-7 is the code of a document of type LDO \(class LDO\).*name the file LDO\.pdf/);
  // a code of another class that no harness type has; a code outside the gateway's table; no code at all
  await rejects(...folder({ 'LAB.xml': withCode('57833-6') }), /LAB\.xml: its ClinicalDocument\/code 57833-6 is of class PRS, but LAB documents are sent with tipoDocumentoLivAlto REF.*— give a LAB document \(ClinicalDocument\/code 11502-2\)/);
  await rejects(...folder({ 'LAB.xml': withCode('12345-6') }), /LAB\.xml: its ClinicalDocument\/code 12345-6 is not in the gateway's document type ↔ class table.*give a LAB document/);
  await rejects(...folder({ 'LAB.xml': lab.replace(/<code code="11502-2"[^>]*\/>/, '') }), /LAB\.xml has no ClinicalDocument\/code.*set it to 11502-2/);
  // two wrong files: both named, one line each
  await rejects(...folder({ 'LAB.xml': withCode('34105-7'), 'RAD.pdf': await pdfOf(withCode('59258-4')) }), /2 problems:\n  - LAB\.xml: .*34105-7.*\n  - RAD\.pdf: .*59258-4 is the code of a document of type VPS \(class VRB\)/);

  // same class: another type's code (a RAD report given as LAB, REF for both) is sent, with a warning
  const [p, base] = folder({ 'LAB.xml': withCode('68604-8'), 'RAD.pdf': await pdfOf(withCode('11502-2')) });
  try {
    const docs = await loadVendorDocuments(p, base);
    assert.equal(docs.byType.LAB?.kind, 'cda');
    assert.equal(docs.byType.RAD?.kind, 'pdf');
    assert.deepEqual(describeVendorDocuments(docs).filter((l) => l.includes('WARNING')), [
      'documents: WARNING — LAB.xml carries a RAD document (ClinicalDocument/code 68604-8, class REF like LAB): it is sent for the LAB scenarios',
      'documents: WARNING — RAD.pdf carries a LAB document (ClinicalDocument/code 11502-2, class REF like RAD): it is sent for the RAD scenarios',
    ]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  // an alternative code of the type's class (LDO: 18842-5, lettera di dimissione non ospedaliera): accepted, no warning
  const ldo = Buffer.from(buildCda(newCdaContext({ docType: 'LDO', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, runId: 't', seq: 2 }))).toString('utf8');
  const [p2, base2] = folder({ 'LDO.xml': ldo.replace('code="34105-7"', 'code="18842-5"') }, { documentTypes: ['LDO'] });
  try {
    const docs = await loadVendorDocuments(p2, base2);
    assert.equal(docs.byType.LDO?.kind, 'cda');
    assert.deepEqual(docs.warnings, []);
  } finally {
    rmSync(base2, { recursive: true, force: true });
  }
});
