/**
 * CDA R2 builder: fills the per-type templates in `testdata/templates/<TYPE>.xml`, personalises vendor CDAs
 * and reads the header facts the gateway (and our simulator) needs, without a DOM.
 *
 * Template conventions (shared by every template author):
 * - a complete CDA R2 XML file, UTF-8 without BOM, with `{{NAME}}` placeholders in attribute values and text;
 *   every value is XML-escaped by the builder;
 * - `<!--{{RELATED_DOCUMENT}}-->` marks where `relatedDocument` goes (after documentationOf, before
 *   authorization/componentOf): replaced by an RPLC `relatedDocument` for a replace, by nothing otherwise;
 * - `ClinicalDocument/id` is the first `<id>` in document order, `ClinicalDocument/code` the first `<code>`;
 * - the patient id is `<id root="2.16.840.1.113883.2.9.4.3.2" extension="{{PATIENT_CF}}" assigningAuthorityName="MEF"/>`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocType, Profile } from '../types.ts';
import { RT_TEST_CFS } from '../types.ts';
import { docTypeInfo } from '../doctypes.ts';
import { UserError } from '../errors.ts';
import { cfCheckChar } from '../cf.ts';
import { localDocumentId, rtDocIdExtension, RT_DOC_ID_ROOT } from '../request/ids.ts';
import { escapeXml, parseAttrs, scanTags, setAttr } from './scan.ts';

/** Root of Toscana document ids (`2.16.840.1.113883.2.9.2.90.4.4`). */
export const DOC_ID_ROOT = RT_DOC_ID_ROOT;
/** OID of the MEF fiscal code (patient and operator ids). */
export const CF_ROOT = '2.16.840.1.113883.2.9.4.3.2';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_TEMPLATES_DIR = join(PROJECT_ROOT, 'testdata', 'templates');

// ---------------------------------------------------------------------------------------------------------------
// Patients
// ---------------------------------------------------------------------------------------------------------------

export interface Patient {
  cf: string;
  given: string;
  family: string;
  gender: 'M' | 'F';
  /** yyyyMMdd */
  birthDate: string;
  /** ISTAT code of the birth municipality (or `999` + ISTAT country code for people born abroad). */
  birthPlaceIstat: string;
  /** Belfiore (cadastral) code of the birth place, as in the CF (positions 12–15). */
  birthPlaceBelfiore?: string;
  /** Synthetic residence (Toscana). */
  residenceCity?: string;
  residenceIstat?: string;
}

/** Month letters of the fiscal code (A=January ... T=December). */
const CF_MONTHS = 'ABCDEHLMPRST';
/** Omocodia substitutions for digits (L=0 ... V=9). */
const OMOCODIA = 'LMNPQRSTUV';

/**
 * Belfiore → ISTAT for the birth places of RT's test CFs. C615 is not in this table: the harness does not ship a
 * full Belfiore→ISTAT table, so that patient gets the ISTAT code of the synthetic residence (documented, harmless:
 * no schematron rule cross-checks the birth place with the CF).
 */
const BELFIORE_ISTAT: Record<string, string> = {
  F205: '015146', // Milano
  H501: '058091', // Roma
  A326: '007003', // Aosta
  Z404: '999404', // Stati Uniti d'America (foreign state: 999 + ISTAT country code)
};

/** Invented names whose consonants fit each CF's name fields; synthetic Toscana residences. */
const TEST_PATIENTS: Record<string, { given: string; family: string; city: string; istat: string }> = {
  RMSLSO31M04Z404R: { given: 'Losio', family: 'Romasi', city: 'Firenze', istat: '048017' },
  MNTMRA03M71C615V: { given: 'Maria', family: 'Monti', city: 'Siena', istat: '052032' },
  MNZLSN99E05F205J: { given: 'Alessandro', family: 'Menzi', city: 'Pisa', istat: '050026' },
  DRCGNN12A46A326K: { given: 'Giovanna', family: 'Dorico', city: 'Arezzo', istat: '051002' },
  BRGLRZ80D58H501Q: { given: 'Lucrezia', family: 'Borghi', city: 'Prato', istat: '100005' },
};

/** Sex and birth date decoded from a fiscal code (omocodia tolerated). Years are pivoted on the current year. */
export function decodeCf(cf: string, now: Date = new Date()): { gender: 'M' | 'F'; birthDate: string; belfiore: string } {
  const s = cf.toUpperCase();
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(s)) {
    throw new UserError('CF_INVALID', `"${cf}" is not a well-formed codice fiscale`);
  }
  if (cfCheckChar(s.slice(0, 15)) !== s[15]) throw new UserError('CF_INVALID', `"${cf}": wrong check character`);
  const digit = (ch: string) => (/[0-9]/.test(ch) ? ch : String(OMOCODIA.indexOf(ch)));
  const yy = Number(digit(s[6]!) + digit(s[7]!));
  const month = CF_MONTHS.indexOf(s[8]!) + 1;
  let day = Number(digit(s[9]!) + digit(s[10]!));
  const gender: 'M' | 'F' = day > 40 ? 'F' : 'M';
  if (day > 40) day -= 40;
  const curYy = now.getUTCFullYear() % 100;
  const century = yy > curYy ? 1900 : 2000;
  const year = century + yy;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) throw new UserError('CF_INVALID', `"${cf}": impossible birth date`);
  const belfiore = s[11]! + digit(s[12]!) + digit(s[13]!) + digit(s[14]!);
  return { gender, birthDate: `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`, belfiore };
}

/**
 * Synthetic demographics for one of RT's five test CFs (sex and birth date decoded from the CF; invented names whose
 * consonants fit). Throws a UserError for other CFs unless `allowAny` (then the names are placeholders).
 */
export function patientFor(cf: string, o: { allowAny?: boolean } = {}): Patient {
  const up = cf.toUpperCase();
  const known = TEST_PATIENTS[up];
  if (!known && !o.allowAny) {
    throw new UserError('CF_NOT_ALLOWED', `"${cf}" is not one of RT's test fiscal codes`, `Use one of: ${RT_TEST_CFS.join(', ')}`);
  }
  const { gender, birthDate, belfiore } = decodeCf(up);
  const residence = known ?? { given: 'Paziente', family: 'Sintetico', city: 'Firenze', istat: '048017' };
  return {
    cf: up,
    given: residence.given,
    family: residence.family,
    gender,
    birthDate,
    birthPlaceIstat: BELFIORE_ISTAT[belfiore] ?? residence.istat,
    birthPlaceBelfiore: belfiore,
    residenceCity: residence.city,
    residenceIstat: residence.istat,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------------------------

export interface CdaContext {
  docType: DocType;
  patient: Patient;
  profile: Profile;
  docIdExtension: string;
  setIdExtension: string;
  version: number;
  effectiveTime: Date;
  replaces?: { idExtension: string; setIdExtension: string; version: number };
  /** Run id used to derive the ids of later versions (set by newCdaContext). */
  runId?: string;
  /** Author (refertante); defaults to the profile's operator CF with synthetic names. */
  author?: { cf: string; given: string; family: string };
}

function docIdFor(profile: Profile, docType: DocType, runId: string, seq: number): string {
  return rtDocIdExtension(profile, docType, localDocumentId(runId, seq));
}

/**
 * A fresh first version: `id` extension `<PIVA>.<TIPO>.<CODREP>.<runId>-<seq>` (RT rule, support/request/ids.ts),
 * setId = id (schematron "ERRORE-8": id and setId coincide on version 1), version 1.
 */
export function newCdaContext(o: { docType: DocType; patientCf: string; profile: Profile; runId: string; seq: number; now?: Date; allowAnyCf?: boolean }): CdaContext {
  docTypeInfo(o.docType);
  const patient = patientFor(o.patientCf, { allowAny: o.allowAnyCf });
  const ext = docIdFor(o.profile, o.docType, o.runId, o.seq);
  const now = o.now ?? new Date();
  return {
    docType: o.docType,
    patient,
    profile: o.profile,
    docIdExtension: ext,
    setIdExtension: ext,
    version: 1,
    effectiveTime: new Date(Math.floor(now.getTime() / 1000) * 1000),
    runId: o.runId,
  };
}

/** The next version of a document: new id, same setId, version + 1, `replaces` = the previous version. */
export function nextVersion(ctx: CdaContext, o: { seq: number; now?: Date }): CdaContext {
  let ext: string;
  if (ctx.runId !== undefined) {
    ext = docIdFor(ctx.profile, ctx.docType, ctx.runId, o.seq);
  } else {
    // no run id recorded: replace the trailing "-<seq>" of the previous extension
    const m = /^(.*)-\d+$/.exec(ctx.docIdExtension);
    ext = `${m ? m[1] : ctx.docIdExtension}-${String(o.seq).padStart(4, '0')}`;
  }
  if (ext === ctx.docIdExtension) throw new Error(`nextVersion: seq ${o.seq} gives the same id as the previous version (${ext})`);
  const now = o.now ?? new Date();
  return {
    ...ctx,
    docIdExtension: ext,
    version: ctx.version + 1,
    effectiveTime: new Date(Math.floor(now.getTime() / 1000) * 1000),
    replaces: { idExtension: ctx.docIdExtension, setIdExtension: ctx.setIdExtension, version: ctx.version },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Time formatting (Europe/Rome)
// ---------------------------------------------------------------------------------------------------------------

const ROME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** HL7 TS in Europe/Rome local time with its offset: `yyyyMMddHHmmss+0100` (or `+0200` in summer). */
const tsCache = new Map<number, string>();

export function hl7Ts(d: Date): string {
  const key = d.getTime();
  const hit = tsCache.get(key);
  if (hit !== undefined) return hit;
  const v = formatRome(d);
  if (tsCache.size > 256) tsCache.clear();
  tsCache.set(key, v);
  return v;
}

function formatRome(d: Date): string {
  const p: Record<string, string> = {};
  for (const part of ROME.formatToParts(d)) p[part.type] = part.value;
  const tz = p['timeZoneName'] ?? 'GMT';
  const m = /([+-])(\d{2}):?(\d{2})/.exec(tz);
  const off = m ? `${m[1]}${m[2]}${m[3]}` : '+0000';
  return `${p['year']}${p['month']}${p['day']}${p['hour']}${p['minute']}${p['second']}${off}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------------------------

/** Every placeholder a template may use. */
export const PLACEHOLDERS = [
  'DOC_ID_ROOT', 'DOC_ID_EXT', 'SET_ID_EXT', 'VERSION', 'EFFECTIVE_TIME', 'EFFECTIVE_DATE',
  'PATIENT_CF', 'PATIENT_GIVEN', 'PATIENT_FAMILY', 'PATIENT_GENDER', 'PATIENT_BIRTH', 'PATIENT_BIRTH_ISTAT',
  'PATIENT_CITY', 'PATIENT_ISTAT',
  'PROVIDER_NAME', 'PROVIDER_PIVA', 'PROVIDER_ISTAT', 'ASL_CODE',
  'AUTHOR_CF', 'AUTHOR_GIVEN', 'AUTHOR_FAMILY',
  'ORDER_ID', 'UUID',
  // extensions (optional for template authors): the structure id from the profile's `locality` (XON: OID and code)
  'STRUCTURE_OID', 'STRUCTURE_CODE',
  // extensions (optional for template authors): a time two days before EFFECTIVE_TIME (admission, request, sampling)
  'START_TIME', 'START_DATE',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER_SET = new Set<string>(PLACEHOLDERS);

const RELATED_MARKER = '<!--{{RELATED_DOCUMENT}}-->';
const RELATED = '\u0000RELATED';

/** A template split into literal chunks and slots (placeholder names, or the related-document marker). */
interface CompiledTemplate {
  file: string;
  literals: string[];
  slots: string[];
}

const templateCache = new Map<string, CompiledTemplate>();

export function compileTemplate(text: string, file = 'template'): CompiledTemplate {
  if (text.charCodeAt(0) === 0xfeff) throw new Error(`${file}: the template must not start with a BOM`);
  if (!text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) throw new Error(`${file}: the template must start with <?xml version="1.0" encoding="UTF-8"?>`);
  const literals: string[] = [];
  const slots: string[] = [];
  const re = /<!--\{\{RELATED_DOCUMENT\}\}-->|\{\{([A-Za-z0-9_]+)\}\}/g;
  let last = 0;
  let related = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    literals.push(text.slice(last, m.index));
    if (m[0] === RELATED_MARKER) {
      slots.push(RELATED);
      related++;
    } else {
      const name = m[1]!;
      if (!PLACEHOLDER_SET.has(name)) throw new Error(`${file}: unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(', ')})`);
      slots.push(name);
    }
    last = m.index + m[0].length;
  }
  literals.push(text.slice(last));
  if (related !== 1) throw new Error(`${file}: the template must contain the ${RELATED_MARKER} marker exactly once (found ${related})`);
  return { file, literals, slots };
}

function loadTemplate(docType: DocType, templatesDir: string): CompiledTemplate {
  const file = join(templatesDir, `${docType}.xml`);
  let t = templateCache.get(file);
  if (!t) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UserError('CDA_TEMPLATE_MISSING', `No CDA template for ${docType}: ${file} (${(e as Error).message})`,
        'Provide your own CDA as <documentsDir>/<TYPE>.xml in the profile, or add the template.');
    }
    t = compileTemplate(text, file);
    templateCache.set(file, t);
  }
  return t;
}

/** Forgets cached templates (tests that rewrite a template). */
export function clearTemplateCache(): void {
  templateCache.clear();
}

/** The RPLC relatedDocument for a replace (empty string for a first version). */
export function relatedDocumentXml(ctx: CdaContext, prefix = ''): string {
  if (!ctx.replaces) return '';
  const r = ctx.replaces;
  const p = prefix;
  return `<${p}relatedDocument typeCode="RPLC"><${p}parentDocument>`
    + `<${p}id root="${DOC_ID_ROOT}" extension="${escapeXml(r.idExtension)}"/>`
    + `<${p}setId root="${DOC_ID_ROOT}" extension="${escapeXml(r.setIdExtension)}"/>`
    + `<${p}versionNumber value="${r.version}"/>`
    + `</${p}parentDocument></${p}relatedDocument>`;
}

/**
 * Structure id from the profile's HL7 XON `locality` (`NAME^^^^^&OID&ISO^^^^CODE`); falls back to the STS.11 OID
 * with the ASL code + provider ISTAT when the locality cannot be parsed.
 */
export function structure(profile: Profile): { oid: string; code: string } {
  const m = /^[^^]*\^{5}&([^&]*)&ISO\^{4}([^^&]*)$/.exec(profile.locality ?? '');
  if (m && m[1] && m[2]) return { oid: m[1], code: m[2] };
  const codRep = profile.codRep;
  return { oid: '2.16.840.1.113883.2.9.4.1.3', code: `090${codRep === '999' ? '201' : codRep}${profile.provider.istat}` };
}

const DEFAULT_AUTHOR = { given: 'Giulia', family: 'Verdi' };

/** Placeholder values for a context (raw, not escaped). */
export function placeholderValues(ctx: CdaContext): Record<Placeholder, string> {
  const p = ctx.patient;
  const ts = hl7Ts(ctx.effectiveTime);
  const start = hl7Ts(new Date(ctx.effectiveTime.getTime() - 2 * 86_400_000));
  const codRep = ctx.profile.codRep;
  const struct = structure(ctx.profile);
  return {
    DOC_ID_ROOT,
    DOC_ID_EXT: ctx.docIdExtension,
    SET_ID_EXT: ctx.setIdExtension,
    VERSION: String(ctx.version),
    EFFECTIVE_TIME: ts,
    EFFECTIVE_DATE: ts.slice(0, 8),
    PATIENT_CF: p.cf,
    PATIENT_GIVEN: p.given,
    PATIENT_FAMILY: p.family,
    PATIENT_GENDER: p.gender,
    PATIENT_BIRTH: p.birthDate,
    PATIENT_BIRTH_ISTAT: p.birthPlaceIstat,
    PATIENT_CITY: p.residenceCity ?? 'Firenze',
    PATIENT_ISTAT: p.residenceIstat ?? '048017',
    PROVIDER_NAME: ctx.profile.provider.name,
    PROVIDER_PIVA: ctx.profile.provider.partitaIva,
    PROVIDER_ISTAT: ctx.profile.provider.istat,
    ASL_CODE: `090${codRep === '999' ? '201' : codRep}`,
    AUTHOR_CF: (ctx.author?.cf ?? ctx.profile.operatorCf).toUpperCase(),
    AUTHOR_GIVEN: ctx.author?.given ?? DEFAULT_AUTHOR.given,
    AUTHOR_FAMILY: ctx.author?.family ?? DEFAULT_AUTHOR.family,
    ORDER_ID: `${ctx.setIdExtension}.ORD`,
    UUID: randomUUID(),
    STRUCTURE_OID: struct.oid,
    STRUCTURE_CODE: struct.code,
    START_TIME: start,
    START_DATE: start.slice(0, 8),
  };
}

const encoder = new TextEncoder();

/** Fills `testdata/templates/<TYPE>.xml` (or `templatesDir`) for the context: UTF-8 bytes. Templates are cached. */
export function buildCda(ctx: CdaContext, o: { templatesDir?: string } = {}): Uint8Array {
  return encoder.encode(buildCdaString(ctx, o));
}

export function buildCdaString(ctx: CdaContext, o: { templatesDir?: string } = {}): string {
  const t = loadTemplate(ctx.docType, o.templatesDir ?? DEFAULT_TEMPLATES_DIR);
  const values = placeholderValues(ctx);
  const escaped: Record<string, string> = {};
  for (const k of PLACEHOLDERS) escaped[k] = escapeXml(values[k]);
  escaped[RELATED] = relatedDocumentXml(ctx);
  let out = t.literals[0]!;
  for (let i = 0; i < t.slots.length; i++) out += escaped[t.slots[i]!]! + t.literals[i + 1]!;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading header facts
// ---------------------------------------------------------------------------------------------------------------

export interface CdaFacts {
  idRoot: string;
  idExtension: string;
  setIdExtension?: string;
  version?: number;
  code: string;
  codeSystem: string;
  templateIdRoot: string;
  typeIdExtension: string;
  patientIds: { root: string; extension: string }[];
  confidentialityCode?: string;
  effectiveTime?: string;
  /** setId root, when present. */
  setIdRoot?: string;
}

const HEADER_PROBE = 16 * 1024;

function factsFromText(text: string): { facts: CdaFacts; complete: boolean; sawRoot: boolean } {
  const f: CdaFacts = { idRoot: '', idExtension: '', code: '', codeSystem: '', templateIdRoot: '', typeIdExtension: '', patientIds: [] };
  let sawRoot = false;
  let complete = false;
  let haveId = false, haveCode = false, haveTpl = false, haveType = false, haveConf = false, haveEff = false, haveSet = false, haveVer = false;
  scanTags(text, (e) => {
    if (e.depth === 0) {
      if (e.name !== 'ClinicalDocument') return false;
      sawRoot = true;
      return;
    }
    if (e.depth === 1) {
      switch (e.name) {
        case 'component':
          complete = true;
          return false; // the body: the header is over
        case 'typeId':
          if (!haveType) { haveType = true; f.typeIdExtension = parseAttrs(text.slice(e.start, e.tagEnd))['extension'] ?? ''; }
          return;
        case 'templateId':
          if (!haveTpl) { haveTpl = true; f.templateIdRoot = parseAttrs(text.slice(e.start, e.tagEnd))['root'] ?? ''; }
          return;
        case 'id':
          if (!haveId) { haveId = true; const a = parseAttrs(text.slice(e.start, e.tagEnd)); f.idRoot = a['root'] ?? ''; f.idExtension = a['extension'] ?? ''; }
          return;
        case 'code':
          if (!haveCode) { haveCode = true; const a = parseAttrs(text.slice(e.start, e.tagEnd)); f.code = a['code'] ?? ''; f.codeSystem = a['codeSystem'] ?? ''; }
          return;
        case 'confidentialityCode':
          if (!haveConf) { haveConf = true; const c = parseAttrs(text.slice(e.start, e.tagEnd))['code']; if (c !== undefined) f.confidentialityCode = c; }
          return;
        case 'effectiveTime':
          if (!haveEff) { haveEff = true; const v = parseAttrs(text.slice(e.start, e.tagEnd))['value']; if (v !== undefined) f.effectiveTime = v; }
          return;
        case 'setId':
          if (!haveSet) {
            haveSet = true;
            const a = parseAttrs(text.slice(e.start, e.tagEnd));
            if (a['extension'] !== undefined) f.setIdExtension = a['extension'];
            if (a['root'] !== undefined) f.setIdRoot = a['root'];
          }
          return;
        case 'versionNumber':
          if (!haveVer) {
            haveVer = true;
            const v = parseAttrs(text.slice(e.start, e.tagEnd))['value'];
            if (v !== undefined && /^\s*\d+\s*$/.test(v)) f.version = Number(v);
          }
          return;
        default:
          return;
      }
    }
    if (e.depth === 3 && e.name === 'id' && e.path[1] === 'recordTarget' && e.path[2] === 'patientRole') {
      const a = parseAttrs(text.slice(e.start, e.tagEnd));
      if (a['root'] !== undefined || a['extension'] !== undefined) f.patientIds.push({ root: a['root'] ?? '', extension: a['extension'] ?? '' });
    }
    return;
  }, (e) => {
    // In CDA order every single-valued fact precedes recordTarget: once it is closed and all were seen, stop.
    if (e.depth === 1 && e.name === 'recordTarget' && haveId && haveCode && haveTpl && haveType && haveConf && haveEff && haveSet && haveVer) {
      complete = true;
      return false;
    }
    return;
  });
  return { facts: f, complete, sawRoot };
}

/**
 * Header facts of a CDA (ClinicalDocument/id, setId, versionNumber, code, first templateId, typeId, patient ids, ...).
 * Scans tags only up to the body, so it is fast on large documents. Throws when the text has no ClinicalDocument root.
 * Missing elements give empty strings (or absent optional fields): the XSD/schematron steps report them.
 */
export function readCdaFacts(xml: Uint8Array | string): CdaFacts {
  if (typeof xml === 'string') {
    const r = factsFromText(xml);
    if (!r.sawRoot) throw new Error('Not a CDA document: the root element is not ClinicalDocument');
    return r.facts;
  }
  // Bytes are scanned through a latin1 view (markup is ASCII; no UTF-8 decoding of the whole document), first only
  // a header probe; attribute values holding non-ASCII bytes are re-decoded as UTF-8 afterwards.
  const buf = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
  let r = factsFromText(buf.toString('latin1', 0, Math.min(buf.length, HEADER_PROBE)));
  if (!r.complete && buf.length > HEADER_PROBE) r = factsFromText(buf.toString('latin1'));
  if (!r.sawRoot) throw new Error('Not a CDA document: the root element is not ClinicalDocument');
  return utf8Fields(r.facts);
}

// eslint-disable-next-line no-control-regex
const NON_ASCII_LATIN1 = /[\u0080-\u00ff]/;
const fromLatin1 = (s: string): string => (NON_ASCII_LATIN1.test(s) && !/[^\u0000-\u00ff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s);

function utf8Fields(f: CdaFacts): CdaFacts {
  for (const k of Object.keys(f) as (keyof CdaFacts)[]) {
    const v = f[k];
    if (typeof v === 'string') (f as unknown as Record<string, unknown>)[k] = fromLatin1(v);
  }
  f.patientIds = f.patientIds.map((p) => ({ root: fromLatin1(p.root), extension: fromLatin1(p.extension) }));
  return f;
}

// ---------------------------------------------------------------------------------------------------------------
// Personalising a vendor CDA
// ---------------------------------------------------------------------------------------------------------------

interface HeaderTag { name: string; start: number; tagEnd: number; end: number }

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/**
 * Sets ClinicalDocument/id (root + extension), setId, versionNumber and the patient's CF id of a vendor CDA to the
 * context's values, and for a replace puts the RPLC relatedDocument in place. String-level edits on the raw bytes
 * (latin1 view, so every other byte stays identical whatever the encoding).
 */
export function personaliseCda(xml: Uint8Array, ctx: CdaContext): Uint8Array {
  const text = latin1(xml);
  let rootQname = '';
  let bodyStart = -1;
  const header: HeaderTag[] = [];
  const open: (HeaderTag | null)[] = [];
  let patientIdTags: { start: number; tagEnd: number; root: string }[] = [];
  scanTags(text, (e) => {
    if (e.depth === 0) {
      if (e.name !== 'ClinicalDocument') return false;
      rootQname = e.qname;
      return;
    }
    if (e.depth === 1) {
      if (e.name === 'component') { bodyStart = e.start; return false; }
      const h: HeaderTag = { name: e.name, start: e.start, tagEnd: e.tagEnd, end: e.tagEnd };
      header.push(h);
      if (!e.selfClosing) open[1] = h;
      return;
    }
    if (e.depth === 3 && e.name === 'id' && e.path[1] === 'recordTarget' && e.path[2] === 'patientRole') {
      patientIdTags.push({ start: e.start, tagEnd: e.tagEnd, root: parseAttrs(text.slice(e.start, e.tagEnd))['root'] ?? '' });
    }
    return;
  }, (e) => {
    if (e.depth === 1 && open[1]) { open[1].end = e.end; open[1] = null; }
  });
  if (!rootQname) throw new UserError('CDA_INVALID', 'The vendor CDA has no ClinicalDocument root element');
  const prefix = rootQname.includes(':') ? rootQname.slice(0, rootQname.indexOf(':') + 1) : '';
  const first = (name: string) => header.find((h) => h.name === name);

  const edits: { start: number; end: number; text: string }[] = [];
  const editTag = (h: { start: number; tagEnd: number }, attrs: Record<string, string>) => {
    let tag = text.slice(h.start, h.tagEnd);
    for (const [k, v] of Object.entries(attrs)) tag = setAttr(tag, k, v);
    edits.push({ start: h.start, end: h.tagEnd, text: tag });
  };

  const id = first('id');
  if (!id) throw new UserError('CDA_INVALID', 'The vendor CDA has no ClinicalDocument/id');
  editTag(id, { root: DOC_ID_ROOT, extension: ctx.docIdExtension });

  const setIdXml = `<${prefix}setId root="${DOC_ID_ROOT}" extension="${escapeXml(ctx.setIdExtension)}"/>`;
  const versionXml = `<${prefix}versionNumber value="${ctx.version}"/>`;
  const setId = first('setId');
  const version = first('versionNumber');
  if (setId) editTag(setId, { root: DOC_ID_ROOT, extension: ctx.setIdExtension });
  if (version) editTag(version, { value: String(ctx.version) });
  if (!setId || !version) {
    // CDA order: ... confidentialityCode, languageCode, setId, versionNumber, copyTime, recordTarget
    if (!setId && version) {
      edits.push({ start: version.start, end: version.start, text: setIdXml });
    } else {
      const anchor = setId ?? first('languageCode') ?? first('confidentialityCode');
      if (!anchor) throw new UserError('CDA_INVALID', 'The vendor CDA has no confidentialityCode: cannot place setId/versionNumber');
      edits.push({ start: anchor.end, end: anchor.end, text: (setId ? '' : setIdXml) + (version ? '' : versionXml) });
    }
  }

  if (patientIdTags.length === 0) throw new UserError('CDA_INVALID', 'The vendor CDA has no recordTarget/patientRole/id');
  const cfTag = patientIdTags.find((t) => t.root === CF_ROOT) ?? patientIdTags[0]!;
  editTag(cfTag, { root: CF_ROOT, extension: ctx.patient.cf });
  patientIdTags = [];

  if (ctx.replaces) {
    const rel = relatedDocumentXml(ctx, prefix);
    const existing = header.filter((h) => h.name === 'relatedDocument');
    if (existing.length > 0) {
      edits.push({ start: existing[0]!.start, end: existing[0]!.end, text: rel });
      for (const h of existing.slice(1)) edits.push({ start: h.start, end: h.end, text: '' });
    } else {
      const anchor = first('authorization') ?? first('componentOf');
      const at = anchor ? anchor.start : bodyStart;
      if (at < 0) throw new UserError('CDA_INVALID', 'The vendor CDA has no body component: cannot place relatedDocument');
      edits.push({ start: at, end: at, text: rel });
    }
  }

  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
