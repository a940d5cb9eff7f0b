import { randomBytes } from 'node:crypto';

/**
 * Byte-exact multipart/form-data for the gateway (OpenAPI `POST /documents/validate-and-create`, multipart `file` +
 * `requestBody`):
 *  - `requestBody`: a field WITHOUT filename (read with getParameter on the gateway side), labelled
 *    `Content-Type: application/json`: the national border (GovWay) validates the multipart against the OpenAPI and
 *    answers 400 InvalidRequestContent to a JSON part without that label;
 *  - `file`: the PDF, `filename="…"`, `Content-Type: application/pdf`, bytes untouched (never through string APIs).
 * The PDF bytes are copied verbatim, so SHA-256(file part) === attachment_hash.
 */
export interface Multipart {
  boundary: string;
  contentType: string;
  body: Buffer;
}

/** Content-Type of the `requestBody` part. */
export const REQUEST_BODY_CONTENT_TYPE = 'application/json';

export function buildMultipart(parts: {
  requestBody?: string | null;
  /** Content-Type of the requestBody part; `null` leaves the header out (negative tests only). */
  requestBodyContentType?: string | null;
  file?: { bytes: Uint8Array; filename: string; contentType?: string } | null;
}, boundary?: string): Multipart {
  const b = boundary ?? `----fse-harness-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  if (parts.requestBody !== undefined && parts.requestBody !== null) {
    const ct = parts.requestBodyContentType === undefined ? REQUEST_BODY_CONTENT_TYPE : parts.requestBodyContentType;
    chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="requestBody"\r\n${ct === null ? '' : `Content-Type: ${ct}\r\n`}\r\n`, 'latin1'));
    chunks.push(Buffer.from(parts.requestBody, 'utf8'));
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  if (parts.file) {
    const fname = parts.file.filename.replace(/["\r\n]/g, '_');
    chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${fname}"\r\nContent-Type: ${parts.file.contentType ?? 'application/pdf'}\r\n\r\n`, 'latin1'));
    chunks.push(Buffer.from(parts.file.bytes.buffer, parts.file.bytes.byteOffset, parts.file.bytes.byteLength));
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${b}--\r\n`, 'latin1'));
  return { boundary: b, contentType: `multipart/form-data; boundary=${b}`, body: Buffer.concat(chunks) };
}
