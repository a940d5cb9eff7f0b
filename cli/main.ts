import { UserError } from '../support/errors.ts';
import type { Command } from './command.ts';

/** Commands are loaded lazily so `--help` stays fast and one broken module does not break the others. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.ts')).default,
  probe: async () => (await import('./commands/probe.ts')).default,
  pki: async () => (await import('./commands/pki.ts')).default,
  simulator: async () => (await import('./commands/simulator.ts')).default,
  check: async () => (await import('./commands/check.ts')).default,
  'build-pdf': async () => (await import('./commands/build-pdf.ts')).default,
  bundle: async () => (await import('./commands/bundle.ts')).default,
  'report-pdf': async () => (await import('./commands/report-pdf.ts')).default,
  prune: async () => (await import('./commands/prune.ts')).default,
  cleanup: async () => (await import('./commands/cleanup.ts')).default,
};

const USAGE_HEAD = `fse-harness — FSE 2.0 Regione Toscana accreditation harness

Usage: fse-harness <command> [options]
       fse-harness <command> --help

Commands:`;

async function usage(): Promise<string> {
  const lines: string[] = [];
  for (const [name, load] of Object.entries(COMMANDS)) {
    let summary = '';
    try { summary = (await load()).summary; } catch { summary = '(unavailable)'; }
    lines.push(`  ${name.padEnd(12)} ${summary}`);
  }
  return `${USAGE_HEAD}\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await usage());
    return name ? 0 : 1;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`fse-harness: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.help.endsWith('\n') ? cmd.help : `${cmd.help}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`fse-harness ${name}: ${err.message}\n${err.hint ? `  → ${err.hint}\n` : ''}`);
      return 2;
    }
    if (err instanceof Error && /^(Unknown option|Option --)/.test(err.message)) {
      process.stderr.write(`fse-harness ${name}: ${err.message}\n  → see: fse-harness ${name} --help\n`);
      return 2;
    }
    throw err;
  }
}
