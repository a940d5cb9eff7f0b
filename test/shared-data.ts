/**
 * Where the tests find the read-only reference data (never copied into the repository): the `shared` folder beside
 * the repository (`../shared`, as in CI), or the environment variables that point elsewhere. Found relative to the
 * repository, never through an absolute path. A test whose data is missing skips with `missingData(...)` as its
 * reason, which names what is missing and how to provide it.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../support/paths.ts';

/** The reference folder: $FSE_SHARED_DIR, else `../shared` beside the repository. */
export const SHARED_DIR = resolve(process.env.FSE_SHARED_DIR || join(PROJECT_ROOT, '..', 'shared'));

/**
 * The official it-fse-catalogs folder: $FSE_CATALOGS_DIR only (the switch that turns on the slow catalog tests,
 * exactly like the run itself), null when unset or missing.
 */
export const CATALOGS: string | null = process.env.FSE_CATALOGS_DIR && existsSync(process.env.FSE_CATALOGS_DIR) ? resolve(process.env.FSE_CATALOGS_DIR) : null;

const firstExisting = (...candidates: (string | null)[]): string => {
  const c = candidates.filter((x): x is string => !!x);
  return c.find((p) => existsSync(p)) ?? c[0]!;
};

/** The ministry's sample CDAs (`<TYPE>.xml`): $FSE_SAMPLES_DIR, else `<shared>/data/samples/cda`, else beside the catalogs. */
export const SAMPLES_DIR = process.env.FSE_SAMPLES_DIR
  || firstExisting(join(SHARED_DIR, 'data', 'samples', 'cda'), CATALOGS && resolve(CATALOGS, '..', 'samples', 'cda'));

/** The official gateway OpenAPI: $FSE_OPENAPI, else `<shared>/data/openapi/swagger_gtw.yaml`, else beside the catalogs. */
export const OPENAPI = process.env.FSE_OPENAPI
  || firstExisting(join(SHARED_DIR, 'data', 'openapi', 'swagger_gtw.yaml'), CATALOGS && resolve(CATALOGS, '..', 'openapi', 'swagger_gtw.yaml'));

/** The national list of accredited software: $FSE_ACCREDITED_CSV, else `<shared>/data/accreditati/results.csv`. */
export const ACCREDITED_CSV = process.env.FSE_ACCREDITED_CSV || join(SHARED_DIR, 'data', 'accreditati', 'results.csv');

/** The nine sample CDAs, one per document type. */
export const SAMPLE_NAMES = ['LAB', 'RAD', 'LDO', 'RSA', 'RAP', 'VPS', 'PSS', 'CERT_VACC', 'SING_VACC'] as const;

export type SharedData = 'catalogs' | 'samples' | 'openapi' | 'accredited';

const WHY: Record<SharedData, () => string | undefined> = {
  catalogs: () => (CATALOGS ? undefined : 'official catalogs missing: set FSE_CATALOGS_DIR to an it-fse-catalogs folder'),
  samples: () => (SAMPLE_NAMES.every((n) => existsSync(join(SAMPLES_DIR, `${n}.xml`)))
    ? undefined : `sample CDAs missing in ${SAMPLES_DIR}: put the shared folder beside the repository or set FSE_SAMPLES_DIR`),
  openapi: () => (existsSync(OPENAPI) ? undefined : `official OpenAPI missing at ${OPENAPI}: put the shared folder beside the repository or set FSE_OPENAPI`),
  accredited: () => (existsSync(ACCREDITED_CSV) ? undefined : `accredited list missing at ${ACCREDITED_CSV}: put the shared folder beside the repository or set FSE_ACCREDITED_CSV`),
};

/**
 * The reason a test cannot run (`SKIPPED — …`, naming each missing piece), or undefined when everything is there.
 * Use as `test(name, { skip: missingData('samples') }, …)` or `if (why) return t.skip(why)`.
 */
export function missingData(...needs: SharedData[]): string | undefined {
  const why = needs.map((n) => WHY[n]()).filter((x): x is string => !!x);
  return why.length ? `SKIPPED — ${why.join('; ')}` : undefined;
}
