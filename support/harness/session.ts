import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Method, Profile } from '../types.ts';
import { UserError } from '../errors.ts';
import { loadProfile } from '../config/profile.ts';
import { loadCredentials, type Credentials } from '../pki/credentials.ts';
import { generateTestPki } from '../pki/testPki.ts';
import type { CdaValidator } from '../catalogs/index.ts';
import { GatewayClient } from '../request/http.ts';
import { assertTargetAllowed, RT_STAGE_BASE_URL } from '../request/interlocks.ts';
import { createRunDir, runDirPaths, type RunDir } from '../evidence/runDir.ts';
import { Ledger } from '../evidence/ledger.ts';
import type { DocumentState } from './document.ts';
import type { ExchangeOutcome } from './exchange.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_PROFILE = join(PROJECT_ROOT, 'testdata', 'profile.example.json');
export const DEFAULT_PKI_DIR = join(PROJECT_ROOT, '.fse', 'pki');
export const DEFAULT_REPORTS_DIR = join(PROJECT_ROOT, 'reports');

export interface SessionOptions {
  profilePath?: string;
  reportsDir?: string;
  pkiDir?: string;
  catalogsDir?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Progress/info lines (never secrets). */
  log?: (line: string) => void;
  /** Use an existing run directory instead of creating one. */
  runDir?: RunDir;
  /**
   * Parallel worker mode: the coordinator (`fse-harness run --parallel N`) created the run directory, generated the
   * test PKI and hosts the simulator; a worker only sends requests and records them in the same evidence.
   */
  worker?: { runDir: string; baseUrl: string; simulatorValidates: boolean };
}

/** Environment variables the coordinator passes to Cucumber's worker processes. */
export const WORKER_ENV = { runDir: 'FSE_WORKER_RUN_DIR', baseUrl: 'FSE_WORKER_BASE_URL', validates: 'FSE_WORKER_SIM_VALIDATES', pkiDir: 'FSE_PKI_DIR' } as const;
export function workerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SessionOptions['worker'] | undefined {
  const runDir = env[WORKER_ENV.runDir];
  const baseUrl = env[WORKER_ENV.baseUrl];
  return runDir && baseUrl ? { runDir, baseUrl, simulatorValidates: env[WORKER_ENV.validates] === '1' } : undefined;
}

/** What the run keeps per exchange after the scenario ends (the bytes are on disk, in the evidence). */
export interface OutcomeSummary { at: string; method: string; docType: string; status?: number; errorType: string; xCartId: string; traceId: string; workflowInstanceId: string; pdfFile?: string }
export interface ScenarioRecord { name: string; status: string; outcomes: OutcomeSummary[]; nationalIds: number[] }

export function summariseOutcome(o: ExchangeOutcome): OutcomeSummary {
  return { at: o.at, method: o.spec.method, docType: o.spec.document.docType, status: o.status, errorType: o.errorType, xCartId: o.xCartId, traceId: o.traceId, workflowInstanceId: o.workflowInstanceId, pdfFile: o.pdfFile };
}

type SimHandle = { url: string; close(): Promise<void>; skipped: string[]; faults: unknown; stats(): unknown };

/** Everything one run needs; created before any network call, closed once at the end. */
export class Session {
  profile!: Profile;
  profilePath!: string;
  profileDir!: string;
  credentials!: Credentials;
  client!: GatewayClient;
  ledger!: Ledger;
  runDir!: RunDir;
  runId!: string;
  baseUrl!: string;
  catalogsDir: string | null = null;
  /** Local CDA validator (coordinator only: pre-flight information). Workers do not load the catalogs. */
  validator?: CdaValidator;
  simulator: SimHandle | null = null;
  /** Set when this process is a parallel worker of a coordinator's run. */
  worker: SessionOptions['worker'] | undefined;
  /** True when the embedded simulator validates CDAs against official catalogs (always assumed on stage). */
  simulatorValidates = false;
  startedAt = new Date();
  /** Documents currently published by this run (identificativoDoc → state): deleted at the end. */
  readonly published = new Map<string, DocumentState>();
  /** Documents the final clean-up could not delete. */
  leftBehind: string[] = [];
  private seq = 0;
  log: (line: string) => void = () => {};

  nextSeq(): number { return ++this.seq; }

  /** Scenario results in execution order (for progress output, data.json and the summary). */
  readonly scenarios: ScenarioRecord[] = [];
  /** Number of scenarios planned (for "[n/total]" progress); 0 when unknown. */
  totalScenarios = 0;

  /** One JSON line per finished scenario, shared by all the workers of the run (counts, data.json, progress). */
  get scenariosFile(): string { return join(this.runDir.cucumberDir, 'scenarios.jsonl'); }

  recordScenario(r: ScenarioRecord): void {
    this.scenarios.push(r);
    appendFileSync(this.scenariosFile, `${JSON.stringify(r)}\n`);
    const n = this.worker ? readFileSync(this.scenariosFile, 'utf8').split('\n').length - 1 : this.scenarios.length;
    const calls = r.outcomes.map((o) => `${o.method} → ${o.status ?? o.errorType} (X-Cart-id ${o.xCartId || '—'})`).join('; ');
    const mark = r.status === 'PASSED' ? 'ok  ' : r.status === 'SKIPPED' ? 'SKIP' : 'FAIL';
    if (!this.totalScenarios && this.worker) {
      try { this.totalScenarios = Number(readFileSync(join(this.runDir.cucumberDir, 'total.txt'), 'utf8')) || 0; } catch { /* unknown */ }
    }
    this.log(`[${n}${this.totalScenarios ? `/${this.totalScenarios}` : ''}] ${mark} ${r.name}${calls ? ` — ${calls}` : ''}`);
  }

  /** Track what is published so that the end of the run deletes it (stage hygiene). */
  track(method: Method, outcome: { status?: number }, doc: DocumentState, pathId?: string): void {
    if (!outcome.status || outcome.status >= 300) return;
    // keep what the final delete needs (ids, type, patient, CDA); the PDF bytes are already in the evidence
    const light: DocumentState = { ...doc, pdf: new Uint8Array() };
    if (method === 'validate-and-create') this.published.set(doc.identificativoDoc, light);
    if (method === 'replace') { if (pathId) this.published.delete(pathId); this.published.set(doc.identificativoDoc, light); }
    if (method === 'delete') this.published.delete(pathId ?? doc.identificativoDoc);
  }

  static async open(o: SessionOptions = {}): Promise<Session> {
    const s = new Session();
    const env = o.env ?? process.env;
    s.log = o.log ?? (() => {});
    const loaded = loadProfile(resolve(o.profilePath ?? env.FSE_PROFILE ?? DEFAULT_PROFILE), { env });
    s.profile = loaded.profile;
    s.profilePath = loaded.path;
    s.profileDir = loaded.baseDir;
    const p = s.profile;

    // Catalogs: profile > option > env. A configured-but-missing directory is a user error; none at all is allowed (loud skip).
    // (loaded lazily: the catalogs module brings libxml2-wasm, which parallel workers never need)
    if (!o.worker) {
      const { resolveCatalogsDir } = await import('../catalogs/index.ts');
      s.catalogsDir = resolveCatalogsDir(p.catalogsDir ? resolve(s.profileDir, p.catalogsDir) : (o.catalogsDir ?? null));
    }

    // Certificates: configured ones, or a generated test PKI (simulator only).
    let profileForCreds = p;
    const pkiDir = o.pkiDir ?? env[WORKER_ENV.pkiDir] ?? DEFAULT_PKI_DIR;
    s.worker = o.worker;
    if (!p.certificates) {
      if (p.target !== 'simulator') throw new UserError('NO_CERTIFICATES', `target "${p.target}" needs real certificates: add "certificates" to ${s.profilePath}`, 'see README § "Pointing the harness at RT stage"');
      if (!existsSync(join(pkiDir, 'sign.pem'))) {
        s.log(`generating a test PKI in ${pkiDir} (no certificates configured)`);
        await generateTestPki({ outDir: pkiDir, partitaIva: p.provider.partitaIva, istat: p.provider.istat, tipDominio: p.tipDominio, vendor: p.cnVendor });
      }
      profileForCreds = { ...p, certificates: { mode: 'separate', authentication: { cert: join(pkiDir, 'auth.pem'), key: join(pkiDir, 'auth.key') }, signature: { cert: join(pkiDir, 'sign.pem'), key: join(pkiDir, 'sign.key') }, serverCa: join(pkiDir, 'ca.pem') } };
    }
    s.credentials = await loadCredentials(profileForCreds, { baseDir: s.profileDir, env });

    // Target: the embedded simulator, or stage. Interlocks run before any connection.
    if (s.worker) {
      s.baseUrl = s.worker.baseUrl;
      s.simulatorValidates = s.worker.simulatorValidates;
    } else if (p.target === 'simulator' && !p.baseUrl) {
      const { startSimulator } = await import('../../simulator/server.ts');
      const ca = [readFileSync(join(pkiDir, 'ca.pem'), 'utf8')];
      const sim = await startSimulator({
        tls: { keyPem: readFileSync(join(pkiDir, 'server.key'), 'utf8'), certPem: readFileSync(join(pkiDir, 'server.pem'), 'utf8'), caPem: ca.join('\n') },
        port: 0,
        catalogsDir: s.catalogsDir,
        audience: p.aud,
      });
      s.simulator = sim as unknown as SimHandle;
      s.baseUrl = sim.url;
      s.log(`simulator listening on ${sim.url}`);
      await (sim as unknown as { validatorReady?: Promise<void> }).validatorReady;
      for (const line of sim.skipped) s.log(`simulator: SKIPPED CHECK — ${line}`);
      s.simulatorValidates = !!s.catalogsDir && !sim.skipped.some((l) => /CDA validation/i.test(l));
    } else {
      s.baseUrl = p.baseUrl ?? (p.target === 'stage' ? RT_STAGE_BASE_URL : '');
    }
    assertTargetAllowed(p.target, s.baseUrl, env);
    const serverCaPem = p.target === 'simulator' && !p.baseUrl ? readFileSync(join(pkiDir, 'ca.pem'), 'utf8') : s.credentials.serverCaPem;
    s.client = new GatewayClient(s.baseUrl, { certPem: s.credentials.auth.certPem, keyPem: s.credentials.auth.keyPem, caPem: serverCaPem }, { timeoutMs: Number(env.FSE_TIMEOUT_MS ?? 30_000) });

    if (!s.worker) s.validator = await (await import('../catalogs/index.ts')).openValidator({ catalogsDir: s.catalogsDir });
    s.runDir = s.worker ? runDirPaths(s.worker.runDir) : (o.runDir ?? createRunDir(o.reportsDir ?? DEFAULT_REPORTS_DIR, p.installation, s.startedAt));
    s.runId = `${s.runDir.id.replace(/[^0-9TZ]/g, '').slice(0, 16)}${randomBytes(2).toString('hex')}`;
    s.ledger = Ledger.open(s.runDir.evidenceDir);
    return s;
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.validator?.close();
    this.ledger?.close();
    if (this.simulator) await this.simulator.close().catch(() => undefined);
  }
}

/** The session of the current process (set by `fse-harness run`, or lazily by the Cucumber hooks). */
let current: Session | null = null;
export function setCurrentSession(s: Session | null): void { current = s; }
export function currentSession(): Session | null { return current; }
