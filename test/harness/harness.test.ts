import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskTokens } from '../../support/harness/masking.ts';
import { failureStage } from '../../support/harness/classify.ts';

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
  assert.equal(failureStage({ httpStatus: 401, errorType: 'https://govway.org/handling-errors/401/TokenAuthenticationFailed.html' }), 'border');
  assert.equal(failureStage({ httpStatus: 422, errorType: '/msg/semantic' }), 'validator');
  assert.equal(failureStage({ httpStatus: 400, errorType: '/msg/syntax' }), 'validator');
  assert.equal(failureStage({ httpStatus: 403, errorType: '/msg/jwt-validation' }), 'dispatcher');
  assert.equal(failureStage({ httpStatus: '', errorType: 'network:timeout' }), 'network');
  assert.equal(failureStage({ httpStatus: 202, errorType: '' }), 'none');
  assert.equal(failureStage({ httpStatus: 404, errorType: '' }), 'cart');
});
