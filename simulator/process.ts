/**
 * The simulator in a process of its own, driven over Node's IPC channel by the run that forked it
 * (cli/target.ts `startSimulatorProcess`). The run's coordinating process then holds neither libxml2 nor SaxonJS,
 * and the simulator's validation never blocks the coordinator's event loop (Cucumber's dispatch, the Allure writer).
 *
 * Protocol (one JSON message each way, in this order):
 *   run → simulator   {type:'start', options}     options: SimulatorProcessOptions
 *   simulator → run   {type:'ready', url, port, skipped}  once the CDA validator has loaded its catalogs (or knows it cannot)
 *                     {type:'failed', message, code?}      the simulator could not start; the process then exits 1
 *   run → simulator   {type:'close'}
 *   simulator → run   {type:'closed', peakRssMb}           then the process exits 0
 * The process ignores SIGINT/SIGTERM sent to its group (an operator's Ctrl-C reaches the whole foreground group):
 * the run still needs the simulator to delete what it published before it stops. It exits by itself when the run
 * that forked it disappears (the IPC channel closes).
 */
import { readSimulatorTls } from './tls-files.ts';
import type { SimulatorSwitches } from './switches.ts';
import { peakRssMb } from '../support/evidence/runDir.ts';

export interface SimulatorProcessOptions {
  /** Test PKI folder: server.pem, server.key, ca.pem (read here: no key travels over the channel). */
  pkiDir: string;
  catalogsDir: string | null;
  audience?: string;
  switches?: Partial<SimulatorSwitches>;
}

export type ToSimulator = { type: 'start'; options: SimulatorProcessOptions } | { type: 'close' };
export type FromSimulator =
  | { type: 'ready'; url: string; port: number; skipped: string[] }
  | { type: 'failed'; message: string; code?: string }
  | { type: 'closed'; peakRssMb: number };

/** The child's side. Resolves when the simulator has been closed (by the run, or because the run is gone). */
export async function serveOverIpc(): Promise<void> {
  if (!process.send) throw new Error('simulator/process.ts runs as a child forked with an IPC channel (cli/target.ts startSimulatorProcess)');
  const send = (m: FromSimulator) => new Promise<void>((resolve) => { process.send!(m, undefined, {}, () => resolve()); });
  // The run decides when the simulator stops, not the terminal.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  // The simulator's modules load while the run is still planning (a run may fork this process ahead of time:
  // cli/target.ts `forkSimulatorProcess`); the start options only say which PKI, catalogs and switches.
  const serverModule = import('./server.ts');
  serverModule.catch(() => undefined);
  const start = await new Promise<SimulatorProcessOptions | null>((resolve) => {
    process.once('message', (m: ToSimulator) => resolve(m.type === 'start' ? m.options : null));
    process.once('disconnect', () => resolve(null));
  });
  if (!start) { process.disconnect?.(); return; }
  let sim: Awaited<ReturnType<typeof import('./server.ts').startSimulator>>;
  try {
    const { startSimulator } = await serverModule;
    sim = await startSimulator({
      tls: readSimulatorTls(start.pkiDir),
      port: 0,
      catalogsDir: start.catalogsDir,
      audience: start.audience,
      switches: start.switches,
    });
    await sim.validatorReady;
  } catch (e) {
    const err = e as Error & { code?: string };
    await send({ type: 'failed', message: err.message, ...(err.code ? { code: err.code } : {}) });
    process.exitCode = 1;
    process.disconnect();
    return;
  }
  await send({ type: 'ready', url: sim.url, port: sim.port, skipped: [...sim.skipped] });
  const how = await new Promise<'close' | 'orphaned'>((resolve) => {
    process.on('message', (m: ToSimulator) => { if (m.type === 'close') resolve('close'); });
    process.once('disconnect', () => resolve('orphaned'));
  });
  await sim.close();
  if (how === 'close') await send({ type: 'closed', peakRssMb: peakRssMb() });
  if (process.connected) process.disconnect();
}
