/**
 * docs/gateway-conditions.md §4.2 — the multipart requestBody as the dispatcher reads it (BD-01…BD-17), for the
 * columns VC (400 V), RP (400 V) and RP4 (400 P). The border's content check refuses most of these bodies first
 * (B-05…B-12), so the rows run against simulators with `openApiConformance=false`; BD-14 (event codes, which the
 * OpenAPI leaves untyped) is also checked through the default border.
 */
import assert from 'node:assert/strict';
import { simTest, useSimulator } from '../helpers.ts';
import { call, expectRow, FQCN_CREATE, FQCN_UPDATE, type Change, type Method, type Row, type Target } from './lib.ts';

const RT: Target = {} as Target;
const RP4: Target = {} as Target;
const DEFAULT: Target = {} as Target;
useSimulator({ switches: { openApiConformance: false } }, (s) => Object.assign(RT, s));
useSimulator({ switches: { openApiConformance: false, replaceRequiresPriorValidation: true } }, (s) => Object.assign(RP4, s));
useSimulator({}, (s) => Object.assign(DEFAULT, s));

const target = (m: Method): Target => (m === 'RP4' ? RP4 : RT);
const fam = (m: Method): 'V' | 'P' => (m === 'RP4' ? 'P' : 'V');
const fqcn = (m: Method): string => (m === 'VC' ? FQCN_CREATE : FQCN_UPDATE);
const MAND = { type: '/msg/mandatory-element', title: 'Campo obbligatorio non presente.', instance: '/request-missing-field' };
const mand = (m: Method, detail: string): Row => ({ status: 400, family: fam(m), ...MAND, detail });
const conversion = (m: Method): Row => mand(m, `Errore durante la conversione da json a oggetto ${fqcn(m)}`);
const PUB: Method[] = ['VC', 'RP', 'RP4'];

interface BdCase { id: string; what: string; change: Change | ((m: Method) => Change); expect: (m: Method) => Row; methods?: Method[] }

const CASES: BdCase[] = [
  { id: 'BD-01', what: 'requestBody part absent', change: { rawBody: null }, expect: conversion },
  { id: 'BD-01', what: 'requestBody sent with a filename (a file, not a parameter)', change: { rawBody: null, extraParts: [{ name: 'requestBody', value: '{}', filename: 'rb.json', contentType: 'application/json' }] }, expect: conversion },
  { id: 'BD-02', what: 'not JSON', change: { rawBody: '{"a":' }, expect: conversion },
  { id: 'BD-02', what: 'enum name in the wrong case', change: { body: { tipologiaStruttura: 'OSPEDALE' } }, expect: conversion },
  { id: 'BD-02', what: '"" for an enum [fw]', change: { body: { assettoOrganizzativo: '' } }, expect: conversion },
  { id: 'BD-02', what: 'an array where a string is expected', change: { body: { identificativoRep: ['x'] } }, expect: conversion },
  { id: 'BD-02', what: 'a string where an array is expected', change: { body: { descriptions: 'A^b^c' } }, expect: conversion },
  { id: 'BD-03', what: 'a property the DTO does not have (priorita on the update DTO)', change: (m) => ({ body: m === 'VC' ? { campoSconosciuto: 1 } : { priorita: true } }), expect: (m) => mand(m, `Parametro non riconosciuto all'interno della request nella conversione di ${fqcn(m)}`) },
  { id: 'BD-06', what: 'identificativoDoc missing (VC only)', change: { omit: ['identificativoDoc'] }, expect: (m) => mand(m, 'Il campo identificativo documento deve essere valorizzato.'), methods: ['VC'] },
  { id: 'BD-07', what: 'identificativoRep ""', change: { body: { identificativoRep: '' } }, expect: (m) => mand(m, 'Il campo identificativo rep deve essere valorizzato.') },
  { id: 'BD-08', what: 'tipoDocumentoLivAlto missing', change: { omit: ['tipoDocumentoLivAlto'] }, expect: (m) => mand(m, 'Il campo tipo documento liv alto deve essere valorizzato.') },
  { id: 'BD-09', what: 'assettoOrganizzativo missing', change: { omit: ['assettoOrganizzativo'] }, expect: (m) => mand(m, 'Il campo assetto organizzativo deve essere valorizzato.') },
  { id: 'BD-10', what: 'tipoAttivitaClinica missing', change: { omit: ['tipoAttivitaClinica'] }, expect: (m) => mand(m, 'Il campo tipo attivita clinica deve essere valorizzato.') },
  { id: 'BD-11', what: 'identificativoSottomissione ""', change: { body: { identificativoSottomissione: '' } }, expect: (m) => mand(m, 'Il campo identificativo sottomissione deve essere valorizzato.') },
  { id: 'BD-12', what: 'tipologiaStruttura null', change: { body: { tipologiaStruttura: null } }, expect: (m) => mand(m, 'Il campo tipologia struttura deve essere valorizzato.') },
  { id: 'BD-13a', what: 'a null description → NullPointerException', change: { body: { descriptions: ['019655^Bentelan^2.16.840.1.113883.2.9.6.1.5', null] } }, expect: () => ({ status: 500, family: 'G', detail: 'Cannot invoke "String.split(String)" because "description" is null' }) },
  { id: 'BD-13b', what: 'a description not CODE^Text^OID; the loop stops there', change: { body: { descriptions: ['A^b^9.9.9', '019655^Bentelan'] } }, expect: (m) => mand(m, 'Valorizzare correttamente il campo descriptions rispettando la forma: [CODICE]^[Descrizione]^[OID]') },
  { id: 'BD-13c', what: 'an OID outside the accepted list (a real regional OID: the reference bug)', change: { body: { descriptions: ['A1^Prestazione^2.16.840.1.113883.2.9.2.90.6.1.11'] } }, expect: (m) => mand(m, 'Valorizzare correttamente il campo descriptions rispettando i valori di riferimento per gli OID') },
  { id: 'BD-14', what: 'event codes: the LAST bad one is reported', change: { body: { attiCliniciRegoleAccesso: ['XX1', 'P99', 'YY2'] } }, expect: (m) => mand(m, 'Il campo atti clinici YY2 non è consentito') },
  { id: 'BD-14', what: 'a null event code is reported as null', change: { body: { attiCliniciRegoleAccesso: [null] } }, expect: (m) => mand(m, 'Il campo atti clinici null non è consentito') },
  { id: 'BD-15', what: 'dataInizioPrestazione with fewer than 13 leading digits', change: { body: { dataInizioPrestazione: '20260101' } }, expect: (m) => ({ status: 400, family: fam(m), type: '/msg/invalid-format', title: 'Formato campo non valido.', instance: '/request-invalid-date-format', detail: 'Il campo data inizio deve essere valorizzato correttamente' }) },
  { id: 'BD-16', what: 'dataFinePrestazione ""', change: { body: { dataFinePrestazione: '' } }, expect: (m) => ({ status: 400, family: fam(m), type: '/msg/invalid-format', title: 'Formato campo non valido.', instance: '/request-invalid-date-format', detail: 'Il campo data fine deve essere valorizzato correttamente' }) },
  { id: 'BD-17', what: 'identificativoDoc without ^ (on RP/RP4 the only check of the body id)', change: { body: { identificativoDoc: '2.16.840.1.113883.2.9.2.90.4.4' } }, expect: (m) => ({ status: 400, family: fam(m), type: '/msg/id-doc', title: 'Campo id documento non valido', instance: '/invalid-id', detail: "L'identificativo documento non è valido" }) },
  { id: 'BD-17', what: 'identificativoDoc missing on RP/RP4', change: { omit: ['identificativoDoc'] }, expect: (m) => ({ status: 400, family: fam(m), type: '/msg/id-doc', title: 'Campo id documento non valido', instance: '/invalid-id', detail: "L'identificativo documento non è valido" }), methods: ['RP', 'RP4'] },
];

for (const c of CASES) {
  for (const m of c.methods ?? PUB) {
    const e = c.expect(m);
    simTest(`${c.id} ${m}: ${c.what} → ${e.status} ${e.family === 'G' ? 'generic 500' : `family ${e.family}`}`, async () => {
      const a = await call(target(m), m, typeof c.change === 'function' ? c.change(m) : c.change);
      expectRow(a, e, `${c.id} ${m}`);
    });
  }
}

simTest('BD-05 VC, RP, RP4: the literal null as requestBody → 500 with the JVM NullPointerException message', async () => {
  for (const m of PUB) {
    const a = await call(target(m), m, { rawBody: 'null' });
    expectRow(a, { status: 500, family: 'G', detail: 'Cannot invoke "it.finanze.sanita.fse2.ms.gtw.dispatcher.dto.request.PublicationCreateReplaceMetadataDTO.getIdentificativoDoc()" because "jsonObj" is null' }, m);
  }
});

simTest('BD-04 VC: accepted by Jackson — a number for a string, an enum ordinal, content after the JSON value, duplicate keys, null for a property', async () => {
  const { publicationBody, newDocId } = await import('../helpers.ts');
  const base = JSON.parse(publicationBody({ id: newDocId(), classCode: 'REF' })) as Record<string, unknown>;
  const variants: Change[] = [
    { body: { conservazioneANorma: 12 } },
    { body: { tipologiaStruttura: 0 } },
    { rawBody: `${JSON.stringify(base)} trailing words` },
    { rawBody: JSON.stringify(base).replace(/^\{/, '{"tipologiaStruttura":"XXX",') },
    { body: { conservazioneANorma: null } },
  ];
  for (const v of variants) {
    const a = await call(RT, 'VC', v);
    assert.equal(a.status, 202, `${JSON.stringify(v).slice(0, 120)}: ${a.text}`);
  }
});

simTest('BD-14 VC through the default border: the OpenAPI leaves event codes untyped, so the dispatcher answers; all 233 reference codes pass, case-insensitively', async () => {
  const bad = await call(DEFAULT, 'VC', { body: { attiCliniciRegoleAccesso: ['XXX'] } });
  expectRow(bad, mand('VC', 'Il campo atti clinici XXX non è consentito'), 'XXX');
  const { EVENT_CODES } = await import('../../../support/gateway/codes.ts');
  assert.equal(EVENT_CODES.length, 233);
  for (let i = 0; i < EVENT_CODES.length; i += 100) {
    const slice = EVENT_CODES.slice(i, i + 100).map((c, k) => (k % 2 ? c.toLowerCase() : c));
    const ok = await call(DEFAULT, 'VC', { body: { attiCliniciRegoleAccesso: slice } });
    assert.equal(ok.status, 202, `codes ${i}…${i + slice.length - 1}: ${ok.text}`);
  }
});
