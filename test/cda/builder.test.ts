import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { RT_TEST_CFS } from '../../support/types.ts';
import type { DocType } from '../../support/types.ts';
import { DOC_TYPE_INFO } from '../../support/doctypes.ts';
import { UserError } from '../../support/errors.ts';
import { cfCheckChar } from '../../support/cf.ts';
import { buildCda, buildCdaString, compileTemplate, PLACEHOLDERS, structure } from '../../support/cda/template.ts';
import { decodeCf, patientFor } from '../../support/cda/patients.ts';
import { newCdaContext, nextVersion, relatedDocumentXml } from '../../support/cda/identity.ts';
import { readCdaFacts } from '../../support/cda/facts.ts';
import { hl7Ts } from '../../support/rome-time.ts';
import { RT_DOC_ID_ROOT as DOC_ID_ROOT } from '../../support/gateway/oids.ts';
import { templateTypes, testProfile } from './helpers.ts';

const dec = new TextDecoder();

// ---------------------------------------------------------------------------------------------------------------
// patients
// ---------------------------------------------------------------------------------------------------------------

/** Surname / name fields of a CF computed from names (the standard rules). */
function surnameCode(s: string): string {
  const u = s.toUpperCase().replace(/[^A-Z]/g, '');
  const cons = u.replace(/[AEIOU]/g, '');
  const vow = u.replace(/[^AEIOU]/g, '');
  return (cons + vow + 'XXX').slice(0, 3);
}
function nameCode(s: string): string {
  const u = s.toUpperCase().replace(/[^A-Z]/g, '');
  const cons = u.replace(/[AEIOU]/g, '');
  if (cons.length >= 4) return cons[0]! + cons[2]! + cons[3]!;
  const vow = u.replace(/[^AEIOU]/g, '');
  return (cons + vow + 'XXX').slice(0, 3);
}

test('patientFor decodes sex and birth date of the five RT test CFs', () => {
  const expected: Record<string, { gender: 'M' | 'F'; birthDate: string }> = {
    RMSLSO31M04Z404R: { gender: 'M', birthDate: '19310804' },
    MNTMRA03M71C615V: { gender: 'F', birthDate: '20030831' },
    MNZLSN99E05F205J: { gender: 'M', birthDate: '19990505' },
    DRCGNN12A46A326K: { gender: 'F', birthDate: '20120106' },
    BRGLRZ80D58H501Q: { gender: 'F', birthDate: '19800418' },
  };
  assert.deepEqual(Object.keys(expected).sort(), [...RT_TEST_CFS].sort());
  for (const cf of RT_TEST_CFS) {
    const p = patientFor(cf);
    assert.equal(p.cf, cf);
    assert.equal(p.gender, expected[cf]!.gender, cf);
    assert.equal(p.birthDate, expected[cf]!.birthDate, cf);
    assert.equal(p.birthPlaceBelfiore, cf.slice(11, 15));
    assert.match(p.birthPlaceIstat, /^\d{6}$/);
    // invented names whose consonants fit the CF
    assert.equal(surnameCode(p.family), cf.slice(0, 3), `${cf} surname ${p.family}`);
    assert.equal(nameCode(p.given), cf.slice(3, 6), `${cf} name ${p.given}`);
  }
  assert.equal(patientFor('MNZLSN99E05F205J').birthPlaceIstat, '015146'); // Milano
  assert.equal(patientFor('BRGLRZ80D58H501Q').birthPlaceIstat, '058091'); // Roma
  assert.equal(patientFor('mntmra03m71c615v').cf, 'MNTMRA03M71C615V');
});

test('patientFor refuses other CFs unless allowAny; malformed CFs always fail', () => {
  assert.throws(() => patientFor('RSSMRA80A01D612Y'), (e: unknown) => e instanceof UserError && e.code === 'CF_NOT_ALLOWED');
  const p = patientFor('RSSMRA80A01D612Y', { allowAny: true });
  assert.equal(p.gender, 'M');
  assert.equal(p.birthDate, '19800101');
  assert.throws(() => patientFor('RSSMRA80A01D612X', { allowAny: true }), UserError); // wrong check char
  assert.throws(() => patientFor('NOTACF', { allowAny: true }), UserError);
});

test('decodeCf handles omocodia and the century pivot', () => {
  // omocodia: digits of MNTMRA03M71C615V replaced by letters (0->L, 3->P, 5->R), check character recomputed
  const omo15 = 'MNTMRALPM71C61R';
  const omo = omo15 + cfCheckChar(omo15);
  assert.deepEqual(decodeCf(omo, new Date('2026-01-01T00:00:00Z')), { gender: 'F', birthDate: '20030831', belfiore: 'C615' });
  const d = decodeCf('MNTMRA03M71C615V', new Date('2026-01-01T00:00:00Z'));
  assert.deepEqual(d, { gender: 'F', birthDate: '20030831', belfiore: 'C615' });
  // with "now" in 2002, year 03 is 1903
  assert.equal(decodeCf('MNTMRA03M71C615V', new Date('2002-06-01T00:00:00Z')).birthDate, '19030831');
});

// ---------------------------------------------------------------------------------------------------------------
// time, ids, contexts
// ---------------------------------------------------------------------------------------------------------------

test('hl7Ts uses Europe/Rome local time and offset', () => {
  assert.equal(hl7Ts(new Date('2026-01-15T10:20:30Z')), '20260115112030+0100');
  assert.equal(hl7Ts(new Date('2026-07-15T10:20:30Z')), '20260715122030+0200');
  assert.equal(hl7Ts(new Date('2026-12-31T23:30:00Z')), '20270101003000+0100');
});

test('newCdaContext: RT-style unique ids, setId = id, version 1', () => {
  const profile = testProfile();
  const seen = new Set<string>();
  for (const t of Object.keys(DOC_TYPE_INFO) as DocType[]) {
    const ctx = newCdaContext({ docType: t, patientCf: RT_TEST_CFS[0]!, profile, runId: '20260115T1020Z-ab12', seq: 7 });
    assert.equal(ctx.version, 1);
    assert.equal(ctx.setIdExtension, ctx.docIdExtension);
    assert.equal(ctx.replaces, undefined);
    assert.ok(ctx.docIdExtension.startsWith(`01386030488.${DOC_TYPE_INFO[t].rtTipo}.999.`), ctx.docIdExtension);
    if (['LAB', 'RAD', 'LDO', 'RSA', 'RAP'].includes(t)) assert.match(ctx.docIdExtension, /^[A-Za-z0-9.-]+$/);
    assert.ok(!seen.has(ctx.docIdExtension));
    seen.add(ctx.docIdExtension);
  }
  const a = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[1]!, profile, runId: 'run1', seq: 1 });
  const b = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[1]!, profile, runId: 'run1', seq: 2 });
  const c = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[1]!, profile, runId: 'run2', seq: 1 });
  assert.equal(new Set([a.docIdExtension, b.docIdExtension, c.docIdExtension]).size, 3);
  assert.throws(() => newCdaContext({ docType: 'LAB', patientCf: 'RSSMRA80A01D612Y', profile, runId: 'r', seq: 1 }), UserError);
});

test('nextVersion: new id, same setId, version + 1, replaces the previous version (RPLC)', () => {
  const profile = testProfile();
  const v1 = newCdaContext({ docType: 'RAD', patientCf: RT_TEST_CFS[2]!, profile, runId: 'run', seq: 1, now: new Date('2026-03-01T08:00:00Z') });
  const v2 = nextVersion(v1, { seq: 2, now: new Date('2026-03-02T08:00:00Z') });
  assert.notEqual(v2.docIdExtension, v1.docIdExtension);
  assert.equal(v2.setIdExtension, v1.setIdExtension);
  assert.equal(v2.version, 2);
  assert.deepEqual(v2.replaces, { idExtension: v1.docIdExtension, setIdExtension: v1.setIdExtension, version: 1 });
  assert.equal(v2.effectiveTime.toISOString(), '2026-03-02T08:00:00.000Z');
  const v3 = nextVersion(v2, { seq: 3 });
  assert.equal(v3.version, 3);
  assert.equal(v3.setIdExtension, v1.setIdExtension);
  assert.equal(v3.replaces!.idExtension, v2.docIdExtension);
  assert.throws(() => nextVersion(v2, { seq: 2 }), /same id/);
  // contexts built by hand (no runId) still get a fresh id
  const { runId: _r, ...manual } = v1;
  const m2 = nextVersion(manual, { seq: 5 });
  assert.notEqual(m2.docIdExtension, v1.docIdExtension);
  assert.match(m2.docIdExtension, /-0005$/);

  const xml = dec.decode(buildCda(v2));
  const rel = /<relatedDocument typeCode="RPLC">[\s\S]*?<\/relatedDocument>/.exec(xml);
  assert.ok(rel, 'relatedDocument RPLC present');
  assert.ok(rel[0].includes(`<id root="${DOC_ID_ROOT}" extension="${v1.docIdExtension}"/>`));
  assert.ok(rel[0].includes(`<setId root="${DOC_ID_ROOT}" extension="${v1.setIdExtension}"/>`));
  assert.ok(rel[0].includes('<versionNumber value="1"/>'));
  const f = readCdaFacts(xml);
  assert.equal(f.idExtension, v2.docIdExtension);
  assert.equal(f.setIdExtension, v1.setIdExtension);
  assert.equal(f.version, 2);
  // relatedDocument sits after documentationOf/inFulfillmentOf and before componentOf
  assert.ok(xml.indexOf('<relatedDocument') > xml.indexOf('</inFulfillmentOf>'));
  assert.ok(xml.indexOf('<relatedDocument') < xml.indexOf('<componentOf>'));
  assert.equal(relatedDocumentXml(v1), '');
  assert.ok(!dec.decode(buildCda(v1)).includes('relatedDocument'));
});

// ---------------------------------------------------------------------------------------------------------------
// templates and buildCda
// ---------------------------------------------------------------------------------------------------------------

test('buildCda fills every template: no placeholder left, well-formed, header conventions respected', () => {
  const profile = testProfile();
  const types = templateTypes();
  for (const t of ['LAB', 'RAD', 'LDO', 'RSA', 'RAP'] as DocType[]) assert.ok(types.includes(t), `template ${t}.xml missing`);
  for (const t of types) {
    for (const cf of RT_TEST_CFS) {
      const ctx = newCdaContext({ docType: t, patientCf: cf, profile, runId: 'tpl', seq: 1 });
      const bytes = buildCda(ctx);
      const xml = dec.decode(bytes);
      assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), t);
      assert.ok(!/\{\{/.test(xml), `${t}: placeholder left`);
      assert.equal(XMLValidator.validate(xml), true, `${t}: not well-formed`);
      const f = readCdaFacts(bytes);
      assert.equal(f.idRoot, DOC_ID_ROOT);
      assert.equal(f.idExtension, ctx.docIdExtension);
      assert.equal(f.setIdExtension, ctx.setIdExtension);
      assert.equal(f.version, 1);
      assert.equal(f.code, DOC_TYPE_INFO[t].loinc, `${t}: ClinicalDocument/code`);
      assert.equal(f.codeSystem, '2.16.840.1.113883.6.1');
      assert.equal(f.templateIdRoot, DOC_TYPE_INFO[t].templateIdRoot, `${t}: first templateId`);
      assert.equal(f.typeIdExtension, 'POCD_MT000040UV02');
      assert.deepEqual(f.patientIds.filter((p) => p.root === '2.16.840.1.113883.2.9.4.3.2'), [{ root: '2.16.840.1.113883.2.9.4.3.2', extension: cf }]);
      // conventions: the first <id> and the first <code> in document order are the document's
      const firstId = /<id\s[^>]*>/.exec(xml)![0];
      assert.ok(firstId.includes(`extension="${ctx.docIdExtension}"`), `${t}: first <id> is not ClinicalDocument/id`);
      const firstCode = /<code\s[^>]*>/.exec(xml)![0];
      assert.ok(firstCode.includes(`code="${DOC_TYPE_INFO[t].loinc}"`), `${t}: first <code> is not ClinicalDocument/code`);
      assert.ok(xml.includes(`<administrativeGenderCode code="${ctx.patient.gender}"`), `${t}: gender`);
      assert.ok(xml.includes(`value="${ctx.patient.birthDate}"`), `${t}: birth date`);
    }
  }
});

test('buildCda XML-escapes every value', () => {
  const profile = testProfile({ provider: { name: 'Analisi "Rossi" & Figli <srl>', partitaIva: '01386030488', istat: '048017' } });
  const ctx = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[0]!, profile, runId: 'esc', seq: 1 });
  const xml = buildCdaString(ctx);
  assert.ok(xml.includes('Analisi &quot;Rossi&quot; &amp; Figli &lt;srl&gt;'));
  assert.ok(!xml.includes('<srl>'));
  assert.equal(XMLValidator.validate(xml), true);
});

test('template compiler rejects unknown placeholders, a missing marker and a BOM', () => {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">';
  assert.throws(() => compileTemplate(`${head}{{NOPE}}<!--{{RELATED_DOCUMENT}}--></ClinicalDocument>`), /unknown placeholder \{\{NOPE\}\}/);
  assert.throws(() => compileTemplate(`${head}</ClinicalDocument>`), /RELATED_DOCUMENT/);
  assert.throws(() => compileTemplate(`\uFEFF${head}<!--{{RELATED_DOCUMENT}}--></ClinicalDocument>`), /BOM/);
  const t = compileTemplate(`${head}<x a="{{PATIENT_CF}}"/><!--{{RELATED_DOCUMENT}}--></ClinicalDocument>`);
  assert.deepEqual(t.slots.length, 2);
  assert.ok(PLACEHOLDERS.includes('DOC_ID_EXT'));
});

test('buildCda reads templates from templatesDir and caches them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cda-tpl-'));
  writeFileSync(join(dir, 'LAB.xml'), '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="{{DOC_ID_ROOT}}" extension="{{DOC_ID_EXT}}"/><!--{{RELATED_DOCUMENT}}--></ClinicalDocument>\n');
  const ctx = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[0]!, profile: testProfile(), runId: 'dir', seq: 1 });
  const a = dec.decode(buildCda(ctx, { templatesDir: dir }));
  assert.ok(a.includes(`extension="${ctx.docIdExtension}"`));
  writeFileSync(join(dir, 'LAB.xml'), 'changed on disk: the cached template is used');
  assert.equal(dec.decode(buildCda(ctx, { templatesDir: dir })), a);
  assert.throws(() => buildCda({ ...ctx, docType: 'RAD' }, { templatesDir: dir }), (e: unknown) => e instanceof UserError && e.code === 'CDA_TEMPLATE_MISSING');
});

test('structure() reads the XON locality, with a fallback', () => {
  assert.deepEqual(structure(testProfile()), { oid: '2.16.840.1.113883.2.9.4.1.3', code: '090201123456' });
  assert.deepEqual(structure(testProfile({ locality: 'garbage', codRep: '202' })), { oid: '2.16.840.1.113883.2.9.4.1.3', code: '090202048017' });
});
