import { createPrivateKey, X509Certificate } from 'node:crypto';
import { sha256Hex } from '../../support/hash.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../../support/errors.ts';
import { buildPdf } from '../../support/pdf/build.ts';
import { signPades } from '../../support/pdf/pades.ts';
import type { PadesKey } from '../../support/pdf/pades.ts';
import type { InjectionMode } from '../../support/types.ts';
import { parseArgs } from '../command.ts';
import type { Command } from '../command.ts';

const DEFAULT_PKI = '.fse/pki';

const help = `fse-harness build-pdf — wrap a CDA R2 document in a PDF/A-3b and sign it (PAdES-B-B)

Usage:
  fse-harness build-pdf --cda FILE --out FILE [--mode ATTACHMENT|RESOURCE] [--unsigned] [--pki DIR]
                        [--title TEXT] [--line TEXT ...]

Options:
  --cda FILE        CDA R2 XML (UTF-8, without BOM).
  --out FILE        Where to write the PDF (parent folders are created).
  --mode MODE       ATTACHMENT (default): the CDA is the embedded file "cda.xml" (text/xml, /AF Source).
                    RESOURCE: the CDA is in an XFA "datasets" stream under /Names /XFAResources.
  --unsigned        Do not sign (the gateway's validation service accepts unsigned PDFs; publication
                    services require a PAdES signature).
  --pki DIR         Folder with sign.pem (signature certificate, PEM; further certificates in the file are
                    embedded as the chain; else <pki>/ca.pem is embedded when it issued the signer) and
                    sign.key (PEM private key, unencrypted PKCS#8 or PKCS#1/SEC1).
                    Default: ${DEFAULT_PKI}. Create test credentials with: fse-harness pki --out ${DEFAULT_PKI}
  --title TEXT      Visible title and XMP dc:title (default "Documento clinico (CDA R2)").
  --line TEXT       A line of visible body text; repeat for more lines.

The signature is PAdES-B-B: SubFilter ETSI.CAdES.detached, SHA-256, signed attributes contentType,
messageDigest and signing-certificate-v2 (no signing-time; the time is in the signature's /M).
Nothing may modify the PDF after signing: the signature and the JWT attachment_hash would no longer match.

Prints the output path, its size and its SHA-256 (hex).

Example:
  fse-harness pki --out .fse/pki
  fse-harness build-pdf --cda documents/LAB.xml --out out/LAB.pdf --title "Referto di laboratorio" \\
      --line "Paziente: RMSLSO31M04Z404R"
`;

function pemBlocks(text: string, label: RegExp): Buffer[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const out: Buffer[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (label.test(m[1]!)) out.push(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'));
  }
  return out;
}

/** Loads <pki>/sign.pem + <pki>/sign.key. Never prints key material. */
export function loadSigningKey(pkiDir: string): PadesKey {
  const certPath = join(pkiDir, 'sign.pem');
  const keyPath = join(pkiDir, 'sign.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    throw new UserError(
      'PKI_MISSING',
      `Signing credentials not found: ${existsSync(certPath) ? '' : certPath + ' '}${existsSync(keyPath) ? '' : keyPath}`.trim(),
      `create test credentials with: fse-harness pki --out ${DEFAULT_PKI} (or pass --pki DIR, or --unsigned)`,
    );
  }
  const certs = pemBlocks(readFileSync(certPath, 'utf8'), /^(TRUSTED )?CERTIFICATE$/);
  if (certs.length === 0) throw new UserError('PKI_BAD_CERT', `${certPath} contains no PEM certificate`);
  try {
    new X509Certificate(certs[0]!);
  } catch {
    throw new UserError('PKI_BAD_CERT', `${certPath}: the first certificate cannot be parsed`);
  }
  const keyText = readFileSync(keyPath, 'utf8');
  if (/ENCRYPTED/.test(keyText)) {
    throw new UserError('PKI_ENCRYPTED_KEY', `${keyPath} is encrypted; build-pdf needs an unencrypted key`, 'decrypt it into a protected folder, e.g. openssl pkey -in enc.key -out sign.key');
  }
  let pkcs8: Buffer;
  try {
    pkcs8 = createPrivateKey({ key: keyText, format: 'pem' }).export({ format: 'der', type: 'pkcs8' });
  } catch {
    throw new UserError('PKI_BAD_KEY', `${keyPath} is not a readable PEM private key`);
  }
  const cert = new X509Certificate(certs[0]!);
  if (!cert.checkPrivateKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }))) {
    throw new UserError('PKI_KEY_MISMATCH', `${keyPath} does not match the certificate in ${certPath}`);
  }
  const chain = certs.slice(1);
  // The test PKI written by `fse-harness pki` keeps its CA in ca.pem: embed it when it issued the signer.
  const caPath = join(pkiDir, 'ca.pem');
  if (chain.length === 0 && existsSync(caPath)) {
    for (const der of pemBlocks(readFileSync(caPath, 'utf8'), /^CERTIFICATE$/)) {
      try {
        if (cert.checkIssued(new X509Certificate(der)) && !der.equals(certs[0]!)) chain.push(der);
      } catch { /* not a certificate we can use */ }
    }
  }
  return {
    certDer: new Uint8Array(certs[0]!),
    chainDer: chain.map((c) => new Uint8Array(c)),
    privateKeyPkcs8Der: new Uint8Array(pkcs8),
  };
}

const command: Command = {
  name: 'build-pdf',
  summary: 'Wrap a CDA in a PDF/A-3b (cda.xml attachment or XFA resource) and sign it PAdES-B-B',
  help,
  async run(argv: string[]): Promise<number> {
    const { flags, positionals } = parseArgs(argv, { string: ['cda', 'out', 'mode', 'pki', 'title'], boolean: ['unsigned'], multiple: ['line'] });
    if (positionals.length) throw new UserError('BAD_ARGS', `Unexpected argument: ${positionals[0]}`, 'see: fse-harness build-pdf --help');
    const cdaPath = flags.cda as string | undefined;
    const outPath = flags.out as string | undefined;
    if (!cdaPath || !outPath) throw new UserError('BAD_ARGS', 'Both --cda and --out are required', 'see: fse-harness build-pdf --help');
    const modeArg = ((flags.mode as string | undefined) ?? 'ATTACHMENT').toUpperCase();
    if (modeArg !== 'ATTACHMENT' && modeArg !== 'RESOURCE') throw new UserError('BAD_ARGS', `--mode must be ATTACHMENT or RESOURCE, not "${modeArg}"`);
    const mode = modeArg as InjectionMode;
    if (!existsSync(cdaPath)) throw new UserError('CDA_MISSING', `CDA file not found: ${cdaPath}`);
    const cda = new Uint8Array(readFileSync(cdaPath));
    if (cda[0] === 0xef && cda[1] === 0xbb && cda[2] === 0xbf) {
      process.stderr.write(`warning: ${cdaPath} starts with a UTF-8 BOM; the gateway expects none (embedding it as is)\n`);
    }
    const key = flags.unsigned ? undefined : loadSigningKey(resolve((flags.pki as string | undefined) ?? DEFAULT_PKI));

    let pdf: Uint8Array;
    try {
      pdf = await buildPdf({ cda, mode, title: flags.title as string | undefined, lines: (flags.line as string[] | undefined) ?? [] });
    } catch (e) {
      throw new UserError('PDF_BUILD', `Cannot build the PDF: ${(e as Error).message}`);
    }
    if (key) pdf = await signPades(pdf, key);
    mkdirSync(dirname(resolve(outPath)), { recursive: true });
    writeFileSync(outPath, pdf);
    const sha = sha256Hex(pdf);
    process.stdout.write(`${outPath}\n  size: ${pdf.length} bytes\n  sha256: ${sha}\n  mode: ${mode}, ${key ? 'signed (PAdES-B-B)' : 'unsigned'}\n`);
    return 0;
  },
};

export default command;
