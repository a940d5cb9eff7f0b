/**
 * A document the harness did not number (a vendor PDF, published as is) enters the id chain with its own ids, and
 * its next version replaces exactly those (gateway-impl §1 E4: the path holds the old id, the body's
 * `identificativoDoc` the new one; gateway-spec §6.5, A12).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RT_TEST_CFS } from '../../support/types.ts';
import { buildCda } from '../../support/cda/template.ts';
import { existingDocumentContext, identificativoDocOf, newCdaContext, nextVersion, relatedDocumentXml } from '../../support/cda/identity.ts';
import { personaliseCda } from '../../support/cda/personalise.ts';
import { readCdaFacts } from '../../support/cda/facts.ts';
import { RT_DOC_ID_ROOT } from '../../support/gateway/oids.ts';
import { testProfile } from './helpers.ts';

const dec = new TextDecoder();
/** The vendor's own roots: not RT's, so that a test can tell which one the harness wrote. */
const VENDOR_ID_ROOT = '2.16.840.1.113883.2.9.2.90.4.4.77';
const VENDOR_SET_ROOT = '2.16.840.1.113883.2.9.2.90.4.4.78';
const ids = { idRoot: VENDOR_ID_ROOT, idExtension: 'VENDOR.DOC.3', setIdRoot: VENDOR_SET_ROOT, setIdExtension: 'VENDOR.SET.1', version: 3 };

test('existingDocumentContext: the document keeps the ids its CDA states; nextVersion chains from them', () => {
  const profile = testProfile();
  const v = existingDocumentContext({ docType: 'LAB', patientCf: RT_TEST_CFS[0]!, ids, profile, runId: 'run', now: new Date('2026-03-01T08:00:00.500Z') });
  assert.equal(identificativoDocOf(v), `${VENDOR_ID_ROOT}^VENDOR.DOC.3`, 'published with its own id');
  assert.equal(v.version, 3);
  assert.equal(v.replaces, undefined);
  assert.equal(v.patient.cf, RT_TEST_CFS[0]);
  assert.equal(v.effectiveTime.toISOString(), '2026-03-01T08:00:00.000Z');

  const next = nextVersion(v, { seq: 12 });
  assert.equal(next.idRoot, undefined, 'the new version is numbered by the harness, under RT root');
  assert.equal(identificativoDocOf(next), `${RT_DOC_ID_ROOT}^${newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[0]!, profile, runId: 'run', seq: 12 }).docIdExtension}`);
  assert.notEqual(identificativoDocOf(next), identificativoDocOf(v), 'a replace carries a NEW id');
  assert.equal(next.setIdRoot, VENDOR_SET_ROOT, 'same setId, root included');
  assert.equal(next.setIdExtension, 'VENDOR.SET.1');
  assert.equal(next.version, 4);
  assert.deepEqual(next.replaces, { idRoot: VENDOR_ID_ROOT, idExtension: 'VENDOR.DOC.3', setIdRoot: VENDOR_SET_ROOT, setIdExtension: 'VENDOR.SET.1', version: 3 });
  assert.equal(relatedDocumentXml(next), '<relatedDocument typeCode="RPLC"><parentDocument>'
    + `<id root="${VENDOR_ID_ROOT}" extension="VENDOR.DOC.3"/><setId root="${VENDOR_SET_ROOT}" extension="VENDOR.SET.1"/><versionNumber value="3"/>`
    + '</parentDocument></relatedDocument>');
  // and the version after: replaces the harness's version 4 (RT root), still in the vendor's set
  const after = nextVersion(next, { seq: 13 });
  assert.deepEqual(after.replaces, { idExtension: next.docIdExtension, setIdRoot: VENDOR_SET_ROOT, setIdExtension: 'VENDOR.SET.1', version: 4 });
  assert.equal(after.version, 5);

  // a patient id that is not a well-formed fiscal code (accepted by the simulator) is kept as it is
  assert.equal(existingDocumentContext({ docType: 'LAB', patientCf: 'STP0901234567890', ids, profile, runId: 'run' }).patient.cf, 'STP0901234567890');
});

test('personaliseCda writes the next version of a vendor document: harness id, the vendor setId, version + 1, RPLC to the vendor ids', () => {
  const profile = testProfile();
  // the vendor's CDA: version 3 of its own set, under its own roots, already replacing its version 2
  const harness = nextVersion(newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[1]!, profile, runId: 'v', seq: 1 }), { seq: 2 });
  const vendorXml = dec.decode(buildCda(harness))
    .replace(/<id root="[^"]*" extension="[^"]*"/, `<id root="${VENDOR_ID_ROOT}" extension="VENDOR.DOC.3"`)
    .replace(/<setId root="[^"]*" extension="[^"]*"/, `<setId root="${VENDOR_SET_ROOT}" extension="VENDOR.SET.1"`)
    .replace(/<versionNumber value="2"\/>/, '<versionNumber value="3"/>');
  const f0 = readCdaFacts(vendorXml);
  assert.deepEqual([f0.idRoot, f0.idExtension, f0.setIdRoot, f0.setIdExtension, f0.version], [VENDOR_ID_ROOT, 'VENDOR.DOC.3', VENDOR_SET_ROOT, 'VENDOR.SET.1', 3]);

  const v = existingDocumentContext({ docType: 'LAB', patientCf: RT_TEST_CFS[1]!, ids, profile, runId: 'run' });
  const next = nextVersion(v, { seq: 5 });
  const out = dec.decode(personaliseCda(new TextEncoder().encode(vendorXml), next));
  const f = readCdaFacts(out);
  assert.equal(`${f.idRoot}^${f.idExtension}`, identificativoDocOf(next));
  assert.equal(f.setIdRoot, VENDOR_SET_ROOT);
  assert.equal(f.setIdExtension, 'VENDOR.SET.1');
  assert.equal(f.version, 4);
  assert.equal(f.patientIds[0]?.extension, RT_TEST_CFS[1]);
  const rel = out.match(/<relatedDocument typeCode="RPLC">[\s\S]*?<\/relatedDocument>/g);
  assert.deepEqual(rel, [relatedDocumentXml(next)], 'one RPLC, to the vendor version it replaces (its own earlier one is gone)');
  // the version itself, personalised with its own context, is unchanged in its ids
  const same = readCdaFacts(personaliseCda(new TextEncoder().encode(vendorXml), v));
  assert.deepEqual([same.idRoot, same.idExtension, same.setIdRoot, same.setIdExtension, same.version], [VENDOR_ID_ROOT, 'VENDOR.DOC.3', VENDOR_SET_ROOT, 'VENDOR.SET.1', 3]);
});
