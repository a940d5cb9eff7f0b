/**
 * reports/index.html and reports/index.md — one line per installation of a `fse-harness run --profile a.json
 * --profile b.json …` (README "Several installations"): outcome, counts, links to its report, summary, mail and
 * evidence bundle. Pure rendering from the results the run collected; links are relative to the reports folder, so
 * the folder can be moved or published as a CI artifact as a whole.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RUN_FILES, type RunFigures } from './runDir.ts';
import { escapeHtml } from '../report/markdown.ts';
import { mdCell } from './summary.ts';

export const INDEX_FILES = { html: 'index.html', md: 'index.md' } as const;

/** The Allure report of a run, relative to its run directory. */
const REPORT_REL = 'allure-report/index.html';

export interface InstallationResult {
  /** The profile file as given on the command line. */
  profile: string;
  /** The profile's installation id (known before the run starts). */
  installation: string;
  target: string;
  /** Exit code of the installation's run (0 = every scenario as expected). */
  exitCode: number;
  /** The run directory, relative to the reports folder (POSIX), when the run created one. */
  runDir?: string;
  figures?: Pick<RunFigures, 'scenarios' | 'passed' | 'failed' | 'skipped' | 'exchanges' | 'wallSeconds'>;
  /** Which of the run's files exist (links are shown only for those). */
  files?: { report: boolean; summary: boolean; mail: boolean; bundle: boolean };
  /** Why the installation did not run (interrupted, refused at start-up), in Italian. */
  note?: string;
}

export type InstallationOutcome = 'SUPERATA' | 'FALLITA' | 'NON ESEGUITA';

export function outcomeOf(r: InstallationResult): InstallationOutcome {
  if (!r.runDir) return 'NON ESEGUITA';
  return r.exitCode === 0 ? 'SUPERATA' : 'FALLITA';
}

/** Reads what a finished (or broken) run directory says about itself: figures from run.json, which files exist. */
export function collectRunDir(reportsDir: string, runDirAbs: string): Pick<InstallationResult, 'runDir' | 'figures' | 'files'> {
  let figures: InstallationResult['figures'];
  try {
    const info = JSON.parse(readFileSync(join(runDirAbs, RUN_FILES.runInfo), 'utf8')) as { figures?: RunFigures };
    if (info.figures) {
      const f = info.figures;
      figures = { scenarios: f.scenarios, passed: f.passed, failed: f.failed, skipped: f.skipped, exchanges: f.exchanges, wallSeconds: f.wallSeconds };
    }
  } catch { /* a run killed before its end has no figures: the line says so */ }
  return {
    runDir: relative(reportsDir, runDirAbs).split(sep).join('/'),
    figures,
    files: {
      report: existsSync(join(runDirAbs, REPORT_REL)),
      summary: existsSync(join(runDirAbs, RUN_FILES.summary)),
      mail: existsSync(join(runDirAbs, RUN_FILES.mailRt)),
      bundle: existsSync(join(runDirAbs, RUN_FILES.bundle)),
    },
  };
}

interface Link { label: string; href: string }

function links(r: InstallationResult): Link[] {
  if (!r.runDir || !r.files) return [];
  const all: [keyof NonNullable<InstallationResult['files']>, string, string][] = [
    ['report', 'report', REPORT_REL], ['summary', 'summary.md', RUN_FILES.summary],
    ['mail', 'mail RT', RUN_FILES.mailRt], ['bundle', 'evidenze (zip)', RUN_FILES.bundle],
  ];
  return all.filter(([k]) => r.files![k]).map(([, label, file]) => ({ label, href: `${r.runDir}/${file}` }));
}

function counts(r: InstallationResult): string {
  const f = r.figures;
  if (!f) return r.runDir ? 'esecuzione non terminata' : '';
  return `${f.passed} superati, ${f.failed} falliti${f.skipped ? `, ${f.skipped} saltati` : ''} su ${f.scenarios} scenari; ${f.exchanges} chiamate HTTP`;
}

function totals(results: readonly InstallationResult[]): string {
  const by = (o: InstallationOutcome) => results.filter((r) => outcomeOf(r) === o).length;
  return `${results.length} impianti: ${by('SUPERATA')} superati, ${by('FALLITA')} falliti, ${by('NON ESEGUITA')} non eseguiti`;
}

/** A link target in Markdown: spaces and parentheses would end the link early. */
function mdHref(h: string): string {
  return h.replace(/[ ()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function renderIndexMd(results: readonly InstallationResult[], o: { generatedAt: string }): string {
  const L: string[] = [];
  L.push('# FSE 2.0 Toscana — esecuzione su più impianti');
  L.push('');
  L.push(`Generato ${o.generatedAt}. ${totals(results)}.`);
  L.push('');
  L.push('| # | Impianto | Profilo | Target | Esito | Scenari e chiamate | Collegamenti |');
  L.push('|---|---|---|---|---|---|---|');
  results.forEach((r, i) => {
    const l = links(r).map((k) => `[${k.label}](${mdHref(k.href)})`).join(' · ');
    const outcome = `**${outcomeOf(r)}**${r.exitCode !== 0 ? ` (codice ${r.exitCode})` : ''}`;
    L.push(`| ${i + 1} | ${mdCell(r.installation)} | ${mdCell(r.profile)} | ${mdCell(r.target)} | ${outcome} | `
      + `${mdCell([counts(r), r.note].filter(Boolean).join('; '))} | ${l || '—'} |`);
  });
  L.push('');
  return L.join('\n');
}

export function renderIndexHtml(results: readonly InstallationResult[], o: { generatedAt: string }): string {
  const rows = results.map((r, i) => {
    const outcome = outcomeOf(r);
    const cls = outcome === 'SUPERATA' ? 'ok' : outcome === 'FALLITA' ? 'ko' : 'na';
    const l = links(r).map((k) => `<a href="${escapeHtml(encodeURI(k.href))}">${escapeHtml(k.label)}</a>`).join(' · ');
    return `<tr class="${cls}"><td>${i + 1}</td><td>${escapeHtml(r.installation)}</td><td><code>${escapeHtml(r.profile)}</code></td>`
      + `<td>${escapeHtml(r.target)}</td><td><strong>${escapeHtml(outcome)}</strong>${r.exitCode !== 0 ? ` (codice ${r.exitCode})` : ''}</td>`
      + `<td>${escapeHtml([counts(r), r.note].filter(Boolean).join('; '))}</td><td>${l || '—'}</td></tr>`;
  });
  return `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>FSE 2.0 Toscana — esecuzione su più impianti</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
tr.ok td:nth-child(5){color:#1a7f37}tr.ko td:nth-child(5){color:#c62828}tr.na td:nth-child(5){color:#8a6d00}</style></head>
<body><h1>FSE 2.0 Toscana — esecuzione su più impianti</h1>
<p>Generato ${escapeHtml(o.generatedAt)}. ${escapeHtml(totals(results))}.</p>
<table><thead><tr><th>#</th><th>Impianto</th><th>Profilo</th><th>Target</th><th>Esito</th><th>Scenari e chiamate</th><th>Collegamenti</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></body></html>
`;
}

/** Writes reports/index.html and reports/index.md; returns their paths. */
export function writeIndex(reportsDir: string, results: readonly InstallationResult[], now: Date = new Date()): { html: string; md: string } {
  const generatedAt = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const html = join(reportsDir, INDEX_FILES.html);
  const md = join(reportsDir, INDEX_FILES.md);
  writeFileSync(html, renderIndexHtml(results, { generatedAt }));
  writeFileSync(md, renderIndexMd(results, { generatedAt }));
  return { html, md };
}
