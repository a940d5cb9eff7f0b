/**
 * The validator against the official catalogs (FSE_CATALOGS_DIR) and the ministry's sample CDAs (test/shared-data.ts).
 * The first run compiles the needed schematron files into the SEF cache (.cache/schematron or FSE_CACHE_DIR):
 * allow a few minutes on a cold cache; later runs load them in milliseconds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openValidator } from '../../support/catalogs/index.ts';
import type { CdaValidator } from '../../support/catalogs/index.ts';
import { CATALOGS, missingData, SAMPLES_DIR as SAMPLES } from '../shared-data.ts';

const SKIP = missingData('catalogs') ?? '';
const SAMPLE_NAMES = ['CERT_VACC', 'LAB', 'LDO', 'PSS', 'RAD', 'RAP', 'RSA', 'SING_VACC', 'VPS'];
const TIMEOUT = 15 * 60_000;

function sample(name: string): string {
  return fs.readFileSync(path.join(SAMPLES, `${name}.xml`), 'utf8');
}
const SAMPLES_MISSING = missingData('samples');

let v: CdaValidator | null = null;

before(async () => {
  if (CATALOGS) v = await openValidator({ catalogsDir: CATALOGS });
});
after(() => v?.close());

describe('official catalogs', { timeout: TIMEOUT }, () => {
  test('catalog info', (t) => {
    if (!CATALOGS || !v) return t.skip(SKIP);
    const info = v.info!;
    assert.ok(info.schemas.includes('POCD_MT000040UV02'), JSON.stringify(info.schemas));
    assert.equal(info.schematronIndex['2.16.840.1.113883.2.9.10.1.1']?.file.endsWith('.sch'), true);
    assert.ok(info.terminologySystems.includes('2.16.840.1.113883.5.1'));
    assert.match(info.fingerprint, /^[0-9a-f]{12}$/);
    // LOINC is not shipped with the catalogs: that check must be declared OFF
    if (!info.terminologySystems.includes('2.16.840.1.113883.6.1')) assert.ok(v.skipped.some((s) => s.includes('LOINC')));
  });

  test('all nine samples pass the XSD', async (t) => {
    if (!CATALOGS || !v) return t.skip(SKIP);
    if (SAMPLES_MISSING) return t.skip(SAMPLES_MISSING);
    for (const n of SAMPLE_NAMES) {
      const r = await v.validate(sample(n), { schematron: false, terminology: false });
      assert.equal(r.result, 'OK', `${n}: ${JSON.stringify(r.messages)}`);
      assert.equal(r.schema, 'POCD_MT000040UV02');
    }
  });

  test('VPS fails schematron VPS (ERRORE-56, ERRORE-46a); the other eight do not fail their schematron', { timeout: TIMEOUT }, async (t) => {
    if (!CATALOGS || !v) return t.skip(SKIP);
    if (SAMPLES_MISSING) return t.skip(SAMPLES_MISSING);
    for (const n of SAMPLE_NAMES) {
      const r = await v.validate(sample(n));
      assert.ok(r.schematron, `${n}: no schematron selected`);
      assert.ok(!r.skipped.some((s) => s.startsWith('Schematron ')), `${n}: schematron did not run: ${JSON.stringify(r.skipped)}`);
      if (n === 'VPS') {
        assert.equal(r.result, 'SEMANTIC_ERROR', JSON.stringify(r));
        assert.equal(r.schematron.version, '3.8');
        assert.ok(r.messages.some((m) => m.includes('ERRORE-56')), JSON.stringify(r.messages));
        assert.ok(r.messages.some((m) => m.includes('ERRORE-46a')), JSON.stringify(r.messages));
        for (const m of r.messages) assert.match(m, /^\[[\s\S]*\]$/);
      } else {
        assert.notEqual(r.result, 'SEMANTIC_ERROR', `${n}: ${JSON.stringify(r.messages)}`);
        assert.notEqual(r.result, 'SYNTAX_ERROR', `${n}: ${JSON.stringify(r.messages)}`);
      }
    }
  });

  test('LAB without confidentialityCode → SYNTAX_ERROR "ERROR: line,col ..."', async (t) => {
    if (!CATALOGS || !v) return t.skip(SKIP);
    if (SAMPLES_MISSING) return t.skip(SAMPLES_MISSING);
    const lab = sample('LAB');
    const mutated = lab.replace(/<confidentialityCode[^>]*\/>/, '');
    assert.notEqual(mutated, lab);
    const r = await v.validate(mutated);
    assert.equal(r.result, 'SYNTAX_ERROR');
    assert.ok(r.messages.length >= 1);
    for (const m of r.messages) assert.match(m, /^(WARN|ERROR|FATAL): \d+,\d+ \S/);
    assert.ok(r.messages.some((m) => m.startsWith('ERROR: ') && m.includes('confidentialityCode')), JSON.stringify(r.messages));
  });

  // LAB schematron v27.1 rule on //hl7:id[@root='2.16.840.1.113883.2.9.4.3.2'] asserts matches(@extension, '[A-Z0-9]{16}') (ERRORE-46)
  test('LAB with a lower-case patient fiscal code → SEMANTIC_ERROR (ERRORE-46)', async (t) => {
    if (!CATALOGS || !v) return t.skip(SKIP);
    if (SAMPLES_MISSING) return t.skip(SAMPLES_MISSING);
    const lab = sample('LAB');
    const m = /(<patientRole[\s\S]*?<id\b[^>]*root="2\.16\.840\.1\.113883\.2\.9\.4\.3\.2"[^>]*extension=")([A-Z0-9]{16})"/.exec(lab);
    assert.ok(m, 'LAB sample has no patient fiscal code id');
    const cf = m[2]!;
    const mutated = lab.replace(m[0], `${m[1]}${cf.toLowerCase()}"`);
    const r = await v.validate(mutated);
    assert.equal(r.result, 'SEMANTIC_ERROR', JSON.stringify(r));
    assert.ok(r.messages.some((x) => x.includes('ERRORE-46') && x.includes(cf.toLowerCase())), JSON.stringify(r.messages));
  });

  test('LAB with administrativeGenderCode X → VOCABULARY_ERROR (gender dictionary 2.16.840.1.113883.5.1)', async (t) => {
    if (!CATALOGS || !v) return t.skip(SKIP);
    if (SAMPLES_MISSING) return t.skip(SAMPLES_MISSING);
    if (!v.info!.terminologySystems.includes('2.16.840.1.113883.5.1')) return t.skip('no dictionary for 2.16.840.1.113883.5.1 in these catalogs');
    const lab = sample('LAB');
    const mutated = lab.replace(/(<administrativeGenderCode\b[^>]*\bcode=")[^"]*"/, '$1X"');
    assert.notEqual(mutated, lab);
    const r = await v.validate(mutated);
    assert.equal(r.result, 'VOCABULARY_ERROR', JSON.stringify(r));
    assert.equal(r.messages.length, 1);
    assert.match(r.messages[0]!, /^Almeno uno dei seguenti vocaboli non è censito: \[CodeSystem: 2\.16\.840\.1\.113883\.5\.1( v[^,\]]+)?, Codes: X\]$/);
  });

  test('templateId root not in the index → SEMANTIC_ERROR; unknown typeId → schema not found', async (t) => {
    if (!CATALOGS || !v) return t.skip(SKIP);
    if (SAMPLES_MISSING) return t.skip(SAMPLES_MISSING);
    const lab = sample('LAB');
    const r1 = await v.validate(lab.replace('root="2.16.840.1.113883.2.9.10.1.1"', 'root="1.2.3.4.5"'));
    assert.deepEqual([r1.result, r1.messages], ['SEMANTIC_ERROR', ['Schematron with template id root 1.2.3.4.5 not found on database.']]);
    const r2 = await v.validate(lab.replace('extension="POCD_MT000040UV02"', 'extension="POCD_XX"'));
    assert.deepEqual([r2.result, r2.messages], ['SYNTAX_ERROR', ['Schema with version POCD_XX not found on database.']]);
  });
});
