import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/needs-browser.ts', import.meta.url));
const run = (env: Record<string, string>) => {
  const e: Record<string, string | undefined> = { ...process.env, ...env };
  if (env.CI === undefined) delete e.CI;
  delete e.NODE_TEST_CONTEXT; // set by the outer node --test; the child must report as a top-level run
  // TAP explicitly: the default reporter for a non-TTY stdout is TAP up to Node 22 and `spec` from Node 23 on
  return spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', fixture], { encoding: 'utf8', env: e as NodeJS.ProcessEnv });
};

describe('browser tests without Chromium', () => {
  it('are skipped loudly outside CI', () => {
    const r = run({ FSE_CHROMIUM: '/nonexistent/chromium' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /SKIPPED: Chromium not found/);
    assert.match(r.stdout, /# skipped 1/);
  });
  it('fail when CI=true', () => {
    const r = run({ FSE_CHROMIUM: '/nonexistent/chromium', CI: 'true' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /Chromium not found and CI=true/);
  });
});
