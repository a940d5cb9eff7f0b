import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/** Lowercase hex SHA-256 of bytes or a UTF-8 string: the one helper for `attachment_hash`, manifests, PDF checksums. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One read buffer for `sha256File`, reused: hashing a run's files (≈ 100 MB) leaves no garbage behind. */
let fileChunk: Buffer | null = null;

/** Lowercase hex SHA-256 of a file's bytes, read in 1 MB chunks into one reused buffer. */
export function sha256File(path: string): string {
  fileChunk ??= Buffer.allocUnsafe(2 ** 20);
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, fileChunk, 0, fileChunk.length, null);
      if (n === 0) break;
      hash.update(fileChunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
