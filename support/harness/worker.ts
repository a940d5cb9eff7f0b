/**
 * Parallel worker mode: `fse-harness run --parallel N` (the coordinator) creates the run directory, generates the
 * test PKI and hosts the target; each Cucumber worker process only sends requests and records them in the same
 * evidence. The coordinator hands those facts to the workers through the environment.
 */
export interface WorkerOptions { runDir: string; baseUrl: string; simulatorValidates: boolean; /** SHA-256 of the profile text the coordinator validated */ profileSha256?: string }

/** Environment variables the coordinator passes to Cucumber's worker processes. */
export const WORKER_ENV = { runDir: 'FSE_WORKER_RUN_DIR', baseUrl: 'FSE_WORKER_BASE_URL', validates: 'FSE_WORKER_SIM_VALIDATES', pkiDir: 'FSE_PKI_DIR', profileSha256: 'FSE_WORKER_PROFILE_SHA256' } as const;

/** The worker options of this process, or undefined when it is not a worker. */
export function workerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerOptions | undefined {
  const runDir = env[WORKER_ENV.runDir];
  const baseUrl = env[WORKER_ENV.baseUrl];
  return runDir && baseUrl ? { runDir, baseUrl, simulatorValidates: env[WORKER_ENV.validates] === '1', profileSha256: env[WORKER_ENV.profileSha256] || undefined } : undefined;
}

/** The environment entries that make a Cucumber worker process join the run. */
export function workerEnv(o: { runDir: string; baseUrl: string; simulatorValidates: boolean; profileSha256: string }): Record<string, string> {
  return { [WORKER_ENV.runDir]: o.runDir, [WORKER_ENV.baseUrl]: o.baseUrl, [WORKER_ENV.validates]: o.simulatorValidates ? '1' : '0', [WORKER_ENV.profileSha256]: o.profileSha256 };
}
