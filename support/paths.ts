/** Where the project's own files are, found from this module (never from the working directory). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The profile a run uses when none is given: nine document types against the embedded simulator. */
export const DEFAULT_PROFILE = join(PROJECT_ROOT, 'testdata', 'profile.example.json');
/** Where a run generates its throw-away test PKI (git-ignored). */
export const DEFAULT_PKI_DIR = join(PROJECT_ROOT, '.fse', 'pki');
/** Where runs are written: `reports/runs/<UTC timestamp>-<installation>/`. */
export const DEFAULT_REPORTS_DIR = join(PROJECT_ROOT, 'reports');
/** The per-type CDA templates (`<TYPE>.xml`). */
export const DEFAULT_TEMPLATES_DIR = join(PROJECT_ROOT, 'testdata', 'templates');
