import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RT_TEST_CFS } from '../../support/types.ts';
import { buildCda, newCdaContext, readCdaFacts } from '../../support/cda/builder.ts';
import { templateTypes, testProfile } from './helpers.ts';

/** µs per call of fn (after a warm-up). */
function usPerCall(fn: () => unknown, n: number): number {
  for (let i = 0; i < Math.min(200, n); i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

// Generous bounds (shared CI machines): the point is to catch an accidental DOM parse or template re-read per call.
test('buildCda and readCdaFacts are fast enough to run on every request', (t) => {
  const profile = testProfile();
  for (const type of templateTypes()) {
    const ctx = newCdaContext({ docType: type, patientCf: RT_TEST_CFS[0]!, profile, runId: 'perf', seq: 1 });
    const bytes = buildCda(ctx);
    const build = usPerCall(() => buildCda(ctx), 2000);
    const facts = usPerCall(() => readCdaFacts(bytes), 2000);
    t.diagnostic(`${type}: ${bytes.length} bytes, buildCda ${build.toFixed(1)} µs/call, readCdaFacts ${facts.toFixed(1)} µs/call`);
    assert.ok(build < 2000, `${type} buildCda ${build} µs`);
    assert.ok(facts < 2000, `${type} readCdaFacts ${facts} µs`);
  }
  // a 1 MB document: readCdaFacts only decodes the header probe
  const ctx = newCdaContext({ docType: 'LAB', patientCf: RT_TEST_CFS[0]!, profile, runId: 'perf', seq: 2 });
  const big = new TextEncoder().encode(new TextDecoder().decode(buildCda(ctx)).replace('</structuredBody>', `<!-- ${'z'.repeat(1_000_000)} --></structuredBody>`));
  const bigUs = usPerCall(() => readCdaFacts(big), 500);
  t.diagnostic(`LAB padded to ${big.length} bytes: readCdaFacts ${bigUs.toFixed(1)} µs/call`);
  assert.ok(bigUs < 2000, `big readCdaFacts ${bigUs} µs`);
});
