import { Given, When, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import * as allure from 'allure-js-commons';
import type { DocType, Method } from '../support/types.ts';
import { currentSession, type Session } from '../support/harness/session.ts';
import { prepareDocument, type DocumentState, type PdfVariant } from '../support/harness/document.ts';
import { performExchange, succeeded, type ExchangeOutcome } from '../support/harness/exchange.ts';
import { failureStage, stageLabel, INFRASTRUCTURE, InfrastructureError } from '../support/harness/classify.ts';
import { pollUntilSettled, settleMs } from '../support/harness/settle.ts';
import { checkExpectation, INFORMATIVE_REASON } from '../support/harness/informative.ts';
import { describeAccepted, statusAccepted } from '../support/harness/expectations.ts';
import { maskTokens, describeClaims } from '../support/harness/masking.ts';
import { toCx } from '../support/cf.ts';
import { identificativoDoc } from '../support/gateway/ids.ts';
import { RT_DOC_ID_ROOT } from '../support/gateway/oids.ts';
import { RunStoppedError } from '../support/harness/circuit.ts';
import type { HarnessWorld } from './world.ts';
import './params.ts';

function session(): Session {
  const s = currentSession();
  if (!s) throw new Error('no harness session: run through `fse-harness run` or set FSE_PROFILE');
  return s;
}

const FILE_VARIANTS: Record<string, PdfVariant> = {
  'PDF non firmato': 'unsigned',
  'non PDF': 'not-pdf',
  'PDF senza cda.xml': 'no-cda',
};

async function prepare(w: HarnessWorld, docType: DocType, cf: string, o: { mutation?: string; file?: string; replaces?: DocumentState } = {}): Promise<DocumentState> {
  const s = session();
  if (!s.profile.documentTypes.includes(docType)) {
    // `fse-harness run` filters scenarios by the profile's document types; a hand-picked --tags run may not.
    throw new Error(`document type ${docType} is not in the installation profile (documentTypes: ${s.profile.documentTypes.join(', ')})`);
  }
  const pdfVariant = o.file ? FILE_VARIANTS[o.file] : undefined;
  if (o.file && !pdfVariant) throw new Error(`unknown file variant "${o.file}" (known: ${Object.keys(FILE_VARIANTS).join(', ')})`);
  const doc = await prepareDocument({
    docType, patientCf: cf, profile: s.profile, vendor: s.vendorDocuments.byType[docType], sign: s.credentials.sign,
    runId: s.runId, seq: s.nextSeq(), replaces: o.replaces, cdaMutation: o.mutation, pdfVariant,
  });
  w.doc = doc;
  return doc;
}

async function send(w: HarnessWorld, method: Method): Promise<ExchangeOutcome> {
  const s = session();
  const expected = w.nextExpectedStatus();
  const target = method === 'validate-and-create' || method === 'replace' ? w.doc : (w.published ?? w.doc);
  if (!target) throw new Error(`no document prepared before the ${method} call: add a "Dato un documento ..." step`);
  const pathId = method === 'validate-and-create' ? undefined : (w.pathIdOverride ?? (method === 'replace' ? w.published?.identificativoDoc : target.identificativoDoc));
  // after a 202 the document may answer 404 for a while: retry within the settle time (support/harness/settle.ts);
  // never when the scenario expects the 404
  const pending = pathId !== undefined && expected !== 404 && w.pending.isPending(pathId);
  const tries = await pollUntilSettled({
    pending,
    budgetMs: settleMs(s.profile),
    attempt: async (retryOn404) => {
      const o = await performExchange(s, { scenario: w.scenarioName, method, document: target, pathId, expected, tweaks: w.tweaks, purposeOfUse: w.purposeOfUse, informative: w.informative, retryOn404 });
      // a Retry-After retry: the first answer is recorded too
      if (o.previous) { w.outcomes.push(o.previous); await report(o.previous); }
      w.outcomes.push(o);
      await report(o);
      return o;
    },
  });
  const o = tries[tries.length - 1]!;
  if (tries.length > 1) s.log(`${w.scenarioName}: ${method} after a 202 — ${tries.length} tries (${tries.map((t) => t.httpStatus || t.errorType).join(', ')})`);
  if (succeeded(o)) {
    if (method === 'validate-and-create' || method === 'replace') w.published = target;
    if (method === 'delete') w.published = undefined;
  }
  w.pending.afterAnswer(method, o.httpStatus, target.identificativoDoc, pathId);
  w.tweaks = {};
  w.pathIdOverride = undefined;
  w.purposeOfUse = undefined;
  w.last = o;
  notInfrastructure(o);
  return o;
}

/** The infrastructure answered instead of the gateway: the scenario stops here, "broken", never a non-conformity. */
function notInfrastructure(o: ExchangeOutcome): void {
  if (o.infrastructure === INFRASTRUCTURE) throw new InfrastructureError(describe(o));
}

/**
 * Report entry of one call: a step named `<method> <type> → <status> · X-Cart-id <uuid>` (the id whole, tied to its
 * call) holding the summary, the decoded claims and the request/response with the raw tokens masked (the bundle
 * keeps them), and a parameter `X-Cart-id n. <call> <method> → <status>` = the id, which the report's search box
 * finds (it searches names, parameters, tags, not steps or custom labels).
 */
async function report(o: ExchangeOutcome): Promise<void> {
  const status = String(o.httpStatus || o.errorType);
  const title = `${o.spec.method} ${o.spec.document.docType} → ${status} · X-Cart-id ${o.xCartId || '— (assente)'}`;
  if (o.xCartId) await allure.parameter(`X-Cart-id n. ${o.seq} ${o.spec.method} → ${status}`, o.xCartId, { excluded: true });
  const lines = [
    `Chiamata n. ${o.seq}: ${o.spec.method} ${o.url}`,
    `Stato HTTP: ${o.httpStatus || '— (nessuna risposta)'}  (atteso ${describeAccepted(o.spec.method, o.spec.expected)})`,
    `X-Cart-id: ${o.xCartId || '— (assente)'}`,
    `traceID: ${o.traceId || '—'}   spanID: ${o.spanId || '—'}`,
    `workflowInstanceId: ${o.workflowInstanceId || '—'}`,
    o.errorType ? `Errore: ${o.errorType} — ${o.errorDetail}  [${stageLabel(failureStage(o))}]` : '',
    `Evidenze: evidence/${o.requestFile}  evidence/${o.responseFile || '(nessuna risposta)'}`,
    o.spec.document.variants.length ? `Varianti negative: ${o.spec.document.variants.join(', ')}` : '',
  ].filter(Boolean);
  await allure.step(title, async () => {
    await allure.attachment('riepilogo', lines.join('\n'), { contentType: 'text/plain' });
    await allure.attachment('claims JWT (decodificati)', JSON.stringify(describeClaims(o.tokens), null, 2), { contentType: 'application/json' });
    await allure.attachment('richiesta HTTP (token mascherati)', maskTokens(o.result.requestBytes), { contentType: 'text/plain' });
    await allure.attachment('risposta HTTP', o.result.responseBytes ? o.result.responseBytes.toString('utf8') : `Nessuna risposta HTTP: ${o.errorDetail}`, { contentType: 'text/plain' });
  });
}

function describe(o: ExchangeOutcome | undefined): string {
  if (!o) return 'no call was made';
  const where = failureStage(o);
  return `${o.spec.method} ${o.spec.document.docType} → ${o.httpStatus || 'no HTTP response'}${o.errorType ? ` [${stageLabel(where)}] ${o.errorType}: ${o.errorDetail}` : ''} (X-Cart-id ${o.xCartId || 'none'}, evidence/${o.requestFile})`;
}

// ---- documents -------------------------------------------------------------------------------
Given('un documento {tipo} per il paziente {cf}', async function (this: HarnessWorld, t: DocType, cf: string) {
  await prepare(this, t, cf);
});
Given('un documento {tipo} per il paziente {cf} con la modifica {string}', async function (this: HarnessWorld, t: DocType, cf: string, m: string) {
  await prepare(this, t, cf, { mutation: m });
});
Given('un documento {tipo} per il paziente {cf} con il file {string}', async function (this: HarnessWorld, t: DocType, cf: string, f: string) {
  await prepare(this, t, cf, { file: f });
});
Given('un documento {tipo} pubblicato per il paziente {cf}', async function (this: HarnessWorld, t: DocType, cf: string) {
  return stoppedIsSkipped(this, () => publishForSetup(this, t, cf));
});
async function publishForSetup(w: HarnessWorld, t: DocType, cf: string): Promise<void> {
  await prepare(w, t, cf);
  const o = await performExchange(session(), { scenario: `${w.scenarioName} (preparazione)`, method: 'validate-and-create', document: w.doc!, expected: 202 });
  if (o.previous) { w.outcomes.push(o.previous); await report(o.previous); }
  w.outcomes.push(o);
  await report(o);
  notInfrastructure(o);
  assert.equal(o.httpStatus, 202, `setup publication was refused: ${describe(o)}`);
  w.published = w.doc;
  w.pending.mark(w.doc!.identificativoDoc);
}
Given('la nuova versione del documento', async function (this: HarnessWorld) {
  assert.ok(this.published, 'no published document to replace');
  await prepare(this, this.published.docType, this.published.patientCf, { replaces: this.published });
});
Given('la nuova versione del documento con la modifica {string}', async function (this: HarnessWorld, m: string) {
  assert.ok(this.published, 'no published document to replace');
  await prepare(this, this.published.docType, this.published.patientCf, { replaces: this.published, mutation: m });
});
Given('la nuova versione del documento con il file {string}', async function (this: HarnessWorld, f: string) {
  assert.ok(this.published, 'no published document to replace');
  await prepare(this, this.published.docType, this.published.patientCf, { replaces: this.published, file: f });
});

// ---- one change per negative case ------------------------------------------------------------
Given('il token FSE-JWT-Signature non contiene il claim {string}', function (this: HarnessWorld, claim: string) {
  this.tweaks.signatureClaims = { ...this.tweaks.signatureClaims, [claim]: null };
});
Given('il claim {string} del token FSE-JWT-Signature vale {string}', function (this: HarnessWorld, claim: string, value: string) {
  this.tweaks.signatureClaims = { ...this.tweaks.signatureClaims, [claim]: value };
});
Given('il claim person_id indica il paziente {cf}', function (this: HarnessWorld, cf: string) {
  this.tweaks.signatureClaims = { ...this.tweaks.signatureClaims, person_id: toCx(cf) };
});
Given('i token sono scaduti', function (this: HarnessWorld) {
  this.tweaks.expiredToken = true;
});
Given('i token sono firmati con una chiave diversa da quella del certificato x5c', function (this: HarnessWorld) {
  this.tweaks.foreignSigningKey = true;
});
Given("l'attachment_hash è calcolato su byte diversi dal file inviato", function (this: HarnessWorld) {
  this.tweaks.hashOfOtherBytes = true;
});
Given('il corpo della richiesta contiene il campo {string} con valore {string}', function (this: HarnessWorld, field: string, raw: string) {
  let value: unknown = raw;
  try { value = JSON.parse(raw); } catch { /* plain string */ }
  this.tweaks.body = { ...this.tweaks.body, set: { ...this.tweaks.body?.set, [field]: value } };
});
Given("l'identificativo del documento da modificare è inesistente", function (this: HarnessWorld) {
  const base = (this.published ?? this.doc)?.identificativoDoc ?? identificativoDoc(RT_DOC_ID_ROOT, '00000000000.LAB.999.x');
  this.pathIdOverride = `${base}.INESISTENTE${Date.now().toString(36)}`;
});
Given('il purpose_of_use è {string}', function (this: HarnessWorld, p: string) {
  this.purposeOfUse = p;
});

// ---- the call ------------------------------------------------------------------------------------
When('invio la richiesta di {metodo}', async function (this: HarnessWorld, m: Method) {
  return stoppedIsSkipped(this, () => send(this, m));
});

/**
 * The run was stopped (Ctrl-C, network down: support/harness/circuit.ts) while this scenario was half-way: nothing
 * was sent for this step, and the scenario is reported as skipped — interrupted, not failed.
 */
async function stoppedIsSkipped(w: HarnessWorld, fn: () => Promise<unknown>): Promise<'skipped' | undefined> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof RunStoppedError)) throw e;
    w.skip = 'stopped';
    return 'skipped';
  }
}

// ---- assertions ----------------------------------------------------------------------------------
/**
 * One expectation: fails a binding scenario; in an informative one (stage, catalog scenarios:
 * support/harness/informative.ts) the difference is recorded and shown in the report instead.
 */
async function expect(w: HarnessWorld, ok: boolean, message: string): Promise<void> {
  const finding = checkExpectation(ok, message, w.informative);
  if (!finding) return;
  w.findings.push(finding);
  await allure.attachment('Informativo — risposta diversa da quella del validatore nazionale', `${finding}\n\n${INFORMATIVE_REASON}`, { contentType: 'text/plain' });
}

Then('la risposta ha stato HTTP {int}', async function (this: HarnessWorld, status: number) {
  const o = this.last;
  // where the specification allows alternatives (200 or 202 for update metadata and delete), either is accepted
  const accepted = o ? describeAccepted(o.spec.method, status) : String(status);
  await expect(this, !!o && statusAccepted(o.spec.method, status, o.httpStatus), `expected HTTP ${accepted}: ${describe(o)}`);
});
Then("il tipo di errore è {string}", async function (this: HarnessWorld, type: string) {
  await expect(this, this.last?.errorType === type, `expected error type ${type}: ${describe(this.last)}`);
});
Then("l'istanza dell'errore è {string}", async function (this: HarnessWorld, instance: string) {
  await expect(this, this.last?.json?.instance === instance, `expected instance ${instance}: ${describe(this.last)}`);
});
Then("il dettaglio dell'errore contiene {string}", async function (this: HarnessWorld, text: string) {
  await expect(this, String(this.last?.json?.detail ?? '').includes(text), `expected detail containing "${text}": ${describe(this.last)}`);
});
Then('la risposta contiene traceID, spanID e workflowInstanceId', function (this: HarnessWorld) {
  const j = this.last?.json ?? {};
  assert.match(String(j.traceID ?? ''), /^[0-9a-f]{16}([0-9a-f]{16})?$/, `traceID missing or malformed: ${describe(this.last)}`);
  assert.match(String(j.spanID ?? ''), /^[0-9a-f]{16}$/, `spanID missing or malformed: ${describe(this.last)}`);
  assert.match(String(j.workflowInstanceId ?? ''), /\^\^\^\^urn:ihe:iti:xdw:2013:workflowInstanceId$/, `workflowInstanceId missing or malformed: ${describe(this.last)}`);
});
Then("l'X-Cart-id è stato registrato nelle evidenze", function (this: HarnessWorld) {
  const o = this.last;
  assert.ok(o, 'no call was made');
  assert.match(o.xCartId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `X-Cart-id missing or not a UUID: ${describe(o)}`);
  const row = session().ledger.rowOf(o.requestFile);
  assert.ok(row, `no ledger row for call ${o.seq}`);
  assert.equal(row.xCartId, o.xCartId, 'ledger X-Cart-id differs from the response header');
});
