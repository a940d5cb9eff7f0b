/**
 * The calls RT asks for before production (toscana.md §7.5): for each method × document type, the X-Cart-id of
 * one call that the gateway accepted, proving that the method works for that type. Shared by summary.md and
 * mail-rt.txt, so that both quote the same call.
 *
 * Which call is "the positive one": a 2xx answer with an X-Cart-id that the scenario expected (outcome PASS).
 * A rejected call (4xx/5xx, even when a negative scenario expected it), a call without answer and an
 * infrastructure answer are never picked. Among the accepted calls, RT's lifecycle (features/00-ciclo-di-vita.feature:
 * the four methods on RT's test fiscal codes) comes first, then any other positive scenario, then the run's own
 * housekeeping (the final clean-up's deletes); within a rank the earliest call.
 */
import { DOC_TYPES, METHODS, RT_TEST_CFS, type LedgerRow, type Method } from '../types.ts';

/** RT's names of the four methods (toscana.md §2), Italian, for the compact table and the mail. */
export const METHOD_LABEL_IT: Record<Method, string> = {
  'validate-and-create': 'Validazione e pubblicazione',
  'update-metadata': 'Aggiornamento metadati',
  replace: 'Sostituzione',
  delete: 'Eliminazione',
};

/** The order of RT's lifecycle: publish, update metadata, replace, delete. */
export const LIFECYCLE_ORDER: readonly Method[] = ['validate-and-create', 'update-metadata', 'replace', 'delete'];

/** Scenario names of RT's lifecycle outline ("ciclo di vita <tipo> per il paziente <cf>"). */
const LIFECYCLE_SCENARIO = /^ciclo di vita\b/i;
/** The run's own calls (final clean-up, connection probe): real calls, but not a scenario RT reads. */
const HOUSEKEEPING_SCENARIO = /^(Pulizia finale|Sonda di connessione)/;

export interface AccreditationCall {
  method: Method;
  documentType: string;
  /** The accepted call, or undefined when the run has none for this method × type. */
  row?: LedgerRow;
}

function isAccepted(r: LedgerRow): boolean {
  return r.outcome === 'PASS' && typeof r.httpStatus === 'number' && r.httpStatus >= 200 && r.httpStatus < 300 && r.xCartId !== '';
}

function rank(r: LedgerRow): number {
  if (LIFECYCLE_SCENARIO.test(r.scenario)) return RT_TEST_CFS.includes(r.patientCf) ? 0 : 1;
  if (HOUSEKEEPING_SCENARIO.test(r.scenario)) return 3;
  return 2;
}

/**
 * One entry per method (lifecycle order) × document type: the types given (the profile's), then any other type the
 * ledger holds, in the catalogue's order.
 */
export function accreditationCalls(rows: readonly LedgerRow[], documentTypes: readonly string[] = []): AccreditationCall[] {
  const seen = new Set(documentTypes);
  const extra = [...new Set(rows.map((r) => r.documentType).filter((t) => t !== '' && !seen.has(t)))]
    .sort((a, b) => catalogueIndex(a) - catalogueIndex(b) || (a < b ? -1 : a > b ? 1 : 0));
  const types = [...documentTypes, ...extra];
  const methods = [...LIFECYCLE_ORDER, ...METHODS.filter((m) => !LIFECYCLE_ORDER.includes(m))];
  const out: AccreditationCall[] = [];
  for (const method of methods) {
    for (const documentType of types) {
      let best: LedgerRow | undefined;
      for (const r of rows) {
        if (r.method !== method || r.documentType !== documentType || !isAccepted(r)) continue;
        if (!best || rank(r) < rank(best) || (rank(r) === rank(best) && r.timestamp < best.timestamp)) best = r;
      }
      out.push(best ? { method, documentType, row: best } : { method, documentType });
    }
  }
  return out;
}

function catalogueIndex(t: string): number {
  const i = (DOC_TYPES as readonly string[]).indexOf(t);
  return i < 0 ? DOC_TYPES.length : i;
}

/** Italian outcome of a picked call: the HTTP status, as RT reads it. */
export function acceptedOutcomeIt(r: LedgerRow): string {
  return r.httpStatus === 202 ? `HTTP 202 — presa in carico` : `HTTP ${r.httpStatus} — accettata`;
}

/**
 * The first line of summary.md and mail-rt.txt when the run is not evidence for RT: the identifiers it lists did not
 * come from RT's stage gateway (toscana.md §7.3: the accreditation run is made in stage). Undefined on stage.
 */
export function notStageWarning(target: string): string | undefined {
  if (target === 'stage') return undefined;
  return target === 'simulator'
    ? "ATTENZIONE: esecuzione contro il simulatore locale, non valida per l'accreditamento"
    : `ATTENZIONE: esecuzione sul target "${target}" e non sullo stage di Regione Toscana, non valida per l'accreditamento`;
}
