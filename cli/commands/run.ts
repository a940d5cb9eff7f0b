import { join, resolve, relative } from 'node:path';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import type { Command } from '../command.ts';
import { parseArgs } from '../command.ts';
import { forkSimulatorProcess, startSimulatorProcess, type SimulatorProcessTarget } from '../target.ts';
import { Session, setCurrentSession } from '../../support/harness/session.ts';
import { PROJECT_ROOT, DEFAULT_PROFILE, DEFAULT_REPORTS_DIR } from '../../support/paths.ts';
import { buildWorkerBundle, WORKER_BUNDLE_DIR, type WorkerBundle } from '../../support/harness/worker-bundle.ts';
import { UserError } from '../../support/errors.ts';
import { collectRunDir, outcomeOf, writeIndex, type InstallationResult } from '../../support/evidence/index.ts';
import { workerEnv } from '../../support/harness/worker.ts';
import { cleanupPublished } from '../../support/harness/cleanup.ts';
import { finishRun } from '../../support/harness/finish.ts';
import { addRunFigures, addRunInfo, CUCUMBER_FILES, EVIDENCE_FILES, RUN_FILES, peakRssMb } from '../../support/evidence/runDir.ts';
import { runPreflight } from '../../support/preflight/run-preflight.ts';
import { CATALOG_TAGS, SKIP_REASONS } from '../../support/harness/classify.ts';
import { maxNetworkFailures, MAX_NETWORK_FAILURES_ENV, stopExitCode, writeSignalStop } from '../../support/harness/circuit.ts';
import { RATE_ENV, resolveRate } from '../../support/harness/pacing.ts';
import { describeUnresolved } from '../../support/harness/cleanup.ts';
import { STRICT_CN_ENV } from '../../support/pki/credentials.ts';
import { probeBeforeRun } from '../../support/stage/session-probe.ts';
import { loadProfile } from '../../support/config/profile.ts';
import { documentNotices } from '../../support/harness/vendor-documents.ts';
import { dirSize, formatSize, keepCount, pruneRuns, describePrune } from '../../support/evidence/prune.ts';
import { planRun } from '../plan.ts';
import { selectScenarios } from '../../support/harness/selection.ts';
import { usesEmbeddedSimulator } from '../../support/harness/target.ts';
import { chooseParallel } from '../../support/harness/parallelism.ts';
import { settleMs, SETTLE_ENV } from '../../support/harness/settle.ts';
import { UnsyncedAllureWriter } from '../../support/report/allure-writer.ts';

/** allure-cucumberjs's formatter without the results the report would drop (steps/formatters/allure.ts). */
const ALLURE_FORMATTER = pathToFileURL(resolve(PROJECT_ROOT, 'steps', 'formatters', 'allure.ts')).href;

const HELP = `fse-harness run — run RT's accreditation suite and produce the report and the evidence bundle

Usage: fse-harness run [options] [FEATURE...]

  FEATURE            feature files or folders to run instead of all of features/ (e.g. features/04-eliminazione.feature)

Options:
  --profile FILE     installation profile (default: testdata/profile.example.json, or $FSE_PROFILE).
                     Repeat it for several installations: --profile a.json --profile b.json runs them one after
                     another (each its own run directory, every other option applying to each), then writes
                     reports/index.html and reports/index.md (one line per installation); exit code 1 if any
                     installation failed
  --tags EXPR        Cucumber tag expression to run a slice, e.g. "@LAB and @positivo", "@delete", "@naz-28"
                     (always combined with the document types of the profile)
  --all              every scenario of the profile's types, negative cases included. Needed on stage only:
                     there the default is RT's accreditation run (@accreditamento-rt: per document type the four
                     methods over RT's five test fiscal codes, and the wrong-CF correction); against the simulator
                     the default is already every scenario
  --reports DIR      where runs are written (default: reports/)
  --catalogs DIR     official catalogs (XSD, schematron, terminology); default $FSE_CATALOGS_DIR
  --parallel N       Cucumber worker processes sending requests at the same time (1 = the run's own process; also
                     $FSE_PARALLEL). Default against stage 1; against the simulator 1 for up to 300 planned scenarios
                     (starting worker processes costs more than they save) and 2 above. The embedded simulator runs
                     in a process of its own; all workers write the same evidence.
  --rate N           at most N requests per second for the whole run, all workers together (default 2 against
                     stage, unlimited against the simulator; 0 = unlimited)
  --no-report        skip the Allure HTML generation (evidence and ledger are always written)
  --ci               CI mode: when catalogs are configured (FSE_CATALOGS_DIR / --catalogs), a skipped scenario
                     fails the run, because the catalogs were expected to work (used by npm test)
  --max-network-failures N
                     stop after N consecutive exchanges without an HTTP response (default 5, or the profile's
                     "maxNetworkFailures"): remaining scenarios are skipped, the clean-up still runs, exit code 1
  --strict-cn        refuse certificate CNs that do not follow RT's long form (default: a warning)
  --no-probe         against stage, skip the connection probe that runs before the first scenario
                     (see fse-harness probe --help)
  --keep N           at the end, remove old SIMULATOR runs beyond the N newest (never stage runs, never the
                     latest; each removed run is named): see fse-harness prune --help
  --keep-intermediate
                     keep allure-results/ after the report is built and write Cucumber's own HTML report and
                     message stream (cucumber/report.html, cucumber/messages.ndjson); by default they are not kept
  --help             this text

Interruptions: Ctrl-C (SIGINT) or SIGTERM stops starting scenarios, lets the calls in flight finish, deletes what
the run published (or may have published), writes ledger, report and summary, and exits 130 (SIGINT) / 143
(SIGTERM). A second Ctrl-C exits at once: what may be left is listed in <run>/evidence/published.jsonl and
\`fse-harness cleanup <run dir>\` deletes it.

Before anything is created (run directory, reports/latest, PKI, simulator) the slice is checked: a tag expression
that does not parse, matches nothing or names a type outside the profile, a feature path that does not exist, a
step that matches no step definition (the closest existing steps are listed) are one message, exit code 2.

What runs by default: against the simulator every scenario; on stage RT's accreditation run only (the negative
scenarios run there with --all, --tags or feature paths). The selection in force is printed at start and kept in
run.json. On stage the catalog scenarios (@sintassi, @schematron, @terminologia) are informative: what came back is
reported ("Informativo"), never a failure (RT's spec §3: transitional regional validation against the XSD only).

Without configuration it starts the embedded simulator (HTTPS + mutual TLS on 127.0.0.1, ephemeral port),
generates a test PKI into .fse/pki and runs every scenario for the profile's document types.

Output: reports/runs/<UTC timestamp>-<installation>/ (and reports/latest pointing at it):
  allure-report/index.html   the report auditors read (single file, opens from disk)
  evidence/ledger.csv        one row per HTTP exchange with its X-Cart-id (also ledger.jsonl)
  evidence/exchanges/        exact request/response bytes;  evidence/pdf/  the signed PDFs sent
  summary.md                 what RT asks for before production (accepted X-Cart-id per method × type first)
  mail-rt.txt                the mail to RT, ready to paste;  evidence-bundle.zip  for Toscana Compliance

Examples:
  npm run accreditation
  fse-harness run --profile impianto-firenze.json --tags "@LAB"
  fse-harness run --profile impianto-firenze.json --all        (stage: negative cases too)
  fse-harness run features/04-eliminazione.feature --tags "@LAB" --keep 5
  fse-harness run --profile impianto-firenze.json --profile impianto-prato.json
`;

function out(line: string): void { process.stdout.write(`${line}\n`); }

/** Copies everything the run prints into <run dir>/console.log (part of the evidence; never contains secrets). */
function teeConsole(): { attach(file: string): void; detach(): void } {
  const { appendFileSync } = require('node:fs') as typeof import('node:fs');
  let file: string | null = null;
  const pending: string[] = [];
  const orig = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const wrap = (w: typeof process.stdout.write) => ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (file) appendFileSync(file, text); else pending.push(text);
    return (w as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stdout.write = wrap(orig.out);
  process.stderr.write = wrap(orig.err);
  return {
    attach(f) { file = f; appendFileSync(f, pending.join('')); pending.length = 0; },
    detach() { process.stdout.write = orig.out; process.stderr.write = orig.err; },
  };
}

const command: Command = {
  name: 'run',
  summary: 'run the accreditation suite (default: against the embedded simulator) and build report + evidence',
  help: HELP,
  async run(argv) {
    const { flags, positionals } = parseArgs(argv, { multiple: ['profile'], string: ['tags', 'reports', 'catalogs', 'parallel', 'max-network-failures', 'keep', 'rate'], boolean: ['all', 'no-report', 'ci', 'strict-cn', 'no-probe', 'keep-intermediate'] });
    // by environment, so that the parallel worker processes get them too
    if (flags['strict-cn']) process.env[STRICT_CN_ENV] = '1';
    if (flags['max-network-failures'] !== undefined) process.env[MAX_NETWORK_FAILURES_ENV] = String(flags['max-network-failures']);
    maxNetworkFailures({}, process.env); // a bad value is a UserError before anything starts
    if (flags.rate !== undefined) process.env[RATE_ENV] = String(flags.rate);
    resolveRate('stage', process.env); // likewise
    const profiles = (flags.profile as string[] | undefined) ?? [];
    if (profiles.length > 1) return runSeveral(argv, profiles, flags);
    flags.profile = profiles[0];
    const t0 = performance.now();
    const tee = teeConsole();
    try {
      return await runSuite(flags, positionals, t0, tee);
    } finally {
      tee.detach();
    }
  },
};

/** The simulator's process forked ahead of time, or undefined when that fails (startSimulatorProcess then says why). */
function forkAhead(): ReturnType<typeof forkSimulatorProcess> | undefined {
  try {
    return forkSimulatorProcess();
  } catch {
    return undefined;
  }
}

async function runSuite(flags: Record<string, unknown>, paths: string[], t0: number, tee: { attach(f: string): void }): Promise<number> {
    const profilePath = resolve(String(flags.profile ?? process.env.FSE_PROFILE ?? DEFAULT_PROFILE));
    out(`fse-harness: profile ${relative(process.cwd(), profilePath) || profilePath}`);
    const keep = flags.keep === undefined ? undefined : keepCount(flags.keep);

    // Before anything is created (run directory, reports/latest, PKI, simulator): the tags, the paths, the planned
    // scenarios and their steps. A mistake there is one message and nothing else.
    const planProfile = loadProfile(profilePath).profile;
    // The embedded simulator's process loads its modules while this one plans (nothing is created by it until it is
    // given its start options in Session.open); killed if the run stops before that.
    let warmSimulator = usesEmbeddedSimulator(planProfile) ? forkAhead() : undefined;
    let plan: Awaited<ReturnType<typeof planRun>>;
    let selection: ReturnType<typeof selectScenarios>;
    let settle: number;
    let par: ReturnType<typeof chooseParallel>;
    let bundling: Promise<WorkerBundle | Error> | undefined;
    let simulator: SimulatorProcessTarget | undefined;
    let session: Session;
    try {
      selection = selectScenarios({ target: planProfile.target, tags: flags.tags === undefined ? undefined : String(flags.tags), all: !!flags.all, paths });
      plan = await planRun({ profile: planProfile, userTags: selection.tags, paths });
      settle = settleMs(planProfile, process.env); // a bad FSE_SETTLE_MS is a UserError before anything starts
      // on stage one worker (RT's stage is shared: a run must not hammer it), paced by --rate (support/harness/pacing.ts)
      par = chooseParallel({ flag: flags.parallel, env: process.env.FSE_PARALLEL, target: planProfile.target, planned: plan.scenarios.length });
      // the workers' compiled step code is built while the session opens (support/harness/worker-bundle.ts)
      bundling = par.parallel > 1 ? buildWorkerBundle({ importPaths: plan.support.originalCoordinates.importPaths, outDir: WORKER_BUNDLE_DIR }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))) : undefined;

      // Everything a user can get wrong is checked here, before any network call.
      session = await Session.open({
        profilePath,
        reportsDir: flags.reports ? resolve(String(flags.reports)) : undefined,
        catalogsDir: flags.catalogs ? resolve(String(flags.catalogs)) : undefined,
        log: (l) => out(`  ${l}`),
        startEmbedded: async (o) => {
          const child = warmSimulator;
          warmSimulator = undefined;
          return (simulator = await startSimulatorProcess(o, { child }));
        },
      });
    } finally {
      warmSimulator?.kill('SIGKILL'); // not taken by Session.open: the run stopped before it needed the simulator
    }
    setCurrentSession(session);
    // Run by `run --profile a --profile b`: tell the parent where this installation's run directory is.
    if (process.env[SEVERAL_RESULT_ENV]) writeFileSync(process.env[SEVERAL_RESULT_ENV], `${JSON.stringify({ runDir: session.runDir.dir })}\n`);
    tee.attach(resolve(session.runDir.dir, RUN_FILES.consoleLog));
    let success = false;
    const signals = interruptions(session.runDir.dir);
    try {
      const p = session.profile;
      out(`fse-harness: installation ${p.installation} — ${p.provider.name} (P.IVA ${p.provider.partitaIva}, CODREP ${p.codRep})`);
      const proxy = session.connection.proxy;
      out(`fse-harness: target ${p.target} ${session.baseUrl}${proxy ? ` via proxy ${proxy.display} (from ${proxy.source === 'profile' ? 'the profile' : proxy.source})` : ''}`);
      for (const w of session.credentials.warnings ?? []) out(`fse-harness: WARNING — ${w}`);
      out(`fse-harness: run directory ${relative(process.cwd(), session.runDir.dir)}`);
      session.addNotices(documentNotices(session.vendorDocuments, plan.scenarios.map((sc) => sc.steps.map((st) => st.text))));
      for (const n of session.notices) out(`fse-harness: ${n.text}`);
      await runPreflight(session, (l) => out(`  ${l}`));
      if (p.target === 'stage' && !flags['no-probe']) await probeBeforeRun(session, (l) => out(`  ${l}`));

      out(`fse-harness: selection ${selection.description}`);
      out(`fse-harness: settle time after a 202: ${settle} ms (a 404 on that document is retried within it; profile "settleMs" or ${SETTLE_ENV})`);
      addRunInfo(session.runDir.dir, { selection: { kind: selection.kind, tags: plan.tags, description: selection.description } });
      out(`fse-harness: scenarios ${plan.tags}${paths.length ? ` in ${paths.join(' ')}` : ''}`);
      if (p.target === 'simulator' && !session.simulatorValidates) {
        out('fse-harness: WARNING — the simulator has NO official catalogs: CDA XSD/schematron/terminology checks are OFF and the');
        out(`             scenarios tagged ${CATALOG_TAGS} will be SKIPPED (set FSE_CATALOGS_DIR to run them)`);
      }

      const { runCucumber } = await import('@cucumber/cucumber/api');
      const rd = session.runDir;
      const { parallel, why: parallelWhy } = par;
      const bundle = await bundling;
      if (bundle instanceof Error) out(`fse-harness: WARNING — the workers will load the TypeScript sources through tsx (≈ 0.6 s slower start each): compiling them failed: ${bundle.message}`);
      const compiled = bundle instanceof Error ? undefined : bundle;
      if (session.pacer) out(`fse-harness: at most ${session.pacer.rate} requests per second (--rate)`);
      // Workers are separate processes: they get the run directory, the simulator URL and the profile by environment.
      const cucumberEnv: NodeJS.ProcessEnv = parallel > 1 ? {
        ...process.env,
        // the compiled step code needs no TypeScript loader; its source map keeps the .ts lines in stack traces
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${compiled ? '--enable-source-maps' : '--import tsx'}`.trim(),
        FSE_PROFILE: session.profilePath,
        ...workerEnv({ runDir: rd.dir, baseUrl: session.baseUrl, simulatorValidates: session.simulatorValidates, profileSha256: session.profileSha256 }),
        ...(flags.catalogs ? { FSE_CATALOGS_DIR: resolve(String(flags.catalogs)) } : {}),
      } : process.env;
      out(parallel > 1 ? `fse-harness: ${parallel} parallel workers (${parallelWhy})` : `fse-harness: one process (${parallelWhy})`);
      // The run's outputs: the Allure results (→ the HTML report), JUnit for CI; Cucumber's own HTML report and its
      // message stream (large, and repeating what the Allure report and the evidence hold) only when asked.
      const intermediate = !!flags['keep-intermediate'];
      const rc = plan.runConfiguration;
      const runConfiguration = {
        ...rc,
        // the workers import the compiled module in place of steps/*.ts (the coordinator keeps its own loaded library)
        support: compiled ? { ...plan.support, originalCoordinates: { ...plan.support.originalCoordinates, importPaths: [compiled.file] } } : plan.support,
        formats: {
          ...rc.formats,
          files: {
            ...rc.formats.files,
            [resolve(rd.cucumberDir, CUCUMBER_FILES.allureLog)]: ALLURE_FORMATTER,
            [resolve(rd.cucumberDir, CUCUMBER_FILES.junit)]: 'junit',
            ...(intermediate ? { [resolve(rd.cucumberDir, CUCUMBER_FILES.html)]: 'html', [resolve(rd.cucumberDir, CUCUMBER_FILES.messages)]: 'message' } : {}),
          },
          // allure-cucumberjs spreads its options over its own ones: `writer` replaces the stock fsync-per-file writer.
          // Cucumber types format options as JSON; formatters run in this process and receive this very object.
          options: { ...rc.formats.options, resultsDir: rd.allureResultsDir, writer: new UnsyncedAllureWriter({ resultsDir: rd.allureResultsDir }) as unknown as string },
        },
        runtime: { ...rc.runtime, parallel: parallel > 1 ? parallel : 0 },
      };
      out(`fse-harness: ${plan.scenarios.length} scenarios planned`);
      session.records.setTotalScenarios(plan.scenarios.length, { share: parallel > 1 });
      const result = await runCucumber(runConfiguration, { cwd: PROJECT_ROOT, stdout: process.stdout, stderr: process.stderr, env: cucumberEnv });
      success = result.success;
      if (process.env.FSE_DEBUG_MEM) out(`debug: after runCucumber, peak RSS so far ${peakRssMb()} MB`);
      if (process.env.FSE_DEBUG_MEM && typeof (globalThis as { gc?: () => void }).gc === 'function') {
        (globalThis as { gc?: () => void }).gc!();
        const m = process.memoryUsage();
        out(`debug: after the suite, heap used ${Math.round(m.heapUsed / 2 ** 20)} MB, rss ${Math.round(m.rss / 2 ** 20)} MB, external ${Math.round(m.external / 2 ** 20)} MB`);
      }

      out('fse-harness: deleting what the run published or may have published (stage hygiene)…');
      const cleaned = await cleanupPublished(session);
      out(`  ${cleaned.deleted} documents deleted${cleaned.absent ? `, ${cleaned.absent} never published (404)` : ''}${cleaned.unresolved.length ? `, ${cleaned.unresolved.length} UNRESOLVED (listed in summary.md; retry with: fse-harness cleanup ${relative(process.cwd(), session.runDir.dir)})` : ''}`);
      for (const l of describeUnresolved(cleaned.unresolved)) out(`  UNRESOLVED ${l}`);
    } finally {
      signals.enterFinish();
      await session.close();
      setCurrentSession(null);
    }
    let finished: Awaited<ReturnType<typeof finishRun>>;
    try {
      finished = await finishRun(session, { report: !flags['no-report'], keepIntermediate: !!flags['keep-intermediate'], log: (l) => out(`  ${l}`) });
    } finally {
      signals.dispose();
    }
    const wall = (performance.now() - t0) / 1000;
    const scenarios = session.records.readScenarios();
    const passed = scenarios.filter((s) => s.status === 'PASSED').length;
    const skipped = scenarios.filter((s) => s.status === 'SKIPPED').length;
    const failed = scenarios.length - passed - skipped;
    const infra = scenarios.filter((sc) => sc.status !== 'PASSED' && sc.status !== 'SKIPPED' && sc.outcomes.some((o) => o.infrastructure)).length;
    const exchanges = finished.exchanges; // the ledger's rows, as finishRun read them for summary.md (read once: the run's memory peaks at its end)
    out('');
    const stop = session.circuit.stopRecord();
    if (stop) out(`fse-harness: ${stop.kind === 'signal' ? 'RUN INTERRUPTED' : 'RUN STOPPED'} — ${stop.reason}${stop.lastError ? ` (last error: ${stop.lastError})` : ''}; ${scenarios.filter((s) => s.skip === 'stopped').length} scenarios skipped, nothing sent for them`);
    for (const [why, n] of skipCounts(scenarios.filter((s) => !stop || s.skip !== 'stopped'))) out(`fse-harness: WARNING — ${n} scenarios SKIPPED: ${why}`);
    out(`fse-harness: ${passed} passed, ${failed} failed${infra ? ` (${infra} of them by an infrastructure answer: 429/502/503/504, proxy page or no answer — not a non-conformity)` : ''}${skipped ? `, ${skipped} skipped` : ''} (${scenarios.length} scenarios, ${exchanges} HTTP exchanges)`);
    const informative = scenarios.filter((s) => s.informative && s.status !== 'SKIPPED');
    if (informative.length) out(`fse-harness: ${informative.length} of them informative (stage, catalog scenarios: reported, never failing the run), ${informative.filter((s) => s.informative!.findings.length).length} answered otherwise than the national validator would (report category "Informativo")`);
    out(`fse-harness: report   ${finished.report ?? '(not generated)'}`);
    out(`fse-harness: evidence ${finished.bundle}`);
    out(`fse-harness: summary  ${finished.summary}`);
    out(`fse-harness: mail RT  ${finished.mail}`);
    out(`fse-harness: run directory ${relative(process.cwd(), session.runDir.dir)} (${formatSize(dirSize(session.runDir.dir))})`);
    const workersRss = session.records.readWorkersRss();
    const coordinatorRssMb = peakRssMb();
    const simulatorRss = simulator?.peakRssMb();
    out(`fse-harness: wall time ${wall.toFixed(1)} s, peak RSS: coordinator ${coordinatorRssMb} MB${simulatorRss ? `, simulator ${simulatorRss} MB` : ''}${workersRss.length ? `, workers ${workersRss.map((r) => `${r} MB`).join(', ')}` : ''}${finished.reportPeakRssMb ? `, report renderer ${finished.reportPeakRssMb} MB` : ''}`);
    addRunFigures(session.runDir.dir, { wallSeconds: Number(wall.toFixed(1)), scenarios: scenarios.length, passed, failed, skipped, exchanges, peakRssMb: coordinatorRssMb, ...(simulatorRss ? { simulatorPeakRssMb: simulatorRss } : {}), workersPeakRssMb: workersRss, ...(finished.reportPeakRssMb ? { reportPeakRssMb: finished.reportPeakRssMb } : {}) });
    out(`scenarios: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    if (keep !== undefined) {
      const pruned = pruneRuns(resolve(session.runDir.dir, '..', '..'), { keep });
      for (const l of describePrune(pruned)) out(`fse-harness: ${l}`);
    }
    if (!existsSync(session.runDir.dir)) return 1;
    if (flags.ci && session.catalogsDir && skipped > 0) {
      out(`fse-harness: --ci: ${skipped} scenarios were skipped although catalogs are configured (${session.catalogsDir}): failing the run`);
      return 1;
    }
    // an interruption wins over an earlier stop (network down): the operator asked for it
    const sig = signals.received();
    if (sig) return stopExitCode({ kind: 'signal', signal: sig });
    if (stop) return stopExitCode(stop);
    return success ? 0 : 1;
}

/** Set by `run` with several profiles for each installation's own run: the file where it writes its run directory. */
const SEVERAL_RESULT_ENV = 'FSE_SEVERAL_RESULT_FILE';

/** argv without the options the parent handles itself (`--profile`, `--keep`), in both `--x v` and `--x=v` forms. */
export function argsWithout(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { out.push(...argv.slice(i)); break; }
    const name = a.startsWith('--') ? a.slice(2).split('=')[0]! : '';
    if (names.includes(name)) { if (!a.includes('=')) i++; continue; }
    out.push(a);
  }
  return out;
}

/**
 * `run --profile a.json --profile b.json …` (README "Several installations"): each installation runs in a process of
 * its own, one after another, exactly as `run --profile a.json …` would (its own run directory, console.log,
 * simulator or stage session, signals); then reports/index.html and index.md list them all.
 */
async function runSeveral(argv: string[], profiles: string[], flags: Record<string, unknown>): Promise<number> {
  const abs = profiles.map((p) => resolve(p));
  const dup = abs.find((p, i) => abs.indexOf(p) !== i);
  if (dup) throw new UserError('PROFILE_REPEATED', `The profile ${dup} is given twice`, 'Give each installation\'s profile once.');
  // Every profile is checked before the first installation runs: a mistake in the last one is not found an hour
  // later. Each is read with its own copy of the environment, so a profile's .env never reaches another installation.
  const loaded = abs.map((p) => loadProfile(p, { env: { ...process.env } }).profile);
  const keep = flags.keep === undefined ? undefined : keepCount(flags.keep);
  const reportsDir = resolve(flags.reports ? String(flags.reports) : DEFAULT_REPORTS_DIR);
  const childArgs = argsWithout(argv, ['profile', 'keep']);
  const tmp = mkdtempSync(join(tmpdir(), 'fse-several-'));
  const results: InstallationResult[] = [];
  // Ctrl-C reaches the running installation too (same process group), which stops and cleans up by itself: here it
  // only means "start no further installation". SIGTERM is usually sent to this process alone: it is passed on.
  let interrupted = false;
  let child: ReturnType<typeof spawn> | undefined;
  const onInt = () => { interrupted = true; };
  const onTerm = () => { interrupted = true; child?.kill('SIGTERM'); };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    for (let k = 0; k < abs.length; k++) {
      const p = loaded[k]!;
      const label = `installation ${k + 1} of ${abs.length}: ${p.installation} (${profiles[k]}, target ${p.target})`;
      if (interrupted) {
        results.push({ profile: profiles[k]!, installation: p.installation, target: p.target, exitCode: 130, note: 'non avviata: esecuzione interrotta' });
        continue;
      }
      out('');
      out(`fse-harness: ==== ${label} ====`);
      const resultFile = join(tmp, `${k}.json`);
      const exitCode = await new Promise<number>((done) => {
        child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'fse-harness.js'), 'run', '--profile', abs[k]!, ...childArgs], {
          stdio: 'inherit',
          env: { ...process.env, [SEVERAL_RESULT_ENV]: resultFile },
        });
        child.on('error', () => done(1));
        child.on('exit', (code, signal) => done(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 9) : 1)));
      });
      child = undefined;
      let runDir: string | undefined;
      try { runDir = (JSON.parse(readFileSync(resultFile, 'utf8')) as { runDir: string }).runDir; } catch { /* refused at start-up */ }
      const r: InstallationResult = {
        profile: profiles[k]!, installation: p.installation, target: p.target, exitCode,
        ...(runDir && existsSync(runDir) ? collectRunDir(reportsDir, runDir) : { note: `non avviata: rifiutata all'avvio (codice ${exitCode}), vedi l'output` }),
      };
      results.push(r);
      out(`fse-harness: ==== ${label}: ${outcomeOf(r)} (exit code ${exitCode}) ====`);
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    rmSync(tmp, { recursive: true, force: true });
  }
  const index = writeIndex(reportsDir, results);
  out('');
  for (const [k, r] of results.entries()) out(`fse-harness: ${k + 1}/${results.length} ${r.installation}: ${outcomeOf(r)}${r.runDir ? ` — ${r.runDir}` : ''}${r.note ? ` (${r.note})` : ''}`);
  out(`fse-harness: index    ${relative(process.cwd(), index.html)} and ${relative(process.cwd(), index.md)}`);
  if (keep !== undefined) {
    // The installations just run are never pruned by their own batch: keep at least as many simulator runs.
    const pruned = pruneRuns(reportsDir, { keep: Math.max(keep, results.length) });
    for (const l of describePrune(pruned)) out(`fse-harness: ${l}`);
  }
  if (interrupted) return 130;
  return results.some((r) => r.exitCode !== 0) ? 1 : 0;
}

/**
 * SIGINT/SIGTERM during a run (README § "Interrupted runs and clean-up"). The first one writes the run's stop record
 * (support/harness/circuit.ts): no scenario starts after it and no worker sends again, the calls in flight finish and
 * are recorded, then the usual end runs — clean-up of what was published, ledger, report, summary — and the run exits
 * 130/143. A second one exits at once, leaving the journal of what may be published for `fse-harness cleanup`.
 */
function interruptions(runDir: string): { enterFinish(): void; dispose(): void; received(): 'SIGINT' | 'SIGTERM' | null } {
  let first: 'SIGINT' | 'SIGTERM' | null = null;
  let finishing = false;
  const rel = relative(process.cwd(), runDir) || runDir;
  const handler = (sig: 'SIGINT' | 'SIGTERM') => {
    if (first) {
      process.stderr.write(`\nfse-harness: second ${sig} — exiting now, without ${finishing ? 'finishing the report' : 'the clean-up'}.\n`
        + `  What the run published or may have published is listed in ${join(rel, 'evidence', EVIDENCE_FILES.published)}; delete it with:\n`
        + `    fse-harness cleanup ${rel}\n`);
      process.exit(stopExitCode({ kind: 'signal', signal: first }));
    }
    first = sig;
    const stop = writeSignalStop(runDir, sig);
    process.stderr.write(`\nfse-harness: ${sig} — ${stop.kind === 'signal' ? 'stopping' : `stopping (already stopped: ${stop.reason})`}: no new scenario starts, the calls in flight`
      + ' finish, then what was published is deleted and the report written. Press Ctrl-C again to exit at once.\n');
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    enterFinish() { finishing = true; },
    received: () => first,
    dispose() { process.off('SIGINT', onInt); process.off('SIGTERM', onTerm); },
  };
}

/** Skipped scenarios by reason (the one the hook recorded). */
function skipCounts(scenarios: readonly { status: string; skip?: keyof typeof SKIP_REASONS }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of scenarios) {
    if (s.status !== 'SKIPPED') continue;
    const why = SKIP_REASONS[s.skip ?? 'catalogs'];
    m.set(why, (m.get(why) ?? 0) + 1);
  }
  return m;
}
export default command;
