/** The durable journal of published documents (evidence/published.jsonl): replay, fates, several writers, torn lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishedSet, deletable, publicationFate, readJournal } from '../../support/harness/published.ts';
import type { DocumentState } from '../../support/harness/document.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';

const doc = (id: string): DocumentState => ({
  docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', identificativoDoc: id, code: { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' },
  cda: new Uint8Array([1, 2, 3]), pdf: new Uint8Array([4, 5, 6]), pdfSha256: 'x', source: 'template', mode: 'ATTACHMENT', variants: [],
  ctx: {} as DocumentState['ctx'],
});

function withSet(fn: (p: PublishedSet, file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'fse-published-'));
  const file = join(dir, 'published.jsonl');
  const p = new PublishedSet(file);
  try { fn(p, file); } finally { p.close(); rmSync(dir, { recursive: true, force: true }); }
}
const ids = (p: PublishedSet) => p.current().map((d) => `${d.doc.id}:${d.state}`);

test('definite answers: create adds, replace swaps, delete removes, update and refusals change nothing', () => withSet((p) => {
  p.sending('validate-and-create', doc('A'));
  p.track('validate-and-create', 400, doc('A'));
  assert.deepEqual(ids(p), [], 'a refused creation is not published');
  p.sending('validate-and-create', doc('A'));
  p.track('validate-and-create', 202, doc('A'));
  p.track('update-metadata', 200, doc('A'));
  assert.deepEqual(ids(p), ['A:published']);
  p.sending('replace', doc('B'));
  p.track('replace', 202, doc('B'), 'A');
  assert.deepEqual(ids(p), ['B:published'], 'the replaced version is retired');
  p.track('delete', 403, doc('B'), 'B');
  assert.ok(p.has('B'), 'a refused delete leaves the document published');
  p.track('delete', 404, doc('B'), 'B');
  assert.ok(p.has('B'), 'a 404 does not make a document the gateway accepted disappear');
  p.track('delete', 200, doc('B'), 'B');
  assert.equal(p.size, 0);
}));

test('a create/replace without a definite answer is maybe published; a 404 then resolves it, a 2xx deletes it', () => withSet((p) => {
  for (const [id, st] of [['T', ''], ['R', ''], ['F', 503], ['G', 502]] as const) {
    p.sending('validate-and-create', doc(id));
    p.track('validate-and-create', st, doc(id), undefined, { detail: `${st || 'nessuna risposta'}` });
  }
  assert.deepEqual(ids(p), ['T:maybe-published', 'R:maybe-published', 'F:maybe-published', 'G:maybe-published']);
  p.track('delete', 404, doc('T'), 'T');
  p.track('delete', 200, doc('R'), 'R');
  p.track('delete', '', doc('F'), 'F');
  assert.deepEqual(ids(p), ['F:maybe-published', 'G:maybe-published']);
  assert.equal(p.current()[1]!.detail, '502');
  // a second create of an already published id refused as a duplicate does not retire the published one
  p.sending('validate-and-create', doc('G'));
  p.track('validate-and-create', 202, doc('G'));
  p.sending('validate-and-create', doc('G'));
  p.track('validate-and-create', 409, doc('G'));
  assert.deepEqual(ids(p), ['F:maybe-published', 'G:published']);
  // a delete of a published document that got no answer leaves its fate unknown: a later 404 resolves it
  p.track('delete', '', doc('G'), 'G');
  assert.deepEqual(ids(p), ['F:maybe-published', 'G:maybe-published']);
  p.track('delete', 404, doc('G'), 'G');
  p.track('delete', 404, doc('F'), 'F');
  assert.equal(p.size, 0);
}));

test('a "sending" never answered (process killed mid-request) replays as maybe published; a torn last line is skipped', () => withSet((p, file) => {
  p.sending('validate-and-create', doc('K'));
  appendFileSync(file, '{"at":"2026-12-05T00:00:00Z","event":"published","doc":{"id":"X"'); // a killed writer's half line
  assert.deepEqual(ids(p), ['K:maybe-published']);
  assert.match(p.current()[0]!.detail, /processo interrotto/);
  assert.equal(readJournal(file).length, 1);
}));

test('only what the delete needs is kept: no document bytes in the journal', () => withSet((p, file) => {
  const d = doc('A');
  d.pdf = Buffer.from('%PDF-SECRET-BYTES');
  p.sending('validate-and-create', d);
  p.track('validate-and-create', 202, d);
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('SECRET') && !text.includes('pdf'), text);
  const kept = p.current()[0]!.doc;
  assert.deepEqual(kept, { id: 'A', docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', code: { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' }, mode: 'ATTACHMENT' });
  const del = deletable(kept);
  assert.equal(del.identificativoDoc, 'A');
  assert.equal(del.pdf.length, 0);
}));

test('publicationFate: 2xx published, 4xx refused, 5xx and no answer maybe published', () => {
  assert.equal(publicationFate(201), 'published');
  assert.equal(publicationFate(422), 'not-published');
  assert.equal(publicationFate(429), 'not-published');
  assert.equal(publicationFate(500), 'maybe-published');
  assert.equal(publicationFate(''), 'maybe-published');
});

test('several processes append to the same journal: every line is whole and every document is there', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-published-mp-'));
  const file = join(dir, 'published.jsonl');
  try {
    const script = `
      import { PublishedSet } from ${JSON.stringify(join(PROJECT_ROOT, 'support/harness/published.ts'))};
      const p = new PublishedSet(process.argv[1]);
      const w = process.argv[2];
      for (let i = 0; i < 150; i++) {
        const d = { docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', identificativoDoc: w + '-' + i, code: { code: 'c', codeSystem: 's' }, mode: 'ATTACHMENT' };
        p.sending('validate-and-create', d);
        p.track('validate-and-create', i % 3 ? 202 : '', d);
      }
      p.close();`;
    const kids = ['w1', 'w2', 'w3'].map((w) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file, w], { cwd: PROJECT_ROOT, encoding: 'utf8' }));
    for (const k of kids) assert.equal(k.status, 0, k.stderr);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 3 * 150 * 2);
    for (const l of lines) JSON.parse(l);
    const p = new PublishedSet(file);
    assert.equal(p.size, 450);
    assert.equal(p.current().filter((d) => d.state === 'maybe-published').length, 150);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
