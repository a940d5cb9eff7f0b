/**
 * OIDs and fixed identifiers of the FSE 2.0 contract, each defined once.
 * Sources a reader can open: the national integration guide "Interfacce REST Gateway" (it-fse-support
 * `doc/integrazione-gateway/README.md`, tables of identifiers and of the reference value sets), the Affinity Domain
 * italiano §2.20 (regional document ids), RT "FSE 2.0 PRIVATI — specifiche tecniche" v1.2 (identifiers).
 */

/** Assigning authority of the Italian fiscal code (MEF): patient ids in the CDA, the CX of `sub` and `person_id`. */
export const MEF_OID = '2.16.840.1.113883.2.9.4.3.2';

/** TEAM card (EU health insurance card) root: a patient with this root skips the fiscal-code check of `person_id`. */
export const TEAM_OID = '2.16.840.1.113883.2.9.4.3.7';

/** LOINC code system (ClinicalDocument/code of every FSE document type). */
export const LOINC_OID = '2.16.840.1.113883.6.1';

/** STS.11 facility codes (structure id when a profile's locality cannot be parsed). */
export const STS11_OID = '2.16.840.1.113883.2.9.4.1.3';

/** Toscana's regional roots (region code 090 without the leading zero → `90`, Affinity Domain §2.20). */
export const RT_REGION_ROOT = '2.16.840.1.113883.2.9.2.90';
/** Root of Toscana document unique ids: `identificativoDoc` = `<root>^<extension>` (RT spec, identifiers). */
export const RT_DOC_ID_ROOT = `${RT_REGION_ROOT}.4.4`;
/** Root of Toscana repository ids (`identificativoRep` = `<root>.<CODREP>`). */
export const RT_REPOSITORY_ROOT = `${RT_REGION_ROOT}.4.5`;
/** Root of Toscana submission-set ids (`identificativoSottomissione` = `<root>.<P.IVA as an arc>…`, see `oidArc`). */
export const RT_SUBMISSION_ROOT = `${RT_REGION_ROOT}.4.3`;

/**
 * A code made of digits as an OID arc: an arc has no leading zeros (ISO/IEC 9834-1 §6.2.1; the region code 090 is `90`
 * above for the same reason). A partita IVA is eleven digits, so two of them stay distinct: 07654321012 → 7654321012.
 * `identificativoSottomissione` becomes XDSSubmissionSet.uniqueId in INI, which must be an OID (gateway-spec §3.1).
 */
export function oidArc(digits: string): string {
  if (!/^\d+$/.test(digits)) throw new Error(`oidArc: "${digits}" is not made of digits`);
  return digits.replace(/^0+(?=\d)/, '');
}
