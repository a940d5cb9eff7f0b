/**
 * summary.md — the message Regione Toscana asks for before production (RT spec v1.2, accreditation with RT):
 * installation, provider,
 * Azienda/CODREP, target, application triple, and the X-Cart-id of every exchange per method × document type.
 * Written in Italian; plain Markdown (pipe tables) so it reads well as text, in a mail, and as PDF (report-pdf).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from './runDir.ts';
import { METHODS } from '../types.ts';
import type { LedgerRow } from '../types.ts';

export interface RunMeta {
  installation: string;
  provider: { name: string; partitaIva: string };
  codRep: string;
  azienda?: string;
  target: string;
  baseUrl: string;
  application: { id: string; vendor: string; version: string };
  catalogs?: string;
  startedAt: string;
  finishedAt?: string;
  /** CN of the authentication certificate. */
  authCn?: string;
  /** CN of the signature certificate. */
  signCn?: string;
  /** Documents published during the run and not deleted (identificativoDoc, with type/CF if the caller adds them). */
  leftBehind?: string[];
  /** Credential/configuration warnings printed before the run (issue #11 §4). */
  warnings?: string[];
  /** Which document each type used: the vendor's file (CDA or PDF) or the built-in template (issue #14). */
  documents?: string[];
  /** How the gateway was reached: `diretta` or the proxy as scheme://host:port (never its credentials). */
  route?: string;
  /** The connection probe's result, one line (stage runs). */
  probe?: string;
  /** Why the run stopped early (Italian), with the last network error. */
  stopped?: string;
}

const METHOD_LABEL: Record<string, string> = {
  'validate-and-create': 'Validazione e pubblicazione (validate-and-create)',
  replace: 'Sostituzione (replace)',
  'update-metadata': 'Aggiornamento metadati (update-metadata)',
  delete: 'Cancellazione (delete)',
};

const CODREP_LABEL: Record<string, string> = {
  '999': 'accreditato non convenzionato',
  '201': 'convenzionato',
  '202': 'convenzionato',
  '203': 'convenzionato',
};

/** Escapes a value for a Markdown table cell (pipes, line breaks, backslashes, emphasis markers). */
export function mdCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  if (s === '') return '—';
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[*_`[\]<>]/g, (c) => `\\${c}`).replace(/\r?\n|\r/g, ' ');
}

/** An identifier as a code span (kept on one line in the PDF, copy-paste safe in a mail). */
export function mdCode(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v).replace(/[`\r\n|]/g, ' ').trim();
  return s === '' ? '—' : `\`${s}\``;
}

function mdText(v: unknown): string {
  return mdCell(v);
}

function outcomeIt(o: string): string {
  return o === 'PASS' ? 'OK (come atteso)' : o === 'FAIL' ? 'NON CONFORME' : o === 'ERROR' ? 'ERRORE' : o === 'INFO' ? 'INFORMATIVO (non vincolante in stage)' : o === 'RETRY' ? 'RIPROVATA (documento non ancora disponibile dopo un 202)' : o;
}

function statusText(r: LedgerRow): string {
  if (r.httpStatus === '') return 'nessuna risposta';
  return String(r.httpStatus) + (r.outcome !== 'PASS' && r.expected !== '' && r.expected !== r.httpStatus ? ` (atteso ${r.expected})` : '');
}

export function renderSummary(meta: RunMeta, rows: LedgerRow[]): string {
  const L: string[] = [];
  const app = meta.application;
  const convenzionato = meta.codRep !== '999';
  L.push(`# Riepilogo esecuzione di accreditamento FSE 2.0 — Regione Toscana`);
  L.push('');
  L.push(`Riepilogo delle chiamate effettuate verso il gateway FSE 2.0 (CART) per l'impianto indicato, con l'identificativo`
    + ` **X-Cart-id** restituito da CART per ogni risposta (accettata o no).`);
  L.push('');
  L.push('## Dati dell\'impianto');
  L.push('');
  L.push('| Voce | Valore |');
  L.push('|---|---|');
  L.push(`| Impianto (installazione) | ${mdCell(meta.installation)} |`);
  L.push(`| Fornitore | ${mdCell(meta.provider.name)} |`);
  L.push(`| Partita IVA fornitore | ${mdCell(meta.provider.partitaIva)} |`);
  L.push(`| CODREP | ${mdCell(meta.codRep)} (${mdCell(CODREP_LABEL[meta.codRep] ?? 'n/d')}) |`);
  if (convenzionato || meta.azienda) L.push(`| Azienda | ${mdCell(meta.azienda ?? 'NON INDICATA')} |`);
  L.push(`| Ambiente (target) | ${mdCell(meta.target)} |`);
  L.push(`| URL del gateway | ${mdCell(meta.baseUrl)} |`);
  L.push(`| Applicazione — vendor | ${mdCell(app.vendor)} |`);
  L.push(`| Applicazione — id | ${mdCell(app.id)} |`);
  L.push(`| Applicazione — versione | ${mdCell(app.version)} |`);
  if (meta.authCn) L.push(`| CN certificato di autenticazione | ${mdCell(meta.authCn)} |`);
  if (meta.signCn) L.push(`| CN certificato di firma | ${mdCell(meta.signCn)} |`);
  if (meta.catalogs) L.push(`| Versione cataloghi | ${mdCell(meta.catalogs)} |`);
  if (meta.route) L.push(`| Connessione | ${mdCell(meta.route)} |`);
  if (meta.probe) L.push(`| Sonda di connessione | ${mdCell(meta.probe)} |`);
  L.push(`| Inizio esecuzione (UTC) | ${mdCell(meta.startedAt)} |`);
  L.push(`| Fine esecuzione (UTC) | ${mdCell(meta.finishedAt ?? 'non terminata')} |`);
  L.push('');
  if (meta.stopped) {
    L.push(`> **Esecuzione interrotta:** ${mdText(meta.stopped)}. Gli scenari successivi non hanno inviato richieste;`
      + ' la pulizia finale è stata comunque tentata.');
    L.push('');
  }
  if (meta.documents && meta.documents.length > 0) {
    L.push('## Documenti inviati per tipo');
    L.push('');
    for (const d of meta.documents) L.push(`- ${mdText(d)}`);
    L.push('');
  }
  if (meta.warnings && meta.warnings.length > 0) {
    L.push('## Avvertenze');
    L.push('');
    for (const w of meta.warnings) L.push(`- ${mdText(w)}`);
    L.push('');
  }
  if (convenzionato && !meta.azienda) {
    L.push('> **Attenzione:** CODREP convenzionato ma Azienda non indicata nel profilo.');
    L.push('');
  }
  if (meta.target !== 'stage') {
    L.push(`> **Attenzione:** esecuzione su target \`${mdText(meta.target)}\`: gli identificativi qui riportati`
      + ' NON provengono dal gateway di stage di Regione Toscana e non valgono come evidenza di accreditamento.');
    L.push('');
  }

  // Totals
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  const withCart = rows.filter((r) => r.xCartId !== '').length;
  L.push('## Totali');
  L.push('');
  L.push(`- Chiamate registrate: **${rows.length}**`);
  L.push(`- Con X-Cart-id: **${withCart}**; senza risposta HTTP: **${rows.filter((r) => r.httpStatus === '').length}**`);
  L.push(`- Esiti: OK ${count('PASS')}, non conformi ${count('FAIL')}, errori ${count('ERROR')}`);
  L.push('');

  // Per method × document type
  L.push('## X-Cart-id per metodo e tipo di documento');
  L.push('');
  const methods = [...METHODS, ...[...new Set(rows.map((r) => r.method))].filter((m) => !METHODS.includes(m)).sort()];
  for (const m of methods) {
    const mRows = rows.filter((r) => r.method === m);
    L.push(`### ${mdText(METHOD_LABEL[m] ?? m)}`);
    L.push('');
    if (mRows.length === 0) {
      L.push('_Nessuna chiamata eseguita per questo metodo._');
      L.push('');
      continue;
    }
    const types = [...new Set(mRows.map((r) => r.documentType))].sort();
    for (const t of types) {
      const tRows = mRows.filter((r) => r.documentType === t);
      L.push(`#### Tipo documento: ${mdText(t || 'n/d')}`);
      L.push('');
      L.push('| Data/ora (UTC) | Scenario | CF paziente | Identificativo documento | HTTP | X-Cart-id | traceId | Esito |');
      L.push('|---|---|---|---|---|---|---|---|');
      for (const r of tRows) {
        L.push(`| ${mdCode(r.timestamp)} | ${mdCell(r.scenario)} | ${mdCode(r.patientCf)} | ${mdCell(r.identificativoDoc)} | `
          + `${mdCell(statusText(r))} | ${mdCode(r.xCartId)} | ${mdCode(r.traceId)} | ${mdCell(outcomeIt(r.outcome))} |`);
      }
      L.push('');
    }
  }

  // Exchanges without response
  const noResp = rows.filter((r) => r.httpStatus === '' || r.responseFile === '');
  L.push('## Chiamate senza risposta HTTP');
  L.push('');
  if (noResp.length === 0) L.push('Nessuna: ogni chiamata ha ricevuto una risposta.');
  else {
    L.push('| Data/ora (UTC) | Metodo | Tipo | Scenario | Errore | Dettaglio | Richiesta salvata |');
    L.push('|---|---|---|---|---|---|---|');
    for (const r of noResp) {
      L.push(`| ${mdCell(r.timestamp)} | ${mdCell(r.method)} | ${mdCell(r.documentType)} | ${mdCell(r.scenario)} | `
        + `${mdCell(r.errorType)} | ${mdCell(r.errorDetail)} | ${mdCell(r.requestFile ? `evidence/${r.requestFile}` : '')} |`);
    }
  }
  L.push('');

  // Responses without X-Cart-id (should not happen on CART)
  const noCart = rows.filter((r) => r.httpStatus !== '' && r.xCartId === '');
  if (noCart.length > 0) {
    L.push('## Risposte senza X-Cart-id');
    L.push('');
    L.push('| Data/ora (UTC) | Metodo | Tipo | Scenario | HTTP | Risposta salvata |');
    L.push('|---|---|---|---|---|---|');
    for (const r of noCart) {
      L.push(`| ${mdCell(r.timestamp)} | ${mdCell(r.method)} | ${mdCell(r.documentType)} | ${mdCell(r.scenario)} | `
        + `${mdCell(r.httpStatus)} | ${mdCell(r.responseFile ? `evidence/${r.responseFile}` : '')} |`);
    }
    L.push('');
  }

  // Documents left behind
  L.push('## Documenti rimasti pubblicati sul gateway');
  L.push('');
  const left = meta.leftBehind ?? [];
  if (left.length === 0) L.push('Nessuno: tutti i documenti pubblicati durante l\'esecuzione sono stati cancellati.');
  else {
    L.push('I seguenti documenti risultano pubblicati e non cancellati al termine dell\'esecuzione:');
    L.push('');
    for (const d of left) L.push(`- ${mdText(d)}`);
  }
  L.push('');
  L.push('---');
  L.push('');
  L.push('Richieste e risposte complete sono nell\'archivio delle evidenze (`evidence/exchanges/`), elencate in'
    + ' `evidence/ledger.csv`; l\'integrità è verificabile con `evidence/manifest.json` (SHA-256).');
  L.push('');
  return L.join('\n');
}

export function writeSummary(runDir: string, meta: RunMeta, rows: LedgerRow[]): string {
  const path = join(runDir, RUN_FILES.summary);
  writeFileSync(path, renderSummary(meta, rows));
  return path;
}
