import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findClinicalDocument, findRootElement } from '../../support/pdf/xmlscan.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const slice = (b: Uint8Array, r: { start: number; end: number } | null): string | null => (r ? Buffer.from(b.subarray(r.start, r.end)).toString('utf8') : null);

test('finds the first ClinicalDocument, skipping comments, CDATA, PIs, DOCTYPE and quoted ">"', () => {
  const inner = '<cda:ClinicalDocument a="x>y" b=\'</cda:ClinicalDocument>\'><cda:ClinicalDocument/><x><![CDATA[</cda:ClinicalDocument>]]></x><!-- </cda:ClinicalDocument> --><cda:ClinicalDocument>é</cda:ClinicalDocument></cda:ClinicalDocument>';
  const doc = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "v">]><?pi <ClinicalDocument/>?><!-- <ClinicalDocument/> --><d>${inner}<ClinicalDocument/></d>`;
  const b = enc(doc);
  assert.equal(slice(b, findClinicalDocument(b)), inner);
});

test('root element and self-closing root; unterminated gives null', () => {
  const b = enc('<?xml version="1.0"?>\n<!-- c -->\n<root><a/></root>\n');
  assert.equal(slice(b, findRootElement(b)), '<root><a/></root>');
  const s = enc('<ClinicalDocument xmlns="urn:hl7-org:v3"/>');
  assert.equal(slice(s, findClinicalDocument(s)), '<ClinicalDocument xmlns="urn:hl7-org:v3"/>');
  assert.equal(findClinicalDocument(enc('<ClinicalDocument><a></ClinicalDocument')), null);
  assert.equal(findClinicalDocument(enc('<ClinicalDocumentX/>')), null);
  assert.equal(findClinicalDocument(enc('no xml at all')), null);
});
