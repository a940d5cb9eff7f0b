import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/fse-harness.js', import.meta.url));
/** Node ≥ 22.1 has a compile cache; Node 20 does not (this file runs on each line through test:node-lines). */
const HAS_CACHE = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** Every file under dir, recursively (the cache keeps one sub-directory per Node version and V8 flags). */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

function cli(args: string[], env: NodeJS.ProcessEnv): { code: number; out: string; err: string } {
  const clean = { ...process.env };
  delete clean.NODE_COMPILE_CACHE;
  delete clean.NODE_DISABLE_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...clean, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test(`the entry point ${HAS_CACHE ? 'keeps V8\'s compiled modules under FSE_CACHE_DIR/node-compile' : 'leaves the compile cache alone on a Node without one'} (Node ${process.versions.node})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-ncc-'));
  try {
    const r = cli(['simulator', '--help'], { FSE_CACHE_DIR: dir });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /fse-harness simulator/);
    const cached = files(join(dir, 'node-compile'));
    if (HAS_CACHE) assert.ok(cached.length > 10, `compiled modules cached: ${cached.length}`);
    else assert.equal(existsSync(join(dir, 'node-compile')), false, 'no compile cache directory on Node 20');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('NODE_DISABLE_COMPILE_CACHE=1 turns the compile cache off; NODE_COMPILE_CACHE chooses its directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-ncc-'));
  try {
    const off = cli(['simulator', '--help'], { FSE_CACHE_DIR: dir, NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.equal(off.code, 0, off.err);
    assert.equal(existsSync(join(dir, 'node-compile')), false);
    const own = join(dir, 'elsewhere');
    const on = cli(['simulator', '--help'], { FSE_CACHE_DIR: dir, NODE_COMPILE_CACHE: own });
    assert.equal(on.code, 0, on.err);
    assert.equal(existsSync(join(dir, 'node-compile')), false, 'the default directory is not used');
    if (HAS_CACHE) assert.ok(files(own).length > 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
