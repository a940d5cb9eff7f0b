// Bootstrap of the simulator's CDA validation thread (simulator/validator-thread.ts): as simulator/process-entry.mjs,
// libxml2-wasm is loaded natively before the TypeScript loader is registered (through the loader's hooks it costs
// far more resident memory), then the thread serves validations to the simulator's main thread.
import { parentPort, workerData } from 'node:worker_threads';

await import('libxml2-wasm');
const { register } = await import('tsx/esm/api');
register();
const { serveValidations } = await import('./validator-thread.ts');
await serveValidations(parentPort, workerData);
