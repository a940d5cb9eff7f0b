import { relative, resolve } from 'node:path';
import type { Command } from '../command.ts';
import { parseArgs } from '../command.ts';
import { startEmbeddedSimulator } from '../target.ts';
import { Session } from '../../support/harness/session.ts';
import { DEFAULT_PROFILE, DEFAULT_REPORTS_DIR } from '../../support/paths.ts';
import { loadProfile } from '../../support/config/profile.ts';
import { STRICT_CN_ENV } from '../../support/pki/credentials.ts';
import { createProbeDir, EVIDENCE_FILES } from '../../support/evidence/runDir.ts';
import { probeSession } from '../../support/stage/session-probe.ts';
import { probeConsoleLines, writeProbeFiles } from '../../support/stage/probeReport.ts';

const HELP = `fse-harness probe — check the way to the gateway, one layer at a time, before a run

Usage: fse-harness probe [--profile FILE] [--reports DIR] [--strict-cn]

Steps (each failure says what it means and what to do, in Italian and English):
  1. DNS      the gateway's name resolves (behind a proxy: the proxy's name; the proxy resolves the gateway's)
  2. TCP      a connection to the gateway (or to the proxy) opens
  3. proxy    the proxy opens a CONNECT tunnel (only with HTTPS_PROXY / https_proxy or the profile's "proxy")
  4. TLS      the handshake with your authentication certificate (+ its intermediates) succeeds and the server
              keeps the connection (a server that refuses the certificate sends an alert or closes right away:
              the certificate is not, or not yet, enabled by CART)
  5. gateway  one harmless call: DELETE of a document id that cannot exist, with valid tokens.
              Expected answer: 404 with an X-Cart-id (it proves connection, certificates and tokens work)

The probe also runs automatically as the first step of every run against stage (target "stage"); there a
failed probe stops the run before the first scenario.

Output: reports/probes/<UTC timestamp>-<installation>/
  probe.md          steps, result and advice (Italian and English)
  probe.json        the same, machine-readable
  evidence/         the probe call's ledger row (with its X-Cart-id) and exact request/response bytes

Options:
  --profile FILE     installation profile (default: testdata/profile.example.json, or $FSE_PROFILE)
  --reports DIR      where probes are written (default: reports/)
  --strict-cn        refuse certificate CNs that do not follow RT's long form (as "strictCn": true)
  --help             this text

Environment: HTTPS_PROXY / https_proxy, NO_PROXY / no_proxy (the profile's "proxy" overrides them),
FSE_TIMEOUT_MS (per step and call, default 30000), FSE_ALLOWED_HOSTS.

Exit codes: 0 the gateway answered as expected (or answered with a warning); 1 a step failed; 2 usage or
configuration error (nothing was sent).

Examples:
  fse-harness probe --profile /secure/impianto-firenze-01.json
  HTTPS_PROXY=http://proxy.azienda.it:3128 fse-harness probe --profile impianto.json
`;

function out(line: string): void { process.stdout.write(`${line}\n`); }

const command: Command = {
  name: 'probe',
  summary: 'check DNS, TCP, proxy, TLS with the client certificate and one harmless gateway call, with advice',
  help: HELP,
  async run(argv) {
    const { flags } = parseArgs(argv, { string: ['profile', 'reports'], boolean: ['strict-cn'] });
    if (flags['strict-cn']) process.env[STRICT_CN_ENV] = '1';
    const profilePath = resolve(String(flags.profile ?? process.env.FSE_PROFILE ?? DEFAULT_PROFILE));
    // the profile is read once more by the session; here only for the directory name (user errors surface here first)
    const { profile } = loadProfile(profilePath);
    const dir = createProbeDir(flags.reports ? resolve(String(flags.reports)) : DEFAULT_REPORTS_DIR, profile.installation);
    const session = await Session.open({ profilePath, runDir: dir, catalogsDir: '', log: (l) => out(`  ${l}`), startEmbedded: startEmbeddedSimulator });
    try {
      out(`fse-harness probe: ${session.profile.installation} → ${session.baseUrl} (target ${session.profile.target})`);
      const proxy = session.connection.proxy;
      out(`fse-harness probe: route ${proxy ? `proxy ${proxy.display} (from ${proxy.source === 'profile' ? 'the profile' : proxy.source})` : 'direct'}`);
      out(`fse-harness probe: certificates: authentication ${session.credentials.auth.cn} (+ ${session.credentials.auth.intermediates} intermediate(s)), signature ${session.credentials.sign.cn}`);
      for (const w of session.credentials.warnings ?? []) out(`fse-harness probe: WARNING — ${w}`);
      const report = await probeSession(session, (l) => out(`  ${l}`));
      for (const l of probeConsoleLines(report)) out(l);
      const files = writeProbeFiles(dir.dir, report);
      out('');
      out(`fse-harness probe: ${report.ok ? 'OK' : report.fatal ? 'FAILED' : 'WARNING'}${report.call?.xCartId ? ` — X-Cart-id ${report.call.xCartId}` : ''}`);
      out(`fse-harness probe: ${relative(process.cwd(), files.md)} (evidence: ${relative(process.cwd(), dir.evidenceDir)}/${EVIDENCE_FILES.ledgerCsv})`);
      return report.fatal ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};
export default command;
