/**
 * Informative scenarios (support/harness/informative.ts) and the alternatives the specification allows
 * (support/harness/expectations.ts): catalog scenarios on stage report what came back and never fail; 200 or 202
 * for update metadata and delete.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExpectation, isInformative } from '../../support/harness/informative.ts';
import { acceptedStatuses, describeAccepted, statusAccepted } from '../../support/harness/expectations.ts';

test('catalog scenarios are informative on stage only', () => {
  for (const tag of ['@sintassi', '@schematron', '@terminologia']) {
    assert.equal(isInformative('stage', ['@LAB', '@negativo', tag]), true, tag);
    assert.equal(isInformative('simulator', ['@LAB', '@negativo', tag]), false, `${tag} binding against the simulator`);
  }
  assert.equal(isInformative('stage', ['@LAB', '@negativo', '@token']), false, 'other negative scenarios stay binding on stage');
  assert.equal(isInformative('stage', ['@LAB', '@ciclo-di-vita']), false);
});

test('an expectation that does not hold: a failure when binding, a finding when informative', () => {
  assert.equal(checkExpectation(true, 'x', false), undefined);
  assert.equal(checkExpectation(true, 'x', true), undefined);
  assert.throws(() => checkExpectation(false, 'expected HTTP 400: validate-and-create LAB → 202', false), { name: 'AssertionError', message: /expected HTTP 400/ });
  assert.equal(checkExpectation(false, 'expected HTTP 400: validate-and-create LAB → 202', true), 'expected HTTP 400: validate-and-create LAB → 202');
});

test('update metadata and delete: 200 or 202 both accepted; other methods and statuses exact', () => {
  for (const m of ['update-metadata', 'delete'] as const) {
    assert.deepEqual(acceptedStatuses(m, 200), [200, 202]);
    assert.equal(statusAccepted(m, 200, 202), true, `${m} 202`);
    assert.equal(statusAccepted(m, 200, 200), true, `${m} 200`);
    assert.equal(statusAccepted(m, 202, 200), true, `${m} declared 202, 200 as good`);
    assert.equal(statusAccepted(m, 200, 201), false);
    assert.equal(statusAccepted(m, 404, 200), false, 'a declared 404 stays 404');
    assert.equal(statusAccepted(m, 404, 202), false);
    assert.equal(statusAccepted(m, 200, ''), false, 'no HTTP answer');
    assert.equal(describeAccepted(m, 200), '200 o 202');
  }
  assert.equal(statusAccepted('validate-and-create', 202, 200), false, 'create: 202 only');
  assert.equal(statusAccepted('replace', 202, 200), false, 'replace: 202 only');
  assert.equal(describeAccepted('replace', 202), '202');
});
