/**
 * summary.md → summary.pdf: own tiny Markdown renderer, printed by headless Chromium (no network: every
 * request the page makes other than the document itself is aborted).
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { RUN_FILES } from '../evidence/runDir.ts';
import { findChromium, withChromium } from './chromium.ts';
import { htmlDocument, markdownToHtml } from './markdown.ts';

export function summaryHtml(markdown: string): string {
  const title = /^#\s+(.*)$/m.exec(markdown)?.[1] ?? 'Riepilogo';
  return htmlDocument(title.replace(/\\(.)/g, '$1'), markdownToHtml(markdown));
}

export async function printSummaryPdf(runDir: string, out?: string): Promise<string> {
  const dir = resolve(runDir);
  const md = join(dir, RUN_FILES.summary);
  if (!existsSync(md)) throw new UserError('NO_SUMMARY', `${md} not found`, 'the run did not finish writing its summary; check the run directory');
  const exe = findChromium();
  if (!exe) throw new UserError('NO_CHROMIUM', 'Chromium is not installed: cannot print the PDF', 'apt-get install chromium (or set FSE_CHROMIUM to a Chromium/Chrome executable)');
  const target = resolve(out ?? join(dir, 'summary.pdf'));
  const tmp = `${target}.tmp-${process.pid}`;
  const html = summaryHtml(readFileSync(md, 'utf8'));
  try {
    await withChromium(async (ctx) => {
      const page = await ctx.newPage();
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      await page.pdf({ path: tmp, format: 'A4', landscape: true, printBackground: true, preferCSSPageSize: true });
    }, exe);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return target;
}
