import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Method } from './types.ts';

/**
 * The one validator of gateway responses against the official OpenAPI (swagger_gtw.yaml, read from disk, never
 * copied): by RT method and status (`check`: the schema the operation declares), or by schema name (`checkSchema`).
 * RT's `/gateway/v2/` operations map onto the national `/v1` ones; `/metadata` maps onto `PUT
 * /documents/{idDoc}/metadata-iti-57` (the OpenAPI declares no `/metadata` path). GovWay border errors are not
 * described by the OpenAPI (they come from the border, not the API): they are checked against GovWay's documented
 * shape `{type, title, status, detail, govway_id}` (national guide "Interfacce REST Gateway" §14.2).
 */
const OAS_OPERATION: Record<Method, { path: string; method: string }> = {
  'validate-and-create': { path: '/documents/validate-and-create', method: 'post' },
  // RT exposes no validation endpoint, so its replace validates the new document in the same call: the national
  // operation with that contract is validate-and-replace (ValidationErrorResponseDTO, with workflowInstanceId).
  // With the simulator switch replaceRequiresPriorValidation the plain `/documents/{idDoc}` contract applies.
  replace: { path: '/documents/validate-and-replace/{idDoc}', method: 'put' },
  'update-metadata': { path: '/documents/{idDoc}/metadata-iti-57', method: 'put' },
  delete: { path: '/documents/{idDoc}', method: 'delete' },
};

const GOVWAY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'title', 'status', 'detail', 'govway_id'],
  properties: {
    type: { type: 'string', pattern: '^https://govway\\.org/handling-errors/\\d{3}/[A-Za-z]+\\.html$' },
    title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
    govway_id: { type: 'string', pattern: '^[0-9a-f-]{36}$' },
  },
};

export interface OpenApiCheck { ok: boolean; schema: string; errors: string[] }

export class GatewayOpenApi {
  private readonly doc: Record<string, any>;
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  readonly version: string;

  constructor(yamlPath: string) {
    this.doc = parseYaml(readFileSync(yamlPath, 'utf8'));
    this.version = String(this.doc.info?.version ?? '?');
    // formats (`binary`, `date-time`) are not checked: the OpenAPI uses them for documentation only
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    // OpenAPI 3.0 `nullable`/`format: binary` etc. are ignored by strict:false; components are added as one schema.
    this.ajv.addSchema({ $id: 'oas', components: this.doc.components });
    this.ajv.addSchema({ $id: 'govway', ...GOVWAY_SCHEMA });
  }

  private validator(ref: string): ValidateFunction {
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.getSchema(ref.startsWith('#') ? `oas${ref}` : ref)!;
      if (!v) throw new Error(`schema ${ref} not found in the OpenAPI`);
      this.cache.set(ref, v);
    }
    return v;
  }

  /** Registers a shape the OpenAPI does not describe (e.g. the simulator's CART errors), checkable by name. */
  addShape(name: string, schema: object): void {
    if (name === 'oas' || this.ajv.getSchema(name)) throw new Error(`shape ${name} already defined`);
    this.ajv.addSchema({ $id: name, ...schema });
  }

  /** Checks a body against a named schema: a component of the OpenAPI (`PublicationResDTO`…), `govway`, or an added shape. */
  checkSchema(name: string, body: unknown): OpenApiCheck {
    const v = this.validator(this.ajv.getSchema(name) ? name : `#/components/schemas/${name}`);
    return { ok: !!v(body), schema: name, errors: errorsOf(v) };
  }

  /** Checks one response body (parsed JSON) for an RT method and HTTP status. */
  check(method: Method, status: number, body: unknown): OpenApiCheck {
    if (body && typeof body === 'object' && typeof (body as { type?: unknown }).type === 'string' && String((body as { type: string }).type).startsWith('https://govway.org/')) {
      const v = this.validator('govway');
      return { ok: !!v(body), schema: 'GovWay problem (border)', errors: errorsOf(v) };
    }
    const op = OAS_OPERATION[method];
    const operation = this.doc.paths?.[op.path]?.[op.method];
    if (!operation) return { ok: false, schema: '-', errors: [`no ${op.method.toUpperCase()} ${op.path} in the OpenAPI`] };
    const resp = operation.responses?.[String(status)] ?? operation.responses?.default;
    if (!resp) return { ok: false, schema: '-', errors: [`status ${status} is not declared for ${op.method.toUpperCase()} ${op.path}`] };
    const content = resp.content ?? {};
    const media = content['application/json'] ?? content['application/problem+json'] ?? Object.values(content)[0];
    const ref: string | undefined = media?.schema?.$ref;
    if (!ref) return { ok: true, schema: '(no schema)', errors: [] };
    const v = this.validator(ref);
    return { ok: !!v(body), schema: ref.split('/').pop()!, errors: errorsOf(v) };
  }
}

function errorsOf(v: ValidateFunction): string[] {
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : ''}`);
}
