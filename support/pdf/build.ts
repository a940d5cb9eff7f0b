/**
 * Builds an (unsigned) PDF/A-3b document carrying a CDA R2 document, the way the FSE 2.0 gateway expects it:
 *
 * - ATTACHMENT: embedded file `cda.xml` (text/xml, AFRelationship /Source), the single entry of the top-level
 *   `/Names /EmbeddedFiles /Names` array (key and `/F` both the literal string `cda.xml`) and listed in the catalog `/AF`.
 * - RESOURCE: an XFA `datasets` stream (the CDA wrapped in an `xfa:datasets` envelope) registered under
 *   catalog `/Names /XFAResources` → `<< /Names [ (datasets) <stream> ] >>`.
 *
 * PDF/A-3b ingredients: embedded (subset) DejaVu Sans TrueType font, XMP metadata (pdfaid part 3 / conformance B),
 * an sRGB OutputIntent (GTS_PDFA1, profile from ./icc.ts), trailer /ID, no encryption, no transparency.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
// fontkit's ES module build, not its UMD `main`: the same code (a subset of the same glyphs encodes to the same bytes),
// loaded in ≈ 0.1 s less per process — Node parses the 1.5 MB UMD twice (its CommonJS export scan, then compiling it).
import fontkit from '@pdf-lib/fontkit/dist/fontkit.es.js';
import {
  AFRelationship,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFString,
  rgb,
} from 'pdf-lib';
import type { PDFFont } from 'pdf-lib';
import type { InjectionMode } from '../types.ts';
import { srgbIccProfile } from './icc.ts';
import { findRootElement } from './xmlscan.ts';
import { signLoadedDocument, type PadesKey, type PadesOptions } from './pades.ts';
import { rememberDeflate, useNativeDeflate } from './native-deflate.ts';

useNativeDeflate();

export interface BuildPdfOptions {
  /** CDA XML bytes (UTF-8, no BOM). */
  cda: Uint8Array;
  /** Default 'ATTACHMENT'. */
  mode?: InjectionMode;
  /** Visible title + XMP dc:title. */
  title?: string;
  /** Human-readable body text (e.g. patient, document type). */
  lines?: string[];
  /** Default now; pass a fixed date for reproducible bytes. */
  creationDate?: Date;
  /**
   * Name of the embedded file (ATTACHMENT mode). Default and the only one the gateway accepts: `cda.xml`.
   * Negative scenarios use another name (e.g. `CDA2.xml`, a classic vendor mistake) to get /msg/cda-element.
   */
  attachmentName?: string;
  /** Sign (PAdES-B-B) in the same pass: same result as signPades(buildPdf(...)) without re-parsing the PDF. */
  sign?: { key: PadesKey; options?: PadesOptions };
}

/** Name of the attachment the gateway looks for (exact, lower case). */
export const CDA_ATTACHMENT_NAME = 'cda.xml';
export const PRODUCER = 'fse-harness-toscana (pdf-lib 1.17.1)';
export const CREATOR_TOOL = 'fse-harness build-pdf';
const XFA_DATA_NS = 'http://www.xfa.org/schema/xfa-data/1.0/';

let fontBytesCache: Uint8Array | undefined;
function dejaVuSans(): Uint8Array {
  if (!fontBytesCache) {
    const require = createRequire(import.meta.url);
    const path = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
    fontBytesCache = new Uint8Array(readFileSync(path));
  }
  return fontBytesCache;
}

/**
 * fontkit wrapper that parses the (immutable) DejaVu Sans program once: pdf-lib calls `fontkit.create(bytes)`
 * for every document, and parsing the 750 KB font dominates the build time. Subsets are created per document.
 */
type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
let parsedFont: ReturnType<Fontkit['create']> | undefined;
const cachingFontkit: Fontkit = {
  create(buffer: Uint8Array, postscriptName?: string) {
    if (buffer === fontBytesCache && !postscriptName) return (parsedFont ??= withSubsetMemo(withLayoutMemo(fontkit.create(buffer))));
    return fontkit.create(buffer, postscriptName);
  },
};

/**
 * Shaping (`font.layout`: cmap, GSUB ligatures, GPOS) is deterministic for a given font, text and feature set, and
 * most lines of the documents repeat from one document to the next (section titles, labels, the template's text):
 * the shaped glyph run of a line is kept per process (bounded), so each distinct line is shaped once. pdf-lib only
 * reads the run's glyphs (their ids go into the per-document subset), so sharing a run between documents is safe and
 * the PDF bytes are the same as without the memo.
 */
const LAYOUT_MEMO_MAX = 4096;
export function withLayoutMemo<F extends { layout: (text: string, features?: never) => unknown }>(font: F): F {
  const layout = font.layout.bind(font);
  const memo = new Map<string, unknown>();
  font.layout = ((text: string, features?: never) => {
    const key = features === undefined ? text : `${JSON.stringify(features)}\u0000${text}`;
    let run = memo.get(key);
    if (run === undefined) {
      run = layout(text, features);
      if (memo.size >= LAYOUT_MEMO_MAX) memo.clear();
      memo.set(key, run);
    }
    return run;
  }) as F['layout'];
  return font;
}

/**
 * The characters every cover sheet's font subset starts with, in this order (printable ASCII, the Italian accented
 * letters and the typographic signs the templates use). Encoding them first gives every document the same subset —
 * same glyphs, same subset glyph ids — whatever its patient, identifiers and dates, so the subset font program
 * (fontkit's TrueType subsetting, then its deflate) is computed once per process instead of once per document. A
 * character outside this set still works: it is added after them (a subset of its own, memoised the same way).
 * The subset carries ≈ 125 glyphs instead of the ≈ 60 a page draws: ≈ 8 KB more per PDF.
 */
export const SUBSET_PRESET = (() => {
  let s = '';
  for (let c = 0x20; c < 0x7f; c++) s += String.fromCharCode(c);
  return `${s}àèéìíòóùúÀÈÉÌÒÙ—–’‘“”«»°€…·`;
})();

/**
 * fontkit subset → font program bytes, per glyph list (a subset's bytes depend only on the font and on its glyph ids
 * in inclusion order): pdf-lib asks fontkit to encode the subset of every document it saves; with the preset above
 * the glyph lists repeat, and the bytes are handed back from the memo (and their deflate from native-deflate.ts).
 */
const SUBSET_MEMO_MAX = 64;
type Listener = (arg?: unknown) => void;
interface SubsetLike { glyphs: number[]; encodeStream(): { on(event: string, cb: Listener): unknown } }
export function withSubsetMemo<F extends { createSubset: () => unknown }>(font: F): F {
  const createSubset = font.createSubset.bind(font);
  const memo = new Map<string, Uint8Array>();
  font.createSubset = (() => {
    const subset = createSubset() as SubsetLike;
    const encodeStream = subset.encodeStream.bind(subset);
    subset.encodeStream = () => {
      const key = subset.glyphs.join(',');
      const known = memo.get(key);
      if (known) return replayStream(known);
      const stream = encodeStream();
      const parts: Uint8Array[] = [];
      stream.on('data', (b) => parts.push(b as Uint8Array));
      stream.on('end', () => {
        const bytes = new Uint8Array(Buffer.concat(parts));
        if (memo.size >= SUBSET_MEMO_MAX) memo.clear();
        memo.set(key, bytes);
        rememberDeflate(bytes);
      });
      return stream;
    };
    return subset;
  }) as F['createSubset'];
  return font;
}

/** The part of a stream pdf-lib reads (`on('data' | 'end' | 'error')`), emitting known bytes on the next tick. */
function replayStream(bytes: Uint8Array): { on(event: string, cb: Listener): unknown } {
  const listeners = new Map<string, Listener[]>();
  const stream = {
    on(event: string, cb: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), cb]);
      return stream;
    },
  };
  process.nextTick(() => {
    for (const cb of listeners.get('data') ?? []) cb(bytes);
    for (const cb of listeners.get('end') ?? []) cb();
  });
  return stream;
}

/** The sRGB profile, deflated once per process (the same bytes `ctx.flateStream` would produce for every document). */
let deflatedIccCache: Uint8Array | undefined;
function deflatedIcc(): Uint8Array {
  return (deflatedIccCache ??= new Uint8Array(deflateSync(srgbIccProfile())));
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** ISO 8601 UTC without milliseconds, the same instant as pdf-lib's `D:YYYYMMDDHHmmSSZ`. */
function xmpDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function xmpPacket(o: { title: string; date: Date }): Uint8Array {
  const date = xmpDate(o.date);
  const t = xmlEscape(o.title);
  const xml = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${t}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>${date}</xmp:CreateDate>
   <xmp:ModifyDate>${date}</xmp:ModifyDate>
   <xmp:MetadataDate>${date}</xmp:MetadataDate>
   <xmp:CreatorTool>${xmlEscape(CREATOR_TOOL)}</xmp:CreatorTool>
   <pdf:Producer>${xmlEscape(PRODUCER)}</pdf:Producer>
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  return new TextEncoder().encode(xml);
}

/** Deterministic 6-letter subset tag (PDF 9.6.4) derived from the text that selects the subset. */
function subsetTag(text: string): string {
  const h = createHash('sha256').update(text).digest();
  let tag = '';
  for (let i = 0; i < 6; i++) tag += String.fromCharCode(65 + (h[i]! % 26));
  return tag;
}

/** Code points DejaVu Sans can draw (the font never changes: computed once per process). */
let supportedCache: Set<number> | undefined;

/** Replaces characters the font cannot draw (PDF/A forbids .notdef references) and control characters. */
function sanitizer(font: PDFFont): (s: string) => string {
  const supported = (supportedCache ??= new Set(font.getCharacterSet()));
  return (s) => {
    let out = '';
    for (const ch of s.replace(/[\t]/g, ' ')) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
      out += supported.has(cp) ? ch : '?';
    }
    return out;
  };
}

/**
 * Width of a text for line breaking: the sum of the glyphs' advance widths, each looked up once per process.
 * `PDFFont.widthOfTextAtSize` shapes the whole string with fontkit on every call (GSUB/GPOS), which made line
 * breaking the most expensive part of a cover page; DejaVu Sans has no kerning or ligature among the characters of a
 * cover sheet that would move a break by more than a fraction of a point, and the lines stay well inside the margin.
 */
const advanceCache = new Map<number, number>();
function textWidth(text: string, size: number): number {
  const f = parsedFont!;
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let a = advanceCache.get(cp);
    if (a === undefined) { a = f.glyphForCodePoint(cp).advanceWidth; advanceCache.set(cp, a); }
    units += a;
  }
  return (units * size) / f.unitsPerEm;
}

function wrap(text: string, size: number, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, size) <= width || !line) {
      line = candidate;
    } else {
      out.push(line);
      line = word;
    }
    // A single word wider than the line: hard-break it.
    while (textWidth(line, size) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && textWidth(line.slice(0, cut), size) > width) cut--;
      out.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  out.push(line);
  return out;
}

/**
 * Splits the CDA for the XFA envelope: prolog (XML declaration, PIs, comments before the root),
 * root element, epilogue. The envelope keeps prolog and epilogue outside `xfa:datasets`, so
 * `extractCda(pdf, 'RESOURCE')` can give back the exact original bytes.
 */
export function xfaDatasets(cda: Uint8Array): Uint8Array {
  const root = findRootElement(cda);
  if (!root) throw new Error('RESOURCE mode: the CDA has no (terminated) root element');
  const enc = new TextEncoder();
  const open = enc.encode(`<xfa:datasets xmlns:xfa="${XFA_DATA_NS}"><xfa:data>`);
  const close = enc.encode('</xfa:data></xfa:datasets>');
  const out = new Uint8Array(cda.length + open.length + close.length);
  let p = 0;
  out.set(cda.subarray(0, root.start), p); p += root.start;
  out.set(open, p); p += open.length;
  out.set(cda.subarray(root.start, root.end), p); p += root.end - root.start;
  out.set(close, p); p += close.length;
  out.set(cda.subarray(root.end), p);
  return out;
}

/** Builds the unsigned PDF/A-3b. */
export async function buildPdf(o: BuildPdfOptions): Promise<Uint8Array> {
  const mode: InjectionMode = o.mode ?? 'ATTACHMENT';
  if (mode !== 'ATTACHMENT' && mode !== 'RESOURCE') throw new Error(`Unknown injection mode: ${String(mode)}`);
  const date = new Date(Math.floor((o.creationDate ?? new Date()).getTime() / 1000) * 1000);
  const title = o.title ?? 'Documento clinico (CDA R2)';
  const bodyLines = o.lines ?? [];
  const attachmentName = o.attachmentName ?? CDA_ATTACHMENT_NAME;
  const footer = mode === 'ATTACHMENT'
    ? `Il documento CDA R2 è allegato a questo PDF come file "${attachmentName}".`
    : 'Il documento CDA R2 è incorporato in questo PDF come risorsa XFA (datasets).';

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachingFontkit);
  const allText = [title, ...bodyLines, footer].join('\n');
  const font = await doc.embedFont(dejaVuSans(), { subset: true, customName: `${subsetTag(allText)}+DejaVuSans` });
  const clean = sanitizer(font);
  font.encodeText(SUBSET_PRESET); // same subset for every document (see SUBSET_PRESET); draws nothing

  // --- visible page (A4) ---
  const page = doc.addPage([595.28, 841.89]);
  const margin = 56;
  const width = page.getWidth() - 2 * margin;
  let y = page.getHeight() - margin;
  const black = rgb(0, 0, 0);
  const draw = (text: string, size: number, gap: number): void => {
    for (const l of wrap(clean(text), size, width)) {
      y -= size + gap;
      if (y < margin) return; // one page is enough for a cover sheet
      page.drawText(l, { x: margin, y, size, font, color: black });
    }
  };
  for (const t of title.split(/\r?\n/)) draw(t, 16, 4);
  y -= 10;
  for (const l of bodyLines) for (const t of l.split(/\r?\n/)) draw(t, 10.5, 4);
  y -= 16;
  draw(footer, 8.5, 3);

  // --- document information, consistent with the XMP ---
  doc.setTitle(clean(title), { showInWindowTitleBar: true });
  doc.setProducer(PRODUCER);
  doc.setCreator(CREATOR_TOOL);
  doc.setCreationDate(date);
  doc.setModificationDate(date);

  const ctx = doc.context;
  const catalog = doc.catalog;

  // --- XMP metadata (uncompressed) ---
  const xmp = ctx.stream(xmpPacket({ title: clean(title), date }), { Type: 'Metadata', Subtype: 'XML' });
  catalog.set(PDFName.of('Metadata'), ctx.register(xmp));

  // --- OutputIntent sRGB ---
  const icc = ctx.register(ctx.stream(deflatedIcc(), { N: 3, Filter: 'FlateDecode' }));
  const outputIntent = ctx.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: icc,
  });
  catalog.set(PDFName.of('OutputIntents'), ctx.obj([ctx.register(outputIntent)]));

  // --- the CDA ---
  if (mode === 'ATTACHMENT') {
    await doc.attach(o.cda, attachmentName, {
      mimeType: 'text/xml',
      description: 'Documento CDA R2 (HL7 Clinical Document Architecture)',
      creationDate: date,
      modificationDate: date,
      afRelationship: AFRelationship.Source, // 'Source' (not the buggy FormData member)
    });
    await doc.flush(); // embeds the attachment now, so the name-tree key can be normalised below
    const names = catalog.lookup(PDFName.of('Names'), PDFDict);
    const ef = names.lookup(PDFName.of('EmbeddedFiles'), PDFDict);
    const arr = ef.lookup(PDFName.of('Names'), PDFArray);
    // pdf-lib writes the key as UTF-16BE hex; the gateway (and most tools) compare the plain string.
    if (arr.size() !== 2) throw new Error(`expected exactly one embedded file, found ${arr.size() / 2}`);
    arr.set(0, PDFString.of(attachmentName));
  } else {
    const datasets = ctx.register(ctx.flateStream(xfaDatasets(o.cda), {}));
    const xfaResources = ctx.register(ctx.obj({ Names: [PDFString.of('datasets'), datasets] }));
    let names = catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
    if (!names) {
      names = ctx.obj({});
      catalog.set(PDFName.of('Names'), names);
    }
    names.set(PDFName.of('XFAResources'), xfaResources);
  }

  // --- trailer /ID (two equal 16-byte identifiers, derived from the content for reproducibility) ---
  const id = createHash('sha256').update(o.cda).update(`${mode}\n${title}\n${date.toISOString()}\n${bodyLines.join('\n')}`)
    .digest('hex').slice(0, 32).toUpperCase();
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of(id), PDFHexString.of(id)]);

  if (o.sign) return signLoadedDocument(doc, o.sign.key, o.sign.options);
  return doc.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });
}
