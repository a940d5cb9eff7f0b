/**
 * Where a run sends its requests: the embedded simulator (started for the run), a gateway at a given URL (RT stage,
 * or a simulator started elsewhere), or — in a parallel worker — the target the coordinator already opened.
 * The safety interlocks (production refused, loopback only for the simulator, listed hosts only for stage) run
 * here, before any request. Starting the embedded simulator is composition, done above support/ (cli/target.ts):
 * this module only receives the function that does it.
 */
import type { Profile } from '../types.ts';
import { assertTargetAllowed, RT_STAGE_BASE_URL } from '../request/interlocks.ts';
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
