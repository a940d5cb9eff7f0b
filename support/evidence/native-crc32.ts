/**
 * yazl (the evidence bundle's zip writer) computes every entry's CRC-32 with `buffer-crc32`, a byte-at-a-time
 * JavaScript loop: ≈ 1 s of CPU for the ≈ 100 MB a full suite zips. Node's `zlib.crc32` (Node ≥ 20.15 / 22.2) computes
 * the same CRC-32 (ISO-HDLC, the zip one) natively. yazl calls `crc32.unsigned(buffer, previous)` on the module it
 * requires; this points that one function at zlib for the process. Without `zlib.crc32` nothing changes.
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

type Crc32Module = { unsigned: (buf: Buffer | string, previous?: number | Buffer) => number; __fseNative?: true };
type NativeCrc32 = (data: Buffer | string, value?: number) => number;

/** The buffer-crc32 instance yazl resolves. */
function yazlCrc32(): Crc32Module {
  const fromYazl = createRequire(createRequire(import.meta.url).resolve('yazl'));
  return fromYazl('buffer-crc32') as Crc32Module;
}

/** Idempotent. Returns whether the native CRC-32 is in place. */
export function useNativeCrc32(): boolean {
  const native = (zlib as unknown as { crc32?: NativeCrc32 }).crc32;
  if (typeof native !== 'function') return false;
  const m = yazlCrc32();
  if (m.__fseNative) return true;
  const original = m.unsigned;
  m.unsigned = (buf, previous) => {
    if (Buffer.isBuffer(previous)) return original(buf, previous); // not yazl's call (it passes a number)
    return native(buf, previous ?? 0);
  };
  m.__fseNative = true;
  return true;
}
