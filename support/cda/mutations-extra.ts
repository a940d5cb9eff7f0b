/**
 * Negative (KO) mutations driven by the CURRENT schematron of the document types
 * VPS, PSS, CERT_VACC and SING_VACC (it-fse-catalogs: VPS v3.8, PSS v4.0, certificato VACC v2.4,
 * singola VACC v3.3). Each one breaks exactly one family of `assert` rules of its type's
 * schematron, so the gateway must answer SEMANTIC_ERROR (422); the XML stays XSD-valid.
 *
 * The mutations work on the XML produced by the builder from `testdata/templates/<TYPE>.xml`
 * with plain string/regex operations. Each throws when the pattern it needs is missing, so a
 * mutation never silently turns into a no-op (which would make a KO case pass as OK).
 */
import type { Mutation } from './mutation.ts';

function changed(id: string, before: string, after: string): string {
  if (after === before) throw new Error(`Mutation ${id}: pattern not found, the document was not changed`);
  return after;
}

/** VPS v3.8 ERRORE-46a / ERRORE-12: every address (outside birthplace) needs country, city and streetAddressLine. */
function dropStreetAddressLines(xml: string): string {
  const out = xml.replace(/[ \t]*<streetAddressLine\b[^>]*(?:\/>|>[\s\S]*?<\/streetAddressLine>)[ \t]*\r?\n?/g, '');
  return changed('schematron-VPS', xml, out);
}

/** PSS v4.0 ERRORE-40: ClinicalDocument/author/assignedAuthor must have at least one telecom. */
function dropAuthorTelecom(xml: string): string {
  const open = /<author\b[^>]*>/.exec(xml);
  if (!open) throw new Error('Mutation schematron-PSS: ClinicalDocument/author not found');
  const start = open.index;
  const end = xml.indexOf('</author>', start);
  if (end < 0) throw new Error('Mutation schematron-PSS: </author> not found');
  const block = xml.slice(start, end);
  const stripped = block.replace(/[ \t]*<telecom\b[^>]*(?:\/>|>[\s\S]*?<\/telecom>)[ \t]*\r?\n?/g, '');
  return changed('schematron-PSS', xml, xml.slice(0, start) + stripped + xml.slice(end));
}

/** CERT_VACC v2.4 ERRORE-b13: a vaccination (templateId 2.16.840.1.113883.2.9.10.1.11.4.1) must have statusCode 'completed'. */
function vaccinationNotCompleted(id: string, xml: string): string {
  const out = xml.replace(
    /(<templateId\s+root="2\.16\.840\.1\.113883\.2\.9\.10\.1\.11\.4\.1"[^>]*\/>[\s\S]*?<statusCode\s+code=")completed(")/,
    '$1active$2',
  );
  return changed(id, xml, out);
}

/** SING_VACC v3.3 ERRORE-b6: the only section must contain exactly one entry; the mutation duplicates it. */
function duplicateSingleEntry(xml: string): string {
  const m = /([ \t]*)<entry\b[^>]*>[\s\S]*?<\/entry>/.exec(xml);
  if (!m) throw new Error('Mutation schematron-SING_VACC: <entry> not found');
  const entry = m[0];
  const at = m.index + entry.length;
  return changed('schematron-SING_VACC', xml, xml.slice(0, at) + '\n' + entry + xml.slice(at));
}

export const EXTRA_MUTATIONS: Record<string, Mutation> = {
  'schematron-VPS': {
    id: 'schematron-VPS',
    description:
      "VPS senza 'streetAddressLine' negli indirizzi: lo schematron VPS v3.8 fallisce ERRORE-46a (ogni addr fuori da birthplace DEVE avere country, city e streetAddressLine) ed ERRORE-12 (recordTarget/patientRole/addr)",
    expect: 'SEMANTIC_ERROR',
    apply: dropStreetAddressLines,
    docTypes: ['VPS'],
  },
  'schematron-PSS': {
    id: 'schematron-PSS',
    description:
      "PSS con author/assignedAuthor privo di 'telecom': lo schematron PSS v4.0 fallisce ERRORE-40 (l'autore del Profilo Sanitario Sintetico DEVE avere almeno un recapito telecom)",
    expect: 'SEMANTIC_ERROR',
    apply: dropAuthorTelecom,
    docTypes: ['PSS'],
  },
  'schematron-CERT_VACC': {
    id: 'schematron-CERT_VACC',
    description:
      "Certificato vaccinale con una vaccinazione (templateId 2.16.840.1.113883.2.9.10.1.11.4.1) in statusCode 'active': lo schematron certificato VACC v2.4 fallisce ERRORE-b13 (statusCode DEVE essere 'completed')",
    expect: 'SEMANTIC_ERROR',
    apply: (xml) => vaccinationNotCompleted('schematron-CERT_VACC', xml),
    docTypes: ['CERT_VACC'],
  },
  'schematron-SING_VACC': {
    id: 'schematron-SING_VACC',
    description:
      "Scheda della singola vaccinazione con due 'entry' nella sezione: lo schematron singola VACC v3.3 fallisce ERRORE-b6 (la sezione DEVE contenere una sola entry)",
    expect: 'SEMANTIC_ERROR',
    apply: duplicateSingleEntry,
    docTypes: ['SING_VACC'],
  },
};
