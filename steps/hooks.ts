import 'allure-cucumberjs'; // registers the Allure runtime (labels, attachments) for the steps
import { After, AfterAll, Before, BeforeAll, Status, setDefaultTimeout } from '@cucumber/cucumber';
import { Session, currentSession, setCurrentSession, summariseOutcome } from '../support/harness/session.ts';
import { cleanupPublished } from '../support/harness/cleanup.ts';
import type { HarnessWorld } from './world.ts';

setDefaultTimeout(120_000);

let ownSession = false;

/** `fse-harness run` opens the session (profile, certificates, simulator, ledger) before Cucumber starts.
 *  Plain `cucumber-js` runs (QA engineers iterating on one feature) get one here, from FSE_PROFILE. */
BeforeAll(async function () {
  if (!currentSession()) {
    setCurrentSession(await Session.open({ log: (l) => process.stderr.write(`[fse-harness] ${l}\n`) }));
    ownSession = true;
  }
});

AfterAll(async function () {
  const s = currentSession();
  if (s && ownSession) {
    await cleanupPublished(s);
    await s.close();
    setCurrentSession(null);
  }
});

Before(function (this: HarnessWorld, { pickle }) {
  this.stepTexts = pickle.steps.map((s) => s.text);
  this.scenarioName = pickle.name;
  this.nationalIds = pickle.tags.map((t) => /^@naz-(\d+)$/.exec(t.name)?.[1]).filter((x): x is string => !!x).map(Number);
});

After(function (this: HarnessWorld, { result }) {
  const s = currentSession();
  if (!s) return;
  s.recordScenario({ name: this.scenarioName, status: result?.status === Status.PASSED ? 'PASSED' : String(result?.status ?? 'UNKNOWN'), outcomes: this.outcomes.map(summariseOutcome), nationalIds: this.nationalIds });
});
