import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryAfterMs, RETRY_AFTER_MAX_MS } from '../../support/request/retry-after.ts';

test('Retry-After: seconds or HTTP-date, on 429/503 only, bounded at 60 s', () => {
  const now = Date.parse('2026-12-05T10:00:00Z');
  assert.equal(retryAfterMs(429, { 'retry-after': '3' }, now), 3000);
  assert.equal(retryAfterMs(503, { 'retry-after': '0' }, now), 0);
  assert.equal(retryAfterMs(503, { 'retry-after': 'Sat, 05 Dec 2026 10:00:20 GMT' }, now), 20_000);
  assert.equal(retryAfterMs(503, { 'retry-after': 'Sat, 05 Dec 2026 09:59:00 GMT' }, now), 0, 'a date in the past: at once');
  assert.equal(retryAfterMs(429, { 'retry-after': '3600' }, now), RETRY_AFTER_MAX_MS, 'never more than 60 s');
  assert.equal(retryAfterMs(429, { 'retry-after': 'Sun, 06 Dec 2026 10:00:00 GMT' }, now), RETRY_AFTER_MAX_MS);
  assert.equal(retryAfterMs(502, { 'retry-after': '3' }, now), undefined, 'only 429 and 503');
  assert.equal(retryAfterMs(429, {}, now), undefined, 'no header: no retry');
  assert.equal(retryAfterMs(429, { 'retry-after': 'soon' }, now), undefined);
  assert.equal(retryAfterMs(undefined, { 'retry-after': '1' }, now), undefined);
});
