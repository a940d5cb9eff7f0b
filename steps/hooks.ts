import 'allure-cucumberjs'; // registers the Allure runtime (labels, attachments) for the steps
import { After, AfterAll, Before, BeforeAll, BeforeStep, Status, setDefaultTimeout, setParallelCanAssign, supportCodeLibraryBuilder } from '@cucumber/cucumber';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session, currentSession, setCurrentSession } from '../support/harness/session.ts';
import { summariseOutcome } from '../support/harness/run-records.ts';
import { workerOptionsFromEnv } from '../support/harness/worker.ts';
import { expectedStatuses } from '../support/harness/expectations.ts';
import { cleanupPublished } from '../support/harness/cleanup.ts';
import { SKIP_REASONS, type SkipReason } from '../support/harness/classify.ts';
import { CATALOG_TAG_NAMES, INFORMATIVE_ALLURE_LABEL, INFORMATIVE_LABEL, INFORMATIVE_REASON, isInformative } from '../support/harness/informative.ts';
import * as allure from 'allure-js-commons';
import { vendorPdfKey, vendorPdfSkipReason } from '../support/harness/vendor-documents.ts';
import { describeUndefinedSteps, undefinedSteps, type StepMatcher } from '../support/harness/step-suggest.ts';
import { RUN_FILES, peakRssMb } from '../support/evidence/runDir.ts';
import { startEmbeddedSimulator } from '../cli/target.ts';
import type { HarnessWorld } from './world.ts';

setDefaultTimeout(120_000);

// A parallel worker never outlives its coordinator (e.g. the coordinator was killed): exit as soon as the IPC
// channel closes, from the moment this module is loaded.
if (process.env.CUCUMBER_WORKER_ID !== undefined && typeof process.send === 'function') {
  process.once('disconnect', () => process.exit(2));
  // Ctrl-C in a terminal signals the whole process group, workers included. A worker must not die mid-exchange (the
  // request would be sent and its ledger row lost): it ignores the signal and lets the coordinator decide — the
  // coordinator writes the run's stop record (support/harness/circuit.ts), which this worker reads before each
  // scenario and each send, so it finishes the call in flight, records it, and starts nothing new.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => undefined);
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
  if (s?.worker) s.records.recordWorkerRss(peakRssMb());
  if (s && ownSession) {
    // a parallel worker leaves the clean-up to its coordinator (cli/commands/run.ts), which deletes what every worker
    // published from the run's journal once all of them are done; a plain cucumber-js run cleans up itself
    if (!s.worker) await cleanupPublished(s);
    await s.close();
    setCurrentSession(null);
  }
});

/** allure-cucumberjs does not show a hook with this name as a fixture ("Unknown test" on every scenario page). */
const NOT_IN_REPORT = 'ALLURE_FIXTURE_IGNORE';

/** Scenarios sending the same vendor PDF (same patient, same document ids) never run at the same time. */
setParallelCanAssign((pickle, inProgress) => {
  const docs = currentSession()?.vendorDocuments;
  const key = vendorPdfKey(pickle.steps.map((s) => s.text), docs);
  return !key || !inProgress.some((p) => vendorPdfKey(p.steps.map((s) => s.text), docs) === key);
});

/** The run was stopped (network down, or the probe failed): the remaining scenarios send nothing. */
let stopAnnounced = false;

let definitions: StepMatcher[] | undefined;
/** This process's step definitions (public API of the builder; built once, after the support code is loaded). */
function stepDefinitions(): StepMatcher[] {
  definitions ??= supportCodeLibraryBuilder.buildStepDefinitions().stepDefinitions.map((d) => ({
    pattern: typeof d.pattern === 'string' ? d.pattern : d.pattern.source,
    matchesStepName: (text: string) => d.matchesStepName(text),
  }));
  return definitions;
}

Before({ name: NOT_IN_REPORT }, async function (this: HarnessWorld, { pickle, gherkinDocument }) {
  this.scenarioName = pickle.name;
  this.nationalIds = pickle.tags.map((t) => /^@naz-(\d+)$/.exec(t.name)?.[1]).filter((x): x is string => !!x).map(Number);
  const texts = pickle.steps.map((s) => s.text);
  // Problems of the scenario itself stop it at its first step (BeforeStep below): nothing is sent for it.
  const undef = undefinedSteps({ name: pickle.name, uri: pickle.uri, steps: pickle.steps.map((s) => ({ text: s.text, line: stepLine(gherkinDocument, s.astNodeIds[0]) })) }, stepDefinitions());
  if (undef.length) {
    this.blocked = new Error(`nothing sent for this scenario: ${undef.length} step(s) match no step definition\n${describeUndefinedSteps(undef).join('\n')}`);
  } else {
    // every request declares its expected status: a feature file that forgets one fails before any call
    try { this.expectedStatuses = expectedStatuses(pickle.name, texts); } catch (e) { this.blocked = e as Error; }
  }
  const s = currentSession();
  if (!s) return undefined;
  const stop = s.circuit.stopRecord();
  if (stop) {
    if (!stopAnnounced) { stopAnnounced = true; s.log(`SKIPPING the remaining scenarios: the run was stopped (${stop.reason})`); }
    this.skip = 'stopped';
    return 'skipped';
  }
  // Against the simulator without catalogs these cannot be judged: skipped, and said loudly (never passed).
  if (s.profile.target === 'simulator' && !s.simulatorValidates && pickle.tags.some((t) => CATALOG_TAG_NAMES.has(t.name))) {
    return skip(this, s.log, 'catalogs', `no official catalogs in the simulator: set FSE_CATALOGS_DIR`);
  }
  // A vendor PDF carries its own patient: a scenario written for another one is not sent under a false label.
  const why = vendorPdfSkipReason(texts, s.vendorDocuments);
  if (why) return skip(this, s.log, 'vendor-pdf', why);
  // On stage the catalog scenarios are reported, never failing (RT spec §3: transitional validation against the XSD only)
  if (isInformative(s.profile.target, pickle.tags.map((t) => t.name))) {
    this.informative = true;
    await allure.tag(INFORMATIVE_LABEL);
    await allure.label(INFORMATIVE_ALLURE_LABEL, 'true');
    await allure.description(INFORMATIVE_REASON);
  }
  return undefined;
});

BeforeStep(function (this: HarnessWorld) {
  if (this.blocked) {
    const e = this.blocked;
    this.blocked = undefined;
    throw e;
  }
});

async function skip(w: HarnessWorld, log: (l: string) => void, reason: SkipReason, detail: string): Promise<'skipped'> {
  w.skip = reason;
  log(`SKIPPED (${detail}): ${w.scenarioName}`);
  await w.attach(`Scenario saltato, nessuna richiesta inviata.\n${detail}\n(${SKIP_REASONS[reason]})`, { mediaType: 'text/plain', fileName: 'Scenario saltato — motivo' });
  return 'skipped';
}

function stepLine(doc: { feature?: { children: readonly { scenario?: { steps: readonly { id: string; location: { line: number } }[] }; background?: { steps: readonly { id: string; location: { line: number } }[] } }[] } }, id: string | undefined): number | undefined {
  for (const c of doc.feature?.children ?? []) {
    const st = [...(c.scenario?.steps ?? []), ...(c.background?.steps ?? [])].find((x) => x.id === id);
    if (st) return st.location.line;
  }
  return undefined;
}

After({ name: NOT_IN_REPORT }, function (this: HarnessWorld, { result }) {
  const s = currentSession();
  if (!s) return;
  s.records.recordScenario({ name: this.scenarioName, status: result?.status === Status.PASSED ? 'PASSED' : result?.status === Status.SKIPPED ? 'SKIPPED' : String(result?.status ?? 'UNKNOWN'), outcomes: this.outcomes.map(summariseOutcome), nationalIds: this.nationalIds, ...(this.skip ? { skip: this.skip } : {}), ...(this.informative ? { informative: { findings: this.findings } } : {}) });
});
