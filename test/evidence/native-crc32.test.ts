import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { useNativeCrc32 } from '../../support/evidence/native-crc32.ts';

const crc = createRequire(createRequire(import.meta.url).resolve('yazl'))('buffer-crc32') as {
  unsigned: (b: Buffer | string, p?: number | Buffer) => number; signed: (b: Buffer | string, p?: number | Buffer) => number;
};

test('yazl\'s CRC-32 is zlib\'s when Node has it, with the values of the JavaScript one (whole, chained, strings)', (t) => {
  if (typeof (zlib as unknown as { crc32?: unknown }).crc32 !== 'function') { t.skip('this Node has no zlib.crc32: buffer-crc32 stays'); return; }
  const inputs = [Buffer.alloc(0), Buffer.from('123456789'), randomBytes(100_000), randomBytes(3)];
  const expected = inputs.map((b) => crc.signed(b) >>> 0); // the JavaScript implementation, untouched by the patch
  assert.equal(crc.signed(Buffer.from('123456789')) >>> 0, 0xcbf43926, 'the CRC-32 check value');
  assert.equal(useNativeCrc32(), true);
  assert.equal(useNativeCrc32(), true, 'idempotent');
  inputs.forEach((b, i) => assert.equal(crc.unsigned(b), expected[i]));
  const big = inputs[2]!;
  assert.equal(crc.unsigned(big.subarray(50_000), crc.unsigned(big.subarray(0, 50_000))), expected[2], 'chained as yazl streams it');
  assert.equal(crc.unsigned('abc'), crc.signed('abc') >>> 0, 'strings');
});
