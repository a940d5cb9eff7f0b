/**
 * Every template in testdata/templates (this module's LAB, RAD, LDO, RSA, RAP and the other helper's VPS, PSS,
 * CERT_VACC, SING_VACC) built for each of RT's five test CFs, and as a replace (version 2), must pass the official
 * XSD, schematron and terminology of its type; every negative mutation must give its expected outcome.
 * Needs FSE_CATALOGS_DIR (the official it-fse-catalogs folder).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RT_TEST_CFS } from '../../support/types.ts';
import type { CdaValidationResult, DocType } from '../../support/types.ts';
import { buildCda, buildCdaString } from '../../support/cda/template.ts';
import { newCdaContext, nextVersion } from '../../support/cda/identity.ts';
import { personaliseCda } from '../../support/cda/personalise.ts';
import { MUTATIONS, mutationsFor } from '../../support/cda/mutations.ts';
import type { CdaValidator } from '../../support/catalogs/index.ts';
import { openValidator } from '../../support/catalogs/index.ts';
import { catalogsDir, samplesDir, templateTypes, testProfile } from './helpers.ts';
import { missingData } from '../shared-data.ts';

const SKIP = `${missingData('catalogs') ?? ''}: template validation against the official XSD/schematron/terminology`;

let validator: CdaValidator | null = null;
async function getValidator(): Promise<CdaValidator> {
  if (!validator) validator = await openValidator({ catalogsDir: catalogsDir() });
  return validator;
}
after(() => validator?.close());

function explain(r: CdaValidationResult): string {
  return `${r.result}: ${r.messages.join(' | ').slice(0, 1500)}${r.skipped.length ? ` (skipped: ${r.skipped.join(' / ')})` : ''}`;
}

/** Validation steps that must not be OFF, or the test would prove nothing. */
function assertNothingEssentialSkipped(r: CdaValidationResult, label: string): void {
  const essential = r.skipped.filter((s) => /XSD|[Ss]chematron|terminology validation is OFF|No catalogs/.test(s));
  assert.deepEqual(essential, [], `${label}: validation steps skipped`);
}

const profile = testProfile();

for (const type of templateTypes()) {
  test(`${type}: template passes XSD + schematron + terminology for the 5 RT test CFs and as a replace`, async (t) => {
    if (!catalogsDir()) return t.skip(SKIP);
    const v = await getValidator();
    let seq = 1;
    for (const cf of RT_TEST_CFS) {
      const ctx = newCdaContext({ docType: type, patientCf: cf, profile, runId: 'tplv', seq: seq++, now: new Date('2026-01-20T09:30:00Z') });
      const r = await v.validate(buildCda(ctx));
      assertNothingEssentialSkipped(r, `${type}/${cf}`);
      assert.equal(r.result, 'OK', `${type}/${cf} → ${explain(r)}`);
      if (cf === RT_TEST_CFS[0]) {
        const v2 = nextVersion(ctx, { seq: 100, now: new Date('2026-07-20T09:30:00Z') }); // summer time offset too
        const r2 = await v.validate(buildCda(v2));
        assert.equal(r2.result, 'OK', `${type}/${cf} replace v2 → ${explain(r2)}`);
        const r3 = await v.validate(buildCda(nextVersion(v2, { seq: 101 })));
        assert.equal(r3.result, 'OK', `${type}/${cf} replace v3 → ${explain(r3)}`);
      }
    }
  });

  test(`${type}: every negative mutation gives its expected outcome`, async (t) => {
    if (!catalogsDir()) return t.skip(SKIP);
    const v = await getValidator();
    const ctx = newCdaContext({ docType: type, patientCf: RT_TEST_CFS[1]!, profile, runId: 'mutv', seq: 1 });
    const xml = buildCdaString(ctx);
    const ms = mutationsFor(type);
    assert.ok(ms.some((m) => m.id === `schematron-${type}`), `no schematron-${type} mutation`);
    for (const id of ['senza-confidentialityCode', 'cf-minuscolo', 'genere-fuori-dominio']) assert.ok(ms.some((m) => m.id === id), `${id} does not apply to ${type}`);
    for (const m of ms) {
      const out = m.apply(xml);
      assert.notEqual(out, xml, `${type}/${m.id} changed nothing`);
      assert.equal(m.apply(xml), out, `${type}/${m.id} is not deterministic`);
      const r = await v.validate(out);
      assert.equal(r.result, m.expect, `${type}/${m.id} → ${explain(r)}`);
      if (m.id.startsWith('schematron-')) {
        const ruleIds = (m.description.match(/ERRORE-[a-z]?\d+[a-z]?/gi) ?? []).map((x) => x.toUpperCase());
        assert.ok(ruleIds.length > 0, `${m.id}: the description must quote the schematron rule id`);
        const msgs = r.messages.map((x) => x.toUpperCase());
        assert.ok(ruleIds.some((id) => msgs.some((x) => x.includes(`${id}|`))),
          `${type}/${m.id}: none of ${ruleIds.join(', ')} in ${r.messages.join(' | ').slice(0, 400)}`);
      }
    }
  });
}

test('mutations throw instead of silently doing nothing', () => {
  const empty = '<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"><component/></ClinicalDocument>';
  for (const m of Object.values(MUTATIONS)) assert.throws(() => m.apply(empty), /Mutation|not found/, m.id);
  for (const m of Object.values(MUTATIONS)) {
    assert.match(m.id, /^[a-z]+(-[A-Za-z_]+)*$/);
    assert.ok(m.description.length > 40, m.id);
    assert.ok(['SYNTAX_ERROR', 'SEMANTIC_ERROR', 'VOCABULARY_ERROR'].includes(m.expect));
  }
  for (const t of ['LAB', 'RAD', 'LDO', 'RSA', 'RAP'] as DocType[]) assert.ok(MUTATIONS[`schematron-${t}`], t);
});

test('personalised official samples keep their validation outcome (v1 and replace v2)', async (t) => {
  if (!catalogsDir()) return t.skip(SKIP);
  const dir = samplesDir();
  if (!dir) return t.skip(missingData('samples'));
  const v = await getValidator();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.xml')).sort()) {
    const type = f.replace(/\.xml$/, '') as DocType;
    const original = new Uint8Array(readFileSync(join(dir, f)));
    const before = await v.validate(original);
    const ctx1 = newCdaContext({ docType: type, patientCf: RT_TEST_CFS[0]!, profile, runId: 'samp', seq: 1 });
    const r1 = await v.validate(personaliseCda(original, ctx1));
    const r2 = await v.validate(personaliseCda(original, nextVersion(ctx1, { seq: 2 })));
    assert.equal(r1.result, before.result, `${f} v1: ${explain(r1)}`);
    assert.equal(r2.result, before.result, `${f} v2: ${explain(r2)}`);
  }
});
