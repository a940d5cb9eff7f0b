import { decodeJwt, type BuiltTokens } from '../jwt/tokens.ts';

const JWT_RE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/** Masks raw JWT values in a request for the HTML report (the evidence bundle keeps them intact). */
export function maskTokens(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
  let body = headEnd >= 0 ? text.slice(headEnd + 4) : '';
  // PDF bytes are not readable in a report: summarise them.
  const pdfAt = body.indexOf('%PDF-');
  if (pdfAt >= 0) {
    const end = body.indexOf('\r\n--', pdfAt);
    const len = (end >= 0 ? end : body.length) - pdfAt;
    body = `${body.slice(0, pdfAt)}[PDF, ${len} byte: vedi evidence/pdf/]${end >= 0 ? body.slice(end) : ''}`;
  }
  return `${head.replace(JWT_RE, (t) => `${t.slice(0, 10)}…[JWT mascherato, ${t.length} caratteri: vedi il bundle delle evidenze]`)}\r\n\r\n${body}`;
}

/** Decoded header and claims of both tokens (claims are not secret; the signed token values are masked elsewhere). */
export function describeClaims(t: BuiltTokens): Record<string, unknown> {
  const b = decodeJwt(t.bearer);
  const s = decodeJwt(t.signature);
  const x5c = (h: Record<string, unknown>) => ({ ...h, x5c: Array.isArray(h.x5c) ? h.x5c.map((c) => `${String(c).slice(0, 16)}… (${String(c).length} caratteri base64 DER)`) : h.x5c });
  return { 'Authorization: Bearer': { header: x5c(b.header), payload: b.payload }, 'FSE-JWT-Signature': { header: x5c(s.header), payload: s.payload } };
}
