import { createHash } from 'node:crypto';

/** Lowercase hex SHA-256 of bytes or a UTF-8 string: the one helper for `attachment_hash`, manifests, PDF checksums. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
