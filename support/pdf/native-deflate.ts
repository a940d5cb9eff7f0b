/**
 * pdf-lib compresses every stream (font program, embedded cda.xml, content and object streams) with `pako.deflate`,
 * a pure-JavaScript zlib port that costs several milliseconds per document. Node's own zlib produces the same format
 * (zlib-wrapped DEFLATE, level 6: what pako uses by default and what `/FlateDecode` reads) natively, in a fraction of
 * the time. pdf-lib calls `pako.deflate(bytes)` with no options in exactly two places (PDFContext.flateStream and
 * PDFFlateStream); this module points that one function at `zlib.deflateSync` for the process. The compressed bytes
 * may differ from pako's (different zlib builds choose different matches); what they decompress to does not —
 * test/pdf/native-deflate.test.ts checks both, and that a built PDF reads back.
 */
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';

interface Pako { deflate: (data: Uint8Array, options?: unknown) => Uint8Array; __fseNative?: true }

/** The pako instance pdf-lib resolves (pdf-lib has no nested copy: the one beside it). */
function pdfLibPako(): Pako {
  const fromPdfLib = createRequire(createRequire(import.meta.url).resolve('pdf-lib'));
  return fromPdfLib('pako') as Pako;
}

/**
 * Inputs that repeat from one document to the next (the embedded font program: one subset for the whole run, see
 * build.ts), kept with their deflated bytes by length. DEFLATE is deterministic, so handing back the bytes computed
 * for an identical input is what compressing it again would give; a different input of the same length is compared
 * byte for byte and compressed as usual.
 */
const repeated = new Map<number, { input: Uint8Array; output: Uint8Array }>();
const REPEATED_MAX = 32;

/** The deflated bytes remembered for exactly these input bytes, if any. */
function remembered(input: Uint8Array): Uint8Array | undefined {
  const known = repeated.get(input.length);
  return known && Buffer.compare(known.input, input) === 0 ? known.output : undefined;
}

/** Marks `input` as an input that will be deflated again (identical bytes) by later documents. */
export function rememberDeflate(input: Uint8Array): void {
  if (remembered(input)) return;
  if (repeated.size >= REPEATED_MAX) repeated.clear();
  const b = deflateSync(input);
  repeated.set(input.length, { input: input.slice(), output: new Uint8Array(b.buffer, b.byteOffset, b.length) });
}

/** Idempotent. Returns whether native deflate is in place. */
export function useNativeDeflate(): boolean {
  const pako = pdfLibPako();
  if (pako.__fseNative) return true;
  const original = pako.deflate;
  pako.deflate = (data: Uint8Array, options?: unknown): Uint8Array => {
    if (options !== undefined) return original(data, options); // not pdf-lib's call: leave it to pako
    const known = remembered(data);
    if (known) return known;
    const b = deflateSync(data);
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  };
  pako.__fseNative = true;
  return true;
}
