import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from '../command.ts';
import { parseArgs } from '../command.ts';
import { UserError } from '../../support/errors.ts';
import { Session, type RunInfo } from '../../support/harness/session.ts';
import { EVIDENCE_FILES, RUN_FILES, runDirPaths } from '../../support/evidence/runDir.ts';
import { PublishedSet } from '../../support/harness/published.ts';
import { cleanupPublished, describeUnresolved } from '../../support/harness/cleanup.ts';
import { readRunMeta, runMeta, writeRunSummary } from '../../support/harness/finish.ts';
import { loadProfile } from '../../support/config/profile.ts';
import { usesEmbeddedSimulator } from '../../support/harness/target.ts';
import { MAX_NETWORK_FAILURES_ENV, maxNetworkFailures } from '../../support/harness/circuit.ts';
import { RATE_ENV, resolveRate } from '../../support/harness/pacing.ts';
import { writeManifest } from '../../support/evidence/manifest.ts';
import { buildBundle } from '../../support/evidence/bundle.ts';

export const CLEANUP_COMMAND_SCENARIO = 'Pulizia successiva (fse-harness cleanup): eliminazione dei documenti rimasti';

const HELP = `fse-harness cleanup — delete what an interrupted or killed run left on the gateway

Usage: fse-harness cleanup RUN_DIR [options]

  RUN_DIR            the run's directory, e.g. reports/runs/20261205T101500Z-impianto1 (or reports/latest)

Every run keeps in RUN_DIR/evidence/published.jsonl the documents it published, and the ones it may have published
(a create or replace that timed out, was reset, got a 5xx or no answer: the gateway may have stored it anyway). The
run deletes them at its end; when it could not (killed, second Ctrl-C, network down), this command does it later:
it reaches the same gateway as the same installation (the run's profile and certificates, as recorded in
RUN_DIR/run.json; passphrases from the same environment variables), deletes each document still listed, records
every call in the run's ledger with its X-Cart-id, and regenerates summary.md, the manifest and the evidence bundle.
A 404 for a document whose publication was unknown means it was never there: resolved.

Idempotent and resumable: the list is updated call by call; run it again until nothing is left.
Exit code: 0 nothing left on the gateway, 1 some documents could not be resolved (listed), 2 usage errors.

Options:
  --profile FILE     the installation profile to use instead of the one recorded in run.json (same installation)
  --rate N           at most N requests per second (default 2 against stage, unlimited against the simulator)
  --max-network-failures N
                     give up after N consecutive calls without an HTTP response (default 5)
  --help             this text

Examples:
  fse-harness cleanup reports/latest
  fse-harness cleanup reports/runs/20261205T101500Z-impianto1 --profile impianto1.json
`;

function out(line: string): void { process.stdout.write(`${line}\n`); }

/** Checks that `dir` is a run directory and returns what it recorded when it started. */
export function readRunDir(dir: string): RunInfo {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError('NOT_A_RUN_DIR', `${dir} is not a directory`, 'give the run directory, e.g. reports/runs/<timestamp>-<installation> or reports/latest');
  const info = join(dir, RUN_FILES.runInfo);
  if (!existsSync(info) || !existsSync(join(dir, 'evidence'))) {
    throw new UserError('NOT_A_RUN_DIR', `${dir} is not a run directory (no ${RUN_FILES.runInfo} and evidence/ in it)`, 'give the run directory, e.g. reports/runs/<timestamp>-<installation> or reports/latest');
  }
  try {
    return JSON.parse(readFileSync(info, 'utf8')) as RunInfo;
  } catch {
    throw new UserError('NOT_A_RUN_DIR', `${info} cannot be read as JSON: not a run directory this harness wrote`);
  }
}

const command: Command = {
  name: 'cleanup',
  summary: 'delete what an interrupted or killed run left published on the gateway (from its published.jsonl)',
  help: HELP,
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, { string: ['profile', 'rate', 'max-network-failures'] });
    if (positionals.length !== 1) throw new UserError('USAGE', positionals.length ? `one run directory expected, got ${positionals.length}` : 'the run directory is missing', 'see: fse-harness cleanup --help');
    if (flags['max-network-failures'] !== undefined) process.env[MAX_NETWORK_FAILURES_ENV] = String(flags['max-network-failures']);
    if (flags.rate !== undefined) process.env[RATE_ENV] = String(flags.rate);
    maxNetworkFailures({}, process.env);
    resolveRate('stage', process.env);
    const dir = resolve(positionals[0]!);
    const info = readRunDir(dir);
    const rd = runDirPaths(dir);
    const rel = relative(process.cwd(), dir) || dir;
    const journal = new PublishedSet(join(rd.evidenceDir, EVIDENCE_FILES.published));
    const pending = journal.current();
    if (!existsSync(journal.file)) { out(`fse-harness cleanup: ${rel}: nothing to delete (the run published nothing: no evidence/${EVIDENCE_FILES.published})`); return 0; }
    if (pending.length === 0) { out(`fse-harness cleanup: ${rel}: nothing left to delete — every document the run published is deleted`); return 0; }

    const profilePath = resolve(String(flags.profile ?? info.profilePath ?? ''));
    if (!flags.profile && !info.profilePath) throw new UserError('NO_PROFILE', `${RUN_FILES.runInfo} of ${rel} does not name the run's profile`, 'give it: fse-harness cleanup RUN_DIR --profile FILE');
    if (!existsSync(profilePath)) throw new UserError('NO_PROFILE', `the run's profile ${profilePath} no longer exists`, 'give it: fse-harness cleanup RUN_DIR --profile FILE');
    const profile = loadProfile(profilePath).profile;
    if (profile.installation !== info.installation) throw new UserError('OTHER_INSTALLATION', `the profile is for installation "${profile.installation}", the run was "${info.installation}"`);
    if (usesEmbeddedSimulator(profile)) {
      out(`fse-harness cleanup: ${rel}: the run's gateway was the embedded simulator, which ended with the run — nothing it published can still exist (${pending.length} listed, nothing to delete)`);
      return 0;
    }
    out(`fse-harness cleanup: ${rel}: ${pending.length} documents to delete (${pending.filter((p) => p.state === 'maybe-published').length} maybe published) on ${info.baseUrl}`);

    const session = await Session.open({ profilePath, runDir: rd, reopen: true, pkiDir: info.pkiDir, log: (l) => out(`  ${l}`) });
    let unresolved;
    try {
      if (session.baseUrl.replace(/\/+$/, '') !== info.baseUrl.replace(/\/+$/, '')) {
        throw new UserError('OTHER_GATEWAY', `the profile now points at ${session.baseUrl}, the run used ${info.baseUrl}: refusing to delete on another gateway`);
      }
      const r = await cleanupPublished(session, { scenario: CLEANUP_COMMAND_SCENARIO, log: (l) => out(`  ${l}`) });
      unresolved = r.unresolved;
      out(`fse-harness cleanup: ${r.deleted} deleted${r.absent ? `, ${r.absent} never published (404)` : ''}, ${r.unresolved.length} unresolved`);
      for (const l of describeUnresolved(r.unresolved)) out(`  UNRESOLVED ${l}`);
    } finally {
      await session.close();
    }
    // the summary, manifest and bundle say what is left now; everything else the summary said stays as it was
    const previous = readRunMeta(rd.cucumberDir);
    const fresh = runMeta(session);
    const meta = previous ? { ...previous, leftBehind: fresh.leftBehind } : { ...fresh, startedAt: info.startedAt, finishedAt: undefined };
    const summary = writeRunSummary(session, meta).path;
    writeManifest(dir);
    const b = await buildBundle(dir);
    out(`fse-harness cleanup: summary ${relative(process.cwd(), summary)}; evidence ${relative(process.cwd(), b.path)}; the calls are in ${relative(process.cwd(), join(rd.evidenceDir, EVIDENCE_FILES.ledgerCsv))}`);
    return unresolved.length ? 1 : 0;
  },
};
export default command;
