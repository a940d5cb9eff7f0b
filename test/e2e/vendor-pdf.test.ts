/**
 * A vendor PDF is published as is: every scenario that sends it sends the same patient and the same document ids.
 * With two workers, scenarios on it must not collide (before: replace and delete answered 404 when two lifecycles ran
 * at once), and a scenario written for another patient must not be sent under that patient's name. Its replacement
 * is not the same PDF again (before: the same bytes, body `identificativoDoc` = the path id) but its next version,
 * with a new id (gateway-impl §1 E4, gateway-spec §6.5, A12).
 * The run: 6 copies of the lifecycle for the PDF's patient (they would collide without the one-at-a-time rule) and
 * the real lifecycle feature (five patients: four are skipped), `--parallel 2`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { Session } from '../../support/harness/session.ts';
import { startEmbeddedSimulator } from '../../cli/target.ts';
import { prepareDocument } from '../../support/harness/document.ts';
import { readLedgerCsv } from '../../support/evidence/ledger.ts';
import { sha256Hex } from '../../support/hash.ts';
import { encodePathId } from '../../support/gateway/ids.ts';
import { readCdaFacts } from '../../support/cda/facts.ts';
import { extractCda } from '../../support/pdf/inspect.ts';
import type { ScenarioRecord } from '../../support/harness/run-records.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'fse-harness.js');
const CF = 'RMSLSO31M04Z404R';

test('two workers on one vendor PDF: no collision, scenarios for other patients skipped, nothing sent under another name', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-vendor-pdf-'));
  const env: NodeJS.ProcessEnv = { ...process.env, FSE_PKI_DIR: join(dir, 'pki'), FSE_CATALOGS_DIR: '' };
  try {
    // the vendor's PDF: a LAB document for RT test patient CF, signed with the run's (test) signature certificate
    const example = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8'));
    writeFileSync(join(dir, 'plain.json'), JSON.stringify({ ...example, documentTypes: ['LAB'] }));
    const s = await Session.open({ profilePath: join(dir, 'plain.json'), pkiDir: join(dir, 'pki'), reportsDir: join(dir, 'setup'), catalogsDir: null, env, startEmbedded: startEmbeddedSimulator });
    let pdf: Uint8Array;
    let vendorId: string;
    let vendorSetId: string;
    try {
      const vendor = await prepareDocument({ docType: 'LAB', patientCf: CF, profile: s.profile, sign: s.credentials.sign, runId: s.runId, seq: s.nextSeq() });
      pdf = vendor.pdf;
      vendorId = vendor.identificativoDoc;
      vendorSetId = vendor.ctx.setIdExtension;
    } finally {
      await s.close();
    }
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'LAB.pdf'), pdf);
    writeFileSync(join(dir, 'profile.json'), JSON.stringify({ ...example, documentTypes: ['LAB', 'RAD'], documentsDir: 'docs' }));

    const lifecycle = readFileSync(join(PROJECT_ROOT, 'features', '00-ciclo-di-vita.feature'), 'utf8');
    const copies = lifecycle.slice(0, lifecycle.indexOf('    @LAB @RMSLSO31M04Z404R'))
      .replace('Schema dello scenario: ciclo di vita <tipo> per il paziente <cf>', 'Schema dello scenario: ciclo di vita <tipo> per il paziente <cf> (copia <n>)')
      + `    @LAB @${CF}\n    Esempi: copie\n      | tipo | cf | n |\n${[1, 2, 3, 4, 5, 6].map((n) => `      | LAB | ${CF} | ${n} |\n`).join('')}`;
    writeFileSync(join(dir, 'copies.feature'), copies);

    const r = spawnSync(process.execPath, [BIN, 'run', join(dir, 'copies.feature'), 'features/00-ciclo-di-vita.feature', '--profile', join(dir, 'profile.json'), '--tags', '@LAB', '--parallel', '2', '--no-report', '--reports', join(dir, 'reports')], { cwd: PROJECT_ROOT, encoding: 'utf8', env, timeout: 540_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 0, out);
    assert.match(out, /documents: LAB ← vendor PDF .*LAB\.pdf \(published as is: patient RMSLSO31M04Z404R, document [^;]+ v1; a replacement sends its next version, built from its cda\.xml and signed by the harness; 7 planned scenarios send it, one at a time; 4 written for other patients are SKIPPED/);
    assert.match(out, /documents: built-in templates for RAD/);
    assert.match(out, /2 parallel workers/);
    assert.match(out, /WARNING — 4 scenarios SKIPPED: they are written for another patient than the one the vendor PDF carries/);

    const runDir = join(dir, 'reports', 'latest');
    const scenarios = readFileSync(join(runDir, 'cucumber', 'scenarios.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ScenarioRecord);
    assert.equal(scenarios.length, 11);
    const skipped = scenarios.filter((x) => x.status === 'SKIPPED');
    assert.deepEqual(skipped.map((x) => x.skip), ['vendor-pdf', 'vendor-pdf', 'vendor-pdf', 'vendor-pdf']);
    assert.ok(skipped.every((x) => x.outcomes.length === 0), 'nothing sent for a skipped scenario');
    assert.ok(skipped.every((x) => !x.name.includes(CF)), 'the skipped ones are those written for the other patients');
    assert.equal(scenarios.filter((x) => x.status === 'PASSED').length, 7, JSON.stringify(scenarios.map((x) => [x.name, x.status])));

    const rows = readLedgerCsv(join(runDir, 'evidence', 'ledger.csv'));
    assert.equal(rows.length, 7 * 4, 'four calls per lifecycle, nothing left to clean up');
    assert.deepEqual(rows.filter((x) => x.httpStatus !== 200 && x.httpStatus !== 202).map((x) => `${x.scenario} ${x.method} ${x.httpStatus}`), [], 'no collision (404) between scenarios');
    assert.ok(rows.every((x) => x.patientCf === CF && x.scenario.includes(CF)), 'every call sent and labelled for the patient the PDF carries');
    const sha = sha256Hex(pdf);
    const creates = rows.filter((x) => x.method === 'validate-and-create');
    assert.equal(creates.length, 7);
    assert.ok(creates.every((x) => x.pdfSha256 === sha && x.identificativoDoc === vendorId), 'the vendor PDF is published byte for byte');
    // the replacement: the next version of the PDF's cda.xml, a new id in the body, the PDF's id in the path
    const replaces = rows.filter((x) => x.method === 'replace');
    assert.equal(replaces.length, 7);
    assert.equal(new Set(replaces.map((x) => x.identificativoDoc)).size, 7, 'each replacement has its own new id');
    for (const x of replaces) {
      assert.notEqual(x.pdfSha256, sha, 'a replacement is not the vendor PDF again');
      assert.notEqual(x.identificativoDoc, vendorId, 'body identificativoDoc = the NEW id');
      const request = readFileSync(join(runDir, 'evidence', x.requestFile), 'latin1');
      assert.match(request.slice(0, request.indexOf('\n')), new RegExp(`^PUT \\S*/documents/${encodePathId(vendorId).replace(/[.^%]/g, '\\$&')} `), 'path = the vendor PDF\'s id');
      assert.ok(request.includes(`"identificativoDoc":"${x.identificativoDoc}"`));
      const sent = readFileSync(join(runDir, 'evidence', x.requestFile.replace(/^exchanges\/(\d+)-replace\.request\.http$/, 'pdf/$1-LAB-replace.pdf')));
      assert.equal(sha256Hex(sent), x.pdfSha256);
      const cda = (await extractCda(sent, undefined)).cda!;
      const f = readCdaFacts(cda);
      assert.deepEqual([`${f.idRoot}^${f.idExtension}`, f.setIdExtension, f.version, f.patientIds[0]?.extension], [x.identificativoDoc, vendorSetId, 2, CF], 'the next version of the vendor document');
      assert.ok(Buffer.from(cda).toString('utf8').includes(`<id root="${vendorId.split('^')[0]}" extension="${vendorId.split('^')[1]}"/><setId`), 'RPLC to the vendor PDF\'s document');
    }
    // one at a time: in the ledger (appended as answers arrive), the calls of one scenario are never interleaved with another's
    const order = rows.map((x) => x.scenario).filter((name, i, all) => i === 0 || all[i - 1] !== name);
    assert.equal(order.length, 7, `calls of different scenarios interleaved: ${order.join(' | ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
