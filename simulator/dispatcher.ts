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
 * The national routes: E2 `POST /v1/documents` (two-step publish, `create`), E5 `PUT /v1/documents/validate-and-
 * replace/{idDoc}` (`validate-and-replace`, whatever the switch), E12 `GET /v1/status/{wii}` (`status`), E13
 * `GET /v1/status/search/{traceId}` (`status-search`). Every multipart/metadata/delete operation records the
 * transaction events of gateway-impl.md §2.9 in the registry (`emitEvents`), which E12/E13 read.
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
import type { EventStatus, Registry } from './registry.ts';
import { UNKNOWN_WORKFLOW_ID } from '../support/gateway/ids.ts';
import { CATALOGUE } from '../support/gateway/problems.ts';
import type { SimulatorSwitches } from './switches.ts';

export type Operation =
  | 'validate-and-create' | 'replace' | 'update-metadata' | 'delete' | 'validation'
  | 'create' | 'validate-and-replace' | 'status' | 'status-search';

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
  /** `Authorization` header value (read by E12 only: gateway-impl.md §5 "No other endpoint looks at `Authorization`"). */
  authorization?: string;
}

/**
 * What a pipeline learnt on its way, for the transaction events it emits once its answer (and so its traceID) exists.
 * `validated`: the inline validation of E3/E5 passed (the VALIDATION_FOR_* event is SUCCESS and the publication event
 * follows). `steps`: delete/update events in the order the reference sends them; the last one takes the answer's
 * detail as `message` when it is an error.
 */
interface Trail {
  payload?: JwtPayload;
  body?: ParsedBody;
  wii?: string;
  validated?: boolean;
  steps?: Array<[eventType: string, status: EventStatus]>;
}

/**
 * `Constants.App.JWT_MISSING_ISSUER_PLACEHOLDER`: the issuer `KafkaSRV#sendStatusMessage` records when no JWT payload
 * was read. Its value is not in the documents read: the simulator's own placeholder.
 */
export const JWT_MISSING_ISSUER_PLACEHOLDER = 'JWT_MISSING_ISSUER';

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
    if (i.op === 'status') return this.statusByWii(i);
    if (i.op === 'status-search') return this.statusByTrace(i);
    const t: Trail = {};
    const flow = this.flowOf(i.op);
    let a: HttpAnswer;
    try {
      switch (flow) {
        case 'E3': a = await this.contextual(i, 'create', t); break;
        case 'E5': a = await this.contextual(i, 'replace', t); break;
        case 'E2': a = await this.twoStep(i, 'create', t); break;
        case 'E4': a = await this.twoStep(i, 'replace', t); break;
        case 'update': a = this.updateMetadata(i, t); break;
        case 'delete': a = this.delete(i, t); break;
        case 'E1': a = await this.validation(i, t); break;
      }
    } catch (e) {
      // An exception no pipeline catches (NullPointerException, BusinessException, ConnectionRefusedException...).
      if (e instanceof AppError) a = this.err(e, 'P');
      else {
        this.d.log?.(`dispatcher: unexpected ${(e as Error).stack ?? String(e)}`);
        a = this.err(uncaught((e as Error).message), 'P');
      }
    }
    this.emitEvents(flow, i, t, a);
    return a;
  }

  /** Which reference pipeline an operation runs (RT/v1 `replace` depends on `replaceRequiresPriorValidation`). */
  private flowOf(op: Exclude<Operation, 'status' | 'status-search'>): 'E1' | 'E2' | 'E3' | 'E4' | 'E5' | 'update' | 'delete' {
    switch (op) {
      case 'validation': return 'E1';
      case 'create': return 'E2';
      case 'validate-and-create': return 'E3';
      case 'replace': return this.sw.replaceRequiresPriorValidation ? 'E4' : 'E5';
      case 'validate-and-replace': return 'E5';
      case 'update-metadata': return 'update';
      case 'delete': return 'delete';
    }
  }

  /**
   * The transaction events of gateway-impl.md §2.9, recorded once the answer exists (its traceID is the events'
   * `traceId`: "`traceID` is searchable through E13", §5). Table §2.9:
   * | Validation | `VALIDATION` (E3: `VALIDATION_FOR_PUBLICATION`; E5: `VALIDATION_FOR_REPLACE`) | SUCCESS or BLOCKING_ERROR |
   * | Publish / replace | `PUBLICATION` / `REPLACE` | SUCCESS, or the error's status |
   * | Delete | `RIFERIMENTI_INI`, `EDS_DELETE`, `INI_DELETE` | SUCCESS, BLOCKING_ERROR, ASYNC_RETRY |
   * | Update | `RIFERIMENTI_INI`, `EDS_UPDATE`, `INI_UPDATE` (error path: `UPDATE`) | same |
   * Fields as `KafkaSRV#sendStatusMessage` fills them: issuer = `iss` (placeholder without a payload), subject =
   * `sub`, organizzazione = `subject_organization_id`, identificativoDocumento = the body's `identificativoDoc`
   * (publish/replace) or the path id (delete/update), tipoAttivita = the body's `tipoAttivitaClinica` (publish/
   * replace), `PHR` (delete), none (validation/update); message = the error's detail on a failure, none on success.
   * subjectRole = `subject_role` (listed among the record fields in §2.9; the Kafka message read does not set it:
   * the simulator fills it). Where the reference is silent the simulator records nothing: errors of delete before the
   * INI lookup (path id, JWT), and answers from the layers before the dispatcher.
   */
  private emitEvents(flow: ReturnType<Dispatcher['flowOf']>, i: DispatchInput, t: Trail, a: HttpAnswer): void {
    const j = a.json ?? {};
    const traceId = typeof j.traceID === 'string' ? j.traceID : '';
    const ok = a.status < 300;
    const detail = ok ? undefined : typeof j.detail === 'string' ? j.detail : typeof j.title === 'string' ? j.title : undefined;
    const wii = t.wii ?? (typeof j.workflowInstanceId === 'string' ? j.workflowInstanceId : UNKNOWN_WORKFLOW_ID);
    const p = t.payload;
    const rec = (eventType: string, eventStatus: EventStatus, o: { message?: string; idDoc?: string | null; tipoAttivita?: string | null } = {}): void => {
      this.d.registry.recordStatus({
        eventType, eventStatus, message: o.message, identificativoDocumento: o.idDoc ?? undefined,
        subject: p?.sub ?? undefined, subjectRole: p?.subject_role ?? undefined, tipoAttivita: o.tipoAttivita ?? undefined,
        organizzazione: p?.subject_organization_id ?? undefined, workflowInstanceId: wii, traceId,
        issuer: p?.iss ?? JWT_MISSING_ISSUER_PLACEHOLDER,
      });
    };
    const pub = { idDoc: t.body?.identificativoDoc, tipoAttivita: t.body?.tipoAttivitaClinica };
    switch (flow) {
      case 'E1':
        rec('VALIDATION', ok ? 'SUCCESS' : 'BLOCKING_ERROR', { message: detail });
        return;
      case 'E3':
      case 'E5': {
        const vType = flow === 'E3' ? 'VALIDATION_FOR_PUBLICATION' : 'VALIDATION_FOR_REPLACE';
        if (!t.validated) { rec(vType, 'BLOCKING_ERROR', { message: detail }); return; }
        rec(vType, 'SUCCESS');
        rec(flow === 'E3' ? 'PUBLICATION' : 'REPLACE', ok ? 'SUCCESS' : 'BLOCKING_ERROR', { message: detail, ...pub });
        return;
      }
      case 'E2':
      case 'E4':
        rec(flow === 'E2' ? 'PUBLICATION' : 'REPLACE', ok ? 'SUCCESS' : 'BLOCKING_ERROR', { message: detail, ...pub });
        return;
      case 'delete':
      case 'update': {
        const steps = t.steps ?? (flow === 'update' && !ok ? [['UPDATE', 'BLOCKING_ERROR'] as [string, EventStatus]] : []);
        for (const [k, [type, status]] of steps.entries()) {
          const last = k === steps.length - 1;
          rec(type, status, { message: last && status === 'BLOCKING_ERROR' ? detail : undefined, idDoc: i.pathId, tipoAttivita: flow === 'delete' ? 'PHR' : undefined });
        }
        return;
      }
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
  /**
   * E3 validate-and-create and E5 validate-and-replace (RT's replace by default). gateway-impl.md §4.2: "E5 is the
   * same [as E4] without the path-id check, and its validation-phase errors use family V"; §2.1 notes: "Failures in
   * steps b–l are turned into `ValidationErrorException` (validation family V …) Failures in steps m–s use the
   * publication family P, with no wii in the body"; "Warning on E3/E5. Only the validator's semantic warnings, or
   * absent. There is no extraction-mode warning."
   */
  private async contextual(i: DispatchInput, kind: 'create' | 'replace', t: Trail): Promise<HttpAnswer> {
    const mp = i.multipart!;
    const pathId = i.pathId ?? '';
    let wii: string | undefined;
    let r: CdaStageResult;
    let warning: string | undefined;
    try {
      const payload = this.claims(i.signatureHeader, kind === 'create' ? 'PUBLICATION' : 'REPLACE');
      t.payload = payload;
      const body = parseRequestBody(mp.requestBody, kind === 'create' ? 'PublicationCreationReqDTO' : 'PublicationUpdateReqDTO');
      t.body = body ?? undefined;
      checkPublicationBody(body, kind, this.sw);
      if (!isValidMasterId(body.identificativoDoc)) throw invalidIdDoc();
      r = await this.cdaStages(payload, body, mp.file, { hookId: kind === 'create' ? body.identificativoDoc : pathId, replace: kind === 'replace', pades: true, correlation: true });
      wii = wiiFromCda(r.view);
      t.wii = wii;
      if (this.sw.downstream === 'validator-unreachable') throw connectionRefused('Connection refused');
      const vWarning = (await this.d.validator.validate(r.cdaBytes, this.validateOpts())).warning;
      // E3/E5 answer the validator's warning alone, cut at ≥ 200000 (`PublicationCTL` L627-630 / L714-717, VAL-04).
      warning = vWarning === undefined ? undefined : truncateWarning(vWarning);
      this.d.registry.recordValidation(r.cda, wii);
      t.validated = true;
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

  // ---------------------------------------------------------------- national two-step E2 publish and E4 replace (§6.2)
  /**
   * E2 `POST /v1/documents` and E4 `PUT /v1/documents/{idDoc}`: the second half of the two-step flow (gateway-impl.md
   * §1: "Needs a prior E1 VALIDATION of the same CDA"). §2.1 steps, E2 / E4 columns:
   * a (E4 only) "check `{idDoc}` with `isValidMasterId`; error instance `/invalid-req-id`"; b JWT CREATE / REPLACE rules;
   * c parse + mandatory fields + dates ("same, but `identificativoDoc` is not in the mandatory list" on E4);
   * d "`isValidMasterId(identificativoDoc)`; error instance `/invalid-id`"; e file; f accreditation (E4: plus the
   * status-check lookup of the path id); g PAdES; h extraction; k JWT vs CDA; m "look up the validated record by CDA
   * hash (+ body wii if given) → `CDA_MATCH_ERROR` if absent"; n "consume (delete) the validated record"; o "validation
   * older than `days.allow-publish-after-validation` (5)? → `OLDER_DAY`"; p attachment hash; q metadata/FHIR; r (E4)
   * INI lookup of the old id → 404; t "**202** `{traceID, spanID, warning, workflowInstanceId}`".
   * Family P throughout (§3.2: "E2, E4"). "Warning on E2/E4. The response warning is `""` … when `mode` is set. When
   * `mode` is absent it is "Attenzione, non è stata selezionata la modalità di estrazione del CDA"". The wii answered
   * is "the one **stored at validation time**" (§2.8).
   */
  private async twoStep(i: DispatchInput, kind: 'create' | 'replace', t: Trail): Promise<HttpAnswer> {
    const mp = i.multipart!;
    const pathId = i.pathId ?? '';
    let r: CdaStageResult;
    let wii: string;
    try {
      if (kind === 'replace' && !isValidMasterId(pathId)) throw appError('INVALID_ID_DOC', "L'identificativo documento fornito in richiesta non è valido", INSTANCE.INVALID_REQ_ID);
      const payload = this.claims(i.signatureHeader, kind === 'create' ? 'PUBLICATION' : 'REPLACE');
      t.payload = payload;
      const body = parseRequestBody(mp.requestBody, kind === 'create' ? 'PublicationCreationReqDTO' : 'PublicationUpdateReqDTO');
      t.body = body ?? undefined;
      checkPublicationBody(body, kind, this.sw);
      if (!isValidMasterId(body.identificativoDoc)) throw invalidIdDoc();
      r = await this.cdaStages(payload, body, mp.file, { hookId: kind === 'create' ? body.identificativoDoc : pathId, replace: kind === 'replace', pades: true, correlation: true });
      const rec = this.d.registry.consumeValidation(r.cda, r.hookWii ?? r.body.workflowInstanceId);
      if (!rec) throw appError('CDA_MATCH_ERROR', 'Il CDA non risulta validato', INSTANCE.CDA_NOT_VALIDATED);
      wii = rec.wii;
      t.wii = wii;
      if (Math.floor((Date.now() - rec.at.getTime()) / 86_400_000) > 5) {
        throw appError('OLDER_DAY', 'Error: cannot publish documents older than 5 days', INSTANCE.OLDER_DAY);
      }
      this.publicationChecks(r);
    } catch (e) {
      const special = this.specialAnswer(e);
      if (special) return special;
      if (e instanceof TimeoutSimulation) return this.err(appError('GENERIC_TIMEOUT', 'Generic timeout.', INSTANCE.NO_INFO), 'P');
      if (e instanceof AppError) return this.err(e, 'P');
      throw e;
    }
    const facts = this.docFacts(r.view, r.payload);
    if (kind === 'create') {
      this.d.registry.publish({ id: r.body.identificativoDoc!, ...facts, wii, metadata: this.metadataOf(r.body) });
    } else if (!this.d.registry.replace(pathId, { newId: r.body.identificativoDoc!, ...facts, wii, metadata: this.metadataOf(r.body) })) {
      return this.iniNotFound('references');
    }
    // `warning` is always in the answer: "" with `mode`, the extraction warning without (`create`/`replace` L270-277).
    return this.success('PublicationResDTO', 202, wii, r.body.mode == null ? EXTRACT_WARNING : '', true);
  }

  // ---------------------------------------------------------------- E12 / E13 transaction status
  /**
   * E12 `GET /v1/status/{workflowInstanceId}` (`TransactionInspectCTL.getEvents`), in the reference's order:
   * 1. §3.1 "INVALID_WII | `/msg/wii` | … | E12 with `UNKNOWN_WORKFLOW_ID`" (compared ignoring case) → family R 400,
   *    detail "Il wii non è valido", instance `/invalid-id` (gateway-spec.md §4.5), body `status:400`;
   * 2. §5 "`Authorization: Bearer …` **only on E12**. The payload is decoded with base64url, `sub` is read, and the text
   *    between the first and second `#` (at most 3 characters) is compared with the same part of the events' `issuer`".
   *    No usable value (header absent, not `Bearer ` + token, no payload segment, not base64url/JSON, no `sub`, no `#`)
   *    → §3.2 "E12 quirk: … Missing bearer → HTTP **401** with body `status:400`" (MANDATORY_ELEMENT_ERROR_TOKEN,
   *    family R → 401; detail = its title, instance `/missing-jwt`);
   * 3. no event for the wii → "record not found → HTTP **400** with body `status:404`, `detail:"/msg/record-not-found"`"
   *    (instance `/record-not-found`);
   * 4. no event whose issuer gives the same value → §3.1 "UNAUTHORIZED | `/msg/unauthorized` | Unauthorized access |
   *    E12 sub/issuer mismatch → **401**, instance `/msg/invalid-issuer-sub`" (detail "Mismatch sub/issuer",
   *    gateway-spec.md §4.5);
   * 5. 200 `{traceID, spanID, transactionData}`, the events sorted by `eventDate`.
   * The wii arrives percent-decoded (§5: "`workflowInstanceId` must be URL-encoded in E12 paths (`^` → `%5E`)").
   */
  private statusByWii(i: DispatchInput): HttpAnswer {
    const wii = i.pathId ?? '';
    if (wii.toUpperCase() === UNKNOWN_WORKFLOW_ID.toUpperCase()) {
      return this.statusError(400, 400, 'INVALID_WII', 'Il wii non è valido', INSTANCE.INVALID_ID);
    }
    const sub = subjectValueOf(i.authorization);
    if (sub === null) {
      return this.statusError(401, 400, 'MANDATORY_ELEMENT_ERROR_TOKEN', CATALOGUE.MANDATORY_ELEMENT_ERROR_TOKEN.title, INSTANCE.MISSING_JWT);
    }
    const events = this.d.registry.statusByWii(wii);
    if (events.length === 0) {
      return this.statusError(400, 404, 'RECORD_NOT_FOUND', CATALOGUE.RECORD_NOT_FOUND.type, INSTANCE.RECORD_NOT_FOUND);
    }
    if (!events.some((e) => valueBetweenHashes(e.issuer) === sub)) {
      return this.statusError(401, 401, 'UNAUTHORIZED', 'Mismatch sub/issuer', INSTANCE.INVALID_ISSUER_SUB);
    }
    // `Comparator.comparing(StatusCheckDTO::getEventDate)` (a stable sort); same-format ISO strings sort as dates.
    events.sort((a, b) => (a.eventDate < b.eventDate ? -1 : a.eventDate > b.eventDate ? 1 : 0));
    return this.transactionData(events);
  }

  /**
   * E13 `GET /v1/status/search/{traceId}` (`getEventsByTraceId`): gateway-impl.md §1 "Content: none", no check of its
   * own (the controller passes the id to the status-check service). An unknown traceID: the reference documents
   * nothing (E12's explicit empty-list check suggests the service answers an empty list), so the simulator answers
   * 200 with `transactionData: []`.
   */
  private statusByTrace(i: DispatchInput): HttpAnswer {
    return this.transactionData(this.d.registry.statusByTrace(i.pathId ?? ''));
  }

  /** `TransactionInspectResDTO` `{traceID, spanID, transactionData}` (≤ 1000 items: the registry keeps no more per key). */
  private transactionData(events: unknown[]): HttpAnswer {
    const ids = newTraceIds(this.sw.traceIdHex);
    return jsonAnswer(200, { traceID: ids.traceID, spanID: ids.spanID, transactionData: events });
  }

  /** An E12 error: a raw `ValidationException` whose DTO sets `status` itself (family R gives the HTTP code). */
  private statusError(http: number, bodyStatus: number, kind: 'INVALID_WII' | 'MANDATORY_ELEMENT_ERROR_TOKEN' | 'RECORD_NOT_FOUND' | 'UNAUTHORIZED', detail: string, instance: string): HttpAnswer {
    const ids = newTraceIds(this.sw.traceIdHex);
    const { type, title } = CATALOGUE[kind];
    return jsonAnswer(http, { traceID: ids.traceID, spanID: ids.spanID, type, title, detail, status: bodyStatus, instance }, 'application/problem+json');
  }

  // ---------------------------------------------------------------- metadata update (§7)
  private updateMetadata(i: DispatchInput, t: Trail): HttpAnswer {
    const body = i.metadata!;
    const pathId = i.pathId ?? '';
    if (!isValidMasterId(pathId)) return this.err(invalidIdDoc(), 'R');
    try {
      const payload = this.claims(i.signatureHeader, 'UPDATE');
      t.payload = payload;
      checkMetadataBody(body, this.sw, this.sw.correlationCheck ? () => checkCorrelation(payload.resource_hl7_type, body.tipoDocumentoLivAlto) : undefined);
    } catch (e) {
      if (e instanceof AppError && e.fixedStatus === undefined) return this.err(e, 'V', { omitWii: true });
      throw e;
    }
    const wii = wiiFromIdDoc(pathId);
    t.wii = wii;
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
    t.steps = [['RIFERIMENTI_INI', 'SUCCESS'], ['EDS_UPDATE', 'SUCCESS'], ['INI_UPDATE', this.sw.updateAsync ? 'ASYNC_RETRY' : 'SUCCESS']];
    return this.sw.updateAsync ? this.success('ResponseWifDTO', 202, wii, ASYNC_WARNING) : this.success('ResponseWifDTO', 200, wii);
  }

  // ---------------------------------------------------------------- delete (§8)
  private delete(i: DispatchInput, t: Trail): HttpAnswer {
    const pathId = i.pathId ?? '';
    const wii = wiiFromIdDoc(pathId);
    t.wii = wii;
    if (!isValidMasterId(pathId)) return this.err(invalidIdDoc(), 'R');
    try {
      t.payload = this.claims(i.signatureHeader, 'DELETE');
    } catch (e) {
      if (e instanceof AppError) return this.err(e, 'R');
      throw e;
    }
    // §4.1 step 4: "If INI returns `errorMessage`, send a RIFERIMENTI_INI BLOCKING_ERROR event and return **404**".
    if (!this.d.registry.has(pathId)) {
      this.d.registry.delete(pathId, wii);
      t.steps = [['RIFERIMENTI_INI', 'BLOCKING_ERROR']];
      return this.iniNotFound('references');
    }
    t.steps = [['RIFERIMENTI_INI', 'SUCCESS'], ['EDS_DELETE', 'BLOCKING_ERROR']];
    if (this.sw.downstream === 'eds-error') {
      return this.err(appError('EDS_EXCEPTION', 'Document cannot be found on the Server FHIR', '/msg/eds-document-missing', 404), 'P');
    }
    t.steps = [['RIFERIMENTI_INI', 'SUCCESS'], ['EDS_DELETE', 'SUCCESS'], ['INI_DELETE', 'BLOCKING_ERROR']];
    if (this.sw.downstream === 'ini-invalid-region') {
      return passthroughAnswer(500, { type: '/msg/mocked-service', title: "Mock enabled, this exception won't stop continuing to process the request.", detail: '{INI Error Message: Invalid region ip, EDS Error Message: }', status: 500, instance: '/msg/mocked-service' }, this.sw.traceIdHex);
    }
    this.d.registry.delete(pathId, wii, this.sw.deleteAsync);
    t.steps = [['RIFERIMENTI_INI', 'SUCCESS'], ['EDS_DELETE', 'SUCCESS'], ['INI_DELETE', this.sw.deleteAsync ? 'ASYNC_RETRY' : 'SUCCESS']];
    return this.sw.deleteAsync ? this.success('ResponseWifDTO', 202, wii, ASYNC_WARNING) : this.success('ResponseWifDTO', 200, wii);
  }

  // ---------------------------------------------------------------- E1 validation (national v1 only)
  /**
   * `ValidationCTL.validate`: unlike E2–E5, the wii is computed from the CDA (step j) BEFORE the JWT ↔ CDA checks
   * (step k), so their errors carry the computed wii, and a CDA without `<id>` fails with WORKFLOW_ID_ERROR before
   * X-03 can (gateway-impl.md §2.1, E1 column; UNKNOWN_WORKFLOW_ID only for failures before step j).
   */
  private async validation(i: DispatchInput, t: Trail): Promise<HttpAnswer> {
    const mp = i.multipart!;
    let wii: string | undefined;
    try {
      const payload = this.claims(i.signatureHeader, 'VALIDATION');
      t.payload = payload;
      const body = parseRequestBody(mp.requestBody, 'ValidationCDAReqDTO');
      if (body === null) throw uncaught(`Cannot invoke "${DTO_PACKAGE}ValidationCDAReqDTO.getActivity()" because "jsonObj" is null`);
      if (body.activity == null) throw appError('MANDATORY_ELEMENT_ERROR', 'Il campo activity deve essere valorizzato.', INSTANCE.MISSING_FIELD);
      const r = await this.extractionStages(payload, body, mp.file, { replace: false, pades: false });
      // Step i: a signed PDF only adds SIGN_WARN on E1.
      const pades = await (await loadPdfInspect()).checkPades(mp.file);
      const signed = pades.ok || pades.detail !== 'Il pdf non risulta firmato';
      wii = wiiFromCda(r.view); // step j
      t.wii = wii;
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

/**
 * `TransactionInspectCTL#extractValueBetweenHashes`: `value.split("#")` (Java: trailing empty pieces dropped), fewer
 * than 2 pieces → null, else piece [1] cut to 3 characters (`integrity:S1#111#X` → `111`).
 */
export function valueBetweenHashes(value: string | null | undefined): string | null {
  if (value == null) return null;
  const parts = javaSplit(value, '#');
  if (parts.length < 2) return null;
  return parts[1]!.slice(0, 3);
}

/**
 * `TransactionInspectCTL#extractSubjectValueFromRequest`: `Authorization` must start with `"Bearer "` (exactly); the
 * token split on `.` needs ≥ 2 pieces; piece [1] decoded with `Base64.getUrlDecoder()` (the URL alphabet only, padding
 * optional) and read as JSON; `sub` as `JsonNode#asText()`; then `valueBetweenHashes`. Any failure → null.
 */
export function subjectValueOf(authorization: string | undefined): string | null {
  if (authorization === undefined || !authorization.startsWith('Bearer ')) return null;
  const parts = javaSplit(authorization.slice('Bearer '.length), '.');
  if (parts.length < 2) return null;
  const seg = parts[1]!;
  const unpadded = seg.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(unpadded) || unpadded.length % 4 === 1) return null;
  if (seg.length !== unpadded.length && seg.length % 4 !== 0) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(unpadded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const sub = (payload as Record<string, unknown>).sub;
  if (sub === undefined) return null;
  const text = sub === null ? 'null' : typeof sub === 'object' ? '' : String(sub);
  return valueBetweenHashes(text);
}

/** AC-01: the status-check service does not know the id (a NoRecordFoundException in the reference). */
class StatusCheckNotFound extends Error {
  readonly id: string;
  constructor(id: string) { super(`status-check: no events for ${id}`); this.id = id; }
}

/** AC-03: `CRASH_TIMEOUT…` (a ConnectionRefusedException "Timeout simulation" in the reference). */
class TimeoutSimulation extends Error {}
