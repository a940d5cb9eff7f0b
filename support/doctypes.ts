import type { DocType } from './types.ts';
import { CLASS_CODE_BY_LOINC } from './gateway/codes.ts';
import { LOINC_OID } from './gateway/oids.ts';

/**
 * Static facts of the nine document types the harness knows: LOINC code (national guide "Interfacce REST Gateway"
 * §15.4), templateId root (it-fse-catalogs `schematron-index.json`), RT's TIPO segment (RT "FSE 2.0 PRIVATI —
 * specifiche tecniche" v1.2, identifiers), default metadata. The classCode is read from the gateway's correlation
 * table (support/gateway/codes.ts), never restated.
 */
export interface DocTypeInfo {
  type: DocType;
  /** Italian label for reports. */
  label: string;
  /** LOINC code of ClinicalDocument/code. */
  loinc: string;
  codeSystem: string;
  /** Root of the first templateId: selects the schematron. */
  templateIdRoot: string;
  /** tipoDocumentoLivAlto (classCode) correlated with the LOINC code. */
  classCode: string;
  /** TIPO segment of RT's identificativoDoc rule; RT names LAB RAD LDO RSA RAP, the others reuse their own name. */
  rtTipo: string;
  /** Default metadata when the profile does not override them. */
  tipoAttivitaClinica: 'PHR' | 'CON' | 'DIS' | 'ERP' | 'OBS';
  assettoOrganizzativo: string;
}

type Row = Omit<DocTypeInfo, 'classCode' | 'codeSystem'>;

const ROWS: Row[] = [
  { type: 'LAB', label: 'Referto di Medicina di Laboratorio', loinc: '11502-2', templateIdRoot: '2.16.840.1.113883.2.9.10.1.1', rtTipo: 'LAB', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC100' },
  { type: 'RAD', label: 'Referto di Radiologia', loinc: '68604-8', templateIdRoot: '2.16.840.1.113883.2.9.10.1.7.1', rtTipo: 'RAD', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC069' },
  { type: 'LDO', label: 'Lettera di Dimissione Ospedaliera', loinc: '34105-7', templateIdRoot: '2.16.840.1.113883.2.9.10.1.5', rtTipo: 'LDO', tipoAttivitaClinica: 'DIS', assettoOrganizzativo: 'AD_PSC026' },
  { type: 'RSA', label: 'Referto Specialistico Ambulatoriale', loinc: '11488-4', templateIdRoot: '2.16.840.1.113883.2.9.10.1.9.1', rtTipo: 'RSA', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC107' },
  { type: 'RAP', label: 'Referto di Anatomia Patologica', loinc: '11526-1', templateIdRoot: '2.16.840.1.113883.2.9.10.1.8.1', rtTipo: 'RAP', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC003' },
  { type: 'VPS', label: 'Verbale di Pronto Soccorso', loinc: '59258-4', templateIdRoot: '2.16.840.1.113883.2.9.10.1.6.1', rtTipo: 'VPS', tipoAttivitaClinica: 'DIS', assettoOrganizzativo: 'AD_PSC004' },
  { type: 'PSS', label: 'Profilo Sanitario Sintetico', loinc: '60591-5', templateIdRoot: '2.16.840.1.113883.2.9.10.1.4.1.1', rtTipo: 'PSS', tipoAttivitaClinica: 'OBS', assettoOrganizzativo: 'AD_PSC130' },
  { type: 'CERT_VACC', label: 'Certificato Vaccinale', loinc: '82593-5', templateIdRoot: '2.16.840.1.113883.2.9.10.1.11.1.2', rtTipo: 'CERT_VACC', tipoAttivitaClinica: 'OBS', assettoOrganizzativo: 'AD_PSC131' },
  { type: 'SING_VACC', label: 'Scheda della Singola Vaccinazione', loinc: '87273-9', templateIdRoot: '2.16.840.1.113883.2.9.10.1.11.1.1', rtTipo: 'SING_VACC', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC131' },
];

export const DOC_TYPE_INFO = Object.fromEntries(ROWS.map((r) => {
  const classCode = CLASS_CODE_BY_LOINC[r.loinc];
  if (!classCode) throw new Error(`document type ${r.type}: LOINC ${r.loinc} has no classCode in the gateway's correlation table`);
  return [r.type, { ...r, codeSystem: LOINC_OID, classCode }];
})) as Record<DocType, DocTypeInfo>;

const BY_LOINC = new Map(ROWS.map((r) => [r.loinc, r.type]));
/** The document type whose ClinicalDocument/code is `loinc`, if the harness knows it. */
export function docTypeOfLoinc(loinc: string): DocType | undefined {
  return BY_LOINC.get(loinc);
}

export function docTypeInfo(t: string): DocTypeInfo {
  const info = (DOC_TYPE_INFO as Record<string, DocTypeInfo | undefined>)[t];
  if (!info) throw new Error(`Unknown document type "${t}". Known types: ${Object.keys(DOC_TYPE_INFO).join(', ')}`);
  return info;
}
