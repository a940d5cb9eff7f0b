/**
 * Reads the header facts of a CDA (ClinicalDocument/id, setId, versionNumber, code, first templateId, typeId, patient
 * ids...) without a DOM: a tag scan that stops at the body.
 */
import { parseAttrs, scanTags } from './scan.ts';

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

/** The time of the service a CDA documents, as written in its header (HL7 TS values). */
export interface ServiceTimes {
  /** `low`, or the single `value`. */
  start: string;
  /** `high`, else the start. */
  stop: string;
  /** Where it was read. */
  from: 'documentationOf/serviceEvent' | 'componentOf/encompassingEncounter' | 'ClinicalDocument/effectiveTime';
}

/**
 * When the documented service took place: the first `documentationOf/serviceEvent/effectiveTime`, else
 * `componentOf/encompassingEncounter/effectiveTime`, else the document's own `effectiveTime` (`value`, or `low`/`high`).
 * This is what the body's `dataInizioPrestazione` / `dataFinePrestazione` carry to INI as the XDS entry's
 * serviceStartTime / serviceStopTime (gateway-spec §3.1, ITI TF-3 4.2.3.2.19–20). Null when the header has none.
 */
export function readServiceTimes(xml: Uint8Array | string): ServiceTimes | null {
  if (typeof xml === 'string') return serviceTimesFromText(xml, true).times;
  // Bytes through a latin1 view (the values read are ASCII timestamps), first only a header probe, as readCdaFacts.
  const buf = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
  const probe = serviceTimesFromText(buf.toString('latin1', 0, Math.min(buf.length, HEADER_PROBE)), buf.length <= HEADER_PROBE);
  if (probe.complete) return probe.times;
  return serviceTimesFromText(buf.toString('latin1'), true).times;
}

/**
 * `complete`: the scan reached the body, or `text` is the whole document and was scanned to its end: nothing after
 * `text` can change the answer.
 */
function serviceTimesFromText(text: string, full: boolean): { times: ServiceTimes | null; complete: boolean } {
  let reachedBody = false;
  const found: Partial<Record<ServiceTimes['from'], { value?: string; low?: string; high?: string }>> = {};
  const where = (path: readonly string[], depth: number): ServiceTimes['from'] | null => {
    if (depth === 1) return 'ClinicalDocument/effectiveTime';
    if (depth === 3 && path[1] === 'documentationOf' && path[2] === 'serviceEvent') return 'documentationOf/serviceEvent';
    if (depth === 3 && path[1] === 'componentOf' && path[2] === 'encompassingEncounter') return 'componentOf/encompassingEncounter';
    return null;
  };
  const whole = scanTags(text, (e) => {
    if (e.depth === 0) return e.name === 'ClinicalDocument' ? undefined : false;
    if (e.depth === 1 && e.name === 'component') { reachedBody = true; return false; } // the body
    if (e.name === 'effectiveTime') {
      const from = where(e.path, e.depth);
      if (from && !found[from]) {
        const v = parseAttrs(text.slice(e.start, e.tagEnd))['value'];
        found[from] = v ? { value: v } : {};
      }
      return;
    }
    if ((e.name === 'low' || e.name === 'high') && e.depth >= 2 && e.path[e.depth - 1] === 'effectiveTime') {
      const from = where(e.path, e.depth - 1);
      const slot = from ? found[from] : undefined;
      if (slot && slot[e.name] === undefined) {
        const v = parseAttrs(text.slice(e.start, e.tagEnd))['value'];
        if (v) slot[e.name] = v;
      }
    }
    return;
  });
  const complete = reachedBody || (full && whole);
  for (const from of ['documentationOf/serviceEvent', 'componentOf/encompassingEncounter', 'ClinicalDocument/effectiveTime'] as const) {
    const t = found[from];
    const start = t?.low ?? t?.value;
    if (start) return { times: { start, stop: t?.high ?? t?.value ?? start, from }, complete };
  }
  return { times: null, complete };
}
