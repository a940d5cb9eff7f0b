/**
 * Behaviour switches of the simulator. Every default reproduces the reference implementation (the national
 * dispatcher `it-fse-gtw-dispatcher` behind GovWay, reached through RT's CART). Where the national guide
 * "Interfacce REST Gateway" and the implementation disagree, the default follows the implementation and the switch
 * selects the guide's behaviour.
 */

export interface SimulatorSwitches {
  /**
   * GovWay border layer (simulator/border.ts): both tokens required, RS256/384/512 signature verified against x5c[0],
   * x5c[0] chained to the configured CA and a *signature* certificate, exp/iat window, aud, iss ↔ CN.
   * Off = the dispatcher receives the requests directly (then MISSING_TOKEN & co. become reachable).
   */
  border: boolean;
  /**
   * The border also compares the two tokens with each other: 403 AuthorizationContentDeny when they are signed by
   * certificates with different CNs, or differ in `sub` or `aud`. Off by default: no reference states such a rule
   * (gateway-impl.md §7 lists only `iss` ↔ the certificate CN, checked per token; gateway-spec.md A9: whether both
   * tokens must share `sub`/`aud` is "not stated"). Each token's `aud` is checked against the audience anyway (401).
   */
  tokensMustMatch: boolean;
  /** Allowed clock skew, seconds, for `exp` / `iat` at the border. */
  clockSkewSeconds: number;
  /** Maximum accepted token lifetime `exp - iat`, seconds (0 = no limit). The guide publishes none. */
  maxTokenLifetimeSeconds: number;
  /**
   * RT single-certificate mode (RT spec v1.2, credentials: one certificate for TLS and JWTs): accept an x5c[0] that is not an `Sn#` certificate when it is the
   * very certificate presented on the TLS channel.
   */
  allowSingleCertificate: boolean;
  /** Require the x5c CN to parse fully with RT's rule (support/pki/cn.ts) instead of only starting with `Sn#`. */
  strictRtCn: boolean;
  /**
   * GovWay's content check (docs/gateway-conditions.md B-04…B-12): the request against its operation of the OpenAPI,
   * with the schemas of the project's contract (support/gateway/body.ts): enums, required fields, types, lengths,
   * item counts, no additional property, no JSON null, path id ≤ 256, the multipart/JSON content types → 400
   * InvalidRequestContent with GovWay's wording, every violation listed. ON by default (the national border does it);
   * off = the dispatcher receives the body as sent (then Jackson's and Spring's own answers become reachable).
   */
  openApiConformance: boolean;
  /**
   * How the border reads a multipart `requestBody` part without `Content-Type` (only with openApiConformance):
   * true (default, what the national border answers vendors, #62, #312) = as a string, so the part is refused
   * ("Type expected 'object', found 'string'", B-05); false = as JSON, as upstream openapi4j does.
   */
  requestBodyJsonContentType: boolean;
  /**
   * Status of MISSING_TOKEN (only reachable with border off): 'impl' = per family (403 V, 400 P, 400 R);
   * 'guide' = 403 everywhere (guide "Interfacce REST Gateway" §14).
   */
  missingTokenStatus: 'impl' | 'guide';
  /** Standard (non-url) Base64 decoding of the JWT payload as the Java dispatcher does without GovWay (`AbstractCTL.extractJWT`). */
  strictBase64Jwt: boolean;
  /** Accept 11-digit and ENI/STP codes as CF (`validation.allow-special-fiscal-code`, default false). */
  allowSpecialFiscalCode: boolean;
  /** PAdES required on create/replace (unless iss = the TS issuer). */
  requirePades: boolean;
  /** `iss` that bypasses the PAdES check (jwt.ts.issuer). */
  tsIssuer: string;
  /** classCode ↔ typeCode correlation (guide "Interfacce REST Gateway" §15.4; implementation `release` branch) → 400 /msg/validator. */
  correlationCheck: boolean;
  /**
   * RT replace (`PUT documents/{id}`): CART exposes no validation endpoint, so by default replace is the national
   * validate-and-replace (§6.1: inline validation, family V for the validation phase, no path-id check, border schema
   * ValidateAndReplaceDTO). true = the national two-step E4 `PUT /v1/documents/{idDoc}` (§6.2): path-id check first,
   * a prior `POST /v1/documents/validation` required (else 400 /msg/cda-match), family P throughout, `warning` always
   * in the answer, border schema PublicationUpdateReqDTO.
   */
  replaceRequiresPriorValidation: boolean;
  /**
   * Which 404 an unknown id gets from INI (the reference's answer depends on how the registry answers an empty query,
   * §12): 'record-not-found' = `IniException: No record found` with status (rows 17a, MD-08, DL-02);
   * 'ini-passthrough' = the INI client's own body passed through, no status (17b, MD-09, DL-03).
   */
  iniUnknownId: 'record-not-found' | 'ini-passthrough';
  /**
   * A downstream state of the reference's environment ([env] rows), for rehearsing those answers: 'ok';
   * 'eds-error' (EDS answers esito=false: MD-12, DL-04); 'ini-unreachable' (metadata merge times out: MD-10);
   * 'ini-invalid-region' (INI delete says "Invalid region ip" with the mock enabled: DL-05); 'fhir-error' (the FHIR
   * mapping engine fails: PB-04d); 'validator-unreachable' (the validator answers an error or not at all: VAL-05).
   */
  downstream: 'ok' | 'eds-error' | 'ini-unreachable' | 'ini-invalid-region' | 'fhir-error' | 'validator-unreachable';
  /** Descriptions: reproduce the regional-OID regex bug (impl) — real regional OIDs rejected. false = accept `2.16.840.1.113883.2.9.2.<n>.6.1.11`. */
  descriptionsRegionalOidBug: boolean;
  /** Delete: answer 202 + async warning (INI failure queued for retry) instead of 200. */
  deleteAsync: boolean;
  /** Metadata update: answer 202 + async warning instead of 200. */
  updateAsync: boolean;
  /**
   * After a 202 (publication, replace, asynchronous metadata update) the document answers 404 for this many
   * milliseconds, as a gateway finishing its work after "accepted" may (gateway-spec.md: 202 = presa in carico);
   * 0 = usable at once. For rehearsing the harness's settle poll (support/harness/settle.ts).
   */
  settleMs: number;
  /** Stage accreditation prefixes CRASH_TIMEOUT_, SKIP_VALIDATION_, CRASH_INI_, CRASH_EDS_, CRASH_WF_EDS_ (`AccreditamentoSimulationSRV`). */
  accreditationPrefixes: boolean;
  /** Run the CDA validator (XSD + schematron + terminology) when catalogs are available. */
  cdaValidation: boolean;
  /** Schematron stage of the CDA validation (off = XSD + terminology only; not a reference behaviour, for benchmarks). */
  schematron: boolean;
  /** Terminology stage of the CDA validation (off = XSD + schematron only; not a reference behaviour). */
  terminology: boolean;
  /** traceID length: 32 hex (OpenTelemetry, production since 2025) or 16 (Sleuth, traceID == spanID). */
  traceIdHex: 32 | 16;
}

export const DEFAULT_SWITCHES: Readonly<SimulatorSwitches> = Object.freeze({
  border: true,
  tokensMustMatch: false,
  clockSkewSeconds: 60,
  maxTokenLifetimeSeconds: 0,
  allowSingleCertificate: true,
  strictRtCn: false,
  openApiConformance: true,
  requestBodyJsonContentType: true,
  missingTokenStatus: 'impl',
  strictBase64Jwt: false,
  allowSpecialFiscalCode: false,
  requirePades: true,
  tsIssuer: 'integrity:S1#TS',
  correlationCheck: true,
  replaceRequiresPriorValidation: false,
  iniUnknownId: 'record-not-found',
  downstream: 'ok',
  descriptionsRegionalOidBug: true,
  deleteAsync: false,
  updateAsync: false,
  settleMs: 0,
  accreditationPrefixes: false,
  cdaValidation: true,
  schematron: true,
  terminology: true,
  traceIdHex: 32,
});

/** One line per switch for `--help` and the README. */
export const SWITCH_DOCS: Record<keyof SimulatorSwitches, string> = {
  border: 'GovWay border checks (token presence, JWS/x5c/CA, exp/iat, aud, iss↔CN)',
  tokensMustMatch: 'border refuses (403) two tokens that differ in signing CN, sub or aud (no reference states it; off)',
  clockSkewSeconds: 'clock skew tolerated on exp/iat, seconds',
  maxTokenLifetimeSeconds: 'max exp-iat, seconds (0 = unlimited)',
  allowSingleCertificate: 'accept the TLS client certificate as JWT signer (RT single-certificate mode)',
  strictRtCn: "x5c CN must follow RT's full CN rule, not just start with Sn#",
  openApiConformance: 'GovWay OpenAPI content check (400 InvalidRequestContent, every violation listed); off = no content check at the border',
  requestBodyJsonContentType: 'border reads an unlabelled requestBody part as a string (refused, national border); off = as JSON (upstream openapi4j)',
  missingTokenStatus: "'impl' (403 V / 400 P,R) or 'guide' (always 403)",
  strictBase64Jwt: 'decode the JWT payload with standard Base64 (rejects - and _), as the Java dispatcher',
  allowSpecialFiscalCode: 'accept 11-digit / ENI / STP codes as CF',
  requirePades: 'require a valid PAdES signature on create/replace',
  tsIssuer: 'iss that skips the PAdES check',
  correlationCheck: 'classCode ↔ LOINC correlation check (400 /msg/validator)',
  replaceRequiresPriorValidation: 'national two-step replace E4 (prior validation, else 400 /msg/cda-match); off = RT: validate-and-replace',
  iniUnknownId: "unknown id: 'record-not-found' (IniException 404) or 'ini-passthrough' (INI client's 404 body)",
  downstream: 'downstream state: ok | eds-error | ini-unreachable | ini-invalid-region | fhir-error | validator-unreachable',
  descriptionsRegionalOidBug: 'reproduce the regional-OID regex bug on descriptions',
  deleteAsync: 'delete answers 202 + retry warning',
  updateAsync: 'metadata update answers 202 + retry warning',
  settleMs: 'after a 202 the document answers 404 for this many ms (0 = usable at once)',
  accreditationPrefixes: 'honour CRASH_TIMEOUT_/SKIP_VALIDATION_/CRASH_INI_/CRASH_EDS_/CRASH_WF_EDS_ id prefixes',
  cdaValidation: 'validate the CDA (XSD, schematron, terminology) when catalogs are available',
  schematron: 'schematron stage of the CDA validation',
  terminology: 'terminology stage of the CDA validation',
  traceIdHex: 'traceID length: 32 or 16 hex',
};

/** Parses `name=value` (CLI `--switch`) into a partial switches object; throws Error with a readable message. */
export function parseSwitch(spec: string, into: Partial<SimulatorSwitches> = {}): Partial<SimulatorSwitches> {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`--switch expects name=value (got "${spec}")`);
  const name = spec.slice(0, eq) as keyof SimulatorSwitches;
  const raw = spec.slice(eq + 1);
  if (!(name in DEFAULT_SWITCHES)) {
    throw new Error(`Unknown switch "${name}". Known: ${Object.keys(DEFAULT_SWITCHES).join(', ')}`);
  }
  const def = DEFAULT_SWITCHES[name];
  const target = into as Record<string, unknown>;
  if (typeof def === 'boolean') {
    if (!/^(true|false|on|off|1|0)$/i.test(raw)) throw new Error(`Switch ${name} is boolean (true/false), got "${raw}"`);
    target[name] = /^(true|on|1)$/i.test(raw);
  } else if (typeof def === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`Switch ${name} expects a non-negative number, got "${raw}"`);
    if (name === 'traceIdHex' && n !== 16 && n !== 32) throw new Error('Switch traceIdHex must be 16 or 32');
    target[name] = n;
  } else {
    const allowed: Record<string, string[]> = {
      missingTokenStatus: ['impl', 'guide'],
      iniUnknownId: ['record-not-found', 'ini-passthrough'],
      downstream: ['ok', 'eds-error', 'ini-unreachable', 'ini-invalid-region', 'fhir-error', 'validator-unreachable'],
    };
    const list = allowed[name];
    if (list && !list.includes(raw)) throw new Error(`Switch ${name} must be one of ${list.join(', ')}, got "${raw}"`);
    target[name] = raw;
  }
  return into;
}

export function resolveSwitches(partial?: Partial<SimulatorSwitches>): SimulatorSwitches {
  return { ...DEFAULT_SWITCHES, ...(partial ?? {}) };
}
