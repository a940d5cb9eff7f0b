/**
 * The national dispatcher's pipelines (`it-fse-gtw-dispatcher` `PublicationCTL.validateAndCreate`, `replace`,
 * `validateAndReplace`, `updateMetadata`, `delete`, `ValidationCTL.validate`), one method per operation,
 * each running its stages in the reference order so that the FIRST error reported matches the real gateway.
 *
 * Families (support/gateway/problems.ts): validation-phase errors of contextual operations → V (with workflowInstanceId, possibly
 * UNKNOWN_WORKFLOW_ID); publication-phase → P; delete and path-id checks → R (no `status` in the body).
 *
 * RT replace (CART `PUT documents/{id}`): CART exposes no validation endpoint, so by default replace validates the
 * new document itself, like validate-and-replace (family V for the validation phase), after E4's path-id check.
 * `replaceRequiresPriorValidation` selects the national E4 (family P throughout; prior validation → else cda-match).
 */
import { AppError, appError, INSTANCE, publication, type Family } from '../support/gateway/problems.ts';
import { attachmentHash, extractJwtPayload, validateClaims, type JwtOperation, type JwtPayload } from '../support/gateway/claims.ts';
import {
  checkIdentificativoRep, checkMetadataBody, checkPublicationBody, invalidIdDoc, parseRequestBody, type ParsedBody,
} from '../support/gateway/body.ts';
import { isValidMasterId } from '../support/gateway/ids.ts';
import { checkCorrelation, checkJwtVsCda, type CdaView } from '../support/gateway/cross-checks.ts';
import { docTypeOfLoinc } from '../support/doctypes.ts';
import { errorAnswer, jsonAnswer, newTraceIds, springProblem, type HttpAnswer } from './answers.ts';
import { viewCda, wiiFromCda, wiiFromIdDoc } from './jwtcda.ts';
import type { CdaValidatorStage } from './validator.ts';
import type { Registry } from './registry.ts';
import type { SimulatorSwitches } from './switches.ts';

export type Operation = 'validate-and-create' | 'replace' | 'update-metadata' | 'delete' | 'validation';

export interface MultipartInput {
  /** The `file` part bytes; undefined when the part is absent. */
  file?: Buffer;
  /** The `requestBody` text field; undefined when absent (or sent as a file part). */
  requestBody?: string;
}

export interface DispatchInput {
  op: Operation;
  /** Decoded path id (replace, metadata, delete). */
  pathId?: string;
  /** FSE-JWT-Signature header value. */
  signatureHeader?: string;
  multipart?: MultipartInput;
  /** Metadata update: raw JSON body and its content type. */
  json?: { raw: string | undefined; contentType: string | undefined };
  /** The national dispatcher path (`/v1/documents/...`), used as Spring ProblemDetail `instance`. */
  dispatcherPath: string;
}

export const ASYNC_WARNING = 'Attenzione, transazione presa in carico. Nuovo tentativo in corso';
export const SIGN_WARN = '[SIGN_WARN - Attenzione il documento risulta firmato in validazione]';
export const EXTRACT_WARNING = 'Attenzione, non è stata selezionata la modalità di estrazione del CDA';

const PREFIXES = ['CRASH_TIMEOUT', 'SKIP_VALIDATION', 'CRASH_WF_EDS', 'CRASH_INI', 'CRASH_EDS'] as const;
type Prefix = (typeof PREFIXES)[number];

function decodeXml(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return Buffer.from(bytes.subarray(2)).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const b = Buffer.from(bytes.subarray(2));
    b.swap16();
    return b.toString('utf16le');
  }
  const s = Buffer.from(bytes).toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

export interface DispatcherDeps {
  switches: SimulatorSwitches;
  registry: Registry;
  validator: CdaValidatorStage;
  log?: (line: string) => void;
}

interface CdaStageResult {
  payload: JwtPayload;
  body: ParsedBody;
  file: Buffer;
  cda: Uint8Array;
  view: CdaView;
  prefix?: Prefix;
}

type PdfInspect = typeof import('../support/pdf/inspect.ts');
let pdfModule: Promise<PdfInspect> | undefined;
/** The PDF inspector (pkijs, asn1js...) is loaded lazily so that start-up does not wait for it. */
export function loadPdfInspect(): Promise<PdfInspect> {
  pdfModule ??= import('../support/pdf/inspect.ts');
  return pdfModule;
}
async function checkPades(pdf: Uint8Array): ReturnType<PdfInspect['checkPades']> {
  return (await loadPdfInspect()).checkPades(pdf);
}
async function extractCda(pdf: Uint8Array, mode?: 'ATTACHMENT' | 'RESOURCE'): ReturnType<PdfInspect['extractCda']> {
  return (await loadPdfInspect()).extractCda(pdf, mode);
}

export class Dispatcher {
  private readonly d: DispatcherDeps;
  constructor(d: DispatcherDeps) { this.d = d; }

  private get sw(): SimulatorSwitches { return this.d.switches; }

  private err(e: AppError, family: Family, o: { wii?: string; omitWii?: boolean } = {}): HttpAnswer {
    const a = errorAnswer(e, family, { missingTokenStatus: this.sw.missingTokenStatus, traceHex: this.sw.traceIdHex, wii: o.wii });
    if (o.omitWii && a.json && 'workflowInstanceId' in a.json) {
      delete a.json.workflowInstanceId;
      a.body = JSON.stringify(a.json);
    }
    return a;
  }

  private success(status: number, wii: string, warning?: string): HttpAnswer {
    const ids = newTraceIds(this.sw.traceIdHex);
    const body: Record<string, unknown> = { traceID: ids.traceID, spanID: ids.spanID };
    if (warning !== undefined && warning !== '') body.warning = warning;
    body.workflowInstanceId = wii;
    return jsonAnswer(status, body);
  }

  async handle(i: DispatchInput): Promise<HttpAnswer> {
    try {
      switch (i.op) {
        case 'validate-and-create': return await this.validateAndCreate(i);
        case 'replace': return await this.replace(i);
        case 'update-metadata': return await this.updateMetadata(i);
        case 'delete': return this.delete(i);
        case 'validation': return await this.validation(i);
      }
    } catch (e) {
      // Unexpected exception → 500 generic error (ControllerExceptionHandler fallback).
      this.d.log?.(`dispatcher: unexpected ${(e as Error).stack ?? String(e)}`);
      return this.err(appError('GENERIC_ERROR', (e as Error).message || 'Errore generico', INSTANCE.NO_INFO, 500), 'P');
    }
  }

  private missingFile(): HttpAnswer {
    return this.err(appError('GENERIC_ERROR', "Required part 'file' is not present.", INSTANCE.NO_INFO, 400), 'P');
  }

  private prefixOf(id: string | null | undefined): Prefix | undefined {
    if (!this.sw.accreditationPrefixes || !id) return undefined;
    const p = PREFIXES.find((x) => id.startsWith(x));
    if (!p) return undefined;
    if (id.length === p.length) {
      throw appError('SIMULATION_EXCEPTION', "Inserire una string randomica dopo l'id documento", INSTANCE.SIMULATION);
    }
    return p;
  }

  /** Steps e–k shared by the multipart operations (file, prefixes, PAdES, extraction, JWT↔CDA, correlation). */
  private async cdaStages(payload: JwtPayload, body: ParsedBody, file: Buffer, prefixId: string | null | undefined, o: { padesRequired: boolean; correlation: boolean }): Promise<CdaStageResult> {
    if (file.length === 0) throw appError('EMPTY_FILE_ERROR', 'File vuoto.', INSTANCE.EMPTY_FILE);
    if (!(file.length > 4 && file.subarray(0, 4).toString('latin1') === '%PDF')) {
      throw appError('DOCUMENT_TYPE_ERROR', 'Il documento non è pdf.', INSTANCE.NON_PDF_FILE);
    }
    const prefix = this.prefixOf(prefixId);
    if (o.padesRequired && this.sw.requirePades && payload.iss !== this.sw.tsIssuer) {
      const pades = await checkPades(file);
      if (!pades.ok) throw appError('SIGN_EXCEPTION', pades.detail, INSTANCE.SIGN);
    }
    const extracted = await extractCda(file, body.mode ?? undefined);
    if (!extracted.cda) throw appError('MINING_CDA_ERROR', 'Error while extracting CDA from PDF document', INSTANCE.CDA_EXTRACTION);
    const view = viewCda(decodeXml(extracted.cda));
    checkJwtVsCda(view, payload.resource_hl7_type, payload.person_id, this.sw.allowSpecialFiscalCode);
    if (o.correlation && this.sw.correlationCheck) checkCorrelation(payload.resource_hl7_type, body.tipoDocumentoLivAlto);
    return { payload, body, file, cda: extracted.cda, view, prefix };
  }

  private validateOpts(): { schematron: boolean; terminology: boolean } {
    return { schematron: this.sw.schematron, terminology: this.sw.terminology };
  }

  private claims(header: string | undefined, op: JwtOperation): JwtPayload {
    const payload = extractJwtPayload(header, this.sw);
    validateClaims(payload, op, this.sw);
    return payload;
  }

  private docFacts(view: CdaView, payload: JwtPayload): { docType: string | null; patient: string | null } {
    const code = view.firstCode?.code;
    return {
      docType: (code && docTypeOfLoinc(code)) ?? code ?? null,
      patient: (payload.person_id ?? '').split('^')[0] || null,
    };
  }

  /** Publication-phase checks shared by create and replace: attachment_hash, identificativoRep. */
  private publicationChecks(r: CdaStageResult): void {
    if ((r.payload.attachment_hash ?? '').toLowerCase() !== attachmentHash(r.file)) {
      throw publication(appError('DOCUMENT_HASH_VALIDATION_ERROR', 'Verifica hash fallita.', INSTANCE.DIFFERENT_HASH));
    }
    try {
      checkIdentificativoRep(r.body.identificativoRep);
    } catch (e) {
      throw publication(e as AppError);
    }
  }

  private metadataOf(b: ParsedBody): Record<string, unknown> {
    const m: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(b)) if (v !== undefined && v !== null) m[k] = v;
    return m;
  }

  private crashTimeoutContextual(): AppError {
    return appError('CONNECTION_REFUSED', 'Connection refused', INSTANCE.CONNECTION_REFUSED, 500);
  }

  // ---------------------------------------------------------------- E3 validate-and-create
  private async validateAndCreate(i: DispatchInput): Promise<HttpAnswer> {
    const mp = i.multipart ?? {};
    if (!mp.file) return this.missingFile();
    let wii: string | undefined;
    let r: CdaStageResult;
    let warning: string | undefined;
    try {
      const payload = this.claims(i.signatureHeader, 'PUBLICATION');
      const body = parseRequestBody(mp.requestBody, 'PublicationCreationReqDTO');
      checkPublicationBody(body, 'create', this.sw);
      if (!isValidMasterId(body.identificativoDoc)) throw invalidIdDoc();
      r = await this.cdaStages(payload, body, mp.file, body.identificativoDoc, { padesRequired: true, correlation: true });
      if (r.prefix === 'CRASH_TIMEOUT') throw this.crashTimeoutContextual();
      wii = wiiFromCda(r.view);
      if (r.prefix === undefined) warning = (await this.d.validator.validate(r.cda, this.validateOpts())).warning;
    } catch (e) {
      if (e instanceof AppError) return this.err(e, 'V', { wii });
      throw e;
    }
    try {
      this.publicationChecks(r);
    } catch (e) {
      if (e instanceof AppError) return this.err(e, 'P');
      throw e;
    }
    const facts = this.docFacts(r.view, r.payload);
    this.d.registry.publish({ id: r.body.identificativoDoc!, ...facts, wii, metadata: this.metadataOf(r.body) });
    return this.success(202, wii, warning);
  }

  // ---------------------------------------------------------------- E4 replace (RT: validates inline by default)
  private async replace(i: DispatchInput): Promise<HttpAnswer> {
    const mp = i.multipart ?? {};
    if (!mp.file) return this.missingFile();
    const pathId = i.pathId ?? '';
    if (!isValidMasterId(pathId)) {
      return this.err(appError('INVALID_ID_DOC', "L'identificativo documento fornito in richiesta non è valido", INSTANCE.INVALID_REQ_ID), 'P');
    }
    const national = this.sw.replaceRequiresPriorValidation;
    const family: Family = national ? 'P' : 'V';
    let wii: string | undefined;
    let r: CdaStageResult;
    let warning: string | undefined;
    try {
      const payload = this.claims(i.signatureHeader, 'REPLACE');
      const body = parseRequestBody(mp.requestBody, 'PublicationUpdateReqDTO');
      checkPublicationBody(body, 'replace', this.sw);
      if (!isValidMasterId(body.identificativoDoc)) throw invalidIdDoc();
      r = await this.cdaStages(payload, body, mp.file, pathId, { padesRequired: true, correlation: true });
      if (r.prefix === 'CRASH_TIMEOUT') {
        if (national) throw appError('GENERIC_TIMEOUT', 'Generic timeout.', INSTANCE.NO_INFO);
        throw this.crashTimeoutContextual();
      }
      if (!national) {
        wii = wiiFromCda(r.view);
        if (r.prefix === undefined) warning = (await this.d.validator.validate(r.cda, this.validateOpts())).warning;
      }
    } catch (e) {
      if (e instanceof AppError) return this.err(e, family, { wii });
      throw e;
    }
    try {
      if (national) {
        if (r.prefix !== undefined) {
          wii = wiiFromCda(r.view);
        } else {
          const rec = this.d.registry.consumeValidation(r.cda, r.body.workflowInstanceId);
          if (!rec) throw appError('CDA_MATCH_ERROR', 'Il CDA non risulta validato', INSTANCE.CDA_NOT_VALIDATED);
          if ((Date.now() - rec.at.getTime()) / 86_400_000 > 5) {
            throw appError('OLDER_DAY', 'Error: cannot publish documents older than 5 days', INSTANCE.OLDER_DAY);
          }
          wii = rec.wii;
        }
      }
      this.publicationChecks(r);
      const facts = this.docFacts(r.view, r.payload);
      const ok = this.d.registry.replace(pathId, { newId: r.body.identificativoDoc!, ...facts, wii: wii!, metadata: this.metadataOf(r.body) });
      if (!ok) throw appError('RECORD_NOT_FOUND', 'IniException: No record found', INSTANCE.NO_INFO, 404);
    } catch (e) {
      if (e instanceof AppError) return this.err(e, 'P');
      throw e;
    }
    return this.success(202, wii!, warning);
  }

  // ---------------------------------------------------------------- E6/E7 metadata update
  private async updateMetadata(i: DispatchInput): Promise<HttpAnswer> {
    const ct = (i.json?.contentType ?? '').toLowerCase();
    if (!/^application\/(?:[\w.+-]+\+)?json\b/.test(ct)) {
      return springProblem(415, 'Unsupported Media Type', `Content-Type '${i.json?.contentType ?? ''}' is not supported.`, i.dispatcherPath);
    }
    const raw = i.json?.raw;
    if (raw === undefined || raw.trim() === '') return springProblem(400, 'Bad Request', 'Failed to read request', i.dispatcherPath);
    let body: ParsedBody;
    try {
      body = parseRequestBody(raw, 'PublicationMetadataReqDTO', { ignoreUnknown: this.sw.metadataUnknownFields === 'ignore' });
    } catch (e) {
      if (e instanceof AppError && e.detail.startsWith('Parametro non riconosciuto')) return this.err(e, 'V', { omitWii: true });
      return springProblem(400, 'Bad Request', 'Failed to read request', i.dispatcherPath);
    }
    const pathId = i.pathId ?? '';
    if (!isValidMasterId(pathId)) return this.err(invalidIdDoc(), 'R');
    let payload: JwtPayload;
    try {
      payload = this.claims(i.signatureHeader, 'UPDATE');
      checkMetadataBody(body, this.sw);
      if (this.sw.correlationCheck) checkCorrelation(payload.resource_hl7_type, body.tipoDocumentoLivAlto);
    } catch (e) {
      if (e instanceof AppError) return this.err(e, 'V', { omitWii: true });
      throw e;
    }
    const wii = wiiFromIdDoc(pathId);
    if (!this.d.registry.has(pathId)) {
      this.d.registry.update(pathId, {}, wii);
      return this.err(appError('RECORD_NOT_FOUND', 'IniException: No record found', INSTANCE.NO_INFO, 404), 'P');
    }
    if (body.tipologiaStruttura == null || body.assettoOrganizzativo == null) {
      // EDS mapping dereferences both: a NullPointerException → 500 (`AbstractCTL.updateAbstract`, EDS update).
      return this.err(appError('GENERIC_ERROR', 'Errore generico', INSTANCE.NO_INFO, 500), 'P');
    }
    this.d.registry.update(pathId, this.metadataOf(body), wii, this.sw.updateAsync);
    return this.sw.updateAsync ? this.success(202, wii, ASYNC_WARNING) : this.success(200, wii);
  }

  // ---------------------------------------------------------------- E8 delete
  private delete(i: DispatchInput): HttpAnswer {
    const pathId = i.pathId ?? '';
    const wii = wiiFromIdDoc(pathId);
    if (!isValidMasterId(pathId)) return this.err(invalidIdDoc(), 'R');
    try {
      this.claims(i.signatureHeader, 'DELETE');
    } catch (e) {
      if (e instanceof AppError) return this.err(e, 'R');
      throw e;
    }
    if (!this.d.registry.delete(pathId, wii, this.sw.deleteAsync)) {
      return this.err(appError('RECORD_NOT_FOUND', 'IniException: No record found', INSTANCE.NO_INFO, 404), 'P');
    }
    return this.sw.deleteAsync ? this.success(202, wii, ASYNC_WARNING) : this.success(200, wii);
  }

  // ---------------------------------------------------------------- E1 validation (national v1 only)
  private async validation(i: DispatchInput): Promise<HttpAnswer> {
    const mp = i.multipart ?? {};
    if (!mp.file) return this.missingFile();
    let wii: string | undefined;
    try {
      const payload = this.claims(i.signatureHeader, 'VALIDATION');
      const body = parseRequestBody(mp.requestBody, 'ValidationCDAReqDTO');
      if (body.activity == null) throw appError('MANDATORY_ELEMENT_ERROR', 'Il campo activity deve essere valorizzato.', INSTANCE.MISSING_FIELD);
      const r = await this.cdaStages(payload, body, mp.file, undefined, { padesRequired: false, correlation: false });
      const pades = await checkPades(mp.file);
      const signed = pades.ok || pades.detail !== 'Il pdf non risulta firmato';
      wii = wiiFromCda(r.view);
      const vWarning = (await this.d.validator.validate(r.cda, this.validateOpts())).warning;
      if (body.activity === 'VALIDATION') this.d.registry.recordValidation(r.cda, wii);
      let warning = `${signed ? SIGN_WARN : ''}${vWarning ?? ''}`;
      if (body.mode == null) warning = `[${warning}[WARNING_EXTRACT]${EXTRACT_WARNING}]`;
      return this.success(body.activity === 'VALIDATION' ? 201 : 200, wii, warning === '' ? undefined : warning);
    } catch (e) {
      if (e instanceof AppError) return this.err(e, 'V', { wii });
      throw e;
    }
  }
}
