/**
 * One directory per run: reports/runs/<UTC yyyymmddTHHMMSSZ>-<installation>[-N]/ — never overwritten.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Files at the top of a run directory. */
export const RUN_FILES = {
  /** Everything the run printed (the coordinator's and the workers' output). */
  consoleLog: 'console.log',
  /** The mail RT asks for before production. */
  summary: 'summary.md',
  /** The mail to RT, ready to paste (support/evidence/mail.ts): subject, body, the X-Cart-id table. */
  mailRt: 'mail-rt.txt',
  /** National accreditation format. */
  dataJson: 'data.json',
  /** Reproducible zip of the evidence, for Toscana Compliance. */
  bundle: 'evidence-bundle.zip',
  /**
   * Why the run stopped early — network down, a failed probe, SIGINT/SIGTERM — (support/harness/circuit.ts): every
   * process of the run reads it before sending. Absent when the run was not stopped.
   */
  stop: 'stop.json',
  /** The connection probe's result, machine-readable (support/stage/probeReport.ts); stage runs and `fse-harness probe`. */
  probeJson: 'probe.json',
  /** The same for a person, Italian and English. */
  probeMd: 'probe.md',
  /** What the run is (installation, target, gateway URL, start, profile and PKI used): written when it starts; `prune` reads the target, `cleanup` the rest. */
  runInfo: 'run.json',
} as const;

/** Files in `<run>/evidence/`. */
export const EVIDENCE_FILES = {
  ledgerCsv: 'ledger.csv',
  ledgerJsonl: 'ledger.jsonl',
  manifest: 'manifest.json',
  /** Folder of the raw `NNNN-<method>.request.http` / `.response.http`. */
  exchanges: 'exchanges',
  /** Folder of the signed PDFs sent. */
  pdf: 'pdf',
  /**
   * Journal of what the run published, may have published and deleted (support/harness/published.ts): what the end
   * of the run and `fse-harness cleanup` delete. Ids, types and patients only, never document bytes.
   */
  published: 'published.jsonl',
} as const;

/** Files in `<run>/cucumber/`: Cucumber's outputs and the run's working records, shared by the parallel workers. */
export const CUCUMBER_FILES = {
  /** One JSON line per finished scenario (support/harness/run-records.ts). */
  scenarios: 'scenarios.jsonl',
  /** Number of planned scenarios, for the workers' `[n/total]` progress. */
  total: 'total.txt',
  /** What summary.md was written from at the end of the run (`fse-harness cleanup` regenerates it from the same). */
  meta: 'run-meta.json',
  /** `--rate`: one empty file per request slot claimed by any process of the run (support/harness/pacing.ts). */
  rateSlots: 'rate-slots',
  /** Exchange numbers claimed by the writers of the run's ledger (support/evidence/ledger.ts), one empty file each. */
  seqClaims: 'seq-claims',
  /** Peak RSS of each parallel worker (MB), one line each. */
  workersRss: 'workers-rss.txt',
  allureLog: 'allure.log',
  junit: 'junit.xml',
  /** Cucumber's HTML report and message stream: only with `run --keep-intermediate`. */
  html: 'report.html',
  messages: 'messages.ndjson',
} as const;

export interface RunDir {
  /** Directory name, e.g. 20261123T171500Z-impianto1 (or ...-2). */
  id: string;
  /** Absolute path of the run directory. */
  dir: string;
  evidenceDir: string;
  allureResultsDir: string;
  allureReportDir: string;
  cucumberDir: string;
}

/** `yyyymmddTHHMMSSZ` in UTC. */
export function utcStamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Keeps [A-Za-z0-9._-]; other characters become `_` (an empty result becomes `installation`). */
export function safeSegment(s: string): string {
  const out = s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return out === '' ? 'installation' : out;
}

export function runDirPaths(dir: string): RunDir {
  const abs = resolve(dir);
  return {
    id: abs.split(/[\\/]/).pop()!,
    dir: abs,
    evidenceDir: join(abs, 'evidence'),
    allureResultsDir: join(abs, 'allure-results'),
    allureReportDir: join(abs, 'allure-report'),
    cucumberDir: join(abs, 'cucumber'),
  };
}

/** Folders under the reports directory: one per run, one per `fse-harness probe`. */
export const REPORTS_DIRS = {
  runs: 'runs',
  /** `fse-harness probe`: probe.json, probe.md and evidence/ (never in runs/, reports/latest left alone). */
  probes: 'probes',
} as const;

/** Claims `<parent>/<base>` or `<base>-2`, `-3`… with a non-recursive mkdir (atomic, safe against concurrent runs). */
function claimDir(parent: string, base: string): string {
  mkdirSync(parent, { recursive: true });
  let id = base;
  for (let n = 2; ; n++) {
    try {
      // Non-recursive mkdir fails with EEXIST: the atomic "claim" of the name.
      mkdirSync(join(parent, id));
      return join(parent, id);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      id = `${base}-${n}`;
    }
  }
}

export function createRunDir(reportsDir: string, installation: string, now: Date = new Date()): RunDir {
  const rd = runDirPaths(claimDir(resolve(reportsDir, REPORTS_DIRS.runs), `${utcStamp(now)}-${safeSegment(installation)}`));
  for (const d of [join(rd.evidenceDir, EVIDENCE_FILES.exchanges), join(rd.evidenceDir, EVIDENCE_FILES.pdf), rd.allureResultsDir, rd.cucumberDir]) {
    mkdirSync(d, { recursive: true });
  }
  pointLatest(resolve(reportsDir), rd.dir);
  return rd;
}

/**
 * `fse-harness probe` writes into reports/probes/<UTC>-<installation>[-N]/ (never into runs/, and reports/latest is
 * left alone): RUN_FILES.probeJson, RUN_FILES.probeMd and evidence/ (the ledger and exact bytes of the probe's call).
 */
export function createProbeDir(reportsDir: string, installation: string, now: Date = new Date()): RunDir {
  return runDirPaths(claimDir(resolve(reportsDir, REPORTS_DIRS.probes), `${utcStamp(now)}-${safeSegment(installation)}`));
}

/** reports/latest → runs/<id> (relative symlink, replaced atomically by rename); on failure reports/LATEST.txt. */
export function pointLatest(reportsDir: string, runDirAbs: string): void {
  const target = relative(reportsDir, runDirAbs);
  const link = join(reportsDir, 'latest');
  const tmp = join(reportsDir, `.latest.${process.pid}.${Date.now()}`);
  try {
    symlinkSync(target, tmp, 'dir');
    renameSync(tmp, link);
    rmSync(join(reportsDir, 'LATEST.txt'), { force: true });
  } catch {
    rmSync(tmp, { force: true });
    writeFileSync(join(reportsDir, 'LATEST.txt'), `${target}\n`);
  }
}

/** Resolves reports/latest (symlink or LATEST.txt) to an absolute run directory. */
export function resolveLatest(reportsDir: string): string | undefined {
  const link = join(reportsDir, 'latest');
  try {
    // realpath follows the symlink
    return realpath(link);
  } catch { /* fall through */ }
  try {
    const t = readText(join(reportsDir, 'LATEST.txt')).trim();
    if (t) return resolve(reportsDir, t);
  } catch { /* none */ }
  return undefined;
}

function realpath(p: string): string {
  const r = realpathSync(p);
  if (!statSync(r).isDirectory()) throw new Error('not a directory');
  return r;
}
function readText(p: string): string {
  return readFileSync(p, 'utf8');
}

/** This process's peak resident memory so far, MB (the unit of every RSS figure in RunFigures). */
export const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** The run's own figures, added to run.json when the run ends (read by `npm run bench`, never by the evidence). */
export interface RunFigures {
  wallSeconds: number;
  scenarios: number;
  passed: number;
  failed: number;
  skipped: number;
  exchanges: number;
  /** Peak RSS of the coordinating process (Cucumber's coordinator, the Allure formatter, the evidence bundle), MB. */
  peakRssMb: number;
  /** Peak RSS of the embedded simulator's own process, MB; absent against stage or a simulator started elsewhere. */
  simulatorPeakRssMb?: number;
  /** Peak RSS of each parallel worker, MB. */
  workersPeakRssMb: number[];
  /** Peak RSS of the process that rendered the HTML report (a child of its own), MB; absent without the report. */
  reportPeakRssMb?: number;
}

export function addRunFigures(runDir: string, figures: RunFigures): void {
  addRunInfo(runDir, { figures });
}

/** Merges fields into run.json (e.g. the scenario selection in force, written when the run starts). */
export function addRunInfo(runDir: string, fields: Record<string, unknown>): void {
  const file = join(runDir, RUN_FILES.runInfo);
  const info = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...info, ...fields }, null, 2)}\n`);
}
