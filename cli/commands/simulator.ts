import { join, resolve } from 'node:path';
import { parseArgs, type Command } from '../command.ts';
import { UserError } from '../../support/errors.ts';
import { readSimulatorTls } from '../../simulator/tls-files.ts';
import { DEFAULT_SWITCHES, SWITCH_DOCS, parseSwitch, type SimulatorSwitches } from '../../simulator/switches.ts';
import { DEFAULT_AUDIENCE } from '../../support/gateway/claims.ts';

const switchLines = (Object.keys(DEFAULT_SWITCHES) as (keyof SimulatorSwitches)[])
  .map((k) => `  ${`${k}=${String(DEFAULT_SWITCHES[k])}`.padEnd(38)} ${SWITCH_DOCS[k]}`)
  .join('\n');

const help = `fse-harness simulator — local CART + national FSE 2.0 gateway simulator (HTTPS, mutual TLS)

Usage:
  fse-harness simulator --pki DIR [--port N] [--host H] [--catalogs DIR] [--audience URL]
                        [--max-file-bytes N] [--switch name=value ...] [--quiet]

Options:
  --pki DIR            folder with server.pem, server.key (the simulator's TLS identity) and ca.pem (the CA that
                       must have issued the client certificate AND the x5c signature certificate of the JWTs).
                       Create one with: fse-harness pki --out DIR
  --port N             TCP port (default 0 = any free port)
  --host H             listen address (default 127.0.0.1)
  --catalogs DIR       it-fse-catalogs folder for the CDA validator (XSD, schematron, terminology); default
                       FSE_CATALOGS_DIR. Without catalogs the CDA validation is skipped and said so on stderr.
  --audience URL       JWT aud the border requires (default ${DEFAULT_AUDIENCE})
  --max-file-bytes N   max size of the multipart "file" part; larger → 413 (default 10485760)
  --switch name=value  change a behaviour (repeatable). Defaults reproduce the reference implementation:
${switchLines}
  --quiet              do not log requests on stderr

Output: exactly one line on stdout,
  listening on https://127.0.0.1:<port>/gateway/v2/
then serves until SIGINT/SIGTERM. Everything else (checks off, request log) goes to stderr.

Routes (under /gateway/v2/, and the same under /gateway/v1/ with /metadata-iti-57 and POST documents/validation):
  POST   documents/validate-and-create      PUT documents/{id}            (replace)
  PUT    documents/{id}/metadata            DELETE documents/{id}
Every response carries X-Cart-id. Admin (loopback clients only, still over mTLS):
  POST   /__simulator/faults   {"fault":{"kind":"latency","ms":2000}|{"kind":"status","status":503,"retryAfter":5}
                               |{"kind":"reset"}|{"kind":"no-answer"}|{"kind":"commit-lost","ms":40000},
                               "count":1, "route":"validate-and-create"}
                               (status: 429/500/502/503/504; commit-lost: the document is stored, then the answer is
                               never sent, or sent after "ms")
  DELETE /__simulator/faults   clear armed faults
  GET    /__simulator/stats    requests served, responses by status, rss

Examples:
  fse-harness pki --out .fse/pki && fse-harness simulator --pki .fse/pki --port 8443
  fse-harness simulator --pki .fse/pki --switch deleteAsync=true --switch replaceRequiresPriorValidation=true
`;

const command: Command = {
  name: 'simulator',
  summary: 'Run the local CART + national gateway simulator (HTTPS mTLS)',
  help,
  async run(argv) {
    const { flags } = parseArgs(argv, {
      string: ['pki', 'port', 'host', 'catalogs', 'audience', 'max-file-bytes'],
      boolean: ['quiet'],
      multiple: ['switch'],
    });
    const pki = flags.pki;
    if (typeof pki !== 'string') throw new UserError('SIM_ARGS', '--pki DIR is required', 'see: fse-harness simulator --help');
    const dir = resolve(pki);
    const tls = readSimulatorTls(dir);
    const port = flags.port === undefined ? 0 : Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('SIM_ARGS', `--port must be 0..65535 (got ${String(flags.port)})`);
    const maxFileBytes = flags['max-file-bytes'] === undefined ? undefined : Number(flags['max-file-bytes']);
    if (maxFileBytes !== undefined && (!Number.isInteger(maxFileBytes) || maxFileBytes < 1)) {
      throw new UserError('SIM_ARGS', '--max-file-bytes must be a positive integer');
    }
    const switches: Partial<SimulatorSwitches> = {};
    for (const s of (flags.switch as string[] | undefined) ?? []) {
      try { parseSwitch(s, switches); } catch (e) { throw new UserError('SIM_SWITCH', (e as Error).message, 'see: fse-harness simulator --help'); }
    }
    const quiet = flags.quiet === true;
    if (typeof flags.catalogs === 'string') {
      // Fail fast (exit 2) on a wrong --catalogs instead of silently running without CDA validation.
      const { resolveCatalogsDir } = await import('../../support/catalogs/index.ts');
      resolveCatalogsDir(resolve(flags.catalogs));
    }
    const { startSimulator } = await import('../../simulator/server.ts');
    let sim;
    try {
      sim = await startSimulator({
        tls,
        host: typeof flags.host === 'string' ? flags.host : undefined,
        port,
        catalogsDir: typeof flags.catalogs === 'string' ? resolve(flags.catalogs) : null,
        audience: typeof flags.audience === 'string' ? flags.audience : undefined,
        switches,
        maxFileBytes,
        log: quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
      });
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') throw new UserError('SIM_LISTEN', `Cannot listen: ${err.message}`);
      if (/PEM|key|certificate/i.test(err.message)) throw new UserError('SIM_TLS', `Cannot load the TLS material in ${dir}: ${err.message}`);
      throw e;
    }
    process.stdout.write(`listening on ${sim.url}\n`);
    const changed = Object.entries(switches).map(([k, v]) => `${k}=${String(v)}`);
    if (changed.length) process.stderr.write(`switches: ${changed.join(', ')}\n`);
    void sim.validatorReady.then(() => {
      if (sim.skipped.length) process.stderr.write(`checks off: ${sim.skipped.join('; ')}\n`);
      else process.stderr.write('CDA validator ready\n');
    });
    await new Promise<void>((resolveStop) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolveStop(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await sim.close();
    return 0;
  },
};

export default command;
