/**
 * ISO Schematron for the FSE catalogs: our own small SCH → XSLT 3 generator, compiled to SEF with the
 * `xslt3` compiler (child process, once per file, cached on disk) and run in-process with SaxonJS.
 *
 * Supported subset (everything the official catalog files use; anything else is reported, never ignored):
 *   schema/@queryBinding (xslt2|xslt3|absent), schema/title, ns, pattern (id), pattern-level let,
 *   rule@context, rule-level let (@value, or XSLT instructions as content), assert, report,
 *   name (optionally @path) and value-of inside assert/report text.
 * Not supported (reported as an error for that file): include, extends, abstract rules, phase, diagnostics,
 * emph/dir/span, let at schema level, foreign elements elsewhere.
 *
 * Semantics follow the ISO skeleton that ph-schematron (the reference validator) uses:
 *   - every pattern is a separate traversal of the document (one XSLT mode per pattern);
 *   - within a pattern a node is handled by the FIRST rule (document order) whose context matches it:
 *     rule templates get strictly decreasing priorities;
 *   - the traversal visits elements (and comments/PIs), not attributes or text (as the skeleton's default
 *     `select="*"`), so contexts ending in an attribute step never fire;
 *   - pattern-level lets are evaluated once with the document node as context (skeleton: global variables);
 *     here they are passed down as tunnel parameters;
 *   - a failed assert / successful report text is the literal text with `name` / `value-of` expanded,
 *     whitespace kept as written (the SVRL text node).
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { XmlDocument, XmlElement, XmlText, XmlCData, ParseOption } from 'libxml2-wasm';
import type { XmlTreeNode } from 'libxml2-wasm';
import type { SchModel, SchPatternModel, SchRuleModel } from './xpath-precheck.ts';

const require = createRequire(import.meta.url);

/** Bump when the generated XSLT changes: it is part of the SEF cache key. */
export const GENERATOR_VERSION = 'fse-sch2xslt-5';

const SCH_NS = 'http://purl.oclc.org/dsdl/schematron';
const XSL_NS = 'http://www.w3.org/1999/XSL/Transform';

export class SchematronUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchematronUnsupportedError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------------------

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}
function escAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

function children(el: XmlElement): XmlTreeNode[] {
  const out: XmlTreeNode[] = [];
  for (let n = el.firstChild; n; n = n.next) out.push(n);
  return out;
}
function isSch(n: XmlTreeNode, local?: string): n is XmlElement {
  return n instanceof XmlElement && n.namespaceUri === SCH_NS && (local === undefined || n.name === local);
}
function attr(el: XmlElement, name: string): string | null {
  const a = el.attr(name);
  return a ? a.value : null;
}
function where(el: XmlElement): string {
  return `line ${el.line}`;
}
function isBlank(n: XmlTreeNode): boolean {
  return (n instanceof XmlText || n instanceof XmlCData) && n.content.trim() === '';
}
function isIgnorable(n: XmlTreeNode): boolean {
  // comments, processing instructions and whitespace-only text
  if (n instanceof XmlElement) return false;
  if (n instanceof XmlText || n instanceof XmlCData) return isBlank(n);
  return true;
}

/** Serialise XSLT instructions found inside a <let> (copied as they are). */
function serializeXslContent(el: XmlElement, file: string): string {
  if (el.namespaceUri !== XSL_NS) {
    throw new SchematronUnsupportedError(`${file} ${where(el)}: element <${el.name}> in namespace '${el.namespaceUri}' inside <let> is not supported`);
  }
  let s = `<xsl:${el.name}`;
  for (const a of el.attrs) {
    if (a.namespaceUri) throw new SchematronUnsupportedError(`${file} ${where(el)}: namespaced attribute on xsl:${el.name}`);
    s += ` ${a.name}="${escAttr(a.value)}"`;
  }
  s += '>';
  for (const c of children(el)) {
    if (c instanceof XmlElement) s += serializeXslContent(c, file);
    else if (c instanceof XmlText || c instanceof XmlCData) s += escText(c.content);
  }
  return s + `</xsl:${el.name}>`;
}

function genLet(el: XmlElement, file: string, extra = ''): string {
  const name = attr(el, 'name');
  if (!name) throw new SchematronUnsupportedError(`${file} ${where(el)}: <let> without @name`);
  const value = attr(el, 'value');
  if (value !== null) return `<xsl:variable name="${escAttr(name)}" select="${escAttr(value)}"${extra}/>`;
  let body = '';
  for (const c of children(el)) {
    if (c instanceof XmlElement) body += serializeXslContent(c, file);
    else if ((c instanceof XmlText || c instanceof XmlCData) && !isBlank(c)) body += `<xsl:text>${escText(c.content)}</xsl:text>`;
  }
  return `<xsl:variable name="${escAttr(name)}"${extra}>${body}</xsl:variable>`;
}

/** The text of an assert/report, as an XSLT sequence constructor producing text. */
function genMessage(el: XmlElement, file: string): string {
  let s = '';
  for (const c of children(el)) {
    if (c instanceof XmlText || c instanceof XmlCData) {
      if (c.content.length) s += `<xsl:text>${escText(c.content)}</xsl:text>`;
    } else if (c instanceof XmlElement) {
      if (isSch(c, 'name')) {
        const p = attr(c, 'path');
        s += `<xsl:value-of select="name(${p ? escAttr(p) : '.'})"/>`;
      } else if (isSch(c, 'value-of')) {
        const sel = attr(c, 'select');
        if (!sel) throw new SchematronUnsupportedError(`${file} ${where(c)}: <value-of> without @select`);
        s += `<xsl:value-of select="${escAttr(sel)}"/>`;
      } else {
        const other = c as XmlElement;
        throw new SchematronUnsupportedError(`${file} ${where(other)}: <${other.name}> inside <${el.name}> is not supported`);
      }
    }
  }
  return s;
}

export interface GeneratedXslt {
  xslt: string;
  /** the tests, for the XPath 1.0 pre-check (xpath-precheck.ts) */
  model: SchModel;
  patterns: number;
  rules: number;
  asserts: number;
  reports: number;
  title: string | null;
}

/** Translate an ISO schematron document (text) into an XSLT 3 stylesheet producing `<r><f>..</f><w>..</w></r>`. */
export function schematronToXslt(schText: string, file = 'schematron'): GeneratedXslt {
  if (/<!DOCTYPE/i.test(schText)) throw new SchematronUnsupportedError(`${file}: DOCTYPE is not allowed`);
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(schText, { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES });
  } catch (e) {
    throw new SchematronUnsupportedError(`${file}: not well-formed XML (${(e as Error).message.trim()})`);
  }
  try {
    const root = doc.root;
    if (!isSch(root, 'schema')) throw new SchematronUnsupportedError(`${file}: root element is not an ISO schematron <schema> (namespace ${SCH_NS})`);
    const qb = attr(root, 'queryBinding');
    if (qb !== null && !['xslt2', 'xslt3', 'xpath2', 'xpath3', 'xpath31'].includes(qb.toLowerCase())) {
      throw new SchematronUnsupportedError(`${file}: queryBinding '${qb}' is not supported`);
    }
    const nsDecls = new Map<string, string>();
    const patterns: XmlElement[] = [];
    let title: string | null = null;
    for (const c of children(root)) {
      if (isIgnorable(c)) continue;
      if (isSch(c, 'ns')) {
        const prefix = attr(c, 'prefix');
        const uri = attr(c, 'uri');
        if (!prefix || uri === null) throw new SchematronUnsupportedError(`${file} ${where(c)}: <ns> needs @prefix and @uri`);
        if (prefix === 'xsl' || prefix === 'xs') {
          if ((prefix === 'xsl' && uri !== XSL_NS) || (prefix === 'xs' && uri !== 'http://www.w3.org/2001/XMLSchema')) {
            throw new SchematronUnsupportedError(`${file}: prefix '${prefix}' bound to an unexpected namespace`);
          }
          continue;
        }
        nsDecls.set(prefix, uri);
      } else if (isSch(c, 'pattern')) {
        patterns.push(c);
      } else if (isSch(c, 'title') || isSch(c, 'p')) {
        if (isSch(c, 'title')) title = c.content.trim();
      } else if (c instanceof XmlElement) {
        throw new SchematronUnsupportedError(`${file} ${where(c)}: <${c.name}> at schema level is not supported`);
      }
      // stray non-blank text between elements is ignored, as the ISO skeleton does
      // (schematron_Lettera_VACC_v1.4.sch has a stray '>' inside a rule)
    }

    const out: string[] = [];
    let nsAttrs = ` xmlns:xsl="${XSL_NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema"`;
    for (const [p, u] of nsDecls) nsAttrs += ` xmlns:${p}="${escAttr(u)}"`;
    out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
    out.push(`<xsl:stylesheet version="3.0"${nsAttrs} exclude-result-prefixes="#all">`);
    out.push(`<xsl:output method="xml" indent="no" encoding="UTF-8" omit-xml-declaration="yes"/>`);

    let nRules = 0;
    let nAsserts = 0;
    let nReports = 0;
    const rootCalls: string[] = [];
    const modes: string[] = [];
    const model: SchModel = { ns: Object.fromEntries(nsDecls), patterns: [] };
    const letModel = (l: XmlElement): { name: string; value: string | null } => ({ name: attr(l, 'name') ?? '', value: attr(l, 'value') });
    patterns.forEach((pat, pi) => {
      const mode = `M${pi}`;
      const patLets: XmlElement[] = [];
      const rules: XmlElement[] = [];
      for (const c of children(pat)) {
        if (isIgnorable(c)) continue;
        if (isSch(c, 'let')) patLets.push(c);
        else if (isSch(c, 'rule')) rules.push(c);
        else if (isSch(c, 'title') || isSch(c, 'p')) continue;
        else if (c instanceof XmlElement) throw new SchematronUnsupportedError(`${file} ${where(c)}: <${c.name}> inside <pattern> is not supported`);
      }
      if (attr(pat, 'is-a') !== null || attr(pat, 'abstract') === 'true') {
        throw new SchematronUnsupportedError(`${file} ${where(pat)}: abstract patterns are not supported`);
      }
      // Pattern-level lets: evaluated at the document node, passed to every rule as tunnel parameters.
      const letNames = patLets.map((l) => attr(l, 'name') ?? '');
      let call = '';
      call += '<xsl:for-each select="/">';
      for (const l of patLets) call += genLet(l, file);
      call += `<xsl:apply-templates select="." mode="${mode}">`;
      for (const n of letNames) call += `<xsl:with-param name="${escAttr(n)}" select="$${n}" tunnel="yes"/>`;
      call += '</xsl:apply-templates></xsl:for-each>';
      rootCalls.push(call);
      const params = letNames.map((n) => `<xsl:param name="${escAttr(n)}" tunnel="yes"/>`).join('');
      const patModel: SchPatternModel = { lets: patLets.map(letModel), rules: [] };
      model.patterns.push(patModel);

      const top = rules.length + 10;
      rules.forEach((rule, ri) => {
        nRules++;
        if (attr(rule, 'abstract') === 'true' || attr(rule, 'extends') !== null) {
          throw new SchematronUnsupportedError(`${file} ${where(rule)}: abstract rules / extends are not supported`);
        }
        const ctx = attr(rule, 'context');
        if (!ctx) throw new SchematronUnsupportedError(`${file} ${where(rule)}: <rule> without @context`);
        let body = params;
        const ruleModel: SchRuleModel = { context: ctx, lets: [], asserts: [], reports: [] };
        patModel.rules.push(ruleModel);
        for (const c of children(rule)) {
          if (isIgnorable(c)) continue;
          if (isSch(c, 'let')) {
            body += genLet(c, file);
            ruleModel.lets.push(letModel(c));
          }
          else if (isSch(c, 'assert') || isSch(c, 'report')) {
            const test = attr(c, 'test');
            if (!test) throw new SchematronUnsupportedError(`${file} ${where(c)}: <${c.name}> without @test`);
            if (attr(c, 'diagnostics') !== null || attr(c, 'properties') !== null) {
              // diagnostics are not part of the SVRL text the reference validator reports; harmless to skip
            }
            const msg = genMessage(c, file);
            (c.name === 'assert' ? ruleModel.asserts : ruleModel.reports).push(test);
            if (c.name === 'assert') {
              nAsserts++;
              body += `<xsl:if test="not(${escAttr(test)})"><f>${msg}</f></xsl:if>`;
            } else {
              nReports++;
              body += `<xsl:if test="${escAttr(test)}"><w>${msg}</w></xsl:if>`;
            }
          } else if (c instanceof XmlElement) {
            throw new SchematronUnsupportedError(`${file} ${where(c)}: <${c.name}> inside <rule> is not supported`);
          }
        }
        body += `<xsl:apply-templates select="*" mode="${mode}"/>`;
        modes.push(`<xsl:template match="${escAttr(ctx)}" priority="${top - ri}" mode="${mode}">${body}</xsl:template>`);
      });
      modes.push(`<xsl:template match="text()" priority="-1" mode="${mode}"/>`);
      modes.push(`<xsl:template match="@*|node()" priority="-2" mode="${mode}"><xsl:apply-templates select="*" mode="${mode}"/></xsl:template>`);
    });

    out.push(`<xsl:template match="/"><r>${rootCalls.join('')}</r></xsl:template>`);
    out.push(...modes);
    out.push('</xsl:stylesheet>');
    return { xslt: out.join('\n'), model, patterns: patterns.length, rules: nRules, asserts: nAsserts, reports: nReports, title };
  } finally {
    doc.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Compilation (xslt3 → SEF), cached
// ---------------------------------------------------------------------------------------------------------

/** `$FSE_CACHE_DIR/schematron` when FSE_CACHE_DIR is set (it is the harness' cache root), else `<project>/.cache/schematron`. */
export function defaultCacheDir(): string {
  if (process.env.FSE_CACHE_DIR) return path.join(process.env.FSE_CACHE_DIR, 'schematron');
  // <project>/.cache/schematron : this file is <project>/support/catalogs/schematron.ts
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '.cache', 'schematron');
}

function saxonVersion(): string {
  try {
    return (require('saxon-js/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function sefCacheKey(schText: string | Buffer): string {
  return createHash('sha256').update(GENERATOR_VERSION).update('\0').update(saxonVersion()).update('\0').update(schText).digest('hex');
}

export function findXslt3(): string | null {
  try {
    return require.resolve('xslt3/xslt3.js');
  } catch {
    return null;
  }
}

function execFileP(cmd: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const e = err as Error & { stderr?: string };
        e.stderr = String(stderr);
        reject(e);
      } else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export interface CompiledSchematron {
  /** Parsed SEF (SaxonJS stylesheetInternal). */
  sef: unknown;
  sefPath: string;
  fromCache: boolean;
  compileMs: number;
  stats: Omit<GeneratedXslt, 'xslt' | 'model'>;
  /** the schematron's text, for the pre-check (built lazily by the validator) */
  schText: string;
}

const inflight = new Map<string, Promise<CompiledSchematron>>();

/**
 * Generate + compile (or load from cache) the SEF for one .sch file.
 * Throws SchematronUnsupportedError for files we cannot translate, Error for compile failures.
 */
export function compileSchematron(schPath: string, cacheDir: string): Promise<CompiledSchematron> {
  let schText: Buffer;
  try {
    schText = fs.readFileSync(schPath);
  } catch (e) {
    return Promise.reject(new Error(`cannot read schematron ${schPath}: ${(e as Error).message}`));
  }
  const key = sefCacheKey(schText);
  const sefPath = path.join(cacheDir, `${key.slice(0, 32)}.sef.json`);
  const metaPath = path.join(cacheDir, `${key.slice(0, 32)}.meta.json`);
  const existing = inflight.get(sefPath);
  if (existing) return existing;
  const p = (async (): Promise<CompiledSchematron> => {
    const t0 = performance.now();
    if (fs.existsSync(sefPath) && fs.existsSync(metaPath)) {
      try {
        const sef = JSON.parse(fs.readFileSync(sefPath, 'utf8')) as unknown;
        const stats = JSON.parse(fs.readFileSync(metaPath, 'utf8')) as CompiledSchematron['stats'];
        return { sef, sefPath, fromCache: true, compileMs: performance.now() - t0, stats, schText: schText.toString('utf8') };
      } catch {
        // corrupt cache entry: recompile below
      }
    }
    const gen = schematronToXslt(schText.toString('utf8'), path.basename(schPath));
    const xslt3 = findXslt3();
    if (!xslt3) throw new Error('the xslt3 compiler (npm package "xslt3") is not installed, cannot compile schematron to SEF');
    let writable = true;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      fs.accessSync(cacheDir, fs.constants.W_OK);
    } catch {
      writable = false; // read-only install: compile anyway, keep the SEF in memory only
    }
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fse-sch-'));
    try {
      const xslPath = path.join(tmpDir, 'sch.xsl');
      const outPath = path.join(tmpDir, 'sch.sef.json');
      fs.writeFileSync(xslPath, gen.xslt);
      try {
        await execFileP(process.execPath, [xslt3, `-xsl:${xslPath}`, `-export:${outPath}`, '-nogo', '-relocate:on'], 10 * 60_000);
      } catch (e) {
        const stderr = ((e as { stderr?: string }).stderr ?? '').trim();
        throw new Error(`xslt3 could not compile the stylesheet generated from ${path.basename(schPath)}: ${stderr.split('\n').slice(0, 8).join(' | ') || (e as Error).message}`);
      }
      const sefText = fs.readFileSync(outPath, 'utf8');
      const sef = JSON.parse(sefText) as unknown;
      const { xslt: _x, model: _m, ...stats } = gen;
      if (!writable) return { sef, sefPath: outPath, fromCache: false, compileMs: performance.now() - t0, stats, schText: schText.toString('utf8') };
      // atomic publish into the cache
      const tmpSef = `${sefPath}.${process.pid}.tmp`;
      fs.writeFileSync(tmpSef, sefText);
      fs.renameSync(tmpSef, sefPath);
      const tmpMeta = `${metaPath}.${process.pid}.tmp`;
      fs.writeFileSync(tmpMeta, JSON.stringify({ ...stats, file: path.basename(schPath), generator: GENERATOR_VERSION }));
      fs.renameSync(tmpMeta, metaPath);
      return { sef, sefPath, fromCache: false, compileMs: performance.now() - t0, stats, schText: schText.toString('utf8') };
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  })();
  inflight.set(sefPath, p);
  p.catch(() => undefined).finally(() => inflight.delete(sefPath));
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------------------

interface SaxonLike {
  transform(options: Record<string, unknown>, mode?: 'sync' | 'async'): unknown;
  getPlatform(): { parseXmlFromString(text: string): unknown };
}
let saxon: SaxonLike | null = null;
function getSaxon(): SaxonLike {
  if (!saxon) saxon = require('saxon-js') as SaxonLike;
  return saxon;
}

export interface SchematronOutcome {
  /** failed-assert texts, in document order */
  failed: string[];
  /** successful-report texts, in document order */
  reports: string[];
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITY[e] ?? _m;
  });
}

/** Parse the serialized `<r>` produced by the generated stylesheet. */
export function parseOutcome(xml: string): SchematronOutcome {
  const failed: string[] = [];
  const reports: string[] = [];
  const re = /<([fw])(?:\/>|>([\s\S]*?)<\/\1>)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    const text = unescapeXml(m[2] ?? '');
    (m[1] === 'f' ? failed : reports).push(text);
  }
  return { failed, reports };
}

/** Run a compiled schematron on a CDA (text). Throws on SaxonJS dynamic errors. */
export function runSchematron(compiled: CompiledSchematron, cdaText: string): SchematronOutcome {
  const s = getSaxon();
  const res = s.transform(
    {
      stylesheetInternal: compiled.sef,
      sourceText: cdaText,
      destination: 'serialized',
    },
    'sync',
  ) as { principalResult?: string };
  return parseOutcome(String(res.principalResult ?? ''));
}
