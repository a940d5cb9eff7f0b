import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PublishedSet } from '../../support/harness/published.ts';
import type { DocumentState } from '../../support/harness/document.ts';

const doc = (id: string): DocumentState => ({
  docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', identificativoDoc: id, code: { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' },
  cda: new Uint8Array([1, 2, 3]), pdf: new Uint8Array([4, 5, 6]), pdfSha256: 'x', source: 'template', mode: 'ATTACHMENT', variants: [],
  ctx: {} as DocumentState['ctx'],
});

test('track follows successful calls only: create adds, replace swaps, delete removes, update and failures change nothing', () => {
  const p = new PublishedSet();
  p.track('validate-and-create', 400, doc('A'));
  p.track('validate-and-create', '', doc('A'));
  assert.equal(p.size, 0, 'refused or unanswered creations are not published');
  p.track('validate-and-create', 202, doc('A'));
  p.track('update-metadata', 200, doc('A'));
  assert.deepEqual(p.entries().map(([id]) => id), ['A']);
  p.track('replace', 202, doc('B'), 'A');
  assert.deepEqual(p.entries().map(([id]) => id), ['B'], 'the replaced version is retired');
  p.track('delete', 404, doc('B'), 'B');
  assert.ok(p.has('B'), 'a failed delete leaves the document published');
  p.track('delete', 200, doc('B'), 'B');
  assert.equal(p.size, 0);
});

test('what is kept is what the final delete needs, not the bytes (already in the evidence)', () => {
  const p = new PublishedSet();
  p.track('validate-and-create', 202, doc('A'));
  const [[, kept]] = p.entries() as [[string, DocumentState]];
  assert.equal(kept.pdf.length, 0);
  assert.equal(kept.cda.length, 0);
  assert.deepEqual(kept.code, { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' });
  assert.equal(kept.patientCf, 'RMSLSO31M04Z404R');
});
