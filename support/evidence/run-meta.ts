/** What summary.md, mail-rt.txt and data.json say about a run besides its ledger (built by support/harness/finish.ts). */
export interface RunMeta {
  installation: string;
  provider: { name: string; partitaIva: string };
  codRep: string;
  azienda?: string;
  target: string;
  baseUrl: string;
  application: { id: string; vendor: string; version: string };
  catalogs?: string;
  startedAt: string;
  finishedAt?: string;
  /** CN of the authentication certificate. */
  authCn?: string;
  /** CN of the signature certificate. */
  signCn?: string;
  /** Document types of the profile: the compact table has a line for each, even when the run has no call for it. */
  documentTypes?: string[];
  /** Documents published during the run and not deleted (identificativoDoc, with type/CF if the caller adds them). */
  leftBehind?: string[];
  /** Credential/configuration warnings printed before the run, README "Certificate names (CN)". */
  warnings?: string[];
  /** Which document each type used: the vendor's file (CDA or PDF) or the built-in template, README "Your own documents". */
  documents?: string[];
  /** How the gateway was reached: `diretta` or the proxy as scheme://host:port (never its credentials). */
  route?: string;
  /** The connection probe's result, one line (stage runs). */
  probe?: string;
  /** Why the run stopped early (Italian), with the last network error. */
  stopped?: string;
}
