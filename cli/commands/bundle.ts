import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildBundle } from '../../support/evidence/bundle.ts';
import { verifyManifest, writeManifest } from '../../support/evidence/manifest.ts';
import { UserError } from '../../support/errors.ts';
import { parseArgs } from '../command.ts';
import type { Command } from '../command.ts';

const help = `fse-harness bundle — check a run's evidence against its manifest and build the evidence bundle

Usage: fse-harness bundle RUN_DIR [--out FILE] [--write-manifest]

Checks every file listed in RUN_DIR/evidence/manifest.json (SHA-256) and looks for evidence files
added after the manifest was written. Every mismatch is printed; if there is any, no bundle is built
and the exit code is 1. Otherwise it writes the zip (default RUN_DIR/evidence-bundle.zip) and prints
its path, SHA-256 and number of files.

The zip holds exactly the files in the manifest plus the manifest itself (evidence/**, summary.md,
data.json), with sorted entries, fixed timestamps and permissions: the same input always gives a
byte-identical zip (same SHA-256), so the hash you send to Regione Toscana can be re-checked.

Arguments:
  RUN_DIR            a run directory, e.g. reports/runs/20261123T171500Z-impianto1 or reports/latest

Options:
  --out FILE         where to write the zip (default: RUN_DIR/evidence-bundle.zip)
  --write-manifest   (re)write the manifest from the files as they are now, before checking.
                     Use only for a run that ended without one (e.g. killed); it certifies the
                     current content, so never use it to "fix" a reported mismatch.
  -h, --help         this text

Exit codes: 0 bundle written; 1 manifest missing or mismatches found; 2 usage error.

Examples:
  fse-harness bundle reports/latest
  fse-harness bundle reports/runs/20261123T171500Z-impianto1 --out /tmp/impianto1.zip
`;

const command: Command = {
  name: 'bundle',
  summary: 'verify a run against its manifest and build the deterministic evidence-bundle.zip',
  help,
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, { string: ['out'], boolean: ['write-manifest'] });
    if (positionals.length !== 1) throw new UserError('USAGE', 'expected exactly one RUN_DIR', 'see: fse-harness bundle --help');
    const dir = resolve(positionals[0]!);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError('NO_RUN_DIR', `${dir} is not a directory`);
    if (!existsSync(resolve(dir, 'evidence'))) throw new UserError('NOT_A_RUN', `${dir} has no evidence/ directory: not a run directory`);
    if (flags['write-manifest'] === true) {
      const { files } = writeManifest(dir);
      process.stdout.write(`manifest written: ${files} files\n`);
    }
    const check = verifyManifest(dir);
    if (!check.ok) {
      process.stderr.write(`fse-harness bundle: evidence does not match the manifest (${check.problems.length} problem(s)):\n`);
      for (const p of check.problems) process.stderr.write(`  - ${p}\n`);
      process.stderr.write('no bundle written.\n');
      return 1;
    }
    const out = typeof flags.out === 'string' ? resolve(flags.out) : undefined;
    const r = await buildBundle(dir, out);
    process.stdout.write(`path:   ${r.path}\nsha256: ${r.sha256}\nfiles:  ${r.files}\n`);
    return 0;
  },
};
export default command;
