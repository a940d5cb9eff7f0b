/**
 * TLS + GovWay border: client certificates, token presence, JWS / x5c / CA / signature-certificate checks,
 * exp/iat/aud, iss ↔ CN, token consistency (switch tokensMustMatch); RT single-certificate mode.
 */
import assert from 'node:assert/strict';
import { request, type Agent } from 'undici';
import type { RunningSimulator } from '../../simulator/server.ts';
import { sha256Hex } from '../../support/hash.ts';
import {
  mtlsAgent, sendMultipart, simTest, startTestSimulator, tokens, useSimulator, validCreate, type Answer,
  type Pki, type TokenOptions,
} from './helpers.ts';

const PATH = '/gateway/v2/documents/validate-and-create';
let sim: RunningSimulator;
let client: Agent;
let pki: Pki;

useSimulator({}, (s) => ({ sim, client, pki } = s));

function expectBorder(a: Answer, status: number, name: string, label: string): void {
  assert.equal(a.status, status, `${label}: ${a.text}`);
  const j = a.json!;
  assert.equal(j.type, `https://govway.org/handling-errors/${status}/${name}.html`, label);
  assert.equal(j.title, name, label);
  assert.equal(j.status, status, label);
  assert.ok(!('traceID' in j), `${label}: no traceID in border errors`);
  assert.match(String(j.govway_id), /^[0-9a-f-]{36}$/);
  if (name === 'TokenAuthenticationFailed') {
    assert.equal(a.headers['www-authenticate'], 'Bearer realm="FSE-JWT-Signature", error="invalid_token", error_description="Token invalid"');
    assert.equal(j.detail, 'Invalid token');
  }
  if (name === 'TokenAuthenticationRequired') assert.equal(j.detail, 'A token is required');
  if (name === 'AuthorizationContentDeny') assert.equal(j.detail, 'Unauthorized request content');
}

simTest('TLS: a client without certificate is refused during the handshake', async () => {
  const noCert = mtlsAgent(pki, null);
  try {
    await assert.rejects(request(`${sim.url}documents/validate-and-create`, { method: 'POST', dispatcher: noCert }));
  } finally { await noCert.close(); }
});

simTest('TLS: a client certificate from another CA is refused during the handshake', async () => {
  const other = mtlsAgent(pki, pki.other.auth);
  try {
    await assert.rejects(request(`${sim.url}documents/validate-and-create`, { method: 'POST', dispatcher: other }));
  } finally { await other.close(); }
});

simTest('border: missing tokens → 401 TokenAuthenticationRequired', async () => {
  const r = await validCreate();
  expectBorder(await sendMultipart(client, sim, 'POST', PATH, { ...r, bearer: undefined }), 401, 'TokenAuthenticationRequired', 'no bearer');
  expectBorder(await sendMultipart(client, sim, 'POST', PATH, { ...r, signature: undefined }), 401, 'TokenAuthenticationRequired', 'no FSE-JWT-Signature');
  const a = await sendMultipart(client, sim, 'POST', PATH, { ...r, signature: undefined, extraHeaders: { 'FSE_JWT_Signature': r.signature! } });
  expectBorder(a, 401, 'TokenAuthenticationRequired', 'misnamed header');
});

simTest('border: each broken token property → 401 TokenAuthenticationFailed', async () => {
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, Partial<TokenOptions>]> = [
    ['signed with another key', { keyPem: pki.other.sign.keyPem }],
    ['x5c from another CA', { signer: pki.other.sign }],
    ['x5c is an authentication certificate of another CA', { signer: pki.auth, x5cDer: pki.other.auth.certDer, keyPem: pki.other.auth.keyPem }],
    ['x5c missing', { header: { x5c: null } }],
    ['x5c garbage', { header: { x5c: ['AAAA'] } }],
    ['alg HS256-like unsupported (RS256 replaced by PS256)', { header: { alg: 'PS256' } }],
    ['exp in the past', { signature: { exp: now - 3600, iat: now - 7200 }, bearer: { exp: now - 3600, iat: now - 7200 } }],
    ['iat in the future', { signature: { iat: now + 3600, exp: now + 7200 }, bearer: { iat: now + 3600, exp: now + 7200 } }],
    ['exp in milliseconds (guide example)', { signature: { iat: now * 1000, exp: now * 1000 + 300_000 }, bearer: { iat: now * 1000, exp: now * 1000 + 300_000 } }],
    ['aud = CART URL', { signature: { aud: 'https://fse20gwstage.regione.toscana.it/gateway/v2/' }, bearer: { aud: 'https://fse20gwstage.regione.toscana.it/gateway/v2/' } }],
    ['aud missing', { signature: { aud: null } }],
  ];
  for (const [label, t] of cases) {
    const r = await validCreate({ tokens: t });
    expectBorder(await sendMultipart(client, sim, 'POST', PATH, r), 401, 'TokenAuthenticationFailed', label);
  }
  const r = await validCreate();
  const a = await sendMultipart(client, sim, 'POST', PATH, { ...r, signature: 'not.a.jwt' });
  expectBorder(a, 401, 'TokenAuthenticationFailed', 'garbage token');
});

simTest('border: iss / CN → 403 AuthorizationContentDeny', async () => {
  const cases: Array<[string, Partial<TokenOptions>]> = [
    ['signature iss without integrity: prefix', { signature: { iss: pki.sign.cn } }],
    ['bearer iss with integrity: prefix', { bearer: { iss: `integrity:${pki.sign.cn}` } }],
    ['signature iss with the authentication CN', { signature: { iss: `integrity:${pki.auth.cn}` } }],
  ];
  for (const [label, t] of cases) {
    const r = await validCreate({ tokens: t });
    expectBorder(await sendMultipart(client, sim, 'POST', PATH, r), 403, 'AuthorizationContentDeny', label);
  }
});

simTest('border: tokens differing in sub or signing CN pass by default (gateway-impl §7: only iss ↔ CN); tokensMustMatch=true → 403 AuthorizationContentDeny', async () => {
  const subDiffers = await validCreate({ tokens: { bearer: { sub: 'MNTMRA03M71C615V^^^&2.16.840.1.113883.2.9.4.3.2&ISO' } } });
  const a = await sendMultipart(client, sim, 'POST', PATH, subDiffers);
  assert.equal(a.status, 202, `sub differs: ${a.text}`);
  // The bearer signed with the TLS (authentication) certificate, accepted as a signer in RT single-certificate mode,
  // the FSE-JWT-Signature with the signature certificate: each iss matches its own x5c CN, the CNs differ.
  const cnDiffers = await validCreate();
  const byAuth = await tokens({ op: 'create', signer: pki.auth, patientCf: cnDiffers.sample.patientCf, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: sha256Hex(cnDiffers.file!) });
  const b = await sendMultipart(client, sim, 'POST', PATH, { ...cnDiffers, bearer: byAuth.bearer });
  assert.equal(b.status, 202, `CN differs: ${b.text}`);
  const { sim: strict, client: c2 } = await startTestSimulator({ switches: { tokensMustMatch: true } });
  try {
    expectBorder(await sendMultipart(c2, strict, 'POST', PATH, await validCreate({ tokens: { bearer: { sub: 'MNTMRA03M71C615V^^^&2.16.840.1.113883.2.9.4.3.2&ISO' } } })), 403, 'AuthorizationContentDeny', 'sub differs, tokensMustMatch');
    const again = await validCreate();
    const byAuth2 = await tokens({ op: 'create', signer: pki.auth, patientCf: again.sample.patientCf, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: sha256Hex(again.file!) });
    const c = await sendMultipart(c2, strict, 'POST', PATH, { ...again, bearer: byAuth2.bearer });
    expectBorder(c, 403, 'AuthorizationContentDeny', 'CN differs, tokensMustMatch');
    assert.match(String(c.headers['x-simulator-reason']), /CN differs/);
    const same = await sendMultipart(c2, strict, 'POST', PATH, await validCreate());
    assert.equal(same.status, 202, `the harness's own tokens (same CN, sub, aud) pass: ${same.text}`);
  } finally {
    await c2.close();
    await strict.close();
  }
});

simTest('border: RT single-certificate mode (TLS certificate also signs the JWTs) passes; switched off it is 403 AuthorizationContentDeny (#183)', async () => {
  const s = await validCreate();
  const t = await tokens({ op: 'create', signer: pki.auth, patientCf: s.sample.patientCf, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: sha256Hex(s.file!) });
  const ok = await sendMultipart(client, sim, 'POST', PATH, { ...s, ...t });
  assert.equal(ok.status, 202, ok.text);
  const { sim: strict, client: c2 } = await startTestSimulator({ switches: { allowSingleCertificate: false } });
  try {
    expectBorder(await sendMultipart(c2, strict, 'POST', PATH, { ...s, ...t }), 403, 'AuthorizationContentDeny', 'single cert refused');
  } finally {
    await c2.close();
    await strict.close();
  }
});

simTest('border: configurable audience', async () => {
  const aud = 'https://fse20gwstage.regione.toscana.it/gateway/v2/';
  const { sim: s2, client: c2 } = await startTestSimulator({ audience: aud });
  try {
    const bad = await sendMultipart(c2, s2, 'POST', PATH, await validCreate());
    expectBorder(bad, 401, 'TokenAuthenticationFailed', 'default aud refused');
    const good = await sendMultipart(c2, s2, 'POST', PATH, await validCreate({ tokens: { signature: { aud }, bearer: { aud } } }));
    assert.equal(good.status, 202, good.text);
  } finally {
    await c2.close();
    await s2.close();
  }
});

simTest('border: OpenAPI content check on by default → 400 InvalidRequestContent with GovWay\'s wording; switched off the dispatcher answers', async () => {
  const a = await sendMultipart(client, sim, 'POST', PATH, await validCreate({ bodyExtra: { extra: 1 } }));
  expectBorder(a, 400, 'InvalidRequestContent', 'additional property');
  assert.equal(a.json!.detail, "Request content not conform to API specification: Validation error(s) :\nbody.requestBody: Additional property 'extra' is not allowed. (code: 1000)\nFrom: body.requestBody.<#/components/schemas/ValidateAndCreateDTO>.<additionalProperties>\n");
  const { sim: s2, client: c2 } = await startTestSimulator({ switches: { openApiConformance: false } });
  try {
    const d = await sendMultipart(c2, s2, 'POST', PATH, await validCreate({ bodyExtra: { extra: 1 } }));
    assert.equal(d.status, 400);
    assert.equal(d.json!.type, '/msg/mandatory-element');
  } finally {
    await c2.close();
    await s2.close();
  }
});

simTest('border: a requestBody part without Content-Type application/json → 400 InvalidRequestContent by default; the switch turns it off', async () => {
  const unlabelled = await validCreate();
  const a = await sendMultipart(client, sim, 'POST', PATH, { ...unlabelled, requestBodyContentType: null });
  expectBorder(a, 400, 'InvalidRequestContent', 'unlabelled JSON part');
  assert.match(String(a.json!.detail), /body\.requestBody: Type expected 'object', found 'string'\. \(code: 1027\)/);
  const textPlain = await sendMultipart(client, sim, 'POST', PATH, { ...(await validCreate()), requestBodyContentType: 'text/plain' });
  expectBorder(textPlain, 400, 'InvalidRequestContent', 'text/plain JSON part');
  // the harness's own multipart (labelled application/json) passes the same border
  const labelled = await sendMultipart(client, sim, 'POST', PATH, await validCreate());
  assert.equal(labelled.status, 202, labelled.text);
  const { sim: s2, client: c2 } = await startTestSimulator({ switches: { requestBodyJsonContentType: false } });
  try {
    const off = await sendMultipart(c2, s2, 'POST', PATH, { ...(await validCreate()), requestBodyContentType: null });
    assert.equal(off.status, 202, `switch off: the border reads the unlabelled part as JSON (upstream openapi4j): ${off.text}`);
  } finally {
    await c2.close();
    await s2.close();
  }
});
