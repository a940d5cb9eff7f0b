/**
 * XSD validation of CDA documents with libxml2-wasm.
 *
 * The catalog's CDA.xsd includes `./coreschemas/<file>.xsd` while the files sit flat beside it; the reference
 * validator resolves includes by file name, and so do we: schemas are loaded through a private URL scheme
 * (`fse-xsd:///<n>/CDA.xsd`) served by an input provider that maps any path to `<schema dir>/<basename>`.
 * Each schema is parsed once per validator and reused; native objects are disposed on close().
 *
 * Known differences from the reference (Xerces):
 *  - message texts are libxml2's, not Xerces' (`cvc-...` codes); only the `LEVEL: line,col text` shape matches;
 *  - libxml2 does not report a column for validity errors, so `col` is usually 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  XmlDocument,
  XsdValidator,
  XmlValidateError,
  XmlParseError,
  ParseOption,
  xmlRegisterInputProvider,
  openBuffer,
  readBuffer,
  closeBuffer,
} from 'libxml2-wasm';
import type { ErrorDetail } from 'libxml2-wasm';

const SCHEME = 'fse-xsd:';
const schemaDirs = new Map<number, string>();
let nextDirId = 1;
let providerRegistered = false;

function ensureProvider(): void {
  if (providerRegistered) return;
  providerRegistered = true;
  xmlRegisterInputProvider({
    match: (filename: string) => filename.startsWith(SCHEME),
    open: (filename: string) => {
      // fse-xsd:///<id>/<anything>/<basename>
      const m = /^fse-xsd:\/*(\d+)\/(.*)$/.exec(filename);
      if (!m) return undefined;
      const dir = schemaDirs.get(Number(m[1]));
      if (!dir) return undefined;
      const base = path.posix.basename(m[2] ?? '');
      if (!base || base === '..' || base === '.') return undefined;
      try {
        return openBuffer(fs.readFileSync(path.join(dir, base)));
      } catch {
        return undefined;
      }
    },
    read: readBuffer,
    close: (fd: number) => {
      closeBuffer(fd);
      return true;
    },
  });
}

/** Parser options for untrusted CDA input: no network, no external entities, big line numbers. */
export const SAFE_PARSE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES;

/** True when the text contains a DOCTYPE declaration (refused: no DTDs, no entities). */
export function hasDoctype(text: string): boolean {
  return /<!DOCTYPE/i.test(text);
}

export class SchemaCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaCompileError';
  }
}

/** A compiled CDA.xsd for one typeId extension. */
export class CompiledSchema {
  readonly key: string;
  readonly dir: string;
  readonly compileMs: number;
  private validator: XsdValidator | null;
  private readonly dirId: number;

  constructor(key: string, dir: string) {
    ensureProvider();
    this.key = key;
    this.dir = dir;
    this.dirId = nextDirId++;
    schemaDirs.set(this.dirId, dir);
    const t0 = performance.now();
    const main = path.join(dir, 'CDA.xsd');
    let xsdDoc: XmlDocument;
    try {
      xsdDoc = XmlDocument.fromBuffer(fs.readFileSync(main), { url: `fse-xsd:///${this.dirId}/CDA.xsd`, option: ParseOption.XML_PARSE_NONET });
    } catch (e) {
      schemaDirs.delete(this.dirId);
      throw new SchemaCompileError(`cannot parse ${main}: ${(e as Error).message.trim()}`);
    }
    try {
      this.validator = XsdValidator.fromDoc(xsdDoc);
    } catch (e) {
      schemaDirs.delete(this.dirId);
      throw new SchemaCompileError(`cannot compile ${main}: ${(e as Error).message.trim()}`);
    } finally {
      xsdDoc.dispose();
    }
    this.compileMs = performance.now() - t0;
  }

  /**
   * Validate a parsed document. Returns the messages in the reference format, grouped WARN, ERROR, FATAL,
   * and whether validation failed (errors or fatal errors; warnings alone do not fail).
   */
  validate(doc: XmlDocument): { ok: boolean; messages: string[] } {
    if (!this.validator) throw new Error('schema validator already closed');
    try {
      this.validator.validate(doc);
      return { ok: true, messages: [] };
    } catch (e) {
      if (e instanceof XmlValidateError) {
        const messages = formatDetails(e.details);
        const failing = e.details.some((d) => d.level >= 2);
        return { ok: !failing, messages: failing ? messages : [] };
      }
      throw e;
    }
  }

  close(): void {
    if (this.validator) {
      this.validator.dispose();
      this.validator = null;
    }
    schemaDirs.delete(this.dirId);
  }
}

const LEVEL: Record<number, string> = { 1: 'WARN', 2: 'ERROR', 3: 'FATAL' };

export function formatDetails(details: ErrorDetail[]): string[] {
  const groups: string[][] = [[], [], []];
  for (const d of details) {
    const lvl = d.level >= 1 && d.level <= 3 ? d.level : 2;
    groups[lvl - 1]!.push(`${LEVEL[lvl]}: ${d.line},${d.col} ${d.message.trim()}`);
  }
  return [...groups[0]!, ...groups[1]!, ...groups[2]!];
}

/** Parse untrusted CDA bytes/text. Throws XmlParseError (or Error for DOCTYPE) when not acceptable. */
export function parseCda(cda: string | Uint8Array): XmlDocument {
  if (typeof cda === 'string') return XmlDocument.fromString(cda, { option: SAFE_PARSE });
  return XmlDocument.fromBuffer(cda, { option: SAFE_PARSE });
}

export { XmlParseError };
