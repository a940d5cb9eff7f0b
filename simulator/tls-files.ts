/**
 * The simulator's TLS identity as a test PKI folder holds it (support/pki/testPki.ts, `fse-harness pki`): server.pem (the
 * server certificate), server.key and ca.pem (the CA its clients' certificates and the tokens' x5c must chain to).
 * Read in one place for every way the simulator starts: `fse-harness simulator`, inside a run, in its own process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../support/errors.ts';

export interface SimulatorTls { keyPem: string; certPem: string; caPem: string }

export function readSimulatorTls(pkiDir: string): SimulatorTls {
  const read = (name: string): string => {
    const p = join(pkiDir, name);
    if (!existsSync(p)) throw new UserError('SIM_PKI', `Missing ${p}`, 'Create a test PKI with: fse-harness pki --out <DIR>, then pass --pki <DIR>');
    return readFileSync(p, 'utf8');
  };
  const certPem = read('server.pem');
  return { certPem, keyPem: read('server.key'), caPem: read('ca.pem') };
}
