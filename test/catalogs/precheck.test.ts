/**
 * The XPath 1.0 schematron pre-check (support/catalogs/xpath-precheck.ts). Its one promise: where it certifies a
 * document (no assert can fail, no report can fire), SaxonJS finds nothing either. Checked three ways:
 *   - the translator on its own (what it refuses, the guards it adds), with libxml2 evaluating small documents;
 *   - the approximations (string order, matches()) against the real XPath 2.0 meaning, on random values;
 *   - with the official catalogs: the validator with and without the pre-check gives the same result on the ministry's
 *     samples, on the documents the harness builds and on several hundred broken variants of them (seeded mutations:
 *     elements removed or duplicated, attributes removed or changed).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { XmlDocument } from 'libxml2-wasm';
import { buildPrecheck, finiteRegex, translate, Unsafe } from '../../support/catalogs/xpath-precheck.ts';
import type { Env, SchModel } from '../../support/catalogs/xpath-precheck.ts';
import { openValidator, precheckFromEnv } from '../../support/catalogs/index.ts';
import type { CdaValidator } from '../../support/catalogs/index.ts';
import { schematronToXslt } from '../../support/catalogs/schematron.ts';
import { newCdaContext } from '../../support/cda/identity.ts';
import { buildCdaString } from '../../support/cda/template.ts';
import { DOC_TYPES } from '../../support/types.ts';
import { testProfile } from '../cda/helpers.ts';
import { CATALOGS, missingData, SAMPLES_DIR, SAMPLE_NAMES } from '../shared-data.ts';

const NS = { hl7: 'urn:hl7-org:v3' };
const top = { top: true, pol: 0 } as const;
const assertCtx = { top: true, pol: 1 } as const;
const reportCtx = { top: true, pol: -1 } as const;

/** Evaluate a translated test at the root element of a small document (libxml2, XPath 1.0). */
function evalAt(xml: string, xpath: string): boolean {
  const doc = XmlDocument.fromString(xml);
  try {
    return doc.eval(`boolean(/*[${xpath}])`, NS) as boolean;
  } finally {
    doc.dispose();
  }
}

describe('translator', () => {
  test('XPath 1.0 tests come out as they are', () => {
    const x = translate("count(hl7:templateId[@root='2.16.840.1.113883.2.9.10.1.1']) = 1 and not(hl7:code/@nullFlavor)", new Map(), top);
    assert.equal(x.t, "count(hl7:templateId[@root = '2.16.840.1.113883.2.9.10.1.1']) = 1 and not(hl7:code/@nullFlavor)");
    assert.deepEqual(x.g, []);
  });

  test('XPath 2.0 syntax and functions are refused', () => {
    for (const src of [
      "if (@a) then 1 else 2",
      'some $x in hl7:id satisfies $x/@root',
      "@code eq 'x'",
      'ends-with(@root, "1")',
      'exists(hl7:id)',
      'hl7:id/count(hl7:x) = 1', // a function as a path step
      '(1, 2)',
      "lower-case(@code) = 'a'",
      "matches(@code, '^\\d+$')", // \d is any Unicode digit: no exact XPath 1.0 form
    ]) {
      assert.throws(() => translate(src, new Map(), top), Unsafe, src);
    }
  });

  test('where XPath 1.0 and 2.0 disagree, the test is refused', () => {
    // string order: 1.0 compares numbers, 2.0 code points
    assert.throws(() => translate("@a < 'b'", new Map(), top), Unsafe);
    assert.throws(() => translate('hl7:low/@value <= hl7:high/@value', new Map(), top), Unsafe);
    // number to string: 1.0E7 vs 10000000
    assert.throws(() => translate("concat(count(hl7:id), 'x') = '1x'", new Map(), top), Unsafe);
    assert.throws(() => translate("string(number(@v)) = '1'", new Map(), top), Unsafe);
    // boolean compared with a node: 2.0 casts the node to boolean
    assert.throws(() => translate('@a = true()', new Map(), top), Unsafe);
    // arithmetic on nodes: 2.0 fails on a non-number
    assert.throws(() => translate('@a + 1 = 2', new Map(), top), Unsafe);
  });

  test("string(number(x)) = 'NaN' is kept: the same in both versions", () => {
    const x = translate("string(number(@v)) = 'NaN'", new Map(), top);
    assert.equal(x.t, "string(number(@v)) = 'NaN'");
    assert.equal(evalAt('<r v="abc"/>', x.t), true);
    assert.equal(evalAt('<r v="12"/>', x.t), false);
  });

  test('a node compared with a number is guarded: XPath 2.0 fails on a value that is not a number', () => {
    const x = translate('hl7:versionNumber/@value > 1', new Map(), top);
    assert.equal(x.g.length, 1);
    const guard = x.g[0]!.t;
    assert.equal(evalAt('<r xmlns="urn:hl7-org:v3"><versionNumber value="2"/></r>', guard), false);
    assert.equal(evalAt('<r xmlns="urn:hl7-org:v3"><versionNumber value="due"/></r>', guard), true);
  });

  test('several nodes given to a one-item function are guarded (XPTY0004 in XPath 2.0)', () => {
    const x = translate('string-length(hl7:id/@extension) = 16', new Map(), top);
    assert.deepEqual(x.g.map((g) => g.t), ['count(hl7:id/@extension) > 1']);
    // an attribute of the context node is one node at most: no guard
    assert.deepEqual(translate('string-length(@extension) = 16', new Map(), top).g, []);
    // inside a predicate the guard cannot be placed: refused
    assert.throws(() => translate('count(hl7:x[string-length(hl7:id/@extension) = 16]) = 1', new Map(), top), Unsafe);
  });

  test("number(): a value XPath 2.0 reads as a number and 1.0 does not ('+1', '1e0', 'INF') is guarded", () => {
    const x = translate('not(number(@v) > 0)', new Map(), top);
    const guard = x.g.map((g) => g.t).join(' or ');
    for (const v of ['+1', '1e0', '2E1', 'INF']) assert.equal(evalAt(`<r v="${v}"/>`, guard), true, v);
    for (const v of ['1', ' 2 ', '-3', 'abc', '']) assert.equal(evalAt(`<r v="${v}"/>`, guard), false, v);
    assert.throws(() => translate('count(hl7:x[number(@v) > 0]) = 0', new Map(), top), Unsafe);
  });

  test('lets: substituted at the rule context, refused inside a predicate unless context-free', () => {
    const env: Env = new Map([
      ['CF', { x: translate('@extension', new Map(), top) }],
      ['all', { x: translate("count(//hl7:id[@root='x'])", new Map(), top) }],
      ['xsl', { x: null, why: 'a let written as XSLT instructions' }],
    ]);
    assert.equal(translate('string-length($CF) = 16', env, top).t, 'string-length((@extension)) = 16');
    assert.throws(() => translate("count(hl7:id[@extension = $CF]) = 1", env, top), Unsafe);
    assert.equal(translate('count(hl7:id[$all = 1]) = 0', env, top).t, "count(hl7:id[(count(//hl7:id[@root = 'x'])) = 1]) = 0");
    assert.throws(() => translate("$xsl = ''", env, top), /XSLT/);
  });

  test('finiteRegex expands anchored alternatives and refuses the rest', () => {
    assert.deepEqual(finiteRegex('^2\\.16\\.(10|20)\\.4$'), ['2.16.10.4', '2.16.20.4']);
    assert.equal(finiteRegex('2\\.16'), null); // not anchored
    assert.equal(finiteRegex('^\\d{2}$'), null);
    assert.equal(finiteRegex('^a+$'), null);
    assert.equal(finiteRegex('^[A-Z]$'), null);
    const x = translate("count(hl7:id[matches(@root, '^2\\.16\\.(10|20)\\.4\\.2$')]) = 1", new Map(), top);
    assert.equal(x.t, "count(hl7:id[(string(@root) = '2.16.10.4.2' or string(@root) = '2.16.20.4.2')]) = 1");
  });
});

// --------------------------------------------------------------------------------------------- approximations
let seed = 20261206;
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
const randomTs = (): string => {
  const base = pick(['2026120614', '2026120613', '20261206', '2025', '2026120614165', '']);
  return base + pick(['', '0000', '1652', '30', '+0100', '-0500', 'X']).slice(0, Math.floor(rnd() * 6));
};

describe('approximations are one-sided, in the direction their position allows', () => {
  const xml = (a: string, b: string): string => `<r a="${a}" b="${b}"/>`;
  test('string order of timestamps: an assert never passes where XPath 2.0 fails, a report never stays silent where it fires', () => {
    let certainTrue = 0;
    for (let i = 0; i < 400; i++) {
      const a = randomTs();
      const b = rnd() < 0.2 ? a : randomTs();
      for (const op of ['>=', '>', '<', '<='] as const) {
        const real = op === '>=' ? a >= b : op === '>' ? a > b : op === '<' ? a < b : a <= b; // code point order, as XPath 2.0
        const under = translate(`@a ${op} @b`, new Map(), assertCtx);
        const over = translate(`@a ${op} @b`, new Map(), reportCtx);
        const u = evalAt(xml(a, b), under.t);
        const o = evalAt(xml(a, b), over.t);
        assert.ok(!u || real, `under(${a} ${op} ${b}) is true but the real value is false`);
        assert.ok(!real || o, `over(${a} ${op} ${b}) is false but the real value is true`);
        if (u) certainTrue++;
      }
    }
    assert.ok(certainTrue > 200, `the approximation should decide most orders of real timestamps (${certainTrue})`);
  });

  test("matches(s, '[A-Z0-9]{16}') (the CF check) against JavaScript's regex on random strings", () => {
    const re = /[A-Z0-9]{16}/;
    for (let i = 0; i < 300; i++) {
      const len = pick([0, 15, 16, 17, 20]);
      let s = '';
      for (let k = 0; k < len; k++) s += pick(['A', 'Z', 'R', '0', '9', 'a', '-', ' ']);
      if (rnd() < 0.3) s = 'RMSLSO31M04Z404R';
      const real = re.test(s);
      const u = evalAt(`<r v="${s}"/>`, translate("matches(@v, '[A-Z0-9]{16}')", new Map(), assertCtx).t);
      const o = evalAt(`<r v="${s}"/>`, translate("matches(@v, '[A-Z0-9]{16}')", new Map(), reportCtx).t);
      assert.ok(!u || real, `under-approximation true on '${s}'`);
      assert.ok(!real || o, `over-approximation false on '${s}'`);
    }
    // where the exact value is needed (a predicate) the approximation is refused
    assert.throws(() => translate("count(hl7:id[matches(@extension, '[A-Z0-9]{16}')]) = 1", new Map(), assertCtx), Unsafe);
  });
});

describe('buildPrecheck', () => {
  const model: SchModel = {
    ns: NS,
    patterns: [
      {
        lets: [],
        rules: [
          { context: 'hl7:doc', lets: [{ name: 'n', value: 'count(hl7:id)' }], asserts: ['$n = 1'], reports: [] },
          { context: 'hl7:id', lets: [], asserts: ["@root != ''"], reports: ["@root = 'deprecated'"] },
          { context: 'hl7:section', lets: [], asserts: ["if (hl7:title) then true() else false()"], reports: [] },
        ],
      },
    ],
  };
  const pre = buildPrecheck(model)!;
  const unsure = (xml: string): boolean => {
    const doc = XmlDocument.fromString(xml);
    try {
      return doc.eval(pre.expr, pre.namespaces) as boolean;
    } finally {
      doc.dispose();
    }
  };
  test('a rule it cannot translate makes any of its context nodes "unsure"', () => {
    assert.equal(pre.rules, 3);
    assert.equal(pre.exact, 2);
    assert.equal(pre.unsure.length, 1);
    assert.match(pre.unsure[0]!.why, /then/);
    assert.equal(unsure('<doc xmlns="urn:hl7-org:v3"><id root="1"/></doc>'), false);
    assert.equal(unsure('<doc xmlns="urn:hl7-org:v3"><id root="1"/><section/></doc>'), true);
  });
  test('a failing assert or a firing report is "unsure" (SaxonJS then writes the messages)', () => {
    assert.equal(unsure('<doc xmlns="urn:hl7-org:v3"><id root="1"/><id root="2"/></doc>'), true);
    assert.equal(unsure('<doc xmlns="urn:hl7-org:v3"><id root=""/></doc>'), true);
    assert.equal(unsure('<doc xmlns="urn:hl7-org:v3"><id root="deprecated"/></doc>'), true);
  });
  test('FSE_SCHEMATRON_PRECHECK=0 turns it off', () => {
    assert.equal(precheckFromEnv({}), true);
    assert.equal(precheckFromEnv({ FSE_SCHEMATRON_PRECHECK: '0' }), false);
    assert.equal(precheckFromEnv({ FSE_SCHEMATRON_PRECHECK: 'off' }), false);
    assert.equal(precheckFromEnv({ FSE_SCHEMATRON_PRECHECK: '1' }), true);
  });
});

// --------------------------------------------------------------------------------------------- official catalogs
const SKIP = missingData('catalogs') ?? '';
const TIMEOUT = 15 * 60_000;

/** Element spans [start, end) of an XML text (comments and PIs aside). */
function elementSpans(x: string): [number, number][] {
  const out: [number, number][] = [];
  const stack: number[] = [];
  for (const m of x.matchAll(/<(\/?)([A-Za-z][^\s/>]*)[^>]*?(\/?)>/g)) {
    if (m[1]) {
      const s = stack.pop();
      if (s !== undefined) out.push([s, m.index + m[0].length]);
    } else if (m[3]) out.push([m.index, m.index + m[0].length]);
    else stack.push(m.index);
  }
  return out;
}
const VALUES = ['', '0', '1', '2', 'abc', 'NaN', ' 1 ', '1.5', '-1', '20261206', '20251206120000+0100', '2.16.840.1.113883.2.9.4.3.2', '2.16.840.1.113883.2.9.2.90.4.2', 'RMSLSO31M04Z404R', 'rmslso31m04z404r', 'EVN', 'ACT', 'CD', 'H', 'LOINC', '11502-2'];
/** Remove or duplicate an element, remove an attribute, or give it another value (a listed one, or another attribute's). */
function mutate(x: string): string {
  const k = rnd();
  const spans = elementSpans(x).filter(([s]) => s > 60);
  if (k < 0.25) {
    const [s, e] = pick(spans);
    return x.slice(0, s) + x.slice(e);
  }
  if (k < 0.4) {
    const [s, e] = pick(spans);
    return x.slice(0, e) + x.slice(s, e) + x.slice(e);
  }
  const attrs = [...x.matchAll(/ ([A-Za-z:]+)="([^"]*)"/g)].filter((m) => !m[1]!.startsWith('xmlns'));
  const m = pick(attrs);
  const s = m.index;
  const e = s + m[0].length;
  if (k < 0.5) return x.slice(0, s) + x.slice(e);
  return `${x.slice(0, s)} ${m[1]}="${rnd() < 0.5 ? pick(VALUES) : pick(attrs)[2]}"${x.slice(e)}`;
}

let withPre: CdaValidator | null = null;
let withoutPre: CdaValidator | null = null;
before(async () => {
  if (!CATALOGS) return;
  withPre = await openValidator({ catalogsDir: CATALOGS, schematronPrecheck: true });
  withoutPre = await openValidator({ catalogsDir: CATALOGS, schematronPrecheck: false });
});
after(() => {
  withPre?.close();
  withoutPre?.close();
});

describe('with the official catalogs: the same results as SaxonJS alone', { timeout: TIMEOUT }, () => {
  const bases = (): { name: string; text: string }[] => {
    const out: { name: string; text: string }[] = [];
    if (!missingData('samples')) for (const n of SAMPLE_NAMES) out.push({ name: `sample ${n}`, text: fs.readFileSync(path.join(SAMPLES_DIR, `${n}.xml`), 'utf8') });
    for (const t of DOC_TYPES) out.push({ name: `built ${t}`, text: buildCdaString(newCdaContext({ docType: t, patientCf: 'RMSLSO31M04Z404R', profile: testProfile(), runId: 'precheck', seq: 1 })) });
    return out;
  };

  test('every schematron of the catalogs gets a pre-check; most rules are translated', (t) => {
    if (!CATALOGS) return t.skip(SKIP);
    const dir = path.join(CATALOGS, 'schematron');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.sch'))) {
      const pre = buildPrecheck(schematronToXslt(fs.readFileSync(path.join(dir, f), 'utf8'), f).model);
      assert.ok(pre, `${f}: no pre-check`);
      assert.ok(pre.exact / pre.rules > 0.8, `${f}: ${pre.exact} of ${pre.rules} rules translated`);
    }
  });

  test('the documents the harness builds are certified by the pre-check, the failing sample is not', async (t) => {
    if (!CATALOGS || !withPre) return t.skip(SKIP);
    for (const b of bases()) {
      const r = await withPre.validate(b.text);
      if (b.name.startsWith('built')) {
        assert.equal(r.result, 'OK', `${b.name}: ${JSON.stringify(r.messages)}`);
        assert.equal(r.schematronBy, 'precheck', `${b.name} went through SaxonJS`);
      }
      if (b.name === 'sample VPS') {
        assert.equal(r.schematronBy, 'saxonjs');
        assert.equal(r.result, 'SEMANTIC_ERROR');
      }
    }
  });

  test('samples, built documents, targeted and 360 random broken variants: identical results with and without the pre-check', async (t) => {
    if (!CATALOGS || !withPre || !withoutPre) return t.skip(SKIP);
    let reachedSchematron = 0;
    let certified = 0;
    let failedSchematron = 0;
    const docs = bases();
    const variants: { name: string; text: string }[] = [...docs];
    // targeted: values where XPath 1.0 and 2.0 read numbers, timestamps and codes differently
    const targeted: [RegExp, string][] = [
      [/<versionNumber value="[^"]*"/, '<versionNumber value="+1"'],
      [/<versionNumber value="[^"]*"/, '<versionNumber value="1e0"'],
      [/<versionNumber value="[^"]*"/, '<versionNumber value="INF"'],
      [/<versionNumber value="[^"]*"/, '<versionNumber value=" 2 "'],
      [/<low value="(\d{8})/, '<low value="99991231'],
      [/<high value="(\d{8})/, '<high value="19000101'],
      [/extension="RMSLSO31M04Z404R"/, 'extension="rmslso31m04z404r"'],
      [/extension="RMSLSO31M04Z404R"/, 'extension="RMSLSO31M04Z404"'],
    ];
    for (const b of docs) for (const [re, by] of targeted) if (re.test(b.text)) variants.push({ name: `${b.name} ${by}`, text: b.text.replace(re, by) });
    for (const b of docs) {
      for (let i = 0; i < 20; i++) {
        let x = b.text;
        const n = 1 + Math.floor(rnd() * 3);
        for (let j = 0; j < n; j++) x = mutate(x);
        variants.push({ name: `${b.name} #${i}`, text: x });
      }
    }
    for (const v of variants) {
      let a: unknown;
      let b: unknown;
      try {
        a = await withPre.validate(v.text);
      } catch (e) {
        a = { threw: (e as Error).message };
      }
      try {
        b = await withoutPre.validate(v.text);
      } catch (e) {
        b = { threw: (e as Error).message };
      }
      const by = (a as { schematronBy?: string }).schematronBy;
      if (by) reachedSchematron++;
      if (by === 'precheck') certified++;
      if ((b as { result?: string }).result === 'SEMANTIC_ERROR') failedSchematron++;
      const { schematronBy: _a, ...ra } = a as Record<string, unknown>;
      const { schematronBy: _b, ...rb } = b as Record<string, unknown>;
      assert.deepEqual(ra, rb, `${v.name}: the pre-check changed the result`);
    }
    t.diagnostic(`${variants.length} documents, ${reachedSchematron} reached the schematron, ${certified} certified by the pre-check, ${failedSchematron} failed it (SaxonJS)`);
    // the corpus must exercise both paths, else the comparison proves nothing
    assert.ok(certified > 30, `certified ${certified}`);
    assert.ok(failedSchematron > 30, `schematron failures ${failedSchematron}`);
  });
});
