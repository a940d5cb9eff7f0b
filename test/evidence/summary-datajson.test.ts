import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildDataJson, writeDataJson } from '../../support/evidence/dataJson.ts';
import { renderSummary, writeSummary } from '../../support/evidence/summary.ts';
import type { RunMeta } from '../../support/evidence/summary.ts';
import type { LedgerRow } from '../../support/types.ts';
import { sampleRow } from './fixtures/rows.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fse-summary-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const meta: RunMeta = {
  installation: 'impianto-firenze',
  provider: { name: 'Laboratorio Rossi S.r.l.', partitaIva: '01234567890' },
  codRep: '201',
  azienda: 'Azienda USL Toscana Centro',
  target: 'stage',
  baseUrl: 'https://stage.example/gateway/v2/',
  application: { id: 'BARMED', vendor: 'FOO_SPA', version: 'V.4.2.0' },
  catalogs: 'it-fse-catalogs@abc1234',
  startedAt: '2026-11-23T17:00:00Z',
  finishedAt: '2026-11-23T17:10:00Z',
  authCn: 'A1#111#FORNITORE1',
  leftBehind: ['2.16.840.1.113883.2.9.2.90.4.4^LAB-7 (LAB, RMSLSO31M04Z404R)'],
};

function row(over: Partial<LedgerRow>): LedgerRow {
  return { ...sampleRow(1), ...over };
}

describe('summary.md', () => {
  const rows = [
    row({ method: 'validate-and-create', documentType: 'LAB', xCartId: 'cart-aaa-1', httpStatus: 201, outcome: 'PASS', scenario: 'crea | LAB' }),
    row({ method: 'validate-and-create', documentType: 'RAD', xCartId: 'cart-bbb-2', httpStatus: 403, expected: 403, outcome: 'PASS' }),
    row({ method: 'replace', documentType: 'LAB', xCartId: 'cart-ccc-3', httpStatus: 400, expected: 202, outcome: 'FAIL' }),
    row({ method: 'delete', documentType: 'LAB', xCartId: '', httpStatus: '', outcome: 'ERROR', errorType: 'NETWORK', errorDetail: 'ECONNRESET', responseFile: '', requestFile: 'exchanges/0004-delete.request.http' }),
  ];
  const md = renderSummary(meta, rows);

  it('states installation, provider, Azienda/CODREP, target and application triple', () => {
    for (const s of ['impianto-firenze', 'Laboratorio Rossi S.r.l.', '01234567890', '| CODREP | 201 (convenzionato) |',
      'Azienda USL Toscana Centro', 'stage', 'FOO\\_SPA', 'BARMED', 'V.4.2.0', 'A1#111#FORNITORE1', 'it-fse-catalogs@abc1234']) {
      assert.ok(md.includes(s), `missing ${s}`);
    }
  });
  it('appendix: one table per method × document type with every X-Cart-id and outcome', () => {
    assert.ok(md.indexOf('## Appendice') > md.indexOf("## Dati dell'impianto"), 'the appendix comes after the installation data');
    assert.ok(md.indexOf('### Tutte le chiamate') > md.indexOf('## Appendice'), 'all ledger rows are in the appendix');
    assert.match(md, /#### Validazione e pubblicazione \(validate-and-create\)\n\n##### Tipo documento: LAB\n\n\|[^\n]*X-Cart-id[^\n]*\n\|---/);
    assert.match(md, /##### Tipo documento: RAD/);
    assert.match(md, /\| `cart-aaa-1` \|[^\n]*\| OK \(come atteso\) \|/);
    assert.match(md, /\| 400 \(atteso 202\) \| `cart-ccc-3` \|[^\n]*NON CONFORME/);
    assert.match(md, /#### Aggiornamento metadati \(update-metadata\)\n\n_Nessuna chiamata eseguita per questo metodo._/);
    assert.ok(md.includes('crea \\| LAB'), 'pipes in cells are escaped');
  });
  it('lists exchanges with no response and documents left behind', () => {
    const noResp = md.slice(md.indexOf('### Chiamate senza risposta HTTP'));
    assert.match(noResp, /\| delete \| LAB \|[^\n]*NETWORK \| ECONNRESET \| evidence\/exchanges\/0004-delete\.request\.http \|/);
    assert.match(md, /### Documenti rimasti pubblicati sul gateway\n\n[^\n]*\n\n- 2\.16\.840\.1\.113883\.2\.9\.2\.90\.4\.4\^LAB-7/);
  });
  it('warns when the target is not stage, and when a convenzionato has no Azienda', () => {
    const sim = renderSummary({ ...meta, target: 'simulator', azienda: undefined }, []);
    assert.match(sim, /NON provengono dal gateway di stage/);
    assert.equal(sim.split('\n')[0], "**ATTENZIONE: esecuzione contro il simulatore locale, non valida per l'accreditamento**", 'said in the first line');
    assert.ok(md.startsWith('# Riepilogo'), 'a stage run starts with the title');
    assert.match(sim, /Azienda non indicata/);
    assert.doesNotMatch(md, /NON provengono/);
  });
  it('shows credential warnings, the route, the probe and why the run stopped', () => {
    const noted = renderSummary({
      ...meta,
      warnings: ['certificates.signature.cert: the CN "S1#111FTGM0000000" does not follow Regione Toscana\'s long form'],
      route: 'via proxy http://proxy.example:3128',
      probe: 'OK: DELETE di un documento inesistente → HTTP 404, X-Cart-id 1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      stopped: '5 chiamate consecutive senza risposta HTTP (limite 5): il gateway non è raggiungibile o non risponde',
    }, rows);
    assert.match(noted, /### Avvertenze\n\n- certificates.signature.cert: the CN "S1#111FTGM0000000"/);
    assert.match(noted, /\| Connessione \| via proxy http:\/\/proxy.example:3128 \|/);
    assert.match(noted, /\| Sonda di connessione \| OK: DELETE di un documento inesistente → HTTP 404, X-Cart-id 1b4e28ba/);
    assert.match(noted, /> \*\*Esecuzione interrotta:\*\* 5 chiamate consecutive senza risposta HTTP/);
    assert.doesNotMatch(md, /Avvertenze|Esecuzione interrotta/, 'nothing when there is nothing to say');
  });
  it('lists the document each type used, only when told', () => {
    const noted = renderSummary({ ...meta, documents: ["LAB: PDF del fornitore LAB.pdf, inviato così com'è (paziente RMSLSO31M04Z404R)", "RAD: modelli interni dell'harness"] }, rows);
    assert.match(noted, /### Documenti inviati per tipo\n\n- LAB: PDF del fornitore LAB\.pdf, inviato così com'è \(paziente RMSLSO31M04Z404R\)\n- RAD: modelli interni dell'harness\n/);
    assert.doesNotMatch(md, /Documenti inviati per tipo/);
  });
  it('writes summary.md and mail-rt.txt in the run dir', () => {
    const p = writeSummary(tmp, meta, rows);
    assert.equal(p, join(tmp, 'summary.md'));
    assert.equal(readFileSync(p, 'utf8'), md);
    assert.match(readFileSync(join(tmp, 'mail-rt.txt'), 'utf8'), /^Oggetto: FSE 2\.0 Regione Toscana - accreditamento impianto impianto-firenze/);
  });
});

describe('data.json', () => {
  it('uses the national format: app triple, integer ids, UTC ts without ms, traceId key', () => {
    const d = buildDataJson(meta, [
      { id: 198, ts: '2026-11-23T18:57:13.456+01:00', traceId: 'ACA07480E366D734391607501DFB77AC', files: ['pdf/referto_LAB.pdf'] },
      { id: 152, ts: '2026-11-23T16:57:13Z', traceId: 'aca07480e366d734391607501dfb77ac', workflowInstanceId: '2.16.840.1.113883.2.9.2.190.4.4.x^^^^urn:ihe:iti:xdw:2013:workflowInstanceId' },
    ]);
    assert.deepEqual(d, {
      appVendor: 'FOO_SPA', appID: 'BARMED', appVersion: 'V.4.2.0',
      results: [
        { id: 152, ts: '2026-11-23T16:57:13Z', traceId: 'aca07480e366d734391607501dfb77ac', workflowInstanceId: '2.16.840.1.113883.2.9.2.190.4.4.x^^^^urn:ihe:iti:xdw:2013:workflowInstanceId' },
        { id: 198, ts: '2026-11-23T17:57:13Z', traceId: 'ACA07480E366D734391607501DFB77AC', files: ['referto_LAB.pdf'] },
      ],
    });
  });
  it('leaves out entries with no traceId (no real gateway response) and returns null when nothing is left', () => {
    assert.equal(buildDataJson(meta, [{ id: 1, ts: '2026-11-23T16:57:13Z', traceId: '' }]), null);
    assert.equal(writeDataJson(join(tmp, 'none'), meta, []), null);
  });
  it('rejects malformed entries instead of inventing evidence', () => {
    assert.throws(() => buildDataJson(meta, [{ id: 1, ts: '2026-11-23T16:57:13Z', traceId: 'not-a-trace' }]), /32 hex/);
    assert.throws(() => buildDataJson(meta, [{ id: 0, ts: '2026-11-23T16:57:13Z', traceId: 'a'.repeat(32) }]), /positive integer/);
    assert.throws(() => buildDataJson(meta, [{ id: 1, ts: 'yesterday', traceId: 'a'.repeat(32) }]), /invalid timestamp/);
  });
  it('writes <runDir>/data.json', () => {
    const p = writeDataJson(tmp, meta, [{ id: 5, ts: '2026-11-23T16:57:13Z', traceId: 'b'.repeat(32) }]);
    assert.equal(p, join(tmp, 'data.json'));
    const j = JSON.parse(readFileSync(p!, 'utf8')) as { results: { traceId: string }[] };
    assert.equal(j.results[0]!.traceId, 'b'.repeat(32));
  });
});
