/** Shared fixtures for PKI/credential/JWT tests: a generated test PKI in a temporary folder. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestPki, type TestPkiResult } from '../../support/pki/testPki.ts';
import type { Profile } from '../../support/types.ts';

export interface PkiFixture {
  dir: string;
  pki: TestPkiResult;
  cleanup(): void;
  write(name: string, data: string | Uint8Array): string;
}

export async function makePkiFixture(): Promise<PkiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fse-harness-pki-test-'));
  const pki = await generateTestPki({ outDir: join(dir, 'pki'), passphrase: 'correct horse battery staple' });
  return {
    dir,
    pki,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    write: (name, data) => {
      const p = join(dir, name);
      writeFileSync(p, data, { mode: 0o600 });
      return p;
    },
  };
}

/** A complete valid profile (no certificates) for tests. */
export function baseProfile(): Profile {
  return {
    installation: 'unit-test',
    provider: { name: 'Test provider', partitaIva: '07654321012', istat: '048017' },
    codRep: '999',
    tipologiaStruttura: 'Ospedale',
    assettoOrganizzativo: 'AD_PSC007',
    documentTypes: ['LAB', 'RAD'],
    application: { id: 'KOS', vendor: 'EFRA SRL', version: '2.6.0' },
    locality: 'CASA DI CURA ESEMPIO^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201123456',
    subjectRole: 'AAS',
    operatorCf: 'BNCLCU75C42D612K',
    target: 'simulator',
  };
}
