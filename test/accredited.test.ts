import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, loadAccreditedList, checkApplication } from '../support/accredited.ts';
import { UserError } from '../support/errors.ts';
import { ACCREDITED_CSV, missingData } from './shared-data.ts';

const CSV = ACCREDITED_CSV;
const MISSING = missingData('accredited');
if (MISSING) process.stderr.write(`\n*** accredited.test.ts: the tests against the real list are ${MISSING} ***\n\n`);
const real = { skip: MISSING ?? false };

test('RFC 4180 parser: quotes, escaped quotes, CRLF, embedded newlines, empty fields', () => {
  const rows = parseCsv('a,b,c\r\n"x,y","he said ""hi""",\r\n"multi\r\nline",,z\r\n');
  assert.deepEqual(rows, [['a', 'b', 'c'], ['x,y', 'he said "hi"', ''], ['multi\r\nline', '', 'z']]);
  assert.deepEqual(parseCsv('a,b\nc,d'), [['a', 'b'], ['c', 'd']], 'LF and no final newline');
  assert.throws(() => parseCsv('"open'), /unterminated/);
});

test('synthetic list: aliases, equivalent versions, union of doc types, case-only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-accredited-test-'));
  try {
    const csv = [
      'Fornitore,Nomi fornitori equivalenti,Applicativo,Versione,Versioni Equivalenti,Tipo Documento,Servizio,Data validazione,Versione Gateway',
      'ACME SPA,ACME_SPA,Cartella,V.1.0,"V.1.1, V.1.2",LDO,VALIDATION,2024-01-01,1.0',
      'ACME SPA,ACME_SPA,Cartella,V.1.0,"V.1.1, V.1.2","LDO,RSA",VALIDATION,2024-06-01,1.0',
      'Beta srl,,App,2,,LAB,VALIDATION,2024-01-01,1.0',
    ].join('\r\n') + '\r\n';
    writeFileSync(join(dir, 'results.csv'), csv);
    writeFileSync(join(dir, 'equiv_names.json'), JSON.stringify({ names: [{ appVendor: 'Beta srl', ts: 'x', equiv_names: ['GAMMA SRL'] }] }));
    const list = loadAccreditedList(join(dir, 'results.csv'));
    const ok = checkApplication(list, { id: 'Cartella', vendor: 'ACME_SPA', version: 'V.1.2' }, 'RSA');
    assert.equal(ok.status, 'exact');
    assert.deepEqual(ok.docTypes, ['LDO', 'RSA']);
    assert.equal(ok.row?.['Data validazione'], '2024-06-01', 'latest row');
    assert.equal(checkApplication(list, { id: 'App', vendor: 'GAMMA SRL', version: '2' }).status, 'exact', 'equiv_names alias');
    const notType = checkApplication(list, { id: 'App', vendor: 'Beta srl', version: '2' }, 'RAD');
    assert.equal(notType.status, 'not-listed');
    assert.equal(notType.docTypeCovered, false);
    assert.match(notType.message, /not for document type RAD \(listed for: LAB\)/);
    const ci = checkApplication(list, { id: 'cartella', vendor: 'acme spa', version: 'v.1.0' });
    assert.equal(ci.status, 'case-only');
    assert.match(ci.message, /subject_application_id must be exactly "Cartella"/);
    assert.match(ci.message, /subject_application_vendor must be exactly "ACME SPA"/);
    assert.match(ci.message, /subject_application_version must be exactly "V.1.0"/);
    const v = checkApplication(list, { id: 'Cartella', vendor: 'ACME SPA', version: '1.0' });
    assert.equal(v.status, 'not-listed');
    assert.match(v.message, /listed, with version\(s\) "V.1.0", "V.1.1", "V.1.2"/);
    writeFileSync(join(dir, 'other.csv'), 'a,b\r\n1,2\r\n');
    assert.throws(() => loadAccreditedList(join(dir, 'other.csv')), (e: unknown) => e instanceof UserError && /column "Fornitore" is missing/.test(e.message));
    assert.throws(() => loadAccreditedList(join(dir, 'none.csv')), (e: unknown) => e instanceof UserError && /not found/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('real list: exact match for the example profile triple (EFRA SRL / KOS / 2.6.0)', real, () => {
  const list = loadAccreditedList(CSV);
  assert.ok(list.rows.length > 100);
  const profile = JSON.parse(readFileSync(new URL('../testdata/profile.example.json', import.meta.url), 'utf8')) as { application: { id: string; vendor: string; version: string } };
  const r = checkApplication(list, profile.application, 'LAB');
  assert.equal(r.status, 'exact', r.message);
  assert.deepEqual(r.docTypes, ['LAB', 'LDO', 'RAD', 'RAP', 'RSA', 'VPS']);
  assert.equal(r.row?.['Fornitore'], 'EFRA SRL');
  const pss = checkApplication(list, profile.application, 'PSS');
  assert.equal(pss.status, 'not-listed');
  assert.equal(pss.docTypeCovered, false);
});

test('real list: union of doc types over rows of the same triple (4WardPro history LDO then LDO,RSA)', real, () => {
  const list = loadAccreditedList(CSV);
  const r = checkApplication(list, { id: '8055060650018', vendor: '4WardPro', version: '1.2023.2.15' });
  assert.equal(r.status, 'exact');
  assert.deepEqual(r.docTypes, ['LDO', 'RSA']);
});

test('real list: case-only match is reported naming the listed spelling', real, () => {
  const list = loadAccreditedList(CSV);
  const r = checkApplication(list, { id: 'KOS', vendor: 'Efra Srl', version: '2.6.0' });
  assert.equal(r.status, 'case-only');
  assert.match(r.message, /subject_application_vendor must be exactly "EFRA SRL" \(not "Efra Srl"\)/);
  // 4wardPro is listed too, but only with other application ids: the lower-case spelling is case-only here.
  const w = checkApplication(list, { id: '8055060650018', vendor: '4wardPro', version: '1.2023.2.15' });
  assert.equal(w.status, 'case-only');
  assert.match(w.message, /"4WardPro"/);
});

test('real list: vendor alias from equiv_names.json (GPI SPA ↔ GPI_SPA)', real, () => {
  const list = loadAccreditedList(CSV);
  const row = list.rows.find((x) => x.vendor === 'GPI_SPA');
  assert.ok(row, 'GPI_SPA row present in the snapshot');
  assert.equal(checkApplication(list, { id: row.applicationId, vendor: 'GPI SPA', version: row.version }).status, 'exact');
});

test('real list: not listed', real, () => {
  const list = loadAccreditedList(CSV);
  const r = checkApplication(list, { id: 'KOS', vendor: 'EFRA SRL', version: '9.9.9' });
  assert.equal(r.status, 'not-listed');
  assert.match(r.message, /not in the accredited-software list/);
  assert.match(r.message, /version\(s\) "2\.6\.0"/);
  assert.equal(checkApplication(list, { id: 'NO-SUCH-APP-XYZ', vendor: 'Nobody', version: '1' }).status, 'not-listed');
});
