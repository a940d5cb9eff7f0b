/**
 * docs/gateway-conditions.md §4.4 — JWT ↔ CDA and the correlation check (X-01…X-07): columns VC (403/400 V), RP (V),
 * RP4 (P) and, for the correlation, MD (400 V without workflowInstanceId).
 */
import assert from 'node:assert/strict';
import { loadSample, signedPdf, simTest, useSimulator } from '../helpers.ts';
import { call, expectRow, LAB_PATIENT, publish, type Method, type Row, type Target } from './lib.ts';

const RT: Target = {} as Target;
const RP4: Target = {} as Target;
useSimulator({}, (s) => Object.assign(RT, s));
useSimulator({ switches: { replaceRequiresPriorValidation: true } }, (s) => Object.assign(RP4, s));

const PUB: Method[] = ['VC', 'RP', 'RP4'];
const target = (m: Method): Target => (m === 'RP4' ? RP4 : RT);
const fam = (m: Method): 'V' | 'P' | 'Vn' => (m === 'RP4' ? 'P' : m === 'MD' ? 'Vn' : 'V');
const JWT = { type: '/msg/jwt-validation', title: 'Campo token JWT non valido.' };
const jwt = (m: Method, instance: string, detail: string): Row => ({ status: 403, family: fam(m), ...JWT, instance, detail });
const VALIDATOR = { type: '/msg/validator', title: 'Errore di validazione', instance: '/msg/validator' };
const NULL_DETAIL = 'Uno tra tipo documento o tipo documento livello alto risulta essere null';
const NO_CORRELATION = "Non c'è correlazione tra tipo documento e tipo documento livello alto";

const labText = (): string => loadSample('LAB').xml.toString('utf8');
const pdfOf = async (xml: string): Promise<Buffer> => signedPdf(Buffer.from(xml));

for (const m of PUB) {
  simTest(`X-01 ${m}: no <code> element anywhere in the CDA → 403 /jwt-document-type`, async () => {
    const xml = labText().replace(/<code\b[^>]*\/>/g, '').replace(/<code\b[^>]*>[\s\S]*?<\/code>/g, '');
    expectRow(await call(target(m), m, { file: await pdfOf(xml) }), jwt(m, '/jwt-document-type', 'JWT payload: non è stato possibile verificare la tipologia del CDA'), m);
  });
  simTest(`X-02 ${m}: resource_hl7_type differs from the first <code> → 403 /jwt-document-type`, async () => {
    expectRow(await call(target(m), m, { claims: { resource_hl7_type: "('11488-4^^2.16.840.1.113883.6.1')" } }), jwt(m, '/jwt-document-type', 'JWT payload: Tipologia documento diversa dalla tipologia di CDA (code - codesystem)'), m);
  });
  simTest(`X-03 ${m}: no patientRole > id → 403 /jwt-person-id`, async () => {
    const xml = labText().replace(/(<patientRole\b[^>]*>)([\s\S]*?)(<patient\b)/, (_all, a: string, ids: string, b: string) => `${a}${ids.replace(/<id\b[^>]*\/>/g, '')}${b}`);
    expectRow(await call(target(m), m, { file: await pdfOf(xml) }), jwt(m, '/jwt-person-id', 'JWT payload: non è stato possibile verificare il codice fiscale del paziente presente nel CDA'), m);
  });
  simTest(`X-04 ${m}: person_id is not a patient id of the CDA → 403 /jwt-person-id`, async () => {
    expectRow(await call(target(m), m, { claims: { person_id: 'RMSLSO31M04Z404R^^^&2.16.840.1.113883.2.9.4.3.2&ISO' } }), jwt(m, '/jwt-person-id', 'JWT payload: Person id presente nel JWT differente dal codice fiscale del paziente previsto sul CDA'), m);
  });
  simTest(`X-05 ${m}: person_id matches a patient id whose value is not a valid CF → 403 /jwt-mandatory-field-malformed`, async () => {
    const bad = 'GTWGWY82B42G920X';
    const a = await call(target(m), m, { file: await pdfOf(labText().replaceAll(LAB_PATIENT, bad)), claims: { person_id: `${bad}^^^&2.16.840.1.113883.2.9.4.3.2&ISO` } });
    expectRow(a, jwt(m, '/jwt-mandatory-field-malformed', 'Il codice fiscale nel campo person_id non è corretto'), m);
  });
  simTest(`X-06 ${m}: a document type DocumentTypeEnum does not know → 400 /msg/validator "${NULL_DETAIL}"`, async () => {
    const xml = labText().replace('code="11502-2"', 'code="99999-9"');
    const a = await call(target(m), m, { file: await pdfOf(xml), claims: { resource_hl7_type: "('99999-9^^2.16.840.1.113883.6.1')" } });
    expectRow(a, { status: 400, family: fam(m), ...VALIDATOR, detail: NULL_DETAIL }, m);
  });
  simTest(`X-07 ${m}: (type, tipoDocumentoLivAlto) not in the correlation map → 400 /msg/validator "${NO_CORRELATION}"`, async () => {
    expectRow(await call(target(m), m, { body: { tipoDocumentoLivAlto: 'LDO' } }), { status: 400, family: fam(m), ...VALIDATOR, detail: NO_CORRELATION }, m);
  });
}

simTest('X-04 VC: the matching patientRole id has an empty root → counts as not found', async () => {
  const xml = labText().replace(/(<patientRole\b[^>]*>[\s\S]*?<id\b[^>]*?)root="[^"]*"/, '$1root=""');
  expectRow(await call(RT, 'VC', { file: await pdfOf(xml) }), jwt('VC', '/jwt-person-id', 'JWT payload: Person id presente nel JWT differente dal codice fiscale del paziente previsto sul CDA'), 'empty root');
});

simTest('X-06 MD: resource_hl7_type code unknown → the "null" detail; the code is read without parentheses and from the first of a list', async () => {
  expectRow(await call(RT, 'MD', { claims: { resource_hl7_type: "('99999-9^^2.16.840.1.113883.6.1')" } }), { status: 400, family: 'Vn', ...VALIDATOR, detail: NULL_DETAIL }, 'unknown code');
  const id = await publish(RT);
  for (const rht of ['11502-2^^2.16.840.1.113883.6.1', "('11502-2^^2.16.840.1.113883.6.1','34105-7^^2.16.840.1.113883.6.1')"]) {
    const a = await call(RT, 'MD', { pathId: id, claims: { resource_hl7_type: rht } });
    assert.equal(a.status, 200, `${rht}: ${a.text}`);
  }
});

simTest('X-07 MD: a known type with no correlation entry (102033-8), or a class that does not correlate → "no correlation"', async () => {
  const e = { status: 400, family: 'Vn' as const, ...VALIDATOR, detail: NO_CORRELATION };
  expectRow(await call(RT, 'MD', { claims: { resource_hl7_type: "('102033-8^^2.16.840.1.113883.6.1')" } }), e, '102033-8');
  expectRow(await call(RT, 'MD', { body: { tipoDocumentoLivAlto: 'LDO' } }), e, 'LDO for a LAB type');
});
