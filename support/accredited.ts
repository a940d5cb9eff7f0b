/**
 * Check of the application triple (subject_application_id / _vendor / _version) against the national list of
 * accredited software (it-fse-accreditati RESULTS/results.csv + equiv_names.json; RT spec v1.2, application identity):
 * vendor ∈ Fornitore ∪ Nomi fornitori equivalenti ∪ equiv_names aliases, id == Applicativo,
 * version ∈ Versione ∪ Versioni Equivalenti — compared EXACTLY. A match that only works ignoring case is
 * an error naming the exact listed spelling. Document types are the union over the rows of the triple.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from './errors.ts';
import { parseCsv } from './csv.ts';

export interface AccreditedRow {
  vendor: string;
  vendorAliases: string[];
  applicationId: string;
  version: string;
  equivalentVersions: string[];
  docTypes: string[];
  date: string;
  raw: Record<string, string>;
}

export interface AccreditedList {
  path: string;
  rows: AccreditedRow[];
  /** Upper-cased vendor → aliases (from equiv_names.json), symmetric. */
  vendorAliases: Map<string, Set<string>>;
}

export interface AccreditedCheck {
  status: 'exact' | 'case-only' | 'not-listed';
  message: string;
  docTypes?: string[];
  row?: Record<string, string>;
  /** When a docType was asked: whether the listed triple covers it. */
  docTypeCovered?: boolean;
}

export const RESULTS_COLUMNS = [
  'Fornitore', 'Nomi fornitori equivalenti', 'Applicativo', 'Versione', 'Versioni Equivalenti', 'Tipo Documento',
  'Servizio', 'Data validazione', 'Versione Gateway',
] as const;

/** RFC 4180, whole file (see support/csv.ts). */
export { parseCsv };

function splitList(v: string, sep: RegExp): string[] {
  return v.split(sep).map((x) => x.trim()).filter((x) => x.length > 0);
}

function addAlias(map: Map<string, Set<string>>, a: string, b: string): void {
  const k = a.toUpperCase();
  let set = map.get(k);
  if (!set) map.set(k, (set = new Set()));
  set.add(b);
}

/** Loads results.csv (and equiv_names.json, by default the one beside it when present). */
export function loadAccreditedList(csvPath: string, equivNamesPath?: string): AccreditedList {
  if (!existsSync(csvPath)) {
    throw new UserError('ACCREDITED_LIST_MISSING', `Accredited-software list not found: ${csvPath}`, 'Point accreditedListCsv to a copy of it-fse-accreditati RESULTS/results.csv.');
  }
  let rowsRaw: string[][];
  try {
    rowsRaw = parseCsv(readFileSync(csvPath, 'utf8'));
  } catch (err) {
    throw new UserError('ACCREDITED_LIST_INVALID', `Cannot parse ${csvPath} as CSV: ${err instanceof Error ? err.message : String(err)}`);
  }
  const header = rowsRaw[0] ?? [];
  const idx: Record<string, number> = {};
  for (const c of RESULTS_COLUMNS) {
    const n = header.indexOf(c);
    if (n < 0 && c !== 'Servizio' && c !== 'Versione Gateway') {
      throw new UserError('ACCREDITED_LIST_INVALID', `${csvPath} is not the accredited-software list: column "${c}" is missing`, `Expected the columns ${RESULTS_COLUMNS.join(', ')}.`);
    }
    idx[c] = n;
  }
  const get = (r: string[], c: string): string => (idx[c]! >= 0 ? (r[idx[c]!] ?? '') : '');
  const rows: AccreditedRow[] = rowsRaw.slice(1).map((r) => {
    const raw: Record<string, string> = {};
    header.forEach((h, i) => (raw[h] = r[i] ?? ''));
    return {
      vendor: get(r, 'Fornitore'),
      vendorAliases: splitList(get(r, 'Nomi fornitori equivalenti'), /,\s/),
      applicationId: get(r, 'Applicativo'),
      version: get(r, 'Versione'),
      equivalentVersions: splitList(get(r, 'Versioni Equivalenti'), /,\s/),
      docTypes: splitList(get(r, 'Tipo Documento'), /,/),
      date: get(r, 'Data validazione'),
      raw,
    };
  });
  const vendorAliases = new Map<string, Set<string>>();
  const eqPath = equivNamesPath ?? join(dirname(csvPath), 'equiv_names.json');
  if (existsSync(eqPath)) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(eqPath, 'utf8'));
    } catch {
      throw new UserError('ACCREDITED_LIST_INVALID', `Cannot parse ${eqPath} as JSON`);
    }
    const names = (data as { names?: unknown }).names;
    if (Array.isArray(names)) {
      for (const n of names) {
        const v = (n as { appVendor?: unknown }).appVendor;
        const eq = (n as { equiv_names?: unknown }).equiv_names;
        if (typeof v !== 'string' || !Array.isArray(eq)) continue;
        for (const e of eq) {
          if (typeof e !== 'string') continue;
          addAlias(vendorAliases, v, e);
          addAlias(vendorAliases, e, v);
        }
      }
    }
  } else if (equivNamesPath) {
    throw new UserError('ACCREDITED_LIST_MISSING', `Vendor-alias file not found: ${equivNamesPath}`);
  }
  return { path: csvPath, rows, vendorAliases };
}

type Eq = (a: string, b: string) => boolean;
const exactEq: Eq = (a, b) => a === b;
const caseEq: Eq = (a, b) => a.toUpperCase() === b.toUpperCase();

/** Listed vendor spellings of a row: Fornitore, its equivalents, and equiv_names aliases (exact strings). */
function rowVendorNames(list: AccreditedList, r: AccreditedRow): string[] {
  const names = new Set<string>([r.vendor, ...r.vendorAliases]);
  for (const n of [...names]) for (const a of list.vendorAliases.get(n.toUpperCase()) ?? []) names.add(a);
  return [...names];
}

interface Hit {
  row: AccreditedRow;
  vendor: string;
  version: string;
}

function findHits(list: AccreditedList, app: { id: string; vendor: string; version: string }, eq: Eq): Hit[] {
  const hits: Hit[] = [];
  for (const r of list.rows) {
    if (!eq(r.applicationId, app.id)) continue;
    const vendor = rowVendorNames(list, r).find((n) => eq(n, app.vendor));
    if (vendor === undefined) continue;
    const version = [r.version, ...r.equivalentVersions].find((v) => eq(v, app.version));
    if (version === undefined) continue;
    hits.push({ row: r, vendor, version });
  }
  return hits;
}

function unionDocTypes(hits: Hit[]): string[] {
  const s = new Set<string>();
  for (const h of hits) for (const d of h.row.docTypes) s.add(d);
  return [...s].sort();
}

function latest(hits: Hit[]): Hit {
  return hits.reduce((a, b) => (b.row.date > a.row.date ? b : a));
}

function q(s: string): string {
  return JSON.stringify(s);
}

/** Checks an application triple (and optionally one document type) against the list. */
export function checkApplication(list: AccreditedList, app: { id: string; vendor: string; version: string }, docType?: string): AccreditedCheck {
  const triple = `id ${q(app.id)}, vendor ${q(app.vendor)}, version ${q(app.version)}`;
  const exact = findHits(list, app, exactEq);
  if (exact.length > 0) {
    const docTypes = unionDocTypes(exact);
    const row = latest(exact).row.raw;
    if (docType !== undefined && !docTypes.includes(docType)) {
      return {
        status: 'not-listed',
        message: `The application (${triple}) is listed in ${list.path}, but not for document type ${docType} (listed for: ${docTypes.join(', ')})`,
        docTypes,
        row,
        docTypeCovered: false,
      };
    }
    return {
      status: 'exact',
      message: `The application (${triple}) is listed${docType ? ` for ${docType}` : ''} (document types: ${docTypes.join(', ')})`,
      docTypes,
      row,
      ...(docType !== undefined ? { docTypeCovered: true } : {}),
    };
  }
  const ci = findHits(list, app, caseEq);
  if (ci.length > 0) {
    const h = latest(ci);
    const fixes: string[] = [];
    if (h.row.applicationId !== app.id) fixes.push(`subject_application_id must be exactly ${q(h.row.applicationId)} (not ${q(app.id)})`);
    if (h.vendor !== app.vendor) fixes.push(`subject_application_vendor must be exactly ${q(h.vendor)} (not ${q(app.vendor)})`);
    if (h.version !== app.version) fixes.push(`subject_application_version must be exactly ${q(h.version)} (not ${q(app.version)})`);
    const docTypes = unionDocTypes(ci);
    return {
      status: 'case-only',
      message: `The application (${triple}) matches the accredited list only when ignoring upper/lower case: ${fixes.join('; ')}. Regional systems compare these strings exactly.`,
      docTypes,
      row: h.row.raw,
      ...(docType !== undefined ? { docTypeCovered: docTypes.includes(docType) } : {}),
    };
  }
  // Not listed: give the closest hint we can.
  const sameApp = list.rows.filter((r) => r.applicationId === app.id && rowVendorNames(list, r).includes(app.vendor));
  let hint = '';
  if (sameApp.length > 0) {
    const versions = [...new Set(sameApp.flatMap((r) => [r.version, ...r.equivalentVersions]))];
    const shown = versions.slice(0, 10).map(q).join(', ');
    hint = ` The vendor and application are listed, with version(s) ${shown}${versions.length > 10 ? `, and ${versions.length - 10} more` : ''}.`;
  } else {
    const sameId = list.rows.filter((r) => caseEq(r.applicationId, app.id));
    if (sameId.length > 0) {
      const vendors = [...new Set(sameId.map((r) => r.vendor))].slice(0, 5).map(q).join(', ');
      hint = ` An application ${q(app.id)} is listed for vendor(s) ${vendors}.`;
    }
  }
  return {
    status: 'not-listed',
    message: `The application (${triple}) is not in the accredited-software list ${list.path}.${hint} subject_application_id/_vendor/_version must be exactly the strings declared in national accreditation (results.csv columns Applicativo, Fornitore, Versione or Versioni Equivalenti).`,
  };
}
