/**
 * Composition: starts the embedded simulator (simulator/server.ts) as the target of a run. Sits above support/ and
 * simulator/, so that support/ never imports the simulator: `Session.open({ startEmbedded: startEmbeddedSimulator })`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSimulator } from '../simulator/server.ts';
import type { EmbeddedTargetOptions, EmbeddedTargetStarter, RunTarget } from '../support/harness/target.ts';

/** The embedded simulator as a run target, with the running simulator itself (faults, stats) for tests and tools. */
export interface EmbeddedSimulatorTarget extends RunTarget {
  kind: 'embedded-simulator';
  simulator: RunningSimulator;
}

/**
 * Starts the simulator on 127.0.0.1 (ephemeral port) with the run's test PKI, waits until its CDA validator has
 * loaded the catalogs (or knows it cannot), and says loudly which checks are off.
 */
export async function startEmbeddedSimulator(o: EmbeddedTargetOptions): Promise<EmbeddedSimulatorTarget> {
  const pem = (name: string) => readFileSync(join(o.pkiDir, name), 'utf8');
  // loaded on demand: a stage run or a parallel worker never needs the simulator's modules (fastify...)
  const { startSimulator } = await import('../simulator/server.ts');
  const simulator = await startSimulator({
    tls: { keyPem: pem('server.key'), certPem: pem('server.pem'), caPem: pem('ca.pem') },
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
    validatesCdas: !!o.catalogsDir && !simulator.skipped.some((l) => /CDA validation/i.test(l)),
    simulator,
    close: () => simulator.close(),
  };
}

// The starter type the session expects: checked here, where both sides meet.
startEmbeddedSimulator satisfies EmbeddedTargetStarter;
