import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { buildWorkerBundle } from '../../support/harness/worker-bundle.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';

// inside the project, as the real one (.cache/workers): the module imports the project's packages by name
mkdirSync(join(PROJECT_ROOT, '.cache'), { recursive: true });
const tmp = mkdtempSync(join(PROJECT_ROOT, '.cache', 'test-worker-bundle-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const STEPS = ['gateway.steps.ts', 'hooks.ts', 'params.ts', 'world.ts'].map((f) => join(PROJECT_ROOT, 'steps', f));

/**
 * Imports support files in a fresh process the way a Cucumber worker does (the support code library reset, then each
 * import in order) and prints what got defined: step patterns, hook names and counts, in definition order.
 */
function definitions(files: string[], nodeArgs: string[]): { steps: string[]; hooks: Record<string, string[]> } {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'package.json')).href)});
    const builder = require('@cucumber/cucumber/lib/support_code_library_builder/index').default;
    let id = 0;
    builder.reset(${JSON.stringify(PROJECT_ROOT)}, () => String(id++), { requireModules: [], requirePaths: [], importPaths: [], loaders: [] });
    for (const f of JSON.parse(process.argv[1])) await import(new URL('file://' + f).href);
    const lib = builder.finalize();
    const name = (h) => h.name ?? h.code?.name ?? '';
    console.log(JSON.stringify({
      steps: lib.stepDefinitions.map((d) => String(d.pattern)),
      hooks: {
        beforeAll: lib.beforeTestRunHookDefinitions.map(name), afterAll: lib.afterTestRunHookDefinitions.map(name),
        before: lib.beforeTestCaseHookDefinitions.map(name), after: lib.afterTestCaseHookDefinitions.map(name),
        beforeStep: lib.beforeTestStepHookDefinitions.map(name), afterStep: lib.afterTestStepHookDefinitions.map(name),
      },
    }));`;
  const r = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script, JSON.stringify(files)], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe('worker bundle: the step code compiled for Cucumber workers', () => {
  it('defines the same steps and hooks, in the same order, as the TypeScript sources loaded through tsx — without tsx', async () => {
    const b = await buildWorkerBundle({ importPaths: STEPS, outDir: join(tmp, 'out') });
    assert.match(b.file, /steps-[A-Z0-9]+\.mjs$/);
    assert.ok(b.sources > 20, `bundled ${b.sources} project files`);
    const fromTs = definitions(STEPS, ['--import', 'tsx']);
    const fromBundle = definitions([b.file], []);
    assert.ok(fromTs.steps.length > 20, `${fromTs.steps.length} step definitions`);
    assert.deepEqual(fromBundle, fromTs);
  });

  it('keeps each module\'s own import.meta.url (files found beside the sources), links a source map, and is content-addressed', async () => {
    const out = join(tmp, 'out2');
    const a = await buildWorkerBundle({ importPaths: STEPS, outDir: out });
    // outputs of other builds: deleted once unused for an hour; anything else in the folder is left alone
    const old = join(out, 'steps-OLDBUILD.mjs'), recent = join(out, 'chunk-RECENT1.mjs'), other = join(out, 'notes.txt');
    for (const f of [old, recent, other]) writeFileSync(f, '');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    utimesSync(other, twoHoursAgo, twoHoursAgo);
    utimesSync(a.file, twoHoursAgo, twoHoursAgo); // the current build's own files are kept (and marked as used)
    const again = await buildWorkerBundle({ importPaths: STEPS, outDir: out });
    assert.equal(again.file, a.file, 'the same sources give the same file');
    assert.deepEqual([existsSync(old), existsSync(recent), existsSync(other), existsSync(a.file)], [false, true, true, true]);
    assert.ok(Date.now() - statSync(a.file).mtimeMs < 600_000);
    const code = readFileSync(a.file, 'utf8');
    assert.ok(code.includes(JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'support', 'paths.ts')).href)), 'support/paths.ts keeps its own URL');
    assert.ok(!/\bimport\.meta\.url\b/.test(code), 'no import.meta.url left to point at the bundle');
    assert.ok(code.trimEnd().endsWith(`//# sourceMappingURL=${a.file.split('/').at(-1)}.map`));
    assert.ok(existsSync(`${a.file}.map`));
  });

  it('a stack trace from compiled code points at the .ts line (with --enable-source-maps)', async () => {
    const src = join(tmp, 'thrower.ts');
    writeFileSync(src, ['// line 1', 'export function boom(n: number): never {', '  throw new Error(`boom ${n}`);', '}', 'boom(1 as number);', ''].join('\n'));
    const b = await buildWorkerBundle({ importPaths: [src], outDir: join(tmp, 'out3') });
    const r = spawnSync(process.execPath, ['--enable-source-maps', b.file], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /boom 1/);
    assert.match(r.stderr, /thrower\.ts:3/);
    assert.equal(b.sources, 1);
  });

  it('refuses an output directory outside the project (the packages it imports would not be found from there)', async () => {
    await assert.rejects(buildWorkerBundle({ importPaths: STEPS, outDir: join(tmpdir(), 'elsewhere') }), /outside the project/);
  });
});
