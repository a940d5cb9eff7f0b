/**
 * Removing old runs: `fse-harness prune --keep N` and `fse-harness run --keep N`. Only runs against the SIMULATOR
 * are ever removed, and only those beyond the N newest; a stage run (evidence for RT) is never removed, nor the run
 * `reports/latest` points at, nor a run whose target cannot be told (it is kept and said so).
 * A run's target is read from its `run.json` (written when the run starts), or — for runs made before that file
 * existed — from the `fse-harness: target …` line of its console.log.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { RUN_FILES, resolveLatest } from './runDir.ts';

export interface RunInfo {
  installation: string;
  target: string;
  baseUrl: string;
  startedAt: string;
}

export interface PruneResult {
  removed: { id: string; bytes: number }[];
  kept: { id: string; target: string; why: 'newest' | 'latest' | 'stage' | 'unknown target' }[];
  dryRun: boolean;
}

/** `--keep N`: a whole number ≥ 0 (the latest run is kept whatever N is). */
export function keepCount(v: unknown): number {
  const n = Number(v);
  if (typeof v === 'boolean' || !Number.isInteger(n) || n < 0) throw new UserError('USAGE', `--keep needs a whole number ≥ 0 (simulator runs to keep), got ${JSON.stringify(v)}`);
  return n;
}

/** The target a run was made against ('simulator', 'stage'), or undefined when it cannot be told. */
export function runTarget(runDir: string): string | undefined {
  try {
    const info = JSON.parse(readFileSync(join(runDir, RUN_FILES.runInfo), 'utf8')) as Partial<RunInfo>;
    if (typeof info.target === 'string') return info.target;
  } catch { /* older run: console.log */ }
  try {
    const m = /^fse-harness: target (\S+) /m.exec(readFileSync(join(runDir, RUN_FILES.consoleLog), 'utf8'));
    if (m) return m[1];
  } catch { /* none */ }
  return undefined;
}

/** Bytes under a directory (files only; symbolic links are not followed). */
export function dirSize(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += statSync(p).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}

export function formatSize(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  if (bytes >= 2 ** 10) return `${Math.round(bytes / 2 ** 10)} KB`;
  return `${bytes} B`;
}

/** Removes the simulator runs of `reportsDir/runs/` beyond the `keep` newest (run directory names start with their UTC start). */
export function pruneRuns(reportsDir: string, o: { keep: number; dryRun?: boolean }): PruneResult {
  const runsDir = resolve(reportsDir, 'runs');
  const result: PruneResult = { removed: [], kept: [], dryRun: !!o.dryRun };
  if (!existsSync(runsDir)) return result;
  const latest = resolveLatest(resolve(reportsDir));
  const ids = readdirSync(runsDir).filter((n) => !n.startsWith('.') && lstatSync(join(runsDir, n)).isDirectory()).sort().reverse(); // newest first
  let simulatorRuns = 0;
  for (const id of ids) {
    const dir = join(runsDir, id);
    const target = runTarget(dir);
    if (latest && resolve(latest) === resolve(dir)) { result.kept.push({ id, target: target ?? '?', why: 'latest' }); if (target === 'simulator') simulatorRuns++; continue; }
    if (target === undefined) { result.kept.push({ id, target: '?', why: 'unknown target' }); continue; }
    if (target !== 'simulator') { result.kept.push({ id, target, why: 'stage' }); continue; }
    if (simulatorRuns < o.keep) { simulatorRuns++; result.kept.push({ id, target, why: 'newest' }); continue; }
    const bytes = dirSize(dir);
    if (!o.dryRun) rmSync(dir, { recursive: true, force: true });
    result.removed.push({ id, bytes });
  }
  return result;
}

/** What a prune did, for the console (what was removed is always named). */
export function describePrune(r: PruneResult): string[] {
  const verb = r.dryRun ? 'would remove' : 'removed';
  const lines: string[] = [];
  const total = r.removed.reduce((a, x) => a + x.bytes, 0);
  if (r.removed.length === 0) lines.push(`prune: nothing to remove (${r.kept.length} runs kept)`);
  else {
    lines.push(`prune: ${verb} ${r.removed.length} simulator run(s), ${formatSize(total)}:`);
    for (const x of r.removed) lines.push(`  runs/${x.id} (${formatSize(x.bytes)})`);
  }
  const by = (why: PruneResult['kept'][number]['why']) => r.kept.filter((k) => k.why === why);
  const kept = [
    ...by('latest').map((k) => `reports/latest (runs/${k.id})`),
    ...(by('newest').length ? [`the ${by('newest').length} newest other simulator run(s)`] : []),
    ...(by('stage').length ? [`${by('stage').length} stage run(s) (never removed)`] : []),
    ...(by('unknown target').length ? [`${by('unknown target').length} run(s) whose target cannot be told (never removed: ${by('unknown target').map((k) => k.id).join(', ')})`] : []),
  ];
  lines.push(`prune: kept ${kept.length ? kept.join(', ') : 'nothing'}`);
  return lines;
}
