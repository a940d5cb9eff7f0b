/**
 * The gateway contract (support/gateway/), on its own: claim rules, body rules, identifiers, cross-checks, the error
 * families and the code tables the harness derives from. The simulator and `fse-harness check` apply these; their
 * own tests (test/simulator/, test/preflight/) check them over HTTP and on real documents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractJwtPayload, gsonMap, isValidCfOrCx, METHOD_CLAIMS, OP_RULES, validateClaims, type JwtPayload } from '../../support/gateway/claims.ts';
import { parseRequestBody, isLenientDate, checkIdentificativoRep, DTO_OF, DTO_FIELDS } from '../../support/gateway/body.ts';
import { ASSETTO_ORGANIZZATIVO, CLASS_CODE_BY_LOINC, EVENT_CODES, TIPO_DOCUMENTO_LIV_ALTO } from '../../support/gateway/codes.ts';
import { isValidMasterId, resourceHl7Type, typeCodeOf } from '../../support/gateway/ids.ts';
import { checkCorrelation, checkJwtVsCda, type CdaView } from '../../support/gateway/cross-checks.ts';
import { AppError, familyStatus } from '../../support/gateway/problems.ts';
import { MEF_OID, TEAM_OID } from '../../support/gateway/oids.ts';
import { DOC_TYPE_INFO, docTypeOfLoinc } from '../../support/doctypes.ts';
import { toCx } from '../../support/cf.ts';
import { DOC_TYPES } from '../../support/types.ts';

const opts = { strictBase64Jwt: false, allowSpecialFiscalCode: false };
const thrown = (f: () => unknown): AppError => {
  try { f(); } catch (e) { if (e instanceof AppError) return e; throw e; }
  assert.fail('expected an AppError');
};

test('claims: CF / CX rule incl. the &amp; quirk and other OIDs', () => {
  assert.equal(isValidCfOrCx('RMSLSO31M04Z404R', false), true);
  assert.equal(isValidCfOrCx('rmslso31m04z404r', false), true, 'upper-cased first');
  assert.equal(isValidCfOrCx('RMSLSO31M04Z404X^^^&2.16.840.1.113883.2.9.4.3.2&ISO', false), false);
  assert.equal(isValidCfOrCx('RMSLSO31M04Z404X^^^&amp;2.16.840.1.113883.2.9.4.3.2&amp;ISO', false), true, '&amp; skips the CF check');
  assert.equal(isValidCfOrCx('ANYTHING^^^&2.16.840.1.113883.2.9.4.3.99&ISO', false), true, 'other assigning authority: no check');
  assert.equal(isValidCfOrCx('01386030488', false), false);
  assert.equal(isValidCfOrCx('01386030488', true), true, 'partita IVA with the special-codes switch');
  assert.equal(isValidCfOrCx('STP1234567890123', true), true);
  assert.equal(isValidCfOrCx(null, false), false);
  assert.equal(isValidCfOrCx('RMSLSO31M04Z404X^^^2.16.840.1.113883.2.9.4.3.2', false), true, 'J-15: CF^^^OID without & is accepted');
  assert.equal(isValidCfOrCx('RMSLSO31M04Z404X^^^&', false), true, 'J-15: CF^^^& is accepted');
  assert.equal(isValidCfOrCx('^^^', false), false, 'J-15: no piece at all');
  assert.equal(isValidCfOrCx('', false), false);
});

test('claims: JWT extraction — standard vs url-safe base64, Gson leniency, nulls', () => {
  const payload = { patient_consent: 'true', iat: '1700000000', exp: 1700000300, sub: 'x' };
  const seg = Buffer.from(JSON.stringify({ ...payload, pad: '>>>?' })).toString('base64url');
  assert.equal(extractJwtPayload(`h.${seg}.s`, opts).patient_consent, true);
  assert.equal(extractJwtPayload(`Bearer h.${seg}.s`, opts).iat, 1700000000);
  if (/[-_]/.test(seg)) assert.equal(thrown(() => extractJwtPayload(`h.${seg}.s`, { ...opts, strictBase64Jwt: true })).kind, 'MANDATORY_ELEMENT_ERROR_TOKEN');
  assert.equal(thrown(() => extractJwtPayload('   ', opts)).kind, 'MISSING_TOKEN');
  assert.equal(thrown(() => extractJwtPayload('nodots', opts)).kind, 'MANDATORY_ELEMENT_ERROR_TOKEN');
  // Java split("\\.") drops trailing empty strings: no chunks[1] → "Token JWT non valido." (gateway-impl.md §2.2),
  // not an empty payload decoded into "Il campo jwt payload non è valorizzato".
  for (const v of ['abc.', '.', '..', 'Bearer abc.', `${seg}.`]) {
    const e = thrown(() => extractJwtPayload(v, opts));
    assert.equal(e.kind, 'MANDATORY_ELEMENT_ERROR_TOKEN', v);
    assert.equal(e.detail, 'Token JWT non valido.', v);
    assert.equal(e.instance, '/jwt-mandatory-field-missing', v);
  }
  assert.equal(thrown(() => extractJwtPayload('h..s', opts)).kind, 'INVALID_TOKEN_FIELD', 'an empty chunks[1] between dots is decoded (empty payload)');
  assert.equal(gsonMap('{"aud":["a"]}'), null);
  assert.equal(gsonMap('{"exp":"soon"}'), null);
  assert.equal(gsonMap('{"exp":1.5}'), null);
  assert.equal(gsonMap('[]'), null);
  assert.equal(gsonMap('{"sub":123}')!.sub, '123');
  assert.equal(gsonMap('{"patient_consent":"no"}')!.patient_consent, false, 'Gson: any string but "true" is false');
});

test('claims: delete does not require resource_hl7_type; validation accepts UPDATE', () => {
  const p = gsonMap(JSON.stringify({
    sub: 'RMSLSO31M04Z404R', patient_consent: false, action_id: 'DELETE', locality: 'A^^^^^&1.2&ISO^^^^X', person_id: 'p',
    purpose_of_use: 'update', subject_organization: 'regione toscana', subject_organization_id: '090', subject_role: 'AAS',
    subject_application_id: 'a', subject_application_vendor: 'b', subject_application_version: 'c',
  })) as JwtPayload;
  validateClaims(p, 'DELETE', opts);
  assert.equal(thrown(() => validateClaims({ ...p, action_id: 'UPDATE' }, 'VALIDATION', opts)).detail, 'Il campo purpose_of_use non coerente con operazione richiesta');
  assert.equal(thrown(() => validateClaims({ ...p, subject_organization_id: '999', subject_organization: 'GTW' }, 'DELETE', opts)).detail,
    'I campi subject_organization_id e subject_organization non sono coerenti', 'impl: 999 = MDS, 950 = GTW');
});

test('body: Jackson-like parsing (coercion, enum ordinal, unknown vs conversion) and helpers', () => {
  const b = parseRequestBody('{"identificativoDoc":12,"tipologiaStruttura":0,"priorita":"true"}', 'PublicationCreationReqDTO');
  assert.ok(b);
  assert.equal(b.identificativoDoc, '12');
  assert.equal(b.tipologiaStruttura, 'Ospedale');
  assert.equal(b.priorita, true);
  assert.match(thrown(() => parseRequestBody('{"priorita":true}', 'PublicationUpdateReqDTO')).detail, /^Parametro non riconosciuto .*PublicationUpdateReqDTO$/);
  assert.match(thrown(() => parseRequestBody('{"descriptions":"a^b^c"}', 'PublicationCreationReqDTO')).detail, /^Errore durante la conversione/);
  assert.equal(parseRequestBody('null', 'PublicationCreationReqDTO'), null, 'BD-05: the literal null maps to null (the dispatcher then dereferences it)');
  assert.equal(parseRequestBody('{"identificativoRep":"a"} trailing', 'PublicationCreationReqDTO')!.identificativoRep, 'a', 'BD-04: content after the first JSON value is ignored');
  assert.match(thrown(() => parseRequestBody('', 'PublicationCreationReqDTO')).detail, /^Errore durante la conversione/);
  assert.deepEqual(parseRequestBody('{"x":1,"tipoDocumentoLivAlto":"REF"}', 'PublicationMetadataReqDTO', { ignoreUnknown: true }), { tipoDocumentoLivAlto: 'REF' });
  assert.equal(isValidMasterId(' '), false);
  assert.equal(isValidMasterId('a^b^'), false);
  assert.equal(isValidMasterId('^b'), true);
  assert.equal(isLenientDate('2022010112000'), true);
  assert.equal(isLenientDate('202201011200'), false);
  checkIdentificativoRep('2.16.840.1.113883.2.9.2.90.4.5.1');
  checkIdentificativoRep('2.16.840.1.113883.2.9.2.0.4.5.1');
  assert.equal(thrown(() => checkIdentificativoRep('2.16.840.1.113883.2.9.2.90.4.5')).detail, 'Error: Invalid format for repositoryUniqueId');
  assert.equal(ASSETTO_ORGANIZZATIVO.length, 89);
  assert.equal(EVENT_CODES.length, 233);
});

test('cross-checks: resource_hl7_type against the first <code>, person_id against the patient ids (TEAM skips the CF rule)', () => {
  const view = (root = MEF_OID): CdaView => ({ firstCode: { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' }, patientIds: new Map([['RMSLSO31M04Z404R', root], ['TEAMCARD', TEAM_OID]]) });
  const lab = resourceHl7Type('11502-2', '2.16.840.1.113883.6.1');
  checkJwtVsCda(view(), lab, toCx('RMSLSO31M04Z404R'), false);
  assert.equal(thrown(() => checkJwtVsCda(view(), resourceHl7Type('34105-7', '2.16.840.1.113883.6.1'), toCx('RMSLSO31M04Z404R'), false)).instance, '/jwt-document-type');
  assert.equal(thrown(() => checkJwtVsCda(view(), lab, toCx('MNTMRA03M71C615V'), false)).instance, '/jwt-person-id');
  assert.equal(thrown(() => checkJwtVsCda({ patientIds: new Map() }, lab, null, false)).detail, 'JWT payload: non è stato possibile verificare la tipologia del CDA');
  checkJwtVsCda(view(), lab, 'TEAMCARD^^^&2.16.840.1.113883.2.9.4.3.7&ISO', false);
  checkCorrelation(lab, 'REF');
  assert.equal(thrown(() => checkCorrelation(lab, 'LDO')).detail, "Non c'è correlazione tra tipo documento e tipo documento livello alto");
  assert.equal(thrown(() => checkCorrelation("('102033-8^^2.16.840.1.113883.6.1')", 'REF')).detail, "Non c'è correlazione tra tipo documento e tipo documento livello alto", 'a known type without correlation entry');
  assert.equal(thrown(() => checkCorrelation("('99999-9^^2.16.840.1.113883.6.1')", 'REF')).detail, 'Uno tra tipo documento o tipo documento livello alto risulta essere null', 'X-06: unknown type');
  assert.equal(thrown(() => checkCorrelation(lab, null)).detail, 'Uno tra tipo documento o tipo documento livello alto risulta essere null', 'X-06: class null');
  checkCorrelation('11502-2^^2.16.840.1.113883.6.1', 'REF');
  checkCorrelation('[LOINC_CODE]^^x', 'LET');
  assert.equal(typeCodeOf(lab), '11502-2');
  assert.equal(typeCodeOf('11502-2'), null);
});

test('status families: the same error gets the status of the family that carries it', () => {
  const impl = { missingTokenStatus: 'impl' as const };
  assert.deepEqual(['V', 'P', 'R'].map((f) => familyStatus('MISSING_TOKEN', f as 'V', impl)), [403, 400, 400]);
  assert.deepEqual(['V', 'P', 'R'].map((f) => familyStatus('MANDATORY_ELEMENT_ERROR_TOKEN', f as 'V', impl)), [403, 403, 401]);
  assert.deepEqual(['V', 'P', 'R'].map((f) => familyStatus('SEMANTIC_ERROR', f as 'V', impl)), [422, 400, 422]);
  assert.equal(familyStatus('DOCUMENT_TYPE_ERROR', 'V', impl), 415);
  assert.equal(familyStatus('GENERIC_TIMEOUT', 'P', impl), 504);
  assert.equal(familyStatus('MISSING_TOKEN', 'P', { missingTokenStatus: 'guide' }), 403);
});

test('what each RT method sends passes the claim rules of the operation the gateway runs for it', () => {
  const op = { 'validate-and-create': 'PUBLICATION', replace: 'REPLACE', 'update-metadata': 'UPDATE', delete: 'DELETE' } as const;
  for (const [m, c] of Object.entries(METHOD_CLAIMS) as [keyof typeof op, { action_id: string; purpose_of_use: string }][]) {
    assert.ok(OP_RULES[op[m]].actions.includes(c.action_id), `${m}: action_id ${c.action_id}`);
    assert.ok(OP_RULES[op[m]].purposes.includes(c.purpose_of_use), `${m}: purpose_of_use ${c.purpose_of_use}`);
  }
  assert.deepEqual(Object.keys(DTO_OF).sort(), ['replace', 'update-metadata', 'validate-and-create']);
  for (const dto of Object.values(DTO_OF)) assert.ok(DTO_FIELDS[dto], dto);
});

test('code tables: the nine document types take their classCode from the correlation table; LOINC maps back to the type', () => {
  for (const t of DOC_TYPES) {
    const info = DOC_TYPE_INFO[t];
    assert.equal(info.classCode, CLASS_CODE_BY_LOINC[info.loinc], t);
    assert.ok(TIPO_DOCUMENTO_LIV_ALTO.includes(info.classCode), `${t}: ${info.classCode} is a tipoDocumentoLivAlto`);
    assert.equal(docTypeOfLoinc(info.loinc), t);
  }
  for (const c of Object.values(CLASS_CODE_BY_LOINC)) assert.ok(TIPO_DOCUMENTO_LIV_ALTO.includes(c), c);
  assert.equal(docTypeOfLoinc('18842-5'), undefined, 'a known LOINC outside the nine types');
});
