/**
 * The national dispatcher's pipelines (`it-fse-gtw-dispatcher` `release`: `PublicationCTL.validateAndCreate`,
 * `validateAndReplace`, `replace`, `AbstractCTL.updateAbstract`, `PublicationCTL.delete`, `ValidationCTL.validate`),
 * one method per operation, each running its stages in the reference order so that the FIRST error reported matches
 * the real gateway (docs/gateway-conditions.md §4–§8). It receives what Spring resolved (simulator/spring.ts): the
 * `file` bytes and the `requestBody` parameter, or the metadata body as Spring's mapper read it.
 *
 * Families (support/gateway/problems.ts): validation-phase errors of contextual operations → V (with
 * workflowInstanceId, possibly UNKNOWN_WORKFLOW_ID); publication-phase → P; delete and path-id checks → R (no
 * `status`); exceptions the pipelines do not catch → 500 `/msg/generic-error` with the exception message (G).
 *
 * RT replace (CART `PUT documents/{id}`) is by default the national validate-and-replace (§6.1). The switch
 * `replaceRequiresPriorValidation` selects the national two-step E4 `PUT /v1/documents/{idDoc}` (§6.2).
 */
import { AppError, appError, connectionRefused, INSTANCE, publication, uncaught, type Family } from '../support/gateway/problems.ts';
import { attachmentHash, extractJwtPayload, javaSplit, validateClaims, type JwtOperation, type JwtPayload } from '../support/gateway/claims.ts';
import {
  checkIdentificativoRep, checkMetadataBody, checkPublicationBody, DTO_PACKAGE, invalidIdDoc, parseRequestBody, type ParsedBody,
} from '../support/gateway/body.ts';
import { isValidMasterId } from '../support/gateway/ids.ts';
import { checkCorrelation, checkJwtVsCda, type CdaView } from '../support/gateway/cross-checks.ts';
import { TextDecoder } from 'node:util';
import { docTypeOfLoinc } from '../support/doctypes.ts';
import { errorAnswer, jsonAnswer, newTraceIds, passthroughAnswer, type HttpAnswer } from './answers.ts';
import { viewCda, wiiFromCda, wiiFromIdDoc } from './jwtcda.ts';
import { truncateWarning, type CdaValidatorStage } from './validator.ts';
import type { Registry } from './registry.ts';
import type { SimulatorSwitches } from './switches.ts';

export type Operation = 'validate-and-create' | 'replace' | 'update-metadata' | 'delete' | 'validation';

export interface MultipartInput {
  /** The `file` part bytes (Spring guarantees it is there). */
  file: Buffer;
  /** The `requestBody` parameter; undefined when absent (or sent as a file part). */
  requestBody?: string;
}

export interface DispatchInput {
  op: Operation;
  /** Decoded path id (replace, metadata, delete). */
  pathId?: string;
  /** FSE-JWT-Signature header value. */
  signatureHeader?: string;
  multipart?: MultipartInput;
  /** Metadata update: the body as Spring's mapper read it. */
  metadata?: ParsedBody;
}

export const ASYNC_WARNING = 'Attenzione, transazione presa in carico. Nuovo tentativo in corso';
export const SIGN_WARN = '[SIGN_WARN - Attenzione il documento risulta firmato in validazione]';
export const EXTRACT_WARNING = 'Attenzione, non è stata selezionata la modalità di estrazione del CDA';

const PREFIXES = ['CRASH_TIMEOUT', 'SKIP_VALIDATION', 'CRASH_WF_EDS', 'CRASH_INI', 'CRASH_EDS'] as const;
type Prefix = (typeof PREFIXES)[number];

/** The id the accreditation hooks never look up (`AccreditamentoSimulationSRV#runSimulation`). */
const TRIAL_ID = 'TRIAL_ID_SKIP_ACCREDITATIONCHECK';

type SuccessDto = 'PublicationResDTO' | 'ResponseWifDTO' | 'ValidationResDTO';

/** Field order after `traceID, spanID` of each success DTO (declaration order in `dto/response/*.java`). */
const SUCCESS_FIELDS: Record<SuccessDto, readonly ('warning' | 'workflowInstanceId')[]> = {
  PublicationResDTO: ['warning', 'workflowInstanceId'],
  ResponseWifDTO: ['warning', 'workflowInstanceId'],
  ValidationResDTO: ['workflowInstanceId', 'warning'],
};

/**
 * The text of an extracted CDA. ATTACHMENT: `PDFUtility#detectCharsetAndExtract` — a StAX reader detects the
 * encoding (BOM, else the XML declaration, else UTF-8); when it cannot even open the bytes (empty, a malformed XML
 * declaration, an unknown encoding) the reference throws a BusinessException: 500 (F-07). RESOURCE: UTF-8.
 */
export function decodeCda(bytes: Uint8Array, mode: 'ATTACHMENT' | 'RESOURCE'): string {
  const unreadable = (): never => { throw uncaught('Error while reading extracted CDA using detected encode: UTF-8'); };
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (mode === 'RESOURCE') return b.toString('utf8');
  if (b.length === 0) unreadable();
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const sw = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    sw.swap16();
    return sw.toString('utf16le');
  }
  const start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  const head = b.subarray(start, start + 200).toString('latin1');
  if (head.startsWith('<?xml')) {
    const end = head.indexOf('?>');
    if (end < 0) unreadable();
    const decl = head.slice(0, end);
    if (!/^<\?xml\s+version\s*=\s*(["'])1\.[0-9]\1/.test(decl)) unreadable();
    const enc = /\sencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(decl);
    if (/\sencoding\s*=/.test(decl) && !enc) unreadable();
    if (enc) {
      let decoder: TextDecoder;
      try { decoder = new TextDecoder(enc[2]!.toLowerCase()); } catch { return unreadable(); }
      return decoder.decode(b.subarray(start));
    }
  }
  return b.subarray(start).toString('utf8');
}

/** `DateUtility#convertDateCda`: a value that none of the 7 non-lenient prefix patterns can parse (PB-04b). */
export function isCdaEffectiveTime(v: string): boolean {
  const validDate = (y: number, m: number, d: number): boolean => {
    if (m < 1 || m > 12 || d < 1) return false;
    const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
    return d <= days;
  };
  const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(v);
  if (iso && validDate(+iso[1]!, +iso[2]!, +iso[3]!) && +iso[4]! < 24 && +iso[5]! < 60 && +iso[6]! < 60) return true;
  const compact = /^(\d{4})(\d{2})(\d{2})/.exec(v);
  return !!compact && validDate(+compact[1]!, +compact[2]!, +compact[3]!);
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
  /** The CDA text as the dispatcher decoded it (views, hash of the validated-record store). */
  cda: string;
  /** The extracted bytes as found in the PDF (what the validator stage parses). */
  cdaBytes: Uint8Array;
  view: CdaView;
  prefix?: Prefix;
  /** The workflowInstanceId the accreditation hooks stored (AC-04); the reference sets it as the body's. */
  hookWii?: string;
}

type PdfInspect = typeof import('../support/pdf/inspect.ts');
let pdfModule: Promise<PdfInspect> | undefined;
/** The PDF inspector (pkijs, asn1js...) is loaded lazily so that start-up does not wait for it. */
export function loadPdfInspect(): Promise<PdfInspect> {
  pdfModule ??= import('../support/pdf/inspect.ts');
  return pdfModule;
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

  /**
   * A success body in the field order of its response DTO (`ResponseDTO` fields first, then the subclass's, as
   * Jackson writes them): `{traceID, spanID, warning?, workflowInstanceId}` for PublicationResDTO (E2–E5) and
   * ResponseWifDTO (E6–E8), `{traceID, spanID, workflowInstanceId, warning?}` for ValidationResDTO (E1)
   * (gateway-impl.md §3.3). `warning` kept even when "" if `keepEmptyWarning` (RP4).
   */
  private success(dto: SuccessDto, status: number, wii: string, warning?: string, keepEmptyWarning = false): HttpAnswer {
    const ids = newTraceIds(this.sw.traceIdHex);
    const body: Record<string, unknown> = { traceID: ids.traceID, spanID: ids.spanID };
    const withWarning = warning !== undefined && (warning !== '' || keepEmptyWarning);
    for (const k of SUCCESS_FIELDS[dto]) {
      if (k === 'workflowInstanceId') body.workflowInstanceId = wii;
      else if (withWarning) body.warning = warning;
    }
    return jsonAnswer(status, body);
  }

  async handle(i: DispatchInput): Promise<HttpAnswer> {
    try {
      switch (i.op) {
        case 'validate-and-create': return await this.contextual(i, 'create');
        case 'replace': return this.sw.replaceRequiresPriorValidation ? await this.replaceTwoStep(i) : await this.contextual(i, 'replace');
        case 'update-metadata': return this.updateMetadata(i);
        case 'delete': return this.delete(i);
        case 'validation': return await this.validation(i);
      }
    } catch (e) {
      // An exception no pipeline catches (NullPointerException, BusinessException, ConnectionRefusedException...).
      if (e instanceof AppError) return this.err(e, 'P');
      this.d.log?.(`dispatcher: unexpected ${(e as Error).stack ?? String(e)}`);
      return this.err(uncaught((e as Error).message), 'P');
    }
  }

  private prefixOf(id: string | null | undefined): Prefix | undefined {
    if (!this.sw.accreditationPrefixes || !id) return undefined;
    const p = PREFIXES.find((x) => id.startsWith(x));
    if (!p) return undefined;
    // `id.split(prefix).length > 1`: Java split drops trailing empty pieces, so nothing after the prefix fails.
    if (javaSplit(id, p).length <= 1) {
      throw appError('SIMULATION_EXCEPTION', "Inserire una string randomica dopo l'id documento", INSTANCE.SIMULATION);
    }
    return p;
  }

  /**
   * Steps shared by the multipart operations after the body checks: file (F-01, F-02), accreditation hooks (AC-01…
   * AC-04), PAdES (F-03…F-05), extraction (F-06…F-08), JWT ↔ CDA (X-01…X-05), correlation (X-06, X-07). This is the
   * order of `publicationAndReplaceValidation` (E2–E5), where the JWT ↔ CDA checks run before any wii exists.
   */
  private async cdaStages(payload: JwtPayload, body: ParsedBody, file: Buffer, o: { hookId?: string | null; replace: boolean; pades: boolean; correlation: boolean }): Promise<CdaStageResult> {
    const r = await this.extractionStages(payload, body, file, o);
    this.crossChecks(r, o.correlation);
    return r;
  }

  /** JWT ↔ CDA (X-01…X-05), then the correlation (X-06, X-07) when the operation runs it. */
  private crossChecks(r: CdaStageResult, correlation: boolean): void {
    checkJwtVsCda(r.view, r.payload.resource_hl7_type, r.payload.person_id, this.sw.allowSpecialFiscalCode);
    if (correlation && this.sw.correlationCheck) checkCorrelation(r.payload.resource_hl7_type, r.body.tipoDocumentoLivAlto);
  }

  /** `cdaStages` up to the extracted CDA (E1 computes its wii between this and `crossChecks`). */
  private async extractionStages(payload: JwtPayload, body: ParsedBody, file: Buffer, o: { hookId?: string | null; replace: boolean; pades: boolean }): Promise<CdaStageResult> {
    if (file.length === 0) throw appError('EMPTY_FILE_ERROR', 'File vuoto.', INSTANCE.EMPTY_FILE);
    if (!(file.length > 4 && file.subarray(0, 4).toString('latin1') === '%PDF')) {
      throw appError('DOCUMENT_TYPE_ERROR', 'Il documento non è pdf.', INSTANCE.NON_PDF_FILE);
    }
    const pdf = await loadPdfInspect();
    let prefix: Prefix | undefined;
    let hookWii: string | undefined;
    if (this.sw.accreditationPrefixes && o.hookId !== undefined && o.hookId !== null) {
      // AC-01: on replace the status-check service must know the (path) id.
      if (o.replace && o.hookId !== TRIAL_ID && !this.d.registry.has(o.hookId)) {
        throw new StatusCheckNotFound(o.hookId);
      }
      prefix = this.prefixOf(o.hookId);
      if (prefix === 'CRASH_TIMEOUT') throw new TimeoutSimulation();
      if (prefix !== undefined) {
        // AC-04: the hooks store a validated record from the attachment and give its wii to the body.
        const att = await pdf.extractCda(file, 'ATTACHMENT');
        if (!att.cda) throw uncaught('Cannot invoke "String.length()" because "html" is null');
        const attText = decodeCda(att.cda, 'ATTACHMENT');
        hookWii = wiiFromCda(viewCda(attText));
        this.d.registry.recordValidation(attText, hookWii);
      }
    }
    if (o.pades && this.sw.requirePades && payload.iss !== this.sw.tsIssuer) {
      const pades = await pdf.checkPades(file);
      if (!pades.ok) {
        if ('unreadable' in pades) throw uncaught(pades.detail);
        throw appError('SIGN_EXCEPTION', pades.detail, INSTANCE.SIGN);
      }
    }
    const extracted = await pdf.extractCda(file, body.mode ?? undefined);
    if (!extracted.cda || !extracted.mode) throw appError('MINING_CDA_ERROR', 'Error while extracting CDA from PDF document', INSTANCE.CDA_EXTRACTION);
    const cda = decodeCda(extracted.cda, extracted.mode);
    const view = viewCda(cda);
    return { payload, body, file, cda, cdaBytes: extracted.cda, view, prefix, hookWii };
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

  /** PB-03 and PB-04a…d (family P). */
  private publicationChecks(r: CdaStageResult): void {
    if ((r.payload.attachment_hash ?? '').toLowerCase() !== attachmentHash(r.file)) {
      throw publication(appError('DOCUMENT_HASH_VALIDATION_ERROR', 'Verifica hash fallita.', INSTANCE.DIFFERENT_HASH));
    }
    const fhir = (detail: string) => publication(appError('GENERIC_ERROR', detail, INSTANCE.INVALID_DATE_FORMAT));
    try {
      checkIdentificativoRep(r.body.identificativoRep);
    } catch (e) {
      throw publication(e as AppError);
    }
    const et = r.view.effectiveTime;
    if (et !== undefined && et.trim() !== '' && !isCdaEffectiveTime(et)) throw fhir('Errore durante la creazione risorse FHIR');
    if (r.body.administrativeRequest?.some((x) => x === null)) throw fhir('Errore durante la creazione risorse FHIR');
    if (this.sw.downstream === 'fhir-error') throw fhir('Errore durante la trasformazione del CDA in risorse FHIR');
  }

  private metadataOf(b: ParsedBody): Record<string, unknown> {
    const m: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(b)) if (v !== undefined && v !== null) m[k] = v;
    return m;
  }

  /** The 404 of an unknown id in INI: 17a (IniException) or the INI client's own body (17b / MD-09 / DL-03). */
  private iniNotFound(kind: 'references' | 'metadata'): HttpAnswer {
    if (this.sw.iniUnknownId === 'ini-passthrough') {
      return kind === 'metadata'
        ? passthroughAnswer(404, { type: '/errors/ini', title: 'Document metadata not found', detail: 'Attenzione, metadati non trovati', instance: '/missing-metadata' }, this.sw.traceIdHex)
        : passthroughAnswer(404, { type: '/errors/ini', title: 'References not found', detail: 'Query has returned not data when trying to fetch references', instance: '/missing-references' }, this.sw.traceIdHex);
    }
    return this.err(appError('RECORD_NOT_FOUND', 'IniException: No record found', INSTANCE.NO_INFO, 404), 'P');
  }

  private specialAnswer(e: unknown): HttpAnswer | undefined {
    if (e instanceof StatusCheckNotFound) {
      // AC-01: the status-check service's 404 body, passed through with new traceID/spanID (its exact text is not in
      // the repositories read; this is the dispatcher's own RECORD_NOT_FOUND shape).
      return passthroughAnswer(404, { type: '/msg/record-not-found', title: 'Record non trovato.', detail: `No record found for id ${e.id}`, status: 404, instance: INSTANCE.RECORD_NOT_FOUND }, this.sw.traceIdHex);
    }
    return undefined;
  }

  // ---------------------------------------------------------------- validate-and-create (§5) and RT replace = validate-and-replace (§6.1)
  private async contextual(i: DispatchInput, kind: 'create' | 'replace'): Promise<HttpAnswer> {
    const mp = i.multipart!;
    const pathId = i.pathId ?? '';
    let wii: string | undefined;
    let r: CdaStageResult;
    let warning: string | undefined;
    try {
      const payload = this.claims(i.signatureHeader, kind === 'create' ? 'PUBLICATION' : 'REPLACE');
      const body = parseRequestBody(mp.requestBody, kind === 'create' ? 'PublicationCreationReqDTO' : 'PublicationUpdateReqDTO');
      checkPublicationBody(body, kind, this.sw);
      if (!isValidMasterId(body.identificativoDoc)) throw invalidIdDoc();
      r = await this.cdaStages(payload, body, mp.file, { hookId: kind === 'create' ? body.identificativoDoc : pathId, replace: kind === 'replace', pades: true, correlation: true });
      wii = wiiFromCda(r.view);
      if (this.sw.downstream === 'validator-unreachable') throw connectionRefused('Connection refused');
      const vWarning = (await this.d.validator.validate(r.cdaBytes, this.validateOpts())).warning;
      // E3/E5 answer the validator's warning alone, cut at ≥ 200000 (`PublicationCTL` L627-630 / L714-717, VAL-04).
      warning = vWarning === undefined ? undefined : truncateWarning(vWarning);
      this.d.registry.recordValidation(r.cda, wii);
    } catch (e) {
      const special = this.specialAnswer(e);
      if (special) return special;
      if (e instanceof TimeoutSimulation) return this.err(connectionRefused('Timeout simulation'), 'P');
      if (e instanceof AppError) return this.err(e, 'V', { wii });
      throw e;
    }
    try {
      // PB-01: the record just stored has a fresh wii, so any body workflowInstanceId (or the hooks' one) fails.
      const bodyWii = r.hookWii ?? r.body.workflowInstanceId;
      if (!this.d.registry.consumeValidation(r.cda, bodyWii)) {
        throw appError('CDA_MATCH_ERROR', 'Il CDA non risulta validato', INSTANCE.CDA_NOT_VALIDATED);
      }
      this.publicationChecks(r);
      const facts = this.docFacts(r.view, r.payload);
      if (kind === 'create') {
        this.d.registry.publish({ id: r.body.identificativoDoc!, ...facts, wii: wii!, metadata: this.metadataOf(r.body) });
      } else if (!this.d.registry.replace(pathId, { newId: r.body.identificativoDoc!, ...facts, wii: wii!, metadata: this.metadataOf(r.body) })) {
        return this.iniNotFound('references');
      }
    } catch (e) {
      if (e instanceof AppError) return this.err(e, 'P');
      throw e;
    }
    return this.success('PublicationResDTO', 202, wii!, warning);
  }

  // ---------------------------------------------------------------- national two-step replace E4 (§6.2)
  private async replaceTwoStep(i: DispatchInput): Promise<HttpAnswer> {
    const mp = i.multipart!;
    const pathId = i.pathId ?? '';
    let r: CdaStageResult;
    let wii: string;
    try {
      if (!isValidMasterId(pathId)) throw appError('INVALID_ID_DOC', "L'identificativo documento fornito in richiesta non è valido", INSTANCE.INVALID_REQ_ID);
      const payload = this.claims(i.signatureHeader, 'REPLACE');
      const body = parseRequestBody(mp.requestBody, 'PublicationUpdateReqDTO');
      checkPublicationBody(body, 'replace', this.sw);
      if (!isValidMasterId(body.identificativoDoc)) throw invalidIdDoc();
      r = await this.cdaStages(payload, body, mp.file, { hookId: pathId, replace: true, pades: true, correlation: true });
      const rec = this.d.registry.consumeValidation(r.cda, r.hookWii ?? r.body.workflowInstanceId);
      if (!rec) throw appError('CDA_MATCH_ERROR', 'Il CDA non risulta validato', INSTANCE.CDA_NOT_VALIDATED);
      if (Math.floor((Date.now() - rec.at.getTime()) / 86_400_000) > 5) {
        throw appError('OLDER_DAY', 'Error: cannot publish documents older than 5 days', INSTANCE.OLDER_DAY);
      }
      wii = rec.wii;
      this.publicationChecks(r);
    } catch (e) {
      const special = this.specialAnswer(e);
      if (special) return special;
      if (e instanceof TimeoutSimulation) return this.err(appError('GENERIC_TIMEOUT', 'Generic timeout.', INSTANCE.NO_INFO), 'P');
      if (e instanceof AppError) return this.err(e, 'P');
      throw e;
    }
    const facts = this.docFacts(r.view, r.payload);
    if (!this.d.registry.replace(pathId, { newId: r.body.identificativoDoc!, ...facts, wii, metadata: this.metadataOf(r.body) })) {
      return this.iniNotFound('references');
    }
    // `warning` is always in the answer: "" with `mode`, the extraction warning without (`replace` L270-277).
    return this.success('PublicationResDTO', 202, wii, r.body.mode == null ? EXTRACT_WARNING : '', true);
  }

  // ---------------------------------------------------------------- metadata update (§7)
  private updateMetadata(i: DispatchInput): HttpAnswer {
    const body = i.metadata!;
    const pathId = i.pathId ?? '';
    if (!isValidMasterId(pathId)) return this.err(invalidIdDoc(), 'R');
    try {
      const payload = this.claims(i.signatureHeader, 'UPDATE');
      checkMetadataBody(body, this.sw, this.sw.correlationCheck ? () => checkCorrelation(payload.resource_hl7_type, body.tipoDocumentoLivAlto) : undefined);
    } catch (e) {
      if (e instanceof AppError && e.fixedStatus === undefined) return this.err(e, 'V', { omitWii: true });
      throw e;
    }
    const wii = wiiFromIdDoc(pathId);
    if (this.sw.downstream === 'ini-unreachable') return this.err(uncaught('Timeout error while call merge metadati'), 'P');
    if (!this.d.registry.has(pathId)) {
      this.d.registry.update(pathId, {}, wii);
      return this.iniNotFound('metadata');
    }
    // EDS branch (not removed, not mocked): the DocumentReference mapping dereferences both enums (MD-11).
    const enumPkg = 'it.finanze.sanita.fse2.ms.gtw.dispatcher.enums.';
    if (body.tipologiaStruttura == null) {
      return this.err(uncaught(`Cannot invoke "${enumPkg}HealthcareFacilityEnum.getCode()" because the return value of "${DTO_PACKAGE}PublicationMetadataReqDTO.getTipologiaStruttura()" is null`), 'P');
    }
    if (body.assettoOrganizzativo == null) {
      return this.err(uncaught(`Cannot invoke "${enumPkg}PracticeSettingCodeEnum.getCode()" because the return value of "${DTO_PACKAGE}PublicationMetadataReqDTO.getAssettoOrganizzativo()" is null`), 'P');
    }
    if (this.sw.downstream === 'eds-error') {
      return this.err(appError('EDS_EXCEPTION', 'Document cannot be found on the Server FHIR', '/msg/eds-document-missing', 404), 'P');
    }
    this.d.registry.update(pathId, this.metadataOf(body), wii, this.sw.updateAsync);
    return this.sw.updateAsync ? this.success('ResponseWifDTO', 202, wii, ASYNC_WARNING) : this.success('ResponseWifDTO', 200, wii);
  }

  // ---------------------------------------------------------------- delete (§8)
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
    if (!this.d.registry.has(pathId)) {
      this.d.registry.delete(pathId, wii);
      return this.iniNotFound('references');
    }
    if (this.sw.downstream === 'eds-error') {
      return this.err(appError('EDS_EXCEPTION', 'Document cannot be found on the Server FHIR', '/msg/eds-document-missing', 404), 'P');
    }
    if (this.sw.downstream === 'ini-invalid-region') {
      return passthroughAnswer(500, { type: '/msg/mocked-service', title: "Mock enabled, this exception won't stop continuing to process the request.", detail: '{INI Error Message: Invalid region ip, EDS Error Message: }', status: 500, instance: '/msg/mocked-service' }, this.sw.traceIdHex);
    }
    this.d.registry.delete(pathId, wii, this.sw.deleteAsync);
    return this.sw.deleteAsync ? this.success('ResponseWifDTO', 202, wii, ASYNC_WARNING) : this.success('ResponseWifDTO', 200, wii);
  }

  // ---------------------------------------------------------------- E1 validation (national v1 only)
  /**
   * `ValidationCTL.validate`: unlike E2–E5, the wii is computed from the CDA (step j) BEFORE the JWT ↔ CDA checks
   * (step k), so their errors carry the computed wii, and a CDA without `<id>` fails with WORKFLOW_ID_ERROR before
   * X-03 can (gateway-impl.md §2.1, E1 column; UNKNOWN_WORKFLOW_ID only for failures before step j).
   */
  private async validation(i: DispatchInput): Promise<HttpAnswer> {
    const mp = i.multipart!;
    let wii: string | undefined;
    try {
      const payload = this.claims(i.signatureHeader, 'VALIDATION');
      const body = parseRequestBody(mp.requestBody, 'ValidationCDAReqDTO');
      if (body === null) throw uncaught(`Cannot invoke "${DTO_PACKAGE}ValidationCDAReqDTO.getActivity()" because "jsonObj" is null`);
      if (body.activity == null) throw appError('MANDATORY_ELEMENT_ERROR', 'Il campo activity deve essere valorizzato.', INSTANCE.MISSING_FIELD);
      const r = await this.extractionStages(payload, body, mp.file, { replace: false, pades: false });
      // Step i: a signed PDF only adds SIGN_WARN on E1.
      const pades = await (await loadPdfInspect()).checkPades(mp.file);
      const signed = pades.ok || pades.detail !== 'Il pdf non risulta firmato';
      wii = wiiFromCda(r.view); // step j
      this.crossChecks(r, false); // step k (no correlation on E1)
      if (this.sw.downstream === 'validator-unreachable') throw connectionRefused('Connection refused');
      const vWarning = (await this.d.validator.validate(r.cdaBytes, this.validateOpts())).warning;
      if (body.activity === 'VALIDATION') this.d.registry.recordValidation(r.cda, wii);
      // SIGN_WARN + the validator's warning, wrapped when `mode` is absent; the cut at ≥ 200000 applies to the whole
      // assembled text, after the wrapper (`ValidationCTL.validate`; gateway-impl.md §2.1 and §6).
      let warning = `${signed ? SIGN_WARN : ''}${vWarning ?? ''}`;
      if (body.mode == null) warning = `[${warning}[WARNING_EXTRACT]${EXTRACT_WARNING}]`;
      return this.success('ValidationResDTO', body.activity === 'VALIDATION' ? 201 : 200, wii, warning === '' ? undefined : truncateWarning(warning));
    } catch (e) {
      if (e instanceof AppError && e.fixedStatus === undefined) return this.err(e, 'V', { wii });
      throw e;
    }
  }
}

/** AC-01: the status-check service does not know the id (a NoRecordFoundException in the reference). */
class StatusCheckNotFound extends Error {
  readonly id: string;
  constructor(id: string) { super(`status-check: no events for ${id}`); this.id = id; }
}

/** AC-03: `CRASH_TIMEOUT…` (a ConnectionRefusedException "Timeout simulation" in the reference). */
class TimeoutSimulation extends Error {}
