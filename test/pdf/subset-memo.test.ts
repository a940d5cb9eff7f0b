/** One font subset for every cover sheet: the preset glyphs first, the subset program computed once and reused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { buildPdf, SUBSET_PRESET, withSubsetMemo } from '../../support/pdf/build.ts';

const cda = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>');
const dejaVu = new Uint8Array(readFileSync(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')));
type Font = { numGlyphs: number; glyphForCodePoint(cp: number): { id: number } };
const parse = (ttf: Uint8Array) => fontkit.create(ttf as Buffer) as unknown as Font;

/** The FontFile2 stream of the (single) embedded font: raw (deflated) bytes and the TrueType program. */
async function fontProgram(pdf: Uint8Array): Promise<{ raw: Uint8Array; ttf: Uint8Array }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const found: PDFRawStream[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (obj instanceof PDFDict && obj.get(PDFName.of('Type'))?.toString() === '/FontDescriptor') {
      const stream = obj.lookup(PDFName.of('FontFile2'));
      assert.ok(stream instanceof PDFRawStream, 'FontFile2 is a stream');
      found.push(stream);
    }
  }
  assert.equal(found.length, 1, 'one embedded font');
  const raw = found[0]!.getContents();
  return { raw, ttf: new Uint8Array(inflateSync(raw)) };
}

const page = (title: string, id: string) => buildPdf({ cda, title, lines: [title, `Paziente: ${id}`, `Documento: 2.16.840.1.113883.2.9.2.90.4.4^${id} v1`] });

test('two documents with different text carry the same font program, holding every preset glyph', async () => {
  const a = await fontProgram(await page('Referto di laboratorio — RMSLSO31M04Z404R', 'qzx9'));
  const b = await fontProgram(await page('Lettera di dimissione — MNTMRA03M71C615V', 'W7k2'));
  assert.deepEqual(b.raw, a.raw, 'the same deflated program');
  const full = parse(dejaVu);
  const presetGlyphs = new Set([...SUBSET_PRESET].map((c) => full.glyphForCodePoint(c.codePointAt(0)!).id));
  assert.ok(!presetGlyphs.has(0), 'DejaVu Sans draws every preset character');
  // .notdef, the preset glyphs, then what the page's shaping adds (ligatures such as "fi" in the footer)
  assert.ok(parse(a.ttf).numGlyphs >= presetGlyphs.size + 1, `${parse(a.ttf).numGlyphs} glyphs`);
});

test('characters outside the preset are added to the subset after the preset glyphs', async () => {
  const plain = await fontProgram(await page('Referto', 'a1'));
  const greek = await fontProgram(await page('Referto Ωμέγα', 'a1'));
  assert.ok(parse(greek.ttf).numGlyphs > parse(plain.ttf).numGlyphs, 'the Greek letters are in the subset');
  assert.notDeepEqual(greek.raw, plain.raw);
});

type Sub = { includeGlyph(g: number): number; encodeStream(): Emitter };
type Emitter = { on(e: string, cb: (x?: unknown) => void): Emitter };
const read = (s: Sub) => new Promise<Uint8Array>((resolve, reject) => {
  const parts: Uint8Array[] = [];
  s.encodeStream().on('data', (b) => parts.push(b as Uint8Array)).on('end', () => resolve(new Uint8Array(Buffer.concat(parts)))).on('error', reject);
});

test('withSubsetMemo: a glyph list is encoded once, another one afresh, with the bytes of a fresh encode', async () => {
  const fresh = fontkit.create(dejaVu) as unknown as { createSubset(): Sub };
  const counted = fontkit.create(dejaVu) as unknown as { createSubset(): Sub };
  let encodes = 0;
  const create = counted.createSubset.bind(counted);
  counted.createSubset = () => {
    const s = create();
    const enc = s.encodeStream.bind(s);
    s.encodeStream = () => { encodes++; return enc(); };
    return s;
  };
  const memo = withSubsetMemo(counted);
  const make = (f: { createSubset(): Sub }, glyphs: number[]) => { const s = f.createSubset(); for (const g of glyphs) s.includeGlyph(g); return s; };
  const g1 = [36, 37, 38, 68, 69];
  const g2 = [68, 69, 36, 37, 38];
  const a1 = await read(make(memo, g1));
  const a2 = await read(make(memo, g1));
  assert.equal(encodes, 1, 'the second subset with the same glyphs comes from the memo');
  const b1 = await read(make(memo, g2));
  assert.equal(encodes, 2, 'another inclusion order is another subset');
  assert.deepEqual(a1, await read(make(fresh, g1)));
  assert.deepEqual(a2, a1);
  assert.deepEqual(b1, await read(make(fresh, g2)));
  assert.notDeepEqual(b1, a1);
});
