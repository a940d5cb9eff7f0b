/**
 * npm run bench — the figures of the performance table, measured the same way every time, with the official catalogs
 * on (FSE_CATALOGS_DIR) and off, in one run:
 *   1. the full suite, process start to exit: `fse-harness run --no-report` (catalogs on and off) and the accreditation
 *      run with its HTML report (catalogs on); scenarios, exchanges and each process's peak RSS are read from the run
 *      directory the suite wrote (run.json `figures`, the ledger, the scenario records), never from its console;
 *   2. per phase (catalogs on, catalogs off), in a child process of its own: the harness cost per validate-and-create
 *      (build CDA + PDF/A-3 + PAdES + two JWTs + send + record, sequential) and a raw undici replay of the very same
 *      request bytes against the same simulator → the ratio; the simulator's validate-and-create throughput under
 *      concurrent replay, with what it validated named. The simulator runs in a process of its own, as in a run.
 * Last line: `harness/raw ratio: X.XX` (catalogs on; catalogs off when no catalogs are given).
 * Options: --exchanges N (default 200), --concurrency N (default 16), --skip-suite, --phase on|off (internal).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
import { buildTokens } from '../support/jwt/tokens.ts';
import { parseArgs } from '../cli/command.ts';
import { startSimulatorProcess, type SimulatorProcessTarget } from '../cli/target.ts';
import type { SimulatorSwitches } from '../simulator/switches.ts';
import { EVIDENCE_FILES, CUCUMBER_FILES, RUN_FILES, peakRssMb } from '../support/evidence/runDir.ts';

const HELP = `npm run bench [-- OPTIONS]

Prints the performance figures with the official catalogs on (FSE_CATALOGS_DIR) and off, in one run.
  --exchanges N     validate-and-create exchanges per phase (default 200)
  --concurrency N   concurrent clients for the simulator throughput (default 16)
  --skip-suite      do not run the full suite (the per-exchange phases only)
  --help            this text
`;
const { flags } = parseArgs(process.argv.slice(2), { string: ['exchanges', 'concurrency', 'phase'], boolean: ['skip-suite', 'help'] });
if (flags.help) { process.stdout.write(HELP); process.exit(0); }
const N = Number(flags.exchanges ?? 200);
const CONC = Number(flags.concurrency ?? 16);
const CFS = ['RMSLSO31M04Z404R', 'MNTMRA03M71C615V', 'MNZLSN99E05F205J', 'DRCGNN12A46A326K', 'BRGLRZ80D58H501Q'];
const say = (s: string) => process.stdout.write(`${s}\n`);
const BENCH = join(PROJECT_ROOT, 'bench', 'bench.ts');

/** What one phase (one child process) measured. */
interface PhaseFigures {
  catalogs: string | null;
  validated: string;
  harnessMs: number;
  rawMs: number;
  parts: { cda: number; pdf: number; sign: number; jwt: number };
  simFull: number;
  /** every document through SaxonJS (FSE_SCHEMATRON_PRECHECK=0); null without catalogs */
  simSaxonAll: number | null;
  /** the CDA validation on the simulator's main thread (FSE_SIMULATOR_VALIDATION_THREAD=0); null without catalogs */
  simMainThread: number | null;
  simXsdOnly: number;
  simNoValidation: number;
  peakRssMb: number;
  simulatorPeakRssMb: number | null;
}

if (flags.phase) {
  say(`PHASE ${JSON.stringify(await phase())}`);
  process.exit(0);
}

// ------------------------------------------------------------------------------------------------ the parent
const catalogsDir = process.env.FSE_CATALOGS_DIR?.trim() || null;
const started = new Date();
say(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}; ${started.toISOString()}`);
say(`catalogs: ${catalogsDir ?? 'NONE (FSE_CATALOGS_DIR unset): the "catalogs on" figures are SKIPPED'}`);

interface SuiteFigures { label: string; wallS: number; scenarios: number; passed: number; failed: number; skipped: number; exchanges: number; coordinatorRssMb: number | null; simulatorRssMb: number | null; reportRssMb: number | null; workersRssMb: number[]; exit: number | null }

/** Runs the whole suite as a vendor would and reads its figures from the run directory it wrote. */
async function suite(label: string, catalogs: string | null, withReport: boolean): Promise<SuiteFigures> {
  const reports = mkdtempSync(join(tmpdir(), 'fse-bench-suite-'));
  say(`running the full suite: ${label}…`);
  const args = [join(PROJECT_ROOT, 'bin', 'fse-harness.js'), 'run', '--reports', reports, ...(withReport ? [] : ['--no-report'])];
  const t0 = performance.now();
  const exit = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, FSE_CATALOGS_DIR: catalogs ?? '' }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => resolve(code));
  });
  const wallS = (performance.now() - t0) / 1000;
  const runs = join(reports, 'runs');
  const dir = existsSync(runs) ? readdirSync(runs).map((d) => join(runs, d))[0] : undefined;
  const lines = (f: string) => (dir && existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()) : []);
  const records = dir ? lines(join(dir, 'cucumber', CUCUMBER_FILES.scenarios)).map((l) => JSON.parse(l) as { status: string }) : [];
  const runInfo = dir && existsSync(join(dir, RUN_FILES.runInfo)) ? JSON.parse(readFileSync(join(dir, RUN_FILES.runInfo), 'utf8')) as { figures?: { peakRssMb?: number; simulatorPeakRssMb?: number; reportPeakRssMb?: number } } : {};
  const f: SuiteFigures = {
    label, wallS, exit,
    scenarios: records.length,
    passed: records.filter((r) => r.status === 'PASSED').length,
    failed: records.filter((r) => r.status === 'FAILED').length,
    skipped: records.filter((r) => r.status === 'SKIPPED').length,
    exchanges: dir ? lines(join(dir, 'evidence', EVIDENCE_FILES.ledgerJsonl)).length : 0,
    coordinatorRssMb: runInfo.figures?.peakRssMb ?? null,
    simulatorRssMb: runInfo.figures?.simulatorPeakRssMb ?? null,
    reportRssMb: runInfo.figures?.reportPeakRssMb ?? null,
    workersRssMb: dir ? lines(join(dir, 'cucumber', CUCUMBER_FILES.workersRss)).map(Number) : [],
  };
  rmSync(reports, { recursive: true, force: true });
  if (!dir || f.scenarios === 0) throw new Error(`the suite (${label}) left no run directory with scenario records (exit ${exit})`);
  return f;
}

function runPhase(catalogs: string | null): PhaseFigures {
  say(`measuring per-exchange costs and simulator throughput, catalogs ${catalogs ? 'on' : 'off'}…`);
  const r = spawnSync(process.execPath, ['--import', 'libxml2-wasm', '--import', 'tsx', BENCH, '--phase', catalogs ? 'on' : 'off', '--exchanges', String(N), '--concurrency', String(CONC)], {
    cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, FSE_CATALOGS_DIR: catalogs ?? '' }, maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('PHASE '));
  if (r.status !== 0 || !line) throw new Error(`bench phase (catalogs ${catalogs ? 'on' : 'off'}) failed with exit ${r.status}: ${r.stdout}`);
  return JSON.parse(line.slice('PHASE '.length)) as PhaseFigures;
}

const suites: SuiteFigures[] = [];
if (!flags['skip-suite']) {
  if (catalogsDir) {
    suites.push(await suite('catalogs on, no HTML report (fse-harness run --no-report)', catalogsDir, false));
    suites.push(await suite('catalogs on, with the HTML report (npm run accreditation)', catalogsDir, true));
  }
  suites.push(await suite('catalogs off, no HTML report', null, false));
}
const on = catalogsDir ? runPhase(catalogsDir) : null;
const off = runPhase(null);

const ms = (x: number) => `${x.toFixed(2)} ms`;
const rss = (s: SuiteFigures) => `coordinator ${s.coordinatorRssMb ?? '?'} MB, simulator ${s.simulatorRssMb ?? '?'} MB${s.workersRssMb.length ? `, workers ${s.workersRssMb.join(' / ')} MB` : ''}${s.reportRssMb ? `, report renderer ${s.reportRssMb} MB` : ''}`;
say('');
say(`figures (${started.toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}):`);
for (const s of suites) {
  say(`full suite, ${s.label}: ${s.wallS.toFixed(1)} s wall (process start to exit), ${s.scenarios} scenarios (${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped), ${s.exchanges} exchanges, ${(s.exchanges / s.wallS).toFixed(1)} exchanges/s, peak RSS ${rss(s)}, exit ${s.exit}`);
}
for (const [name, p] of [['catalogs on', on], ['catalogs off', off]] as const) {
  if (!p) { say(`${name}: SKIPPED (no FSE_CATALOGS_DIR)`); continue; }
  say(`${name} — the simulator validates: ${p.validated}`);
  say(`  harness per validate-and-create (sequential, ${N}, types round-robin): ${ms(p.harnessMs)}; of which, measured separately: CDA ${ms(p.parts.cda)}, PDF/A-3 ${ms(p.parts.pdf)}, PAdES ${ms(p.parts.sign)} (the signed build − the unsigned one: the harness signs in the pdf-lib pass that builds), two JWTs ${ms(p.parts.jwt)}; the rest is send + simulator + ledger`);
  say(`  raw undici replay of the same bytes (sequential): ${ms(p.rawMs)} → harness/raw ${(p.harnessMs / p.rawMs).toFixed(2)} (the harness's own cost per exchange, harness − raw: ${ms(p.harnessMs - p.rawMs)})`);
  const saxonAll = p.simSaxonAll === null ? '' : `, ${p.simSaxonAll.toFixed(0)}/s with every document through SaxonJS (FSE_SCHEMATRON_PRECHECK=0)`;
  const mainThread = p.simMainThread === null ? '' : `, ${p.simMainThread.toFixed(0)}/s with the CDA validation on the simulator's main thread (FSE_SIMULATOR_VALIDATION_THREAD=0)`;
  say(`  simulator validate-and-create/s (${CONC} concurrent clients): ${p.simFull.toFixed(0)}/s as configured${p.simSaxonAll === null ? '' : ' (CDA validation on a thread of its own; schematron: the XPath 1.0 pre-check, SaxonJS where it is unsure)'}${mainThread}${saxonAll}, ${p.simXsdOnly.toFixed(0)}/s without schematron, ${p.simNoValidation.toFixed(0)}/s with CDA validation off`);
  say(`  peak RSS: the measuring process (the harness and the clients) ${p.peakRssMb} MB, the simulator's process ${p.simulatorPeakRssMb ?? '?'} MB`);
}
const main = on ?? off;
say(`harness/raw ratio: ${(main.harnessMs / main.rawMs).toFixed(2)}`);

// ------------------------------------------------------------------------------------------------ one phase
async function phase(): Promise<PhaseFigures> {
  const reports = mkdtempSync(join(tmpdir(), 'fse-bench-'));
  let simulator: SimulatorProcessTarget | undefined;
  const session = await Session.open({ reportsDir: reports, startEmbedded: async (o) => (simulator = await startSimulatorProcess(o)) });
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
    const pdfStart = a;
    await buildPdf({ cda, title: docType }); parts.pdf += performance.now() - a; a = performance.now();
    // the harness signs in the same pdf-lib pass that builds the PDF: PAdES = that signed build − the unsigned one
    await buildPdf({ cda, title: docType, sign: { key: { certDer: session.credentials.sign.certDer, chainDer: session.credentials.sign.chainDer, privateKeyPkcs8Der: session.credentials.sign.privateKeyPkcs8Der } } });
    parts.sign += performance.now() - a - (a - pdfStart); a = performance.now();
    await buildTokens({ method: 'validate-and-create', profile: session.profile, sign: session.credentials.sign, patientCf: CFS[i % 5]!, resourceHl7Type: "('11502-2^^2.16.840.1.113883.6.1')", attachmentHash: '0'.repeat(64) }); parts.jwt += performance.now() - a;
  }
  for (const k of Object.keys(parts) as (keyof typeof parts)[]) parts[k] /= K;

  interface Raw { method: string; path: string; headers: Record<string, string>; body: Buffer }
  const parseRaw = (b: Buffer): Raw => {
    const end = b.indexOf('\r\n\r\n');
    const lines = b.subarray(0, end).toString('latin1').split('\r\n');
    const [method, path] = lines[0]!.split(' ');
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) { const i = l.indexOf(':'); const k = l.slice(0, i).toLowerCase(); if (!['host', 'connection', 'content-length'].includes(k)) headers[k] = l.slice(i + 1).trim(); }
    return { method: method!, path: path!, headers, body: b.subarray(end + 4) };
  };
  const raws = captured.map(parseRaw);
  const ca = readFileSync(join(DEFAULT_PKI_DIR, 'ca.pem'), 'utf8');
  const client = (url: string): Client => new Client(new URL(url).origin, {
    pipelining: 1,
    connect: buildConnector({ cert: session.credentials.auth.certPem, key: session.credentials.auth.keyPem, ca, rejectUnauthorized: true } as buildConnector.BuildOptions),
  });
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

  // every captured request replayed THROUGHPUT_PASSES times (the same bytes are accepted again): a longer window, steadier figure
  const THROUGHPUT_PASSES = 3;
  const throughput = async (url: string): Promise<number> => {
    const clients = Array.from({ length: CONC }, () => client(url));
    const total = raws.length * THROUGHPUT_PASSES;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(clients.map(async (c) => { while (next < total) await replay(c, raws[next++ % raws.length]!); }));
    const secs = (performance.now() - t0) / 1000;
    await Promise.all(clients.map((c) => c.close()));
    return total / secs;
  };
  const simFull = await throughput(session.baseUrl);
  // each variant warmed up as the configured one was (JIT, schematron compilation) before it is measured
  const variant = async (switches: Partial<SimulatorSwitches>, env: Record<string, string> = {}) => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env); // the simulator's process inherits this process's environment
    let sim: SimulatorProcessTarget;
    try {
      sim = await startSimulatorProcess({ pkiDir: DEFAULT_PKI_DIR, catalogsDir: session.catalogsDir, audience: session.profile.aud, log: () => {} }, { switches });
    } finally {
      for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    }
    const c = client(sim.baseUrl);
    for (let i = 0; i < Math.min(20, N); i++) await replay(c, raws[i]!);
    await c.close();
    return sim;
  };
  let simSaxonAll: number | null = null;
  let simMainThread: number | null = null;
  let sim1: SimulatorProcessTarget | null = null;
  let sim0: SimulatorProcessTarget | null = null;
  if (session.catalogsDir) {
    sim0 = await variant({}, { FSE_SIMULATOR_VALIDATION_THREAD: '0' });
    simMainThread = await throughput(sim0.baseUrl);
    await sim0.close();
    sim1 = await variant({}, { FSE_SCHEMATRON_PRECHECK: '0' });
    simSaxonAll = await throughput(sim1.baseUrl);
    await sim1.close();
  }
  const sim2 = await variant({ schematron: false });
  const simXsdOnly = await throughput(sim2.baseUrl);
  await sim2.close();
  const sim3 = await variant({ cdaValidation: false });
  const simNoValidation = await throughput(sim3.baseUrl);
  await sim3.close();
  const catalogs = session.catalogsDir ?? null;
  await session.close();
  rmSync(reports, { recursive: true, force: true });
  const simulatorRss = [simulator?.peakRssMb(), sim0?.peakRssMb(), sim1?.peakRssMb(), sim2.peakRssMb(), sim3.peakRssMb()].filter((x): x is number => x !== undefined);
  return {
    catalogs,
    validated: catalogs ? 'well-formedness + XSD + schematron + terminology (official catalogs)' : 'well-formedness only (no catalogs)',
    harnessMs, rawMs, parts, simFull, simSaxonAll, simMainThread, simXsdOnly, simNoValidation,
    peakRssMb: peakRssMb(),
    simulatorPeakRssMb: simulatorRss.length ? Math.max(...simulatorRss) : null,
  };
}
