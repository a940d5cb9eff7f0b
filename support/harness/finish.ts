import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Session } from './session.ts';
import { readLedgerCsv } from '../evidence/ledger.ts';
import { CUCUMBER_FILES, EVIDENCE_FILES, RUN_FILES, peakRssMb } from '../evidence/runDir.ts';
import { writeSummary, type RunMeta } from '../evidence/summary.ts';
import { writeDataJson } from '../evidence/dataJson.ts';
import { writeManifest } from '../evidence/manifest.ts';
import { buildBundle } from '../evidence/bundle.ts';
import { generateAllureReport } from '../report/allure.ts';
import { readProbe, probeOneLine } from '../stage/probeReport.ts';
import { describeUnresolved } from './cleanup.ts';
import type { LedgerRow } from '../types.ts';

export function runMeta(s: Session): RunMeta {
  const p = s.profile;
  return {
    installation: p.installation,
    provider: { name: p.provider.name, partitaIva: p.provider.partitaIva },
    codRep: p.codRep,
    azienda: p.azienda,
    target: p.target,
    baseUrl: s.baseUrl,
    application: p.application,
    catalogs: s.validator?.info ? `${s.validator.info.dir} (${s.validator.info.fingerprint})` : 'non configurati: validazioni XSD/schematron/terminologia locali disattivate',
    startedAt: s.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    documentTypes: [...p.documentTypes],
    authCn: s.credentials.auth.cn,
    signCn: s.credentials.sign.cn,
    // the journal's replay is the truth about what may still be on the gateway (also after `fse-harness cleanup`)
    leftBehind: describeUnresolved(s.published.current()),
    ...runNotes(s),
  };
}

/**
 * Warnings, route, probe and stop reason of a run, and the documents used for each type (the
 * start-up notices), for summary.md and the report.
 */
export function runNotes(s: Session): Pick<RunMeta, 'warnings' | 'route' | 'probe' | 'stopped' | 'documents'> {
  const stop = s.circuit.stopRecord();
  const probe = readProbe(s.runDir.dir);
  const proxy = s.connection.proxy;
  return {
    warnings: [...(s.credentials.warnings ?? []), ...s.notices.filter((n) => n.level === 'warning').map((n) => n.it)],
    documents: s.notices.filter((n) => n.level === 'info').map((n) => n.it),
    route: proxy ? `via proxy ${proxy.display}` : s.profile.target === 'stage' ? 'diretta' : undefined,
    probe: probe ? probeOneLine(probe) : undefined,
    stopped: stop ? `${stop.reasonIt}${stop.lastError ? ` (ultimo errore: ${stop.lastError})` : ''}` : undefined,
  };
}

/**
 * summary.md from the run's ledger and journal (the end of a run, and `fse-harness cleanup` afterwards). The meta
 * is kept in <run>/cucumber/run-meta.json so that a later clean-up regenerates the same summary with only what
 * changed: the documents still unresolved.
 */
export function writeRunSummary(s: Session, meta: RunMeta = runMeta(s)): { path: string; rows: LedgerRow[] } {
  const rows = readLedgerCsv(join(s.runDir.evidenceDir, EVIDENCE_FILES.ledgerCsv));
  writeFileSync(join(s.runDir.cucumberDir, CUCUMBER_FILES.meta), `${JSON.stringify(meta, null, 2)}\n`);
  return { path: writeSummary(s.runDir.dir, meta, rows), rows };
}

/** The meta summary.md was last written from, or null (a killed run never wrote it). */
export function readRunMeta(cucumberDir: string): RunMeta | null {
  const f = join(cucumberDir, CUCUMBER_FILES.meta);
  if (!existsSync(f)) return null;
  try { return JSON.parse(readFileSync(f, 'utf8')) as RunMeta; } catch { return null; }
}

/** After the suite: summary.md and mail-rt.txt, data.json (national format, real responses only), manifest, zip, Allure report. */
export async function finishRun(s: Session, o: { report: boolean; log: (l: string) => void; keepIntermediate?: boolean }): Promise<{ summary: string; mail: string; bundle: string; report?: string; reportPeakRssMb?: number; exchanges: number }> {
  const dbg = (what: string) => { if (process.env.FSE_DEBUG_MEM) o.log(`debug: ${what}: peak RSS so far ${peakRssMb()} MB, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`); };
  dbg('start of finish');
  const meta = runMeta(s);
  const { path: summary, rows: ledgerRows } = writeRunSummary(s, meta);
  const entries = s.records.readScenarios().flatMap((sc) => sc.nationalIds.flatMap((id) => {
    const o2 = [...sc.outcomes].reverse().find((x) => x.traceId);
    return o2 ? [{ id, ts: o2.at.replace(/\.\d{3}Z$/, 'Z'), traceId: o2.traceId, workflowInstanceId: o2.workflowInstanceId || undefined, files: o2.pdfFile ? [o2.pdfFile.split('/').pop()!] : [] }] : [];
  }));
  const dataJson = writeDataJson(s.runDir.dir, meta, entries);
  if (dataJson) o.log(`data.json (national format): ${entries.length} entries`);
  // The Allure report renders in a process of its own (support/report/allure.ts) while this one writes the manifest
  // and the bundle: neither reads what the other writes (the manifest and the bundle leave out allure-results/ and
  // allure-report/, the report reads only allure-results/).
  let reportP: Promise<{ indexHtml: string; peakRssMb: number }> | undefined;
  if (o.report) {
    o.log('generating the Allure report…');
    reportP = generateAllureReport(s.runDir, {
      target: `${meta.target} ${meta.baseUrl}`,
      installation: `${meta.installation} — ${meta.provider.name} (${meta.provider.partitaIva}), CODREP ${meta.codRep}`,
      application: `${meta.application.vendor} / ${meta.application.id} / ${meta.application.version}`,
      catalogs: meta.catalogs ?? '',
      baseUrl: meta.baseUrl,
      ...(meta.warnings?.length ? { warnings: meta.warnings.join(' | ') } : {}),
      ...(meta.documents?.length ? { documents: meta.documents } : {}),
      ...(meta.probe ? { probe: meta.probe } : {}),
      ...(meta.stopped ? { stopped: meta.stopped } : {}),
    }, { name: `FSE 2.0 Toscana — accreditamento ${meta.installation}` });
    reportP.catch(() => { /* awaited below */ });
  }
  let b: Awaited<ReturnType<typeof buildBundle>>;
  try {
    dbg('before manifest');
    writeManifest(s.runDir.dir);
    dbg('after manifest');
    b = await buildBundle(s.runDir.dir);
    dbg('after bundle');
  } catch (e) {
    await reportP?.catch(() => undefined); // the report process ends before the error is reported
    throw e;
  }
  let report: string | undefined;
  let reportPeakRssMb: number | undefined;
  if (reportP) {
    const r = await reportP;
    report = relative(process.cwd(), r.indexHtml);
    reportPeakRssMb = r.peakRssMb;
    // The report holds everything the results held (one self-contained file): the results are an intermediate
    // output, removed unless asked to keep them (`run --keep-intermediate`).
    if (!o.keepIntermediate) rmSync(s.runDir.allureResultsDir, { recursive: true, force: true });
  }
  return { summary: relative(process.cwd(), summary), mail: relative(process.cwd(), join(s.runDir.dir, RUN_FILES.mailRt)), bundle: `${relative(process.cwd(), b.path)} (${b.files} files, sha256 ${b.sha256.slice(0, 16)}…)`, report, reportPeakRssMb, exchanges: ledgerRows.length };
}
