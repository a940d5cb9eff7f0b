import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidCf, cfCheckChar, toCx, isValidPartitaIva, partitaIvaCheckDigit } from '../support/cf.ts';
import { RT_TEST_CFS } from '../support/types.ts';

test('the five RT test fiscal codes are valid', () => {
  assert.equal(RT_TEST_CFS.length, 5);
  for (const cf of RT_TEST_CFS) {
    assert.equal(isValidCf(cf), true, cf);
    assert.equal(cfCheckChar(cf.slice(0, 15)), cf[15], cf);
  }
});

test('check character is computed from the official tables', () => {
  // Known values: the guide's VRDMRC67T20I257E has a wrong check char, the right one is A (national guide "Interfacce REST Gateway", JWT example).
  assert.equal(cfCheckChar('VRDMRC67T20I257'), 'A');
  assert.equal(cfCheckChar('RMSLSO31M04Z404'), 'R');
  assert.equal(cfCheckChar('rmslso31m04z404'), 'R', 'lower case is upper-cased first');
  assert.throws(() => cfCheckChar('SHORT'), TypeError);
  assert.throws(() => cfCheckChar('RMSLSO31M04Z40*'), TypeError);
});

test('known-bad fiscal codes are refused', () => {
  assert.equal(isValidCf('VRDMRC67T20I257E'), false, 'guide example with wrong check char');
  assert.equal(isValidCf('RMSLSO31M04Z404S'), false, 'one test CF with the check char changed');
  assert.equal(isValidCf('RMSLSO31M04Z404'), false, '15 chars');
  assert.equal(isValidCf('RMSLSO31M04Z404RR'), false, '17 chars');
  assert.equal(isValidCf('RMS1SO31M04Z404R'), false, 'digit in the first six');
  assert.equal(isValidCf('RMSLSO31M04Z4041'), false, 'digit as check char');
  assert.equal(isValidCf('01386030488'), false, 'partita IVA is not a CF');
  assert.equal(isValidCf(''), false);
});

test('lower case and omocodia are tolerated', () => {
  assert.equal(isValidCf('rmslso31m04z404r'), true);
  // Omocodia: replace the last digit 4 with its letter Q; check char recomputed.
  const omo15 = 'RMSLSO31M04Z40Q';
  const omo = omo15 + cfCheckChar(omo15);
  assert.equal(isValidCf(omo), true);
  assert.notEqual(omo, 'RMSLSO31M04Z404R');
});

test('toCx builds the HL7 CX value with the MEF OID', () => {
  assert.equal(toCx('RMSLSO31M04Z404R'), 'RMSLSO31M04Z404R^^^&2.16.840.1.113883.2.9.4.3.2&ISO');
});

test('partita IVA check digit', () => {
  assert.equal(isValidPartitaIva('01386030488'), true, 'RT example');
  assert.equal(isValidPartitaIva('07654321012'), true, 'harness default');
  assert.equal(isValidPartitaIva('01386030487'), false);
  assert.equal(isValidPartitaIva('1386030488'), false);
  assert.equal(partitaIvaCheckDigit('0138603048'), '8');
});
