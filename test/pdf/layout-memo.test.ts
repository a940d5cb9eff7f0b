/** The per-process memo of fontkit shaping used by the PDF builder: same glyphs as shaping afresh, each line once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { withLayoutMemo } from '../../support/pdf/build.ts';

const bytes = new Uint8Array(readFileSync(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')));
const ids = (run: { glyphs: { id: number }[] }) => run.glyphs.map((g) => g.id);

test('memoised shaping gives the glyphs fresh shaping gives (ligatures, accents, digits), and shapes a line once', () => {
  const fresh = fontkit.create(bytes);
  const memo = withLayoutMemo(fontkit.create(bytes));
  const lines = ['Referto di laboratorio', 'Ufficio affari: fine ﬁ — ffl', 'Città: Forlì, perché sì', 'CF RMSLSO31M04Z404R 2026-12-05', ''];
  for (const l of lines) {
    const a = ids(memo.layout(l) as { glyphs: { id: number }[] });
    assert.deepEqual(a, ids(fresh.layout(l)), `glyphs of ${JSON.stringify(l)}`);
  }
  const first = memo.layout(lines[0]!);
  assert.equal(memo.layout(lines[0]!), first, 'a repeated line comes from the memo (same run object)');
  assert.notEqual(memo.layout('Referto di laboratorio!'), first);
});
