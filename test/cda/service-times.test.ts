/**
 * The body's dataInizioPrestazione / dataFinePrestazione come from the time of the service the CDA documents
 * (serviceEvent, else encompassingEncounter, else the document's effectiveTime), not from the time of the call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { readServiceTimes, type ServiceTimes } from '../../support/cda/facts.ts';
import { buildCdaString } from '../../support/cda/template.ts';
import { newCdaContext } from '../../support/cda/identity.ts';
import { dtmFromHl7Ts, formatDtm, hl7Ts } from '../../support/rome-time.ts';
import { buildBody, serviceTimesOf } from '../../support/request/body.ts';
import { DOC_TYPES } from '../../support/types.ts';
import { missingData } from '../shared-data.ts';
import { samplesDir, testProfile } from './helpers.ts';

type Node = Record<string, unknown>;

/** Independent reference: the same rule through a full fast-xml-parser parse (namespace prefixes removed). */
function referenceTimes(xml: string): ServiceTimes | null {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, isArray: (_n: string, _p: unknown, _l: boolean, isAttr: boolean) => !isAttr });
  const cd = ((parser.parse(xml) as Record<string, Node[]>)['ClinicalDocument'])![0]!;
  const child = (n: Node | undefined, name: string): Node | undefined => (n?.[name] as Node[] | undefined)?.[0];
  const times = (et: Node | undefined): { start?: string; stop?: string } => {
    const value = et?.['@value'] as string | undefined;
    const low = child(et, 'low')?.['@value'] as string | undefined;
    const high = child(et, 'high')?.['@value'] as string | undefined;
    const start = low ?? value;
    return { start, stop: high ?? value ?? start };
  };
  const candidates: [ServiceTimes['from'], Node | undefined][] = [
    ['documentationOf/serviceEvent', child(child(child(cd, 'documentationOf'), 'serviceEvent'), 'effectiveTime')],
    ['componentOf/encompassingEncounter', child(child(child(cd, 'componentOf'), 'encompassingEncounter'), 'effectiveTime')],
    ['ClinicalDocument/effectiveTime', child(cd, 'effectiveTime')],
  ];
  for (const [from, et] of candidates) {
    const t = times(et);
    if (t.start) return { start: t.start, stop: t.stop!, from };
  }
  return null;
}

test('readServiceTimes on the official sample CDAs matches a full XML parse', (t) => {
  const d = samplesDir();
  if (!d) return t.skip(missingData('samples'));
  const files = readdirSync(d).filter((f) => f.endsWith('.xml')).sort();
  assert.ok(files.length >= 9);
  const seen = new Set<string>();
  for (const f of files) {
    const text: string = readFileSync(join(d, f), 'utf8');
    const expected = referenceTimes(text);
    assert.deepEqual(readServiceTimes(new Uint8Array(readFileSync(join(d, f)))), expected, f);
    assert.deepEqual(readServiceTimes(text), expected, `${f} (text)`);
    if (expected) seen.add(expected.from);
  }
  assert.ok(seen.has('documentationOf/serviceEvent'), 'the samples exercise serviceEvent');
});

test('every built-in template carries its service time, read from the right element', () => {
  const now = new Date('2026-12-04T09:30:00Z');
  const where: Record<string, ServiceTimes['from']> = {
    LAB: 'documentationOf/serviceEvent', RAD: 'documentationOf/serviceEvent', RSA: 'documentationOf/serviceEvent', PSS: 'documentationOf/serviceEvent',
    LDO: 'componentOf/encompassingEncounter', RAP: 'componentOf/encompassingEncounter', VPS: 'componentOf/encompassingEncounter',
    CERT_VACC: 'ClinicalDocument/effectiveTime', SING_VACC: 'ClinicalDocument/effectiveTime',
  };
  for (const docType of DOC_TYPES) {
    const xml = buildCdaString(newCdaContext({ docType, patientCf: 'RMSLSO31M04Z404R', profile: testProfile(), runId: 'r', seq: 1, now }));
    const t = readServiceTimes(xml);
    assert.ok(t, docType);
    assert.equal(t.from, where[docType], docType);
    assert.deepEqual(t, referenceTimes(xml), docType);
  }
  // LAB's serviceEvent is two days before the document (template): the body says so, not the time of the call
  const lab = buildCdaString(newCdaContext({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: testProfile(), runId: 'r', seq: 1, now }));
  const twoDaysBefore = new Date(now.getTime() - 2 * 86_400_000);
  assert.equal(readServiceTimes(lab)!.start, hl7Ts(twoDaysBefore));
  const later = new Date('2026-12-05T10:00:00Z');
  const body = buildBody({ method: 'update-metadata', profile: testProfile(), docType: 'LAB', ...serviceTimesOf(new TextEncoder().encode(lab), later) })!;
  assert.equal(body['dataInizioPrestazione'], formatDtm(twoDaysBefore));
  assert.equal(body['dataFinePrestazione'], formatDtm(twoDaysBefore));
});

test('dtmFromHl7Ts: offsets converted to Rome local time, local values padded, garbage refused', () => {
  assert.equal(dtmFromHl7Ts('20190115'), '20190115000000');
  assert.equal(dtmFromHl7Ts('201901'), '20190101000000');
  assert.equal(dtmFromHl7Ts('20261204103000'), '20261204103000');
  assert.equal(dtmFromHl7Ts('20261204103000+0100'), '20261204103000');
  assert.equal(dtmFromHl7Ts('20261204093000+0000'), '20261204103000', 'winter: UTC+1');
  assert.equal(dtmFromHl7Ts('20260704093000+0000'), '20260704113000', 'summer: UTC+2');
  assert.equal(dtmFromHl7Ts('20260704113000.123+0200'), '20260704113000');
  assert.equal(dtmFromHl7Ts('20261231233000-0500'), '20270101053000', 'across the year');
  for (const bad of ['', '2026-12-04', '20261304', '20261200', '20261204250000', '20261204103000+01', 'x20261204']) {
    assert.equal(dtmFromHl7Ts(bad), null, bad);
  }
});

test('serviceTimesOf: the time of the call when the CDA has no readable service time', () => {
  const at = new Date('2026-12-04T09:30:00Z');
  assert.deepEqual(serviceTimesOf(null, at), { serviceStart: at, serviceEnd: at });
  assert.deepEqual(serviceTimesOf(new TextEncoder().encode('not xml at all'), at), { serviceStart: at, serviceEnd: at });
  const noTimes = '<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1" extension="2"/><component/></ClinicalDocument>';
  assert.deepEqual(serviceTimesOf(new TextEncoder().encode(noTimes), at), { serviceStart: at, serviceEnd: at });
  const bad = '<ClinicalDocument xmlns="urn:hl7-org:v3"><effectiveTime value="yesterday"/></ClinicalDocument>';
  assert.deepEqual(serviceTimesOf(new TextEncoder().encode(bad), at), { serviceStart: at, serviceEnd: at });
  const body = buildBody({ method: 'update-metadata', profile: testProfile(), docType: 'LAB', ...serviceTimesOf(null, at) })!;
  assert.equal(body['dataInizioPrestazione'], '20261204103000');
});

test('readServiceTimes on bytes: a header longer than the 16 KB probe is read whole, a short one from the probe', () => {
  const cda = buildCdaString(newCdaContext({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: testProfile(), runId: 'probe', seq: 1 }));
  const expected = referenceTimes(cda);
  assert.ok(expected, 'the LAB template has a service time');
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  assert.deepEqual(readServiceTimes(bytes(cda)), expected);
  // 20 KB of header before documentationOf: the serviceEvent lies beyond the probe and must still win over effectiveTime
  const padding = `<!--${'x'.repeat(20 * 1024)}-->`;
  const longHeader = cda.replace('<documentationOf', `${padding}<documentationOf`);
  assert.notEqual(longHeader, cda);
  assert.equal(readServiceTimes(bytes(longHeader))?.from, expected.from);
  assert.deepEqual(readServiceTimes(bytes(longHeader)), readServiceTimes(longHeader));
  // a body far beyond the probe does not matter once the header is read
  const bigBody = cda.replace('</ClinicalDocument>', `<!--${'y'.repeat(64 * 1024)}--></ClinicalDocument>`);
  assert.deepEqual(readServiceTimes(bytes(bigBody)), expected);
});
