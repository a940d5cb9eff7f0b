/**
 * Composition: starts the embedded simulator (simulator/server.ts) as the target of a run. Sits above support/ and
 * simulator/, so that support/ never imports the simulator: `Session.open({ startEmbedded: startEmbeddedSimulator })`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunningSimulator } from '../simulator/server.ts';
import type { FromSimulator, ToSimulator } from '../simulator/process.ts';
import type { SimulatorSwitches } from '../simulator/switches.ts';
import { readSimulatorTls } from '../simulator/tls-files.ts';
import { UserError } from '../support/errors.ts';
import type { EmbeddedTargetOptions, EmbeddedTargetStarter, RunTarget } from '../support/harness/target.ts';

/** The embedded simulator as a run target, with the running simulator itself (faults, stats) for tests and tools. */
export interface EmbeddedSimulatorTarget extends RunTarget {
  kind: 'embedded-simulator';
  simulator: RunningSimulator;
}

/** Whether the simulator checks CDAs: catalogs given, and no SKIPPED line about CDA validation (switched off, or failed to load). */
const validatesCdas = (catalogsDir: string | null, skipped: readonly string[]): boolean =>
  !!catalogsDir && !skipped.some((l) => /CDA validation/i.test(l));

/**
 * Starts the simulator on 127.0.0.1 (ephemeral port) with the run's test PKI, waits until its CDA validator has
 * loaded the catalogs (or knows it cannot), and says loudly which checks are off.
 */
export async function startEmbeddedSimulator(o: EmbeddedTargetOptions): Promise<EmbeddedSimulatorTarget> {
  // loaded on demand: a stage run or a parallel worker never needs the simulator's modules (fastify...)
  const { startSimulator } = await import('../simulator/server.ts');
  const simulator = await startSimulator({
    tls: readSimulatorTls(o.pkiDir),
    port: 0,
    catalogsDir: o.catalogsDir,
    audience: o.audience,
  });
  o.log(`simulator listening on ${simulator.url}`);
  await simulator.validatorReady;
  for (const line of simulator.skipped) o.log(`simulator: SKIPPED CHECK — ${line}`);
  return {
    kind: 'embedded-simulator',
    baseUrl: simulator.url,
    validatesCdas: validatesCdas(o.catalogsDir, simulator.skipped),
    simulator,
    close: () => simulator.close(),
  };
}

// The starter type the session expects: checked here, where both sides meet.
startEmbeddedSimulator satisfies EmbeddedTargetStarter;

/** The embedded simulator running in a process of its own (simulator/process.ts). */
export interface SimulatorProcessTarget extends RunTarget {
  kind: 'embedded-simulator';
  pid: number;
  /** The simulator process's peak RSS, known once `close()` has resolved (undefined if it did not say). */
  peakRssMb(): number | undefined;
}

/**
 * The V8 old-space cap of the simulator's process, MB: `FSE_SIM_HEAP_MB` (default 256; 0 = V8's default). A value that is
 * not a whole number of MB between 128 and 65536 (or 0) is the user's error, said before anything starts.
 */
export function simulatorHeapCapMb(env: NodeJS.ProcessEnv): number {
  const raw = env.FSE_SIM_HEAP_MB?.trim();
  if (raw === undefined || raw === '') return 256;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || (n !== 0 && (n < 128 || n > 65536))) {
    throw new UserError('FSE_SIM_HEAP_MB', `FSE_SIM_HEAP_MB=${raw} is not a heap size: give whole megabytes between 128 and 65536, or 0 for V8's default`);
  }
  return n;
}

/** How long `close()` waits for the simulator process to finish its requests and exit before killing it. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Forks the simulator's process (simulator/process-entry.mjs), which loads its modules and waits for its start
 * options. `fse-harness run` forks it before it plans the run, so that the two overlap, and hands it to
 * `startSimulatorProcess`; until then it does not keep this process alive, and it exits by itself when this process
 * is gone (or is killed when the run stops before using it).
 */
export function forkSimulatorProcess(): ChildProcess {
  const entry = fileURLToPath(new URL('../simulator/process-entry.mjs', import.meta.url));
  // Only the loader the entry registers itself: an inherited `--import tsx` would load libxml2-wasm through its hooks.
  const execArgv = process.execArgv.filter((a, i, all) => !(a === '--import' || a.startsWith('--import=') || all[i - 1] === '--import'));
  // Its live heap is ≈ 60–75 MB; without a cap V8 lets ≈ 200 MB of garbage build up before collecting (README, Performance).
  const heapCap = simulatorHeapCapMb(process.env);
  if (heapCap && !execArgv.some((a) => a.startsWith('--max-old-space-size'))) execArgv.push(`--max-old-space-size=${heapCap}`);
  const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true, execArgv, serialization: 'json' });
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  return child;
}

/**
 * Starts the simulator as `startEmbeddedSimulator` does, but in a child process: the run's coordinating process then
 * holds neither libxml2 nor SaxonJS (≈ 150 MB), and validating a document never stalls it. The child has its own
 * process group, so an operator's Ctrl-C reaches the run — which still deletes, through the simulator, what it
 * published — and not the simulator; it exits by itself if the run disappears. Used by `fse-harness run`; tests and
 * tools that inspect the simulator (faults, stats, registry) use the in-process `startEmbeddedSimulator`.
 */
export async function startSimulatorProcess(o: EmbeddedTargetOptions, more: { switches?: Partial<SimulatorSwitches>; child?: ChildProcess } = {}): Promise<SimulatorProcessTarget> {
  const warm = more.child && more.child.exitCode === null && more.child.signalCode === null && more.child.connected ? more.child : undefined;
  if (more.child && !warm) more.child.kill('SIGKILL');
  const child = warm ?? forkSimulatorProcess();
  // while it starts, the simulator keeps this process alive (a forked-ahead one was left unreferenced)
  child.ref();
  (child.channel as { ref?: () => void } | undefined)?.ref?.();
  const send = (m: ToSimulator) => { if (child.connected) child.send(m); };
  let closing = false;
  let peak: number | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The 'closed' message may be read after 'exit' fires; the channel's end comes after every message on it.
  const disconnected = new Promise<void>((resolve) => child.once('disconnect', () => resolve()));
  const ready = await new Promise<Extract<FromSimulator, { type: 'ready' }>>((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => reject(new Error(`the simulator process ended before it was ready (${signal ?? `exit ${code}`}); its messages are above`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.on('message', (m: FromSimulator) => {
      if (m.type === 'ready') { child.off('exit', onExit); resolve(m); }
      else if (m.type === 'failed') reject(Object.assign(new Error(`the simulator could not start: ${m.message}`), m.code ? { code: m.code } : {}));
      else if (m.type === 'closed') peak = m.peakRssMb;
    });
    send({ type: 'start', options: { pkiDir: o.pkiDir, catalogsDir: o.catalogsDir, audience: o.audience, ...(more.switches ? { switches: more.switches } : {}) } });
  }).catch(async (e: unknown) => { child.kill('SIGKILL'); await exited; throw e; });
  // From here on the simulator never keeps the run's process alive: if the run ends without closing it (an error on
  // the way out), the channel closes with the run and the simulator exits by itself.
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  child.once('exit', (code, signal) => {
    if (!closing) o.log(`SIMULATOR PROCESS ENDED UNEXPECTEDLY (${signal ?? `exit ${code}`}): the remaining requests of this run get no answer`);
  });
  o.log(`simulator listening on ${ready.url} (process ${child.pid})`);
  for (const line of ready.skipped) o.log(`simulator: SKIPPED CHECK — ${line}`);
  return {
    kind: 'embedded-simulator',
    baseUrl: ready.url,
    validatesCdas: validatesCdas(o.catalogsDir, ready.skipped),
    pid: child.pid!,
    peakRssMb: () => peak,
    async close() {
      if (closing) return exited;
      closing = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
      await Promise.all([exited, disconnected]);
      clearTimeout(timer);
    },
  };
}

startSimulatorProcess satisfies EmbeddedTargetStarter;
