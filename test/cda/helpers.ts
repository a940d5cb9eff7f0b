import { existsSync, readdirSync } from 'node:fs';
import type { DocType, Profile } from '../../support/types.ts';
import { DOC_TYPES } from '../../support/types.ts';
import { CATALOGS, missingData, SAMPLES_DIR } from '../shared-data.ts';

import { DEFAULT_TEMPLATES_DIR as TEMPLATES_DIR } from '../../support/paths.ts';

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

/** Official catalogs (FSE_CATALOGS_DIR) or null (test/shared-data.ts). */
export function catalogsDir(): string | null {
  return CATALOGS;
}

/** The ministry's sample CDAs (test/shared-data.ts), or null when they are missing. */
export function samplesDir(): string | null {
  return missingData('samples') ? null : SAMPLES_DIR;
}
