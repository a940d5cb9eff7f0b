import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { parseArgs } from '../command.ts';
import { UserError } from '../../support/errors.ts';
import { METHODS, type InjectionMode, type Method } from '../../support/types.ts';
import { loadProfile } from '../../support/config/profile.ts';
import { loadCredentials } from '../../support/pki/credentials.ts';
import { openValidator, resolveCatalogsDir } from '../../support/catalogs/index.ts';
import { loadAccreditedList } from '../../support/accredited.ts';
import { checkRequest, type Finding } from '../../support/preflight/check.ts';
import { DEFAULT_PROFILE } from '../../support/paths.ts';

const HELP = `fse-harness check — pre-flight checks of a document and request, before any call to the gateway

Usage: fse-harness check --method METHOD (--pdf FILE | --cda FILE) [options]

Options:
  --method M         validate-and-create | replace | update-metadata | delete
  --pdf FILE         the signed PDF you would upload (checks cda.xml, PAdES, and the CDA inside)
  --cda FILE         a CDA XML file (checks XSD, schematron, terminology, patient, ids)
  --mode M           ATTACHMENT | RESOURCE (as in your requestBody; default: try both like the gateway)
  --jwt FILE         your FSE-JWT-Signature token (text file): claims, x5c signature, hash, CDA match
  --body FILE        your requestBody JSON: fields against the gateway's reference tables
  --profile FILE     installation profile (default testdata/profile.example.json); its certificates
                     are checked too (CN rule, validity dates, key/certificate match, passphrases)
  --catalogs DIR     official catalogs (default $FSE_CATALOGS_DIR)
  --accredited FILE  national results.csv (default $FSE_ACCREDITED_CSV) for the application triple

Exit code: 0 when nothing would fail, 1 when at least one error was found, 2 for usage errors.

Example:
  fse-harness check --method validate-and-create --pdf referto.pdf --jwt token.txt --body body.json
`;

const MARK: Record<Finding['level'], string> = { ok: 'ok     ', warning: 'WARNING', error: 'ERROR  ', skipped: 'SKIPPED' };

const command: Command = {
  name: 'check',
  summary: 'pre-flight check of a PDF/CDA, token, body, certificates and application triple (no network)',
  help: HELP,
  async run(argv) {
    const { flags } = parseArgs(argv, { string: ['method', 'pdf', 'cda', 'mode', 'jwt', 'body', 'profile', 'catalogs', 'accredited'] });
    const method = String(flags.method ?? '') as Method;
    if (!METHODS.includes(method)) throw new UserError('USAGE', `--method must be one of ${METHODS.join(', ')}`);
    if (!flags.pdf && !flags.cda && !flags.body && !flags.jwt) throw new UserError('USAGE', 'give at least one of --pdf, --cda, --jwt, --body');
    const read = (k: string) => {
      const p = resolve(String(flags[k]));
      if (!existsSync(p)) throw new UserError('FILE', `--${k}: file not found: ${p}`);
      return new Uint8Array(readFileSync(p));
    };
    const loaded = loadProfile(resolve(String(flags.profile ?? process.env.FSE_PROFILE ?? DEFAULT_PROFILE)));
    const findings: Finding[] = [];
    if (loaded.profile.certificates) {
      try {
        const c = await loadCredentials(loaded.profile, { baseDir: loaded.baseDir });
        findings.push({ level: 'ok', check: 'certificates', message: `authentication ${c.auth.cn}, signature ${c.sign.cn}: valid, keys match` });
      } catch (e) {
        if (e instanceof UserError) findings.push({ level: 'error', check: 'certificates', message: e.message, fix: e.hint });
        else throw e;
      }
    } else {
      findings.push({ level: 'skipped', check: 'certificates', message: 'no certificates in the profile (the simulator run generates a test PKI)' });
    }
    const catalogsDir = resolveCatalogsDir(flags.catalogs ? resolve(String(flags.catalogs)) : null);
    const validator = await openValidator({ catalogsDir });
    const accreditedPath = flags.accredited ? resolve(String(flags.accredited)) : process.env.FSE_ACCREDITED_CSV;
    let body: unknown;
    if (flags.body) {
      try { body = JSON.parse(Buffer.from(read('body')).toString('utf8')); } catch (e) { findings.push({ level: 'error', check: 'body', message: `requestBody is not valid JSON: ${(e as Error).message} → 400 /msg/mandatory-element` }); }
    }
    try {
      findings.push(...await checkRequest({
        profile: loaded.profile, method,
        pdf: flags.pdf ? read('pdf') : undefined,
        cda: flags.cda ? read('cda') : undefined,
        mode: flags.mode ? (String(flags.mode).toUpperCase() as InjectionMode) : undefined,
        signatureJwt: flags.jwt ? Buffer.from(read('jwt')).toString('utf8').trim() : undefined,
        body,
        validator,
        accredited: accreditedPath && existsSync(accreditedPath) ? loadAccreditedList(accreditedPath) : null,
      }));
    } finally {
      validator.close();
    }
    for (const x of findings) {
      process.stdout.write(`${MARK[x.level]} ${x.check}: ${x.message}\n${x.fix ? `        → ${x.fix}\n` : ''}`);
    }
    const errors = findings.filter((x) => x.level === 'error').length;
    const skipped = findings.filter((x) => x.level === 'skipped').length;
    process.stdout.write(`\n${errors} error(s), ${findings.filter((x) => x.level === 'warning').length} warning(s), ${skipped} check(s) skipped\n`);
    if (skipped) process.stdout.write(`${errors ? '' : 'No error among the checks that ran, but this is NOT a full pass: '}${skipped} check(s) did not run (SKIPPED above)\n`);
    return errors ? 1 : 0;
  },
};
export default command;
