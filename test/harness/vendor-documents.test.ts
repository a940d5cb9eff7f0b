/**
 * A vendor's own CDA (personalised: patient, ids) or already-signed PDF (sent as is) replaces the
 * templates, per document type, from the profile's documentsDir. Uses the ministry sample LAB CDA (read, not copied).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../support/harness/session.ts';
import { startEmbeddedSimulator } from '../../cli/target.ts';
import { missingData, SAMPLES_DIR } from '../shared-data.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { prepareDocument } from '../../support/harness/document.ts';
import { performExchange } from '../../support/harness/exchange.ts';
import { readCdaFacts } from '../../support/cda/facts.ts';

const SAMPLE = join(SAMPLES_DIR, 'LAB.xml');
let dir: string;
let session: Session;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-vendor-'));
  const profile = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8'));
  writeFileSync(join(dir, 'profile.json'), JSON.stringify({ ...profile, documentsDir: 'docs', documentTypes: ['LAB', 'RAD'] }));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'docs'));
  if (existsSync(SAMPLE)) writeFileSync(join(dir, 'docs', 'LAB.xml'), readFileSync(SAMPLE));
  session = await Session.open({ profilePath: join(dir, 'profile.json'), reportsDir: join(dir, 'reports'), catalogsDir: null, env: { ...process.env, FSE_CATALOGS_DIR: '' }, startEmbedded: startEmbeddedSimulator });
});
after(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a vendor CDA is personalised (RT test patient, run-unique ids) and published', async (t) => {
  if (!existsSync(SAMPLE)) { t.skip(missingData('samples')); return; }
  const doc = await prepareDocument({ docType: 'LAB', patientCf: 'MNTMRA03M71C615V', profile: session.profile, profileDir: session.profileDir, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
  assert.equal(doc.source, 'vendor-cda');
  const facts = readCdaFacts(doc.cda);
  assert.equal(facts.patientIds[0]?.extension, 'MNTMRA03M71C615V');
  assert.equal(`${facts.idRoot}^${facts.idExtension}`, doc.identificativoDoc);
  assert.equal(facts.code, '11502-2', 'the vendor content is kept');
  const original = readFileSync(SAMPLE, 'utf8');
  const kept = original.split('\n').filter((l) => Buffer.from(doc.cda).toString('utf8').includes(l)).length;
  assert.ok(kept / original.split('\n').length > 0.95, 'personalisation edits only the ids and the patient');
  const o = await performExchange(session, { scenario: 'vendor CDA', method: 'validate-and-create', document: doc, expected: 202 });
  assert.equal(o.httpStatus, 202, `${o.errorType} ${o.errorDetail}`);

  // the same document, signed by the vendor, is sent byte for byte
  writeFileSync(join(dir, 'docs', 'LAB.pdf'), doc.pdf);
  const asIs = await prepareDocument({ docType: 'LAB', patientCf: 'MNTMRA03M71C615V', profile: session.profile, profileDir: session.profileDir, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
  assert.equal(asIs.source, 'vendor-pdf');
  assert.deepEqual(Buffer.from(asIs.pdf), Buffer.from(doc.pdf), 'a vendor PDF is never rebuilt or re-signed');
  assert.equal(asIs.identificativoDoc, doc.identificativoDoc, 'ids come from the CDA inside the vendor PDF');
});

test('types without a vendor document fall back to the harness templates', async () => {
  const doc = await prepareDocument({ docType: 'RAD', patientCf: 'RMSLSO31M04Z404R', profile: session.profile, profileDir: session.profileDir, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
  assert.equal(doc.source, 'template');
});
