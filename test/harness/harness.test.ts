import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskTokens } from '../../support/harness/masking.ts';
import { failureStage, stageLabel } from '../../support/harness/classify.ts';

test('maskTokens hides raw JWTs and the PDF bytes but keeps the rest of the request', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVlLWhlcmU';
  const req = Buffer.from(`POST /gateway/v2/documents/validate-and-create HTTP/1.1\r\nauthorization: Bearer ${jwt}\r\nfse-jwt-signature: ${jwt}\r\n\r\n--B\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 binary\r\n--B--\r\n`, 'latin1');
  const m = maskTokens(req);
  assert.ok(!m.includes(jwt), 'token must be masked');
  assert.match(m, /authorization: Bearer eyJhbGciOi…\[JWT mascherato/);
  assert.match(m, /\[PDF, 15 byte: vedi evidence\/pdf\/\]/);
  assert.match(m, /--B--/);
});

test('failures are grouped by where they happened', () => {
  const cart = 'f1c2a3b4-0000-4000-8000-000000000001';
  assert.equal(failureStage({ httpStatus: 401, errorType: 'https://govway.org/handling-errors/401/TokenAuthenticationFailed.html', xCartId: cart }), 'border');
  assert.equal(failureStage({ httpStatus: 422, errorType: '/msg/semantic', xCartId: cart }), 'validator');
  assert.equal(failureStage({ httpStatus: 400, errorType: '/msg/syntax', xCartId: cart }), 'validator');
  assert.equal(failureStage({ httpStatus: 403, errorType: '/msg/jwt-validation', xCartId: cart }), 'dispatcher');
  assert.equal(failureStage({ httpStatus: '', errorType: 'network:timeout', xCartId: '' }), 'network');
  assert.equal(failureStage({ httpStatus: 202, errorType: '', xCartId: cart }), 'none');
  assert.equal(failureStage({ httpStatus: 404, errorType: '', xCartId: cart }), 'cart');
});

test('a non-JSON error page is CART\'s only with an X-Cart-id; without one it is the network/proxy', () => {
  // a corporate proxy's or web filter's HTML 403: no X-Cart-id, so never "CART"
  assert.equal(failureStage({ httpStatus: 403, errorType: 'non-json:text/html', xCartId: '' }), 'proxy');
  assert.equal(failureStage({ httpStatus: 502, errorType: 'non-json:text/plain', xCartId: '' }), 'proxy');
  assert.equal(failureStage({ httpStatus: 404, errorType: 'non-json:unknown', xCartId: '' }), 'proxy');
  // the same page with CART's X-Cart-id: CART answered
  assert.equal(failureStage({ httpStatus: 403, errorType: 'non-json:text/html', xCartId: 'f1c2a3b4-0000-4000-8000-000000000001' }), 'cart');
  assert.match(stageLabel('proxy'), /^rete\/proxy /);
  assert.notEqual(stageLabel('proxy'), stageLabel('cart'));
});
