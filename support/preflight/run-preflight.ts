import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Session } from '../harness/session.ts';
import { loadAccreditedList, checkApplication } from '../accredited.ts';
import { UserError } from '../errors.ts';

/** Checks done once per run before the first call; loud about everything that is skipped. */
export async function runPreflight(s: Session, log: (l: string) => void): Promise<void> {
  const p = s.profile;
  for (const line of s.validator?.skipped ?? []) log(`WARNING — SKIPPED VALIDATION: ${line}`);
  if (s.validator?.info) log(`catalogs: ${s.validator.info.dir} (fingerprint ${s.validator.info.fingerprint})`);
  log(`certificates: authentication ${s.credentials.auth.cn}, signature ${s.credentials.sign.cn} (${s.credentials.mode}); valid until ${s.credentials.auth.notAfter.toISOString().slice(0, 10)} / ${s.credentials.sign.notAfter.toISOString().slice(0, 10)}`);
  const csv = p.accreditedListCsv ? resolve(s.profileDir, p.accreditedListCsv) : process.env.FSE_ACCREDITED_CSV;
  if (!csv || !existsSync(csv)) {
    log('WARNING — SKIPPED CHECK: application triple vs the national accredited list (set "accreditedListCsv" in the profile or FSE_ACCREDITED_CSV to results.csv)');
    return;
  }
  const list = loadAccreditedList(csv);
  const r = checkApplication(list, p.application);
  if (r.status === 'exact') {
    log(`application ${p.application.id} / ${p.application.vendor} / ${p.application.version}: listed (${r.docTypes?.join(',') ?? ''})`);
    const missing = p.documentTypes.filter((t) => r.docTypes && !r.docTypes.includes(t));
    if (missing.length) log(`WARNING — document types not in the accredited list for this application: ${missing.join(', ')}`);
  } else if (p.target === 'stage') {
    throw new UserError('APP_NOT_ACCREDITED', r.message, 'subject_application_id/vendor/version must match results.csv exactly (RT spec, application identity)');
  } else {
    log(`WARNING — ${r.message}`);
  }
}
