/**
 * How the dispatcher reads the CDA for the JWT ↔ CDA checks: jsoup in HTML mode — tag names case-insensitive, first
 * matching element in document order, comments ignored (`it-fse-gtw-dispatcher` `AbstractCTL.validateJWT`). This
 * module mirrors that with a tolerant tag scanner (no XML validity needed: an ill-formed CDA still gets this far and
 * fails later at the XSD), and derives the workflowInstanceId the way `CdaUtility` does. The rules applied to that
 * view are contract: support/gateway/cross-checks.ts.
 */
import { sha256Hex } from '../support/hash.ts';
import { appError, INSTANCE } from '../support/gateway/problems.ts';
import { WII_SUFFIX } from '../support/gateway/ids.ts';
import type { CdaView } from '../support/gateway/cross-checks.ts';
import { wiiRandom } from './answers.ts';

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

/** What the dispatcher sees in the CDA (first `<code>`, first `<id>`, `patientRole > id`). */
export function viewCda(xml: string): CdaView {
  const tags = scanTags(xml);
  const view: CdaView = { patientIds: new Map() };
  const codeTag = tags.find((t) => t.name === 'code');
  if (codeTag) view.firstCode = { code: codeTag.attrs.code ?? '', codeSystem: codeTag.attrs.codesystem ?? '' };
  const etTag = tags.find((t) => t.name === 'effectivetime');
  if (etTag && etTag.attrs.value !== undefined) view.effectiveTime = etTag.attrs.value;
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

/** wii from the CDA's first `<id>` (E1/E3/E5). Throws WORKFLOW_ID_ERROR when there is none. */
export function wiiFromCda(view: CdaView): string {
  if (!view.firstId) {
    throw appError('WORKFLOW_ID_ERROR', "Errore durante l'estrazione del workflow instance id ", INSTANCE.WORKFLOW_ID);
  }
  return `${view.firstId.root}.${sha256Hex(view.firstId.extension)}.${wiiRandom()}${WII_SUFFIX}`;
}

/** wii for delete / metadata update: sha256hex(idDoc).<10 hex>. */
export function wiiFromIdDoc(idDoc: string): string {
  return `${sha256Hex(idDoc)}.${wiiRandom()}${WII_SUFFIX}`;
}
