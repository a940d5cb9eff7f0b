/**
 * npm run bench — performance figures, measured the same way every time.
 *   1. full suite: wall time and exchanges/s of `fse-harness run` (child process, no HTML report);
 *   2. harness cost per exchange (build CDA + PDF/A-3 + PAdES + two JWTs + send + record), sequential;
 *   3. raw undici replay of the very same request bytes against the same simulator, sequential → the ratio;
 *   4. simulator throughput for validate-and-create (concurrent replay), with full CDA validation
 *      (XSD + schematron + terminology) and with XSD only;
 *   5. peak RSS of the suite process and of this process.
 * Last line: `harness/raw ratio: X.XX`. Options: --exchanges N (default 200), --skip-suite, --concurrency N.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, buildConnector } from 'undici';
import { DOC_TYPES, type DocType } from '../support/types.ts';
import { Session } from '../support/harness/session.ts';
import { PROJECT_ROOT, DEFAULT_PKI_DIR } from '../support/paths.ts';
import { prepareDocument } from '../support/harness/document.ts';
import { performExchange } from '../support/harness/exchange.ts';
import { newCdaContext } from '../support/cda/identity.ts';
import { buildCda } from '../support/cda/template.ts';
import { buildPdf } from '../support/pdf/build.ts';
import { signPades } from '../support/pdf/pades.ts';
import { buildTokens } from '../support/jwt/tokens.ts';
import { startSimulator } from '../simulator/server.ts';
import { parseArgs } from '../cli/command.ts';
import { startEmbeddedSimulator } from '../cli/target.ts';

const { flags } = parseArgs(process.argv.slice(2), { string: ['exchanges', 'concurrency'], boolean: ['skip-suite'] });
const N = Number(flags.exchanges ?? 200);
const CONC = Number(flags.concurrency ?? 16);
const CFS = ['RMSLSO31M04Z404R', 'MNTMRA03M71C615V', 'MNZLSN99E05F205J', 'DRCGNN12A46A326K', 'BRGLRZ80D58H501Q'];
const say = (s: string) => process.stdout.write(`${s}\n`);
const ms = (x: number) => `${x.toFixed(2)} ms`;

say(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`);
say(`catalogs: ${process.env.FSE_CATALOGS_DIR ?? '(none: CDA validation off in the simulator)'}`);

// ---- 1. full suite ----------------------------------------------------------------------------
let suiteLine = 'full suite: skipped (--skip-suite)';
if (!flags['skip-suite']) {
  const reports = mkdtempSync(join(tmpdir(), 'fse-bench-suite-'));
  say('running the full suite (fse-harness run --no-report)…');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'fse-harness.js'), 'run', '--no-report', '--reports', reports], { cwd: PROJECT_ROOT, encoding: 'utf8', env: process.env, maxBuffer: 256 * 2 ** 20 });
  const wall = (performance.now() - t0) / 1000;
  const out = r.stdout ?? '';
  const ex = Number(/(\d+) HTTP exchanges/.exec(out)?.[1] ?? 0);
  const sc = /(\d+) passed, (\d+) failed \((\d+) scenarios/.exec(out);
  const rss = /peak RSS (.+)$/m.exec(out)?.[1];
  const workers = /(\d+) parallel workers/.exec(out)?.[1] ?? '1';
  suiteLine = `full suite: ${wall.toFixed(1)} s wall (process start to exit), ${sc?.[3] ?? '?'} scenarios (${sc?.[1] ?? '?'} passed, ${sc?.[2] ?? '?'} failed), ${ex} exchanges, ${(ex / wall).toFixed(1)} exchanges/s, ${workers} worker process(es), peak RSS ${rss ?? '?'}, exit ${r.status}`;
  rmSync(reports, { recursive: true, force: true });
}

// ---- 2. harness cost per exchange -------------------------------------------------------------
const reports = mkdtempSync(join(tmpdir(), 'fse-bench-'));
const session = await Session.open({ reportsDir: reports, startEmbedded: startEmbeddedSimulator });
const types: DocType[] = session.profile.documentTypes.length ? session.profile.documentTypes : [...DOC_TYPES];
const captured: Buffer[] = [];
const runOne = async (i: number) => {
  const docType = types[i % types.length]!;
  const doc = await prepareDocument({ docType, patientCf: CFS[i % 5]!, profile: session.profile, sign: session.credentials.sign, runId: session.runId, seq: session.nextSeq() });
  const o = await performExchange(session, { scenario: 'bench', method: 'validate-and-create', document: doc, expected: 202 });
  if (o.httpStatus !== 202) throw new Error(`bench exchange refused: ${o.httpStatus} ${o.errorType} ${o.errorDetail}`);
  return o.result.requestBytes;
};
for (let i = 0; i < Math.min(20, N); i++) await runOne(i); // warm-up (schematron compilation, JIT)
let t = performance.now();
for (let i = 0; i < N; i++) captured.push(await runOne(i));
const harnessMs = (performance.now() - t) / N;

// where the harness time goes (same inputs, measured separately)
const parts = { cda: 0, pdf: 0, sign: 0, jwt: 0 };
const K = Math.min(50, N);
for (let i = 0; i < K; i++) {
  const docType = types[i % types.length]!;
  let a = performance.now();
  const ctx = newCdaContext({ docType, patientCf: CFS[i % 5]!, profile: session.profile, runId: session.runId, seq: 100000 + i });
  const cda = buildCda(ctx); parts.cda += performance.now() - a; a = performance.now();
  const pdf = await buildPdf({ cda, title: docType }); parts.pdf += performance.now() - a; a = performance.now();
  await signPades(pdf, { certDer: session.credentials.sign.certDer, privateKeyPkcs8Der: session.credentials.sign.privateKeyPkcs8Der }); parts.sign += performance.now() - a; a = performance.now();
  await buildTokens({ method: 'validate-and-create', profile: session.profile, sign: session.credentials.sign, patientCf: CFS[i % 5]!, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: '0'.repeat(64) }); parts.jwt += performance.now() - a;
}

// ---- 3. raw replay of the same bytes ---------------------------------------------------------
interface Raw { method: string; path: string; headers: Record<string, string>; body: Buffer }
function parseRaw(b: Buffer): Raw {
  const end = b.indexOf('\r\n\r\n');
  const lines = b.subarray(0, end).toString('latin1').split('\r\n');
  const [method, path] = lines[0]!.split(' ');
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) { const i = l.indexOf(':'); const k = l.slice(0, i).toLowerCase(); if (!['host', 'connection', 'content-length'].includes(k)) headers[k] = l.slice(i + 1).trim(); }
  return { method: method!, path: path!, headers, body: b.subarray(end + 4) };
}
const raws = captured.map(parseRaw);
const ca = readFileSync(join(DEFAULT_PKI_DIR, 'ca.pem'), 'utf8');
function client(url: string, pipelining = 1): Client {
  const conn = buildConnector({ cert: session.credentials.auth.certPem, key: session.credentials.auth.keyPem, ca, rejectUnauthorized: true } as buildConnector.BuildOptions);
  return new Client(new URL(url).origin, { pipelining, connect: conn });
}
const replay = async (c: Client, r: Raw) => {
  const res = await c.request({ method: r.method as 'POST', path: r.path, headers: r.headers, body: r.body });
  await res.body.arrayBuffer();
  if (res.statusCode !== 202) throw new Error(`replay got ${res.statusCode}`);
};
const c1 = client(session.baseUrl);
for (let i = 0; i < Math.min(20, N); i++) await replay(c1, raws[i]!);
t = performance.now();
for (const r of raws) await replay(c1, r);
const rawMs = (performance.now() - t) / raws.length;
await c1.close();

// ---- 4. simulator throughput -------------------------------------------------------------------
async function throughput(url: string): Promise<number> {
  const clients = Array.from({ length: CONC }, () => client(url));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(clients.map(async (c) => { while (next < raws.length) await replay(c, raws[next++]!); }));
  const s = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  return raws.length / s;
}
const full = await throughput(session.baseUrl);
const pki = DEFAULT_PKI_DIR;
const sim2 = await startSimulator({ tls: { keyPem: readFileSync(join(pki, 'server.key'), 'utf8'), certPem: readFileSync(join(pki, 'server.pem'), 'utf8'), caPem: ca }, port: 0, catalogsDir: session.catalogsDir, audience: session.profile.aud, switches: { schematron: false } });
await replay(client(sim2.url), raws[0]!);
const xsdOnly = await throughput(sim2.url);
await sim2.close();
const sim3 = await startSimulator({ tls: { keyPem: readFileSync(join(pki, 'server.key'), 'utf8'), certPem: readFileSync(join(pki, 'server.pem'), 'utf8'), caPem: ca }, port: 0, catalogsDir: session.catalogsDir, audience: session.profile.aud, switches: { cdaValidation: false } });
const noVal = await throughput(sim3.url);
await sim3.close();
await session.close();
rmSync(reports, { recursive: true, force: true });

say('');
say(suiteLine);
say(`harness per exchange (sequential, ${N} validate-and-create, types round-robin): ${ms(harnessMs)}`);
say(`  of which, measured separately: CDA ${ms(parts.cda / K)}, PDF/A-3 ${ms(parts.pdf / K)}, PAdES ${ms(parts.sign / K)}, two JWTs ${ms(parts.jwt / K)}; the rest is send + simulator + ledger`);
say(`raw undici replay of the same bytes (sequential): ${ms(rawMs)}`);
say(`simulator validate-and-create throughput (${CONC} concurrent clients): ${full.toFixed(0)}/s with XSD+schematron+terminology, ${xsdOnly.toFixed(0)}/s with XSD only (+terminology), ${noVal.toFixed(0)}/s with CDA validation off`);
say(`peak RSS (this process: harness + simulator): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
say(`harness/raw ratio: ${(harnessMs / rawMs).toFixed(2)}`);
