/**
 * A small, lazy, read-only PDF object reader: enough to follow the catalog to name trees, AcroForm fields,
 * signature dictionaries and embedded-file streams without parsing the whole file (the simulator inspects
 * every uploaded PDF, so this must be cheap).
 *
 * Supports classic xref tables, xref streams (PDF 1.5, with PNG predictors), hybrid files (/XRefStm),
 * incremental updates (/Prev chains), object streams, FlateDecode / ASCIIHexDecode / ASCII85Decode, and a
 * lenient fallback that rebuilds the xref by scanning for `N G obj` when the xref is broken (like PDFBox).
 * Not supported: encryption (strings/streams are returned as stored), LZW, image filters.
 */
import { inflateSync, constants as zc } from 'node:zlib';

export class PdfName {
  readonly name: string;
  constructor(name: string) { this.name = name; }
}

export class PdfString {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) { this.bytes = bytes; }
  /** Text string decoding: UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding (≈ Latin-1). */
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      const sw = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
      sw.swap16();
      return sw.toString('utf16le');
    }
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return Buffer.from(b.subarray(3)).toString('utf8');
    return Buffer.from(b).toString('latin1');
  }
}

export class PdfRef {
  readonly num: number;
  readonly gen: number;
  constructor(num: number, gen: number) { this.num = num; this.gen = gen; }
}

export class PdfDict {
  readonly map = new Map<string, PdfObject>();
  get(key: string): PdfObject | undefined { return this.map.get(key); }
}

export class PdfStream {
  readonly dict: PdfDict;
  /** Raw (encoded) data. */
  readonly raw: Uint8Array;
  constructor(dict: PdfDict, raw: Uint8Array) { this.dict = dict; this.raw = raw; }
}

export type PdfObject = PdfDict | PdfStream | PdfName | PdfString | PdfRef | PdfObject[] | number | boolean | null;

export function isDict(o: unknown): o is PdfDict { return o instanceof PdfDict; }
export function isArray(o: unknown): o is PdfObject[] { return Array.isArray(o); }

// ---------------------------------------------------------------------------------------------------------------
// Lexer / object parser over one buffer

const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

class ParseError extends Error {}

const KEYWORD_END = new Set(['endobj', 'endstream', 'stream', 'obj', 'R', 'xref', 'trailer', 'startxref']);

class Lexer {
  readonly b: Uint8Array;
  pos: number;
  /** Resolves /Length when it is an indirect reference (main-file lexer only). */
  readonly lengthOf?: (ref: PdfRef) => number | undefined;
  constructor(b: Uint8Array, pos = 0, lengthOf?: (ref: PdfRef) => number | undefined) {
    this.b = b;
    this.pos = pos;
    this.lengthOf = lengthOf;
  }

  skipWs(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      while (p < b.length && WS[b[p]!]) p++;
      if (b[p] === 0x25) { // % comment
        while (p < b.length && b[p] !== 0x0a && b[p] !== 0x0d) p++;
        continue;
      }
      break;
    }
    this.pos = p;
  }

  /** Reads a regular token (number or keyword) at pos, without consuming whitespace first. */
  regular(): string {
    const b = this.b;
    const s = this.pos;
    let p = s;
    while (p < b.length && !WS[b[p]!] && !DELIM[b[p]!]) p++;
    this.pos = p;
    return Buffer.from(b.buffer, b.byteOffset + s, p - s).toString('latin1');
  }

  /** Integer at pos (after whitespace) or undefined, without consuming on failure. */
  peekInt(): { value: number; end: number } | undefined {
    const save = this.pos;
    this.skipWs();
    const b = this.b;
    let p = this.pos;
    const s = p;
    while (p < b.length && b[p]! >= 0x30 && b[p]! <= 0x39) p++;
    const ok = p > s && (p >= b.length || WS[b[p]!] || DELIM[b[p]!]);
    const res = ok ? { value: Number(Buffer.from(b.buffer, b.byteOffset + s, p - s).toString('latin1')), end: p } : undefined;
    this.pos = save;
    return res;
  }

  expectKeyword(k: string): void {
    this.skipWs();
    const t = this.regular();
    if (t !== k) throw new ParseError(`expected "${k}" at ${this.pos - t.length}, found "${t.slice(0, 20)}"`);
  }

  parse(depth = 0): PdfObject {
    if (depth > 64) throw new ParseError('objects nested too deeply');
    this.skipWs();
    const b = this.b;
    const c = b[this.pos];
    if (c === undefined) throw new ParseError('unexpected end of data');
    if (c === 0x3c) { // <
      if (b[this.pos + 1] === 0x3c) return this.parseDictOrStream(depth);
      return this.parseHex();
    }
    if (c === 0x28) return this.parseLiteral();
    if (c === 0x2f) return this.parseName();
    if (c === 0x5b) { // [
      this.pos++;
      const arr: PdfObject[] = [];
      for (;;) {
        this.skipWs();
        if (this.b[this.pos] === 0x5d) { this.pos++; return arr; }
        if (this.pos >= b.length) throw new ParseError('unterminated array');
        arr.push(this.parse(depth + 1));
      }
    }
    if (c === 0x7b || c === 0x7d) { this.pos++; return null; } // PostScript braces: not expected here
    const start = this.pos;
    const tok = this.regular();
    if (tok === '') throw new ParseError(`unexpected byte 0x${c.toString(16)} at ${start}`);
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
      // integer followed by "G R" → reference
      if (/^\d+$/.test(tok)) {
        const save = this.pos;
        const gen = this.peekInt();
        if (gen) {
          this.pos = gen.end;
          this.skipWs();
          if (this.b[this.pos] === 0x52 && (this.pos + 1 >= b.length || WS[b[this.pos + 1]!] || DELIM[b[this.pos + 1]!])) {
            this.pos++;
            return new PdfRef(Number(tok), gen.value);
          }
        }
        this.pos = save;
      }
      return Number(tok);
    }
    if (KEYWORD_END.has(tok)) throw new ParseError(`unexpected keyword "${tok}" at ${start}`);
    return null; // unknown keyword: treat as null (lenient)
  }

  private parseName(): PdfName {
    const b = this.b;
    let p = this.pos + 1;
    const s = p;
    while (p < b.length && !WS[b[p]!] && !DELIM[b[p]!]) p++;
    this.pos = p;
    let raw = Buffer.from(b.buffer, b.byteOffset + s, p - s).toString('latin1');
    if (raw.includes('#')) raw = raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return new PdfName(raw);
  }

  private parseHex(): PdfString {
    const b = this.b;
    const end = b.indexOf(0x3e, this.pos + 1);
    if (end < 0) throw new ParseError('unterminated hex string');
    const out = new Uint8Array((end - this.pos) >> 1);
    let n = 0;
    let hi = -1;
    for (let p = this.pos + 1; p < end; p++) {
      const ch = b[p]!;
      let v: number;
      if (ch >= 0x30 && ch <= 0x39) v = ch - 0x30;
      else if (ch >= 0x61 && ch <= 0x66) v = ch - 0x57;
      else if (ch >= 0x41 && ch <= 0x46) v = ch - 0x37;
      else continue; // whitespace / junk
      if (hi < 0) hi = v; else { out[n++] = (hi << 4) | v; hi = -1; }
    }
    if (hi >= 0) out[n++] = hi << 4;
    this.pos = end + 1;
    return new PdfString(out.subarray(0, n));
  }

  private parseLiteral(): PdfString {
    const b = this.b;
    const out: number[] = [];
    let depth = 1;
    let p = this.pos + 1;
    while (p < b.length) {
      const ch = b[p++]!;
      if (ch === 0x5c) { // backslash
        const e = b[p++];
        if (e === undefined) break;
        switch (e) {
          case 0x6e: out.push(10); break; // n
          case 0x72: out.push(13); break; // r
          case 0x74: out.push(9); break; // t
          case 0x62: out.push(8); break; // b
          case 0x66: out.push(12); break; // f
          case 0x0d: if (b[p] === 0x0a) p++; break; // line continuation
          case 0x0a: break;
          default:
            if (e >= 0x30 && e <= 0x37) {
              let v = e - 0x30;
              for (let k = 0; k < 2 && b[p]! >= 0x30 && b[p]! <= 0x37; k++) v = v * 8 + (b[p++]! - 0x30);
              out.push(v & 0xff);
            } else out.push(e);
        }
        continue;
      }
      if (ch === 0x28) depth++;
      else if (ch === 0x29 && --depth === 0) break;
      out.push(ch);
    }
    if (depth !== 0) throw new ParseError('unterminated literal string');
    this.pos = p;
    return new PdfString(Uint8Array.from(out));
  }

  private parseDictOrStream(depth: number): PdfDict | PdfStream {
    const b = this.b;
    this.pos += 2;
    const d = new PdfDict();
    for (;;) {
      this.skipWs();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) { this.pos += 2; break; }
      if (this.pos >= b.length) throw new ParseError('unterminated dictionary');
      const k = this.parse(depth + 1);
      if (!(k instanceof PdfName)) throw new ParseError(`dictionary key is not a name at ${this.pos}`);
      this.skipWs();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) { d.map.set(k.name, null); continue; }
      d.map.set(k.name, this.parse(depth + 1));
    }
    // stream?
    const save = this.pos;
    this.skipWs();
    if (!startsWithAt(b, this.pos, 'stream')) { this.pos = save; return d; }
    let p = this.pos + 6;
    if (b[p] === 0x0d) p++;
    if (b[p] === 0x0a) p++;
    const dataStart = p;
    let len: number | undefined;
    const l = d.get('Length');
    if (typeof l === 'number') len = l;
    else if (l instanceof PdfRef && this.lengthOf) len = this.lengthOf(l);
    let dataEnd = -1;
    if (len !== undefined && Number.isInteger(len) && len >= 0 && dataStart + len <= b.length) {
      let q = dataStart + len;
      while (q < b.length && WS[b[q]!]) q++;
      if (startsWithAt(b, q, 'endstream')) { dataEnd = dataStart + len; this.pos = q + 9; }
    }
    if (dataEnd < 0) { // bad /Length: search for endstream
      const e = indexOfAscii(b, 'endstream', dataStart);
      if (e < 0) throw new ParseError('stream without endstream');
      dataEnd = e;
      if (b[dataEnd - 1] === 0x0a) dataEnd--;
      if (b[dataEnd - 1] === 0x0d) dataEnd--;
      this.pos = e + 9;
    }
    return new PdfStream(d, b.subarray(dataStart, dataEnd));
  }
}

function startsWithAt(b: Uint8Array, at: number, s: string): boolean {
  if (at < 0 || at + s.length > b.length) return false;
  for (let k = 0; k < s.length; k++) if (b[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

function indexOfAscii(b: Uint8Array, s: string, from: number): number {
  const first = s.charCodeAt(0);
  for (let i = b.indexOf(first, from); i >= 0; i = b.indexOf(first, i + 1)) if (startsWithAt(b, i, s)) return i;
  return -1;
}

function lastIndexOfAscii(b: Uint8Array, s: string, from = b.length - 1): number {
  const first = s.charCodeAt(0);
  for (let i = b.lastIndexOf(first, from); i >= 0; i = i > 0 ? b.lastIndexOf(first, i - 1) : -1) if (startsWithAt(b, i, s)) return i;
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------
// Filters

function pngUnpredict(data: Uint8Array, columns: number, colors: number, bpc: number): Uint8Array {
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((columns * colors * bpc) / 8);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)]!;
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const x = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLen + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLen + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0: v = x; break;
        case 1: v = x + left; break;
        case 2: v = x + up; break;
        case 3: v = x + ((left + up) >> 1); break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
          v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default: throw new ParseError(`bad PNG predictor ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function asciiHex(data: Uint8Array): Uint8Array {
  const s = Buffer.from(data).toString('latin1').replace(/>.*$/s, '').replace(/[^0-9a-fA-F]/g, '');
  return new Uint8Array(Buffer.from(s.length % 2 ? `${s}0` : s, 'hex'));
}

function ascii85(data: Uint8Array): Uint8Array {
  const s = Buffer.from(data).toString('latin1').replace(/~>.*$/s, '').replace(/^<~/, '').replace(/\s+/g, '');
  const out: number[] = [];
  let tuple = 0, n = 0;
  for (const ch of s) {
    if (ch === 'z' && n === 0) { out.push(0, 0, 0, 0); continue; }
    const c = ch.charCodeAt(0) - 33;
    if (c < 0 || c > 84) throw new ParseError('bad ASCII85 data');
    tuple = tuple * 85 + c;
    if (++n === 5) { out.push((tuple >>> 24) & 255, (tuple >>> 16) & 255, (tuple >>> 8) & 255, tuple & 255); tuple = 0; n = 0; }
  }
  if (n > 0) {
    for (let k = n; k < 5; k++) tuple = tuple * 85 + 84;
    const bytes = [(tuple >>> 24) & 255, (tuple >>> 16) & 255, (tuple >>> 8) & 255, tuple & 255];
    out.push(...bytes.slice(0, n - 1));
  }
  return Uint8Array.from(out);
}

function flate(data: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(inflateSync(data));
  } catch {
    // truncated / slightly broken zlib data: take what can be inflated
    return new Uint8Array(inflateSync(data, { finishFlush: zc.Z_SYNC_FLUSH }));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reader

type XrefEntry = { kind: 'offset'; offset: number; gen: number } | { kind: 'objstm'; stream: number; index: number };

export class PdfReader {
  readonly bytes: Uint8Array;
  readonly trailer: PdfDict;
  /** True when the xref was unusable and was rebuilt by scanning the file for objects. */
  readonly repaired: boolean;
  private readonly xref = new Map<number, XrefEntry>();
  private readonly cache = new Map<number, PdfObject>();
  private readonly objStms = new Map<number, { lexer: Lexer; offsets: Map<number, number> }>();
  private readonly resolving = new Set<number>();

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    let trailer: PdfDict | undefined;
    try {
      trailer = this.readXrefChain();
    } catch {
      trailer = undefined;
    }
    let repaired = false;
    if (!trailer || !(trailer.get('Root') instanceof PdfRef) || !isDict(this.tryResolve(trailer.get('Root')))) {
      this.xref.clear();
      this.cache.clear();
      this.objStms.clear();
      trailer = this.rebuildXref();
      repaired = true;
    }
    this.trailer = trailer;
    this.repaired = repaired;
  }

  private lexer(pos: number): Lexer {
    return new Lexer(this.bytes, pos, (ref) => {
      const v = this.tryResolve(ref);
      return typeof v === 'number' ? v : undefined;
    });
  }

  /** Follows startxref → xref sections (tables or streams) → /Prev, newest entries first. Returns the newest trailer. */
  private readXrefChain(): PdfDict {
    const b = this.bytes;
    const sx = lastIndexOfAscii(b, 'startxref', b.length - 1);
    if (sx < 0) throw new ParseError('no startxref');
    const lx = this.lexer(sx + 9);
    const off = lx.peekInt();
    if (!off) throw new ParseError('bad startxref');
    let first: PdfDict | undefined;
    const seen = new Set<number>();
    let next: number | undefined = off.value;
    while (next !== undefined && !seen.has(next) && seen.size < 64) {
      seen.add(next);
      const t = this.readXrefSection(next);
      first ??= t;
      const stm = t.get('XRefStm');
      if (typeof stm === 'number' && !seen.has(stm)) { seen.add(stm); this.readXrefSection(stm); }
      const prev = t.get('Prev');
      next = typeof prev === 'number' ? prev : undefined;
    }
    if (!first) throw new ParseError('no trailer');
    return first;
  }

  private setEntry(num: number, e: XrefEntry): void {
    if (!this.xref.has(num)) this.xref.set(num, e);
  }

  private readXrefSection(offset: number): PdfDict {
    const b = this.bytes;
    const lx = this.lexer(offset);
    lx.skipWs();
    if (startsWithAt(b, lx.pos, 'xref')) {
      lx.pos += 4;
      for (;;) {
        const start = lx.peekInt();
        if (!start) break;
        lx.pos = start.end;
        const count = lx.peekInt();
        if (!count) throw new ParseError('bad xref subsection');
        lx.pos = count.end;
        for (let i = 0; i < count.value; i++) {
          const o = lx.peekInt(); if (!o) throw new ParseError('bad xref entry'); lx.pos = o.end;
          const g = lx.peekInt(); if (!g) throw new ParseError('bad xref entry'); lx.pos = g.end;
          lx.skipWs();
          const type = b[lx.pos]; lx.pos++;
          const num = start.value + i;
          this.setEntry(num, { kind: 'offset', offset: type === 0x6e ? o.value : -1, gen: g.value });
        }
      }
      lx.expectKeyword('trailer');
      const t = lx.parse();
      if (!isDict(t)) throw new ParseError('trailer is not a dictionary');
      return t;
    }
    // xref stream: "N G obj << /Type /XRef ... >> stream"
    const obj = this.parseIndirectAt(offset);
    if (!(obj instanceof PdfStream) || !(obj.dict.get('Type') instanceof PdfName) || (obj.dict.get('Type') as PdfName).name !== 'XRef') {
      throw new ParseError(`no xref at ${offset}`);
    }
    const d = obj.dict;
    const w = d.get('W');
    if (!isArray(w) || w.length < 3 || !w.every((x) => typeof x === 'number')) throw new ParseError('bad /W');
    const [w0, w1, w2] = w as number[];
    const size = typeof d.get('Size') === 'number' ? (d.get('Size') as number) : 0;
    const index = isArray(d.get('Index')) ? (d.get('Index') as number[]) : [0, size];
    const data = this.decodeStream(obj);
    const rowLen = w0! + w1! + w2!;
    const field = (p: number, n: number, dflt: number): number => {
      if (n === 0) return dflt;
      let v = 0;
      for (let k = 0; k < n; k++) v = v * 256 + data[p + k]!;
      return v;
    };
    let p = 0;
    for (let s = 0; s + 1 < index.length; s += 2) {
      const start = index[s]!, count = index[s + 1]!;
      for (let i = 0; i < count && p + rowLen <= data.length; i++, p += rowLen) {
        const type = field(p, w0!, 1);
        const f2 = field(p + w0!, w1!, 0);
        const f3 = field(p + w0! + w1!, w2!, 0);
        const num = start + i;
        if (type === 1) this.setEntry(num, { kind: 'offset', offset: f2, gen: f3 });
        else if (type === 2) this.setEntry(num, { kind: 'objstm', stream: f2, index: f3 });
        else this.setEntry(num, { kind: 'offset', offset: -1, gen: 0 }); // free
      }
    }
    return d;
  }

  /** Lenient recovery: scan the file for "N G obj" headers (last definition wins) and find the catalog. */
  private rebuildXref(): PdfDict {
    const b = this.bytes;
    const text = Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
    const re = /(?:^|[\r\n\s])(\d{1,10})\s+(\d{1,5})\s+obj\b/g;
    const found = new Map<number, number>();
    for (let m = re.exec(text); m; m = re.exec(text)) found.set(Number(m[1]), m.index + m[0].indexOf(m[1]!));
    for (const [num, off] of found) this.xref.set(num, { kind: 'offset', offset: off, gen: 0 });
    // Object streams found by the scan contribute their objects too.
    for (const [num] of found) {
      const o = this.tryResolve(new PdfRef(num, 0));
      if (o instanceof PdfStream && o.dict.get('Type') instanceof PdfName && (o.dict.get('Type') as PdfName).name === 'ObjStm') {
        const os = this.objStm(num);
        if (os) for (const n of os.offsets.keys()) if (!this.xref.has(n)) this.xref.set(n, { kind: 'objstm', stream: num, index: 0 });
      }
    }
    // Trailer: a classic "trailer" dict with /Root, else any xref stream or catalog.
    const t = new PdfDict();
    const ti = text.lastIndexOf('trailer');
    if (ti >= 0) {
      try {
        const d = this.lexer(ti + 7).parse();
        if (isDict(d)) for (const [k, v] of d.map) t.map.set(k, v);
      } catch { /* ignore */ }
    }
    if (!(t.get('Root') instanceof PdfRef)) {
      for (const num of this.xref.keys()) {
        const o = this.tryResolve(new PdfRef(num, 0));
        const d = o instanceof PdfStream ? o.dict : o;
        if (isDict(d) && d.get('Type') instanceof PdfName && (d.get('Type') as PdfName).name === 'Catalog') {
          t.map.set('Root', new PdfRef(num, 0));
          break;
        }
      }
    }
    if (!(t.get('Root') instanceof PdfRef)) throw new ParseError('cannot find the document catalog');
    return t;
  }

  private parseIndirectAt(offset: number): PdfObject {
    if (offset < 0 || offset >= this.bytes.length) throw new ParseError(`object offset ${offset} out of range`);
    const lx = this.lexer(offset);
    const n = lx.peekInt(); if (!n) throw new ParseError(`no object at ${offset}`); lx.pos = n.end;
    const g = lx.peekInt(); if (!g) throw new ParseError(`no object at ${offset}`); lx.pos = g.end;
    lx.expectKeyword('obj');
    return lx.parse();
  }

  private objStm(num: number): { lexer: Lexer; offsets: Map<number, number> } | undefined {
    let os = this.objStms.get(num);
    if (os) return os;
    const s = this.resolve(new PdfRef(num, 0));
    if (!(s instanceof PdfStream)) return undefined;
    const data = this.decodeStream(s);
    const n = s.dict.get('N'), first = s.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number') return undefined;
    const lx = new Lexer(data, 0);
    const offsets = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const on = lx.peekInt(); if (!on) break; lx.pos = on.end;
      const oo = lx.peekInt(); if (!oo) break; lx.pos = oo.end;
      offsets.set(on.value, first + oo.value);
    }
    os = { lexer: lx, offsets };
    this.objStms.set(num, os);
    return os;
  }

  private loadObject(num: number): PdfObject {
    const e = this.xref.get(num);
    if (!e) return null;
    if (e.kind === 'offset') {
      if (e.offset < 0) return null;
      return this.parseIndirectAt(e.offset);
    }
    const os = this.objStm(e.stream);
    if (!os) return null;
    const off = os.offsets.get(num);
    if (off === undefined) return null;
    os.lexer.pos = off;
    return os.lexer.parse();
  }

  /** Follows references (with cycle protection). Throws on parse errors. */
  resolve(o: PdfObject | undefined): PdfObject | undefined {
    let cur = o;
    for (let hops = 0; cur instanceof PdfRef && hops < 32; hops++) {
      const num = cur.num;
      if (this.cache.has(num)) { cur = this.cache.get(num)!; continue; }
      if (this.resolving.has(num)) return null;
      this.resolving.add(num);
      try {
        const v = this.loadObject(num);
        this.cache.set(num, v);
        cur = v;
      } finally {
        this.resolving.delete(num);
      }
    }
    return cur instanceof PdfRef ? null : cur;
  }

  /** Like resolve, but a parse error gives undefined. */
  tryResolve(o: PdfObject | undefined): PdfObject | undefined {
    try { return this.resolve(o); } catch { return undefined; }
  }

  catalog(): PdfDict | undefined {
    const c = this.resolve(this.trailer.get('Root'));
    return isDict(c) ? c : undefined;
  }

  /** Decoded stream data (FlateDecode, ASCIIHexDecode, ASCII85Decode; PNG/TIFF-2 predictors for Flate). */
  decodeStream(s: PdfStream): Uint8Array {
    const f = this.resolve(s.dict.get('Filter'));
    const filters = (isArray(f) ? f.map((x) => this.resolve(x)) : f === undefined || f === null ? [] : [f]);
    const pr = this.resolve(s.dict.get('DecodeParms') ?? s.dict.get('DP'));
    const parms = isArray(pr) ? pr.map((x) => this.resolve(x)) : [pr];
    let data = s.raw;
    filters.forEach((flt, i) => {
      const name = flt instanceof PdfName ? flt.name : '';
      const p = parms[i];
      switch (name) {
        case 'FlateDecode': case 'Fl': {
          data = flate(data);
          if (isDict(p)) {
            const predictor = typeof p.get('Predictor') === 'number' ? (p.get('Predictor') as number) : 1;
            const colors = typeof p.get('Colors') === 'number' ? (p.get('Colors') as number) : 1;
            const bpc = typeof p.get('BitsPerComponent') === 'number' ? (p.get('BitsPerComponent') as number) : 8;
            const columns = typeof p.get('Columns') === 'number' ? (p.get('Columns') as number) : 1;
            if (predictor >= 10) data = pngUnpredict(data, columns, colors, bpc);
            else if (predictor !== 1) throw new ParseError(`unsupported predictor ${predictor}`);
          }
          break;
        }
        case 'ASCIIHexDecode': case 'AHx': data = asciiHex(data); break;
        case 'ASCII85Decode': case 'A85': data = ascii85(data); break;
        default: throw new ParseError(`unsupported stream filter ${name || String(flt)}`);
      }
    });
    return data;
  }
}
