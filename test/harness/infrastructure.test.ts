/** Infrastructure answers are told apart from the vendor's non-conformities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrastructure } from '../../support/harness/classify.ts';

const o = (httpStatus: number | '', errorType = '', xCartId = 'x', expected: number | '' = 202) => ({ httpStatus, errorType, xCartId, expected });

test('429, 502/503/504, proxy pages and network errors are the infrastructure; the gateway\'s refusals are not', () => {
  for (const s of [429, 502, 503, 504]) assert.equal(isInfrastructure(o(s, 'urn:cart:error')), true, String(s));
  assert.equal(isInfrastructure(o('', 'network:timeout', '')), true);
  assert.equal(isInfrastructure(o(403, 'non-json:text/html', '')), true, 'a non-JSON page without X-Cart-id: a proxy');
  assert.equal(isInfrastructure(o(403, 'non-json:text/html', 'cart-id')), false, 'with an X-Cart-id it is CART\'s own page');
  assert.equal(isInfrastructure(o(500, 'urn:cart:error')), false);
  assert.equal(isInfrastructure(o(400, '/msg/document-hash')), false);
  assert.equal(isInfrastructure(o(401, 'https://govway.org/handling-errors/401/TokenAuthenticationFailed.html')), false);
  assert.equal(isInfrastructure(o(202)), false);
  assert.equal(isInfrastructure(o(503, 'urn:cart:error', 'x', 503)), false, 'what the scenario expected is never infrastructure');
});
