/**
 * JWT ↔ CDA checks (gateway-impl §2.7) and the classCode ↔ typeCode correlation (gateway-spec §3.5).
 * The dispatcher reads the CDA with jsoup in HTML mode: tag names case-insensitive, first matching element in
 * document order, comments ignored. This module mirrors that with a tolerant tag scanner (no XML validity needed:
 * an ill-formed CDA still gets this far and fails later at the XSD).
 */
import { createHash } from 'node:crypto';
import { appError, INSTANCE, WII_SUFFIX, wiiRandom } from './problems.ts';
import { isValidCfOrCx } from './claims.ts';

export const TEAM_OID = '2.16.840.1.113883.2.9.4.3.7';

/** LOINC typeCode → classCode (gateway-spec §3.5). Placeholders LOINC_CODE_n are never matchable. */
export const CORRELATION: Readonly<Record<string, string>> = {
  '57833-6': 'PRS', '60591-5': 'SUM', '11502-2': 'REF', '57829-4': 'PRS', '34105-7': 'LDO', '18842-5': 'LDO',
  '59258-4': 'VRB', '68604-8': 'REF', '11526-1': 'REF', '59284-0': 'CON', '104531-9': 'CRT', '57832-8': 'PRS',
  '29304-3': 'PRE', '11488-4': 'REF', '57827-8': 'ESE', '81223-0': 'PRE', '18776-5': 'PDC', '97500-3': 'CER',
  '87273-9': 'VAC', '82593-5': 'VAC', '97499-8': 'CER', '55750-4': 'SUM', '68814-3': 'CNT', '103140-0': 'TAC',
  '103144-2': 'PRE', '103145-9': 'PRE', '103146-7': 'PRE', '103147-5': 'PRE', '101136-0': 'LET', '101134-5': 'PRO',
  '101133-7': 'CON', '53576-5': 'TAC', '100971-1': 'COL', '101881-1': 'SUM', '108276-7': 'LET', '75496-0': 'REF',
  '85208-7': 'REF',
};

export interface Tag { name: string; attrs: Record<string, string>; index: number }

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e: string) => {
    const l = e.toLowerCase();
    if (l === 'amp') return '&';
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'quot') return '"';
    if (l === 'apos') return "'";
    const cp = l.startsWith('#x') ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10);
    return Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Start tags in document order (comments, CDATA, PIs skipped); attribute names lower-cased like jsoup HTML. */
export function scanTags(xml: string, limit = 200_000): Tag[] {
  const out: Tag[] = [];
  const cleaned = xml.replace(/<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length)).replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => ' '.repeat(m.length));
  const re = /<([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cleaned)) !== null && out.length < limit) {
    const attrs: Record<string, string> = {};
    const ar = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
    let a: RegExpExecArray | null;
    const attrText = m[2] ?? '';
    while ((a = ar.exec(attrText)) !== null) {
      const key = a[1]!.toLowerCase();
      if (!(key in attrs)) attrs[key] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    }
    out.push({ name: m[1]!.toLowerCase(), attrs, index: m.index });
  }
  return out;
}

export interface GatewayCdaView {
  firstCode?: { code: string; codeSystem: string };
  firstId?: { root: string; extension: string };
  /** patientRole > id, extension → root (first one wins). */
  patientIds: Map<string, string>;
}

/** What the dispatcher sees in the CDA (first `<code>`, first `<id>`, `patientRole > id`). */
export function viewCda(xml: string): GatewayCdaView {
  const tags = scanTags(xml);
  const view: GatewayCdaView = { patientIds: new Map() };
  const codeTag = tags.find((t) => t.name === 'code');
  if (codeTag) view.firstCode = { code: codeTag.attrs.code ?? '', codeSystem: codeTag.attrs.codesystem ?? '' };
  const idTag = tags.find((t) => t.name === 'id');
  if (idTag) view.firstId = { root: idTag.attrs.root ?? '', extension: idTag.attrs.extension ?? '' };
  // patientRole > id: direct children of each <patientRole> element.
  const lower = xml.replace(/<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length));
  const prRe = /<patientRole\b[^>]*>([\s\S]*?)<\/patientRole\s*>/gi;
  let pm: RegExpExecArray | null;
  while ((pm = prRe.exec(lower)) !== null) {
    const inner = pm[1]!;
    // Only depth-1 children: walk tags keeping a depth counter.
    const tokRe = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/g;
    let depth = 0;
    let t: RegExpExecArray | null;
    while ((t = tokRe.exec(inner)) !== null) {
      const closing = t[1] === '/';
      const selfClosing = t[4] === '/';
      if (closing) { depth = Math.max(0, depth - 1); continue; }
      if (depth === 0 && t[2]!.toLowerCase() === 'id') {
        const tag = scanTags(t[0])[0];
        if (tag) {
          const ext = tag.attrs.extension ?? '';
          if (!view.patientIds.has(ext)) view.patientIds.set(ext, tag.attrs.root ?? '');
        }
      }
      if (!selfClosing) depth++;
    }
  }
  return view;
}

/** Step k: resource_hl7_type vs the first `<code>`, then person_id vs patientRole ids (all INVALID_TOKEN_FIELD). */
export function checkJwtVsCda(view: GatewayCdaView, resourceHl7Type: string | null, personId: string | null, allowSpecialFiscalCode: boolean): void {
  if (!view.firstCode) {
    throw appError('INVALID_TOKEN_FIELD', 'JWT payload: non è stato possibile verificare la tipologia del CDA', INSTANCE.DOCUMENT_TYPE);
  }
  const built = `('${view.firstCode.code}^^${view.firstCode.codeSystem}')`;
  if (built !== resourceHl7Type) {
    throw appError('INVALID_TOKEN_FIELD', 'JWT payload: Tipologia documento diversa dalla tipologia di CDA (code - codesystem)', INSTANCE.DOCUMENT_TYPE);
  }
  if (view.patientIds.size === 0) {
    throw appError('INVALID_TOKEN_FIELD', 'JWT payload: non è stato possibile verificare il codice fiscale del paziente presente nel CDA', INSTANCE.PERSON_ID);
  }
  const cf = (personId ?? '').split('^')[0] ?? '';
  const root = view.patientIds.get(cf);
  if (root === undefined) {
    throw appError('INVALID_TOKEN_FIELD', 'JWT payload: Person id presente nel JWT differente dal codice fiscale del paziente previsto sul CDA', INSTANCE.PERSON_ID);
  }
  if (root !== TEAM_OID && !isValidCfOrCx(personId, allowSpecialFiscalCode)) {
    throw appError('INVALID_TOKEN_FIELD', 'Il codice fiscale nel campo person_id non è corretto', INSTANCE.JWT_MALFORMED_FIELD);
  }
}

/** Extracts the LOINC code from `('code^^system')`; null if the claim has another shape. */
export function typeCodeOf(resourceHl7Type: string | null): string | null {
  const m = /^\('([^^']*)\^\^[^']*'\)$/.exec(resourceHl7Type ?? '');
  return m ? m[1]! : null;
}

/** §3.5 correlation between resource_hl7_type and tipoDocumentoLivAlto → 400 /msg/validator. */
export function checkCorrelation(resourceHl7Type: string | null, tipoDocumentoLivAlto: string | null | undefined): void {
  const code = typeCodeOf(resourceHl7Type);
  const expected = code ? CORRELATION[code] : undefined;
  if (!expected || expected !== tipoDocumentoLivAlto) {
    throw appError('VALIDATOR_ERROR', "Non c'è correlazione tra tipo documento e tipo documento livello alto", INSTANCE.VALIDATOR);
  }
}

export function sha256Hex(s: string | Uint8Array): string {
  return createHash('sha256').update(s).digest('hex');
}

/** wii from the CDA's first `<id>` (E1/E3/E5). Throws WORKFLOW_ID_ERROR when there is none. */
export function wiiFromCda(view: GatewayCdaView): string {
  if (!view.firstId) {
    throw appError('WORKFLOW_ID_ERROR', "Errore durante l'estrazione del workflow instance id ", INSTANCE.WORKFLOW_ID);
  }
  return `${view.firstId.root}.${sha256Hex(view.firstId.extension)}.${wiiRandom()}${WII_SUFFIX}`;
}

/** wii for delete / metadata update: sha256hex(idDoc).<10 hex>. */
export function wiiFromIdDoc(idDoc: string): string {
  return `${sha256Hex(idDoc)}.${wiiRandom()}${WII_SUFFIX}`;
}
