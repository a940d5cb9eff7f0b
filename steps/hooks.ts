import 'allure-cucumberjs'; // registers the Allure runtime (labels, attachments) for the steps
import { After, AfterAll, Before, BeforeAll, Status, setDefaultTimeout } from '@cucumber/cucumber';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session, currentSession, setCurrentSession } from '../support/harness/session.ts';
import { summariseOutcome } from '../support/harness/run-records.ts';
import { workerOptionsFromEnv } from '../support/harness/worker.ts';
import { expectedStatuses } from '../support/harness/expectations.ts';
import { cleanupPublished } from '../support/harness/cleanup.ts';
import { CATALOG_TAGS } from '../support/harness/classify.ts';
import { RUN_FILES } from '../support/evidence/runDir.ts';
import { startEmbeddedSimulator } from '../cli/target.ts';
import type { HarnessWorld } from './world.ts';

setDefaultTimeout(120_000);

// A parallel worker never outlives its coordinator (e.g. the coordinator was killed): exit as soon as the IPC
// channel closes, from the moment this module is loaded.
if (process.env.CUCUMBER_WORKER_ID !== undefined && typeof process.send === 'function') {
  process.once('disconnect', () => process.exit(2));
}

let ownSession = false;

/** `fse-harness run` opens the session (profile, certificates, simulator, ledger) before Cucumber starts.
 *  Plain `cucumber-js` runs (QA engineers iterating on one feature) get one here, from FSE_PROFILE. */
BeforeAll(async function () {
  if (currentSession()) return;
  const worker = workerOptionsFromEnv();
  if (worker) {
    // A parallel worker of `fse-harness run`: dies with its coordinator, writes into the run's console.log too.
    const consoleLog = join(worker.runDir, RUN_FILES.consoleLog);
    const log = (l: string) => { const line = `  ${l}\n`; process.stdout.write(line); appendFileSync(consoleLog, line); };
    setCurrentSession(await Session.open({ worker, log }));
  } else {
    setCurrentSession(await Session.open({ log: (l) => process.stderr.write(`[fse-harness] ${l}\n`), startEmbedded: startEmbeddedSimulator }));
  }
  ownSession = true;
});

AfterAll(async function () {
  const s = currentSession();
  if (s?.worker) s.records.recordWorkerRss(Math.round(process.resourceUsage().maxRSS / 1024));
  if (s && ownSession) {
    await cleanupPublished(s);
    await s.close();
    setCurrentSession(null);
  }
});

Before(function (this: HarnessWorld, { pickle }) {
  this.scenarioName = pickle.name;
  // every request declares its expected status: a feature file that forgets one fails here, before any call
  this.expectedStatuses = expectedStatuses(pickle.name, pickle.steps.map((s) => s.text));
  this.nationalIds = pickle.tags.map((t) => /^@naz-(\d+)$/.exec(t.name)?.[1]).filter((x): x is string => !!x).map(Number);
});

/** The run was stopped (network down, or the probe failed): the remaining scenarios send nothing (issue #11 §7). */
let stopAnnounced = false;
Before(function (this: HarnessWorld) {
  const s = currentSession();
  const stop = s?.circuit.stopRecord();
  if (!s || !stop) return undefined;
  if (!stopAnnounced) { stopAnnounced = true; s.log(`SKIPPING the remaining scenarios: the run was stopped (${stop.reason})`); }
  return 'skipped';
});

/** Against the simulator without catalogs these cannot be judged: skipped, and said loudly (never passed). */
Before({ tags: CATALOG_TAGS }, function (this: HarnessWorld, { pickle }) {
  const s = currentSession();
  if (s && s.profile.target === 'simulator' && !s.simulatorValidates) {
    s.log(`SKIPPED (no official catalogs in the simulator: set FSE_CATALOGS_DIR): ${pickle.name}`);
    return 'skipped';
  }
  return undefined;
});


After(function (this: HarnessWorld, { result }) {
  const s = currentSession();
  if (!s) return;
  s.records.recordScenario({ name: this.scenarioName, status: result?.status === Status.PASSED ? 'PASSED' : result?.status === Status.SKIPPED ? 'SKIPPED' : String(result?.status ?? 'UNKNOWN'), outcomes: this.outcomes.map(summariseOutcome), nationalIds: this.nationalIds });
});
