/** Shared CMS bits: the pkijs WebCrypto engine (Node's) and the OIDs we use. */
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  cmsAlgorithmProtect: '1.2.840.113549.1.9.52',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  commonName: '2.5.4.3',
} as const;

/** The subject's commonName of a certificate, when it has one. */
export function commonNameOf(cert: pkijs.Certificate): string | undefined {
  const cn = cert.subject.typesAndValues.find((t) => t.type === OID.commonName);
  return cn ? String(cn.value.valueBlock.value) : undefined;
}

let engineReady = false;
/** Installs Node's WebCrypto as the pkijs engine (once). */
export function ensurePkijsEngine(): void {
  if (engineReady) return;
  pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] }));
  engineReady = true;
}

/** An ArrayBuffer holding exactly the bytes of `u` (no copy when `u` spans its whole buffer). */
export function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  if (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && u.buffer instanceof ArrayBuffer) return u.buffer;
  return u.slice().buffer as ArrayBuffer;
}

type PublicKeyInfo = Parameters<pkijs.CryptoEngine['getPublicKey']>[0];
type PublicKeyParams = Parameters<pkijs.CryptoEngine['getPublicKey']>[2];
type ImportedKey = ReturnType<pkijs.CryptoEngine['getPublicKey']>;

/**
 * A pkijs engine that remembers imported public keys per SubjectPublicKeyInfo object. Combined with the
 * certificate cache in inspect.ts (same certificate → same pkijs object), verifying the n-th signature of a
 * known signer skips the SPKI re-encoding and WebCrypto import.
 */
class CachingCryptoEngine extends pkijs.CryptoEngine {
  readonly #keys = new WeakMap<object, Map<string, ImportedKey>>();
  override getPublicKey(publicKeyInfo: PublicKeyInfo, signatureAlgorithm: pkijs.AlgorithmIdentifier, parameters?: PublicKeyParams): ImportedKey {
    const k = JSON.stringify(parameters ?? null) + (signatureAlgorithm ? signatureAlgorithm.algorithmId : '');
    let m = this.#keys.get(publicKeyInfo);
    if (!m) { m = new Map(); this.#keys.set(publicKeyInfo, m); }
    let p = m.get(k);
    if (!p) {
      p = super.getPublicKey(publicKeyInfo, signatureAlgorithm, parameters);
      p.catch(() => m.delete(k));
      m.set(k, p);
    }
    return p;
  }
}

let verifyEngine: CachingCryptoEngine | undefined;
/** The engine to pass to SignedData.verify. */
export function verificationEngine(): pkijs.CryptoEngine {
  return (verifyEngine ??= new CachingCryptoEngine({ name: 'node-webcrypto-caching', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] }));
}
