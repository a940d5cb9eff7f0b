import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { parseArgs } from '../command.ts';
import { UserError } from '../../support/errors.ts';
import { generateTestPki, TEST_PKI_DEFAULTS, writePrivateFile } from '../../support/pki/testPki.ts';
import { parseRtCn, TIP_DOMINIO_CODES } from '../../support/pki/cn.ts';

const HELP = `fse-harness pki — generate a throw-away test PKI for the local simulator

Usage: fse-harness pki --out DIR [options]

Writes into DIR:
  ca.pem, ca.key          test CA ("CA Ministero della Salute Test (harness)")
  auth.pem, auth.key      authentication certificate (CN A1#090..., mutual TLS, EKU clientAuth)
  sign.pem, sign.key      signature certificate (CN S1#090..., signs both JWTs)
  server.pem, server.key  simulator server certificate (localhost, 127.0.0.1)
  auth.p12, sign.p12      the same certificates as PKCS#12 bundles
  p12-passphrase.txt      only when --passphrase-env is not given (random passphrase, mode 0600)

Options:
  --out DIR              output folder (created if needed; keep it out of git, e.g. .fse/pki)
  --partita-iva N        11-digit partita IVA in the CN (default ${TEST_PKI_DEFAULTS.partitaIva}, fictitious)
  --vendor NAME          vendor name in the CN (default ${TEST_PKI_DEFAULTS.vendor})
  --istat N              6-digit ISTAT code in the CN (default ${TEST_PKI_DEFAULTS.istat}, Firenze)
  --tip-dominio REF      TipDominio (XDS classCode) in the CN (default ${TEST_PKI_DEFAULTS.tipDominio})
  --passphrase-env VAR   take the .p12 passphrase from environment variable VAR
  --days N               validity of the leaf certificates in days (default ${TEST_PKI_DEFAULTS.days})

These certificates are for the simulator only: the real gateway needs certificates issued by Sogei.
Key files are written with mode 0600; their contents are never printed.

Example:
  fse-harness pki --out .fse/pki --partita-iva 07654321012 --vendor ACME --istat 048017
`;

const cmd: Command = {
  name: 'pki',
  summary: 'Generate a test CA + A1/S1/server certificates for the simulator',
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { flags } = parseArgs(argv, { string: ['out', 'partita-iva', 'vendor', 'istat', 'tip-dominio', 'passphrase-env', 'days'] });
    const out = flags['out'] as string | undefined;
    if (!out) throw new UserError('PKI_NO_OUT', 'Missing --out DIR', 'Example: fse-harness pki --out .fse/pki');
    const partitaIva = (flags['partita-iva'] as string | undefined) ?? TEST_PKI_DEFAULTS.partitaIva;
    const vendor = (flags['vendor'] as string | undefined) ?? TEST_PKI_DEFAULTS.vendor;
    const istat = (flags['istat'] as string | undefined) ?? TEST_PKI_DEFAULTS.istat;
    const tipDominio = (flags['tip-dominio'] as string | undefined) ?? TEST_PKI_DEFAULTS.tipDominio;
    if (!/^\d{11}$/.test(partitaIva)) throw new UserError('PKI_BAD_OPTION', `--partita-iva must be exactly 11 digits (got "${partitaIva}")`);
    if (!/^\d{6}$/.test(istat)) throw new UserError('PKI_BAD_OPTION', `--istat must be exactly 6 digits (got "${istat}")`);
    if (!TIP_DOMINIO_CODES.includes(tipDominio)) {
      throw new UserError('PKI_BAD_OPTION', `--tip-dominio must be an XDS classCode: ${TIP_DOMINIO_CODES.join(', ')} (got "${tipDominio}")`);
    }
    const check = parseRtCn(`A1#090${partitaIva}${tipDominio}${vendor}${istat}`);
    if (!check.ok) throw new UserError('PKI_BAD_OPTION', `--vendor "${vendor}" cannot be used in the CN: ${check.reason}`);
    let days: number = TEST_PKI_DEFAULTS.days;
    if (flags['days'] !== undefined) {
      days = Number(flags['days']);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UserError('PKI_BAD_OPTION', `--days must be an integer between 1 and 3650 (got "${String(flags['days'])}")`);
    }
    const envName = flags['passphrase-env'] as string | undefined;
    let passphrase: string;
    let passFile: string | undefined;
    if (envName) {
      const v = process.env[envName];
      if (v === undefined || v === '') {
        throw new UserError('PKI_PASSPHRASE_ENV', `--passphrase-env ${envName}: the environment variable ${envName} is not set (or empty)`, `Export ${envName}, or omit --passphrase-env to get a random passphrase in DIR/p12-passphrase.txt.`);
      }
      passphrase = v;
    } else {
      passphrase = randomBytes(18).toString('base64url');
    }
    const r = await generateTestPki({ outDir: out, partitaIva, vendor, istat, tipDominio, passphrase, days });
    if (!envName) {
      passFile = join(r.dir, 'p12-passphrase.txt');
      writePrivateFile(passFile, `${passphrase}\n`);
    }
    const lines = [
      `Test PKI written to ${r.dir}`,
      `  authentication CN: ${r.authCn}`,
      `  signature CN:      ${r.signCn}`,
      `  valid for ${days} day(s); test CA: CN=CA Ministero della Salute Test (harness)`,
      'Files:',
      ...Object.entries(r.files).map(([k, p]) => `  ${k.padEnd(10)} ${p}`),
      passFile
        ? `  .p12 passphrase: random, written to ${passFile} (mode 0600)`
        : `  .p12 passphrase: taken from $${envName}`,
      '',
      'Profile snippet:',
      `  "certificates": { "mode": "separate",`,
      `    "authentication": { "cert": "${join(r.dir, 'auth.pem')}", "key": "${join(r.dir, 'auth.key')}" },`,
      `    "signature": { "cert": "${join(r.dir, 'sign.pem')}", "key": "${join(r.dir, 'sign.key')}" },`,
      `    "serverCa": "${join(r.dir, 'ca.pem')}" }`,
      'These certificates only work with the local simulator.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};

export default cmd;
