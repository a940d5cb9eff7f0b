/**
 * A small, self-made ICC v2.1 sRGB display ("mntr") profile for the PDF/A OutputIntent.
 *
 * Layout (ICC.1:2001-04): 128-byte header, tag count + tag table (12 bytes per tag), then the tag data,
 * each element starting on a 4-byte boundary. Tags: desc, cprt, wtpt, rXYZ, gXYZ, bXYZ, rTRC, gTRC, bTRC
 * (the three TRC tags share one sampled `curv` element of the sRGB transfer function).
 * Colorants are the sRGB primaries chromatically adapted to D50 (Bradford), as the v2 PCS requires;
 * the media white point is D65 (the display's white), as in classic v2 sRGB profiles.
 */

const DESCRIPTION = 'sRGB IEC61966-2.1 (fse-harness)';
const COPYRIGHT = 'No copyright, use freely';

/** s15Fixed16Number */
function s15(v: number): number {
  return Math.round(v * 65536) | 0;
}

function sig(s: string): number {
  if (s.length !== 4) throw new Error(`ICC signature must be 4 chars: ${s}`);
  return ((s.charCodeAt(0) << 24) | (s.charCodeAt(1) << 16) | (s.charCodeAt(2) << 8) | s.charCodeAt(3)) >>> 0;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

class Writer {
  readonly buf: Uint8Array;
  readonly view: DataView;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  u32(off: number, v: number): void { this.view.setUint32(off, v >>> 0, false); }
  i32(off: number, v: number): void { this.view.setInt32(off, v, false); }
  u16(off: number, v: number): void { this.view.setUint16(off, v, false); }
  ascii(off: number, s: string): void {
    for (let i = 0; i < s.length; i++) this.buf[off + i] = s.charCodeAt(i) & 0x7f;
  }
}

/** textDescriptionType (v2 'desc'): ASCII + empty Unicode + empty ScriptCode parts. */
function descElement(text: string): Uint8Array {
  const asciiLen = text.length + 1; // with NUL
  const size = 8 + 4 + asciiLen + 4 + 4 + 2 + 1 + 67;
  const w = new Writer(size);
  w.u32(0, sig('desc'));
  w.u32(8, asciiLen);
  w.ascii(12, text);
  // Unicode language code 0, count 0; ScriptCode code 0, count 0, 67 zero bytes: already zero.
  return w.buf;
}

/** textType ('text'): NUL-terminated ASCII. */
function textElement(text: string): Uint8Array {
  const w = new Writer(8 + text.length + 1);
  w.u32(0, sig('text'));
  w.ascii(8, text);
  return w.buf;
}

function xyzElement(x: number, y: number, z: number): Uint8Array {
  const w = new Writer(20);
  w.u32(0, sig('XYZ '));
  w.i32(8, s15(x));
  w.i32(12, s15(y));
  w.i32(16, s15(z));
  return w.buf;
}

/** curveType ('curv') sampling the sRGB electro-optical transfer function at `n` points. */
function srgbCurveElement(n: number): Uint8Array {
  const w = new Writer(12 + 2 * n);
  w.u32(0, sig('curv'));
  w.u32(8, n);
  for (let i = 0; i < n; i++) {
    const v = i / (n - 1);
    const lin = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    w.u16(12 + 2 * i, Math.round(lin * 65535));
  }
  return w.buf;
}

let cached: Uint8Array | undefined;

/**
 * Returns the bytes of the sRGB ICC v2 profile (deterministic: a fixed header date). The result is cached;
 * callers get a copy so they may not corrupt the cache.
 */
export function srgbIccProfile(): Uint8Array {
  if (!cached) cached = buildProfile();
  return cached.slice();
}

function buildProfile(): Uint8Array {
  const trc = srgbCurveElement(1024);
  const elements: { tag: string; data: Uint8Array }[] = [
    { tag: 'desc', data: descElement(DESCRIPTION) },
    { tag: 'cprt', data: textElement(COPYRIGHT) },
    { tag: 'wtpt', data: xyzElement(0.9505, 1.0, 1.089) },
    { tag: 'rXYZ', data: xyzElement(0.4361, 0.2225, 0.0139) },
    { tag: 'gXYZ', data: xyzElement(0.3851, 0.7169, 0.0971) },
    { tag: 'bXYZ', data: xyzElement(0.1431, 0.0606, 0.7141) },
    { tag: 'rTRC', data: trc },
    { tag: 'gTRC', data: trc },
    { tag: 'bTRC', data: trc },
  ];
  const tableSize = 4 + 12 * elements.length;
  // Lay out the data: identical elements (the TRCs) share one offset.
  const placed = new Map<Uint8Array, number>();
  let offset = 128 + tableSize;
  for (const e of elements) {
    if (placed.has(e.data)) continue;
    offset = pad4(offset);
    placed.set(e.data, offset);
    offset += e.data.length;
  }
  const size = pad4(offset);
  const w = new Writer(size);
  // Header
  w.u32(0, size);
  w.u32(4, 0); // preferred CMM: none
  w.u32(8, 0x02100000); // version 2.1.0
  w.u32(12, sig('mntr'));
  w.u32(16, sig('RGB '));
  w.u32(20, sig('XYZ '));
  // Creation date/time (fixed, for reproducible PDFs): 2024-01-01 00:00:00
  w.u16(24, 2024); w.u16(26, 1); w.u16(28, 1); w.u16(30, 0); w.u16(32, 0); w.u16(34, 0);
  w.u32(36, sig('acsp'));
  w.u32(40, 0); // primary platform: unspecified
  w.u32(44, 0); // flags
  w.u32(48, 0); // manufacturer
  w.u32(52, 0); // model
  // 56..63 attributes = 0 (reflective, glossy)
  w.u32(64, 0); // rendering intent: perceptual
  w.i32(68, s15(0.9642)); w.i32(72, s15(1.0)); w.i32(76, s15(0.8249)); // PCS illuminant D50
  w.u32(80, 0); // creator
  // 84..127 reserved / profile ID: zero in v2
  // Tag table
  w.u32(128, elements.length);
  elements.forEach((e, i) => {
    const base = 132 + 12 * i;
    w.u32(base, sig(e.tag));
    w.u32(base + 4, placed.get(e.data)!);
    w.u32(base + 8, e.data.length);
  });
  for (const [data, off] of placed) w.buf.set(data, off);
  return w.buf;
}
