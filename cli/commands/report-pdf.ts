import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveLatest } from '../../support/evidence/runDir.ts';
import { UserError } from '../../support/errors.ts';
import { printSummaryPdf } from '../../support/report/reportPdf.ts';
import { parseArgs } from '../command.ts';
import type { Command } from '../command.ts';

const help = `fse-harness report-pdf — print a run's summary.md (the mail for Regione Toscana) to PDF

Usage: fse-harness report-pdf [RUN_DIR] [--out FILE]

Renders RUN_DIR/summary.md (installation, provider, Azienda/CODREP, application, and the X-Cart-id
of every exchange per method and document type) and prints it to PDF with headless Chromium
(A4 landscape). Works offline: the page may not load anything from the network.

Arguments:
  RUN_DIR       run directory (default: reports/latest, or the run named in reports/LATEST.txt)

Options:
  --out FILE    where to write the PDF (default: RUN_DIR/summary.pdf)
  -h, --help    this text

Requires Chromium: Debian package "chromium" (/usr/bin/chromium) or FSE_CHROMIUM=/path/to/chrome.
summary.pdf is derived from summary.md: it is not part of the manifest or the evidence bundle.

Exit codes: 0 PDF written; 2 no run directory / no summary.md / no Chromium.

Examples:
  fse-harness report-pdf
  fse-harness report-pdf reports/runs/20261123T171500Z-impianto1 --out /tmp/riepilogo.pdf
`;

const command: Command = {
  name: 'report-pdf',
  summary: 'print a run\'s summary.md (X-Cart-ids for Regione Toscana) to PDF with headless Chromium',
  help,
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, { string: ['out'] });
    if (positionals.length > 1) throw new UserError('USAGE', 'expected at most one RUN_DIR', 'see: fse-harness report-pdf --help');
    let dir: string | undefined;
    if (positionals[0]) dir = resolve(positionals[0]);
    else dir = resolveLatest(resolve('reports'));
    if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UserError('NO_RUN_DIR', `${dir ?? resolve('reports/latest')}: no such run directory`, 'pass RUN_DIR explicitly, e.g. reports/runs/<id>');
    }
    const out = typeof flags.out === 'string' ? resolve(flags.out) : undefined;
    const pdf = await printSummaryPdf(dir, out);
    process.stdout.write(`${pdf}\n`);
    return 0;
  },
};
export default command;
