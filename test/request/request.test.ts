import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildMultipart } from '../../support/request/multipart.ts';
import { encodePathId, identificativoDoc, isValidMasterId, rtDocIdExtension } from '../../support/gateway/ids.ts';
import { RT_DOC_ID_ROOT } from '../../support/gateway/oids.ts';
import { localDocumentId } from '../../support/cda/identity.ts';
import { buildBody, editBody } from '../../support/request/body.ts';
import { formatDtm } from '../../support/rome-time.ts';
import { assertTargetAllowed, assertPatientAllowed } from '../../support/request/interlocks.ts';
import { UserError } from '../../support/errors.ts';
import type { Profile } from '../../support/types.ts';

const profile: Profile = {
  installation: 'test', provider: { name: 'Centro Prova', partitaIva: '01386030488', istat: '048017' }, codRep: '999',
  tipologiaStruttura: 'Territorio', assettoOrganizzativo: 'AD_PSC107', documentTypes: ['LAB'],
  application: { id: 'APP', vendor: 'VENDOR', version: '1.0' },
  locality: 'CENTRO PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090201123456', subjectRole: 'AAS', operatorCf: 'RMSLSO31M04Z404R', target: 'simulator',
};

test('identificativoDoc follows RT rule 2.16.840.1.113883.2.9.2.90.4.4^PIVA.TIPO.CODREP.id', () => {
  const ext = rtDocIdExtension(profile, 'LAB', '18881699');
  assert.equal(identificativoDoc(RT_DOC_ID_ROOT, ext), '2.16.840.1.113883.2.9.2.90.4.4^01386030488.LAB.999.18881699');
  assert.throws(() => rtDocIdExtension(profile, 'LAB', 'a^b'));
  assert.equal(localDocumentId('20261123T171500Z', 7), '20261123T171500Z-0007');
});

test('path ids are percent-encoded (^ → %5E) and master-id rule matches the gateway', () => {
  assert.equal(encodePathId('2.16.840.1.113883.2.9.2.90.4.4^01386030488.LAB.999.1'), '2.16.840.1.113883.2.9.2.90.4.4%5E01386030488.LAB.999.1');
  assert.equal(isValidMasterId('a^b'), true);
  assert.equal(isValidMasterId('a^'), false);
  assert.equal(isValidMasterId('507f1f77bcf86cd799439011'), false);
  assert.equal(isValidMasterId('   '), false);
});

test('multipart is byte-exact: requestBody JSON field without filename, file part application/pdf with untouched bytes', () => {
  const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x0d, 0x0a, 0x80]);
  const mp = buildMultipart({ requestBody: '{"a":"è"}', file: { bytes: pdf, filename: 'doc.pdf' } }, 'XYZ');
  const text = mp.body.toString('latin1');
  assert.equal(mp.contentType, 'multipart/form-data; boundary=XYZ');
  assert.ok(text.startsWith('--XYZ\r\nContent-Disposition: form-data; name="requestBody"\r\nContent-Type: application/json\r\n\r\n'), 'the JSON part is labelled application/json');
  assert.ok(!/name="requestBody"; filename/.test(text), 'requestBody must not have a filename');
  assert.ok(text.includes('Content-Disposition: form-data; name="file"; filename="doc.pdf"\r\nContent-Type: application/pdf\r\n\r\n'));
  assert.ok(text.endsWith('\r\n--XYZ--\r\n'));
  const start = mp.body.indexOf(Buffer.from('%PDF-'));
  const sent = mp.body.subarray(start, start + pdf.length);
  assert.equal(createHash('sha256').update(sent).digest('hex'), createHash('sha256').update(pdf).digest('hex'));
  assert.ok(mp.body.includes(Buffer.from('{"a":"è"}', 'utf8')), 'requestBody is UTF-8');
});

test('bodies per method: create/replace carry ids and mode, update only metadata, delete none', () => {
  const d = new Date('2026-11-23T10:00:00Z');
  const c = buildBody({ method: 'validate-and-create', profile, docType: 'LAB', identificativoDoc: 'x^y', serviceStart: d })!;
  assert.deepEqual(Object.keys(c), ['healthDataFormat', 'mode', 'tipologiaStruttura', 'identificativoDoc', 'identificativoRep', 'tipoDocumentoLivAlto', 'assettoOrganizzativo', 'dataInizioPrestazione', 'dataFinePrestazione', 'tipoAttivitaClinica', 'identificativoSottomissione', 'administrativeRequest']);
  assert.equal(c.identificativoRep, '2.16.840.1.113883.2.9.2.90.4.5.999');
  assert.equal(c.tipoDocumentoLivAlto, 'REF');
  assert.equal(c.dataInizioPrestazione, '20261123110000', 'Europe/Rome local time, 14 digits');
  assert.deepEqual(c.administrativeRequest, ['NOSSN']);
  const u = buildBody({ method: 'update-metadata', profile, docType: 'LAB', serviceStart: d })!;
  assert.equal('identificativoDoc' in u, false);
  assert.equal('mode' in u, false);
  assert.equal(buildBody({ method: 'delete', profile, docType: 'LAB', serviceStart: d }), null);
  assert.throws(() => buildBody({ method: 'replace', profile, docType: 'LAB', serviceStart: d }));
  const e = editBody(c, { set: { campoSconosciuto: 'x' }, remove: ['mode'] });
  assert.equal(e.campoSconosciuto, 'x');
  assert.equal('mode' in e, false);
  assert.equal(formatDtm(new Date('2026-07-01T00:00:00Z')), '20260701020000', 'summer time offset');
});

test('interlocks refuse production, non-loopback simulator, unlisted stage hosts, missing target, http', () => {
  const codeOf = (f: () => unknown) => { try { f(); return 'none'; } catch (e) { assert.ok(e instanceof UserError, String(e)); return e.code; } };
  assert.equal(codeOf(() => assertTargetAllowed('stage', 'https://fse20gw.regione.toscana.it/gateway/v2/')), 'PRODUCTION_URL');
  assert.equal(codeOf(() => assertTargetAllowed('simulator', 'https://fse20gw.regione.toscana.it/gateway/v2/')), 'PRODUCTION_URL');
  assert.equal(codeOf(() => assertTargetAllowed('simulator', 'https://10.0.0.5:8443/gateway/v2/')), 'HOST_NOT_ALLOWED');
  assert.equal(codeOf(() => assertTargetAllowed('stage', 'https://example.org/gateway/v2/', {})), 'HOST_NOT_ALLOWED');
  assert.equal(codeOf(() => assertTargetAllowed('stage', 'https://proxy.example.org/gateway/v2/', { FSE_ALLOWED_HOSTS: 'proxy.example.org' })), 'none');
  assert.equal(codeOf(() => assertTargetAllowed('stage', 'https://fse20gwstage.regione.toscana.it/gateway/v2/')), 'none');
  assert.equal(codeOf(() => assertTargetAllowed('simulator', 'https://127.0.0.1:4443/gateway/v2/')), 'none');
  assert.equal(codeOf(() => assertTargetAllowed(undefined, 'https://127.0.0.1:4443/gateway/v2/')), 'TARGET');
  assert.equal(codeOf(() => assertTargetAllowed('production' as never, 'https://127.0.0.1/')), 'TARGET');
  assert.equal(codeOf(() => assertTargetAllowed('simulator', 'http://127.0.0.1:4443/gateway/v2/')), 'BASE_URL');
  assert.equal(codeOf(() => assertPatientAllowed('stage', 'RSSMRA80A01H501U')), 'NON_TEST_CF');
  assert.equal(codeOf(() => assertPatientAllowed('stage', 'RMSLSO31M04Z404R')), 'none');
  assert.equal(codeOf(() => assertPatientAllowed('simulator', 'RSSMRA80A01H501U')), 'none');
});
