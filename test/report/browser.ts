/** Shared gate for the browser tests: skip loudly without Chromium, fail under CI=true. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { findChromium } from '../../support/report/chromium.ts';

/** Returns the Chromium path, or undefined after marking the test skipped (never silently). */
export function requireChromium(t: TestContext): string | undefined {
  const exe = findChromium();
  if (exe) return exe;
  if (process.env.CI === 'true') assert.fail('Chromium not found and CI=true: browser tests must run in CI (apt-get install chromium or set FSE_CHROMIUM)');
  const msg = '*** SKIPPED: Chromium not found (/usr/bin/chromium or FSE_CHROMIUM) — browser checks NOT run ***';
  process.stderr.write(`\n${msg}\n`);
  t.skip(msg);
  return undefined;
}
