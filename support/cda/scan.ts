/**
 * A small, fast, string-level XML tag scanner for CDA headers.
 *
 * It walks start and end tags in document order, skipping comments, CDATA sections, processing
 * instructions and DOCTYPE declarations, and reports each element with its depth and exact offsets,
 * so callers can read header facts or splice a tag without building a DOM (and without touching any
 * other byte). It does not validate well-formedness: the XSD step does that.
 */

export interface TagEvent {
  /** Local name (prefix stripped). */
  name: string;
  /** Qualified name as written. */
  qname: string;
  /** Depth of the element: 0 for the root element. */
  depth: number;
  /** Offset of '<' of the start tag. */
  start: number;
  /** Offset just after the '>' of the start tag. */
  tagEnd: number;
  selfClosing: boolean;
  /** Local names of the ancestors, root first (do not keep a reference: the array is reused). */
  path: readonly string[];
}

export interface EndEvent {
  name: string;
  depth: number;
  /** Offset just after the '>' of the end tag (or of the self-closing start tag). */
  end: number;
}

/**
 * Calls `onStart` for every start tag and `onEnd` for every element end. Returning `false` from either
 * stops the scan. Returns true when the whole text was scanned.
 */
export function scanTags(
  text: string,
  onStart: (e: TagEvent) => boolean | void,
  onEnd?: (e: EndEvent) => boolean | void,
): boolean {
  const stack: string[] = [];
  const n = text.length;
  let i = text.indexOf('<');
  while (i >= 0 && i < n) {
    const c = text.charCodeAt(i + 1);
    if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i + 4);
        if (e < 0) return true;
        i = text.indexOf('<', e + 3);
      } else if (text.startsWith('<![CDATA[', i)) {
        const e = text.indexOf(']]>', i + 9);
        if (e < 0) return true;
        i = text.indexOf('<', e + 3);
      } else {
        // DOCTYPE (possibly with an internal subset)
        let depthBr = 0;
        let j = i + 2;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === 0x5b) depthBr++;
          else if (d === 0x5d) depthBr--;
          else if (d === 0x3e && depthBr <= 0) break;
        }
        i = text.indexOf('<', j + 1);
      }
      continue;
    }
    if (c === 0x3f /* ? */) {
      const e = text.indexOf('?>', i + 2);
      if (e < 0) return true;
      i = text.indexOf('<', e + 2);
      continue;
    }
    if (c === 0x2f /* / */) {
      const e = text.indexOf('>', i + 2);
      if (e < 0) return true;
      const name = stack.pop();
      if (name !== undefined && onEnd && onEnd({ name, depth: stack.length, end: e + 1 }) === false) return false;
      i = text.indexOf('<', e + 1);
      continue;
    }
    // start tag: read the name
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d || d === 0x3e || d === 0x2f) break;
      j++;
    }
    const qname = text.slice(i + 1, j);
    // end of the tag, respecting quotes
    let quote = 0;
    let k = j;
    for (; k < n; k++) {
      const d = text.charCodeAt(k);
      if (quote) {
        if (d === quote) quote = 0;
      } else if (d === 0x22 || d === 0x27) quote = d;
      else if (d === 0x3e) break;
    }
    if (k >= n) return true;
    const selfClosing = text.charCodeAt(k - 1) === 0x2f;
    const colon = qname.indexOf(':');
    const name = colon >= 0 ? qname.slice(colon + 1) : qname;
    const ev: TagEvent = { name, qname, depth: stack.length, start: i, tagEnd: k + 1, selfClosing, path: stack };
    if (onStart(ev) === false) return false;
    if (selfClosing) {
      if (onEnd && onEnd({ name, depth: stack.length, end: k + 1 }) === false) return false;
    } else {
      stack.push(name);
    }
    i = text.indexOf('<', k + 1);
  }
  return true;
}

const ENTITY_RE = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;

export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY_RE, (_m, e: string) => {
    switch (e) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      default: {
        const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(cp) ? String.fromCodePoint(cp) : _m;
      }
    }
  });
}

const ATTR_RE = /([^\s=/<>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Attributes of a start tag (`<name a="1" b='2'/>`), keyed by qualified name, entity-decoded. */
export function parseAttrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const sp = tag.search(/[\s/>]/);
  const body = sp >= 0 ? tag.slice(sp) : '';
  ATTR_RE.lastIndex = 0;
  for (let m = ATTR_RE.exec(body); m; m = ATTR_RE.exec(body)) {
    out[m[1]!] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return out;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/**
 * Returns `tag` (a start tag) with attribute `name` set to `value` (escaped): replaced in place when present
 * (keeping its quote style), otherwise appended before `/>` or `>`.
 */
export function setAttr(tag: string, name: string, value: string): string {
  const esc = escapeXml(value);
  const re = new RegExp(`(\\s${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*)("[^"]*"|'[^']*')`);
  if (re.test(tag)) return tag.replace(re, (_m, pre: string) => `${pre}"${esc}"`);
  const close = tag.endsWith('/>') ? tag.length - 2 : tag.length - 1;
  let at = close;
  while (at > 0 && /\s/.test(tag[at - 1]!)) at--;
  return `${tag.slice(0, at)} ${name}="${esc}"${tag.slice(at)}`;
}

/** Removes attribute `name` from a start tag (no-op when absent). */
export function removeAttr(tag: string, name: string): string {
  const re = new RegExp(`\\s${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*("[^"]*"|'[^']*')`);
  return tag.replace(re, '');
}
