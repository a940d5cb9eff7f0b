/**
 * validate-and-create: one request per rule, each breaking exactly that rule, with the exact status, type, title,
 * instance, detail and the presence of workflowInstanceId / status asserted (`it-fse-gtw-dispatcher`
 * `PublicationCTL.validateAndCreate`, error catalogue `RestExecutionResultEnum`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from 'undici';
import type { RunningSimulator } from '../../simulator/server.ts';
import { sha256Hex } from '../../support/hash.ts';
import {
  getPki, loadSample, newDocId, publicationBody, sendMultipart, signedPdf, simTest,
  tokens, useSimulator, validCreate, type Answer, type RequestParts, type TokenOptions,
} from './helpers.ts';

const PATH = '/gateway/v2/documents/validate-and-create';
const UNKNOWN = 'UNKNOWN_WORKFLOW_ID';

let sim: RunningSimulator;
let client: Agent;
let simNoBorder: RunningSimulator;

useSimulator({}, (s) => ({ sim, client } = s));
useSimulator({ switches: { border: false, cdaValidation: false } }, (s) => { simNoBorder = s.sim; });

interface Expect {
  status: number; type: string; title: string; instance: string; detail: string;
  /** 'unknown' = UNKNOWN_WORKFLOW_ID, 'cda' = computed from the CDA, 'none' = absent. */
  wii: 'unknown' | 'cda' | 'none';
  /** body `status` present (default true). */
  bodyStatus?: boolean;
}

function expectProblem(a: Answer, e: Expect, label: string): void {
  const j = a.json!;
  assert.equal(a.status, e.status, `${label}: HTTP status (${a.text})`);
  assert.equal(j.type, e.type, `${label}: type`);
  assert.equal(j.title, e.title, `${label}: title`);
  assert.equal(j.instance, e.instance, `${label}: instance`);
  assert.equal(j.detail, e.detail, `${label}: detail`);
  if (e.bodyStatus === false) assert.ok(!('status' in j), `${label}: no status field`);
  else assert.equal(j.status, e.status, `${label}: body status`);
  if (e.wii === 'none') assert.ok(!('workflowInstanceId' in j), `${label}: no workflowInstanceId`);
  else if (e.wii === 'unknown') assert.equal(j.workflowInstanceId, UNKNOWN, `${label}: wii`);
  else assert.match(String(j.workflowInstanceId), /^2\.16\.840\.1\.113883\.2\.9\.2\.120\.4\.4\.[0-9a-f]{64}\.[0-9a-f]{10}\^\^\^\^urn:ihe:iti:xdw:2013:workflowInstanceId$/, `${label}: wii`);
  assert.deepEqual(Object.keys(j).filter((k) => k !== 'workflowInstanceId'), ['traceID', 'spanID', 'type', 'title', 'detail', ...(e.bodyStatus === false ? [] : ['status']), 'instance'], `${label}: key order`);
}

const JWT = { type: '/msg/jwt-validation', title: 'Campo token JWT non valido.' };
const MISSING = '/jwt-mandatory-field-missing';
const MALFORMED = '/jwt-mandatory-field-malformed';
const MAND = { status: 400, type: '/msg/mandatory-element', title: 'Campo obbligatorio non presente.', instance: '/request-missing-field', wii: 'unknown' as const };
const FQCN = 'it.finanze.sanita.fse2.ms.gtw.dispatcher.dto.request.PublicationCreationReqDTO';

type Case = { name: string; tokens?: Partial<TokenOptions>; bodyExtra?: Record<string, unknown>; bodyOmit?: string[]; mutate?: (r: RequestParts & { id: string }) => Promise<void> | void; expect: Expect };

const sig = (o: Record<string, unknown>): Partial<TokenOptions> => ({ signature: o });
const claimMissing = (claim: string): Case => ({
  name: `claim ${claim} missing`, tokens: sig({ [claim]: null }),
  expect: { status: 403, ...JWT, instance: MISSING, detail: `Il campo ${claim} non è valorizzato`, wii: 'unknown' },
});
const claimMalformed = (name: string, o: Record<string, unknown>, detail: string, both = false): Case => ({
  name, tokens: both ? { signature: o, bearer: o } : sig(o),
  expect: { status: 403, ...JWT, instance: MALFORMED, detail, wii: 'unknown' },
});
const mandatory = (field: string, label: string): Case => ({
  name: `body ${field} missing`, bodyOmit: [field],
  expect: { ...MAND, detail: `Il campo ${label} deve essere valorizzato.` },
});

const CASES: Case[] = [
  // --- JWT claims (JwtSRV order) ---
  claimMissing('patient_consent'),
  claimMissing('action_id'),
  { ...claimMissing('locality'), tokens: sig({ locality: '' }) },
  claimMissing('person_id'),
  claimMissing('purpose_of_use'),
  claimMissing('subject_organization'),
  claimMissing('subject_organization_id'),
  claimMissing('subject_role'),
  claimMissing('subject_application_id'),
  claimMissing('subject_application_vendor'),
  claimMissing('subject_application_version'),
  claimMalformed('sub not a valid CF', { sub: 'RMSLSO31M04Z404X^^^&2.16.840.1.113883.2.9.4.3.2&ISO' }, 'Il codice fiscale nel campo sub non è corretto', true),
  claimMalformed('action_id not an enum value', { action_id: 'create' }, 'Il campo action_id non è corretto'),
  claimMalformed('purpose_of_use not an enum value', { purpose_of_use: 'CURA' }, 'Il campo purpose_of_use non è corretto'),
  claimMalformed('subject_role not an enum value', { subject_role: 'XYZ' }, 'Il campo subject_role non è corretto'),
  claimMalformed('subject_organization_id not an enum value', { subject_organization_id: '091' }, 'Il campo subject_organization_id non è corretto'),
  claimMalformed('subject_organization not an enum value', { subject_organization: 'Regione Toscanaa' }, 'Il campo subject_organization non è corretto'),
  claimMalformed('organisation id/display not coherent', { subject_organization: 'Regione Lazio' }, 'I campi subject_organization_id e subject_organization non sono coerenti'),
  claimMalformed('action_id not CREATE', { action_id: 'UPDATE' }, 'Il campo action_id non è coerente con le operazioni richieste'),
  claimMalformed('purpose_of_use not TREATMENT', { purpose_of_use: 'UPDATE' }, 'Il campo purpose_of_use non coerente con operazione richiesta'),
  claimMalformed('locality not XON', { locality: 'STRUTTURA^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^090101' }, 'Il campo Locality non è valorizzato correttamente'),
  { name: 'resource_hl7_type missing', tokens: sig({ resource_hl7_type: null }), expect: { status: 403, ...JWT, instance: MISSING, detail: 'Il campo resource_hl7_type non è valorizzato', wii: 'unknown' } },
  // --- request body ---
  { name: 'body unknown property', bodyExtra: { priority: true }, expect: { ...MAND, detail: `Parametro non riconosciuto all'interno della request nella conversione di ${FQCN}` } },
  { name: 'body bad enum value', bodyExtra: { tipologiaStruttura: 'Hospital' }, expect: { ...MAND, detail: `Errore durante la conversione da json a oggetto ${FQCN}` } },
  { name: 'body not JSON (trailing comma)', mutate: (r) => { r.requestBody = r.requestBody!.replace(/}$/, ',}'); }, expect: { ...MAND, detail: `Errore durante la conversione da json a oggetto ${FQCN}` } },
  { name: 'requestBody part missing', mutate: (r) => { r.requestBody = null; }, expect: { ...MAND, detail: `Errore durante la conversione da json a oggetto ${FQCN}` } },
  mandatory('identificativoDoc', 'identificativo documento'),
  mandatory('identificativoRep', 'identificativo rep'),
  mandatory('tipoDocumentoLivAlto', 'tipo documento liv alto'),
  mandatory('assettoOrganizzativo', 'assetto organizzativo'),
  mandatory('tipoAttivitaClinica', 'tipo attivita clinica'),
  mandatory('identificativoSottomissione', 'identificativo sottomissione'),
  mandatory('tipologiaStruttura', 'tipologia struttura'),
  { name: 'descriptions wrong shape', bodyExtra: { descriptions: ['019655^Bentelan'] }, expect: { ...MAND, detail: 'Valorizzare correttamente il campo descriptions rispettando la forma: [CODICE]^[Descrizione]^[OID]' } },
  { name: 'descriptions regional OID (reference bug)', bodyExtra: { descriptions: ['A1^Prestazione^2.16.840.1.113883.2.9.2.90.6.1.11'] }, expect: { ...MAND, detail: 'Valorizzare correttamente il campo descriptions rispettando i valori di riferimento per gli OID' } },
  { name: 'atti clinici: last bad code reported', bodyExtra: { attiCliniciRegoleAccesso: ['P99', 'XX1', 'YY2'] }, expect: { ...MAND, detail: 'Il campo atti clinici YY2 non è consentito' } },
  { name: 'dataInizioPrestazione too short', bodyExtra: { dataInizioPrestazione: '20260101' }, expect: { status: 400, type: '/msg/invalid-format', title: 'Formato campo non valido.', instance: '/request-invalid-date-format', detail: 'Il campo data inizio deve essere valorizzato correttamente', wii: 'unknown' } },
  { name: 'dataFinePrestazione not digits', bodyExtra: { dataFinePrestazione: '2026-01-01T10:00:00' }, expect: { status: 400, type: '/msg/invalid-format', title: 'Formato campo non valido.', instance: '/request-invalid-date-format', detail: 'Il campo data fine deve essere valorizzato correttamente', wii: 'unknown' } },
  { name: 'identificativoDoc without ^', bodyExtra: { identificativoDoc: '2.16.840.1.113883.2.9.2.90.4.4' }, expect: { status: 400, type: '/msg/id-doc', title: 'Campo id documento non valido', instance: '/invalid-id', detail: "L'identificativo documento non è valido", wii: 'unknown' } },
  { name: 'identificativoDoc ending with ^', bodyExtra: { identificativoDoc: '2.16.840.1.113883.2.9.2.90.4.4^' }, expect: { status: 400, type: '/msg/id-doc', title: 'Campo id documento non valido', instance: '/invalid-id', detail: "L'identificativo documento non è valido", wii: 'unknown' } },
  // --- file ---
  { name: 'file part missing', mutate: (r) => { r.file = null; }, expect: { status: 400, type: '/msg/generic-error', title: 'Errore generico.', instance: '', detail: "Required part 'file' is not present.", wii: 'none' } },
  { name: 'file empty', mutate: (r) => { r.file = Buffer.alloc(0); }, expect: { status: 400, type: '/msg/empty-file', title: 'File vuoto.', instance: '/empty-multipart-file', detail: 'File vuoto.', wii: 'unknown' } },
  { name: 'file not a PDF', mutate: (r) => { r.file = Buffer.from('<?xml version="1.0"?><ClinicalDocument/>'); }, expect: { status: 415, type: '/msg/document-type', title: 'Il documento non è pdf.', instance: '/multipart-file', detail: 'Il documento non è pdf.', wii: 'unknown' } },
  {
    name: 'PDF not signed',
    mutate: async (r) => { r.file = await signedPdf(loadSample('LAB').xml, { unsigned: true }); },
    expect: { status: 400, type: '/msg/sign-error', title: 'Sign error', instance: '/msg/sign-error', detail: 'Il pdf non risulta firmato', wii: 'unknown' },
  },
  {
    name: 'PDF signature broken (byte changed after signing)',
    mutate: (r) => {
      const f = Buffer.from(r.file!);
      const i = f.indexOf('<x:xmpmeta');
      assert.ok(i > 0, 'test PDF has uncompressed XMP metadata inside the signed range');
      f[i + 3] = f[i + 3] === 0x78 ? 0x79 : 0x78;
      r.file = f;
    },
    expect: { status: 400, type: '/msg/sign-error', title: 'Sign error', instance: '/msg/sign-error', detail: 'La firma del pdf non risulta valida', wii: 'unknown' },
  },
  { name: 'CDA not found with mode RESOURCE', bodyExtra: { mode: 'RESOURCE' }, expect: { status: 400, type: '/msg/cda-element', title: 'Errore in fase di estrazione del CDA.', instance: '/cda-extraction', detail: 'Error while extracting CDA from PDF document', wii: 'unknown' } },
  // --- JWT ↔ CDA ---
  { name: 'resource_hl7_type differs from the CDA code', tokens: sig({ resource_hl7_type: "('11488-4^^2.16.840.1.113883.6.1')" }), expect: { status: 403, ...JWT, instance: '/jwt-document-type', detail: 'JWT payload: Tipologia documento diversa dalla tipologia di CDA (code - codesystem)', wii: 'unknown' } },
  { name: 'resource_hl7_type without parentheses', tokens: sig({ resource_hl7_type: '11502-2^^2.16.840.1.113883.6.1' }), expect: { status: 403, ...JWT, instance: '/jwt-document-type', detail: 'JWT payload: Tipologia documento diversa dalla tipologia di CDA (code - codesystem)', wii: 'unknown' } },
  { name: 'person_id not the CDA patient', tokens: sig({ person_id: 'RMSLSO31M04Z404R^^^&2.16.840.1.113883.2.9.4.3.2&ISO' }), expect: { status: 403, ...JWT, instance: '/jwt-person-id', detail: 'JWT payload: Person id presente nel JWT differente dal codice fiscale del paziente previsto sul CDA', wii: 'unknown' } },
  {
    name: 'person_id equal to an invalid CF in the CDA',
    mutate: async (r) => {
      const pki = await getPki();
      const bad = 'GTWGWY82B42G920X';
      const xml = Buffer.from(loadSample('LAB').xml.toString('utf8').replaceAll('GTWGWY82B42G920M', bad));
      r.file = await signedPdf(xml);
      const t = await tokens({ op: 'create', signer: pki.sign, patientCf: bad, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: sha256Hex(r.file) });
      r.bearer = t.bearer; r.signature = t.signature;
    },
    expect: { status: 403, ...JWT, instance: MALFORMED, detail: 'Il codice fiscale nel campo person_id non è corretto', wii: 'unknown' },
  },
  { name: 'tipoDocumentoLivAlto not correlated with the LOINC code', bodyExtra: { tipoDocumentoLivAlto: 'LDO' }, expect: { status: 400, type: '/msg/validator', title: 'Errore di validazione', instance: '/msg/validator', detail: "Non c'è correlazione tra tipo documento e tipo documento livello alto", wii: 'unknown' } },
  // --- publication phase (family P: no wii) ---
  { name: 'attachment_hash wrong', tokens: sig({ attachment_hash: 'ab'.repeat(32) }), expect: { status: 400, type: '/msg/document-hash', title: 'Verifica hash fallita.', instance: '/jwt-hash-match', detail: 'Verifica hash fallita.', wii: 'none' } },
  { name: 'attachment_hash in base64', mutate: async (r) => { const pki = await getPki(); const t = await tokens({ op: 'create', signer: pki.sign, patientCf: 'GTWGWY82B42G920M', resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: Buffer.from(sha256Hex(r.file!), 'hex').toString('base64') }); r.bearer = t.bearer; r.signature = t.signature; }, expect: { status: 400, type: '/msg/document-hash', title: 'Verifica hash fallita.', instance: '/jwt-hash-match', detail: 'Verifica hash fallita.', wii: 'none' } },
  { name: 'identificativoRep with an unknown region', bodyExtra: { identificativoRep: '2.16.840.1.113883.2.9.2.91.4.5.999' }, expect: { status: 400, type: '/msg/generic-error', title: 'Errore generico.', instance: '/request-invalid-date-format', detail: 'Error: Invalid format for repositoryUniqueId', wii: 'none' } },
  { name: 'identificativoRep not a .4.5. OID', bodyExtra: { identificativoRep: '2.16.840.1.113883.2.9.2.90.4.4.999' }, expect: { status: 400, type: '/msg/generic-error', title: 'Errore generico.', instance: '/request-invalid-date-format', detail: 'Error: Invalid format for repositoryUniqueId', wii: 'none' } },
];

for (const c of CASES) {
  simTest(`validate-and-create rule: ${c.name}`, async () => {
    const r = await validCreate({ tokens: c.tokens, bodyExtra: c.bodyExtra, bodyOmit: c.bodyOmit });
    if (c.mutate) await c.mutate(r);
    const a = await sendMultipart(client, sim, 'POST', PATH, r);
    expectProblem(a, c.expect, c.name);
  });
}

simTest('validate-and-create: valid request → 202 {traceID, spanID, workflowInstanceId}, no warning', async () => {
  const r = await validCreate();
  const a = await sendMultipart(client, sim, 'POST', PATH, r);
  assert.equal(a.status, 202, a.text);
  assert.deepEqual(Object.keys(a.json!), ['traceID', 'spanID', 'workflowInstanceId']);
  assert.match(String(a.json!.workflowInstanceId), /^2\.16\.840\.1\.113883\.2\.9\.2\.120\.4\.4\.97bb3fc5bee3032679f4f07419e04af6375baafa17024527a98ede920c6812ed\.[0-9a-f]{10}\^\^\^\^urn:ihe:iti:xdw:2013:workflowInstanceId$/);
  assert.ok(sim.registry.has(r.id));
});

simTest('validate-and-create: tolerated variants (lenient date, lowercase purpose, uppercase hash, mode omitted, RESOURCE mode)', async () => {
  const pki = await getPki();
  const variants: Array<Parameters<typeof validCreate>[0]> = [
    { bodyExtra: { dataInizioPrestazione: '2026010112000' } },
    { bodyExtra: { dataFinePrestazione: '20221301120000Z' } },
    { tokens: { signature: { purpose_of_use: 'treatment' } } },
    { bodyOmit: ['mode'] },
    { mode: 'RESOURCE' },
    { bodyExtra: { attiCliniciRegoleAccesso: ['p99', 'J07BN'], descriptions: ['019655^Bentelan^2.16.840.1.113883.2.9.6.1.5'] } },
  ];
  for (const v of variants) {
    const r = await validCreate(v);
    const a = await sendMultipart(client, sim, 'POST', PATH, r);
    assert.equal(a.status, 202, `${JSON.stringify(v)} → ${a.text}`);
    assert.ok(!('warning' in a.json!), 'E3 adds no extraction warning');
  }
  const r = await validCreate();
  const t = await tokens({ op: 'create', signer: pki.sign, patientCf: r.sample.patientCf, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: sha256Hex(r.file!).toUpperCase() });
  const a = await sendMultipart(client, sim, 'POST', PATH, { ...r, ...t });
  assert.equal(a.status, 202, a.text);
});

simTest('validate-and-create: the same identificativoDoc twice is accepted (no 409 anywhere)', async () => {
  const id = newDocId();
  for (let i = 0; i < 2; i++) {
    const a = await sendMultipart(client, sim, 'POST', PATH, await validCreate({ id }));
    assert.equal(a.status, 202, a.text);
  }
});

// ---------------------------------------------------------------- dispatcher-only token errors (border off)

simTest('border off: token errors reach the dispatcher (family V → 403)', async () => {
  const { client: c2 } = await startTestSimulatorClient();
  try {
    const r = await validCreate();
    const cases: Array<[string | undefined, Expect]> = [
      [undefined, { status: 403, type: '/msg/missing-token', title: 'Token non fornito.', instance: '/missing-jwt', detail: 'Attenzione il jwt fornito risulta essere vuoto', wii: 'unknown' }],
      ['garbage', { status: 403, type: '/msg/mandatory-element-token', title: 'Token JWT non valido.', instance: MISSING, detail: 'Token JWT non valido.', wii: 'unknown' }],
      [`x.${Buffer.from('{"aud":["a","b"]}').toString('base64url')}.y`, { status: 403, ...JWT, instance: MISSING, detail: 'Il campo jwt payload non è valorizzato', wii: 'unknown' }],
    ];
    for (const [header, e] of cases) {
      const a = await sendMultipart(c2, simNoBorder, 'POST', PATH, { ...r, bearer: undefined, signature: header });
      expectProblem(a, e, `header ${String(header).slice(0, 20)}`);
    }
    // TS issuer skips PAdES (only reachable without the border, which requires iss = integrity:<CN>).
    const unsigned = await signedPdf(r.sample.xml, { unsigned: true });
    const pki = await getPki();
    const t = await tokens({ op: 'create', signer: pki.sign, patientCf: r.sample.patientCf, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: sha256Hex(unsigned), signature: { iss: 'integrity:S1#TS' } });
    const a = await sendMultipart(c2, simNoBorder, 'POST', PATH, { ...r, file: unsigned, signature: t.signature, bearer: undefined });
    assert.equal(a.status, 202, a.text);
  } finally {
    await c2.close();
  }
});

async function startTestSimulatorClient(): Promise<{ client: Agent }> {
  const { mtlsAgent } = await import('./helpers.ts');
  const pki = await getPki();
  return { client: mtlsAgent(pki, pki.auth) };
}

test('publicationBody helper produces a body the simulator accepts field by field', () => {
  const b = JSON.parse(publicationBody({ id: 'x^y' })) as Record<string, unknown>;
  assert.equal(b.identificativoDoc, 'x^y');
});
