/**
 * docs/gateway-conditions.md §3.3 — Spring before the controller (S-01…S-09). The border's content check answers most
 * of these first (B-05…B-12), so they run against a simulator with `openApiConformance=false` (the national dispatcher
 * reached without GovWay's content validation): one test per row, the row id first.
 */
import assert from 'node:assert/strict';
import { simTest, useSimulator } from '../helpers.ts';
import { call, expectRow, metadataJson, publish, type Target } from './lib.ts';

const T: Target = {} as Target;
const SMALL: Target = {} as Target;
useSimulator({ switches: { openApiConformance: false } }, (s) => Object.assign(T, s));
useSimulator({ switches: { openApiConformance: false }, maxFileBytes: 2000 }, (s) => Object.assign(SMALL, s));

const CREATE_PATH = '/v1/documents/validate-and-create';

simTest('S-01 VC, RP: Content-Type not multipart/form-data → 415 Spring ProblemDetail, instance = the request path', async () => {
  expectRow(await call(T, 'VC', { contentType: 'application/json', rawRequest: '{}' }), { status: 415, family: 'SP', title: 'Unsupported Media Type', instance: CREATE_PATH, detail: "Content-Type 'application/json' is not supported." }, 'VC');
  const id = '2.16.840.1.113883.2.9.2.90.4.4^X1';
  expectRow(await call(T, 'RP', { pathId: id, contentType: 'text/plain', rawRequest: 'x' }), { status: 415, family: 'SP', title: 'Unsupported Media Type', instance: `/v1/documents/${encodeURIComponent(id)}`, detail: "Content-Type 'text/plain' is not supported." }, 'RP');
});

simTest('S-02 VC, RP: a multipart Tomcat cannot parse → 500 generic error "Failed to parse multipart servlet request"; a part without form-data name is skipped', async () => {
  const g = { status: 500, family: 'G' as const, detail: 'Failed to parse multipart servlet request' };
  expectRow(await call(T, 'VC', { contentType: 'multipart/form-data; boundary=abc', rawRequest: '--abc\r\nContent-Disposition: form-data; name="requestBody"\r\n\r\n{}' }), g, 'truncated (no closing boundary)');
  expectRow(await call(T, 'VC', { contentType: 'multipart/form-data', rawRequest: 'x' }), g, 'no boundary parameter');
  expectRow(await call(T, 'RP', { contentType: 'multipart/form-data; boundary=abc', rawRequest: '' }), g, 'RP empty body');
  const skipped = await call(T, 'VC', { extraParts: [{ name: 'ignored', value: 'x', contentType: 'text/plain' }] });
  assert.equal(skipped.status, 202, `an extra named part not in the DTO is harmless to Spring: ${skipped.text}`);
});

simTest('S-03 VC: a file part above the multipart limit → 413 Spring ProblemDetail "Maximum upload size exceeded"', async () => {
  expectRow(await call(SMALL, 'VC'), { status: 413, family: 'SP', title: 'Payload Too Large', instance: CREATE_PATH, detail: 'Maximum upload size exceeded' }, 'file > maxFileBytes');
});

simTest('S-04 VC, RP: no part named file with a filename → 400 "Required part \'file\' is not present." (own handler, traceID, status)', async () => {
  const e = { status: 400, family: 'P' as const, type: '/msg/generic-error', title: 'Errore generico.', instance: '', detail: "Required part 'file' is not present." };
  expectRow(await call(T, 'VC', { file: null }), e, 'VC no file');
  expectRow(await call(T, 'RP', { file: null }), e, 'RP no file');
  expectRow(await call(T, 'VC', { file: null, extraParts: [{ name: 'file', value: '%PDF-1.7 without filename' }] }), e, 'file part without filename is a form field');
});

simTest('S-05 VC: an extra part named like a DTO property with an unconvertible value → 400 "Invalid request content." [fw]', async () => {
  expectRow(await call(T, 'VC', { extraParts: [{ name: 'mode', value: 'XYZ' }] }), { status: 400, family: 'SP', title: 'Bad Request', instance: CREATE_PATH, detail: 'Invalid request content.' }, 'mode=XYZ');
  const ok = await call(T, 'VC', { extraParts: [{ name: 'mode', value: 'ATTACHMENT' }] });
  assert.equal(ok.status, 202, `a convertible value binds: ${ok.text}`);
});

simTest('S-06 RP, MD, DL: path id longer than 256 → 400 "Validation failure" [fw]', async () => {
  const long = `2.16.840.1.113883.2.9.2.90.4.4^${'x'.repeat(300)}`;
  const e = (m: string) => ({ status: 400, family: 'SP' as const, title: 'Bad Request', instance: `/v1/documents/${encodeURIComponent(long)}${m}`, detail: 'Validation failure' });
  // The reference's ProblemDetail `instance` is the path (over the OpenAPI's 100 characters): no schema check here.
  expectRow(await call(T, 'DL', { pathId: long, noSchemaCheck: true }), e(''), 'DL');
  expectRow(await call(T, 'MD', { pathId: long, noSchemaCheck: true }), e('/metadata'), 'MD');
  expectRow(await call(T, 'RP', { pathId: long, noSchemaCheck: true }), e(''), 'RP');
});

simTest('S-07 MD: Content-Type not JSON → 415', async () => {
  const id = '2.16.840.1.113883.2.9.2.90.4.4^X2';
  expectRow(await call(T, 'MD', { pathId: id, contentType: 'text/plain' }), { status: 415, family: 'SP', title: 'Unsupported Media Type', instance: `/v1/documents/${encodeURIComponent(id)}/metadata`, detail: "Content-Type 'text/plain' is not supported." }, 'text/plain');
});

simTest('S-08 MD: body missing, empty, null, malformed, unknown enum name, wrong JSON type → 400 "Failed to read request" (before the path-id check)', async () => {
  const id = 'no-caret-id';
  const e = { status: 400, family: 'SP' as const, title: 'Bad Request', instance: `/v1/documents/${id}/metadata`, detail: 'Failed to read request' };
  for (const [label, raw] of [['empty', ''], ['null', 'null'], ['malformed', '{"a":'], ['enum case', JSON.stringify(metadataJson({ tipologiaStruttura: 'OSPEDALE' }))], ['array for a string', JSON.stringify(metadataJson({ identificativoSottomissione: ['a'] }))]] as const) {
    expectRow(await call(T, 'MD', { pathId: id, rawBody: raw }), e, label);
  }
});

simTest('S-09 MD: unknown JSON properties are ignored by Spring (reached only without the border\'s content check)', async () => {
  const id = await publish(T);
  const a = await call(T, 'MD', { pathId: id, body: { campoSconosciuto: 'x' } });
  assert.equal(a.status, 200, a.text);
});
