/**
 * The client certificate chain sent in the TLS handshake.
 *
 * Sogei's certificates come from a CA hierarchy (root → intermediate → leaf). A server that trusts only the root
 * can verify the leaf only if the client sends the intermediates too: TLS (RFC 8446 §4.4.2) has the sender's
 * certificate first, then each certificate certifying the one before it; the self-signed root may be left out.
 * This module orders what a .p12 or a PEM bundle holds beside the leaf into that path and leaves out what is
 * not on it. Only certificates are ever involved: no other key is read or sent.
 */
import { X509Certificate } from 'node:crypto';

export interface OrderedChain {
  /** Intermediates in path order: the issuer of the leaf first. */
  intermediates: Uint8Array[];
  /** The self-signed root at the end of the path, if the bundle holds it (not sent). */
  root?: Uint8Array;
  /** Certificates of the bundle that are not on the leaf's path (not sent). */
  unrelated: Uint8Array[];
}

const MAX_DEPTH = 10;

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

export function isSelfSigned(der: Uint8Array): boolean {
  const c = new X509Certificate(der);
  return issuedBy(c, c);
}

/** Orders `others` into the path leaf → … → root; never throws for unrelated or duplicate certificates. */
export function orderChain(leafDer: Uint8Array, others: Uint8Array[]): OrderedChain {
  const pool = others
    .filter((d) => !Buffer.from(d).equals(Buffer.from(leafDer)))
    .map((der) => ({ der, cert: new X509Certificate(der) }));
  const used = new Set<number>();
  const intermediates: Uint8Array[] = [];
  let root: Uint8Array | undefined;
  let current = new X509Certificate(leafDer);
  if (!issuedBy(current, current)) {
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const i = pool.findIndex((p, k) => !used.has(k) && issuedBy(current, p.cert));
      if (i < 0) break;
      used.add(i);
      const next = pool[i]!;
      if (issuedBy(next.cert, next.cert)) { root = next.der; break; }
      intermediates.push(next.der);
      current = next.cert;
    }
  }
  // duplicates of a certificate already on the path are not "unrelated"
  const onPath = [...intermediates, ...(root ? [root] : [])].map((d) => Buffer.from(d));
  const unrelated = pool.filter((p, k) => !used.has(k) && !onPath.some((d) => d.equals(Buffer.from(p.der)))).map((p) => p.der);
  return { intermediates, ...(root ? { root } : {}), unrelated };
}

export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;
}

/** PEM of the leaf followed by its intermediates: the `cert` option of Node's TLS for the handshake. */
export function tlsChainPem(leafDer: Uint8Array, intermediates: Uint8Array[]): string {
  return [leafDer, ...intermediates].map((d) => derToPem(d)).join('');
}
