/**
 * The national border's content check: GovWay validates each request against the operation of the OpenAPI before the
 * dispatcher sees it, and answers 400 `InvalidRequestContent` listing every violation
 * (docs/gateway-conditions.md §3.2, B-04…B-12). The schemas are the contract's own (./body.ts `OAS_SCHEMAS`,
 * `OAS_FILE_PART`, `OAS_PATH_ID`); this module applies them the way GovWay's validation engine, openapi4j, does:
 *  - one validator per schema keyword, run in the iteration order of the `HashMap` openapi4j keeps them in (so the
 *    order of several violations in one answer is the reference's), `nullable` false by default (a JSON `null`
 *    anywhere is refused), `properties` likewise in `HashMap` order;
 *  - each violation worded `<data path>: <message> (code: N)` + `From: <schema path>`, under `Validation error(s) :`;
 *  - a multipart body is seen as an object: a part with a filename is its file NAME (so `file.maxLength: 1000` applies
 *    to the name, and real PDFs pass), a part labelled `application/json` is parsed as JSON (a syntax error is code
 *    201), any other part is a string (so an unlabelled `requestBody` is "Type expected 'object', found 'string'",
 *    as the support threads show: #62, #312); parts with the same name become an array.
 * Wording sources: the support threads cited in the table (#312, #1053, #2913, #262, #113, #199, #665) and the
 * openapi4j sources (`ValidationResults`, `*Validator` of openapi-schema-validator, `OperationValidator`,
 * `BodyValidator`, `MultipartConverter`). Used by the simulator's border (simulator/border.ts) and by
 * `fse-harness check` (support/preflight/check.ts), so both report the same problems.
 */
import { OAS_FILE_PART, OAS_PATH_ID, OAS_SCHEMAS, type OasDtoName, type OasObject, type OasProperty } from './body.ts';
import { jsonTypeOf, readFirstJsonValue, type JsonValue } from './json.ts';
import { javaHashMapOrder } from './java.ts';

export { javaHashMapOrder };

/** One violation, as openapi4j's `ValidationItem` prints it. */
export interface BorderViolation {
  code: number;
  message: string;
  /** Data crumbs joined with `.` (empty: none). */
  data: string;
  /** Schema crumbs (`From:`), schema keywords in `<…>` (empty: none). */
  from: string;
}

export const INVALID_REQUEST_CONTENT_PREFIX = 'Request content not conform to API specification';

/** `Validation error(s) :\n` + one block per violation (openapi4j `ValidationResults#toString`). */
export function formatViolations(v: readonly BorderViolation[]): string {
  let out = 'Validation error(s) :\n';
  for (const x of v) {
    out += `${x.data ? `${x.data}: ` : ''}${x.message} (code: ${x.code})${x.from ? `\nFrom: ${x.from}` : ''}\n`;
  }
  return out;
}

// ---- the schema validator ------------------------------------------------------------------------------------------

interface Crumb { name: string; schema: boolean }

class Results {
  readonly items: BorderViolation[] = [];
  private readonly crumbs: Crumb[] = [];
  with<T>(c: Crumb | undefined, f: () => T): T {
    if (c) this.crumbs.push(c);
    try { return f(); } finally { if (c) this.crumbs.pop(); }
  }
  add(keyword: string, code: number, message: string): void {
    const all = [...this.crumbs, { name: keyword, schema: true }];
    this.items.push({
      code,
      message,
      data: all.filter((c) => !c.schema).map((c) => c.name).join('.'),
      from: all.map((c) => (c.schema ? `<${c.name}>` : c.name)).join('.'),
    });
  }
  addBare(code: number, message: string): void {
    this.items.push({ code, message, data: '', from: '' });
  }
}

/** Jackson's `JsonNode#asText()` as EnumValidator prints a value. */
function asText(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return '';
  return String(v);
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

type Keyword = 'type' | 'format' | 'enum' | 'maxLength' | 'minLength' | 'items' | 'maxItems' | 'minItems' | 'nullable';

function validateProperty(schema: OasProperty, value: JsonValue, r: Results): void {
  const keys = [...(Object.keys(schema) as Keyword[]), 'nullable' as const];
  for (const k of javaHashMapOrder(keys) as Keyword[]) {
    switch (k) {
      case 'type': {
        const found = jsonTypeOf(value);
        if (found !== 'null' && found !== schema.type && !(schema.type === ('number' as string) && found === 'integer')) {
          r.add('type', 1027, `Type expected '${schema.type}', found '${found}'.`);
        }
        break;
      }
      case 'enum':
        if (!(typeof value === 'string' && schema.enum!.includes(value))) r.add('enum', 1006, `Value '${asText(value)}' is not defined in the schema.`);
        break;
      case 'maxLength':
        if (typeof value === 'string' && codePoints(value) > schema.maxLength!) r.add('maxLength', 1012, `Max length is '${schema.maxLength}', found '${codePoints(value)}'.`);
        break;
      case 'minLength':
        if (typeof value === 'string' && codePoints(value) < schema.minLength!) r.add('minLength', 1017, `Min length is '${schema.minLength}', found '${codePoints(value)}'.`);
        break;
      case 'maxItems':
        if (Array.isArray(value) && value.length > schema.maxItems!) r.add('maxItems', 1011, `Max items is '${schema.maxItems}', found '${value.length}'.`);
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < schema.minItems!) r.add('minItems', 1016, `Min items is '${schema.minItems}', found '${value.length}'.`);
        break;
      case 'items':
        if (Array.isArray(value)) {
          value.forEach((item, idx) => r.with({ name: String(idx), schema: false }, () => r.with({ name: 'items', schema: true }, () => validateProperty(schema.items!, item, r))));
        }
        break;
      case 'nullable':
        if (value === null) r.add('nullable', 1021, 'Null value is not allowed.');
        break;
      case 'format':
        break; // `binary`: no check
    }
  }
}

function isObject(v: JsonValue): v is { [k: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object schema with `additionalProperties: false` (every DTO and the multipart wrapper). */
function validateObject(schema: OasObject, value: JsonValue, r: Results): void {
  const props = new Map(schema.properties);
  for (const k of javaHashMapOrder(['type', 'additionalProperties', 'properties', 'required', 'nullable'])) {
    switch (k) {
      case 'type': {
        const found = jsonTypeOf(value);
        if (found !== 'null' && found !== 'object') r.add('type', 1027, `Type expected 'object', found '${found}'.`);
        break;
      }
      case 'additionalProperties':
        if (isObject(value)) for (const key of Object.keys(value)) if (!props.has(key)) r.add('additionalProperties', 1000, `Additional property '${key}' is not allowed.`);
        break;
      case 'properties':
        if (isObject(value)) {
          for (const name of javaHashMapOrder([...props.keys()])) {
            if (!Object.hasOwn(value, name)) continue;
            r.with({ name, schema: false }, () => validateProperty(props.get(name)!, value[name]!, r));
          }
        }
        break;
      case 'required':
        for (const f of schema.required) if (!isObject(value) || !Object.hasOwn(value, f)) r.add('required', 1026, `Field '${f}' is required.`);
        break;
      case 'nullable':
        if (value === null) r.add('nullable', 1021, 'Null value is not allowed.');
        break;
    }
  }
}

/** A JSON request body (metadata update): the DTO schema directly under the `body` crumb (#262). */
export function validateJsonBody(dto: OasDtoName, value: JsonValue): BorderViolation[] {
  const r = new Results();
  r.with({ name: 'body', schema: false }, () => validateObject(OAS_SCHEMAS[dto], value, r));
  return r.items;
}

/** The multipart wrapper of every multipart operation: `{requestBody: $ref DTO, file: binary}`, both required. */
export function validateMultipartView(dto: OasDtoName, view: { [k: string]: JsonValue }): BorderViolation[] {
  const r = new Results();
  const ref = `#/components/schemas/${dto}`;
  const wrapper: OasObject = { properties: [['requestBody', { type: 'object' }], ['file', OAS_FILE_PART]], required: ['file', 'requestBody'] };
  r.with({ name: 'body', schema: false }, () => {
    const props = new Map(wrapper.properties);
    for (const k of javaHashMapOrder(['type', 'additionalProperties', 'properties', 'required', 'nullable'])) {
      if (k === 'additionalProperties') {
        for (const key of Object.keys(view)) if (!props.has(key)) r.add('additionalProperties', 1000, `Additional property '${key}' is not allowed.`);
      } else if (k === 'properties') {
        for (const name of javaHashMapOrder([...props.keys()])) {
          if (!Object.hasOwn(view, name)) continue;
          r.with({ name, schema: false }, () => {
            if (name === 'requestBody') r.with({ name: ref, schema: true }, () => validateObject(OAS_SCHEMAS[dto], view[name]!, r));
            else validateProperty(OAS_FILE_PART, view[name]!, r);
          });
        }
      } else if (k === 'required') {
        for (const f of wrapper.required) if (!Object.hasOwn(view, f)) r.add('required', 1026, `Field '${f}' is required.`);
      }
    }
  });
  return r.items;
}

/** The `{idDoc}` path parameter (`minLength 1`, `maxLength 256`): crumb `idDoc`, no `path` prefix (ParameterValidator). */
export function validatePathId(id: string): BorderViolation[] {
  const r = new Results();
  r.with({ name: 'idDoc', schema: false }, () => validateProperty(OAS_PATH_ID, id, r));
  return r.items;
}

/**
 * The path parameter of the status operations (swagger_gtw.yaml `GET /status/{workflowInstanceId}`: string
 * minLength 0, maxLength 256; `GET /status/search/{traceId}`: string minLength 1, maxLength 100), as
 * `validatePathId` checks `idDoc`.
 */
export const OAS_STATUS_PATH_PARAMS = {
  workflowInstanceId: { type: 'string', maxLength: 256, minLength: 0 },
  traceId: { type: 'string', maxLength: 100, minLength: 1 },
} as const satisfies Record<string, OasProperty>;

export function validateStatusPathParam(name: keyof typeof OAS_STATUS_PATH_PARAMS, value: string): BorderViolation[] {
  const r = new Results();
  r.with({ name, schema: false }, () => validateProperty(OAS_STATUS_PATH_PARAMS[name], value, r));
  return r.items;
}

// ---- request decoding ---------------------------------------------------------------------------------------------

/** A multipart part as the border sees it (form-data parts with a name; others are skipped, like commons-fileupload). */
export interface BorderPart {
  name: string;
  filename?: string;
  contentType?: string;
  /** the part's bytes as UTF-8 text; not read for a part with a file name (the view holds the file name) */
  text: string;
}

export interface ViewOptions {
  /**
   * How a part WITHOUT Content-Type is read: `false` (default, observed on the national border: #62, #312) as a string;
   * `true` as JSON, as upstream openapi4j's MultipartConverter does.
   */
  unlabelledPartIsJson: boolean;
}

/** A JSON syntax error worded as the border's code-201 violation (Jackson `JsonParseException` inside `BodyValidator`). */
function bodyContentError(contentType: string, exception: string): BorderViolation {
  return { code: 201, message: `An error occurred when getting the body content from type '${contentType}'.\n${exception}`, data: '', from: '' };
}

function jacksonRead(text: string, source: string): { value: JsonValue } | { exception: string } {
  const read = readFirstJsonValue(text);
  if (read.ok) return { value: read.value };
  const kind = read.endOfInput && text.trim() === '' ? 'com.fasterxml.jackson.databind.exc.MismatchedInputException: No content to map due to end-of-input'
    : `com.fasterxml.jackson.core.JsonParseException: ${read.message}`;
  return { exception: `${kind}\n at [Source: (${source}); line: ${read.line}, column: ${read.column}]` };
}

/** The multipart body as openapi4j's MultipartConverter turns it into an object; a JSON syntax error → code 201. */
export function multipartView(parts: readonly BorderPart[], requestContentType: string, o: ViewOptions): { view: { [k: string]: JsonValue } } | { violation: BorderViolation } {
  const view: { [k: string]: JsonValue } = {};
  const add = (name: string, v: JsonValue): void => {
    if (!Object.hasOwn(view, name)) { Object.defineProperty(view, name, { value: v, enumerable: true, writable: true, configurable: true }); return; }
    const prev = view[name]!;
    view[name] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  };
  for (const p of parts) {
    if (p.filename !== undefined) { add(p.name, p.filename); continue; }
    const ct = p.contentType?.split(';')[0]?.trim().toLowerCase();
    const asJson = ct === 'application/json' || (ct === undefined && o.unlabelledPartIsJson);
    if (!asJson) { add(p.name, p.text); continue; }
    const v = jacksonRead(p.text, 'org.apache.commons.fileupload.MultipartStream$ItemInputStream');
    if ('exception' in v) return { violation: bodyContentError(requestContentType, v.exception) };
    add(p.name, v.value);
  }
  return { view };
}

/** The border's view of a JSON body (metadata update): the parsed value, or the code-201 / code-200 violation. */
export function jsonBodyView(text: string | undefined, requestContentType: string): { value: JsonValue } | { violation: BorderViolation } {
  if (text === undefined || text.length === 0) return { violation: { code: 200, message: 'Body is required but none provided.', data: '', from: '' } };
  const v = jacksonRead(text, 'String');
  if ('exception' in v) return { violation: bodyContentError(requestContentType, v.exception) };
  return { value: v.value };
}

/**
 * GovWay's own reading of the request Content-Type, before the OpenAPI (B-04): a `charset` parameter followed by more
 * parameters is read as one charset name ("UTF-8;boundary=…"), which is refused with that text as the whole detail
 * (#52, #665). Returns the detail suffix, or undefined.
 */
export function contentTypeCharsetProblem(contentType: string | undefined): string | undefined {
  const m = /;\s*charset=(.*)$/i.exec(contentType ?? '');
  if (!m) return undefined;
  const value = m[1]!;
  return value.includes(';') ? value : undefined;
}

/** The detail of a multipart body the border cannot split into parts (commons-fileupload inside openapi4j, code 201). */
export function multipartUnreadable(requestContentType: string, noBoundary: boolean): BorderViolation {
  return bodyContentError(requestContentType, noBoundary
    ? 'java.io.IOException: org.apache.commons.fileupload.FileUploadException: the request was rejected because no multipart boundary was found'
    : 'java.io.IOException: org.apache.commons.fileupload.MultipartStream$MalformedStreamException: Stream ended unexpectedly');
}

/** Code 203: a body whose Content-Type the operation does not declare (B-11); `null` when there is none. */
export function contentTypeNotAllowed(contentType: string | undefined): BorderViolation {
  return { code: 203, message: `Content type '${contentType ?? 'null'}' is not allowed for body content.`, data: '', from: '' };
}

/** Code 202: a required body (metadata update) without Content-Type. */
export function contentTypeMissing(): BorderViolation {
  return { code: 202, message: "Body content type cannot be determined. No 'Content-Type' header available.", data: '', from: '' };
}
