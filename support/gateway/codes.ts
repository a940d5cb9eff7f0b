/**
 * Code tables of the FSE 2.0 contract, each defined once: the value sets of the request body and of the
 * FSE-JWT-Signature claims (national guide "Interfacce REST Gateway" §15.3, reference tables), and the
 * LOINC typeCode → classCode correlation (same guide §15.4). Where the reference implementation
 * (`it-fse-gtw-dispatcher`) differs from the guide, the implementation's enum is kept and its class is named.
 */

// ---- request body -----------------------------------------------------------------------------------------------

/** `tipologiaStruttura` (`HealthcareFacilityEnum`). */
export const TIPOLOGIA_STRUTTURA = ['Ospedale', 'Prevenzione', 'Territorio', 'SistemaTS', 'Cittadino', 'MdsPN_DGC'];
/** `tipoDocumentoLivAlto` = XDS classCode (`TipoDocAltoLivEnum`). */
export const TIPO_DOCUMENTO_LIV_ALTO = ['WOR', 'REF', 'LDO', 'RIC', 'SUM', 'TAC', 'PRS', 'PRE', 'ESE', 'PDC', 'VAC', 'CER', 'VRB', 'CON', 'CNT', 'CRT', 'LET', 'PRO', 'COL'];
/** `tipoAttivitaClinica` (`AttivitaClinicaEnum`). */
export const TIPO_ATTIVITA_CLINICA = ['PHR', 'CON', 'DIS', 'ERP', 'Sistema_TS', 'INI', 'PN_DGC', 'OBS'];
/** `administrativeRequest` (`AdministrativeReqEnum`). */
export const ADMINISTRATIVE_REQUEST = ['SSN', 'INPATIENT', 'NOSSN', 'SSR', 'DONOR', 'AUTO'];
/** `mode`: where the CDA travels in the PDF (`InjectionModeEnum`). */
export const INJECTION_MODE = ['ATTACHMENT', 'RESOURCE'];
export const HEALTH_DATA_FORMAT = ['CDA'];
/** `activity` of the national validation endpoint (`ActivityEnum`). */
export const ACTIVITY = ['VERIFICA', 'VALIDATION'];

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}
/** `assettoOrganizzativo` = practiceSettingCode (`PracticeSettingCodeEnum`, identical to the OpenAPI enum). */
export const ASSETTO_ORGANIZZATIVO: string[] = [
  ...range(1, 15), ...range(18, 21), ...range(24, 43), ...range(46, 52), ...range(54, 58), ...range(60, 62),
  ...range(64, 78), 94, ...range(96, 104), 107, 109, 121, 122, 126, ...range(129, 131), 199, 999,
].map((n) => `AD_PSC${String(n).padStart(3, '0')}`);

/** Event codes (`attiCliniciRegoleAccesso`, `EventCodeEnum`, 233 at `release`): the data module ./event-codes.ts. */
export { EVENT_CODES } from './event-codes.ts';

/** Code systems accepted in `descriptions` (`CODE^Text^OID`); plus the regional `2.16.840.1.113883.2.9.2.<R>.6.1.11`. */
export const DESCRIPTION_OIDS = [
  '2.16.840.1.113883.2.9.6.1.5', '2.16.840.1.113883.2.9.6.1.51', '2.16.840.1.113883.6.73', '2.16.840.1.113883.2.9.6.1.57.1',
  '2.16.840.1.113883.2.9.6.1.11', '2.16.840.1.113883.2.9.6.1.57.2', '2.16.840.1.113883.2.9.4.3.13',
];

// ---- FSE-JWT-Signature claims ------------------------------------------------------------------------------------

/** `action_id` (`ActionEnum`). */
export const ACTION_IDS = ['CREATE', 'READ', 'UPDATE', 'DELETE'];
/** `purpose_of_use` (`PurposeOfUseEnum`, compared upper-cased). */
export const PURPOSES = ['TREATMENT', 'EMERGENCY', 'PUBEMERGENCY', 'SYSADMIN', 'PERSONAL', 'UPDATE', 'ACCESS UPDATE', 'CONSENT', 'ADMINISTRATIVE'];
/** `subject_role` (`SubjectRoleEnum`). */
export const ROLES = ['AAS', 'APR', 'PSS', 'INF', 'FAR', 'DSA', 'DAM', 'OAM', 'ASS', 'TUT', 'ING', 'GEN', 'NOR', 'DRS', 'RSA', 'MRP', 'INI', 'OGC', 'OPI', 'MDS', 'GTW', 'DAP'];
/** `subject_organization_id` → `subject_organization` (`SubjectOrganizationEnum`; the implementation adds 999 MDS, 950 GTW). */
export const ORGANIZATIONS: ReadonlyArray<readonly [string, string]> = [
  ['010', 'Regione Piemonte'], ['020', "Regione Valle d'Aosta"], ['030', 'Regione Lombardia'], ['041', 'P.A. Bolzano'],
  ['042', 'P.A. Trento'], ['050', 'Regione Veneto'], ['060', 'Regione Friuli Venezia Giulia'], ['070', 'Regione Liguria'],
  ['080', 'Regione Emilia-Romagna'], ['090', 'Regione Toscana'], ['100', 'Regione Umbria'], ['110', 'Regione Marche'],
  ['120', 'Regione Lazio'], ['130', 'Regione Abruzzo'], ['140', 'Regione Molise'], ['150', 'Regione Campania'],
  ['160', 'Regione Puglia'], ['170', 'Regione Basilicata'], ['180', 'Regione Calabria'], ['190', 'Regione Sicilia'],
  ['200', 'Regione Sardegna'], ['000', 'INI'], ['970', 'Sistema TS'], ['001', 'SASN'], ['999', 'MDS'], ['950', 'GTW'],
];
export const ORGANIZATION_IDS: ReadonlySet<string> = new Set(ORGANIZATIONS.map(([id]) => id));
/** Regione Toscana's row of the organisation table. */
export const RT_ORGANIZATION_ID = '090';
export const RT_ORGANIZATION = 'Regione Toscana';

// ---- document types -----------------------------------------------------------------------------------------------

/**
 * LOINC typeCode → classCode (`tipoDocumentoLivAlto`), the correlation the gateway enforces between
 * `resource_hl7_type` and the body (guide §15.4; `DocumentTypeEnum` in the implementation). The guide's placeholders
 * `LOINC_CODE_n` are left out: they can never match a real code.
 */
export const CLASS_CODE_BY_LOINC: Readonly<Record<string, string>> = {
  '57833-6': 'PRS', '60591-5': 'SUM', '11502-2': 'REF', '57829-4': 'PRS', '34105-7': 'LDO', '18842-5': 'LDO',
  '59258-4': 'VRB', '68604-8': 'REF', '11526-1': 'REF', '59284-0': 'CON', '104531-9': 'CRT', '57832-8': 'PRS',
  '29304-3': 'PRE', '11488-4': 'REF', '57827-8': 'ESE', '81223-0': 'PRE', '18776-5': 'PDC', '97500-3': 'CER',
  '87273-9': 'VAC', '82593-5': 'VAC', '97499-8': 'CER', '55750-4': 'SUM', '68814-3': 'CNT', '103140-0': 'TAC',
  '103144-2': 'PRE', '103145-9': 'PRE', '103146-7': 'PRE', '103147-5': 'PRE', '101136-0': 'LET', '101134-5': 'PRO',
  '101133-7': 'CON', '53576-5': 'TAC', '100971-1': 'COL', '101881-1': 'SUM', '108276-7': 'LET', '75496-0': 'REF',
  '85208-7': 'REF',
};

/**
 * Every code `DocumentTypeEnum#getByCode` knows (release: 38 LOINC codes and the `[LOINC_CODE]` placeholder of its
 * four placeholder constants). A `resource_hl7_type` whose code is not here fails the correlation with the "null"
 * detail (docs/gateway-conditions.md X-06); `102033-8` is known but has no correlation entry, so it fails with the
 * "no correlation" detail.
 */
export const DOCUMENT_TYPE_CODES: ReadonlySet<string> = new Set([...Object.keys(CLASS_CODE_BY_LOINC), '102033-8', '[LOINC_CODE]']);

/**
 * The correlation map the gateway applies (`CorrelationDocumentTypeValidator`, release): the table above plus the
 * placeholder `[LOINC_CODE]`, which `getByCode` resolves to its first placeholder constant (`LOINC_CODE_1`, class LET).
 */
export const CORRELATION: Readonly<Record<string, string>> = { ...CLASS_CODE_BY_LOINC, '[LOINC_CODE]': 'LET' };
