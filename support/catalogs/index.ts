/**
 * CDA validator loaded from the official catalogs directory (`it-fse-catalogs` layout), reproducing the
 * national validator's algorithm (`it-fse-gtw-validator` `ValidationSRV`: `validateSyntactic`, `validateSemantic`,
 * `validateVocabularies`):
 *   header (first typeId/@extension, first templateId/@root) → XSD → schematron → terminology.
 *
 * The catalogs are never copied into the project: everything is read from the directory given
 * (option, else FSE_CATALOGS_DIR). Without catalogs everything still works and `skipped` says what is off.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CdaValidationResult } from '../types.ts';
import { UserError } from '../errors.ts';
import { CompiledSchema, SchemaCompileError, hasDoctype, parseCda } from './xsd.ts';
import { XmlXPath } from 'libxml2-wasm';
import type { XmlDocument } from 'libxml2-wasm';
import {
  compileSchematron,
  defaultCacheDir,
  findXslt3,
  runSchematron,
  schematronToXslt,
  SchematronUnsupportedError,
} from './schematron.ts';
import { buildPrecheck } from './xpath-precheck.ts';
import type { Precheck } from './xpath-precheck.ts';
import type { CompiledSchematron } from './schematron.ts';
import { extractCodedElements, TerminologyStore } from './terminology.ts';
import { LOINC_OID } from '../gateway/oids.ts';

export interface CatalogsInfo {
  dir: string;
  schemas: string[];
  schematronIndex: Record<string, { file: string; version: string }>;
  terminologySystems: string[];
  fingerprint: string;
}

export const MSG_XSD_GENERIC = 'Error while executing validation on xsd schema';
export const MSG_SCH_GENERIC = 'Error while executing validation on sch schematron';
export const msgSchemaNotFound = (v: string): string => `Schema with version ${v} not found on database.`;
export const msgSchematronNotFound = (root: string): string => `Schematron with template id root ${root} not found on database.`;

/** The CDA header could not be read (no typeId / templateId): the reference validator answers 500. */
export class CdaHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CdaHeaderError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Catalogs directory
// ---------------------------------------------------------------------------------------------------------

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** explicit ?? process.env.FSE_CATALOGS_DIR ?? null. Throws UserError('CATALOGS_DIR', ...) when a dir is given but missing/unreadable/not a catalogs dir. */
export function resolveCatalogsDir(explicit?: string | null): string | null {
  const given = explicit ?? process.env.FSE_CATALOGS_DIR ?? null;
  if (given === null || given.trim() === '') return null;
  const dir = path.resolve(given);
  const hint = 'Point it at a checkout of https://github.com/ministero-salute/it-fse-catalogs (folders schema/, schematron/, terminology/ and schematron-index.json), or unset it to run without catalogs.';
  if (!fs.existsSync(dir)) throw new UserError('CATALOGS_DIR', `Catalogs directory not found: ${dir}`, hint);
  if (!isDir(dir)) throw new UserError('CATALOGS_DIR', `Catalogs path is not a directory: ${dir}`, hint);
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
    fs.readdirSync(dir);
  } catch {
    throw new UserError('CATALOGS_DIR', `Catalogs directory is not readable: ${dir}`, hint);
  }
  const looksLike =
    isDir(path.join(dir, 'schema')) || isDir(path.join(dir, 'schematron')) || isDir(path.join(dir, 'terminology')) || fs.existsSync(path.join(dir, 'schematron-index.json'));
  if (!looksLike) throw new UserError('CATALOGS_DIR', `Not a catalogs directory (no schema/, schematron/, terminology/ or schematron-index.json): ${dir}`, hint);
  return dir;
}

function listFilesWithSizes(root: string, sub: string, out: string[]): void {
  const abs = path.join(root, sub);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(abs, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) listFilesWithSizes(root, rel, out);
    else if (e.isFile()) out.push(`${rel}:${fs.statSync(path.join(root, rel)).size}`);
  }
}

/** Read what a catalogs directory offers. Throws UserError if schematron-index.json is present but invalid. */
export function readCatalogsInfo(dir: string): CatalogsInfo {
  const schemaRoot = path.join(dir, 'schema');
  const schemas = isDir(schemaRoot)
    ? fs
        .readdirSync(schemaRoot)
        .filter((d) => /^[A-Za-z0-9._-]+$/.test(d) && fs.existsSync(path.join(schemaRoot, d, 'CDA.xsd')))
        .sort()
    : [];
  let schematronIndex: Record<string, { file: string; version: string }> = {};
  const indexPath = path.join(dir, 'schematron-index.json');
  let indexText = '';
  if (fs.existsSync(indexPath)) {
    indexText = fs.readFileSync(indexPath, 'utf8');
    try {
      const raw = JSON.parse(indexText) as Record<string, { file?: unknown; version?: unknown }>;
      for (const [root, v] of Object.entries(raw)) {
        if (v && typeof v.file === 'string') schematronIndex[root] = { file: v.file, version: typeof v.version === 'string' ? v.version : String(v.version ?? '') };
      }
    } catch (e) {
      throw new UserError('CATALOGS_DIR', `Invalid schematron-index.json in ${dir}: ${(e as Error).message}`);
    }
  }
  schematronIndex = Object.fromEntries(Object.entries(schematronIndex).sort(([a], [b]) => (a < b ? -1 : 1)));
  const terminologySystems = new TerminologyStore(isDir(path.join(dir, 'terminology')) ? path.join(dir, 'terminology') : null).systems;
  const files: string[] = [];
  for (const sub of ['schema', 'schematron', 'terminology']) listFilesWithSizes(dir, sub, files);
  files.sort();
  const fingerprint = createHash('sha256').update(indexText).update('\n').update(files.join('\n')).digest('hex').slice(0, 12);
  return { dir, schemas, schematronIndex, terminologySystems, fingerprint };
}

// ---------------------------------------------------------------------------------------------------------
// Header extraction (the reference uses jsoup in HTML mode: first element named templateid / typeid, any prefix)
// ---------------------------------------------------------------------------------------------------------

function firstElementAttr(text: string, element: string, attrName: string): string | null {
  const re = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${element}(?=[\\s/>])([^>]*)>`, 'i');
  const m = re.exec(text);
  if (!m) return null;
  const a = new RegExp(`(?:^|\\s)${attrName}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(m[1] ?? '');
  return a ? (a[1] ?? a[2] ?? '') : '';
}

export interface CdaHeader {
  /** extension of the first typeId ('' when the attribute is missing) */
  typeIdExtension: string;
  /** root of the first templateId ('' when the attribute is missing) */
  templateIdRoot: string;
}

/** Throws CdaHeaderError when there is no typeId or no templateId element. */
export function extractHeader(text: string): CdaHeader {
  // jsoup ignores comments: so do we
  if (text.includes('<!--')) text = text.replace(/<!--[\s\S]*?-->/g, '');
  const tpl = firstElementAttr(text, 'templateId', 'root');
  const typ = firstElementAttr(text, 'typeId', 'extension');
  if (tpl === null || typ === null) {
    throw new CdaHeaderError(`Error while extracting info for schematron: the CDA has no ${tpl === null ? 'templateId' : 'typeId'} element`);
  }
  return { typeIdExtension: typ, templateIdRoot: tpl };
}

// ---------------------------------------------------------------------------------------------------------
// Validator
// ---------------------------------------------------------------------------------------------------------

export interface CdaValidator {
  readonly info: CatalogsInfo | null;
  /** Human sentences for every validation that is OFF (no catalogs, no schematron engine for X, no LOINC dictionary...). */
  readonly skipped: string[];
  /** Full national algorithm: XSD → (if ok) schematron by first templateId root → (if OK/WARNING) terminology. */
  validate(cda: string | Uint8Array, opts?: { schematron?: boolean; terminology?: boolean }): Promise<CdaValidationResult>;
  close(): void;
}

export interface OpenValidatorOptions {
  catalogsDir?: string | null;
  /** SEF cache for compiled schematron; default FSE_CACHE_DIR/schematron or <project>/.cache/schematron */
  cacheDir?: string;
  /**
   * The XPath 1.0 schematron pre-check (xpath-precheck.ts): a document it certifies is not run through SaxonJS.
   * Default on; `FSE_SCHEMATRON_PRECHECK=0` turns it off (every document then goes through SaxonJS).
   */
  schematronPrecheck?: boolean;
}

/** FSE_SCHEMATRON_PRECHECK: '0' / 'false' / 'off' turn the pre-check off. */
export function precheckFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.FSE_SCHEMATRON_PRECHECK ?? '').trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'off' || v === 'no');
}

interface LoadedPrecheck {
  info: Precheck;
  xpath: XmlXPath;
}

class CatalogValidator implements CdaValidator {
  readonly info: CatalogsInfo | null;
  readonly skipped: string[];
  readonly cacheDir: string;
  private readonly schemas = new Map<string, CompiledSchema | Error>();
  private readonly schematrons = new Map<string, Promise<CompiledSchematron>>();
  private readonly terminology: TerminologyStore;
  private readonly prechecks = new Map<string, LoadedPrecheck | null>();
  readonly precheckOn: boolean;
  private closed = false;

  constructor(info: CatalogsInfo | null, cacheDir: string, precheck = true) {
    this.info = info;
    this.cacheDir = cacheDir;
    this.precheckOn = precheck;
    const skipped: string[] = [];
    if (!info) {
      skipped.push('No catalogs directory (set FSE_CATALOGS_DIR or catalogsDir): XSD, schematron and terminology validation are OFF; only well-formedness is checked.');
      this.terminology = new TerminologyStore(null);
    } else {
      if (info.schemas.length === 0) skipped.push(`No XSD schemas in ${path.join(info.dir, 'schema')}: XSD validation is OFF.`);
      if (Object.keys(info.schematronIndex).length === 0) skipped.push(`No schematron-index.json in ${info.dir}: schematron validation is OFF.`);
      else if (!findXslt3()) skipped.push('The xslt3 compiler (npm package "xslt3") is not installed: schematron files not yet in the cache cannot be compiled and are skipped.');
      const termDir = path.join(info.dir, 'terminology');
      this.terminology = new TerminologyStore(isDir(termDir) ? termDir : null);
      if (!isDir(termDir)) skipped.push(`No terminology folder in ${info.dir}: terminology validation is OFF.`);
      else if (!this.terminology.has(LOINC_OID)) skipped.push(`No LOINC dictionary (${LOINC_OID}.csv) in the catalogs: LOINC codes are not checked.`);
    }
    this.skipped = skipped;
  }

  private schema(key: string): CompiledSchema | Error | null {
    if (!this.info || !this.info.schemas.includes(key)) return null;
    let s = this.schemas.get(key);
    if (!s) {
      try {
        s = new CompiledSchema(key, path.join(this.info.dir, 'schema', key));
      } catch (e) {
        s = e instanceof Error ? e : new Error(String(e));
      }
      this.schemas.set(key, s);
    }
    return s;
  }

  /** Compiled schematron for an index entry (memoised; rejects when the engine cannot handle the file). */
  schematron(file: string): Promise<CompiledSchematron> {
    let p = this.schematrons.get(file);
    if (!p) {
      const abs = path.resolve(this.info!.dir, file);
      if (!abs.startsWith(path.resolve(this.info!.dir) + path.sep)) return Promise.reject(new Error(`schematron path outside the catalogs: ${file}`));
      p = compileSchematron(abs, this.cacheDir);
      this.schematrons.set(file, p);
      p.catch(() => undefined);
    }
    return p;
  }

  /** The pre-check of a schematron file (memoised); null when it cannot certify anything (see xpath-precheck.ts). */
  precheck(file: string, compiled: CompiledSchematron): LoadedPrecheck | null {
    if (this.prechecks.has(file)) return this.prechecks.get(file)!;
    let loaded: LoadedPrecheck | null = null;
    try {
      const info = buildPrecheck(schematronToXslt(compiled.schText, file).model);
      if (info && info.exact > 0) loaded = { info, xpath: XmlXPath.compile(info.expr, info.namespaces) };
    } catch {
      loaded = null; // libxml2 refused the expression: SaxonJS for every document of this schematron
    }
    this.prechecks.set(file, loaded);
    return loaded;
  }

  async validate(cda: string | Uint8Array, opts: { schematron?: boolean; terminology?: boolean } = {}): Promise<CdaValidationResult> {
    if (this.closed) throw new Error('CdaValidator is closed');
    const text = typeof cda === 'string' ? cda : new TextDecoder('utf-8').decode(cda);
    const header = extractHeader(text);
    const skipped = [...this.skipped];
    const checked: NonNullable<CdaValidationResult['checked']> = [];
    const result: CdaValidationResult = { result: 'OK', messages: [], skipped, schema: header.typeIdExtension, checked };
    const idx = this.info?.schematronIndex[header.templateIdRoot];
    if (idx) result.schematron = { file: idx.file, version: idx.version };

    const fail = (r: CdaValidationResult['result'], messages: string[]): CdaValidationResult => {
      result.result = r;
      result.messages = messages;
      return result;
    };

    // --- 1. XSD (and well-formedness). DOCTYPE is refused: the reference parser forbids DTDs, which ends in
    // its generic "Error while executing validation on xsd schema".
    if (this.info && this.info.schemas.length > 0 && !this.info.schemas.includes(header.typeIdExtension)) {
      return fail('SYNTAX_ERROR', [msgSchemaNotFound(header.typeIdExtension)]);
    }
    if (hasDoctype(text)) return fail('SYNTAX_ERROR', [MSG_XSD_GENERIC]);
    let doc: XmlDocument;
    try {
      doc = parseCda(cda);
    } catch {
      checked.push('well-formedness');
      return fail('SYNTAX_ERROR', [MSG_XSD_GENERIC]);
    }
    checked.push('well-formedness');
    /** the pre-check found no rule context on which an assert could fail or a report fire */
    let certified = false;
    try {
      const schema = this.info && this.info.schemas.length > 0 ? this.schema(header.typeIdExtension) : null;
      if (schema instanceof Error) {
        skipped.push(`XSD ${header.typeIdExtension} could not be compiled, XSD validation is OFF for it: ${schema.message}`);
      } else if (schema) {
        checked.push('XSD');
        let r: { ok: boolean; messages: string[] };
        try {
          r = schema.validate(doc);
        } catch {
          return fail('SYNTAX_ERROR', [MSG_XSD_GENERIC]);
        }
        if (!r.ok) return fail('SYNTAX_ERROR', r.messages);
      }
      // the schematron pre-check runs on the document libxml2 has just parsed for the XSD
      if (this.precheckOn && opts.schematron !== false && idx && this.info && Object.keys(this.info.schematronIndex).length > 0) {
        const compiled = await this.schematron(idx.file).catch(() => null);
        const pre = compiled ? this.precheck(idx.file, compiled) : null;
        if (pre) {
          try {
            certified = doc.eval(pre.xpath) === false;
          } catch {
            certified = false;
          }
        }
      }
    } finally {
      doc.dispose();
    }

    // --- 2. Schematron
    if (opts.schematron === false) {
      skipped.push('Schematron validation disabled by the caller.');
    } else if (this.info && Object.keys(this.info.schematronIndex).length > 0) {
      if (!idx) return fail('SEMANTIC_ERROR', [msgSchematronNotFound(header.templateIdRoot)]);
      let compiled: CompiledSchematron | null = null;
      try {
        compiled = await this.schematron(idx.file);
      } catch (e) {
        skipped.push(`Schematron ${idx.file} (v${idx.version}) cannot be used, schematron validation is OFF for this document: ${(e as Error).message}`);
      }
      if (compiled) {
        checked.push('schematron');
        let out: { failed: string[]; reports: string[] };
        try {
          out = certified ? { failed: [], reports: [] } : runSchematron(compiled, text);
          result.schematronBy = certified ? 'precheck' : 'saxonjs';
        } catch (e) {
          skipped.push(`Schematron ${idx.file} raised a runtime error: ${(e as Error).message}`);
          return fail('SEMANTIC_ERROR', [MSG_SCH_GENERIC]);
        }
        const messages = [...out.failed, ...out.reports].map((t) => `[${t}]`);
        if (out.failed.length) return fail('SEMANTIC_ERROR', messages);
        if (out.reports.length) {
          result.result = 'SEMANTIC_WARNING';
          result.messages = messages;
        }
      }
    }

    // --- 3. Terminology (only when OK / SEMANTIC_WARNING)
    if (opts.terminology === false) {
      skipped.push('Terminology validation disabled by the caller.');
    } else if (this.terminology.dir) {
      checked.push('terminology');
      const t = this.terminology.check(extractCodedElements(text));
      if (t.unchecked.length) skipped.push(`Code systems without a dictionary in the catalogs were not checked: ${t.unchecked.join(', ')}.`);
      if (!t.ok) return fail('VOCABULARY_ERROR', [t.message!]);
    }
    return result;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.schemas.values()) if (s instanceof CompiledSchema) s.close();
    this.schemas.clear();
    for (const p of this.prechecks.values()) p?.xpath.dispose();
    this.prechecks.clear();
    this.schematrons.clear();
  }
}

export async function openValidator(opts: OpenValidatorOptions = {}): Promise<CdaValidator> {
  const dir = resolveCatalogsDir(opts.catalogsDir);
  const info = dir ? readCatalogsInfo(dir) : null;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  return new CatalogValidator(info, cacheDir, opts.schematronPrecheck ?? precheckFromEnv());
}

export interface PrecompileReport {
  file: string;
  version: string;
  ok: boolean;
  fromCache: boolean;
  ms: number;
  error?: string;
}

/** Compile (or verify in cache) every schematron listed in the catalogs' index. Useful to warm CI caches. */
export async function precompileSchematrons(catalogsDir: string, cacheDir: string = defaultCacheDir(), concurrency = 2): Promise<PrecompileReport[]> {
  const dir = resolveCatalogsDir(catalogsDir);
  if (!dir) throw new UserError('CATALOGS_DIR', 'precompileSchematrons needs a catalogs directory');
  const info = readCatalogsInfo(dir);
  const entries = new Map<string, string>();
  for (const v of Object.values(info.schematronIndex)) entries.set(v.file, v.version);
  const files = [...entries.keys()];
  const out: PrecompileReport[] = [];
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < files.length) {
      const file = files[i++]!;
      const t0 = performance.now();
      try {
        const c = await compileSchematron(path.resolve(dir, file), cacheDir);
        out.push({ file, version: entries.get(file)!, ok: true, fromCache: c.fromCache, ms: Math.round(performance.now() - t0) });
      } catch (e) {
        out.push({ file, version: entries.get(file)!, ok: false, fromCache: false, ms: Math.round(performance.now() - t0), error: (e as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  out.sort((a, b) => (a.file < b.file ? -1 : 1));
  return out;
}

export { SchemaCompileError, SchematronUnsupportedError };
