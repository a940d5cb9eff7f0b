import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { rememberDeflate, useNativeDeflate } from '../../support/pdf/native-deflate.ts';
import { buildPdf } from '../../support/pdf/build.ts';
import { extractCda, inspectPdf } from '../../support/pdf/inspect.ts';

const pako = createRequire(createRequire(import.meta.url).resolve('pdf-lib'))('pako') as {
  deflate: (d: Uint8Array, o?: unknown) => Uint8Array; inflate: (d: Uint8Array) => Uint8Array;
};

test('pdf-lib\'s pako.deflate is native zlib once the PDF modules are loaded, and round-trips through both inflaters', () => {
  assert.equal(useNativeDeflate(), true);
  assert.equal(useNativeDeflate(), true, 'idempotent');
  for (const input of [new Uint8Array(0), new TextEncoder().encode('<ClinicalDocument/>'.repeat(500)), new Uint8Array(randomBytes(70_000))]) {
    const z = pako.deflate(input);
    assert.ok(z instanceof Uint8Array);
    assert.equal(z[0], 0x78, 'zlib header (what /FlateDecode expects)');
    assert.deepEqual(new Uint8Array(inflateSync(z)), input);
    assert.deepEqual(pako.inflate(z), input, 'pako reads it back as well');
  }
  // a call with options is not pdf-lib's: left to pako (raw deflate has no zlib header)
  const raw = pako.deflate(new TextEncoder().encode('abc'), { raw: true });
  assert.notEqual(raw[0], 0x78);
});

test('a remembered input is handed back deflated as computed once; another input of the same length is compressed afresh', () => {
  useNativeDeflate();
  const input = new Uint8Array(randomBytes(30_000));
  rememberDeflate(input);
  const first = pako.deflate(input.slice());
  assert.equal(pako.deflate(input.slice()), first, 'the remembered bytes (same object)');
  assert.deepEqual(new Uint8Array(inflateSync(first)), input);
  const other = input.slice();
  other[12_345] ^= 0xff;
  const z = pako.deflate(other);
  assert.notEqual(z, first);
  assert.deepEqual(new Uint8Array(inflateSync(z)), other);
  input[0] ^= 0xff; // the caller changing its array afterwards does not change what was remembered
  assert.deepEqual(new Uint8Array(inflateSync(pako.deflate(input))), input);
});

test('a PDF built with native deflate gives back the exact cda.xml and has its PDF/A parts', async () => {
  const cda = new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">${'<component/>'.repeat(2000)}</ClinicalDocument>`);
  const pdf = await buildPdf({ cda, title: 'Referto di laboratorio', lines: ['Paziente: RMSLSO31M04Z404R — àèìòù €'] });
  assert.deepEqual((await extractCda(pdf, 'ATTACHMENT')).cda, cda);
  const info = await inspectPdf(pdf);
  assert.ok(info.embeddedFiles.includes('cda.xml'), JSON.stringify(info));
});
