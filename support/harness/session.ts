/**
 * Everything one run needs, opened before any network call and closed once at the end: the profile, the
 * credentials, the target (support/harness/target.ts) and its HTTP client, the run directory with its ledger and
 * records (support/harness/run-records.ts), the published documents (support/harness/published.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Profile } from '../types.ts';
import { UserError } from '../errors.ts';
import { loadProfile } from '../config/profile.ts';
import { loadCredentials, type Credentials } from '../pki/credentials.ts';
import { generateTestPki } from '../pki/testPki.ts';
import type { CdaValidator } from '../catalogs/index.ts';
import { GatewayClient } from '../request/http.ts';
import { createRunDir, runDirPaths, RUN_FILES, CUCUMBER_FILES, EVIDENCE_FILES, type RunDir } from '../evidence/runDir.ts';
import { Ledger } from '../evidence/ledger.ts';
import { DEFAULT_PKI_DIR, DEFAULT_PROFILE, DEFAULT_REPORTS_DIR } from '../paths.ts';
import { openTarget, targetConnection, type EmbeddedTargetStarter, type RunTarget, type TargetConnection } from './target.ts';
import { WORKER_ENV, type WorkerOptions } from './worker.ts';
import { RunRecords } from './run-records.ts';
import { PublishedSet } from './published.ts';
import { maxNetworkFailures, NetworkCircuit } from './circuit.ts';
import { resolveRate, SlotPacer } from './pacing.ts';
import type { ExchangeContext } from './exchange.ts';
import { loadVendorDocuments, type VendorDocuments } from './vendor-documents.ts';

/** One line the run prints at start-up (`text`) and keeps in Italian (`it`: summary.md, report environment). */
export interface RunNotice { level: 'info' | 'warning'; text: string; it: string }

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
   * `fse-harness cleanup`: `runDir` is a finished (or killed) run being resumed: its run.json is kept, no catalogs
   * or CDA validator are loaded, nothing but deletes will be sent.
   */
  reopen?: boolean;
  /** Parallel worker mode (support/harness/worker.ts): the coordinator's run directory and target. */
  worker?: WorkerOptions;
  /** How to start the embedded simulator when the profile asks for it (cli/target.ts `startEmbeddedSimulator`). */
  startEmbedded?: EmbeddedTargetStarter;
}

/** Everything one run needs; created before any network call, closed once at the end. */
export class Session implements ExchangeContext {
  profile!: Profile;
  profilePath!: string;
  /** SHA-256 of the profile text (handed to the parallel workers, see loadProfile). */
  profileSha256!: string;
  profileDir!: string;
  credentials!: Credentials;
  target!: RunTarget;
  client!: GatewayClient;
  ledger!: Ledger;
  runDir!: RunDir;
  runId!: string;
  records!: RunRecords;
  catalogsDir: string | null = null;
  /** The test PKI directory (generated certificates on the simulator; the throw-away "foreign" key on any target). */
  pkiDir!: string;
  /** How this process connects to the target: TLS material, proxy, timeout (support/harness/target.ts). */
  connection!: TargetConnection;
  /** Stops the run after N consecutive calls without an HTTP response (support/harness/circuit.ts). */
  circuit!: NetworkCircuit;
  /** Local CDA validator (coordinator only: pre-flight information). Workers do not load the catalogs. */
  validator?: CdaValidator;
  /** Set when this process is a parallel worker of a coordinator's run. */
  worker: WorkerOptions | undefined;
  startedAt = new Date();
  /** The vendor's own documents (profile `documentsDir`), read once before any call. */
  vendorDocuments!: VendorDocuments;
  /** The run's journal of what it published or may have published (evidence/published.jsonl): deleted at the end. */
  published!: PublishedSet;
  /** `--rate`: the run-wide pacing of requests (null = unlimited). */
  pacer: SlotPacer | null = null;
  log: (line: string) => void = () => {};
  /**
   * What the run says before it starts and keeps in its record (the vendor documents used for each type, …): printed
   * at start-up, shown in summary.md and in the report's environment. Coordinator only.
   */
  readonly notices: RunNotice[] = [];
  #seq = 0;

  addNotices(n: readonly RunNotice[]): void { this.notices.push(...n); }

  /** Next call number of this process (document ids and submission-set ids are derived from it). */
  nextSeq(): number { return ++this.#seq; }

  get baseUrl(): string { return this.target.baseUrl; }
  /** True when the target validates CDAs against the official catalogs (see RunTarget.validatesCdas). */
  get simulatorValidates(): boolean { return this.target.validatesCdas; }

  static async open(o: SessionOptions = {}): Promise<Session> {
    const s = new Session();
    const env = o.env ?? process.env;
    s.log = o.log ?? (() => {});
    // a parallel worker does not validate again the profile text its coordinator validated
    const loaded = loadProfile(resolve(o.profilePath ?? env.FSE_PROFILE ?? DEFAULT_PROFILE), { env, validated: o.worker?.profileSha256 });
    s.profile = loaded.profile;
    s.profilePath = loaded.path;
    s.profileDir = loaded.baseDir;
    s.profileSha256 = loaded.sha256;
    const p = s.profile;
    // a bad FSE_MAX_NETWORK_FAILURES (--max-network-failures) is refused before anything starts
    const networkLimit = maxNetworkFailures(p, env);
    // and so is a bad --rate (FSE_RATE)
    const rate = resolveRate(p.target, env);
    // A documentsDir that is missing, a misnamed file, a non-test patient in a vendor PDF on stage: one message, now.
    s.vendorDocuments = await loadVendorDocuments(p, s.profileDir);

    // Catalogs: profile > option > env. A configured-but-missing directory is a user error; none at all is allowed (loud skip).
    // (loaded lazily: the catalogs module brings libxml2-wasm, which parallel workers never need)
    if (!o.worker && !o.reopen) {
      const { resolveCatalogsDir } = await import('../catalogs/index.ts');
      s.catalogsDir = resolveCatalogsDir(p.catalogsDir ? resolve(s.profileDir, p.catalogsDir) : (o.catalogsDir ?? null));
    }

    // Certificates: configured ones, or a generated test PKI (simulator only).
    let profileForCreds = p;
    const pkiDir = o.pkiDir ?? env[WORKER_ENV.pkiDir] ?? DEFAULT_PKI_DIR;
    s.worker = o.worker;
    s.pkiDir = pkiDir;
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
    s.target = await openTarget({ profile: p, pkiDir, catalogsDir: s.catalogsDir, env, log: s.log, worker: s.worker, startEmbedded: o.startEmbedded });
    try {
      await s.#openAfterTarget(o, env, pkiDir, networkLimit, rate);
    } catch (e) {
      // what was opened is closed again (the embedded simulator stops): a failed open leaves nothing running
      await s.close();
      throw e;
    }
    return s;
  }

  async #openAfterTarget(o: SessionOptions, env: NodeJS.ProcessEnv, pkiDir: string, networkLimit: number, rate: number | null): Promise<void> {
    const s = this;
    const p = s.profile;
    // how this process reaches it: client chain (leaf + intermediates), trusted server CA, proxy (stage), timeout
    s.connection = targetConnection({ profile: p, baseUrl: s.baseUrl, pkiDir, auth: s.credentials.auth, serverCaPem: s.credentials.serverCaPem, env });
    s.client = s.openClient();

    if (!s.worker && !o.reopen) s.validator = await (await import('../catalogs/index.ts')).openValidator({ catalogsDir: s.catalogsDir });
    s.runDir = s.worker ? runDirPaths(s.worker.runDir) : (o.runDir ?? createRunDir(o.reportsDir ?? DEFAULT_REPORTS_DIR, p.installation, s.startedAt));
    // what the run is, and what `fse-harness cleanup` needs to reach the same gateway as the same installation
    // (the profile and the test PKI; the passphrases stay in the environment, never here)
    if (!s.worker && !o.reopen) writeFileSync(join(s.runDir.dir, RUN_FILES.runInfo), `${JSON.stringify({ installation: p.installation, target: p.target, baseUrl: s.baseUrl, startedAt: s.startedAt.toISOString(), profilePath: s.profilePath, pkiDir: resolve(pkiDir) } satisfies RunInfo, null, 2)}\n`);
    s.runId = `${s.runDir.id.replace(/[^0-9TZ]/g, '').slice(0, 16)}${randomBytes(2).toString('hex')}`;
    s.ledger = Ledger.open(s.runDir.evidenceDir, { claimsDir: join(s.runDir.cucumberDir, CUCUMBER_FILES.seqClaims) });
    s.records = new RunRecords(s.runDir, { shared: !!s.worker, log: s.log });
    s.published = new PublishedSet(join(s.runDir.evidenceDir, EVIDENCE_FILES.published));
    if (rate !== null) s.pacer = new SlotPacer(join(s.runDir.cucumberDir, CUCUMBER_FILES.rateSlots), rate);
    s.circuit = new NetworkCircuit(s.runDir.dir, networkLimit);
    s.circuit.onTrip = (stop) => s.log(`RUN STOPPED — ${stop.reason}; last error: ${stop.lastError}`);
  }

  /** Another connection to the same gateway, as this process reaches it (same TLS material, proxy, timeout); the caller closes it. */
  openClient(): GatewayClient {
    return new GatewayClient(this.baseUrl, this.connection.tls, { timeoutMs: this.connection.timeoutMs, proxy: this.connection.proxy });
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.validator?.close();
    this.ledger?.close();
    this.published?.close();
    if (this.target) await this.target.close().catch(() => undefined);
  }
}

/** run.json: what a run is, written when it starts (figures are added at the end: support/evidence/runDir.ts). */
export interface RunInfo {
  installation: string;
  target: string;
  baseUrl: string;
  startedAt: string;
  /** The installation profile the run used (absolute). */
  profilePath?: string;
  /** The test PKI folder the run used (simulator without configured certificates). */
  pkiDir?: string;
}

/** The session of the current process (set by `fse-harness run`, or lazily by the Cucumber hooks). */
let current: Session | null = null;
export function setCurrentSession(s: Session | null): void { current = s; }
export function currentSession(): Session | null { return current; }
