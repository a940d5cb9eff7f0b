/**
 * With the official catalogs (FSE_CATALOGS_DIR): each of the nine ministry sample CDAs, wrapped in a signed PDF with
 * matching tokens, through validate-and-create. Eight → 202; VPS → 422 /msg/semantic (ERRORE-56 / ERRORE-46a).
 * Also a syntax error → 400 /msg/syntax with the CDA's workflowInstanceId.
 */
import assert from 'node:assert/strict';
import type { Agent } from 'undici';
import type { RunningSimulator } from '../../simulator/server.ts';
import { sha256Hex } from '../../support/hash.ts';
import { CATALOGS, missingData } from '../shared-data.ts';
import { getPki, sampleNames, sendMultipart, signedPdf, simTest, tokens, useSimulator, validCreate, loadSample } from './helpers.ts';

const PATH = '/gateway/v2/documents/validate-and-create';
let sim: RunningSimulator | undefined;
let client: Agent | undefined;

useSimulator({ catalogsDir: CATALOGS, switches: { cdaValidation: true } }, (s) => ({ sim, client } = s), { when: () => !!CATALOGS, waitForValidator: true });

for (const name of sampleNames()) {
  simTest(`sample ${name}.xml through validate-and-create`, async (t) => {
    if (!CATALOGS || !sim || !client) { t.skip(missingData('catalogs')); return; }
    const r = await validCreate({ sample: name });
    const a = await sendMultipart(client, sim, 'POST', PATH, r);
    if (name === 'VPS') {
      assert.equal(a.status, 422, a.text);
      assert.equal(a.json!.type, '/msg/semantic');
      assert.equal(a.json!.title, 'Errore semantico.');
      assert.equal(a.json!.instance, '/validation/error');
      assert.match(String(a.json!.detail), /ERRORE-56/);
      assert.match(String(a.json!.detail), /ERRORE-46a/);
      assert.match(String(a.json!.workflowInstanceId), /^2\.16\.840\.1\.113883\.2\.9\.2\.120\.4\.4\.[0-9a-f]{64}\.[0-9a-f]{10}\^\^\^\^urn/);
      assert.equal(sim.registry.has(r.id), false, 'nothing published');
    } else {
      assert.equal(a.status, 202, `${name}: ${a.text.slice(0, 2000)}`);
      assert.ok(sim.registry.has(r.id));
    }
  });
}

simTest('XSD error → 400 /msg/syntax with the workflowInstanceId of the CDA', async (t) => {
  if (!CATALOGS || !sim || !client) { t.skip(missingData('catalogs')); return; }
  const pki = await getPki();
  const s = loadSample('LAB');
  const broken = Buffer.from(s.xml.toString('utf8').replace(/<effectiveTime\b[^>]*\/>/, '<effectiveTime value="x" bogus="1"/>'));
  assert.notDeepEqual(broken, s.xml, 'the sample was modified');
  const file = await signedPdf(broken);
  const tk = await tokens({ op: 'create', signer: pki.sign, patientCf: s.patientCf, resourceHl7Type: `('${s.code}^^${s.codeSystem}')`, attachmentHash: sha256Hex(file) });
  const r = await validCreate();
  const a = await sendMultipart(client, sim, 'POST', PATH, { ...r, ...tk, file });
  assert.equal(a.status, 400, a.text);
  assert.equal(a.json!.type, '/msg/syntax');
  assert.equal(a.json!.title, 'Errore di sintassi.');
  assert.equal(a.json!.instance, '/validation/error');
  assert.match(String(a.json!.detail), /^(WARN|ERROR|FATAL): \d+,\d+ /);
  assert.notEqual(a.json!.workflowInstanceId, 'UNKNOWN_WORKFLOW_ID');
});

async function sendModifiedLab(from: string, to: string) {
  const pki = await getPki();
  const s = loadSample('LAB');
  const xml = Buffer.from(s.xml.toString('utf8').replace(from, to));
  assert.notDeepEqual(xml, s.xml, 'the sample was modified');
  const file = await signedPdf(xml);
  const tk = await tokens({ op: 'create', signer: pki.sign, patientCf: s.patientCf, resourceHl7Type: `('${s.code}^^${s.codeSystem}')`, attachmentHash: sha256Hex(file) });
  const r = await validCreate();
  return sendMultipart(client!, sim!, 'POST', PATH, { ...r, ...tk, file });
}

simTest('terminology error → 400 /msg/vocabulary with the reference message', async (t) => {
  if (!CATALOGS || !sim || !client) { t.skip(missingData('catalogs')); return; }
  const a = await sendModifiedLab('administrativeGenderCode code="M"', 'administrativeGenderCode code="Z"');
  assert.equal(a.status, 400, a.text);
  assert.equal(a.json!.type, '/msg/vocabulary');
  assert.equal(a.json!.title, 'Errore vocabolario.');
  assert.equal(a.json!.detail, 'Almeno uno dei seguenti vocaboli non è censito: [CodeSystem: 2.16.840.1.113883.5.1 v2.1.0, Codes: Z]');
});

simTest('schematron error → 422 /msg/semantic, bracketed message', async (t) => {
  if (!CATALOGS || !sim || !client) { t.skip(missingData('catalogs')); return; }
  const a = await sendModifiedLab('confidentialityCode code="N"', 'confidentialityCode code="Q"');
  assert.equal(a.status, 422, a.text);
  assert.equal(a.json!.type, '/msg/semantic');
  assert.match(String(a.json!.detail), /^\[ERRORE-6\| /);
});
