/**
 * docs/gateway-conditions.md §3.2 — GovWay border (B-01…B-14): one test per row (the row id leads the test name),
 * answers checked with expectRow (status, GovWay body keys, type, title, detail; no traceID, no instance).
 */
import assert from 'node:assert/strict';
import { getPki, simTest, useSimulator } from '../helpers.ts';
import { call, expectRow, FQCN_CREATE, GW, metadataJson, publish, type Target } from './lib.ts';

const DEFAULT: Target = {} as Target;
const NATIONAL_CERTS: Target = {} as Target;
const NO_CONTENT: Target = {} as Target;
const UPSTREAM_PARTS: Target = {} as Target;
const TOKENS_MATCH: Target = {} as Target;
useSimulator({}, (s) => Object.assign(DEFAULT, s));
useSimulator({ switches: { tokensMustMatch: true } }, (s) => Object.assign(TOKENS_MATCH, s));
useSimulator({ switches: { allowSingleCertificate: false } }, (s) => Object.assign(NATIONAL_CERTS, s));
useSimulator({ switches: { openApiConformance: false } }, (s) => Object.assign(NO_CONTENT, s));
useSimulator({ switches: { requestBodyJsonContentType: false } }, (s) => Object.assign(UPSTREAM_PARTS, s));

const IRC = { status: 400, family: 'GW' as const, title: 'InvalidRequestContent' };
const P = 'Request content not conform to API specification: ';
const VC_REF = '#/components/schemas/ValidateAndCreateDTO';

simTest('B-01 VC, MD, DL: a token missing or misnamed → 401 TokenAuthenticationRequired "A token is required"', async () => {
  const e = { status: 401, family: 'GW' as const, title: 'TokenAuthenticationRequired', detail: 'A token is required' };
  expectRow(await call(DEFAULT, 'VC', { noBearer: true }), e, 'VC without bearer');
  expectRow(await call(DEFAULT, 'VC', { signatureHeader: null }), e, 'VC without FSE-JWT-Signature');
  expectRow(await call(DEFAULT, 'MD', { signatureHeader: null }), e, 'MD without FSE-JWT-Signature');
  expectRow(await call(DEFAULT, 'DL', { noBearer: true }), e, 'DL without bearer');
});

simTest('B-02 VC, DL: a token that does not verify → 401 TokenAuthenticationFailed "Invalid token" + WWW-Authenticate', async () => {
  const pki = await getPki();
  const e = { status: 401, family: 'GW' as const, title: 'TokenAuthenticationFailed', detail: 'Invalid token' };
  const check = (a: Awaited<ReturnType<typeof call>>, label: string): void => {
    expectRow(a, e, label);
    assert.equal(a.headers['www-authenticate'], 'Bearer realm="FSE-JWT-Signature", error="invalid_token", error_description="Token invalid"', label);
  };
  const now = Math.floor(Date.now() / 1000);
  const x5c = pki.sign.certDer.toString('base64');
  check(await call(DEFAULT, 'VC', { signatureHeader: 'not.a.jwt' }), 'garbage token');
  check(await call(DEFAULT, 'VC', { claims: { exp: now - 3600, iat: now - 7200 } }), 'expired');
  check(await call(DEFAULT, 'DL', { claims: { aud: 'https://example.invalid/' } }), 'wrong aud');
  const { signJwt } = await import('../helpers.ts');
  const header = (x: unknown) => ({ alg: 'RS256', typ: 'JWT', x5c: x });
  const payload = { iss: `integrity:${pki.sign.cn}`, sub: 'x', aud: 'https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1', iat: now, exp: now + 300 };
  check(await call(DEFAULT, 'VC', { signatureHeader: await signJwt(header(x5c), payload, pki.other.sign.keyPem) }), 'signed with another key');
  check(await call(DEFAULT, 'VC', { signatureHeader: await signJwt(header(x5c), payload, pki.sign.keyPem).then(() => signJwt(header(x5c.slice(0, 40)), payload, pki.sign.keyPem)) }), 'x5c not a certificate');
  check(await call(DEFAULT, 'VC', { signatureHeader: await signJwt(header(`${x5c.slice(0, 64)}\r\n${x5c.slice(64)}`), payload, pki.sign.keyPem) }), 'x5c with an embedded \\r\\n (#343)');
  check(await call(DEFAULT, 'VC', { signatureHeader: await signJwt(header(x5c), payload, pki.sign.keyPem).then((t) => t.replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'RS256', x5c })).toString('base64url'))) }), 'x5c a string, not a list (#2913)');
});

simTest('B-03 VC: iss not auth:/integrity:<CN>, doubled prefix → 403 AuthorizationContentDeny; sub differing between the tokens only with tokensMustMatch; tokens signed with the authentication certificate: 403 on the national border, accepted in RT single-certificate mode', async () => {
  const pki = await getPki();
  const e = { status: 403, family: 'GW' as const, title: 'AuthorizationContentDeny', detail: 'Unauthorized request content' };
  expectRow(await call(DEFAULT, 'VC', { claims: { iss: pki.sign.cn } }), e, 'signature iss without integrity:');
  expectRow(await call(DEFAULT, 'VC', { claims: { iss: `integrity:integrity:${pki.sign.cn}` } }), e, 'doubled prefix (#42)');
  expectRow(await call(DEFAULT, 'VC', { claims: { iss: `integrity:${pki.sign.cn.toLowerCase()}` } }), e, 'CN case (#48)');
  // Not a documented rule (gateway-impl.md §7: iss ↔ CN only; gateway-spec.md A9 "not stated"): opt-in.
  const otherSub = { bearer: { sub: 'MNTMRA03M71C615V^^^&2.16.840.1.113883.2.9.4.3.2&ISO' } };
  const subDefault = await call(DEFAULT, 'VC', otherSub);
  assert.equal(subDefault.status, 202, `sub differs, default: ${subDefault.text}`);
  expectRow(await call(TOKENS_MATCH, 'VC', otherSub), e, 'sub differs, tokensMustMatch=true');
  // #183: tokens signed with the authentication (A1#) certificate, which is also the TLS client certificate.
  const { tokens, sendMultipart, validCreate } = await import('../helpers.ts');
  const r = await validCreate();
  const t = await tokens({ op: 'create', signer: pki.auth, patientCf: r.sample.patientCf, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: (await import('../../../support/hash.ts')).sha256Hex(r.file!) });
  expectRow(await sendMultipart(NATIONAL_CERTS.client, NATIONAL_CERTS.sim, 'POST', '/gateway/v2/documents/validate-and-create', { ...r, ...t }), e, 'A1# certificate, allowSingleCertificate=false');
  const rt = await sendMultipart(DEFAULT.client, DEFAULT.sim, 'POST', '/gateway/v2/documents/validate-and-create', { ...r, ...t });
  assert.equal(rt.status, 202, `RT single-certificate mode accepts the TLS certificate as signer: ${rt.text}`);
});

simTest('B-04 VC: Content-Type with charset before boundary → 400 InvalidRequestContent "…: UTF-8;boundary=<b>"', async () => {
  const a = await call(DEFAULT, 'VC', { contentType: 'multipart/form-data;charset=UTF-8;boundary={boundary}' });
  expectRow(a, { ...IRC, detail: /^Request content not conform to API specification: UTF-8;boundary=----cond-[0-9a-f]{16}$/ }, 'charset first');
  const ok = await call(DEFAULT, 'VC', { contentType: 'multipart/form-data; boundary={boundary}; charset=UTF-8' });
  assert.equal(ok.status, 202, `charset last is read correctly: ${ok.text}`);
});

simTest('B-05 VC: requestBody part without Content-Type: application/json → 1027 "found \'string\'" + one 1026 block per required field', async () => {
  const req = ['assettoOrganizzativo', 'identificativoDoc', 'identificativoRep', 'identificativoSottomissione', 'tipoAttivitaClinica', 'tipoDocumentoLivAlto', 'tipologiaStruttura'];
  const detail = `${P}Validation error(s) :\nbody.requestBody: Type expected 'object', found 'string'. (code: 1027)\nFrom: body.requestBody.<${VC_REF}>.<type>\n`
    + req.map((f) => `body.requestBody: Field '${f}' is required. (code: 1026)\nFrom: body.requestBody.<${VC_REF}>.<required>\n`).join('');
  expectRow(await call(DEFAULT, 'VC', { requestBodyContentType: null }), { ...IRC, detail }, 'no part Content-Type');
  expectRow(await call(DEFAULT, 'VC', { requestBodyContentType: 'text/plain' }), { ...IRC, detail }, 'text/plain part');
  const upstream = await call(UPSTREAM_PARTS, 'VC', { requestBodyContentType: null });
  assert.equal(upstream.status, 202, `switch requestBodyJsonContentType=false: an unlabelled part is read as JSON: ${upstream.text}`);
});

simTest('B-06 VC: requestBody part not parseable as JSON → code 201 with the Jackson exception', async () => {
  const a = await call(DEFAULT, 'VC', { rawBody: '{a:1}' });
  expectRow(a, { ...IRC, detail: /^Request content not conform to API specification: Validation error\(s\) :\nAn error occurred when getting the body content from type 'multipart\/form-data; boundary=[^']+'\.\ncom\.fasterxml\.jackson\.core\.JsonParseException: Unexpected character \('a' \(code 97\)\): was expecting double-quote to start field name\n at \[Source: \(org\.apache\.commons\.fileupload\.MultipartStream\$ItemInputStream\); line: 1, column: 3\] \(code: 201\)\n$/ }, 'JSON syntax');
});

simTest('B-07 VC: requestBody part absent → body: Field \'requestBody\' is required (1026); file absent likewise', async () => {
  expectRow(await call(DEFAULT, 'VC', { rawBody: null }), { ...IRC, detail: `${P}Validation error(s) :\nbody: Field 'requestBody' is required. (code: 1026)\nFrom: body.<required>\n` }, 'no requestBody');
  expectRow(await call(DEFAULT, 'VC', { file: null }), { ...IRC, detail: `${P}Validation error(s) :\nbody: Field 'file' is required. (code: 1026)\nFrom: body.<required>\n` }, 'no file');
});

simTest('B-08 VC, MD: a value outside its enum (including "") → 1006, every violation listed in one answer', async () => {
  const a = await call(DEFAULT, 'VC', { body: { tipologiaStruttura: 'OSP', mode: 'FILE', administrativeRequest: ['SSN', 'XYZ'] } });
  expectRow(a, { ...IRC, detail: `${P}Validation error(s) :\n`
    + `body.requestBody.administrativeRequest.1: Value 'XYZ' is not defined in the schema. (code: 1006)\nFrom: body.requestBody.<${VC_REF}>.administrativeRequest.1.<items>.<enum>\n`
    + `body.requestBody.tipologiaStruttura: Value 'OSP' is not defined in the schema. (code: 1006)\nFrom: body.requestBody.<${VC_REF}>.tipologiaStruttura.<enum>\n`
    + `body.requestBody.mode: Value 'FILE' is not defined in the schema. (code: 1006)\nFrom: body.requestBody.<${VC_REF}>.mode.<enum>\n` }, 'three enum errors (#2913)');
  const md = await call(DEFAULT, 'MD', { body: { tipoAttivitaClinica: '' } });
  expectRow(md, { ...IRC, detail: `${P}Validation error(s) :\nbody.tipoAttivitaClinica: Value '' is not defined in the schema. (code: 1006)\nFrom: body.tipoAttivitaClinica.<enum>\n` }, 'metadata "" (#262)');
});

simTest('B-09 VC, RP, MD: a property outside the schema → 1000 (workflowInstanceId and priorita on validate-and-create, workflowInstanceId on RT replace, an unknown metadata field, an extra multipart part)', async () => {
  const add = (where: string, name: string, ref?: string): string => `${P}Validation error(s) :\n${where}: Additional property '${name}' is not allowed. (code: 1000)\nFrom: ${where}${ref ? `.<${ref}>` : ''}.<additionalProperties>\n`;
  expectRow(await call(DEFAULT, 'VC', { body: { workflowInstanceId: 'x' } }), { ...IRC, detail: add('body.requestBody', 'workflowInstanceId', VC_REF) }, 'VC workflowInstanceId');
  expectRow(await call(DEFAULT, 'VC', { body: { priorita: true } }), { ...IRC, detail: add('body.requestBody', 'priorita', VC_REF) }, 'VC priorita');
  expectRow(await call(DEFAULT, 'RP', { body: { workflowInstanceId: 'x' } }), { ...IRC, detail: add('body.requestBody', 'workflowInstanceId', '#/components/schemas/ValidateAndReplaceDTO') }, 'RP workflowInstanceId');
  expectRow(await call(DEFAULT, 'MD', { body: { campoSconosciuto: 'x' } }), { ...IRC, detail: add('body', 'campoSconosciuto') }, 'MD unknown field');
  expectRow(await call(DEFAULT, 'VC', { extraParts: [{ name: 'mode', value: 'XYZ' }] }), { ...IRC, detail: add('body', 'mode') }, 'extra part');
});

simTest('B-10 VC, MD: a required property missing → 1026', async () => {
  expectRow(await call(DEFAULT, 'VC', { omit: ['identificativoDoc'] }), { ...IRC, detail: `${P}Validation error(s) :\nbody.requestBody: Field 'identificativoDoc' is required. (code: 1026)\nFrom: body.requestBody.<${VC_REF}>.<required>\n` }, 'VC identificativoDoc');
  expectRow(await call(DEFAULT, 'MD', { omit: ['tipologiaStruttura', 'tipoDocumentoLivAlto'] }), { ...IRC, detail: `${P}Validation error(s) :\nbody: Field 'tipoDocumentoLivAlto' is required. (code: 1026)\nFrom: body.<required>\nbody: Field 'tipologiaStruttura' is required. (code: 1026)\nFrom: body.<required>\n` }, 'MD two fields');
});

simTest('B-11 MD, VC: a body whose Content-Type the operation does not declare → 203; metadata without Content-Type → 202', async () => {
  expectRow(await call(DEFAULT, 'MD', { contentType: 'multipart/form-data; boundary=zz', rawBody: '--zz--\r\n' }), { ...IRC, detail: `${P}Validation error(s) :\nContent type 'multipart/form-data; boundary=zz' is not allowed for body content. (code: 203)\n` }, 'metadata as multipart (#199)');
  expectRow(await call(DEFAULT, 'VC', { contentType: 'application/json', rawRequest: '{}' }), { ...IRC, detail: `${P}Validation error(s) :\nContent type 'application/json' is not allowed for body content. (code: 203)\n` }, 'create as JSON');
  expectRow(await call(DEFAULT, 'MD', { contentType: '' }), { ...IRC, detail: `${P}Validation error(s) :\nBody content type cannot be determined. No 'Content-Type' header available. (code: 202)\n` }, 'metadata without Content-Type');
});

simTest('B-12 DL, MD, VC: lengths, item counts and nulls of the OpenAPI → 1012 / 1011 / 1021', async () => {
  const long = `2.16.840.1.113883.2.9.2.90.4.4^${'x'.repeat(300)}`;
  expectRow(await call(DEFAULT, 'DL', { pathId: long }), { ...IRC, detail: `${P}Validation error(s) :\nidDoc: Max length is '256', found '${long.length}'. (code: 1012)\nFrom: idDoc.<maxLength>\n` }, 'DL path id > 256');
  const md = await call(DEFAULT, 'MD', { pathId: long, body: { conservazioneANorma: 'c'.repeat(101) } });
  expectRow(md, { ...IRC, detail: `${P}Validation error(s) :\nidDoc: Max length is '256', found '${long.length}'. (code: 1012)\nFrom: idDoc.<maxLength>\nbody.conservazioneANorma: Max length is '100', found '101'. (code: 1012)\nFrom: body.conservazioneANorma.<maxLength>\n` }, 'MD path + body, path first');
  expectRow(await call(DEFAULT, 'VC', { body: { descriptions: Array.from({ length: 101 }, () => 'A^b^2.16.840.1.113883.2.9.6.1.5') } }), { ...IRC, detail: `${P}Validation error(s) :\nbody.requestBody.descriptions: Max items is '100', found '101'. (code: 1011)\nFrom: body.requestBody.<${VC_REF}>.descriptions.<maxItems>\n` }, 'descriptions > 100 items');
  expectRow(await call(DEFAULT, 'VC', { body: { attiCliniciRegoleAccesso: ['P'.repeat(1001)] } }), { ...IRC, detail: `${P}Validation error(s) :\nbody.requestBody.attiCliniciRegoleAccesso.0: Max length is '1000', found '1001'. (code: 1012)\nFrom: body.requestBody.<${VC_REF}>.attiCliniciRegoleAccesso.0.<items>.<maxLength>\n` }, 'item > 1000 characters');
  expectRow(await call(DEFAULT, 'VC', { body: { descriptions: [null] } }), { ...IRC, detail: `${P}Validation error(s) :\nbody.requestBody.descriptions.0: Null value is not allowed. (code: 1021)\nFrom: body.requestBody.<${VC_REF}>.descriptions.0.<items>.<nullable>\n` }, 'null item');
  expectRow(await call(DEFAULT, 'VC', { rawBody: 'null' }), { ...IRC, detail: /^Request content not conform to API specification: Validation error\(s\) :\nbody\.requestBody: Null value is not allowed\. \(code: 1021\)\n/ }, 'requestBody null');
  const numeric = await call(DEFAULT, 'VC', { body: { identificativoSottomissione: 12 } });
  expectRow(numeric, { ...IRC, detail: `${P}Validation error(s) :\nbody.requestBody.identificativoSottomissione: Type expected 'string', found 'integer'. (code: 1027)\nFrom: body.requestBody.<${VC_REF}>.identificativoSottomissione.<type>\n` }, 'number for a string');
  // Not enforced: the file part's maxLength applies to the file NAME (real PDFs pass), date formats have no pattern.
  const ok = await call(DEFAULT, 'VC', { body: { dataInizioPrestazione: 'not a date at all' } });
  assert.equal(ok.status, 400, ok.text);
  assert.equal(ok.json!.type, '/msg/invalid-format', 'the border has no date pattern: the dispatcher answers (BD-15)');
});

simTest('B-13 InteroperabilityInvalidRequest: its trigger is not documented, the simulator never answers it', async () => {
  // Not reproduced (docs/gateway-conditions.md §12): no request of the harness can reach it. This test pins the
  // absence so that a change that starts answering it has to come with its trigger.
  const a = await call(DEFAULT, 'VC');
  assert.equal(a.status, 202, a.text);
  assert.notEqual(a.json!.title, 'InteroperabilityInvalidRequest');
});

simTest('B-14 InvalidResponse (502): every simulated answer conforms to the OpenAPI, so the border never rewrites one', async () => {
  // checkAnswer (helpers.ts) validates every body of these tests against the OpenAPI: a simulated dispatcher answer
  // that did not conform would fail there, before the border's 502 could be asked for.
  const a = await call(DEFAULT, 'DL', { pathId: await publish(DEFAULT) });
  assert.equal(a.status, 200, a.text);
});

simTest('B-* switch openApiConformance=false: no content check at the border, the dispatcher answers (BD-03)', async () => {
  const a = await call(NO_CONTENT, 'VC', { body: { campoSconosciuto: 1 } });
  expectRow(a, { status: 400, family: 'V', type: '/msg/mandatory-element', title: 'Campo obbligatorio non presente.', instance: '/request-missing-field', detail: `Parametro non riconosciuto all'interno della request nella conversione di ${FQCN_CREATE}` }, 'unknown field reaches the dispatcher');
  const m = await call(NO_CONTENT, 'MD', { pathId: await publish(NO_CONTENT), body: metadataJson({ campoSconosciuto: 1 }) });
  assert.equal(m.status, 200, `S-09: Spring ignores the unknown metadata field: ${m.text}`);
});
