/**
 * Throughput of validate-and-create (valid LAB sample, PAdES + both JWS verified, full CDA validation: XSD +
 * schematron + terminology) against the simulator running as a separate process (the CLI), so that the client's
 * work is not counted in the server's process. Reports requests/s; asserts only a very low floor (> 2 req/s) so
 * that the test can fail on a pathological regression without being flaky on slow machines.
 * Runs only with FSE_CATALOGS_DIR (the point is "XSD on").
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { buildMultipart } from '../../support/request/multipart.ts';
import { cleanupTemp, getPki, loadSample, mtlsAgent, publicationBody, newDocId, sha256hex, signedPdf, tokens } from './helpers.ts';
import { request } from 'undici';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CATALOGS = process.env.FSE_CATALOGS_DIR;
const TOTAL = Number(process.env.SIM_PERF_N ?? 200);
const CONCURRENCY = 8;

after(cleanupTemp);

test('perf: validate-and-create requests/s with CDA validation on (server in its own process)', async (t) => {
  if (!CATALOGS) { t.skip('FSE_CATALOGS_DIR not set: CDA validation cannot run'); return; }
  const pki = await getPki();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'fse-harness.js'), 'simulator', '--pki', pki.dir, '--port', '0', '--catalogs', CATALOGS, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const deadline = Date.now() + 60_000;
    while (!/CDA validator ready|checks off/.test(err) || !/listening on/.test(out)) {
      if (Date.now() > deadline) throw new Error(`simulator not ready: ${out} ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /listening on (\S+)/.exec(out)![1]!;
    const s = loadSample('LAB');
    const file = await signedPdf(s.xml);
    const hash = sha256hex(file);
    const bodies = await Promise.all(Array.from({ length: TOTAL + 8 }, async () => {
      const tk = await tokens({ op: 'create', signer: pki.sign, patientCf: s.patientCf, resourceHl7Type: `('${s.code}^^${s.codeSystem}')`, attachmentHash: hash });
      const mp = buildMultipart({ requestBody: publicationBody({ id: newDocId() }), file: { bytes: file, filename: 'doc.pdf' } });
      return { headers: { authorization: `Bearer ${tk.bearer}`, 'fse-jwt-signature': tk.signature, 'content-type': mp.contentType }, body: mp.body };
    }));
    const agent = mtlsAgent(pki, pki.auth, { connections: CONCURRENCY });
    const fire = async (i: number) => {
      const b = bodies[i]!;
      const r = await request(`${url}documents/validate-and-create`, { method: 'POST', headers: b.headers, body: b.body, dispatcher: agent });
      const text = await r.body.text();
      assert.equal(r.statusCode, 202, text);
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => fire(TOTAL + i))); // warm-up (JIT, schematron caches)
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) await fire(next++);
    }));
    const secs = (performance.now() - t0) / 1000;
    const rps = TOTAL / secs;
    console.log(`perf: ${TOTAL} valid validate-and-create (LAB, XSD+schematron+terminology, PAdES, 2×JWS) in ${secs.toFixed(1)} s = ${rps.toFixed(1)} req/s, concurrency ${CONCURRENCY}, ${cpus().length} CPU(s)`);
    await agent.close();
    assert.ok(rps > 2, `throughput ${rps.toFixed(2)} req/s`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  }
});
