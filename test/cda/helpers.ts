import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocType, Profile } from '../../support/types.ts';
import { DOC_TYPES } from '../../support/types.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATES_DIR = join(PROJECT_ROOT, 'testdata', 'templates');

/** A synthetic installation profile (valid partita IVA and operator CF). */
export function testProfile(over: Partial<Profile> = {}): Profile {
  return {
    installation: 'test-lab',
    provider: { name: 'Centro Diagnostico Esempio S.r.l.', partitaIva: '01386030488', istat: '048017' },
    codRep: '999',
    tipologiaStruttura: 'Territorio',
    assettoOrganizzativo: 'AD_PSC100',
    documentTypes: ['LAB', 'RAD', 'LDO', 'RSA', 'RAP'],
    application: { id: 'APP', vendor: 'VENDOR', version: '1.0' },
    locality: 'CENTRO DIAGNOSTICO ESEMPIO^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201123456',
    subjectRole: 'AAS',
    operatorCf: 'RSSMRA80A01D612Y',
    target: 'simulator',
    ...over,
  };
}

/** Types that have a template in testdata/templates (the five of this module plus any other helper's). */
export function templateTypes(): DocType[] {
  const files = new Set(existsSync(TEMPLATES_DIR) ? readdirSync(TEMPLATES_DIR) : []);
  return DOC_TYPES.filter((t) => files.has(`${t}.xml`));
}

/** Official catalogs (FSE_CATALOGS_DIR) or null. */
export function catalogsDir(): string | null {
  const d = process.env['FSE_CATALOGS_DIR'];
  return d && existsSync(d) ? d : null;
}

/**
 * The ministry's sample CDAs: FSE_SAMPLES_DIR, else `<FSE_CATALOGS_DIR>/../samples/cda` when it exists
 * (the layout of the shared reference folder), else null.
 */
export function samplesDir(): string | null {
  const env = process.env['FSE_SAMPLES_DIR'];
  if (env && existsSync(env)) return env;
  const cat = catalogsDir();
  if (cat) {
    const d = resolve(cat, '..', 'samples', 'cda');
    if (existsSync(d)) return d;
  }
  return null;
}
