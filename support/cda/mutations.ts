/**
 * Negative (KO) CDA variants: each mutation is a pure function on the XML text that breaks exactly one family of
 * rules, so the national validator must answer the `expect`ed class (XSD → SYNTAX_ERROR, schematron assert →
 * SEMANTIC_ERROR, terminology → VOCABULARY_ERROR).
 *
 * The expected outcomes were derived from the CURRENT catalogs (schematron-index.json of it-fse-catalogs:
 * LAB v27.1, RAD v4.1, LDO v5.5, RSA v8.3, RAP v1.4, VPS v3.8, PSS v4.0, certificato VACC v2.4, singola VACC v3.3)
 * and are re-checked by test/cda/templates.test.ts against whatever catalogs FSE_CATALOGS_DIR points to.
 * A mutation throws when the element it needs is missing: it never silently becomes a no-op.
 */
import type { DocType } from '../types.ts';
import { MEF_OID } from '../gateway/oids.ts';
import { parseAttrs, scanTags, setAttr } from './scan.ts';
import type { Mutation } from './mutation.ts';
import { EXTRA_MUTATIONS } from './mutations-extra.ts';

interface Range { start: number; tagEnd: number; end: number }

/** Start-tag and element ranges of the elements matching `pick` (path = local names of the ancestors, root first). */
function findElements(xml: string, pick: (name: string, path: readonly string[], tag: string) => boolean, max = Infinity): Range[] {
  const found: Range[] = [];
  const open: (Range | null)[] = [];
  scanTags(xml, (e) => {
    if (found.length >= max && !open.some(Boolean)) return false;
    const match = found.length < max && pick(e.name, e.path, xml.slice(e.start, e.tagEnd));
    if (match) {
      const r: Range = { start: e.start, tagEnd: e.tagEnd, end: e.tagEnd };
      found.push(r);
      if (!e.selfClosing) open[e.depth] = r;
    } else if (!e.selfClosing) {
      open[e.depth] = null;
    }
    return;
  }, (e) => {
    const r = open[e.depth];
    if (r) { r.end = e.end; open[e.depth] = null; }
  });
  return found;
}

/** Removes [start, end) together with the indentation before it and the line break after it, when alone on its lines. */
function cut(xml: string, start: number, end: number): string {
  let s = start;
  while (s > 0 && (xml[s - 1] === ' ' || xml[s - 1] === '\t')) s--;
  const lineStart = s === 0 || xml[s - 1] === '\n';
  let e = end;
  if (lineStart) {
    while (e < xml.length && (xml[e] === ' ' || xml[e] === '\t')) e++;
    if (xml[e] === '\r') e++;
    if (xml[e] === '\n') e++;
  } else {
    s = start;
  }
  return xml.slice(0, s) + xml.slice(e);
}

function removeAll(xml: string, ranges: Range[]): string {
  let out = xml;
  for (const r of [...ranges].sort((a, b) => b.start - a.start)) out = cut(out, r.start, r.end);
  return out;
}

function editStartTag(xml: string, r: Range, edit: (tag: string) => string): string {
  return xml.slice(0, r.start) + edit(xml.slice(r.start, r.tagEnd)) + xml.slice(r.tagEnd);
}

function need<T>(id: string, what: string, v: T | undefined | null): T {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) throw new Error(`Mutation ${id}: ${what} not found in the document`);
  return v;
}

const isHeader = (path: readonly string[]) => path.length === 1 && path[0] === 'ClinicalDocument';

/** ClinicalDocument/<name> elements (header, depth 1). */
function headerElements(xml: string, name: string): Range[] {
  return findElements(xml, (n, path) => n === name && isHeader(path));
}

/** The patient's CF id: recordTarget/patientRole/id[@root=CF] (else the first patientRole/id). */
function patientCfId(xml: string): Range | undefined {
  const ids = findElements(xml, (n, path) => n === 'id' && path.length === 3 && path[1] === 'recordTarget' && path[2] === 'patientRole');
  return ids.find((r) => parseAttrs(xml.slice(r.start, r.tagEnd))['root'] === MEF_OID) ?? ids[0];
}

/**
 * Removes the body section (structuredBody/component/section) whose code is `loinc`, with its enclosing component.
 */
function removeBodySection(id: string, xml: string, loinc: string): string {
  // components of structuredBody, then the section code inside each
  const comps = findElements(xml, (n, path) => n === 'component' && path.length === 3 && path[1] === 'component' && path[2] === 'structuredBody');
  for (const c of comps) {
    const inner = xml.slice(c.start, c.end);
    const code = findElements(inner, (n, path) => n === 'code' && path.length === 2 && path[1] === 'section', 1)[0];
    if (code && parseAttrs(inner.slice(code.start, code.tagEnd))['code'] === loinc) return cut(xml, c.start, c.end);
  }
  throw new Error(`Mutation ${id}: no body section with code ${loinc} in the document`);
}

const CF_RULES = 'LAB ERRORE-46, RAD Errore-46, LDO Errore-47, RSA ERRORE-44, RAP ERRORE-37, VPS ERRORE-47, PSS ERRORE-52, certificato VACC ERRORE-33, singola VACC ERRORE-35';

const BASE_MUTATIONS: Record<string, Mutation> = {
  'senza-confidentialityCode': {
    id: 'senza-confidentialityCode',
    description: "CDA senza l'elemento obbligatorio ClinicalDocument/confidentialityCode: lo schema XSD CDA (POCD_MT000040UV02) lo richiede, il validatore deve rispondere SYNTAX_ERROR",
    expect: 'SYNTAX_ERROR',
    apply(xml) {
      const r = need('senza-confidentialityCode', 'ClinicalDocument/confidentialityCode', headerElements(xml, 'confidentialityCode'));
      return removeAll(xml, r);
    },
  },
  'cf-minuscolo': {
    id: 'cf-minuscolo',
    description: `Codice fiscale del paziente (recordTarget/patientRole/id) scritto in minuscolo: lo schematron del tipo documento richiede [A-Z0-9]{16} per ogni id con root 2.16.840.1.113883.2.9.4.3.2 (${CF_RULES}), atteso SEMANTIC_ERROR`,
    expect: 'SEMANTIC_ERROR',
    apply(xml) {
      const r = need('cf-minuscolo', 'recordTarget/patientRole/id', patientCfId(xml));
      const ext = parseAttrs(xml.slice(r.start, r.tagEnd))['extension'] ?? '';
      if (ext.toLowerCase() === ext) throw new Error('Mutation cf-minuscolo: the patient id has no upper-case letters to change');
      return editStartTag(xml, r, (tag) => setAttr(tag, 'extension', ext.toLowerCase()));
    },
  },
  'genere-fuori-dominio': {
    id: 'genere-fuori-dominio',
    description: "Sesso del paziente (administrativeGenderCode) valorizzato con il codice 'X', assente dal dizionario HL7 AdministrativeGender 2.16.840.1.113883.5.1 del catalogo terminologico (solo F, M, UN): XSD e schematron lo accettano, il controllo terminologico deve rispondere VOCABULARY_ERROR",
    expect: 'VOCABULARY_ERROR',
    apply(xml) {
      const r = need('genere-fuori-dominio', 'recordTarget/patientRole/patient/administrativeGenderCode',
        findElements(xml, (n, path) => n === 'administrativeGenderCode' && path.length === 4 && path[1] === 'recordTarget' && path[3] === 'patient', 1)[0]);
      return editStartTag(xml, r, (tag) => setAttr(tag, 'code', 'X'));
    },
  },
  'schematron-LAB': {
    id: 'schematron-LAB',
    description: "Referto di laboratorio senza ClinicalDocument/inFulfillmentOf (riferimento alla richiesta): lo schematron LAB v27.1 fallisce ERRORE-31 (\"In ClinicalDocument DEVE essere presente almeno un elemento 'inFulfillmentOf'\"), atteso SEMANTIC_ERROR",
    expect: 'SEMANTIC_ERROR',
    docTypes: ['LAB'],
    apply(xml) {
      return removeAll(xml, need('schematron-LAB', 'ClinicalDocument/inFulfillmentOf', headerElements(xml, 'inFulfillmentOf')));
    },
  },
  'schematron-RAD': {
    id: 'schematron-RAD',
    description: "Referto di radiologia senza la sezione 'Referto' (LOINC 18782-3): lo schematron RAD v4.1 fallisce ERRORE-b4 (\"Sezione Referto: DEVE essere presente la sezione Referto\", con ERRORE-b5), atteso SEMANTIC_ERROR",
    expect: 'SEMANTIC_ERROR',
    docTypes: ['RAD'],
    apply: (xml) => removeBodySection('schematron-RAD', xml, '18782-3'),
  },
  'schematron-LDO': {
    id: 'schematron-LDO',
    description: "Lettera di dimissione senza la sezione 'Decorso ospedaliero' (LOINC 8648-8): lo schematron LDO v5.5 fallisce ERRORE-b3 (\"Sezione Decorso Ospedaliero: la sezione DEVE essere presente\", con ERRORE-b4), atteso SEMANTIC_ERROR",
    expect: 'SEMANTIC_ERROR',
    docTypes: ['LDO'],
    apply: (xml) => removeBodySection('schematron-LDO', xml, '8648-8'),
  },
  'schematron-RSA': {
    id: 'schematron-RSA',
    description: "Referto specialistico ambulatoriale senza la sezione 'Referto' (LOINC 47045-0): lo schematron RSA v8.3 fallisce ERRORE-b4 (\"Sezione Referto: la sezione DEVE essere presente\", con ERRORE-b5), atteso SEMANTIC_ERROR",
    expect: 'SEMANTIC_ERROR',
    docTypes: ['RSA'],
    apply: (xml) => removeBodySection('schematron-RSA', xml, '47045-0'),
  },
  'schematron-RAP': {
    id: 'schematron-RAP',
    description: "Referto di anatomia patologica senza la sezione 'Diagnosi' (LOINC 22637-3): lo schematron RAP v1.4 fallisce ERRORE-b30 (\"Sezione Diagnosi: La sezione Diagnosi deve essere presente\", con ERRORE-b31 e ERRORE-b32), atteso SEMANTIC_ERROR",
    expect: 'SEMANTIC_ERROR',
    docTypes: ['RAP'],
    apply: (xml) => removeBodySection('schematron-RAP', xml, '22637-3'),
  },
};

/** All negative mutations: the base ones plus those of support/cda/mutations-extra.ts (VPS, PSS, CERT_VACC, SING_VACC). */
export const MUTATIONS: Record<string, Mutation> = { ...BASE_MUTATIONS };
for (const [k, m] of Object.entries(EXTRA_MUTATIONS)) {
  if (k in MUTATIONS) throw new Error(`Duplicate CDA mutation id "${k}" in mutations-extra.ts`);
  MUTATIONS[k] = m;
}

/** Mutations that apply to a document type. */
export function mutationsFor(docType: DocType): Mutation[] {
  return Object.values(MUTATIONS).filter((m) => !m.docTypes || m.docTypes.includes(docType));
}
