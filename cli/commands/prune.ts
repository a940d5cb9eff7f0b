import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { parseArgs } from '../command.ts';
import { UserError } from '../../support/errors.ts';
import { DEFAULT_REPORTS_DIR } from '../../support/paths.ts';
import { describePrune, keepCount, pruneRuns } from '../../support/evidence/prune.ts';

const HELP = `fse-harness prune — remove old SIMULATOR runs, keeping the newest N

Usage: fse-harness prune --keep N [--reports DIR] [--dry-run]

Removes the run directories under DIR/runs/ made against the simulator, beyond the N newest, and names each one
removed with its size. Never removed: runs against stage (they are evidence for Regione Toscana), the run
reports/latest points at, and a run whose target cannot be told (it is kept and listed). A run's target is read
from its run.json, or for older runs from the "fse-harness: target …" line of its console.log.
The same is done at the end of a run with \`fse-harness run --keep N\`.

Options:
  --keep N      simulator runs to keep (a whole number ≥ 0; reports/latest is always kept)
  --reports DIR where runs are written (default: reports/)
  --dry-run     say what would be removed, remove nothing
  --help        this text

Examples:
  npx fse-harness prune --keep 5
  npx fse-harness prune --keep 0 --dry-run
`;

const command: Command = {
  name: 'prune',
  summary: 'remove old simulator runs beyond the newest N (never stage runs, never the latest)',
  help: HELP,
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, { string: ['keep', 'reports'], boolean: ['dry-run'] });
    if (positionals.length) throw new UserError('USAGE', `unexpected argument "${positionals[0]}"`, 'see: fse-harness prune --help');
    if (flags.keep === undefined) throw new UserError('USAGE', '--keep N is required (the number of simulator runs to keep)', 'see: fse-harness prune --help');
    const keep = keepCount(flags.keep);
    const reports = resolve(String(flags.reports ?? DEFAULT_REPORTS_DIR));
    if (!existsSync(reports)) throw new UserError('USAGE', `reports folder not found: ${reports}`);
    for (const l of describePrune(pruneRuns(reports, { keep, dryRun: !!flags['dry-run'] }))) process.stdout.write(`${l}\n`);
    return 0;
  },
};
export default command;
