/**
 * The step definitions and everything they import from this project, compiled into one JavaScript module for
 * Cucumber's parallel worker processes.
 *
 * Why: a worker that imports `steps/*.ts` through tsx spends ≈ 0.6 s of wall time and ≈ 0.9 s of CPU more before its
 * first scenario than one importing the same code compiled (measured on the CI machine kind, Node 20): tsx's loader
 * hooks see every module of the process (≈ 1,000 files of node_modules included), Node 20 has no compile cache, and
 * every run starts two workers while the coordinator waits for them. esbuild — the compiler tsx itself uses, with the
 * same tsconfig — builds the module in ≈ 0.1 s, while the coordinator opens the session.
 *
 * Same code, same behaviour:
 * - the project's own modules are bundled (`packages: 'external'`: Cucumber, allure-cucumberjs, pdf-lib… are the very
 *   packages the coordinator would load, imported by name);
 * - entries are imported in the order Cucumber imports them, so the step definitions and hooks are defined in the same
 *   order, which is how Cucumber matches the workers' definitions to the coordinator's ids;
 * - `import.meta.url` is each source file's own URL (the modules find their fonts, templates and schemas beside them);
 * - names are kept and a source map is linked: with `--enable-source-maps`, stack traces show the `.ts` lines.
 * The output is content-addressed (`steps-<hash>.mjs` in `.cache/workers/` of this project): identical sources reuse
 * one file, and concurrent runs never write over each other. It stays inside the project whatever FSE_CACHE_DIR says:
 * the packages it imports by name are found from where it lies, in this project's node_modules.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../paths.ts';

/** Outputs of other builds (older sources) are deleted once no run has used them for this long. */
const PRUNE_AFTER_MS = 3_600_000;

/** Where the workers' module is written. */
export const WORKER_BUNDLE_DIR = join(PROJECT_ROOT, '.cache', 'workers');

export interface WorkerBundle {
  /** Absolute path of the module the workers import instead of the step files. */
  file: string;
  /** Number of project source files in it. */
  sources: number;
}

/**
 * Compiles the support files `importPaths` (absolute, in Cucumber's order) into one ES module under `outDir`, which
 * must be inside the project (see above).
 */
export async function buildWorkerBundle(o: { importPaths: readonly string[]; outDir: string }): Promise<WorkerBundle> {
  const rel = relative(PROJECT_ROOT, o.outDir);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new Error(`${o.outDir} is outside the project: the module could not import the project's packages from there`);
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: o.importPaths.map((p) => `import ${JSON.stringify(p)};`).join('\n'), resolveDir: PROJECT_ROOT, sourcefile: 'worker-entry.js', loader: 'js' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
    keepNames: true,
    sourcemap: 'linked',
    outdir: o.outDir,
    entryNames: 'steps-[hash]',
    // what the sources import lazily (`await import(…)`: the catalogs, for the coordinator only) stays lazy: a chunk
    // of its own, loaded — with the packages it brings, libxml2-wasm… — only if a worker ever asks for it
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [{
      name: 'own-import-meta-url',
      setup(build) {
        build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => ({
          contents: readFileSync(args.path, 'utf8').replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href)),
          loader: 'ts',
        }));
      },
    }],
  });
  mkdirSync(o.outDir, { recursive: true });
  let file = '';
  const entry = Object.entries(result.metafile!.outputs).find(([, v]) => v.entryPoint)?.[0];
  const now = new Date();
  for (const out of result.outputFiles) {
    if (entry && out.path === resolve(entry)) file = out.path;
    if (existsSync(out.path)) { // same hash, same content: marked as used now
      utimesSync(out.path, now, now);
      continue;
    }
    const tmp = join(o.outDir, `.${basename(out.path)}.${process.pid}.tmp`);
    writeFileSync(tmp, out.contents);
    renameSync(tmp, out.path);
  }
  if (!file) throw new Error('esbuild produced no module');
  pruneUnused(o.outDir, new Set(result.outputFiles.map((f) => basename(f.path))), now.getTime() - PRUNE_AFTER_MS);
  const sources = Object.keys(result.metafile!.inputs).filter((k) => /\.[cm]?ts$/.test(k)).length;
  return { file, sources };
}

/** Deletes the outputs of other builds last used before `before` (ms since the epoch). */
function pruneUnused(dir: string, current: ReadonlySet<string>, before: number): void {
  for (const f of readdirSync(dir)) {
    if (current.has(f) || !/^(steps|chunk)-[A-Z0-9]+\.mjs(\.map)?$/.test(f)) continue;
    const p = join(dir, f);
    try {
      if (statSync(p).mtimeMs < before) rmSync(p, { force: true });
    } catch { /* already gone (another run pruned it) */ }
  }
}
