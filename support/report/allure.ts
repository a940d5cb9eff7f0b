/**
 * Allure 3 report generation (offline, in a child process of its own, no Java, no server).
 *
 * The `allure` package (a declared, pinned dependency) is the CLI; its engine lives in `@allurereport/core`,
 * which `allure` depends on with an exact version. We resolve the engine *from the `allure` package's own location*
 * (not from ours), so the engine used is always the one `allure@3.18.0` was released with, even if npm
 * does not hoist it.
 *
 * Output: `<run>/allure-report/index.html`, the `awesome` plugin in single-file mode (opens from disk via file://).
 * Environment: written both as report variables (shown in the report header) and as `environment.properties`
 * in allure-results (Allure 2 compatibility, read by any Allure viewer).
 *
 * Note (allure3 #825): descriptions render blank in single-file reports opened from file://, so nothing here relies
 * on descriptions; step code should use labels, parameters and attachments.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import type { RunDir } from '../evidence/runDir.ts';
import { INFORMATIVE_ALLURE_LABEL } from '../harness/informative.ts';

export interface ReportEnv {
  target: string;
  installation: string;
  /** Application triple, e.g. "FOO_SPA / BARMED / V.4.2.0". */
  application: string;
  /** Catalog version (commit or tag of it-fse-catalogs), or "n/d". */
  catalogs: string;
  baseUrl: string;
  /** Credential and configuration warnings, joined; omitted when there are none. */
  warnings?: string;
  /**
   * The document each type used (vendor CDA, vendor PDF or built-in template), one `"<TYPES>: <what>"` line each,
   * shown as one entry per line, `Documenti <TYPES>`.
   */
  documents?: string[];
  /** The connection probe's result (stage runs). */
  probe?: string;
  /** Why the run stopped early, when it did. */
  stopped?: string;
}

/**
 * The label step code may set to force a category: infrastructure | border | dispatcher | validator | cart | proxy | network | harness
 * (the values of support/harness/classify.ts `failureStage`, plus `harness`).
 */
export const FAILURE_LAYER_LABEL = 'failureLayer';

/** Italian display names of the environment keys (report header + environment.properties). */
const ENV_KEYS: Record<Exclude<keyof ReportEnv, 'documents'>, string> = {
  target: 'Target',
  installation: 'Impianto',
  application: 'Applicazione (vendor / id / versione)',
  catalogs: 'Cataloghi',
  baseUrl: 'URL gateway',
  probe: 'Sonda di connessione',
  warnings: 'Avvertenze',
  stopped: 'Esecuzione interrotta',
};
const OPTIONAL_KEYS = new Set<keyof ReportEnv>(['warnings', 'probe', 'stopped']);
/** The entries to show (display name → value): the fixed ones always, the optional ones only when set, then the documents. */
function shownEntries(env: ReportEnv): [string, string][] {
  const fixed = (Object.keys(ENV_KEYS) as (keyof typeof ENV_KEYS)[]).filter((k) => !OPTIONAL_KEYS.has(k) || !!env[k]).map((k): [string, string] => [ENV_KEYS[k], env[k] ?? '']);
  const docs = (env.documents ?? []).map((line): [string, string] => {
    const i = line.indexOf(': ');
    return i > 0 ? [`Documenti ${line.slice(0, i)}`, line.slice(i + 2)] : ['Documenti', line];
  });
  return [...fixed, ...docs];
}

/**
 * Allure 3 category rules: failures grouped by where they happened. First matching category wins; Allure appends
 * its default "Product errors"/"Test errors" for anything else. Each category matches, in this order of
 * preference, the `failureLayer` label, the stage tag the harness steps put in the message
 * (`[bordo ...]`, `[validatore CDA ...]`, ... from support/harness/classify.ts), or the raw error type/code.
 * Validator comes before dispatcher because `/msg/syntax` is also a `/msg/...` type; proxy comes before network
 * because a proxy's error page (quoted in the message) may itself name a network error.
 */
export function allureCategories(): object[] {
  const failing = ['failed', 'broken'] as const;
  const layer = (v: string) => ({ statuses: failing, labels: { [FAILURE_LAYER_LABEL]: new RegExp(`^${v}$`) } });
  const msg = (re: RegExp) => ({ statuses: failing, message: re });
  return [
    {
      // stage: catalog scenarios reported, never failing (support/harness/informative.ts); they pass, hence 'passed'
      id: 'fse-informativo',
      name: 'Informativo (stage: cataloghi del validatore nazionale, non vincolante)',
      matchers: [{ statuses: ['passed', 'failed', 'broken'], labels: { [INFORMATIVE_ALLURE_LABEL]: /^true$/ } }],
    },
    {
      // first: a call answered by the infrastructure (429, 502/503/504, a proxy page, no answer) is "broken", not a
      // non-conformity of the vendor's software (README § "Infrastructure is not non-conformity")
      id: 'fse-infrastructure',
      name: 'Infrastruttura (429, 502/503/504, pagine non JSON, rete): non è una non conformità',
      matchers: [layer('infrastructure'), msg(/\[infrastruttura\]/)],
      groupByMessage: true,
    },
    {
      id: 'fse-harness',
      name: 'Harness / pre-flight (nessuna richiesta inviata)',
      matchers: [layer('harness'), msg(/pre-?flight|UserError|\[harness\]/i)],
      groupByMessage: true,
    },
    {
      id: 'fse-proxy',
      name: 'Rete / proxy (risposta non JSON senza X-Cart-id)',
      matchers: [layer('proxy'), msg(/\[rete\/proxy/)],
      groupByMessage: true,
    },
    {
      id: 'fse-network',
      name: 'Rete / TLS (nessuna risposta HTTP)',
      matchers: [
        layer('network'),
        msg(/\[rete\/TLS|no HTTP response|nessuna risposta HTTP|\bnetwork:|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|socket hang up|UND_ERR_/),
      ],
      groupByMessage: true,
    },
    {
      id: 'fse-border',
      name: 'Frontiera GovWay (401/403, tipi govway)',
      matchers: [
        layer('border'),
        msg(/\[bordo \(GovWay|govway\.org\/handling-errors|TokenAuthentication(Failed|Required)|TokenRequiredClaimsNotFound|AuthorizationContentDeny|InvalidRequestContent|InteroperabilityInvalidRequest/),
      ],
      groupByMessage: true,
    },
    {
      id: 'fse-validator',
      name: 'Validatore CDA (/msg/syntax, /msg/semantic, /msg/vocabulary)',
      matchers: [layer('validator'), msg(/\[validatore CDA|\/msg\/(syntax|semantic|vocabulary|validator)\b/)],
      groupByMessage: true,
    },
    {
      id: 'fse-dispatcher',
      name: 'Dispatcher del gateway (/msg/... 4xx)',
      matchers: [layer('dispatcher'), msg(/\[dispatcher del gateway\]|\/msg\/[a-z-]+/)],
      groupByMessage: true,
    },
    {
      id: 'fse-cart',
      name: 'CART (errori propri di CART)',
      matchers: [layer('cart'), msg(/\[CART\]/)],
      groupByMessage: true,
    },
  ];
}

/** `environment.properties` (Java properties escaping: `\`, `=`, `:`, leading spaces, non-ASCII as \uXXXX). */
export function environmentProperties(env: ReportEnv): string {
  const esc = (s: string, key: boolean) => {
    let out = '';
    for (const ch of s) {
      const c = ch.codePointAt(0)!;
      if (ch === '\\') out += '\\\\';
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (key && (ch === '=' || ch === ':' || ch === ' ')) out += `\\${ch}`;
      else if (c < 0x20 || c > 0x7e) {
        for (const unit of ch.split('')) out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
      } else out += ch;
    }
    return out;
  };
  return shownEntries(env)
    .map(([k, v]) => `${esc(k, true)}=${esc(v, false)}`)
    .join('\n') + '\n';
}

interface CoreModule {
  resolveConfig: (config: Record<string, unknown>, override?: Record<string, unknown>) => Promise<Record<string, unknown>>;
  AllureReport: new (cfg: Record<string, unknown>) => {
    start(): Promise<void>;
    readDirectory(dir: string): Promise<void>;
    done(): Promise<void>;
  };
}

/** Absolute path of the `allure` package entry (dist/index.js); `allure/package.json` is not exported. */
function allureMain(): string {
  return createRequire(import.meta.url).resolve('allure');
}

let corePromise: Promise<CoreModule> | undefined;
/** Loads `@allurereport/core` as resolved from the `allure` package (the version `allure` pins). */
export function loadAllureCore(): Promise<CoreModule> {
  corePromise ??= (async () => {
    const fromAllure = createRequire(allureMain());
    const corePath = fromAllure.resolve('@allurereport/core');
    return (await import(pathToFileURL(corePath).href)) as CoreModule;
  })();
  return corePromise;
}

/** Version of the `allure` package actually used (for the evidence). */
export function allureVersion(): string {
  const pkg = join(dirname(allureMain()), '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

export async function generateAllureReport(
  runDir: RunDir,
  env: ReportEnv,
  o: { name?: string } = {},
): Promise<{ indexHtml: string; peakRssMb: number }> {
  const resultsDir = runDir.allureResultsDir;
  mkdirSync(resultsDir, { recursive: true });
  // Allure-2-compatible environment + executor files in the results dir (shown by any Allure viewer).
  // Categories are passed as Allure 3 rules in the config below (no categories.json: it would add a second set).
  writeFileSync(join(resultsDir, 'environment.properties'), environmentProperties(env));
  writeFileSync(join(resultsDir, 'executor.json'), JSON.stringify({
    name: 'fse-harness',
    type: 'fse-harness',
    buildName: `${env.installation} @ ${env.target}`,
    reportName: o.name ?? defaultName(env),
  }, null, 2));

  const variables: Record<string, string> = {};
  for (const [k, v] of shownEntries(env)) variables[k] = v || 'n/d';
  return renderInChild({ resultsDir, reportDir: runDir.allureReportDir, cwd: runDir.dir, name: o.name ?? defaultName(env), variables });
}

/** What the report process needs: everything is plain data (it crosses a process boundary as JSON). */
export interface RenderArgs { resultsDir: string; reportDir: string; cwd: string; name: string; variables: Record<string, string> }

/**
 * Runs the Allure engine in a process of its own (support/report/allure-render.mjs): reading a whole run's results and
 * writing the single-file HTML holds more than a hundred megabytes that the run's own process — with the simulator,
 * its catalogs and the evidence — would otherwise add to its peak. Its output and its peak RSS come back as one JSON
 * line; its stderr goes to the run's console as it is.
 */
async function renderInChild(args: RenderArgs): Promise<{ indexHtml: string; peakRssMb: number }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'allure-render.mjs');
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
  child.stdin.end(JSON.stringify(args));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
  const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('exit', (c) => resolve(c)); });
  const line = out.trim().split('\n').pop() ?? '';
  let r: { ok: boolean; indexHtml?: string; peakRssMb?: number; message?: string };
  try { r = JSON.parse(line) as typeof r; } catch { throw new Error(`the Allure report process ended (exit ${code}) without an answer${out ? `: ${out.slice(0, 500)}` : ''}`); }
  if (!r.ok || !r.indexHtml) throw new Error(r.message ?? `the Allure report process failed (exit ${code})`);
  return { indexHtml: r.indexHtml, peakRssMb: r.peakRssMb ?? 0 };
}

/** The report itself, in the current process (called by allure-render.mjs). */
export async function renderAllureReport(a: RenderArgs): Promise<{ indexHtml: string }> {
  const { resultsDir, name, variables } = a;
  tidyAllureResults(resultsDir);
  const core = await loadAllureCore();
  const config = await core.resolveConfig(
    {
      name,
      output: a.reportDir,
      variables,
      categories: { rules: allureCategories() },
      // history would live outside the run; every run dir is self-contained and never overwritten.
      appendHistory: false,
      plugins: {
        awesome: {
          options: {
            reportName: name,
            singleFile: true,
            reportLanguage: 'it',
            theme: 'light',
            groupBy: ['feature'],
            // every call's step (`<method> <type> → <status> · X-Cart-id <uuid>`) visible without a click
            stepTreeExpansion: 'expanded',
          },
        },
      },
    },
    { cwd: a.cwd },
  );
  // Only the awesome plugin: drop the automatically added "agent" plugin (AI-agent helper output, not for auditors).
  const plugins = (config.plugins as { id: string }[] | undefined)?.filter((p) => p.id === 'awesome');
  const report = new core.AllureReport({ ...config, plugins });
  await report.start();
  if (existsSync(resultsDir)) await report.readDirectory(resultsDir);
  await report.done();
  const indexHtml = join(a.reportDir, 'index.html');
  if (!existsSync(indexHtml)) throw new Error(`Allure did not produce ${indexHtml}`);
  const html = stripAnalytics(readFileSync(indexHtml, 'utf8'));
  const leaks = findMaskedLeaks(html, maskedValues(resultsDir));
  if (leaks.length > 0) {
    rmSync(indexHtml, { force: true });
    throw new Error(`Allure report removed: ${leaks.length} masked parameter value(s) appear in clear in the HTML (parameters: ${leaks.join(', ')})`);
  }
  writeFileSync(indexHtml, html);
  return { indexHtml };
}

/** Labels allure-cucumberjs adds to every scenario that tell an auditor nothing (English names, machine details). */
const NOISE_LABELS = new Set(['language', 'framework', 'package', 'host', 'thread']);

/** True for a label of NOISE_LABELS. */
export function isNoiseLabel(l: { name: string }): boolean { return NOISE_LABELS.has(l.name); }

/**
 * An `Examples: …` CSV table attachment: allure-cucumberjs writes one per Examples block of the outline on every
 * scenario of it (nine on each scenario here, eight of them about other document types); the scenario's own values
 * are its parameters already.
 */
export function isExamplesTable(a: { name?: string; type?: string }): boolean {
  return a.type === 'text/csv' && /^Examples(:|$)/.test(a.name ?? '');
}

/**
 * Removes the noise allure-cucumberjs writes on every scenario page, before the report is generated: the
 * `Examples: …` CSV attachments (isExamplesTable), the labels of NOISE_LABELS, and containers left without any fixture
 * (the harness's own hooks are not fixtures: steps/hooks.ts). `fse-harness run` does not write the first two at all
 * (steps/formatters/allure.ts); this also tidies results written otherwise. Returns what it removed.
 */
export function tidyAllureResults(resultsDir: string): { attachments: number; labels: number; containers: number } {
  const removed = { attachments: 0, labels: 0, containers: 0 };
  if (!existsSync(resultsDir)) return removed;
  for (const f of readdirSync(resultsDir)) {
    const file = join(resultsDir, f);
    if (f.endsWith('-container.json')) {
      try {
        const c = JSON.parse(readFileSync(file, 'utf8')) as { befores?: unknown[]; afters?: unknown[] };
        if ((c.befores?.length ?? 0) === 0 && (c.afters?.length ?? 0) === 0) { rmSync(file); removed.containers++; }
      } catch { /* unreadable: left to Allure */ }
      continue;
    }
    if (!f.endsWith('-result.json')) continue;
    let r: { attachments?: { name?: string; type?: string; source?: string }[]; labels?: { name: string }[] };
    try { r = JSON.parse(readFileSync(file, 'utf8')); } catch { continue; }
    const examples = (r.attachments ?? []).filter(isExamplesTable);
    for (const a of examples) if (a.source) rmSync(join(resultsDir, a.source), { force: true });
    const labels = (r.labels ?? []).filter((l) => !isNoiseLabel(l));
    if (examples.length === 0 && labels.length === (r.labels ?? []).length) continue;
    removed.attachments += examples.length;
    removed.labels += (r.labels ?? []).length - labels.length;
    r.attachments = (r.attachments ?? []).filter((a) => !examples.includes(a));
    r.labels = labels;
    writeFileSync(file, JSON.stringify(r));
  }
  return removed;
}

/**
 * allure 3.18 `awesome` always embeds a Google Analytics tag (`analyticsEnable: true` is hard-coded).
 * The report must open offline and must not call third parties from an auditor's browser: remove it.
 */
export function stripAnalytics(html: string): string {
  const out = html.replace(
    /<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js\?id=[^"]*"><\/script>\s*<script>[\s\S]*?gtag\('config'[\s\S]*?<\/script>/,
    '',
  );
  if (/googletagmanager\.com/.test(out)) throw new Error('Allure report: could not remove the analytics tag (template changed?)');
  return out;
}

/** Values of parameters marked `masked` in the results (only values of at least 6 characters are checked). */
export function maskedValues(resultsDir: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.parameters)) {
      for (const p of o.parameters as { name?: string; value?: string; mode?: string }[]) {
        if (p && p.mode === 'masked' && typeof p.value === 'string' && p.value.length >= 6) found.set(p.value, String(p.name));
      }
    }
    if (Array.isArray(o.steps)) visit(o.steps);
  };
  if (!existsSync(resultsDir)) return found;
  for (const f of readdirSync(resultsDir)) {
    if (!/-(result|container)\.json$/.test(f)) continue;
    try { visit(JSON.parse(readFileSync(join(resultsDir, f), 'utf8'))); } catch { /* unreadable result: Allure reports it */ }
  }
  return found;
}

/** Names of masked parameters whose value appears in the HTML, in clear or inside one of its base64 data blocks. */
export function findMaskedLeaks(html: string, masked: Map<string, string>): string[] {
  if (masked.size === 0) return [];
  const texts = [html];
  for (const m of html.matchAll(/d\("[^"]*","([A-Za-z0-9+/=]+)"\)/g)) texts.push(Buffer.from(m[1]!, 'base64').toString('utf8'));
  const leaks = new Set<string>();
  for (const [value, name] of masked) if (texts.some((t) => t.includes(value))) leaks.add(name);
  return [...leaks].sort();
}

function defaultName(env: ReportEnv): string {
  return `FSE 2.0 Toscana — ${env.installation} (${env.target})`;
}
