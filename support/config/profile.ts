/**
 * Installation profile ("impianto") loading and validation.
 * The JSON Schema (profile.schema.json, draft-07) mirrors `Profile` in support/types.ts; a few rules the
 * schema cannot express (fiscal-code check character, certificate-source combinations) are checked here.
 * Every problem is reported at once, as `field path: what is expected`, without validator jargon.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import dotenv from 'dotenv';
import { UserError } from '../errors.ts';
import { isValidCf, cfCheckChar } from '../cf.ts';
import type { CertificateSource, Profile } from '../types.ts';
import { DEFAULT_AUDIENCE } from '../gateway/claims.ts';
import { RT_REPOSITORY_ROOT, RT_SUBMISSION_ROOT, oidArc } from '../gateway/oids.ts';
import { normaliseBaseUrl } from './baseUrl.ts';

export interface LoadedProfile {
  profile: Profile;
  /** Absolute path of the profile file. */
  path: string;
  /** Folder of the profile: relative paths inside it are resolved from here. */
  baseDir: string;
  /** SHA-256 (hex) of the file as read: a parallel worker told this hash skips validating the same text again. */
  sha256: string;
}

export const RT_STAGE_BASE_URL = 'https://fse20gwstage.regione.toscana.it/gateway/v2/';
export const RT_PRODUCTION_HOST = 'fse20gw.regione.toscana.it';
export const PROFILE_SCHEMA_PATH = new URL('./profile.schema.json', import.meta.url);

type Schema = Record<string, unknown> & {
  description?: string;
  properties?: Record<string, Schema>;
  definitions?: Record<string, Schema>;
  $ref?: string;
};

let compiled: { validate: ValidateFunction; schema: Schema } | undefined;

function getValidator(): { validate: ValidateFunction; schema: Schema } {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(PROFILE_SCHEMA_PATH, 'utf8')) as Schema;
  // loaded here, not at import: the parallel workers never validate (see loadProfile) and skip its ~0.1 s of loading.
  // ajv is CommonJS: its constructor is the `default` export of the module object.
  const ajvModule = createRequire(import.meta.url)('ajv') as typeof AjvModule & { default?: typeof AjvModule };
  const Ajv = (ajvModule.default ?? ajvModule) as unknown as typeof AjvModule.default;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: false });
  compiled = { validate: ajv.compile(schema), schema };
  return compiled;
}

function resolveRef(root: Schema, s: Schema | undefined): Schema | undefined {
  if (!s) return s;
  if (typeof s.$ref === 'string' && s.$ref.startsWith('#/definitions/')) {
    return root.definitions?.[s.$ref.slice('#/definitions/'.length)];
  }
  return s;
}

/** The (resolved) schema of the value at `instancePath`, following `properties` / `items`. */
function schemaAt(root: Schema, instancePath: string): Schema | undefined {
  let cur: Schema | undefined = root;
  for (const seg of instancePath.split('/').slice(1)) {
    cur = resolveRef(root, cur);
    if (!cur) return undefined;
    cur = /^\d+$/.test(seg) ? (cur['items'] as Schema | undefined) : cur.properties?.[seg];
  }
  return resolveRef(root, cur);
}

/** `/provider/partitaIva` → `provider.partitaIva`; `/documentTypes/2` → `documentTypes[2]`. */
function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(profile)';
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function describeError(e: ErrorObject, root: Schema): { path: string; text: string } | undefined {
  const parent = e.parentSchema as Schema | undefined;
  switch (e.keyword) {
    case 'if':
      return undefined; // its `then` failure is reported on its own
    case 'required': {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      const sub = resolveRef(root, parent?.properties?.[prop]) ?? schemaAt(root, `${e.instancePath}/${prop}`);
      const path = fieldPath(e.instancePath, prop);
      const cond = e.schemaPath.includes('/then/') ? ' (required when certificates.mode is "separate")' : '';
      return { path, text: `${path}: missing${cond}; expected ${sub?.description ?? 'a value'}` };
    }
    case 'additionalProperties': {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(parent?.properties ?? {}).join(', ');
      const path = fieldPath(e.instancePath, prop);
      return { path, text: `${path}: unknown field (allowed here: ${allowed})` };
    }
    case 'dependencies': {
      const p = e.params as { property: string; missingProperty: string };
      const path = fieldPath(e.instancePath, p.missingProperty);
      return { path, text: `${path}: missing; "${p.property}" needs "${p.missingProperty}" beside it` };
    }
    default: {
      const path = fieldPath(e.instancePath);
      if (path === 'target' && e.data === 'production') {
        return { path, text: 'target: production is not a valid target: this harness never sends to production (use "simulator" or "stage")' };
      }
      if (path === 'baseUrl' && e.keyword === 'not') {
        return { path, text: `baseUrl: ${show(e.data)} is Regione Toscana's production gateway (${RT_PRODUCTION_HOST}); production is refused: this harness never sends to production` };
      }
      if (path === 'baseUrl' && typeof e.data === 'string' && !/^https:\/\//i.test(e.data)) {
        return { path, text: `baseUrl: must use https:// (got ${show(e.data)}); expected ${parent?.description ?? 'an https URL'}` };
      }
      const what = parent?.description ?? e.message ?? 'a valid value';
      return { path, text: `${path}: expected ${what}; got ${show(e.data)}` };
    }
  }
}

function checkSource(src: CertificateSource | undefined, field: string, out: { path: string; text: string }[]): void {
  if (!src || typeof src !== 'object') return;
  if (src.p12 && (src.cert || src.key)) {
    out.push({ path: field, text: `${field}: give either "p12" or "cert" + "key", not both` });
  } else if (!src.p12 && !src.cert && !src.key) {
    out.push({ path: field, text: `${field}: missing the certificate; expected "p12" (a PKCS#12 file) or "cert" + "key" (PEM files)` });
  }
}

/** Checks beyond the schema. Runs on the raw data, so it must tolerate wrong shapes. */
function semanticErrors(data: Record<string, unknown>, already: Set<string>): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const cf = data['operatorCf'];
  if (typeof cf === 'string' && !already.has('operatorCf') && !isValidCf(cf)) {
    const expectedChar = /^[A-Z0-9]{15}/i.test(cf) ? cfCheckChar(cf.slice(0, 15)) : undefined;
    out.push({
      path: 'operatorCf',
      text: `operatorCf: ${show(cf)} is not a valid fiscal code${expectedChar ? ` (wrong check character: the 16th character should be ${expectedChar})` : ''}; expected the operator's 16-character fiscal code`,
    });
  }
  const baseUrl = data['baseUrl'];
  if (typeof baseUrl === 'string' && !already.has('baseUrl')) {
    let host = '';
    try {
      host = new URL(baseUrl).hostname.replace(/\.$/, '');
    } catch { /* reported by normaliseBaseUrl below */ }
    if (host === RT_PRODUCTION_HOST) {
      out.push({ path: 'baseUrl', text: `baseUrl: ${show(baseUrl)} is Regione Toscana's production gateway (${RT_PRODUCTION_HOST}); production is refused: this harness never sends to production` });
    } else {
      const n = normaliseBaseUrl(baseUrl);
      if (!n.ok) out.push({ path: 'baseUrl', text: `baseUrl: ${n.problem}` });
    }
  }
  const certs = data['certificates'];
  if (certs && typeof certs === 'object' && !Array.isArray(certs)) {
    const c = certs as Record<string, unknown>;
    checkSource(c['authentication'] as CertificateSource | undefined, 'certificates.authentication', out);
    if (c['mode'] === 'separate') checkSource(c['signature'] as CertificateSource | undefined, 'certificates.signature', out);
  }
  return out.filter((e) => !already.has(e.path));
}

/** Validates raw JSON data as a Profile. Throws one UserError listing every problem. Does not apply defaults. */
export function validateProfile(data: unknown): Profile {
  const { validate, schema } = getValidator();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError('PROFILE_INVALID', 'Invalid installation profile: the file must contain a JSON object');
  }
  const ok = validate(data);
  const problems: { path: string; text: string }[] = [];
  const seen = new Set<string>();
  if (!ok) {
    for (const e of validate.errors ?? []) {
      const d = describeError(e, schema);
      if (!d) continue;
      // One message per field: the first (most specific) one wins.
      if (seen.has(d.path)) continue;
      seen.add(d.path);
      problems.push(d);
    }
  }
  problems.push(...semanticErrors(data as Record<string, unknown>, seen));
  if (problems.length > 0) {
    const lines = problems.map((p) => `  - ${p.text}`).join('\n');
    throw new UserError(
      'PROFILE_INVALID',
      `Invalid installation profile (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${lines}`,
      'See testdata/profile.example.json for a complete, valid profile.',
    );
  }
  return data as Profile;
}

/**
 * Effective values of the defaulted fields: the profile's own value when set, else the default.
 * baseUrl: stage → RT's stage URL; simulator → '' (the runtime knows the simulator's address).
 */
export function profileDefaults(p: Profile): Required<Pick<Profile, 'identificativoRep' | 'identificativoSottomissione' | 'aud' | 'baseUrl'>> {
  const own = p.baseUrl !== undefined ? normaliseBaseUrl(p.baseUrl) : undefined;
  return {
    identificativoRep: p.identificativoRep ?? `${RT_REPOSITORY_ROOT}.${p.codRep}`,
    identificativoSottomissione: p.identificativoSottomissione ?? `${RT_SUBMISSION_ROOT}.${oidArc(p.provider.partitaIva)}`,
    aud: p.aud ?? DEFAULT_AUDIENCE,
    // a missing trailing slash is added silently (validateProfile refused every other deviation)
    baseUrl: own?.ok ? own.url : (p.baseUrl ?? (p.target === 'stage' ? RT_STAGE_BASE_URL : '')),
  };
}

function loadDotenvInto(file: string, env: NodeJS.ProcessEnv): void {
  if (!existsSync(file)) return;
  let parsed: Record<string, string>;
  try {
    parsed = dotenv.parse(readFileSync(file));
  } catch {
    throw new UserError('DOTENV_INVALID', `Cannot read ${file} as a .env file`, 'Each line must look like NAME=value.');
  }
  for (const [k, v] of Object.entries(parsed)) {
    if (env[k] === undefined) env[k] = v; // never override the real environment
  }
}

/**
 * Reads, validates and completes a profile. Loads `.env` beside the profile, then `.env` in the current
 * directory, into `o.env` (default process.env) without overriding variables that are already set.
 * `o.validated`: the SHA-256 of the text another process of the same run has validated (the coordinator, for its
 * parallel workers); when the file still has that hash, the schema check is not repeated.
 */
export function loadProfile(path: string, o: { env?: NodeJS.ProcessEnv; validated?: string } = {}): LoadedProfile {
  const abs = resolve(path);
  const baseDir = dirname(abs);
  if (!existsSync(abs)) {
    throw new UserError('PROFILE_MISSING', `Profile not found: ${abs}`, 'Pass the path of your installation profile (see testdata/profile.example.json).');
  }
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    throw new UserError('PROFILE_UNREADABLE', `Cannot read the profile ${abs}`, 'Check the path and the file permissions.');
  }
  const env = o.env ?? process.env;
  loadDotenvInto(resolve(baseDir, '.env'), env);
  const cwdEnv = resolve(process.cwd(), '.env');
  if (cwdEnv !== resolve(baseDir, '.env')) loadDotenvInto(cwdEnv, env);
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new UserError('PROFILE_JSON', `${abs} is not valid JSON: ${msg}`, 'Fix the JSON syntax (no comments or trailing commas; use "$comment" for notes).');
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  let profile: Profile;
  try {
    profile = o.validated === sha256 ? (data as Profile) : validateProfile(data);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.code, `${abs}: ${err.message}`, err.hint);
    throw err;
  }
  const d = profileDefaults(profile);
  const completed: Profile = {
    ...profile,
    identificativoRep: d.identificativoRep,
    identificativoSottomissione: d.identificativoSottomissione,
    aud: d.aud,
    ...(d.baseUrl ? { baseUrl: d.baseUrl } : {}),
  };
  return { profile: completed, path: abs, baseDir, sha256 };
}
