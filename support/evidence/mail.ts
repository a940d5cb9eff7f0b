/**
 * mail-rt.txt — the mail a vendor sends RT after the stage run of an installation (toscana.md §7.5: "mail RT the
 * cart ids, the Azienda (for convenzionati) and the provider"; §7.6: every request names provider, vendor and
 * application). Plain text, Italian, ready to paste: a subject line, a blank line, the body. The X-Cart-id table is the
 * same selection as summary.md's first table (accreditation-calls.ts), aligned with spaces so that it reads in any
 * mail client.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from './runDir.ts';
import { accreditationCalls, acceptedOutcomeIt, METHOD_LABEL_IT, notStageWarning } from './accreditation-calls.ts';
import type { RunMeta } from './run-meta.ts';
import { romeDateTime } from '../rome-time.ts';
import type { LedgerRow } from '../types.ts';

/** A plain-text table: columns padded to their widest cell, a dashed rule under the header. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(width[i]!))).join('  ').trimEnd();
  return [line(header), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** One line, no control characters: profile values go into a mail header and body as they are. */
function flat(v: string | undefined): string {
  return (v ?? '').replace(/[\r\n\t]+/g, ' ').trim();
}

export function renderMail(meta: RunMeta, rows: readonly LedgerRow[]): string {
  const L: string[] = [];
  const warning = notStageWarning(meta.target);
  if (warning) {
    L.push(warning);
    L.push('');
  }
  const app = meta.application;
  const convenzionato = meta.codRep !== '999';
  const provider = flat(meta.provider.name);
  const stage = meta.target === 'stage';
  L.push(`Oggetto: FSE 2.0 Regione Toscana - accreditamento impianto ${flat(meta.installation)} - ${provider}`
    + ` (P.IVA ${flat(meta.provider.partitaIva)}) - ${stage ? 'X-Cart-id delle chiamate in stage' : 'PROVA NON SU STAGE, non valida'}`);
  L.push('');
  L.push('Gentili referenti FSE di Regione Toscana,');
  L.push('');
  L.push(`il fornitore ${provider} (P.IVA ${flat(meta.provider.partitaIva)}) ha eseguito ${stage ? 'in ambiente di stage'
    : meta.target === 'simulator' ? 'contro il simulatore locale (non lo stage di Regione Toscana)' : `sul target "${flat(meta.target)}" (non lo stage di Regione Toscana)`} i metodi`
    + ` del gateway FSE 2.0 per l'impianto ${flat(meta.installation)}, ${convenzionato
      ? `convenzionato con l'Azienda ${flat(meta.azienda) || '(AZIENDA NON INDICATA)'} (CODREP ${flat(meta.codRep)})`
      : `accreditato non convenzionato (CODREP ${flat(meta.codRep)})`}.`);
  L.push('');
  L.push(`Applicativo: ${flat(app.id)}, versione ${flat(app.version)}, produttore (vendor) ${flat(app.vendor)}.`);
  if (meta.authCn) L.push(`Certificato di autenticazione: CN ${flat(meta.authCn)}`);
  if (meta.signCn) L.push(`Certificato di firma: CN ${flat(meta.signCn)}`);
  L.push(`Gateway: ${flat(meta.baseUrl)}`);
  L.push(`Esecuzione: dal ${romeDateTime(meta.startedAt)} al ${meta.finishedAt ? romeDateTime(meta.finishedAt) : '(non terminata)'}.`);
  L.push('');
  L.push('Di seguito, per ogni metodo e tipo di documento, l\'X-Cart-id della chiamata accettata dal gateway'
    + ' (data e ora italiane):');
  L.push('');
  const calls = accreditationCalls(rows, meta.documentTypes);
  L.push(...textTable(
    ['Metodo', 'Tipo', 'X-Cart-id', 'Data e ora', 'Codice fiscale', 'Esito'],
    calls.map((c) => (c.row
      ? [METHOD_LABEL_IT[c.method], c.documentType, c.row.xCartId, romeDateTime(c.row.timestamp), c.row.patientCf, acceptedOutcomeIt(c.row)]
      : [METHOD_LABEL_IT[c.method], c.documentType, '-', '-', '-', 'NESSUNA CHIAMATA ACCETTATA'])),
  ));
  L.push('');
  const missing = calls.filter((c) => !c.row);
  if (missing.length > 0) {
    L.push(`Attenzione: per ${missing.length} combinazioni metodo/tipo non risulta una chiamata accettata.`);
    L.push('');
  }
  const left = meta.leftBehind ?? [];
  L.push(left.length === 0
    ? 'Al termine dell\'esecuzione tutti i documenti pubblicati sono stati eliminati.'
    : `Al termine dell'esecuzione ${left.length === 1 ? '1 documento risulta' : `${left.length} documenti risultano`} ancora ${left.length === 1 ? 'pubblicato' : 'pubblicati'}: ${left.map(flat).join('; ')}.`);
  L.push('');
  L.push('Richieste e risposte complete di ogni chiamata, con il relativo X-Cart-id, sono conservate nell\'archivio'
    + ' delle evidenze (evidence-bundle.zip, con impronte SHA-256) e sono disponibili su richiesta.');
  L.push('');
  L.push('Restiamo in attesa di un vostro riscontro per il passaggio in produzione dell\'impianto.');
  L.push('');
  L.push('Cordiali saluti,');
  L.push(provider);
  L.push('');
  return L.join('\n');
}

export function writeMail(runDir: string, meta: RunMeta, rows: readonly LedgerRow[]): string {
  const path = join(runDir, RUN_FILES.mailRt);
  writeFileSync(path, renderMail(meta, rows));
  return path;
}
