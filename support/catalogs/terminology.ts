/**
 * Terminology check, modelled on the reference validator's `TerminologySRV` (`it-fse-gtw-validator`), with the
 * dictionaries read from `<catalogs>/terminology/<codeSystem OID>.csv` (header `version,code,description,release_date`).
 *
 * Steps (reference order):
 *  1. collect every element carrying @codeSystem (code, codeSystem, codeSystemVersion);
 *  2. drop allow-listed systems (a dictionary whose only purpose is the `#WHITELIST#` marker code);
 *  3. any remaining system with a dot-segment `999` or `9999` → "È stato trovato almeno un dizionario presente in Blocklist: [..]";
 *  4. drop systems without a dictionary (unknown) silently (we list them in `unchecked` for reports);
 *  5. a missing codeSystemVersion becomes the dictionary's latest version;
 *  6. a version the dictionary does not have → "È stata trovata almeno una versione non gestita di un dizionario: [sys vX, ..]";
 *  7. codes not in the dictionary → "Almeno uno dei seguenti vocaboli non è censito: [CodeSystem: sys vX, Codes: a, b], ...".
 *
 * Pragmatic simplifications (documented):
 *  - dictionaries whose CSV has an empty version column (most of them) are version-less: any codeSystemVersion
 *    written in the CDA is accepted and codes are looked up without version; the message then shows the CDA's
 *    version if any (`sys vX`), else just `sys` (as the reference's toString does for a null version);
 *  - elements with @codeSystem but no @code (e.g. nullFlavor) are ignored;
 *  - the LOINC answer-list rewrite (codeSystem 2.16.840.1.113883.6.1.AL for a few observations) is not
 *    done: the catalogs ship no LOINC table, so LOINC is never checked anyway;
 *  - "Non è stato trovato alcun dizionario gestito su FSE" is emitted when the terminology folder exists but is empty.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../csv.ts';

const WHITELIST_MARK = '#WHITELIST#';

export interface CodedElement {
  code: string;
  codeSystem: string;
  version: string | null;
}

interface Dictionary {
  system: string;
  /** version ('' for version-less rows) → codes */
  byVersion: Map<string, Set<string>>;
  allCodes: Set<string>;
  versionLess: boolean;
  latest: string | null;
  allowListed: boolean;
}

/** RFC 4180, whole file (see support/csv.ts). */
export { parseCsv };

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-]/);
  const pb = b.split(/[.\-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const XML_ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeAttr(v: string): string {
  if (!v.includes('&')) return v;
  return v.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (XML_ENTITY[e] ?? m),
  );
}

/**
 * Every start tag with a @codeSystem attribute, in document order (comments and CDATA sections skipped).
 * A quote-aware scan of the text: much cheaper than walking the libxml2 tree through wasm, and only used on
 * documents that libxml2 has already parsed (so they are well-formed).
 */
export function extractCodedElements(text: string): CodedElement[] {
  let t = text;
  if (t.includes('<!--')) t = t.replace(/<!--[\s\S]*?-->/g, '');
  if (t.includes('<![CDATA[')) t = t.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const out: CodedElement[] = [];
  const tagRe = /<[A-Za-z_][^\s/>]*((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;
  const attrRe = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  let m: RegExpExecArray | null;
  while ((m = tagRe.exec(t))) {
    const attrs = m[1];
    if (!attrs || !attrs.includes('codeSystem')) continue;
    let code: string | undefined;
    let codeSystem: string | undefined;
    let version: string | undefined;
    attrRe.lastIndex = 0;
    let a: RegExpExecArray | null;
    while ((a = attrRe.exec(attrs))) {
      const name = a[1];
      const value = a[2] ?? a[3] ?? '';
      if (name === 'codeSystem') codeSystem = decodeAttr(value);
      else if (name === 'code') code = decodeAttr(value);
      else if (name === 'codeSystemVersion') version = decodeAttr(value);
    }
    if (codeSystem === undefined) continue;
    if (code === undefined || code === '') continue; // elements without @code (nullFlavor...) are ignored
    out.push({ code, codeSystem, version: version ? version : null });
  }
  return out;
}

export function isBlocklisted(system: string): boolean {
  return system.split('.').some((s) => s === '999' || s === '9999');
}

export interface TerminologyOutcome {
  ok: boolean;
  /** the single reference message when !ok */
  message?: string;
  /** systems present in the CDA with no dictionary (not checked) */
  unchecked: string[];
}

export class TerminologyStore {
  readonly dir: string | null;
  /** OIDs with a dictionary file */
  readonly systems: string[];
  private readonly cache = new Map<string, Dictionary>();

  constructor(dir: string | null) {
    this.dir = dir;
    let systems: string[] = [];
    if (dir) {
      try {
        systems = fs
          .readdirSync(dir)
          .filter((f) => f.toLowerCase().endsWith('.csv'))
          .map((f) => f.slice(0, -4))
          .filter((s) => /^[0-9A-Za-z.\-_]+$/.test(s))
          .sort();
      } catch {
        systems = [];
      }
    }
    this.systems = systems;
  }

  has(system: string): boolean {
    return this.systems.includes(system);
  }

  private load(system: string): Dictionary {
    const hit = this.cache.get(system);
    if (hit) return hit;
    const text = fs.readFileSync(path.join(this.dir!, `${system}.csv`), 'utf8');
    const rows = parseCsv(text);
    const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
    let iv = header.indexOf('version');
    let ic = header.indexOf('code');
    const hasHeader = ic >= 0;
    if (!hasHeader) {
      iv = 0;
      ic = 1;
    }
    const byVersion = new Map<string, Set<string>>();
    const allCodes = new Set<string>();
    for (const r of hasHeader ? rows.slice(1) : rows) {
      const code = r[ic];
      if (code === undefined) continue;
      const version = iv >= 0 ? (r[iv] ?? '').trim() : '';
      let set = byVersion.get(version);
      if (!set) byVersion.set(version, (set = new Set()));
      set.add(code);
      allCodes.add(code);
    }
    const versions = [...byVersion.keys()].filter((v) => v !== '');
    versions.sort(compareVersions);
    const dict: Dictionary = {
      system,
      byVersion,
      allCodes,
      versionLess: versions.length === 0,
      latest: versions.length ? versions[versions.length - 1]! : null,
      allowListed: allCodes.has(WHITELIST_MARK),
    };
    this.cache.set(system, dict);
    return dict;
  }

  /** Load every dictionary now (warm-up). */
  preload(): void {
    for (const s of this.systems) this.load(s);
  }

  check(elements: CodedElement[]): TerminologyOutcome {
    if (this.dir && this.systems.length === 0) {
      return { ok: false, message: 'Non è stato trovato alcun dizionario gestito su FSE', unchecked: [] };
    }
    // 1-2: drop allow-listed systems
    let codes = elements.filter((e) => !(this.has(e.codeSystem) && this.load(e.codeSystem).allowListed));
    // 3: blocklist
    const blocked = [...new Set(codes.map((c) => c.codeSystem))].filter(isBlocklisted);
    if (blocked.length) {
      return { ok: false, message: `È stato trovato almeno un dizionario presente in Blocklist: [${blocked.join(', ')}]`, unchecked: [] };
    }
    // 4: unknown systems
    const unchecked = [...new Set(codes.filter((c) => !this.has(c.codeSystem)).map((c) => c.codeSystem))];
    codes = codes.filter((c) => this.has(c.codeSystem));
    // 5: missing version → latest
    const resolved = codes.map((c) => {
      const d = this.load(c.codeSystem);
      return { ...c, version: c.version ? c.version : d.latest };
    });
    // 6: unmanaged versions
    const invalid: string[] = [];
    for (const c of resolved) {
      const d = this.load(c.codeSystem);
      if (d.versionLess) continue;
      if (c.version !== null && !d.byVersion.has(c.version)) {
        const label = `${c.codeSystem} v${c.version}`;
        if (!invalid.includes(label)) invalid.push(label);
      }
    }
    if (invalid.length) {
      return { ok: false, message: `È stata trovata almeno una versione non gestita di un dizionario: [${invalid.join(', ')}]`, unchecked };
    }
    // 7: unknown codes, grouped by system+version in first-seen order
    const groups = new Map<string, { label: string; codes: string[] }>();
    for (const c of resolved) {
      const d = this.load(c.codeSystem);
      const set = d.versionLess ? d.allCodes : d.byVersion.get(c.version ?? '') ?? d.allCodes;
      if (set.has(c.code)) continue;
      const label = c.version ? `${c.codeSystem} v${c.version}` : c.codeSystem;
      let g = groups.get(label);
      if (!g) groups.set(label, (g = { label, codes: [] }));
      if (!g.codes.includes(c.code)) g.codes.push(c.code);
    }
    if (groups.size) {
      const parts = [...groups.values()].map((g) => `[CodeSystem: ${g.label}, Codes: ${g.codes.join(', ')}]`);
      return { ok: false, message: `Almeno uno dei seguenti vocaboli non è censito: ${parts.join(', ')}`, unchecked };
    }
    return { ok: true, unchecked };
  }
}
