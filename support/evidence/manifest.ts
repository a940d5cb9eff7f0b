/**
 * evidence/manifest.json: SHA-256 of every evidence file, so the bundle can be checked after the fact.
 * Covered: evidence/** (except the manifest itself), summary.md and mail-rt.txt, the connection probe's probe.json/probe.md and
 * the stop record stop.json when the run has them, data.json files (anywhere in the run dir outside
 * allure-results/, allure-report/, cucumber/ and node_modules/).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { sha256File } from '../hash.ts';
import { EVIDENCE_FILES, RUN_FILES } from './runDir.ts';

export const MANIFEST_REL = `evidence/${EVIDENCE_FILES.manifest}`;

export interface Manifest {
  generatedAt: string;
  algorithm: 'sha256';
  files: Record<string, string>;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
    // symlinks and special files are not evidence: skipped on purpose
  }
}

const NOT_EVIDENCE_DIRS = new Set(['allure-results', 'allure-report', 'cucumber', 'node_modules', 'evidence']);

function findDataJson(dir: string, root: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (dir === root && NOT_EVIDENCE_DIRS.has(e.name)) continue;
      findDataJson(p, root, out);
    } else if (e.isFile() && e.name === RUN_FILES.dataJson) out.push(p);
  }
}

/** Relative (POSIX) paths of the files the manifest covers, sorted. */
export function evidenceFiles(runDir: string): string[] {
  const abs: string[] = [];
  const ev = join(runDir, 'evidence');
  if (existsSync(ev)) walk(ev, abs);
  for (const name of [RUN_FILES.summary, RUN_FILES.mailRt, RUN_FILES.probeJson, RUN_FILES.probeMd, RUN_FILES.stop]) {
    const p = join(runDir, name);
    if (existsSync(p) && lstatSync(p).isFile()) abs.push(p);
  }
  findDataJson(runDir, runDir, abs);
  return abs
    .map((p) => toPosix(relative(runDir, p)))
    .filter((r) => r !== MANIFEST_REL && !r.endsWith('.tmp-manifest'))
    .sort();
}

export function writeManifest(runDir: string): { files: number } {
  const files: Record<string, string> = {};
  for (const rel of evidenceFiles(runDir)) files[rel] = sha256File(join(runDir, rel));
  const manifest: Manifest = { generatedAt: new Date().toISOString(), algorithm: 'sha256', files };
  const path = join(runDir, MANIFEST_REL);
  const tmp = `${path}.tmp-manifest`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, path);
  return { files: Object.keys(files).length };
}

/** A manifest path must stay inside the run directory: relative, POSIX, no `.`/`..` segments. */
export function isSafeRelPath(rel: string): boolean {
  return rel !== '' && !rel.startsWith('/') && !/^[A-Za-z]:/.test(rel) && !rel.includes('\\')
    && rel.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

export function readManifest(runDir: string): Manifest {
  const m = JSON.parse(readFileSync(join(runDir, MANIFEST_REL), 'utf8')) as Manifest;
  if (m.algorithm !== 'sha256' || typeof m.files !== 'object' || m.files === null) throw new Error('unsupported manifest format');
  const bad = Object.keys(m.files).filter((r) => !isSafeRelPath(r));
  if (bad.length > 0) throw new Error(`paths outside the run directory: ${bad.join(', ')}`);
  return m;
}

/** Every problem, one sentence each: missing manifest, missing file, changed file, file not in the manifest. */
export function verifyManifest(runDir: string): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  let m: Manifest;
  try {
    m = readManifest(runDir);
  } catch (err) {
    const why = existsSync(join(runDir, MANIFEST_REL)) ? `unreadable (${(err as Error).message})` : 'missing';
    return { ok: false, problems: [`${MANIFEST_REL}: ${why}`] };
  }
  for (const [rel, expected] of Object.entries(m.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const p = join(runDir, rel);
    if (!existsSync(p)) { problems.push(`${rel}: missing (listed in the manifest)`); continue; }
    const actual = sha256File(p);
    if (actual !== expected) problems.push(`${rel}: modified (sha256 ${actual}, manifest ${expected})`);
  }
  for (const rel of evidenceFiles(runDir)) {
    if (!(rel in m.files)) problems.push(`${rel}: not in the manifest (added after it was written)`);
  }
  return { ok: problems.length === 0, problems };
}
