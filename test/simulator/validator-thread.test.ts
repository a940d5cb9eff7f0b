/**
 * simulator/validator-thread.ts: the simulator's CDA validation on a worker thread gives exactly what the same
 * validator gives on the main thread (results, messages, errors by name), and simulator/validator.ts maps both the same.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openValidator, type CdaValidator } from '../../support/catalogs/index.ts';
import { openValidatorInThread, validationThreadFromEnv } from '../../simulator/validator-thread.ts';
import { openCdaValidator } from '../../simulator/validator.ts';
import { AppError } from '../../support/gateway/problems.ts';
import { newCdaContext } from '../../support/cda/identity.ts';
import { buildCdaString } from '../../support/cda/template.ts';
import { DOC_TYPES, type CdaValidationResult } from '../../support/types.ts';
import { testProfile } from '../cda/helpers.ts';
import { CATALOGS, missingData, SAMPLES_DIR, SAMPLE_NAMES } from '../shared-data.ts';

const SKIP = missingData('catalogs') ?? '';

test('FSE_SIMULATOR_VALIDATION_THREAD: on unless 0 / false / off / no', () => {
  assert.equal(validationThreadFromEnv({}), true);
  assert.equal(validationThreadFromEnv({ FSE_SIMULATOR_VALIDATION_THREAD: '1' }), true);
  for (const v of ['0', 'false', 'OFF', ' no ']) assert.equal(validationThreadFromEnv({ FSE_SIMULATOR_VALIDATION_THREAD: v }), false, v);
});

/** Documents that pass, fail the XSD, fail the schematron, and have no readable header. */
function documents(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const t of DOC_TYPES) {
    const text = buildCdaString(newCdaContext({ docType: t, patientCf: 'RMSLSO31M04Z404R', profile: testProfile(), runId: 'thread', seq: 1 }));
    out.push({ name: `built ${t}`, text });
    // an element the XSD does not allow in the header
    out.push({ name: `built ${t}, XSD error`, text: text.replace(/<title>/, '<titolo>x</titolo><title>') });
    // the document's code removed: the schematron's asserts on ClinicalDocument/code fail
    out.push({ name: `built ${t}, no code`, text: text.replace(/<code [^>]*\/>/, '') });
  }
  if (!missingData('samples')) for (const n of SAMPLE_NAMES) out.push({ name: `sample ${n}`, text: fs.readFileSync(path.join(SAMPLES_DIR, `${n}.xml`), 'utf8') });
  out.push({ name: 'no templateId', text: '<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1"/></ClinicalDocument>' });
  out.push({ name: 'not well-formed', text: '<ClinicalDocument xmlns="urn:hl7-org:v3"><templateId root="2.16.840.1.113883.2.9.10.1.1"/>' });
  return out;
}

describe('with the official catalogs', { timeout: 180_000 }, () => {
  let here: CdaValidator | undefined;
  let there: CdaValidator | undefined;
  before(async () => {
    if (!CATALOGS) return;
    here = await openValidator({ catalogsDir: CATALOGS });
    there = await openValidatorInThread({ catalogsDir: CATALOGS });
  });
  after(() => { here?.close(); there?.close(); });

  test('the thread gives what the main thread gives, document by document (outcomes, messages, errors)', async (t) => {
    if (!CATALOGS || !here || !there) return t.skip(SKIP);
    assert.deepEqual(there.skipped, here.skipped);
    const outcomes = new Set<string>();
    type Got = { r: CdaValidationResult } | { e: { name: string; message: string } };
    for (const d of documents()) {
      const [a, b]: Got[] = await Promise.all([
        here.validate(d.text).then((r) => ({ r }), (e: Error) => ({ e: { name: e.name, message: e.message } })),
        there.validate(Buffer.from(d.text, 'utf8')).then((r) => ({ r }), (e: Error) => ({ e: { name: e.name, message: e.message } })),
      ]);
      assert.deepEqual(b, a, d.name);
      outcomes.add('r' in a! ? a.r.result : a!.e.name);
    }
    // the documents above cover success, each kind of failure and a header the validator cannot read
    for (const o of ['OK', 'SYNTAX_ERROR', 'SEMANTIC_ERROR', 'CdaHeaderError']) assert.ok(outcomes.has(o), `no ${o} among ${[...outcomes].join(', ')}`);
  });

  test('validations sent at once come back each with its own answer', async (t) => {
    if (!CATALOGS || !there) return t.skip(SKIP);
    const docs = documents();
    const expected = await Promise.all(docs.map((d) => here!.validate(d.text).then((r) => r.result, (e: Error) => e.name)));
    const got = await Promise.all(docs.map((d) => there!.validate(d.text).then((r) => r.result, (e: Error) => e.name)));
    assert.deepEqual(got, expected);
  });

  test('the simulator stage maps the thread\'s answers as it maps the main thread\'s (a 500 for an unreadable header)', async (t) => {
    if (!CATALOGS) return t.skip(SKIP);
    const stages = [openCdaValidator({ catalogsDir: CATALOGS, enabled: true, thread: true }), openCdaValidator({ catalogsDir: CATALOGS, enabled: true, thread: false })];
    try {
      await Promise.all(stages.map((s) => s.ready));
      assert.deepEqual(stages[0]!.skipped, stages[1]!.skipped);
      for (const d of documents()) {
        const [a, b] = await Promise.all(stages.map((s) => s.validate(Buffer.from(d.text, 'utf8')).then(
          (r) => ({ warning: r.warning ?? null }),
          (e: unknown) => (e instanceof AppError ? { kind: e.kind, detail: e.detail, instance: e.instance, status: e.fixedStatus ?? null } : { other: String(e) }),
        )));
        assert.deepEqual(a, b, d.name);
        if (d.name === 'no templateId') assert.deepEqual(a, { kind: 'CONNECTION_REFUSED', detail: 'Connection refused', instance: (a as { instance: string }).instance, status: 500 });
      }
    } finally {
      for (const s of stages) s.close();
    }
  });

  test('a document that is a view into a larger buffer is validated as those bytes only', async (t) => {
    if (!CATALOGS || !here || !there) return t.skip(SKIP);
    for (const d of documents().slice(0, 3)) {
      const bytes = Buffer.from(d.text, 'utf8');
      const before = Buffer.from('--boundary\r\n<junk/>');
      const big = Buffer.concat([before, bytes, Buffer.from('\r\n--boundary--<more junk>')]);
      const view = big.subarray(before.length, before.length + bytes.length);
      assert.equal(Buffer.compare(view, bytes), 0);
      const [a, b]: CdaValidationResult[] = await Promise.all([here.validate(bytes), there.validate(view)]);
      assert.deepEqual(b, a, d.name);
      assert.equal(Buffer.compare(view, bytes), 0, 'the caller\'s bytes are left as they were');
    }
  });

  test('after close, a validation fails instead of waiting for ever', async (t) => {
    if (!CATALOGS) return t.skip(SKIP);
    const v = await openValidatorInThread({ catalogsDir: CATALOGS });
    const text = documents()[0]!.text;
    assert.equal((await v.validate(text)).result, 'OK');
    v.close();
    await assert.rejects(v.validate(text), /closed/);
  });
});
