import type { CdaValidationResult, InjectionMode, Method, Profile } from '../types.ts';
import { RT_TEST_CFS } from '../types.ts';
import { docTypeInfo, docTypeOfLoinc } from '../doctypes.ts';
import type { CdaValidator } from '../catalogs/index.ts';
import { extractCda, checkPades, inspectPdf } from '../pdf/inspect.ts';
import { readCdaFacts } from '../cda/facts.ts';
import { decodeJwt, verifyJwtWithX5c } from '../jwt/tokens.ts';
import { isValidCf } from '../cf.ts';
import { checkApplication, type AccreditedList } from '../accredited.ts';
import { parseRequestBody, bodyProblems, DTO_OF, BORDER_SCHEMA_OF } from '../gateway/body.ts';
import { validateJsonBody, validateMultipartView } from '../gateway/border-content.ts';
import type { JsonValue } from '../gateway/json.ts';
import { attachmentHash, METHOD_CLAIMS } from '../gateway/claims.ts';
import { resourceHl7Type } from '../gateway/ids.ts';

export interface Finding {
  level: 'error' | 'warning' | 'ok' | 'skipped';
  check: string;
  message: string;
  /** What the vendor should change. */
  fix?: string;
}

/**
 * The verdict of a CDA validation that found nothing wrong: it names exactly the validations that ran, so a check
 * that did not run (no catalogs, no schematron for the template, …) is never reported as passed.
 */
export function validationPassed(r: Pick<CdaValidationResult, 'result' | 'messages' | 'checked' | 'schematron'>): Finding {
  const ran = r.checked ?? [];
  const names = ran.map((c) => (c === 'schematron' && r.schematron ? `schematron ${r.schematron.file} v${r.schematron.version}` : c));
  const notRun = (['XSD', 'schematron', 'terminology'] as const).filter((c) => !ran.includes(c));
  const what = `${names.length ? names.join(' + ') : 'nothing'} passed${notRun.length ? `; ${notRun.join(', ')} NOT checked (see SKIPPED)` : ''}`;
  if (r.result === 'SEMANTIC_WARNING') return { level: 'warning', check: 'validation', message: `${what}; schematron warnings: ${r.messages.join(' | ')}` };
  return { level: notRun.length ? 'warning' : 'ok', check: 'validation', message: what };
}

export interface CheckInput {
  profile: Profile;
  method: Method;
  pdf?: Uint8Array;
  cda?: Uint8Array;
  mode?: InjectionMode;
  /** The vendor's own tokens, if they want them checked too. */
  signatureJwt?: string;
  bearerJwt?: string;
  body?: unknown;
  validator?: CdaValidator;
  accredited?: AccreditedList | null;
}

/**
 * Every problem a request would hit at the gateway, found before any call (`fse-harness check`), judged with the
 * same contract rules the simulator applies (support/gateway/).
 */
export async function checkRequest(i: CheckInput): Promise<Finding[]> {
  const f: Finding[] = [];
  let cda = i.cda;

  if (i.pdf) {
    const pdf = i.pdf;
    const insp = await inspectPdf(pdf);
    if (!insp.isPdf) f.push({ level: 'error', check: 'pdf', message: 'the file does not start with %PDF: the gateway answers 415 /msg/document-type', fix: 'send the PDF bytes, not the CDA or a base64 string' });
    else {
      const names = insp.embeddedFiles;
      const ex = await extractCda(pdf, i.mode);
      if (!ex.cda) {
        f.push({ level: 'error', check: 'cda.xml', message: `no CDA found with mode ${i.mode ?? '(absent: RESOURCE then ATTACHMENT)'}; embedded files: ${names.length ? names.join(', ') : 'none'} → 400 /msg/cda-element`, fix: names.some((n) => n.toLowerCase() === 'cda.xml') ? 'the attachment must be named exactly "cda.xml" (lower case) in the top-level EmbeddedFiles name tree' : 'embed the CDA as an attachment named "cda.xml" (PDF/A-3, AFRelationship Source)' });
      } else {
        f.push({ level: 'ok', check: 'cda.xml', message: `CDA extracted (${ex.mode}, ${ex.cda.length} bytes)` });
        cda = ex.cda;
      }
      if (i.method === 'validate-and-create' || i.method === 'replace') {
        const pades = await checkPades(pdf);
        if (pades.ok) {
          const last = insp.signatures[insp.signatures.length - 1];
          f.push({ level: 'ok', check: 'pades', message: `PAdES signature verifies${last?.signerCn ? ` (signer ${last.signerCn})` : ''}` });
          if (last && last.subFilter !== 'ETSI.CAdES.detached') f.push({ level: 'warning', check: 'pades', message: `SubFilter is ${last.subFilter}, not ETSI.CAdES.detached (PAdES baseline)` });
          if (last && !last.hasSigningCertificateV2) f.push({ level: 'warning', check: 'pades', message: 'the CMS lacks the signing-certificate-v2 attribute required by PAdES-B-B' });
          if (last?.hasSigningTime) f.push({ level: 'warning', check: 'pades', message: 'the CMS carries signing-time, forbidden by PAdES baseline (use the /M entry)' });
        } else if ('unreadable' in pades) {
          f.push({ level: 'error', check: 'pades', message: `the file starts with %PDF but cannot be read as a PDF → 500 /msg/generic-error "${pades.detail}"`, fix: 'send a complete, well-formed PDF' });
        } else {
          f.push({ level: 'error', check: 'pades', message: `${pades.detail} → 400 /msg/sign-error`, fix: pades.detail === 'Il pdf non risulta firmato' ? 'sign the PDF (PAdES) after embedding cda.xml; the signature field must be a top-level /AcroForm field' : 'the PDF changed after signing, the CMS does not match, /M is missing or the signer certificate was not valid at signing time: sign last and send the signed bytes untouched' });
        }
      }
    }
  }

  let facts: ReturnType<typeof readCdaFacts> | null = null;
  if (cda) {
    try { facts = readCdaFacts(cda); } catch (e) { f.push({ level: 'error', check: 'cda', message: `the CDA cannot be read: ${(e as Error).message}` }); }
    if (cda[0] === 0xef && cda[1] === 0xbb && cda[2] === 0xbf) f.push({ level: 'error', check: 'cda', message: 'the CDA starts with a UTF-8 BOM (known to break the gateway schematron step)', fix: 'remove the BOM' });
    if (i.validator) {
      const r = await i.validator.validate(cda);
      for (const s of r.skipped) f.push({ level: 'skipped', check: 'validation', message: s });
      const map: Record<string, string> = { SYNTAX_ERROR: '400 /msg/syntax', SEMANTIC_ERROR: '422 /msg/semantic', VOCABULARY_ERROR: '400 /msg/vocabulary' };
      if (map[r.result]) f.push({ level: 'error', check: 'validation', message: `${r.result} (${map[r.result]}): ${r.messages.slice(0, 10).join(' | ')}${r.messages.length > 10 ? ` (+${r.messages.length - 10} more)` : ''}` });
      else f.push(validationPassed(r));
    } else {
      f.push({ level: 'skipped', check: 'validation', message: 'CDA XSD/schematron/terminology NOT checked: no catalogs directory (set FSE_CATALOGS_DIR or --catalogs)' });
    }
  }

  if (facts) {
    const known = docTypeOfLoinc(facts.code);
    const info = known ? docTypeInfo(known) : undefined;
    if (!info) f.push({ level: 'warning', check: 'document type', message: `ClinicalDocument/code ${facts.code} is not one of the nine document types the harness knows` });
    else if (!i.profile.documentTypes.includes(info.type)) f.push({ level: 'warning', check: 'document type', message: `${info.type} is not in the profile's documentTypes` });
    const patient = facts.patientIds[0]?.extension ?? '';
    if (!patient) f.push({ level: 'error', check: 'patient', message: 'no recordTarget/patientRole/id in the CDA → 403 /jwt-person-id' });
    else {
      if (!isValidCf(patient)) f.push({ level: 'error', check: 'patient', message: `patient id ${patient} is not a valid fiscal code (check character)` });
      if (i.profile.target === 'stage' && !RT_TEST_CFS.includes(patient)) f.push({ level: 'error', check: 'patient', message: `patient ${patient} is not one of RT's five test fiscal codes: not allowed on stage`, fix: `use ${RT_TEST_CFS.join(', ')}` });
    }
    if (!facts.idRoot || !facts.idExtension) f.push({ level: 'error', check: 'cda id', message: 'ClinicalDocument/id has no root/extension: the gateway cannot derive the workflowInstanceId (400 /msg/workflow-id-error-extraction)' });
  }

  if (i.body !== undefined && i.method !== 'delete') {
    // 1. The national border's content check (GovWay against the OpenAPI): the same schemas and wording the simulator's
    //    border applies (support/gateway/border-content.ts); RT's replace is validate-and-replace (ValidateAndReplaceDTO).
    const oas = BORDER_SCHEMA_OF[i.method];
    const border = i.method === 'update-metadata'
      ? validateJsonBody(oas, i.body as JsonValue)
      : validateMultipartView(oas, { requestBody: i.body as JsonValue, file: 'documento.pdf' });
    for (const v of border) {
      f.push({ level: 'error', check: 'body (border)', message: `${v.data ? `${v.data}: ` : ''}${v.message} → 400 InvalidRequestContent (GovWay, code ${v.code})` });
    }
    // 2. The dispatcher's body rules (the same the simulator applies), but every problem, each with its field and
    //    value: the dispatcher itself answers only the first one it meets.
    const problems = i.body === null
      ? [{ field: '(body)', value: null, problem: 'the body is the JSON literal null', gateway: { type: '500 GENERIC_ERROR', detail: 'NullPointerException' } }]
      : bodyProblems(i.body, i.method, { descriptionsRegionalOidBug: true });
    problems.forEach((p, n) => f.push({
      level: 'error', check: 'body',
      message: `${p.field}${'value' in p ? ` = ${JSON.stringify(p.value)}` : ''}: ${p.problem} → ${p.gateway.type}${n === 0 && problems.length > 1 ? ' (the dispatcher answers this first one only)' : ''}; gateway: "${p.gateway.detail}"`,
    }));
    if (problems.length === 0) {
      const dto = DTO_OF[i.method];
      const b = parseRequestBody(JSON.stringify(i.body), dto, { ignoreUnknown: i.method === 'update-metadata' })!;
      if (border.length === 0) f.push({ level: 'ok', check: 'body', message: `requestBody conforms to the OpenAPI ${oas}, to ${dto} and the gateway's reference tables` });
      const known = facts ? docTypeOfLoinc(facts.code) : undefined;
      const info = known ? docTypeInfo(known) : undefined;
      if (info && b.tipoDocumentoLivAlto && b.tipoDocumentoLivAlto !== info.classCode) {
        f.push({ level: 'error', check: 'body', message: `tipoDocumentoLivAlto = ${JSON.stringify(b.tipoDocumentoLivAlto)} does not correlate with the CDA type ${facts!.code} (expected ${info.classCode}) → 400 /msg/validator`, fix: `set tipoDocumentoLivAlto to ${info.classCode}` });
      }
    }
  }

  const token = i.signatureJwt?.trim().replace(/^Bearer\s+/i, '');
  let decoded: ReturnType<typeof decodeJwt> | undefined;
  if (token !== undefined) {
    try { decoded = decodeJwt(token); } catch (e) {
      f.push({ level: 'error', check: 'jwt', message: `the FSE-JWT-Signature token is malformed: ${(e as Error).message.replace(/^Malformed JWT: /, '')} → 403/401 at the gateway's border`, fix: 'give the token itself: three base64url parts separated by dots (a leading "Bearer " is accepted)' });
    }
  }
  if (token !== undefined && decoded) {
    const { header, payload } = decoded;
    const v = await verifyJwtWithX5c(token).catch((e: Error) => ({ ok: false as const, reason: e.message }));
    if (!v.ok) f.push({ level: 'error', check: 'jwt', message: `FSE-JWT-Signature does not verify against its x5c: ${v.reason} → 401 TokenAuthenticationFailed` });
    if (header.alg !== 'RS256' || header.typ !== 'JWT' || !Array.isArray(header.x5c)) f.push({ level: 'error', check: 'jwt', message: `header must be {alg: RS256, typ: JWT, x5c: [...]}, got ${JSON.stringify({ alg: header.alg, typ: header.typ, x5c: Array.isArray(header.x5c) ? '[…]' : header.x5c })}` });
    const exp = METHOD_CLAIMS[i.method];
    if (payload.action_id !== exp.action_id) f.push({ level: 'error', check: 'jwt', message: `action_id is ${JSON.stringify(payload.action_id)}, ${i.method} needs ${exp.action_id} → 403 /msg/jwt-validation` });
    if (!String(payload.iss ?? '').startsWith('integrity:')) f.push({ level: 'error', check: 'jwt', message: `iss must be "integrity:<CN of the signature certificate>", got ${JSON.stringify(payload.iss)} → 403 AuthorizationContentDeny` });
    if (facts && i.method !== 'delete') {
      const want = resourceHl7Type(facts.code, facts.codeSystem);
      if (payload.resource_hl7_type !== want) f.push({ level: 'error', check: 'jwt↔cda', message: `resource_hl7_type is ${JSON.stringify(payload.resource_hl7_type)}, the CDA says ${want} → 403 /jwt-document-type`, fix: `set resource_hl7_type exactly to ${want}` });
      const cf = String(payload.person_id ?? '').split('^')[0];
      if (!facts.patientIds.some((p) => p.extension === cf)) f.push({ level: 'error', check: 'jwt↔cda', message: `person_id ${JSON.stringify(payload.person_id)} is not the CDA patient (${facts.patientIds.map((p) => p.extension).join(', ')}) → 403 /jwt-person-id` });
    }
    if ((i.method === 'validate-and-create' || i.method === 'replace') && i.pdf) {
      const h = attachmentHash(i.pdf);
      if (String(payload.attachment_hash ?? '').toLowerCase() !== h) f.push({ level: 'error', check: 'attachment_hash', message: `attachment_hash ${JSON.stringify(payload.attachment_hash)} ≠ SHA-256 of the PDF (${h}) → 400 /msg/document-hash`, fix: 'hash the exact signed PDF bytes you upload (lowercase hex), not the CDA, not base64' });
    }
    const app = { id: String(payload.subject_application_id ?? ''), vendor: String(payload.subject_application_vendor ?? ''), version: String(payload.subject_application_version ?? '') };
    if (i.accredited) {
      const r = checkApplication(i.accredited, app);
      f.push({ level: r.status === 'exact' ? 'ok' : 'error', check: 'application', message: r.message });
    }
  }

  if (i.accredited && !i.signatureJwt) {
    const r = checkApplication(i.accredited, i.profile.application);
    f.push({ level: r.status === 'exact' ? 'ok' : 'error', check: 'application', message: r.message });
  } else if (!i.accredited) {
    f.push({ level: 'skipped', check: 'application', message: 'application triple NOT checked against the accredited list (no results.csv given: --accredited or FSE_ACCREDITED_CSV)' });
  }
  return f;
}
