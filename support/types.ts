/**
 * Shared contracts between the harness modules, the simulator and the CLI.
 * Keep this file dependency-free: every layer imports it.
 */

/** The nine document types the harness knows. */
export type DocType = 'LAB' | 'RAD' | 'LDO' | 'RSA' | 'RAP' | 'VPS' | 'PSS' | 'CERT_VACC' | 'SING_VACC';
export const DOC_TYPES: readonly DocType[] = ['LAB', 'RAD', 'LDO', 'RSA', 'RAP', 'VPS', 'PSS', 'CERT_VACC', 'SING_VACC'];

/** RT's four accredited methods (ledger `method` column uses exactly these strings). */
export type Method = 'validate-and-create' | 'replace' | 'update-metadata' | 'delete';
export const METHODS: readonly Method[] = ['validate-and-create', 'replace', 'update-metadata', 'delete'];

/** CDA injection mode in the PDF. */
export type InjectionMode = 'ATTACHMENT' | 'RESOURCE';

/** RT's five test fiscal codes: the only patients allowed on stage. */
export const RT_TEST_CFS: readonly string[] = [
  'RMSLSO31M04Z404R',
  'MNTMRA03M71C615V',
  'MNZLSN99E05F205J',
  'DRCGNN12A46A326K',
  'BRGLRZ80D58H501Q',
];

export type Target = 'simulator' | 'stage';

/** Where a certificate + key come from: PEM files, or a PKCS#12 bundle. */
export interface CertificateSource {
  /** PEM certificate path (with `key`). */
  cert?: string;
  /** PEM private key path (PKCS#8 or PKCS#1, optionally encrypted). */
  key?: string;
  /** PKCS#12 (.p12/.pfx) path, alternative to cert+key. */
  p12?: string;
  /** Name of the environment variable holding the passphrase (never the passphrase itself). */
  passphraseEnv?: string;
}

/** The installation profile ("impianto"), validated by support/config/profile.schema.json. */
export interface Profile {
  /** Installation identifier, used in run-directory names: [A-Za-z0-9._-]+ */
  installation: string;
  provider: {
    name: string;
    /** 11-digit partita IVA (or numeric CF) of the provider. */
    partitaIva: string;
    codiceFiscale?: string;
    /** 6-digit ISTAT code of the provider's municipality. */
    istat: string;
  };
  /** 999 = accreditato non convenzionato; 201/202/203 convenzionato with that Azienda. */
  codRep: '999' | '201' | '202' | '203';
  /** Azienda name for convenzionati (free text, used in summary.md). */
  azienda?: string;
  tipologiaStruttura: 'Ospedale' | 'Prevenzione' | 'Territorio' | 'SistemaTS' | 'Cittadino' | 'MdsPN_DGC';
  /** AD_PSCnnn */
  assettoOrganizzativo: string;
  documentTypes: DocType[];
  application: { id: string; vendor: string; version: string };
  /** HL7 XON: NAME^^^^^&OID&ISO^^^^CODE */
  locality: string;
  /** Tabella Ruolo code, e.g. AAS */
  subjectRole: string;
  /** Fiscal code of the operator (JWT `sub`). */
  operatorCf: string;
  /** Defaults to 2.16.840.1.113883.2.9.2.90.4.5.<codRep> */
  identificativoRep?: string;
  /** Defaults to 2.16.840.1.113883.2.9.2.90.4.3.<partitaIva without leading zeros> (an OID arc has none) */
  identificativoSottomissione?: string;
  /** TipDominio / classCode used in the certificate CN, e.g. REF */
  tipDominio?: string;
  /** Vendor name as it appears in the certificate CN */
  cnVendor?: string;
  certificates?: {
    /** 'separate' = authentication + signature certificates; 'single' = one certificate for both (RT transitional production mode). */
    mode: 'separate' | 'single';
    authentication: CertificateSource;
    /** Required when mode = 'separate'. */
    signature?: CertificateSource;
    /** PEM CA bundle used to verify the gateway's server certificate. */
    serverCa?: string;
  };
  target: Target;
  /** Gateway base URL ending in /gateway/v2/ ; defaults: simulator = embedded, stage = RT stage URL. */
  baseUrl?: string;
  /** JWT audience; default = the national validation URL (support/gateway/claims.ts DEFAULT_AUDIENCE). */
  aud?: string;
  /**
   * HTTP(S) proxy for the gateway (CONNECT tunnel), e.g. `http://user:pass@proxy.example:3128`; overrides
   * HTTPS_PROXY/https_proxy and NO_PROXY/no_proxy. `"none"` = always connect directly.
   */
  proxy?: string;
  /** Certificate CNs that do not follow RT's long form are an error instead of a warning (default false). */
  strictCn?: boolean;
  /** Stop the run after this many consecutive exchanges without an HTTP response (default 5). */
  maxNetworkFailures?: number;
  /** Bounded poll after a 202 before operating on the same document again, ms (support/harness/settle.ts). */
  settleMs?: number;
  /** Folder with vendor documents: <TYPE>.xml (CDA) or <TYPE>.pdf (already signed PDF). */
  documentsDir?: string;
  /** Catalog directory override (else FSE_CATALOGS_DIR). */
  catalogsDir?: string;
  /** Accredited-software list (results.csv) for the application-triple check. */
  accreditedListCsv?: string;
}

/** Outcome classes of the national validator (RawValidationEnum). */
export type ValidationOutcome = 'OK' | 'SYNTAX_ERROR' | 'VOCABULARY_ERROR' | 'SEMANTIC_ERROR' | 'SEMANTIC_WARNING';

export interface CdaValidationResult {
  result: ValidationOutcome;
  /** Messages in the reference validator's format (`it-fse-gtw-validator` `ValidationSRV`). */
  messages: string[];
  /** Validations that could not run (no catalogs, no schematron for templateId, ...), each a human sentence. */
  skipped: string[];
  schematron?: { file: string; version: string };
  schema?: string;
  /** The validations that actually ran on this document, in order (a pass means a pass of these only). */
  checked?: ('well-formedness' | 'XSD' | 'schematron' | 'terminology')[];
  /**
   * Which engine gave the schematron outcome: the XPath 1.0 pre-check (it certified that no assert fails and no report
   * fires) or SaxonJS (every other document: the exact messages).
   */
  schematronBy?: 'precheck' | 'saxonjs';
}

/** One row of evidence/ledger.csv — column order is fixed (README, "Where the results land"). */
export interface LedgerRow {
  timestamp: string;
  installation: string;
  scenario: string;
  method: Method;
  documentType: string;
  patientCf: string;
  identificativoDoc: string;
  httpStatus: number | '';
  xCartId: string;
  traceId: string;
  spanId: string;
  workflowInstanceId: string;
  errorType: string;
  errorDetail: string;
  expected: number | '';
  outcome: 'PASS' | 'FAIL' | 'ERROR' | 'INFO' | 'RETRY';
  requestFile: string;
  responseFile: string;
  pdfSha256: string;
  /**
   * `infrastruttura` when the answer came from the infrastructure (429, 502/503/504, a non-JSON page without
   * X-Cart-id, no HTTP answer) instead of the expected one: not a non-conformity of the vendor's software
   * (support/harness/classify.ts `isInfrastructure`); else ''.
   */
  infrastructure: '' | 'infrastruttura';
}
export const LEDGER_COLUMNS: readonly (keyof LedgerRow)[] = [
  'timestamp', 'installation', 'scenario', 'method', 'documentType', 'patientCf', 'identificativoDoc',
  'httpStatus', 'xCartId', 'traceId', 'spanId', 'workflowInstanceId', 'errorType', 'errorDetail', 'expected',
  'outcome', 'requestFile', 'responseFile', 'pdfSha256', 'infrastructure',
];
