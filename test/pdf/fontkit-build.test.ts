import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import esFontkit from '@pdf-lib/fontkit/dist/fontkit.es.js';

const require = createRequire(import.meta.url);

/** Layout and subset bytes of one text with one fontkit build. */
async function render(fk: typeof esFontkit, font: Uint8Array, text: string): Promise<{ advances: number[]; positions: string; subset: Buffer }> {
  const f = fk.create(Buffer.from(font));
  const run = f.layout(text);
  const s = f.createSubset();
  for (const g of run.glyphs) s.includeGlyph(g);
  const chunks: Uint8Array[] = [];
  const stream = s.encodeStream();
  stream.on('data', (c: Uint8Array) => chunks.push(c));
  await new Promise((r) => stream.on('end', r));
  return { advances: run.glyphs.map((g) => g.advanceWidth), positions: JSON.stringify(run.positions), subset: Buffer.concat(chunks) };
}

test("fontkit's ES module build (the one the PDF builder loads) lays out and subsets exactly as the package's main build", async () => {
  const umd = require('@pdf-lib/fontkit') as typeof esFontkit;
  assert.notEqual(umd, esFontkit, 'two different builds are compared');
  const font = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  const text = 'Referto di laboratorio — città, perché; ÀÈÌÒÙ àèìòù «0123456789» € ffi';
  const [a, b] = [await render(umd, font, text), await render(esFontkit, font, text)];
  assert.ok(a.subset.length > 1000);
  assert.deepEqual(b, a);
});
