#!/usr/bin/env node
// Entry point: registers the tsx loader so the TypeScript sources run as-is, then hands over to cli/main.ts.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
