import type { DocType } from './types.ts';

/** Static facts per document type (gateway-spec §3.5, accreditation.md §3.2, schematron-index.json). */
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

const LOINC = '2.16.840.1.113883.6.1';

export const DOC_TYPE_INFO: Record<DocType, DocTypeInfo> = {
  LAB: { type: 'LAB', label: 'Referto di Medicina di Laboratorio', loinc: '11502-2', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.1', classCode: 'REF', rtTipo: 'LAB', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC100' },
  RAD: { type: 'RAD', label: 'Referto di Radiologia', loinc: '68604-8', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.7.1', classCode: 'REF', rtTipo: 'RAD', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC069' },
  LDO: { type: 'LDO', label: 'Lettera di Dimissione Ospedaliera', loinc: '34105-7', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.5', classCode: 'LDO', rtTipo: 'LDO', tipoAttivitaClinica: 'DIS', assettoOrganizzativo: 'AD_PSC026' },
  RSA: { type: 'RSA', label: 'Referto Specialistico Ambulatoriale', loinc: '11488-4', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.9.1', classCode: 'REF', rtTipo: 'RSA', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC107' },
  RAP: { type: 'RAP', label: 'Referto di Anatomia Patologica', loinc: '11526-1', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.8.1', classCode: 'REF', rtTipo: 'RAP', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC003' },
  VPS: { type: 'VPS', label: 'Verbale di Pronto Soccorso', loinc: '59258-4', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.6.1', classCode: 'VRB', rtTipo: 'VPS', tipoAttivitaClinica: 'DIS', assettoOrganizzativo: 'AD_PSC004' },
  PSS: { type: 'PSS', label: 'Profilo Sanitario Sintetico', loinc: '60591-5', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.4.1.1', classCode: 'SUM', rtTipo: 'PSS', tipoAttivitaClinica: 'OBS', assettoOrganizzativo: 'AD_PSC130' },
  CERT_VACC: { type: 'CERT_VACC', label: 'Certificato Vaccinale', loinc: '82593-5', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.11.1.2', classCode: 'VAC', rtTipo: 'CERT_VACC', tipoAttivitaClinica: 'OBS', assettoOrganizzativo: 'AD_PSC131' },
  SING_VACC: { type: 'SING_VACC', label: 'Scheda della Singola Vaccinazione', loinc: '87273-9', codeSystem: LOINC, templateIdRoot: '2.16.840.1.113883.2.9.10.1.11.1.1', classCode: 'VAC', rtTipo: 'SING_VACC', tipoAttivitaClinica: 'ERP', assettoOrganizzativo: 'AD_PSC131' },
};

/** `('code^^codeSystem')` exactly as the gateway builds it from ClinicalDocument/code. */
export function resourceHl7Type(code: string, codeSystem: string): string {
  return `('${code}^^${codeSystem}')`;
}

export function docTypeInfo(t: string): DocTypeInfo {
  const info = (DOC_TYPE_INFO as Record<string, DocTypeInfo | undefined>)[t];
  if (!info) throw new Error(`Unknown document type "${t}". Known types: ${Object.keys(DOC_TYPE_INFO).join(', ')}`);
  return info;
}
