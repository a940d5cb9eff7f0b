/**
 * A tiny byte-level XML scanner: finds the byte range of an element without building a DOM.
 * Works on UTF-8 (or any ASCII-compatible) bytes: markup characters are ASCII, so multi-byte
 * sequences (all bytes >= 0x80) never look like markup. Comments, CDATA, processing instructions
 * and DOCTYPE declarations are skipped; quoted attribute values may contain '>'.
 */

export interface ElementRange {
  /** Offset of the '<' of the start tag. */
  start: number;
  /** Offset just after the '>' of the end tag (or of the self-closing start tag). */
  end: number;
  /** Qualified name as written (e.g. `ClinicalDocument` or `hl7:ClinicalDocument`). */
  qname: string;
}

const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, BANG = 0x21, QMARK = 0x3f, DQ = 0x22, SQ = 0x27, LBRACKET = 0x5b;

function indexOfSeq(b: Uint8Array, seq: string, from: number): number {
  const first = seq.charCodeAt(0);
  outer: for (let i = b.indexOf(first, from); i >= 0 && i <= b.length - seq.length; i = b.indexOf(first, i + 1)) {
    for (let k = 1; k < seq.length; k++) if (b[i + k] !== seq.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

function startsWith(b: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > b.length) return false;
  for (let k = 0; k < s.length; k++) if (b[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

function isNameEnd(c: number | undefined): boolean {
  return c === undefined || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === GT || c === SLASH;
}

/** Reads the qualified name starting at `at`; returns it (latin1) and the offset after it. */
function readName(b: Uint8Array, at: number): { name: string; next: number } {
  let i = at;
  while (i < b.length && !isNameEnd(b[i])) i++;
  return { name: Buffer.from(b.buffer, b.byteOffset + at, i - at).toString('latin1'), next: i };
}

/** Offset just after the '>' closing a tag whose name ends at `from` (quotes respected), or -1. */
function endOfTag(b: Uint8Array, from: number): number {
  let quote = 0;
  for (let i = from; i < b.length; i++) {
    const c = b[i];
    if (quote) { if (c === quote) quote = 0; continue; }
    if (c === DQ || c === SQ) { quote = c; continue; }
    if (c === GT) return i + 1;
  }
  return -1;
}

/**
 * Skips a markup construct that is not an element (comment, CDATA, PI, DOCTYPE) starting at the '<' at `i`.
 * Returns the offset after it, or undefined when `i` starts an element or end tag; -1 when unterminated.
 */
function skipNonElement(b: Uint8Array, i: number): number | undefined {
  const c = b[i + 1];
  if (c === QMARK) {
    const e = indexOfSeq(b, '?>', i + 2);
    return e < 0 ? -1 : e + 2;
  }
  if (c === BANG) {
    if (startsWith(b, i, '<!--')) {
      const e = indexOfSeq(b, '-->', i + 4);
      return e < 0 ? -1 : e + 3;
    }
    if (startsWith(b, i, '<![CDATA[')) {
      const e = indexOfSeq(b, ']]>', i + 9);
      return e < 0 ? -1 : e + 3;
    }
    // DOCTYPE (possibly with an internal subset in [...])
    let depth = 0;
    for (let k = i + 2; k < b.length; k++) {
      const d = b[k];
      if (d === LBRACKET) depth++;
      else if (d === 0x5d) depth--;
      else if (d === GT && depth <= 0) return k + 1;
    }
    return -1;
  }
  return undefined;
}

/**
 * Finds the first element (document order) whose qualified name satisfies `match`, and its extent.
 * Returns null when there is none or the element is not terminated.
 */
export function findElement(b: Uint8Array, match: (qname: string) => boolean, from = 0): ElementRange | null {
  let i = b.indexOf(LT, from);
  while (i >= 0) {
    const skipped = skipNonElement(b, i);
    if (skipped !== undefined) {
      if (skipped < 0) return null;
      i = b.indexOf(LT, skipped);
      continue;
    }
    if (b[i + 1] === SLASH) { i = b.indexOf(LT, i + 2); continue; }
    const { name, next } = readName(b, i + 1);
    const tagEnd = endOfTag(b, next);
    if (tagEnd < 0) return null;
    if (name && match(name)) {
      if (b[tagEnd - 2] === SLASH) return { start: i, end: tagEnd, qname: name };
      const end = findMatchingEnd(b, name, tagEnd);
      return end < 0 ? null : { start: i, end, qname: name };
    }
    i = b.indexOf(LT, tagEnd);
  }
  return null;
}

/** Given the offset after a start tag of `qname`, returns the offset after its matching end tag, or -1. */
function findMatchingEnd(b: Uint8Array, qname: string, from: number): number {
  let depth = 1;
  let i = b.indexOf(LT, from);
  while (i >= 0) {
    const skipped = skipNonElement(b, i);
    if (skipped !== undefined) {
      if (skipped < 0) return -1;
      i = b.indexOf(LT, skipped);
      continue;
    }
    if (b[i + 1] === SLASH) {
      const { name, next } = readName(b, i + 2);
      const tagEnd = endOfTag(b, next);
      if (tagEnd < 0) return -1;
      if (name === qname && --depth === 0) return tagEnd;
      i = b.indexOf(LT, tagEnd);
      continue;
    }
    const { name, next } = readName(b, i + 1);
    const tagEnd = endOfTag(b, next);
    if (tagEnd < 0) return -1;
    if (name === qname && b[tagEnd - 2] !== SLASH) depth++;
    i = b.indexOf(LT, tagEnd);
  }
  return -1;
}

/** Local part of a qualified name. */
export function localName(qname: string): string {
  const c = qname.indexOf(':');
  return c < 0 ? qname : qname.slice(c + 1);
}

/** The first `ClinicalDocument` element (any prefix). */
export function findClinicalDocument(b: Uint8Array): ElementRange | null {
  return findElement(b, (q) => localName(q) === 'ClinicalDocument');
}

/** The document (root) element. */
export function findRootElement(b: Uint8Array): ElementRange | null {
  return findElement(b, () => true);
}
