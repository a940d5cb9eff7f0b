// Bootstrap of the simulator's own process (forked by cli/target.ts `startSimulatorProcess`): as bin/fse-harness.js,
// libxml2-wasm is loaded natively before the TypeScript loader is registered (through the loader's hooks it costs
// ≈ 160 MB more resident memory), then simulator/process.ts speaks the IPC protocol with the run.
await import('libxml2-wasm');
const { register } = await import('tsx/esm/api');
register();
const { serveOverIpc } = await import('./process.ts');
await serveOverIpc();
