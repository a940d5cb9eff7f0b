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
import { accreditationCalls, acceptedOutcomeIt, METHOD_LABEL_IT, notStageWarning } from './accreditation-calls.ts';
import type { RunMeta } from './run-meta.ts';
import { writeMail } from './mail.ts';
import { romeDateTime } from '../rome-time.ts';

export type { RunMeta } from './run-meta.ts';

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

function outcomeIt(o: string, infrastructure = ''): string {
  if (infrastructure && o !== 'PASS') return 'INFRASTRUTTURA';
  return o === 'PASS' ? 'OK (come atteso)' : o === 'FAIL' ? 'NON CONFORME' : o === 'ERROR' ? 'ERRORE' : o === 'INFO' ? 'INFORMATIVO (non vincolante in stage)' : o === 'RETRY' ? 'RIPROVATA (documento non ancora disponibile dopo un 202)' : o;
}

function statusText(r: LedgerRow): string {
  if (r.httpStatus === '') return 'nessuna risposta';
  return String(r.httpStatus) + (r.outcome !== 'PASS' && r.expected !== '' && r.expected !== r.httpStatus ? ` (atteso ${r.expected})` : '');
}


/** Installation data RT checks before production (toscana.md §7.5), as label/value pairs (summary and mail). */
export function installationFacts(meta: RunMeta): [string, string][] {
  const app = meta.application;
  const convenzionato = meta.codRep !== '999';
  const f: [string, string][] = [
    ['Impianto (installazione)', meta.installation],
    ['Fornitore', meta.provider.name],
    ['Partita IVA fornitore', meta.provider.partitaIva],
    ['CODREP', `${meta.codRep} (${CODREP_LABEL[meta.codRep] ?? 'n/d'})`],
  ];
  if (convenzionato || meta.azienda) f.push(['Azienda', meta.azienda ?? 'NON INDICATA']);
  f.push(
    ['Applicazione — vendor', app.vendor],
    ['Applicazione — id', app.id],
    ['Applicazione — versione', app.version],
  );
  if (meta.authCn) f.push(['CN certificato di autenticazione', meta.authCn]);
  if (meta.signCn) f.push(['CN certificato di firma', meta.signCn]);
  f.push(['Ambiente (target)', meta.target], ['URL del gateway', meta.baseUrl]);
  return f;
}

export function renderSummary(meta: RunMeta, rows: LedgerRow[]): string {
  const L: string[] = [];
  const convenzionato = meta.codRep !== '999';
  const warning = notStageWarning(meta.target);
  // First line, before the title: whoever opens the file (or a PDF of it) sees at once that it is not evidence.
  if (warning) {
    L.push(`**${mdText(warning)}**`);
    L.push('');
  }
  L.push(`# Riepilogo esecuzione di accreditamento FSE 2.0 — Regione Toscana`);
  L.push('');
  L.push(`Impianto **${mdText(meta.installation)}** — ${mdText(meta.provider.name)}. In testa le chiamate che RT chiede`
    + ' per il passaggio in produzione, poi i dati dell\'impianto; in appendice ogni chiamata effettuata, con il suo'
    + ' **X-Cart-id** (restituito da CART per ogni risposta, accettata o no).');
  L.push('');

  // 1. What RT asks for: one accepted call per method × document type.
  L.push('## X-Cart-id delle chiamate di accreditamento');
  L.push('');
  L.push('Per ogni metodo e tipo di documento, la chiamata accettata dal gateway (del ciclo di vita sui codici fiscali'
    + ' di test RT, quando presente). Data e ora in ora italiana.');
  L.push('');
  L.push('| Metodo | Tipo documento | X-Cart-id | Data e ora | Codice fiscale | Esito |');
  L.push('|---|---|---|---|---|---|');
  const calls = accreditationCalls(rows, meta.documentTypes);
  for (const c of calls) {
    const r = c.row;
    L.push(r
      ? `| ${mdCell(METHOD_LABEL_IT[c.method])} | ${mdCell(c.documentType)} | ${mdCode(r.xCartId)} | ${mdCell(romeDateTime(r.timestamp))} | `
        + `${mdCode(r.patientCf)} | ${mdCell(acceptedOutcomeIt(r))} |`
      : `| ${mdCell(METHOD_LABEL_IT[c.method])} | ${mdCell(c.documentType)} | — | — | — | **NESSUNA CHIAMATA ACCETTATA** |`);
  }
  L.push('');
  const missing = calls.filter((c) => !c.row).length;
  if (missing > 0) {
    L.push(`> **Attenzione:** ${missing} combinazioni metodo × tipo senza una chiamata accettata: l'esecuzione non`
      + ' dimostra ancora tutti i metodi richiesti da RT.');
    L.push('');
  }
  const left = meta.leftBehind ?? [];
  L.push(left.length === 0
    ? '- Documenti rimasti pubblicati sul gateway: **nessuno**.'
    : `- Documenti rimasti pubblicati sul gateway: **${left.length}** (elencati in appendice).`);
  if (meta.stopped) L.push(`- **Esecuzione interrotta:** ${mdText(meta.stopped)}.`);
  L.push('');
  // (Any other one-line state of the clean-up RT must see at once, e.g. documents of unknown fate, goes above.)

  // 2. The installation data RT checks.
  L.push('## Dati dell\'impianto');
  L.push('');
  L.push('| Voce | Valore |');
  L.push('|---|---|');
  for (const [k, v] of installationFacts(meta)) L.push(`| ${mdCell(k)} | ${mdCell(v)} |`);
  L.push('');
  if (convenzionato && !meta.azienda) {
    L.push('> **Attenzione:** CODREP convenzionato ma Azienda non indicata nel profilo.');
    L.push('');
  }

  // 3. Everything else, for whoever checks the details.
  L.push('## Appendice');
  L.push('');
  L.push('### Esecuzione');
  L.push('');
  L.push('| Voce | Valore |');
  L.push('|---|---|');
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
  if (meta.target !== 'stage') {
    L.push(`> **Attenzione:** esecuzione su target \`${mdText(meta.target)}\`: gli identificativi qui riportati`
      + ' NON provengono dal gateway di stage di Regione Toscana e non valgono come evidenza di accreditamento.');
    L.push('');
  }
  if (meta.documents && meta.documents.length > 0) {
    L.push('### Documenti inviati per tipo');
    L.push('');
    for (const d of meta.documents) L.push(`- ${mdText(d)}`);
    L.push('');
  }
  if (meta.warnings && meta.warnings.length > 0) {
    L.push('### Avvertenze');
    L.push('');
    for (const w of meta.warnings) L.push(`- ${mdText(w)}`);
    L.push('');
  }

  // Totals (a count of the infrastructure's answers, kept apart from the non-conformities, belongs here)
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  const withCart = rows.filter((r) => r.xCartId !== '').length;
  L.push('### Totali');
  L.push('');
  L.push(`- Chiamate registrate: **${rows.length}**`);
  L.push(`- Con X-Cart-id: **${withCart}**; senza risposta HTTP: **${rows.filter((r) => r.httpStatus === '').length}**`);
  const infra = rows.filter((r) => r.infrastructure).length;
  L.push(`- Esiti: OK ${count('PASS')}, non conformi ${count('FAIL') - rows.filter((r) => r.infrastructure && r.outcome === 'FAIL').length}, errori ${count('ERROR') - rows.filter((r) => r.infrastructure && r.outcome === 'ERROR').length}`);
  // the infrastructure's answers (429, 502/503/504, proxy pages, no answer) are counted apart: they are not
  // non-conformities of the software under accreditation
  L.push(`- Risposte dell'infrastruttura (429, 502/503/504, pagine non JSON senza X-Cart-id, nessuna risposta HTTP): ${infra}`
    + `${infra ? ' — non sono non conformità del software; le chiamate vanno ripetute' : ''}`);
  L.push('');

  // Per method × document type
  L.push('### Tutte le chiamate, per metodo e tipo di documento');
  L.push('');
  const methods = [...METHODS, ...[...new Set(rows.map((r) => r.method))].filter((m) => !METHODS.includes(m)).sort()];
  for (const m of methods) {
    const mRows = rows.filter((r) => r.method === m);
    L.push(`#### ${mdText(METHOD_LABEL[m] ?? m)}`);
    L.push('');
    if (mRows.length === 0) {
      L.push('_Nessuna chiamata eseguita per questo metodo._');
      L.push('');
      continue;
    }
    const types = [...new Set(mRows.map((r) => r.documentType))].sort();
    for (const t of types) {
      const tRows = mRows.filter((r) => r.documentType === t);
      L.push(`##### Tipo documento: ${mdText(t || 'n/d')}`);
      L.push('');
      L.push('| Data/ora (UTC) | Scenario | CF paziente | Identificativo documento | HTTP | X-Cart-id | traceId | Esito |');
      L.push('|---|---|---|---|---|---|---|---|');
      for (const r of tRows) {
        L.push(`| ${mdCode(r.timestamp)} | ${mdCell(r.scenario)} | ${mdCode(r.patientCf)} | ${mdCell(r.identificativoDoc)} | `
          + `${mdCell(statusText(r))} | ${mdCode(r.xCartId)} | ${mdCode(r.traceId)} | ${mdCell(outcomeIt(r.outcome, r.infrastructure))} |`);
      }
      L.push('');
    }
  }

  // Exchanges without response
  const noResp = rows.filter((r) => r.httpStatus === '' || r.responseFile === '');
  L.push('### Chiamate senza risposta HTTP');
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
    L.push('### Risposte senza X-Cart-id');
    L.push('');
    L.push('| Data/ora (UTC) | Metodo | Tipo | Scenario | HTTP | Risposta salvata |');
    L.push('|---|---|---|---|---|---|');
    for (const r of noCart) {
      L.push(`| ${mdCell(r.timestamp)} | ${mdCell(r.method)} | ${mdCell(r.documentType)} | ${mdCell(r.scenario)} | `
        + `${mdCell(r.httpStatus)} | ${mdCell(r.responseFile ? `evidence/${r.responseFile}` : '')} |`);
    }
    L.push('');
  }

  // Documents left behind. The compact block at the top quotes their count; the list of documents whose fate is
  // unknown (a create/replace without a usable answer, "forse pubblicati") belongs right after this section.
  L.push('### Documenti rimasti pubblicati sul gateway');
  L.push('');
  if (left.length === 0) L.push('Nessuno: tutti i documenti pubblicati (o forse pubblicati) durante l\'esecuzione sono stati cancellati.');
  else {
    L.push('I seguenti documenti risultano pubblicati, o forse pubblicati, e non cancellati: NON RISOLTI. Per riprovare la'
      + ' cancellazione: `fse-harness cleanup <cartella della run>` (elenco in `evidence/published.jsonl`).');
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

/**
 * Writes summary.md and, beside it, mail-rt.txt (support/evidence/mail.ts): whoever regenerates the summary (the end
 * of a run, a later clean-up) keeps the two in step. Returns the summary's path.
 */
export function writeSummary(runDir: string, meta: RunMeta, rows: LedgerRow[]): string {
  const path = join(runDir, RUN_FILES.summary);
  writeFileSync(path, renderSummary(meta, rows));
  writeMail(runDir, meta, rows);
  return path;
}
