/**
 * The table and its tests stay in step: every row defined in docs/gateway-conditions.md has a test in this folder whose
 * name starts with its id, the table's "Test" column names exactly the files holding those tests, and no test names a
 * row the table does not have. Read from the sources (test names and `id:` fields of the table-driven files).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../support/paths.ts';

const ID = /[A-Z]{1,3}-\d{2}[a-z]?(?:…[A-Z]{1,3}-\d{2}[a-z]?)?/g;
const ONE_ID = /^[A-Z]{1,3}-\d{2}[a-z]?(?:…[A-Z]{1,3}-\d{2}[a-z]?)?$/;
const DIR = join(PROJECT_ROOT, 'test', 'simulator', 'conditions');

/** Row id → the Test cell's files, for the rows the table defines. */
function tableRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  let header: string[] | undefined;
  for (const line of readFileSync(join(PROJECT_ROOT, 'docs', 'gateway-conditions.md'), 'utf8').split('\n')) {
    if (!line.startsWith('|')) { header = undefined; continue; }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (!header) { header = cells; continue; }
    if (/^-+$/.test(cells[0] ?? '') || header[header.length - 1] !== 'Test') continue;
    const idCol = header[0] === '#' ? 0 : 1;
    const id = (cells[idCol] ?? '').replace(/\*/g, '');
    if (!ONE_ID.test(id) || (idCol === 1 && !/^(MD|DL)-/.test(id))) continue;
    rows.set(id, [...(cells[cells.length - 1] ?? '').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!).sort());
  }
  return rows;
}

/** Row id → the files of this folder whose test names (or table-driven `id:` fields) start with it. */
function testedRows(): Map<string, Set<string>> {
  const where = new Map<string, Set<string>>();
  for (const f of readdirSync(DIR).filter((n) => n.endsWith('.test.ts') && n !== 'coverage.test.ts')) {
    const src = readFileSync(join(DIR, f), 'utf8');
    const heads = [...src.matchAll(/simTest\(\s*([`'"])([\s\S]*?)\1/g)].map((m) => m[2]!.split(':')[0]!);
    heads.push(...[...src.matchAll(/id:\s*'([^']+)'/g)].map((m) => m[1]!));
    for (const h of heads) for (const id of h.match(ID) ?? []) {
      if (!where.has(id)) where.set(id, new Set());
      where.get(id)!.add(f.replace(/\.test\.ts$/, ''));
    }
  }
  return where;
}

test('coverage: every row of docs/gateway-conditions.md has a test named with its id, in the file the table names', () => {
  const rows = tableRows();
  const tested = testedRows();
  assert.ok(rows.size >= 110, `rows read from the table: ${rows.size}`);
  const missing = [...rows.keys()].filter((id) => !tested.has(id));
  assert.deepEqual(missing, [], 'rows without a test');
  for (const [id, files] of rows) {
    assert.deepEqual(files, [...tested.get(id)!].sort(), `${id}: the table's Test column`);
  }
});

test('coverage: every row id a test names exists in the table (a range: both ends exist)', () => {
  const rows = tableRows();
  const ids = new Set(rows.keys());
  const unknown: string[] = [];
  for (const id of testedRows().keys()) {
    if (ids.has(id)) continue;
    const ends = id.split('…');
    if (ends.length === 2 && ends.every((e) => ids.has(e))) continue;
    unknown.push(id);
  }
  assert.deepEqual(unknown, []);
});
