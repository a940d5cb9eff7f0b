/**
 * Tests of the catalogs validator on a tiny synthetic catalogs directory written at run time into os.tmpdir():
 * they need no official catalogs, so they always run. They cover the whole pipeline (include-by-file-name XSD
 * resolution, schematron generator semantics, terminology rules, message formats).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CdaHeaderError, openValidator, precompileSchematrons, readCatalogsInfo, resolveCatalogsDir } from '../../support/catalogs/index.ts';
import type { CdaValidator } from '../../support/catalogs/index.ts';
import { UserError } from '../../support/errors.ts';
import { compileSchematron, parseOutcome, runSchematron, schematronToXslt, SchematronUnsupportedError } from '../../support/catalogs/schematron.ts';
import { extractCodedElements, isBlocklisted, parseCsv, TerminologyStore } from '../../support/catalogs/terminology.ts';
import { formatDetails } from '../../support/catalogs/xsd.ts';

const HL7 = 'urn:hl7-org:v3';

const CDA_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${HL7}" xmlns="${HL7}" elementFormDefault="qualified">
  <xs:include schemaLocation="./coreschemas/types.xsd"/>
  <xs:element name="ClinicalDocument" type="Doc"/>
</xs:schema>`;

const TYPES_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${HL7}" xmlns="${HL7}" elementFormDefault="qualified">
  <xs:complexType name="II"><xs:attribute name="root" type="xs:string"/><xs:attribute name="extension" type="xs:string"/></xs:complexType>
  <xs:complexType name="CD">
    <xs:sequence><xs:element name="translation" type="CD" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
    <xs:attribute name="code" type="xs:string"/><xs:attribute name="codeSystem" type="xs:string"/>
    <xs:attribute name="codeSystemVersion" type="xs:string"/><xs:attribute name="nullFlavor" type="xs:string"/>
  </xs:complexType>
  <xs:complexType name="Item"><xs:sequence><xs:element name="code" type="CD" minOccurs="0"/></xs:sequence><xs:attribute name="kind" type="xs:string"/></xs:complexType>
  <xs:complexType name="Doc">
    <xs:sequence>
      <xs:element name="typeId" type="II"/>
      <xs:element name="templateId" type="II" maxOccurs="unbounded"/>
      <xs:element name="code" type="CD"/>
      <xs:element name="confidentialityCode" type="CD"/>
      <xs:element name="item" type="Item" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>
</xs:schema>`;

/** Exercises: ns, two patterns, first-matching-rule semantics, pattern-level let, rule let with XSLT content,
 *  name/value-of in messages, assert vs report. */
const TEST_SCH = `<?xml version="1.0" encoding="UTF-8"?>
<schema xmlns="http://purl.oclc.org/dsdl/schematron" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" queryBinding="xslt2">
  <title>synthetic</title>
  <ns prefix="hl7" uri="${HL7}"/>
  <pattern id="p1">
    <let name="nItems" value="count(//hl7:item)"/>
    <rule context="hl7:ClinicalDocument">
      <assert test="hl7:confidentialityCode/@code = ('N','R','V')">E1| <name/>/confidentialityCode non valido: '<value-of select="hl7:confidentialityCode/@code"/>'</assert>
      <report test="$nItems = 0">W1| nessun item</report>
    </rule>
    <rule context="hl7:item[@kind='special']">
      <assert test="false()">E2| special item</assert>
    </rule>
    <rule context="hl7:item">
      <let name="path"><xsl:for-each select="ancestor-or-self::*"><xsl:value-of select="concat('/', local-name())"/></xsl:for-each></let>
      <assert test="matches(hl7:code/@code, '^[A-Z]+$')">E3| codice minuscolo in <value-of select="$path"/></assert>
    </rule>
  </pattern>
  <pattern id="p2">
    <rule context="hl7:item">
      <report test="true()">W2| item visto</report>
    </rule>
  </pattern>
  <pattern id="p3">
    <rule context="hl7:item[matches(hl7:code/@code, '^Q{4}$')]">
      <report test="true()">W3| quattro Q</report>
    </rule>
  </pattern>
>
</schema>`;

const INDEX = {
  '9.9.1': { file: 'schematron/test_v1.0.sch', version: '1.0' },
  '9.9.2': { file: 'schematron/missing_v1.0.sch', version: '1.0' },
  '9.9.3': { file: 'schematron/badxpath_v1.0.sch', version: '1.0' },
  '9.9.4': { file: 'schematron/notxml_v1.0.sch', version: '1.0' },
  '9.9.5': { file: 'schematron/runtime_v1.0.sch', version: '1.0' },
};

function doc(opts: { conf?: string; items?: string; typeExt?: string; tplRoot?: string; extra?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="${HL7}">
  <typeId root="2.16.840.1.113883.1.3" extension="${opts.typeExt ?? 'T1'}"/>
  <templateId root="${opts.tplRoot ?? '9.9.1'}"/>
  <code code="11502-2" codeSystem="2.16.840.1.113883.6.1"/>
  <confidentialityCode code="${opts.conf ?? 'N'}" codeSystem="2.16.840.1.113883.5.25"/>${opts.extra ?? ''}
  ${opts.items ?? '<item><code code="ABC" codeSystem="1.2.3.4"/></item>'}
</ClinicalDocument>`;
}

let tmp = '';
let catalogs = '';
let cacheDir = '';
let v: CdaValidator;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fse-cat-test-'));
  catalogs = path.join(tmp, 'catalogs');
  cacheDir = path.join(tmp, 'cache');
  fs.mkdirSync(path.join(catalogs, 'schema', 'T1'), { recursive: true });
  fs.writeFileSync(path.join(catalogs, 'schema', 'T1', 'CDA.xsd'), CDA_XSD);
  // flat beside CDA.xsd although CDA.xsd includes ./coreschemas/types.xsd
  fs.writeFileSync(path.join(catalogs, 'schema', 'T1', 'types.xsd'), TYPES_XSD);
  fs.mkdirSync(path.join(catalogs, 'schematron'));
  fs.writeFileSync(path.join(catalogs, 'schematron', 'test_v1.0.sch'), TEST_SCH);
  fs.writeFileSync(path.join(catalogs, 'schematron', 'badxpath_v1.0.sch'), TEST_SCH.replace('test="false()"', 'test="count(((hl7:x)"'));
  fs.writeFileSync(path.join(catalogs, 'schematron', 'notxml_v1.0.sch'), TEST_SCH.replace('</schema>', ''));
  fs.writeFileSync(path.join(catalogs, 'schematron', 'runtime_v1.0.sch'), TEST_SCH.replace('test="false()"', 'test="false()"/><assert test="xs:integer(ancestor::hl7:ClinicalDocument/hl7:code/@code) = 1"'));
  fs.writeFileSync(path.join(catalogs, 'schematron-index.json'), JSON.stringify(INDEX));
  fs.mkdirSync(path.join(catalogs, 'terminology'));
  const t = (oid: string, body: string): void => fs.writeFileSync(path.join(catalogs, 'terminology', `${oid}.csv`), `version,code,description,release_date\n${body}`);
  t('2.16.840.1.113883.5.25', '2.2.0,N,normal,2019-12-15\n2.2.0,R,restricted,2019-12-15\n2.2.0,V,"very, restricted",2019-12-15\n');
  t('1.2.3.4', '"",ABC,alpha,\n"",XYZ,"x ""quoted""",\n');
  t('1.2.3.5', '"","#WHITELIST#",This record handles whitelisted CodeSystems,2022-12-07\n');
  v = await openValidator({ catalogsDir: catalogs, cacheDir });
});

after(() => {
  v?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('catalogs directory', () => {
  test('resolveCatalogsDir: explicit wins, missing dir and non-catalog dir are UserErrors', () => {
    assert.equal(resolveCatalogsDir(catalogs), catalogs);
    assert.throws(() => resolveCatalogsDir(path.join(tmp, 'nope')), (e: unknown) => e instanceof UserError && e.code === 'CATALOGS_DIR');
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    assert.throws(() => resolveCatalogsDir(empty), (e: unknown) => e instanceof UserError && e.code === 'CATALOGS_DIR' && /Not a catalogs directory/.test(e.message));
  });

  test('resolveCatalogsDir falls back to FSE_CATALOGS_DIR, then null', () => {
    const saved = process.env.FSE_CATALOGS_DIR;
    try {
      process.env.FSE_CATALOGS_DIR = catalogs;
      assert.equal(resolveCatalogsDir(), catalogs);
      assert.equal(resolveCatalogsDir(null), catalogs);
      delete process.env.FSE_CATALOGS_DIR;
      assert.equal(resolveCatalogsDir(), null);
    } finally {
      if (saved === undefined) delete process.env.FSE_CATALOGS_DIR;
      else process.env.FSE_CATALOGS_DIR = saved;
    }
  });

  test('info lists schemas, index, dictionaries, and a fingerprint that changes with the files', () => {
    const info = readCatalogsInfo(catalogs);
    assert.deepEqual(info.schemas, ['T1']);
    assert.deepEqual(info.schematronIndex['9.9.1'], { file: 'schematron/test_v1.0.sch', version: '1.0' });
    assert.deepEqual(info.terminologySystems, ['1.2.3.4', '1.2.3.5', '2.16.840.1.113883.5.25']);
    assert.match(info.fingerprint, /^[0-9a-f]{12}$/);
    fs.writeFileSync(path.join(catalogs, 'terminology', 'extra.csv'), 'version,code\n');
    try {
      assert.notEqual(readCatalogsInfo(catalogs).fingerprint, info.fingerprint);
    } finally {
      fs.rmSync(path.join(catalogs, 'terminology', 'extra.csv'));
    }
    assert.equal(readCatalogsInfo(catalogs).fingerprint, info.fingerprint);
  });
});

describe('validator pipeline (synthetic catalogs)', () => {
  test('a valid document is SEMANTIC_WARNING with reports from both patterns, bracketed', async () => {
    const r = await v.validate(doc());
    assert.equal(r.result, 'SEMANTIC_WARNING', JSON.stringify(r));
    assert.deepEqual(r.messages, ['[W2| item visto]']);
    assert.equal(r.schema, 'T1');
    assert.deepEqual(r.schematron, { file: 'schematron/test_v1.0.sch', version: '1.0' });
  });

  test('pattern-level let is evaluated on the whole document (report W1 when there are no items)', async () => {
    const r = await v.validate(doc({ items: '' }));
    assert.equal(r.result, 'SEMANTIC_WARNING');
    assert.deepEqual(r.messages, ['[W1| nessun item]']);
  });

  test('failed asserts come first, expand name/value-of/let-with-XSLT, and give SEMANTIC_ERROR', async () => {
    const r = await v.validate(doc({ conf: 'X', items: '<item><code code="abc" codeSystem="1.2.3.4"/></item>' }));
    assert.equal(r.result, 'SEMANTIC_ERROR');
    assert.deepEqual(r.messages, [
      "[E1| ClinicalDocument/confidentialityCode non valido: 'X']",
      '[E3| codice minuscolo in /ClinicalDocument/item]',
      '[W2| item visto]',
    ]);
  });

  test('within a pattern only the first matching rule fires for a node', async () => {
    const r = await v.validate(doc({ items: '<item kind="special"><code code="abc" codeSystem="1.2.3.4"/></item>' }));
    assert.equal(r.result, 'SEMANTIC_ERROR');
    // E2 (first rule) fires, E3 (second rule, same node, lower-case code) must not; pattern 2 still fires W2
    assert.deepEqual(r.messages, ['[E2| special item]', '[W2| item visto]']);
  });

  test('braces in a rule context are kept (match patterns are not attribute value templates)', async () => {
    const r = await v.validate(doc({ items: '<item><code code="QQQQ" codeSystem="1.2.3.4"/></item>' }), { terminology: false });
    assert.deepEqual([r.result, r.messages], ['SEMANTIC_WARNING', ['[W2| item visto]', '[W3| quattro Q]']]);
  });

  test('header: first typeId/templateId outside comments select schema and schematron', async () => {
    const d = doc().replace('<typeId', '<!-- <templateId root="1.1.1"/> <typeId extension="NO"/> --><typeId');
    const r = await v.validate(d);
    assert.equal(r.schema, 'T1');
    assert.equal(r.schematron?.file, 'schematron/test_v1.0.sch');
  });

  test('XSD errors: SYNTAX_ERROR with "ERROR: line,col text", includes resolved by file name', async () => {
    const bad = doc().replace(/\s*<confidentialityCode[^>]*\/>/, '');
    const r = await v.validate(bad);
    assert.equal(r.result, 'SYNTAX_ERROR');
    assert.ok(r.messages.length >= 1);
    for (const m of r.messages) assert.match(m, /^(WARN|ERROR|FATAL): \d+,\d+ \S/);
    assert.match(r.messages[0]!, /^ERROR: 6,\d+ .*confidentialityCode/);
  });

  test('unknown typeId extension → schema not found', async () => {
    const r = await v.validate(doc({ typeExt: 'POCD_NOPE' }));
    assert.deepEqual([r.result, r.messages], ['SYNTAX_ERROR', ['Schema with version POCD_NOPE not found on database.']]);
  });

  test('templateId root not in the index → SEMANTIC_ERROR schematron not found', async () => {
    const r = await v.validate(doc({ tplRoot: '1.2.3.999.1' }));
    assert.deepEqual([r.result, r.messages], ['SEMANTIC_ERROR', ['Schematron with template id root 1.2.3.999.1 not found on database.']]);
  });

  test('a schematron file the engine cannot load is reported in skipped, not silently ignored', async () => {
    const r = await v.validate(doc({ tplRoot: '9.9.2' }));
    assert.ok(r.skipped.some((s) => s.includes('missing_v1.0.sch')), JSON.stringify(r.skipped));
    assert.notEqual(r.result, 'SEMANTIC_ERROR');
  });

  test('a schematron with a bad XPath or not well-formed is reported precisely in skipped', async () => {
    const r3 = await v.validate(doc({ tplRoot: '9.9.3' }));
    assert.ok(r3.skipped.some((s) => s.startsWith('Schematron schematron/badxpath_v1.0.sch (v1.0) cannot be used') && s.includes('xslt3 could not compile')), JSON.stringify(r3.skipped));
    const r4 = await v.validate(doc({ tplRoot: '9.9.4' }));
    assert.ok(r4.skipped.some((s) => s.startsWith('Schematron schematron/notxml_v1.0.sch (v1.0) cannot be used') && s.includes('not well-formed')), JSON.stringify(r4.skipped));
    // XSD and terminology still ran
    assert.equal(r4.result, 'OK');
  });

  test('a dynamic XPath error while running the schematron → SEMANTIC_ERROR with the reference generic message', async () => {
    const r = await v.validate(doc({ tplRoot: '9.9.5', items: '<item kind="special"/>' }));
    assert.deepEqual([r.result, r.messages], ['SEMANTIC_ERROR', ['Error while executing validation on sch schematron']]);
    assert.ok(r.skipped.some((s) => s.startsWith('Schematron schematron/runtime_v1.0.sch raised a runtime error')), JSON.stringify(r.skipped));
  });

  test('unparseable XML, DOCTYPE/entities → generic xsd error; no header → CdaHeaderError', async () => {
    const broken = await v.validate(doc().replace('</ClinicalDocument>', ''));
    assert.deepEqual([broken.result, broken.messages], ['SYNTAX_ERROR', ['Error while executing validation on xsd schema']]);
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + doc().replace(/^<\?xml[^>]*>/, '').replace('<item>', '<item>&e;');
    const r2 = await v.validate(xxe);
    assert.deepEqual([r2.result, r2.messages], ['SYNTAX_ERROR', ['Error while executing validation on xsd schema']]);
    await assert.rejects(v.validate(`<ClinicalDocument xmlns="${HL7}"><code/></ClinicalDocument>`), CdaHeaderError);
  });

  test('terminology: unknown code → VOCABULARY_ERROR with the single reference message (warnings dropped)', async () => {
    const r = await v.validate(doc({ items: '<item><code code="QQQ" codeSystem="1.2.3.4"/></item><item><code code="QQQ" codeSystem="1.2.3.4"/></item><item><code code="ZZZ" codeSystem="1.2.3.4"/></item>' }));
    assert.equal(r.result, 'VOCABULARY_ERROR');
    assert.deepEqual(r.messages, ['Almeno uno dei seguenti vocaboli non è censito: [CodeSystem: 1.2.3.4, Codes: QQQ, ZZZ]']);
  });

  test('terminology: versioned dictionary, missing version → latest; unmanaged version → dedicated message', async () => {
    const r = await v.validate(doc({ conf: 'R' }).replace('code="R" codeSystem="2.16.840.1.113883.5.25"', 'code="R" codeSystem="2.16.840.1.113883.5.25" codeSystemVersion="9.9"'));
    assert.equal(r.result, 'VOCABULARY_ERROR');
    assert.deepEqual(r.messages, ['È stata trovata almeno una versione non gestita di un dizionario: [2.16.840.1.113883.5.25 v9.9]']);
  });

  test('terminology: blocklisted system (999 segment) fails, allow-listed and unknown systems pass', async () => {
    const blocked = await v.validate(doc({ items: '<item><code code="ABC" codeSystem="1.2.3.4"><translation code="1" codeSystem="2.16.840.1.999.7"/></code></item>' }));
    assert.deepEqual([blocked.result, blocked.messages], ['VOCABULARY_ERROR', ['È stato trovato almeno un dizionario presente in Blocklist: [2.16.840.1.999.7]']]);
    const ok = await v.validate(doc({ items: '<item><code code="ABC" codeSystem="1.2.3.4"><translation code="whatever" codeSystem="1.2.3.5"/><translation code="x" codeSystem="7.7.7"/></code></item>' }));
    assert.equal(ok.result, 'SEMANTIC_WARNING', JSON.stringify(ok));
    assert.ok(ok.skipped.some((s) => s.includes('7.7.7') && s.includes('2.16.840.1.113883.6.1')), JSON.stringify(ok.skipped));
  });

  test('options can switch schematron and terminology off, and say so', async () => {
    const r = await v.validate(doc({ conf: 'X', items: '<item><code code="QQQ" codeSystem="1.2.3.4"/></item>' }), { schematron: false, terminology: false });
    assert.equal(r.result, 'OK');
    assert.ok(r.skipped.some((s) => /Schematron validation disabled/.test(s)));
    assert.ok(r.skipped.some((s) => /Terminology validation disabled/.test(s)));
  });

  test('Uint8Array input is accepted', async () => {
    const r = await v.validate(new TextEncoder().encode(doc()));
    assert.equal(r.result, 'SEMANTIC_WARNING');
  });

  test('precompileSchematrons reports every index entry, with the failure of the missing file', async () => {
    const rep = await precompileSchematrons(catalogs, cacheDir);
    assert.equal(rep.length, 5);
    assert.deepEqual(rep.filter((x) => !x.ok).map((x) => x.file), ['schematron/badxpath_v1.0.sch', 'schematron/missing_v1.0.sch', 'schematron/notxml_v1.0.sch']);
    const good = rep.find((x) => x.file === 'schematron/test_v1.0.sch');
    const bad = rep.find((x) => x.file === 'schematron/missing_v1.0.sch');
    assert.equal(good?.ok, true);
    assert.equal(good?.fromCache, true);
    assert.equal(bad?.ok, false);
    assert.ok(bad?.error);
  });
});

describe('without catalogs', () => {
  test('everything is OFF but reported; only well-formedness is checked', async () => {
    const saved = process.env.FSE_CATALOGS_DIR;
    delete process.env.FSE_CATALOGS_DIR;
    try {
      const nv = await openValidator({ catalogsDir: null, cacheDir });
      try {
        assert.equal(nv.info, null);
        assert.ok(nv.skipped.length >= 1 && /No catalogs directory/.test(nv.skipped[0]!));
        const ok = await nv.validate(doc({ conf: 'X' }));
        assert.equal(ok.result, 'OK');
        assert.equal(ok.schematron, undefined);
        const bad = await nv.validate(doc().replace('</ClinicalDocument>', ''));
        assert.equal(bad.result, 'SYNTAX_ERROR');
      } finally {
        nv.close();
      }
    } finally {
      if (saved !== undefined) process.env.FSE_CATALOGS_DIR = saved;
    }
  });
});

describe('building blocks', () => {
  test('generator refuses unsupported schematron features precisely', () => {
    const withInclude = TEST_SCH.replace('<title>synthetic</title>', '<include href="x.sch"/>');
    assert.throws(() => schematronToXslt(withInclude, 'inc.sch'), (e: unknown) => e instanceof SchematronUnsupportedError && /<include> at schema level/.test(e.message));
    const withEmph = TEST_SCH.replace('W1| nessun item', 'W1| <emph>nessun</emph> item');
    assert.throws(() => schematronToXslt(withEmph, 'emph.sch'), (e: unknown) => e instanceof SchematronUnsupportedError && /<emph> inside <report>/.test(e.message));
    assert.throws(() => schematronToXslt('<schema/>', 'x.sch'), SchematronUnsupportedError);
    const g = schematronToXslt(TEST_SCH, 'ok.sch');
    assert.deepEqual([g.patterns, g.rules, g.asserts, g.reports, g.title], [3, 5, 3, 3, 'synthetic']);
  });

  test('compiled SEF is cached by content and reused', async () => {
    const sch = path.join(catalogs, 'schematron', 'test_v1.0.sch');
    const c = await compileSchematron(sch, cacheDir);
    assert.equal(c.fromCache, true); // compiled by the validator tests above (same cache dir)
    const out = runSchematron(c, doc({ conf: 'V' }));
    assert.deepEqual(out, { failed: [], reports: ['W2| item visto'] });
  });

  test('parseOutcome unescapes XML text', () => {
    assert.deepEqual(parseOutcome('<r><f>a &amp; b &lt;c&gt; &#xD;&#10;</f><w/><w>x</w></r>'), { failed: ['a & b <c> \r\n'], reports: ['', 'x'] });
  });

  test('CSV parser handles quotes, doubled quotes, CRLF and BOM', () => {
    assert.deepEqual(parseCsv('\ufeffa,b\r\n"x, y","he said ""hi"""\n"",z\n'), [['a', 'b'], ['x, y', 'he said "hi"'], ['', 'z']]);
  });

  test('coded elements: quote-aware tag scan, comments/CDATA skipped, entities decoded, no-code elements ignored', () => {
    const xml = `<a xmlns:x="u"><!-- <code code="C0" codeSystem="0.0"/> --><code displayName="a > b" code="A&amp;B" codeSystem='1.2' codeSystemVersion="3"/>
      <x:value code="Z" codeSystem="4.5"></x:value><c nullFlavor="UNK" codeSystem="6.7"/><![CDATA[<code code="D" codeSystem="8.9"/>]]><d codeSystemName="x" code="E"/></a>`;
    assert.deepEqual(extractCodedElements(xml), [
      { code: 'A&B', codeSystem: '1.2', version: '3' },
      { code: 'Z', codeSystem: '4.5', version: null },
    ]);
  });

  test('blocklist matches whole dot-segments only', () => {
    assert.equal(isBlocklisted('2.16.840.1.999.7'), true);
    assert.equal(isBlocklisted('9999.1'), true);
    assert.equal(isBlocklisted('2.16.840.1.113883.2.9.6.1.5'), false);
    assert.equal(isBlocklisted('1.99.9990'), false);
  });

  test('empty terminology folder → "no managed dictionary" error', () => {
    const d = fs.mkdtempSync(path.join(tmp, 'term-'));
    const store = new TerminologyStore(d);
    assert.deepEqual(store.check([{ code: 'A', codeSystem: '1.2', version: null }]), { ok: false, message: 'Non è stato trovato alcun dizionario gestito su FSE', unchecked: [] });
  });

  test('formatDetails groups WARN, ERROR, FATAL in that order', () => {
    const out = formatDetails([
      { message: 'e1\n', level: 2, line: 3, col: 0 },
      { message: 'f1', level: 3, line: 4, col: 1 },
      { message: 'w1', level: 1, line: 1, col: 2 },
    ]);
    assert.deepEqual(out, ['WARN: 1,2 w1', 'ERROR: 3,0 e1', 'FATAL: 4,1 f1']);
  });
});
