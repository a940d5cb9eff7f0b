/**
 * Headless Chromium via playwright-core, using the system browser (Debian's /usr/bin/chromium, or FSE_CHROMIUM),
 * with a fresh throw-away profile. Never downloads a browser.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Path of the Chromium executable, or undefined when none is installed.
 * FSE_CHROMIUM, when set, is the only candidate (so it can also point at nothing to disable the browser).
 */
export function findChromium(): string | undefined {
  const override = process.env.FSE_CHROMIUM;
  if (override !== undefined && override !== '') return existsSync(override) ? override : undefined;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((c) => existsSync(c));
}

/** Runs `fn` with a fresh persistent context (own user-data-dir), always closing it and deleting the profile. */
export async function withChromium<T>(fn: (ctx: BrowserContext) => Promise<T>, executablePath = findChromium()): Promise<T> {
  if (!executablePath) throw new Error('Chromium not found (install Debian package "chromium" or set FSE_CHROMIUM)');
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'fse-chromium-'));
  let ctx: BrowserContext | undefined;
  try {
    ctx = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
    return await fn(ctx);
  } finally {
    await ctx?.close().catch(() => undefined);
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
