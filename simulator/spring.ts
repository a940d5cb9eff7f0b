/**
 * Spring, before the dispatcher's controller code (docs/gateway-conditions.md §3.3, rows S-01…S-09): multipart parsing
 * (Tomcat, in `DispatcherServlet#checkMultipart`), handler lookup by `consumes`, argument resolution (the DTO bound as a
 * model attribute from the request parameters, the `file` part, the JSON body of the metadata update) and the
 * `@Size(min=1,max=256)` method validation of the path id. Answers are Spring's own ProblemDetail (family SP, no
 * traceID), except a multipart Tomcat cannot parse (500 family G, answered by the dispatcher's generic handler) and a
 * missing `file` part (the dispatcher's own handler). Rows marked [fw] in the table: derived from the framework
 * versions of the reference, not executed.
 */
import { appError, INSTANCE, uncaught } from '../support/gateway/problems.ts';
import { OAS_SCHEMAS, parseRequestBody, type OasDtoName, type ParsedBody } from '../support/gateway/body.ts';
import { errorAnswer, springProblem, type HttpAnswer } from './answers.ts';
import type { MultipartResult } from './multipart.ts';
import type { SimulatorSwitches } from './switches.ts';

export type SpringVerdict<T> = { answer: HttpAnswer } | { ok: T };

function g(detail: string, sw: SimulatorSwitches, status?: number): HttpAnswer {
  const e = status === undefined ? uncaught(detail) : appError('GENERIC_ERROR', detail, INSTANCE.NO_INFO, status);
  return errorAnswer(e, 'P', { missingTokenStatus: sw.missingTokenStatus, traceHex: sw.traceIdHex });
}

/** Spring's `StringToEnumConverterFactory` / `StringToBooleanConverter` on one request parameter; false = binding error. */
function converts(schema: OasDtoName, field: string, value: string): boolean {
  const prop = OAS_SCHEMAS[schema].properties.find(([n]) => n === field)?.[1];
  if (!prop) return true;
  const v = value.trim();
  if (v === '') return true; // empty → null
  if (prop.enum) return prop.enum.includes(v);
  if (prop.type === 'boolean') return /^(true|false|on|off|yes|no|1|0)$/i.test(v);
  if (prop.type === 'array' && prop.items?.enum) return v.split(',').every((x) => x.trim() === '' || prop.items!.enum!.includes(x.trim()));
  return true;
}

export interface MultipartStageInput {
  contentType: string | undefined;
  multipart: MultipartResult | undefined;
  /** The DTO the controller declares (ValidateAndCreateDTO, ValidateAndReplaceDTO, PublicationUpdateReqDTO, ValidationCDAReqDTO). */
  dto: OasDtoName;
  pathId?: string;
  /** Request path as the dispatcher sees it (`/v1/documents/...`): ProblemDetail `instance`. */
  path: string;
  maxFileBytes: number;
}

/** S-02, S-03, S-01, S-05, S-04, then S-06 (create, replace, national validation). */
export function springMultipart(i: MultipartStageInput, sw: SimulatorSwitches): SpringVerdict<{ file: Buffer; requestBody?: string }> {
  const ct = i.contentType ?? '';
  const isMultipartFamily = /^multipart\//i.test(ct);
  if (isMultipartFamily && (!i.multipart || !i.multipart.ok)) {
    // S-02: MultipartException is not among ResponseEntityExceptionHandler's: the generic handler answers 500.
    return { answer: g('Failed to parse multipart servlet request', sw) };
  }
  if (isMultipartFamily && i.multipart?.ok && i.multipart.fileTooLarge) {
    return { answer: springProblem(413, 'Payload Too Large', 'Maximum upload size exceeded', i.path) };
  }
  if (!/^multipart\/form-data\s*(;|$)/i.test(ct) || !i.multipart || !i.multipart.ok) {
    return { answer: springProblem(415, 'Unsupported Media Type', `Content-Type '${ct}' is not supported.`, i.path) };
  }
  const mp = i.multipart;
  for (const p of mp.parts) {
    if (p.filename !== undefined || p.name === 'requestBody') continue;
    if (!converts(i.dto, p.name, p.data.toString('utf8'))) {
      return { answer: springProblem(400, 'Bad Request', 'Invalid request content.', i.path) };
    }
  }
  if (!mp.file) {
    return { answer: errorAnswer(appError('GENERIC_ERROR', "Required part 'file' is not present.", INSTANCE.NO_INFO, 400), 'P', { missingTokenStatus: sw.missingTokenStatus, traceHex: sw.traceIdHex }) };
  }
  const pathAnswer = i.pathId === undefined ? undefined : springPathId(i.pathId, i.path);
  if (pathAnswer) return { answer: pathAnswer };
  return { ok: { file: mp.file, requestBody: mp.requestBody } };
}

/** S-06: `@Size(min = 1, max = 256)` on the path variable (Spring 6.1+ method validation). */
export function springPathId(pathId: string, path: string): HttpAnswer | undefined {
  if (pathId.length > 256) return springProblem(400, 'Bad Request', 'Validation failure', path);
  return undefined;
}

export interface JsonStageInput { contentType: string | undefined; raw: string | undefined; pathId: string; path: string }

/**
 * Metadata update: S-07 (`consumes` JSON), S-08 (the body read by Spring's ObjectMapper: missing, empty, `null`,
 * malformed, unknown enum name, wrong JSON type → 400 "Failed to read request"), S-09 (unknown properties ignored),
 * then S-06. Returns the body as Spring mapped it.
 */
export function springJsonBody(i: JsonStageInput): SpringVerdict<ParsedBody> {
  const ct = (i.contentType ?? '').toLowerCase();
  if (!/^application\/(?:[\w.+-]+\+)?json\b/.test(ct)) {
    return { answer: springProblem(415, 'Unsupported Media Type', `Content-Type '${i.contentType ?? ''}' is not supported.`, i.path) };
  }
  const unreadable = { answer: springProblem(400, 'Bad Request', 'Failed to read request', i.path) };
  if (i.raw === undefined || i.raw.trim() === '') return unreadable;
  let body: ParsedBody | null;
  try {
    body = parseRequestBody(i.raw, 'PublicationMetadataReqDTO', { ignoreUnknown: true });
  } catch {
    return unreadable;
  }
  if (body === null) return unreadable;
  const pathAnswer = springPathId(i.pathId, i.path);
  if (pathAnswer) return { answer: pathAnswer };
  return { ok: body };
}
