import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accreditationCalls, notStageWarning } from '../../support/evidence/accreditation-calls.ts';
import { renderSummary } from '../../support/evidence/summary.ts';
import { renderMail, textTable } from '../../support/evidence/mail.ts';
import type { RunMeta } from '../../support/evidence/summary.ts';
import { romeDateTime } from '../../support/rome-time.ts';
import type { LedgerRow } from '../../support/types.ts';
import { sampleRow } from './fixtures/rows.ts';

function row(over: Partial<LedgerRow>): LedgerRow {
  return {
    ...sampleRow(1), method: 'validate-and-create', documentType: 'LAB', httpStatus: 202, expected: 202, outcome: 'PASS',
    errorType: '', errorDetail: '', scenario: 'ciclo di vita LAB per il paziente RMSLSO31M04Z404R', ...over,
  };
}

const meta: RunMeta = {
  installation: 'impianto-prato-02',
  provider: { name: 'Poliambulatorio Verdi S.p.A.', partitaIva: '09876543210' },
  codRep: '202',
  azienda: 'Azienda USL Toscana Nord Ovest',
  target: 'stage',
  baseUrl: 'https://fse20gwstage.regione.toscana.it/gateway/v2/',
  application: { id: 'CLINIKA', vendor: 'ACME_SOFTWARE', version: '7.1.0' },
  startedAt: '2026-07-01T08:00:00.000Z',
  finishedAt: '2026-07-01T08:05:00.000Z',
  authCn: 'A1#09009876543210REFACME048017',
  signCn: 'S1#09009876543210REFACME048017',
  documentTypes: ['LAB', 'RAD'],
};

describe('romeDateTime', () => {
  it('writes Europe/Rome local time with its offset, winter and summer', () => {
    assert.equal(romeDateTime('2026-12-05T05:03:18.123Z'), '05/12/2026 06:03:18 (UTC+01:00)');
    assert.equal(romeDateTime(new Date('2026-07-01T22:30:00Z')), '02/07/2026 00:30:00 (UTC+02:00)');
    assert.equal(romeDateTime('not a date'), 'not a date');
  });
});

describe('accreditationCalls: the positive call per method × document type', () => {
  const negative = row({ scenario: 'LAB: token senza purpose_of_use', httpStatus: 403, expected: 403, xCartId: 'cart-negative', timestamp: '2026-07-01T08:00:01.000Z' });
  const infra = row({ scenario: 'pubblicazione di un documento LAB', httpStatus: 503, expected: 201, outcome: 'ERROR', errorType: 'infrastruttura', xCartId: 'cart-503', timestamp: '2026-07-01T08:00:02.000Z' });
  const noAnswer = row({ httpStatus: '', xCartId: '', outcome: 'ERROR', timestamp: '2026-07-01T08:00:03.000Z' });
  const failed2xx = row({ httpStatus: 201, expected: 400, outcome: 'FAIL', xCartId: 'cart-fail', timestamp: '2026-07-01T08:00:04.000Z' });
  const otherPositive = row({ scenario: 'pubblicazione di un documento LAB', httpStatus: 201, expected: 201, xCartId: 'cart-other', timestamp: '2026-07-01T08:00:05.000Z' });
  const lifecycleLater = row({ xCartId: 'cart-life-2', patientCf: 'MNTMRA03M71C615V', scenario: 'ciclo di vita LAB per il paziente MNTMRA03M71C615V', timestamp: '2026-07-01T08:00:09.000Z' });
  const lifecycle = row({ xCartId: 'cart-life-1', timestamp: '2026-07-01T08:00:08.000Z' });
  const cleanupDelete = row({ method: 'delete', scenario: 'Pulizia finale: eliminazione dei documenti pubblicati dalla run', httpStatus: 200, expected: 200, xCartId: 'cart-cleanup', timestamp: '2026-07-01T08:00:00.000Z' });
  const probe = row({ method: 'delete', scenario: 'Sonda di connessione (probe): eliminazione di un documento inesistente', httpStatus: 404, expected: 404, xCartId: 'cart-probe' });
  const otherDelete = row({ method: 'delete', scenario: 'eliminazione di un documento LAB', httpStatus: 200, expected: 200, xCartId: 'cart-del', timestamp: '2026-07-01T08:00:30.000Z' });
  const rows = [negative, infra, noAnswer, failed2xx, otherPositive, lifecycleLater, lifecycle, cleanupDelete, probe, otherDelete];
  const calls = accreditationCalls(rows, ['LAB', 'RAD']);
  const pick = (m: string, t: string) => calls.find((c) => c.method === m && c.documentType === t)?.row?.xCartId;

  it('one entry per method (lifecycle order) × profile type, even without calls', () => {
    assert.deepEqual(calls.map((c) => `${c.method}/${c.documentType}`), [
      'validate-and-create/LAB', 'validate-and-create/RAD', 'update-metadata/LAB', 'update-metadata/RAD',
      'replace/LAB', 'replace/RAD', 'delete/LAB', 'delete/RAD',
    ]);
    assert.equal(pick('validate-and-create', 'RAD'), undefined);
    assert.equal(pick('replace', 'LAB'), undefined);
  });
  it('picks the earliest accepted lifecycle call, never a rejected, failed, unanswered or infrastructure one', () => {
    assert.equal(pick('validate-and-create', 'LAB'), 'cart-life-1');
    const without = accreditationCalls(rows.filter((r) => !r.scenario.startsWith('ciclo')), ['LAB']);
    assert.equal(without[0]!.row?.xCartId, 'cart-other', 'without the lifecycle: another accepted call');
    const onlyBad = accreditationCalls([negative, infra, noAnswer, failed2xx], ['LAB']);
    assert.equal(onlyBad[0]!.row, undefined);
  });
  it("prefers a scenario's delete to the final clean-up's, never the probe's 404", () => {
    assert.equal(pick('delete', 'LAB'), 'cart-del');
    assert.equal(accreditationCalls([cleanupDelete, probe], ['LAB']).find((c) => c.method === 'delete')?.row?.xCartId, 'cart-cleanup');
    assert.equal(accreditationCalls([probe], ['LAB']).find((c) => c.method === 'delete')?.row, undefined);
  });
  it('adds types found in the ledger but not in the profile', () => {
    assert.deepEqual([...new Set(accreditationCalls([row({ documentType: 'VPS' }), row({ documentType: 'RAD' })]).map((c) => c.documentType))], ['RAD', 'VPS']);
  });
  it('summary.md: the compact table comes first, with Rome time, fiscal code and outcome', () => {
    const md = renderSummary(meta, rows);
    const table = md.slice(md.indexOf('## X-Cart-id delle chiamate di accreditamento'), md.indexOf("## Dati dell'impianto"));
    assert.ok(table.length > 0 && md.indexOf("## Dati dell'impianto") < md.indexOf('## Appendice'));
    assert.match(table, /\| Validazione e pubblicazione \| LAB \| `cart-life-1` \| 01\/07\/2026 10:00:08 \(UTC\+02:00\) \| `RMSLSO31M04Z404R` \| HTTP 202 — presa in carico \|/);
    assert.match(table, /\| Validazione e pubblicazione \| RAD \| — \| — \| — \| \*\*NESSUNA CHIAMATA ACCETTATA\*\* \|/);
    assert.match(table, /\| Eliminazione \| LAB \| `cart-del` \|[^\n]*HTTP 200 — accettata \|/);
    for (const absent of ['cart-negative', 'cart-503', 'cart-fail', 'cart-probe', 'cart-cleanup']) assert.ok(!table.includes(absent), `${absent} not in the compact table`);
    assert.match(table, /6 combinazioni metodo × tipo senza una chiamata accettata/);
    const data = md.slice(md.indexOf("## Dati dell'impianto"), md.indexOf('## Appendice'));
    for (const s of ['Poliambulatorio Verdi S.p.A.', '09876543210', '202 (convenzionato)', 'Azienda USL Toscana Nord Ovest', 'CLINIKA',
      'ACME\\_SOFTWARE', '7.1.0', 'A1#09009876543210REFACME048017', 'S1#09009876543210REFACME048017', 'https://fse20gwstage.regione.toscana.it/gateway/v2/']) {
      assert.ok(data.includes(s), `installation data: missing ${s}`);
    }
    for (const x of ['cart-negative', 'cart-503', 'cart-probe']) assert.ok(md.slice(md.indexOf('## Appendice')).includes(x), `${x} in the appendix`);
  });
});

describe('mail-rt.txt', () => {
  const rows = [row({ xCartId: 'b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0', timestamp: '2026-07-01T08:01:00.000Z' })];
  it('stage: subject first, names installation, provider, Azienda, vendor and application, plain-text table', () => {
    const mail = renderMail(meta, rows);
    const lines = mail.split('\n');
    assert.equal(lines[0], 'Oggetto: FSE 2.0 Regione Toscana - accreditamento impianto impianto-prato-02 - Poliambulatorio Verdi S.p.A. (P.IVA 09876543210) - X-Cart-id delle chiamate in stage');
    for (const s of ['impianto-prato-02', 'Poliambulatorio Verdi S.p.A.', "convenzionato con l'Azienda Azienda USL Toscana Nord Ovest (CODREP 202)",
      'Applicativo: CLINIKA, versione 7.1.0, produttore (vendor) ACME_SOFTWARE', 'CN A1#09009876543210REFACME048017']) {
      assert.ok(mail.includes(s), `missing ${s}`);
    }
    assert.ok(!/[|`*]/.test(mail), 'plain text: no Markdown');
    const header = lines.findIndex((l) => l.startsWith('Metodo'));
    assert.match(lines[header + 1]!, /^-+ {2}-+/);
    assert.match(lines[header + 2]!, /^Validazione e pubblicazione {2}LAB {3}b7cad8e2-72c4-41ce-ac9a-24ff2b3f72a0 {2}01\/07\/2026 10:01:00 \(UTC\+02:00\) {2}RMSLSO31M04Z404R {2}HTTP 202 — presa in carico$/);
    assert.match(mail, /\nSostituzione +RAD +- +- +- +NESSUNA CHIAMATA ACCETTATA\n/);
    assert.match(mail, /tutti i documenti pubblicati sono stati eliminati/);
  });
  it('not stage: the warning is the first line; not convenzionato: CODREP 999, no Azienda', () => {
    const mail = renderMail({ ...meta, target: 'simulator', codRep: '999', azienda: undefined, leftBehind: ['doc-1 (LAB, RMSLSO31M04Z404R)'] }, rows);
    assert.equal(mail.split('\n')[0], notStageWarning('simulator'));
    assert.match(mail.split('\n')[0]!, /^ATTENZIONE: esecuzione contro il simulatore locale, non valida per l'accreditamento$/);
    assert.match(mail, /accreditato non convenzionato \(CODREP 999\)/);
    assert.match(mail, /^Oggetto: [^\n]* - PROVA NON SU STAGE, non valida$/m);
    assert.match(mail, /ha eseguito contro il simulatore locale \(non lo stage di Regione Toscana\) i metodi/);
    assert.doesNotMatch(mail, /in stage|ambiente di stage/);
    assert.doesNotMatch(mail, /Azienda/);
    assert.match(mail, /1 documento risulta ancora pubblicato: doc-1 \(LAB, RMSLSO31M04Z404R\)/);
  });
  it('textTable pads every column but the last', () => {
    assert.deepEqual(textTable(['a', 'bb'], [['xyz', 'q'], ['', 'long']]), ['a    bb', '---  ----', 'xyz  q', '     long']);
  });
});
