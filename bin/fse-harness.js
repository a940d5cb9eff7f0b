#!/usr/bin/env node
// Entry point: registers the tsx loader so the TypeScript sources run as-is, then hands over to cli/main.ts.
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Node ≥ 22.1 keeps V8's compiled code of every module on disk and reuses it at the next start. Set before anything
// is loaded, in this process and — through the environment — in the processes it starts (Cucumber's workers, the
// simulator). Node 20 has no compile cache: there this is skipped. NODE_COMPILE_CACHE chooses another directory,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; the default is the harness' cache root (FSE_CACHE_DIR, else .cache/).
if (typeof module.enableCompileCache === 'function' && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  const root = process.env.FSE_CACHE_DIR || join(dirname(dirname(fileURLToPath(import.meta.url))), '.cache');
  process.env.NODE_COMPILE_CACHE ||= join(root, 'node-compile');
  module.enableCompileCache(process.env.NODE_COMPILE_CACHE);
}

// libxml2-wasm (one ~1 MB JavaScript module with the WebAssembly inlined) is loaded natively, before the TypeScript
// loader is registered: loaded through the loader's hooks it costs ~160 MB more resident memory for the whole run
// (measured: 54 MB vs 238 MB after import). The later imports of the TypeScript sources get this same instance.
await import('libxml2-wasm');
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
