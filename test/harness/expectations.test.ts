import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedStatuses } from '../../support/harness/expectations.ts';

const SCENARIO = 'Eliminazione: documento inesistente';

test('each request takes the first declared status after it, before the next request', () => {
  assert.deepEqual(expectedStatuses(SCENARIO, [
    'un documento LAB pubblicato per il paziente RMSLSO31M04Z404R',
    'invio la richiesta di aggiornamento metadati',
    'la risposta ha stato HTTP 200',
    'la risposta contiene traceID, spanID e workflowInstanceId',
    'invio la richiesta di eliminazione',
    "il tipo di errore è \"/msg/record-not-found\"",
    'la risposta ha stato HTTP 404',
    'la risposta ha stato HTTP 500',
  ]), [200, 404]);
  assert.deepEqual(expectedStatuses(SCENARIO, ['un documento LAB per il paziente RMSLSO31M04Z404R']), [], 'no request, nothing to declare');
});

test('a request without a declared status fails loudly, naming the scenario and the step', () => {
  // a reworded assertion used to be recorded silently as expected = 0
  const reworded = ['invio la richiesta di eliminazione', 'il gateway risponde con stato HTTP 200'];
  assert.throws(() => expectedStatuses(SCENARIO, reworded), (e: Error) => e.message.includes(`"${SCENARIO}"`) && e.message.includes('step 1 "invio la richiesta di eliminazione"'));
  // the status of the NEXT request does not count for this one
  const next = ['invio la richiesta di validazione e creazione', 'invio la richiesta di eliminazione', 'la risposta ha stato HTTP 200'];
  assert.throws(() => expectedStatuses(SCENARIO, next), /step 1 "invio la richiesta di validazione e creazione"/);
});
