/**
 * Where a run sends its requests: the embedded simulator (started for the run), a gateway at a given URL (RT stage,
 * or a simulator started elsewhere), or — in a parallel worker — the target the coordinator already opened.
 * The safety interlocks (production refused, loopback only for the simulator, listed hosts only for stage) run
 * here, before any request. Starting the embedded simulator is composition, done above support/ (cli/target.ts):
 * this module only receives the function that does it. `targetConnection` says how this process reaches the target
 * (client certificate chain, trusted server CA, proxy, timeout): the run's HTTP client and the probe use it alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../types.ts';
import { assertTargetAllowed, RT_STAGE_BASE_URL } from '../request/interlocks.ts';
import type { TlsMaterial } from '../request/http.ts';
import { resolveProxy, type ProxyConfig } from '../net/proxy.ts';
import type { WorkerOptions } from './worker.ts';

/** An open target. `close()` stops what the run started (the embedded simulator); it never throws. */
export interface RunTarget {
  kind: 'embedded-simulator' | 'remote' | 'worker';
  /** `https://…/gateway/v2/` */
  baseUrl: string;
  /**
   * True when the target validates CDAs against the official catalogs: the embedded simulator with catalogs, RT
   * stage. False for a simulator without catalogs (the scenarios that need them are then skipped, loudly).
   */
  validatesCdas: boolean;
  close(): Promise<void>;
}

export interface EmbeddedTargetOptions {
  /** Test PKI folder: server.pem, server.key (the simulator's TLS identity), ca.pem (trusted for clients and x5c). */
  pkiDir: string;
  catalogsDir: string | null;
  /** JWT `aud` the simulator's border requires (the profile's). */
  audience?: string;
  log: (line: string) => void;
}

/** Starts the embedded simulator for a run and resolves once it validates (or knows it cannot). */
export type EmbeddedTargetStarter = (o: EmbeddedTargetOptions) => Promise<RunTarget>;

export interface OpenTargetOptions {
  profile: Profile;
  pkiDir: string;
  catalogsDir: string | null;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Set in a parallel worker: the coordinator's target. */
  worker?: WorkerOptions;
  /** How to start the embedded simulator (needed only for `target: "simulator"` without `baseUrl`). */
  startEmbedded?: EmbeddedTargetStarter;
}

/** True when the profile asks for the simulator the run starts itself. */
export function usesEmbeddedSimulator(p: Profile): boolean {
  return p.target === 'simulator' && !p.baseUrl;
}

export async function openTarget(o: OpenTargetOptions): Promise<RunTarget> {
  const p = o.profile;
  let target: RunTarget;
  if (o.worker) {
    target = { kind: 'worker', baseUrl: o.worker.baseUrl, validatesCdas: o.worker.simulatorValidates, close: async () => {} };
  } else if (usesEmbeddedSimulator(p)) {
    if (!o.startEmbedded) {
      throw new Error('the profile targets the embedded simulator but this process cannot start one: open the session with `startEmbedded` (cli/target.ts)');
    }
    target = await o.startEmbedded({ pkiDir: o.pkiDir, catalogsDir: o.catalogsDir, audience: p.aud, log: o.log });
  } else {
    const baseUrl = p.baseUrl ?? (p.target === 'stage' ? RT_STAGE_BASE_URL : '');
    target = { kind: 'remote', baseUrl, validatesCdas: p.target === 'stage', close: async () => {} };
  }
  try {
    assertTargetAllowed(p.target, target.baseUrl, o.env);
  } catch (e) {
    await target.close();
    throw e;
  }
  return target;
}

/** How this process connects to the target: the options of its GatewayClient, and what the probe opens by hand. */
export interface TargetConnection {
  /** The authentication certificate followed by its intermediates (sent in the handshake), its key, the trusted server CA. */
  tls: TlsMaterial;
  /** CONNECT proxy towards the gateway (stage only: the profile's `proxy`, else HTTPS_PROXY/NO_PROXY), null = direct. */
  proxy: ProxyConfig | null;
  /** Per-call limit (FSE_TIMEOUT_MS, default 30 s). */
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function targetConnection(o: {
  profile: Profile;
  baseUrl: string;
  /** The run's test PKI (its ca.pem signed the embedded simulator's server certificate). */
  pkiDir: string;
  auth: { tlsCertPem: string; keyPem: string };
  /** The profile's `serverCa` (undefined = the system trust store). */
  serverCaPem?: string;
  env: NodeJS.ProcessEnv;
}): TargetConnection {
  const p = o.profile;
  // the embedded simulator's TLS certificate comes from the run's test PKI (also in the workers); else the profile's serverCa
  const caPem = usesEmbeddedSimulator(p) ? readFileSync(join(o.pkiDir, 'ca.pem'), 'utf8') : o.serverCaPem;
  return {
    tls: { certPem: o.auth.tlsCertPem, keyPem: o.auth.keyPem, ...(caPem ? { caPem } : {}) },
    proxy: p.target === 'stage' ? resolveProxy(new URL(o.baseUrl), { profileProxy: p.proxy, env: o.env }) : null,
    timeoutMs: Number(o.env.FSE_TIMEOUT_MS || DEFAULT_TIMEOUT_MS),
  };
}
