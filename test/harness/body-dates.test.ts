/**
 * What `buildRequest` puts in dataInizioPrestazione / dataFinePrestazione: the time of the service the document
 * records (the same on create, replace and a later metadata update), not the time of each call.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makePkiFixture, baseProfile, type PkiFixture } from '../pki/fixtures.ts';
import { loadCredentials, type Credentials } from '../../support/pki/credentials.ts';
import { prepareDocument } from '../../support/harness/document.ts';
import { buildRequest, type ExchangeContext } from '../../support/harness/exchange.ts';
import { readServiceTimes } from '../../support/cda/facts.ts';
import { dtmFromHl7Ts, formatDtm } from '../../support/rome-time.ts';

let fx: PkiFixture;
let creds: Credentials;
before(async () => {
  fx = await makePkiFixture();
  const profile = { ...baseProfile(), certificates: { mode: 'separate' as const, authentication: { cert: fx.pki.files.auth, key: fx.pki.files.authKey }, signature: { cert: fx.pki.files.sign, key: fx.pki.files.signKey } } };
  creds = await loadCredentials(profile, { baseDir: fx.dir, env: {} });
});
after(() => fx?.cleanup());

function context(): ExchangeContext {
  let seq = 0;
  const unused = () => { throw new Error('not used by buildRequest'); };
  return {
    profile: baseProfile(), credentials: creds, runId: '20261204T093000Z1a2b', nextSeq: () => ++seq,
    client: { send: unused, baseUrl: 'https://127.0.0.1:1/gateway/v2/' },
    ledger: { writeExchange: unused, savePdf: unused, append: unused },
    circuit: { assertMaySend: unused, record: unused },
  } as unknown as ExchangeContext;
}

test('create and a later metadata update carry the service time of the CDA, not the time of the call', async () => {
  const ctx = context();
  const created = new Date('2026-12-01T08:00:00Z');
  for (const docType of ['LAB', 'LDO', 'CERT_VACC'] as const) {
    const document = await prepareDocument({ docType, patientCf: 'RMSLSO31M04Z404R', profile: ctx.profile, sign: creds.sign, runId: ctx.runId, seq: ctx.nextSeq(), now: created });
    const t = readServiceTimes(document.cda)!;
    const start = dtmFromHl7Ts(t.start)!;
    const stop = dtmFromHl7Ts(t.stop)!;
    const create = await buildRequest(ctx, { scenario: 's', method: 'validate-and-create', document, expected: 201 });
    const update = await buildRequest(ctx, { scenario: 's', method: 'update-metadata', document, expected: 200 });
    for (const [label, r] of [['create', create], ['update', update]] as const) {
      assert.equal(r.body?.['dataInizioPrestazione'], start, `${docType} ${label}`);
      assert.equal(r.body?.['dataFinePrestazione'], stop, `${docType} ${label}`);
      assert.notEqual(r.body?.['dataInizioPrestazione'], formatDtm(r.at), `${docType} ${label}: not the time of the call`);
    }
  }
});
