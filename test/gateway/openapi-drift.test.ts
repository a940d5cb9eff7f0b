/**
 * Drift guard: the request schemas of the project's contract (support/gateway/body.ts `OAS_SCHEMAS`, `OAS_FILE_PART`,
 * `OAS_PATH_ID`, `BORDER_SCHEMA_OF`), which the simulator's border applies, against the official OpenAPI
 * (`../shared/data/openapi/swagger_gtw.yaml`, read at test time, never copied): the same properties in the same order,
 * the same types, enums (values and order), lengths, item counts and required lists, and the operations using them.
 * When the official file is absent the test is SKIPPED, saying so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BORDER_SCHEMA_OF, OAS_FILE_PART, OAS_PATH_ID, OAS_SCHEMAS, type OasDtoName, type OasProperty } from '../../support/gateway/body.ts';
import { missingData, OPENAPI } from '../shared-data.ts';

const SKIP = missingData('openapi');
if (SKIP) console.log(`openapi-drift: ${SKIP}`);

type Doc = { components: { schemas: Record<string, Record<string, unknown>> }; paths: Record<string, Record<string, Record<string, unknown>>> };
const load = (): Doc => parseYaml(readFileSync(OPENAPI, 'utf8')) as Doc;

/** An OpenAPI property without its documentation-only keywords, in the contract's shape. */
function normalise(p: Record<string, unknown>): OasProperty {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'description' || k === 'example') continue;
    out[k] = k === 'items' ? normalise(v as Record<string, unknown>) : v;
  }
  return out as OasProperty;
}

test('OpenAPI drift: every request schema of the contract equals the official one (properties, order, types, enums, lengths, items, required)', { skip: SKIP }, () => {
  const doc = load();
  for (const [name, ours] of Object.entries(OAS_SCHEMAS) as [OasDtoName, (typeof OAS_SCHEMAS)[OasDtoName]][]) {
    const theirs = doc.components.schemas[name];
    assert.ok(theirs, `${name} is in the OpenAPI`);
    assert.equal(theirs.type, 'object', name);
    assert.equal(theirs.additionalProperties, false, `${name}: additionalProperties false`);
    const props = theirs.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(ours.properties.map(([n]) => n), Object.keys(props), `${name}: properties and their order`);
    for (const [field, spec] of ours.properties) {
      assert.deepEqual({ ...spec }, normalise(props[field]!), `${name}.${field}`);
    }
    assert.deepEqual([...ours.required], theirs.required ?? [], `${name}: required`);
  }
});

test('OpenAPI drift: the operations use the schemas the border applies (multipart requestBody + file, JSON metadata, path idDoc)', { skip: SKIP }, () => {
  const doc = load();
  const multipart = (path: string, method: string): Record<string, unknown> => {
    const op = doc.paths[path]![method] as { requestBody: { content: Record<string, { schema: Record<string, unknown> }> } };
    return op.requestBody.content['multipart/form-data']!.schema;
  };
  const ref = (s: Record<string, unknown>): string => String((s.properties as Record<string, { $ref?: string }>).requestBody!.$ref).split('/').pop()!;
  const vc = multipart('/documents/validate-and-create', 'post');
  assert.equal(ref(vc), BORDER_SCHEMA_OF['validate-and-create']);
  assert.equal(ref(multipart('/documents/validate-and-replace/{idDoc}', 'put')), BORDER_SCHEMA_OF.replace, 'RT replace = validate-and-replace');
  assert.equal(ref(multipart('/documents/{idDoc}', 'put')), 'PublicationUpdateReqDTO', 'the national two-step replace (switch replaceRequiresPriorValidation)');
  assert.equal(ref(multipart('/documents/validation', 'post')), 'ValidationCDAReqDTO');
  for (const s of [vc, multipart('/documents/{idDoc}', 'put')]) {
    assert.equal(s.additionalProperties, false);
    assert.deepEqual(s.required, ['file', 'requestBody']);
    assert.deepEqual(normalise((s.properties as Record<string, Record<string, unknown>>).file!), { ...OAS_FILE_PART });
  }
  const md = doc.paths['/documents/{idDoc}/metadata-iti-57']!.put as { requestBody: { required: boolean; content: Record<string, { schema: { $ref: string } }> }; parameters: Array<{ name: string; schema: Record<string, unknown> }> };
  assert.equal(md.requestBody.required, true, 'metadata body required (code 200/202 when missing)');
  assert.equal(md.requestBody.content['application/json']!.schema.$ref.split('/').pop(), BORDER_SCHEMA_OF['update-metadata']);
  assert.deepEqual(normalise(md.parameters.find((p) => p.name === 'idDoc')!.schema), { ...OAS_PATH_ID });
  const del = doc.paths['/documents/{idDoc}']!.delete as { parameters: Array<{ name: string; schema: Record<string, unknown> }> };
  assert.deepEqual(normalise(del.parameters.find((p) => p.name === 'idDoc')!.schema), { ...OAS_PATH_ID });
});
