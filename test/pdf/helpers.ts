/** Test-only helpers: throwaway signing keys generated at run time (never written to the repository). */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as x509 from '@peculiar/x509';
import type { PadesKey } from '../../support/pdf/pades.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface TestSigner {
  key: PadesKey;
  certPem: string;
  keyPem: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A CA + a signer certificate issued by it (RSA 2048, SHA-256), so the CMS carries a chain. */
export async function makeTestSigner(cn = 'FSE HARNESS TEST SIGNER'): Promise<TestSigner> {
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a01',
    name: 'CN=FSE HARNESS TEST CA, O=Test, C=IT',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86400_000),
    signingAlgorithm: alg,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '7f3c01',
    subject: `CN=${cn}, O=Test, C=IT`,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86400_000),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    key: {
      certDer: new Uint8Array(cert.rawData),
      chainDer: [new Uint8Array(caCert.rawData)],
      privateKeyPkcs8Der: new Uint8Array(pkcs8),
    },
    certPem: cert.toString('pem') + '\n',
    keyPem: pem('PRIVATE KEY', pkcs8),
  };
}

/** Whether a command-line tool is available (`tool --version` or `-v` exits). */
export function hasTool(tool: string): boolean {
  const r = spawnSync(tool, ['-v'], { stdio: 'ignore' });
  return !r.error;
}

export function run(tool: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** A small CDA R2 document written for the tests (not one of the ministry samples). */
export function sampleCda(extra = ''): Uint8Array {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="cda.xsl"?>
<!-- test document -->
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <realmCode code="IT"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.9.10.1.1" extension="1.2"/>
  <id root="2.16.840.1.113883.2.9.2.90.4.4" extension="TEST.${Date.now()}"/>
  <code code="11502-2" codeSystem="2.16.840.1.113883.6.1" displayName="Referto di laboratorio"/>
  <title>Referto — àèìòù € "quoted" &amp; &lt;escaped&gt;</title>
  <!-- a comment with <ClinicalDocument> inside must not confuse the scanner -->
  <component><structuredBody><component><section><text><![CDATA[</ClinicalDocument> in CDATA]]></text>
  <ClinicalDocument nested="yes"/></section></component></structuredBody></component>${extra}
</ClinicalDocument>
`;
  return new TextEncoder().encode(xml);
}

/** A self-signed ECDSA P-256 signer. */
export async function makeEcSigner(cn = 'FSE HARNESS EC SIGNER'): Promise<PadesKey> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '02', name: `CN=${cn}`, notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(Date.now() + 86400_000),
    signingAlgorithm: alg, keys,
  });
  return { certDer: new Uint8Array(cert.rawData), privateKeyPkcs8Der: new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}
