import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { RT_TEST_CFS } from '../../support/types.ts';
import { readCdaFacts, type CdaFacts } from '../../support/cda/facts.ts';
import { buildCdaString } from '../../support/cda/template.ts';
import { newCdaContext, nextVersion } from '../../support/cda/identity.ts';
import { personaliseCda } from '../../support/cda/personalise.ts';
import { RT_DOC_ID_ROOT as DOC_ID_ROOT } from '../../support/gateway/oids.ts';
import { samplesDir, testProfile } from './helpers.ts';
import { missingData } from '../shared-data.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Independent reference: the same facts through a full fast-xml-parser parse (namespace prefixes removed). */
function referenceFacts(xml: string): CdaFacts {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, isArray: (_n: string, _p: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute, commentPropName: '#comment' });
  const doc = parser.parse(xml) as Record<string, unknown[]>;
  const cd = (doc['ClinicalDocument'] as Record<string, unknown[]>[])[0]!;
  const first = (name: string) => (cd[name] as Record<string, string>[] | undefined)?.[0];
  const attr = (name: string, a: string) => first(name)?.[`@${a}`];
  const pr = ((cd['recordTarget'] as Record<string, unknown[]>[])[0]!['patientRole'] as Record<string, unknown[]>[])[0]!;
  const ids = (pr['id'] as Record<string, string>[] | undefined) ?? [];
  const f: CdaFacts = {
    idRoot: attr('id', 'root') ?? '',
    idExtension: attr('id', 'extension') ?? '',
    code: attr('code', 'code') ?? '',
    codeSystem: attr('code', 'codeSystem') ?? '',
    templateIdRoot: attr('templateId', 'root') ?? '',
    typeIdExtension: attr('typeId', 'extension') ?? '',
    patientIds: ids.filter((i) => i['@root'] !== undefined || i['@extension'] !== undefined).map((i) => ({ root: i['@root'] ?? '', extension: i['@extension'] ?? '' })),
  };
  if (attr('setId', 'extension') !== undefined) f.setIdExtension = attr('setId', 'extension');
  if (attr('setId', 'root') !== undefined) f.setIdRoot = attr('setId', 'root');
  if (attr('versionNumber', 'value') !== undefined) f.version = Number(attr('versionNumber', 'value'));
  if (attr('confidentialityCode', 'code') !== undefined) f.confidentialityCode = attr('confidentialityCode', 'code');
  if (attr('effectiveTime', 'value') !== undefined) f.effectiveTime = attr('effectiveTime', 'value');
  return f;
}

function sampleFiles(): string[] {
  const d = samplesDir();
  return d ? readdirSync(d).filter((f) => f.endsWith('.xml')).sort().map((f) => join(d, f)) : [];
}

test('readCdaFacts on the official sample CDAs matches a full XML parse', (t) => {
  const files = sampleFiles();
  if (files.length === 0) return t.skip(missingData('samples'));
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    const facts = readCdaFacts(bytes);
    assert.deepEqual(facts, referenceFacts(dec.decode(bytes)), file);
    assert.equal(readCdaFacts(dec.decode(bytes)).idExtension, facts.idExtension);
    assert.ok(facts.idExtension.length > 0 && facts.code.length > 0 && facts.patientIds.length > 0, file);
  }
});

test('readCdaFacts on a built document, with namespace prefixes, comments and a large body', () => {
  const ctx = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[3]!, profile: testProfile(), runId: 'facts', seq: 1, now: new Date('2026-02-10T09:00:00Z') });
  const xml = buildCdaString(ctx);
  const f = readCdaFacts(xml);
  assert.deepEqual(f, {
    idRoot: DOC_ID_ROOT, idExtension: ctx.docIdExtension, setIdExtension: ctx.setIdExtension, setIdRoot: DOC_ID_ROOT, version: 1,
    code: '11502-2', codeSystem: '2.16.840.1.113883.6.1', templateIdRoot: '2.16.840.1.113883.2.9.10.1.1', typeIdExtension: 'POCD_MT000040UV02',
    patientIds: [{ root: '2.16.840.1.113883.2.9.4.3.2', extension: RT_TEST_CFS[3]! }], confidentialityCode: 'N', effectiveTime: '20260210100000+0100',
  });
  assert.deepEqual(f, referenceFacts(xml));

  // prefixed namespace + misleading comments/CDATA before the real elements
  const prefixed = xml
    .replace(/<(\/?)(?!\?|!)([A-Za-z]+)/g, '<$1hl7:$2')
    .replace('<hl7:ClinicalDocument xmlns="urn:hl7-org:v3"', '<hl7:ClinicalDocument xmlns:hl7="urn:hl7-org:v3"')
    .replace('<hl7:realmCode', '<!-- <id root="FAKE" extension="FAKE"/> <code code="FAKE"/> --><hl7:realmCode');
  assert.deepEqual(readCdaFacts(prefixed), f);

  // a body larger than the 64 KiB header probe, and a header pushed past it by a long comment
  const big = xml.replace('</structuredBody>', `<!-- ${'x'.repeat(200_000)} --></structuredBody>`);
  assert.deepEqual(readCdaFacts(enc.encode(big)), f);
  const longHeader = xml.replace('<realmCode', `<!-- ${'y'.repeat(100_000)} --><realmCode`);
  assert.deepEqual(readCdaFacts(enc.encode(longHeader)), f);

  // attribute entities are decoded; single quotes work
  const ent = xml.replace(`extension="${ctx.docIdExtension}"`, `extension='A&amp;B&#x2D;1'`);
  assert.equal(readCdaFacts(ent).idExtension, 'A&B-1');
  // non-ASCII (UTF-8) attribute values read from bytes
  const utf = xml.replace(`extension="${ctx.docIdExtension}"`, 'extension="Città-№1"');
  assert.equal(readCdaFacts(enc.encode(utf)).idExtension, 'Città-№1');
  assert.equal(readCdaFacts(utf).idExtension, 'Città-№1');

  assert.throws(() => readCdaFacts('<html><body/></html>'), /not ClinicalDocument/);
  assert.throws(() => readCdaFacts(''), /not ClinicalDocument/);
});

/** Lines that differ between two texts of the same line count (positions). */
function changedLines(a: string, b: string): { before: string; after: string }[] {
  const la = a.split('\n');
  const lb = b.split('\n');
  assert.equal(la.length, lb.length, 'line count changed');
  const out: { before: string; after: string }[] = [];
  for (let i = 0; i < la.length; i++) if (la[i] !== lb[i]) out.push({ before: la[i]!, after: lb[i]! });
  return out;
}

test('personaliseCda sets id, setId, versionNumber and the patient CF, leaving every other byte identical', (t) => {
  const files = sampleFiles();
  if (files.length === 0) return t.skip(missingData('samples'));
  const profile = testProfile();
  for (const file of files) {
    const original = new Uint8Array(readFileSync(file));
    const type = file.replace(/^.*\/([A-Z_]+)\.xml$/, '$1') as 'LAB';
    const ctx = newCdaContext({ docType: type, patientCf: RT_TEST_CFS[1]!, profile, runId: 'pers', seq: 1 });
    const out = personaliseCda(original, ctx);
    const f = readCdaFacts(out);
    assert.equal(f.idRoot, DOC_ID_ROOT);
    assert.equal(f.idExtension, ctx.docIdExtension);
    assert.equal(f.setIdExtension, ctx.setIdExtension);
    assert.equal(f.setIdRoot, DOC_ID_ROOT);
    assert.equal(f.version, 1);
    assert.equal(f.patientIds.find((p) => p.root === '2.16.840.1.113883.2.9.4.3.2')?.extension, RT_TEST_CFS[1]);
    const before = readCdaFacts(original);
    assert.equal(f.code, before.code);
    assert.equal(f.templateIdRoot, before.templateIdRoot);
    // byte-identical elsewhere: only the lines holding the four edited start tags change
    const diff = changedLines(Buffer.from(original).toString('latin1'), Buffer.from(out).toString('latin1'));
    assert.ok(diff.length >= 1 && diff.length <= 4, `${file}: ${diff.length} lines changed`);
    for (const d of diff) assert.match(d.before, /<(id|setId|versionNumber)\b/, `${file}: unexpected change ${d.before}`);
    // idempotent
    assert.deepEqual(personaliseCda(out, ctx), out);
  }
});

test('personaliseCda for a replace puts the RPLC relatedDocument in the header', (t) => {
  const files = sampleFiles();
  if (files.length === 0) return t.skip(missingData('samples'));
  const profile = testProfile();
  for (const file of files) {
    const original = new Uint8Array(readFileSync(file));
    const type = file.replace(/^.*\/([A-Z_]+)\.xml$/, '$1') as 'LAB';
    const v1 = newCdaContext({ docType: type, patientCf: RT_TEST_CFS[4]!, profile, runId: 'pers', seq: 1 });
    const v2 = nextVersion(v1, { seq: 2 });
    const out = dec.decode(personaliseCda(original, v2));
    const f = readCdaFacts(out);
    assert.equal(f.version, 2);
    assert.equal(f.setIdExtension, v1.docIdExtension);
    assert.equal(f.idExtension, v2.docIdExtension);
    const withoutComments = out.replace(/<!--[\s\S]*?-->/g, '');
    const rel = withoutComments.match(/<relatedDocument\b[\s\S]*?<\/relatedDocument>/g) ?? [];
    assert.equal(rel.length, 1, file);
    assert.ok(rel[0]!.includes(`extension="${v1.docIdExtension}"`));
    assert.ok(rel[0]!.includes('typeCode="RPLC"'));
    // header order: relatedDocument before componentOf and before the body
    const at = withoutComments.indexOf('<relatedDocument');
    const compOf = withoutComments.indexOf('<componentOf');
    if (compOf >= 0) assert.ok(at < compOf, file);
    assert.ok(at < withoutComments.indexOf('<structuredBody'), file);
  }
});

test('personaliseCda inserts setId/versionNumber when missing and keeps a BOM and namespace prefixes', () => {
  const ctx = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[0]!, profile: testProfile(), runId: 'ins', seq: 1 });
  const base = buildCdaString(ctx);
  const stripped = base.replace(/\s*<setId [^>]*\/>/, '').replace(/\s*<versionNumber [^>]*\/>/, '');
  const prefixed = '\uFEFF' + stripped
    .replace(/<(\/?)(?!\?|!)([A-Za-z]+)/g, '<$1hl7:$2')
    .replace('<hl7:ClinicalDocument xmlns="urn:hl7-org:v3"', '<hl7:ClinicalDocument xmlns:hl7="urn:hl7-org:v3"');
  const other = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[2]!, profile: testProfile(), runId: 'ins', seq: 9 });
  const outBytes = personaliseCda(enc.encode(prefixed), nextVersion(other, { seq: 10 }));
  assert.deepEqual([...outBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]); // BOM kept
  const out = dec.decode(outBytes);
  assert.ok(out.includes(`<hl7:setId root="${DOC_ID_ROOT}" extension="${other.docIdExtension}"/><hl7:versionNumber value="2"/>`));
  assert.ok(out.includes('<hl7:relatedDocument typeCode="RPLC">'));
  const f = readCdaFacts(out);
  assert.equal(f.version, 2);
  assert.equal(f.patientIds[0]!.extension, RT_TEST_CFS[2]);
  // setId must come after languageCode and before recordTarget
  assert.ok(out.indexOf('<hl7:setId') > out.indexOf('<hl7:languageCode') && out.indexOf('<hl7:setId') < out.indexOf('<hl7:recordTarget'));
  assert.throws(() => personaliseCda(enc.encode('<foo/>'), ctx), /ClinicalDocument/);
});
