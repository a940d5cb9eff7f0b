import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtCn, parseRtCn } from '../../support/pki/cn.ts';

test('parses RT example CN A1#09001386030488REFPIPP0048017', () => {
  const r = parseRtCn('A1#09001386030488REFPIPP0048017');
  assert.deepEqual(r, { ok: true, kind: 'A', n: 1, region: '090', partitaIva: '01386030488', tipDominio: 'REF', vendor: 'PIPP0', istat: '048017' });
  const s = parseRtCn('S1#09001386030488REFPIPP0048017');
  assert.equal(s.ok && s.kind, 'S');
});

test('build and parse round-trip', () => {
  const cn = buildRtCn('S', 2, '07654321012', 'LDO', 'ACME', '048017');
  assert.equal(cn, 'S2#09007654321012LDOACME048017');
  const r = parseRtCn(cn);
  assert.ok(r.ok);
  assert.equal(r.kind, 'S');
  assert.equal(r.n, 2);
  assert.equal(r.vendor, 'ACME');
  assert.equal(r.tipDominio, 'LDO');
  assert.equal(buildRtCn('A', 1, '01386030488', 'REF', 'PIPP0', '048017'), 'A1#09001386030488REFPIPP0048017');
});

test('buildRtCn refuses bad parts', () => {
  assert.throws(() => buildRtCn('A', 1, '123', 'REF', 'ACME', '048017'), /11 digits/);
  assert.throws(() => buildRtCn('A', 1, '07654321012', 'XXX', 'ACME', '048017'), /TipDominio/);
  assert.throws(() => buildRtCn('A', 1, '07654321012', 'REF', '', '048017'), /vendor/);
  assert.throws(() => buildRtCn('A', 1, '07654321012', 'REF', 'AC ME', '048017'), /vendor/);
  assert.throws(() => buildRtCn('A', 1, '07654321012', 'REF', 'ACME', '48017'), /ISTAT/);
  assert.throws(() => buildRtCn('A', 0, '07654321012', 'REF', 'ACME', '048017'), /positive/);
});

test('parseRtCn explains what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['CLIENT01', /An#/],
    ['X1#09001386030488REFPIPP0048017', /An#/],
    ['A1#08001386030488REFPIPP0048017', /090/],
    ['A1#0900138603REFPIPP0048017', /11-digit/],
    ['A1#090013860304888REFPIPP048017', /more than 11/],
    ['A1#09001386030488XYZPIPP0048017', /TipDominio/],
    ['A1#09001386030488REFPIPP', /ISTAT/],
    ['A1#09001386030488REF048017', /vendor/],
  ];
  for (const [cn, re] of cases) {
    const r = parseRtCn(cn);
    assert.equal(r.ok, false, cn);
    if (!r.ok) assert.match(r.reason, re, cn);
  }
});
