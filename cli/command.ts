/** A sub-command of `fse-harness`. Each lives in cli/commands/<name>.ts and is listed in cli/main.ts. */
export interface Command {
  name: string;
  /** One line for `fse-harness --help`. */
  summary: string;
  /** Full text for `fse-harness <name> --help` (usage, options, examples). */
  help: string;
  /** Returns the process exit code. Throw UserError for mistakes the user can fix. */
  run(argv: string[]): Promise<number>;
}

/** Minimal `--flag value` / `--flag=value` / `--switch` parser shared by the commands. */
export function parseArgs(argv: string[], spec: { string?: string[]; boolean?: string[]; multiple?: string[] }): {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
} {
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  const strings = new Set([...(spec.string ?? []), ...(spec.multiple ?? [])]);
  const booleans = new Set(spec.boolean ?? []);
  const multiple = new Set(spec.multiple ?? []);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('--')) { positionals.push(a); continue; }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq); }
    if (booleans.has(name)) { flags[name] = value === undefined ? true : value !== 'false'; continue; }
    if (!strings.has(name)) throw new Error(`Unknown option --${name}`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`Option --${name} needs a value`);
    }
    if (multiple.has(name)) flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  return { flags, positionals };
}
