/** A step with a typo gets the closest existing steps (support/harness/step-suggest.ts), not a code snippet. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestSteps, describeUndefinedSteps, undefinedSteps } from '../../support/harness/step-suggest.ts';

const PATTERNS = [
  'un documento {tipo} per il paziente {cf}',
  'un documento {tipo} pubblicato per il paziente {cf}',
  'invio la richiesta di {metodo}',
  'la risposta ha stato HTTP {int}',
  'il tipo di errore è {string}',
  "l'X-Cart-id è stato registrato nelle evidenze",
  'il token FSE-JWT-Signature non contiene il claim {string}',
  'il claim {string} del token FSE-JWT-Signature vale {string}',
];

test('the closest existing step comes first for common typos', () => {
  assert.equal(closestSteps("l'X-Cart-id è stato registrato nell evidenze", PATTERNS)[0], "l'X-Cart-id è stato registrato nelle evidenze");
  assert.equal(closestSteps('un documento LAB pubblicato per paziente RMSLSO31M04Z404R', PATTERNS)[0], 'un documento {tipo} pubblicato per il paziente {cf}');
  assert.equal(closestSteps('la risposta ha lo stato HTTP 202', PATTERNS)[0], 'la risposta ha stato HTTP {int}');
  assert.equal(closestSteps('il token FSE-JWT-Signature non contiene la claim "purpose_of_use"', PATTERNS)[0], 'il token FSE-JWT-Signature non contiene il claim {string}');
  assert.equal(closestSteps('invio una richiesta di eliminazione', PATTERNS)[0], 'invio la richiesta di {metodo}');
  assert.equal(closestSteps('x', PATTERNS, 2).length, 2);
});

test('undefined steps are listed with their place and closest steps; defined ones are not', () => {
  const defs = PATTERNS.map((p) => ({ pattern: p, matchesStepName: (t: string) => t === "l'X-Cart-id è stato registrato nelle evidenze" || t.startsWith('invio la richiesta di ') }));
  const u = undefinedSteps({ name: 's', uri: 'features/x.feature', steps: [{ text: 'invio la richiesta di eliminazione', line: 3 }, { text: "l'X-Cart-id è stato registrato nell evidenze", line: 4 }] }, defs);
  assert.equal(u.length, 1);
  const lines = describeUndefinedSteps(u);
  assert.equal(lines[0], `features/x.feature:4: no step matches "l'X-Cart-id è stato registrato nell evidenze" (scenario "s"); closest existing steps:`);
  assert.equal(lines[1], "    l'X-Cart-id è stato registrato nelle evidenze");
});
