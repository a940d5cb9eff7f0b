/**
 * The probe's record: `probe.json` (machine-readable) and `probe.md` (for a person, Italian and English) in the
 * run directory (a run against stage) or in reports/probes/<UTC>-<installation>/ (`fse-harness probe`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '../evidence/runDir.ts';
import type { ProbeReport } from './probe.ts';
import { formatDiagnosis } from './advice.ts';

const STATUS_IT: Record<string, string> = { ok: 'OK', fail: 'FALLITO', warn: 'ATTENZIONE', skipped: 'non eseguito' };
const STEP_IT: Record<string, string> = { dns: 'DNS', tcp: 'TCP', proxy: 'Tunnel proxy (CONNECT)', tls: 'TLS con certificato client', gateway: 'Chiamata al gateway' };

/** One line for summaries and the report environment, Italian. */
export function probeOneLine(r: ProbeReport): string {
  const bad = r.steps.find((s) => s.status === 'fail' || s.status === 'warn');
  const cart = r.call?.xCartId ? `, X-Cart-id ${r.call.xCartId}` : '';
  if (r.ok) return `OK: DELETE di un documento inesistente → HTTP ${r.call?.status ?? '?'}${cart} (${r.via === 'direct' ? 'connessione diretta' : `via proxy ${r.via}`})`;
  return `${r.fatal ? 'FALLITA' : 'ATTENZIONE'} al passo ${STEP_IT[bad?.id ?? ''] ?? bad?.id ?? '?'}: ${bad?.diagnosis?.it ?? bad?.summary ?? ''}${cart}`;
}

export function renderProbeMd(r: ProbeReport): string {
  const L: string[] = [];
  L.push('# Sonda di connessione al gateway FSE 2.0 (CART) — connection probe');
  L.push('');
  L.push(`- Gateway: \`${r.baseUrl}\``);
  L.push(`- Percorso / route: ${r.via === 'direct' ? 'connessione diretta (direct)' : `proxy ${r.via}`}`);
  L.push(`- Data/ora (UTC): \`${r.at}\``);
  L.push(`- Esito / result: **${r.ok ? 'OK' : r.fatal ? 'FALLITA (failed)' : 'ATTENZIONE (warning)'}**`);
  if (r.call) L.push(`- Chiamata di prova / probe call: HTTP ${r.call.status ?? '— (nessuna risposta)'}, X-Cart-id \`${r.call.xCartId || '—'}\`, evidenze \`evidence/${r.call.requestFile}\`${r.call.responseFile ? `, \`evidence/${r.call.responseFile}\`` : ''}`);
  L.push('');
  L.push('| Passo / step | Esito | Dettaglio |');
  L.push('|---|---|---|');
  for (const s of r.steps) L.push(`| ${STEP_IT[s.id] ?? s.id} | ${STATUS_IT[s.status] ?? s.status} | ${s.summary.replace(/\|/g, '\\|')} |`);
  L.push('');
  for (const s of r.steps.filter((x) => x.diagnosis)) {
    L.push(`## ${STEP_IT[s.id] ?? s.id}: cosa significa e cosa fare / what it means and what to do`);
    L.push('');
    for (const line of formatDiagnosis(s.diagnosis!, '')) L.push(line.startsWith(' ') ? `  - ${line.trim().replace(/^→ /, '')}` : `- ${line}`);
    L.push('');
  }
  return `${L.join('\n')}\n`;
}

export function writeProbeFiles(dir: string, r: ProbeReport): { json: string; md: string } {
  const json = join(dir, RUN_FILES.probeJson);
  const md = join(dir, RUN_FILES.probeMd);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, renderProbeMd(r));
  return { json, md };
}

export function readProbe(dir: string): ProbeReport | null {
  const f = join(dir, RUN_FILES.probeJson);
  if (!existsSync(f)) return null;
  try { return JSON.parse(readFileSync(f, 'utf8')) as ProbeReport; } catch { return null; }
}

/** Console lines: the steps, then the diagnosis of the failed/warning step in Italian and English. */
export function probeConsoleLines(r: ProbeReport): string[] {
  const out: string[] = [];
  for (const s of r.steps.filter((x) => x.diagnosis)) out.push(...formatDiagnosis(s.diagnosis!, '  '));
  return out;
}
