import { test } from 'node:test';
import assert from 'node:assert/strict';
import { srgbIccProfile } from '../../support/pdf/icc.ts';

const ascii = (b: Uint8Array, o: number, n = 4): string => Buffer.from(b.subarray(o, o + n)).toString('latin1');

test('ICC v2 sRGB profile: header fields, sizes and offsets are consistent', () => {
  const p = srgbIccProfile();
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  assert.equal(v.getUint32(0), p.length, 'profile size field');
  assert.equal(p.length % 4, 0);
  assert.equal(v.getUint32(8), 0x02100000, 'version 2.1');
  assert.equal(ascii(p, 12), 'mntr');
  assert.equal(ascii(p, 16), 'RGB ');
  assert.equal(ascii(p, 20), 'XYZ ');
  assert.equal(ascii(p, 36), 'acsp');
  // PCS illuminant D50
  assert.ok(Math.abs(v.getInt32(68) / 65536 - 0.9642) < 1e-4);
  assert.ok(Math.abs(v.getInt32(72) / 65536 - 1) < 1e-4);
  assert.ok(Math.abs(v.getInt32(76) / 65536 - 0.8249) < 1e-4);
  assert.ok(p.subarray(84, 128).every((x) => x === 0), 'reserved bytes / profile ID zero in v2');

  const count = v.getUint32(128);
  const tags = new Map<string, { off: number; size: number }>();
  for (let i = 0; i < count; i++) {
    const base = 132 + 12 * i;
    const off = v.getUint32(base + 4), size = v.getUint32(base + 8);
    assert.equal(off % 4, 0, 'tag data 4-byte aligned');
    assert.ok(off >= 132 + 12 * count && off + size <= p.length, 'tag data inside the profile, after the table');
    tags.set(ascii(p, base), { off, size });
  }
  const required: Record<string, string> = {
    desc: 'desc', cprt: 'text', wtpt: 'XYZ ', rXYZ: 'XYZ ', gXYZ: 'XYZ ', bXYZ: 'XYZ ', rTRC: 'curv', gTRC: 'curv', bTRC: 'curv',
  };
  for (const [tag, type] of Object.entries(required)) {
    const t = tags.get(tag);
    assert.ok(t, `missing tag ${tag}`);
    assert.equal(ascii(p, t.off), type, `${tag} type`);
    assert.equal(v.getUint32(t.off + 4), 0, `${tag} reserved`);
  }
  for (const xyz of ['wtpt', 'rXYZ', 'gXYZ', 'bXYZ']) assert.equal(tags.get(xyz)!.size, 20);
  // desc: ASCII count includes the NUL, and the string is NUL-terminated
  const d = tags.get('desc')!;
  const n = v.getUint32(d.off + 8);
  assert.equal(p[d.off + 12 + n - 1], 0);
  assert.match(ascii(p, d.off + 12, n - 1), /^sRGB/);
  assert.equal(d.size, 12 + n + 4 + 4 + 2 + 1 + 67);
  // The colorants add up to the D50 white (rows of the sRGB→XYZ(D50) matrix)
  const sum = [0, 4, 8].map((k) => ['rXYZ', 'gXYZ', 'bXYZ'].reduce((s, t) => s + v.getInt32(tags.get(t)!.off + 8 + k) / 65536, 0));
  assert.ok(Math.abs(sum[0]! - 0.9642) < 2e-3 && Math.abs(sum[1]! - 1) < 2e-3 && Math.abs(sum[2]! - 0.8249) < 2e-3, `colorant sum ${sum}`);
  // TRC: sampled sRGB curve, monotonic from 0 to 65535
  const c = tags.get('rTRC')!;
  const entries = v.getUint32(c.off + 8);
  assert.ok(entries > 1);
  assert.equal(c.size, 12 + 2 * entries);
  let prev = -1;
  for (let i = 0; i < entries; i++) {
    const y = v.getUint16(c.off + 12 + 2 * i);
    assert.ok(y >= prev, 'monotonic');
    prev = y;
  }
  assert.equal(v.getUint16(c.off + 12), 0);
  assert.equal(v.getUint16(c.off + 12 + 2 * (entries - 1)), 65535);
  // mid-grey: sRGB 0.5 → linear ≈ 0.214
  const mid = v.getUint16(c.off + 12 + 2 * Math.round((entries - 1) / 2)) / 65535;
  assert.ok(Math.abs(mid - 0.214) < 0.01, `mid ${mid}`);
});

test('the profile is deterministic and callers get a private copy', () => {
  const a = srgbIccProfile();
  a[0] = 0xff;
  const b = srgbIccProfile();
  assert.notEqual(b[0], 0xff);
  assert.equal(Buffer.compare(Buffer.from(srgbIccProfile()), Buffer.from(b)), 0);
});
