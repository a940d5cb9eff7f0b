/**
 * docs/gateway-conditions.md §4.1 — JWT extraction and claims (J-01…J-25), for every method column of the table:
 * VC and RP family V (403, UNKNOWN_WORKFLOW_ID), RP4 family P, MD family V without workflowInstanceId, DL family R
 * (no status; an undecodable token 401, a missing one 400). One test per row and method, the row id first.
 * J-01…J-03 are reachable only without the border (GovWay refuses a missing or broken token first: B-01, B-02).
 */
import assert from 'node:assert/strict';
import { simTest, useSimulator } from '../helpers.ts';
import { call, expectRow, type Change, type Family, type Method, type Target } from './lib.ts';

const RT: Target = {} as Target;
const RP4: Target = {} as Target;
const RT_NO_BORDER: Target = {} as Target;
const RP4_NO_BORDER: Target = {} as Target;
useSimulator({}, (s) => Object.assign(RT, s));
useSimulator({ switches: { replaceRequiresPriorValidation: true } }, (s) => Object.assign(RP4, s));
useSimulator({ switches: { border: false } }, (s) => Object.assign(RT_NO_BORDER, s));
useSimulator({ switches: { border: false, replaceRequiresPriorValidation: true } }, (s) => Object.assign(RP4_NO_BORDER, s));

const METHODS: Method[] = ['VC', 'RP', 'RP4', 'MD', 'DL'];
const FAMILY: Record<Method, Family> = { VC: 'V', RP: 'V', RP4: 'P', MD: 'Vn', DL: 'R' };
type Kind = 'MISSING_TOKEN' | 'MANDATORY_ELEMENT_ERROR_TOKEN' | 'INVALID_TOKEN_FIELD';
const STATUS: Record<Kind, Record<Method, number>> = {
  MISSING_TOKEN: { VC: 403, RP: 403, RP4: 400, MD: 403, DL: 400 },
  MANDATORY_ELEMENT_ERROR_TOKEN: { VC: 403, RP: 403, RP4: 403, MD: 403, DL: 401 },
  INVALID_TOKEN_FIELD: { VC: 403, RP: 403, RP4: 403, MD: 403, DL: 403 },
};
const TYPE: Record<Kind, { type: string; title: string }> = {
  MISSING_TOKEN: { type: '/msg/missing-token', title: 'Token non fornito.' },
  MANDATORY_ELEMENT_ERROR_TOKEN: { type: '/msg/mandatory-element-token', title: 'Token JWT non valido.' },
  INVALID_TOKEN_FIELD: { type: '/msg/jwt-validation', title: 'Campo token JWT non valido.' },
};

interface JRow { id: string; what: string; kind: Kind; instance: string; detail: string; change: (m: Method) => Change; noBorder?: boolean; methods?: Method[] }

const MISSING = '/jwt-mandatory-field-missing';
const MALFORMED = '/jwt-mandatory-field-malformed';
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

const ROWS: JRow[] = [
  { id: 'J-01', what: 'header absent', kind: 'MISSING_TOKEN', instance: '/missing-jwt', detail: 'Attenzione il jwt fornito risulta essere vuoto', change: () => ({ signatureHeader: null, noBearer: true }), noBorder: true },
  { id: 'J-02', what: 'payload cannot be decoded (no dot)', kind: 'MANDATORY_ELEMENT_ERROR_TOKEN', instance: MISSING, detail: 'Token JWT non valido.', change: () => ({ signatureHeader: 'garbage', noBearer: true }), noBorder: true },
  { id: 'J-02', what: 'payload cannot be decoded (only a trailing dot: Java split drops the empty segment [1])', kind: 'MANDATORY_ELEMENT_ERROR_TOKEN', instance: MISSING, detail: 'Token JWT non valido.', change: () => ({ signatureHeader: 'abc.', noBearer: true }), noBorder: true },
  { id: 'J-03', what: 'payload not mappable by Gson (aud an array)', kind: 'INVALID_TOKEN_FIELD', instance: MISSING, detail: 'Il campo jwt payload non è valorizzato', change: () => ({ signatureHeader: `x.${b64({ aud: ['a', 'b'] })}.y`, noBearer: true }), noBorder: true },
  { id: 'J-04', what: 'patient_consent absent', kind: 'INVALID_TOKEN_FIELD', instance: MISSING, detail: 'Il campo patient_consent non è valorizzato', change: () => ({ claims: { patient_consent: null } }) },
  ...(['action_id', 'locality', 'person_id', 'purpose_of_use', 'subject_organization', 'subject_organization_id', 'subject_role',
    'subject_application_id', 'subject_application_vendor', 'subject_application_version'] as const).map((c): JRow => ({
    id: 'J-05…J-14', what: `${c} absent`, kind: 'INVALID_TOKEN_FIELD', instance: MISSING, detail: `Il campo ${c} non è valorizzato`, change: () => ({ claims: { [c]: null } }),
  })),
  { id: 'J-15', what: 'sub not a valid CF under the MEF OID', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il codice fiscale nel campo sub non è corretto', change: () => ({ claims: { sub: 'RMSLSO31M04Z404X^^^&2.16.840.1.113883.2.9.4.3.2&ISO' }, bearer: { sub: 'RMSLSO31M04Z404X^^^&2.16.840.1.113883.2.9.4.3.2&ISO' } }) },
  { id: 'J-16', what: 'action_id not an ActionEnum value (case)', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il campo action_id non è corretto', change: () => ({ claims: { action_id: 'create' } }) },
  { id: 'J-17', what: 'purpose_of_use not a PurposeOfUseEnum value', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il campo purpose_of_use non è corretto', change: () => ({ claims: { purpose_of_use: 'CURA' } }) },
  { id: 'J-18', what: 'subject_role not a RoleEnum code', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il campo subject_role non è corretto', change: () => ({ claims: { subject_role: 'XYZ' } }) },
  { id: 'J-19', what: 'subject_organization_id unknown', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il campo subject_organization_id non è corretto', change: () => ({ claims: { subject_organization_id: '091' } }) },
  { id: 'J-20', what: 'subject_organization unknown', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il campo subject_organization non è corretto', change: () => ({ claims: { subject_organization: 'Regione Toscanaa' } }) },
  { id: 'J-21', what: 'organisation id and display of different entries', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'I campi subject_organization_id e subject_organization non sono coerenti', change: () => ({ claims: { subject_organization: 'Regione Lazio' } }) },
  { id: 'J-22', what: 'action_id not allowed for the operation', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il campo action_id non è coerente con le operazioni richieste', change: (m) => ({ claims: { action_id: m === 'VC' || m === 'DL' ? 'UPDATE' : 'CREATE' } }) },
  { id: 'J-23', what: 'purpose_of_use not allowed for the operation', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il campo purpose_of_use non coerente con operazione richiesta', change: (m) => ({ claims: { purpose_of_use: m === 'VC' ? 'UPDATE' : m === 'MD' || m === 'DL' ? 'TREATMENT' : 'PERSONAL' } }) },
  { id: 'J-24', what: 'locality not HL7 XON', kind: 'INVALID_TOKEN_FIELD', instance: MALFORMED, detail: 'Il campo Locality non è valorizzato correttamente', change: () => ({ claims: { locality: 'STRUTTURA^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090101' } }) },
  { id: 'J-25', what: 'resource_hl7_type absent (not checked on delete)', kind: 'INVALID_TOKEN_FIELD', instance: MISSING, detail: 'Il campo resource_hl7_type non è valorizzato', change: () => ({ claims: { resource_hl7_type: null } }), methods: ['VC', 'RP', 'RP4', 'MD'] },
];

for (const row of ROWS) {
  for (const m of row.methods ?? METHODS) {
    simTest(`${row.id} ${m}: ${row.what} → ${STATUS[row.kind][m]} family ${FAMILY[m]} ${TYPE[row.kind].type}`, async () => {
      const t = row.noBorder ? (m === 'RP4' ? RP4_NO_BORDER : RT_NO_BORDER) : (m === 'RP4' ? RP4 : RT);
      const a = await call(t, m, row.change(m));
      expectRow(a, { status: STATUS[row.kind][m], family: FAMILY[m], ...TYPE[row.kind], instance: row.instance, detail: row.detail }, `${row.id} ${m}`);
    });
  }
}

simTest('J-25 DL: resource_hl7_type is not required on delete (the request goes on to INI: 404 for an unknown id)', async () => {
  const a = await call(RT, 'DL', { claims: { resource_hl7_type: null } });
  expectRow(a, { status: 404, family: 'P', type: '/msg/record-not-found', title: 'Record non trovato.', instance: '', detail: 'IniException: No record found' }, 'DL');
});

simTest('J-15 VC: sub/person_id accepted in the reference forms CF^^^OID without &, CF^^^&, another assigning authority', async () => {
  for (const sub of ['RMSLSO31M04Z404R^^^2.16.840.1.113883.2.9.4.3.2', 'RMSLSO31M04Z404R^^^&', 'ANYTHING^^^&2.16.840.1.113883.2.9.4.3.99&ISO']) {
    const a = await call(RT, 'VC', { claims: { sub }, bearer: { sub } });
    assert.equal(a.status, 202, `${sub}: ${a.text}`);
  }
  const p = await call(RT, 'VC', { claims: { person_id: 'GTWGWY82B42G920M^^^2.16.840.1.113883.2.9.4.3.2' } });
  assert.equal(p.status, 202, `person_id without &: ${p.text}`);
});
