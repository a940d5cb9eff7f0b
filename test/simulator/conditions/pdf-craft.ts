/**
 * PDF structures for the F rows: incremental updates appended after signing (the signature stays valid, as in the
 * reference's reading), written with a small serializer of the project's PDF reader objects.
 */
import { PdfDict, PdfName, PdfReader, PdfRef, PdfStream, PdfString, isArray, isDict, type PdfObject } from '../../../support/pdf/reader.ts';

/** PDF syntax of a parsed object (strings as hex). */
export function serialize(o: PdfObject | undefined): string {
  if (o === undefined || o === null) return 'null';
  if (typeof o === 'number') return Number.isInteger(o) ? String(o) : o.toFixed(6);
  if (typeof o === 'boolean') return o ? 'true' : 'false';
  if (o instanceof PdfName) return `/${o.name}`;
  if (o instanceof PdfString) return `<${Buffer.from(o.bytes).toString('hex')}>`;
  if (o instanceof PdfRef) return `${o.num} ${o.gen} R`;
  if (isArray(o)) return `[${o.map(serialize).join(' ')}]`;
  if (o instanceof PdfStream) throw new Error('streams are not re-serialised');
  if (isDict(o)) return `<<${[...o.map].map(([k, v]) => `/${k} ${serialize(v)}`).join(' ')}>>`;
  throw new Error('unknown PDF object');
}

/** Appends an incremental update with these objects (number → PDF text), classic xref table, same /Root. */
export function incrementalUpdate(pdf: Uint8Array, objects: Record<number, string>): Buffer {
  const r = new PdfReader(pdf);
  const text = Buffer.from(pdf).toString('latin1');
  const sx = text.lastIndexOf('startxref');
  const prev = Number(/startxref\s+(\d+)/.exec(text.slice(sx))![1]);
  const root = r.trailer.get('Root') as PdfRef;
  const size = Number(r.trailer.get('Size') ?? 0);
  const nums = Object.keys(objects).map(Number).sort((a, b) => a - b);
  let out = Buffer.from(pdf);
  const offsets = new Map<number, number>();
  for (const n of nums) {
    const chunk = Buffer.from(`\n${n} 0 obj\n${objects[n]}\nendobj\n`, 'latin1');
    offsets.set(n, out.length + 1);
    out = Buffer.concat([out, chunk]);
  }
  const xrefAt = out.length;
  let xref = 'xref\n';
  for (const n of nums) xref += `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n \n`;
  const newSize = Math.max(size, nums[nums.length - 1]! + 1);
  xref += `trailer\n<< /Size ${newSize} /Root ${root.num} ${root.gen} R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([out, Buffer.from(xref, 'latin1')]);
}

export interface SignatureLayout { reader: PdfReader; acroRef?: PdfRef; acro: PdfDict; fieldRefs: PdfObject[]; sigField: PdfDict; sigFieldRef: PdfRef; sigDictRef: PdfRef; nextNum: number }

/** Where the (single) signature of a signed PDF lives. */
export function signatureLayout(pdf: Uint8Array): SignatureLayout {
  const r = new PdfReader(pdf);
  const cat = r.catalog()!;
  const acroRaw = cat.get('AcroForm');
  const acro = r.resolve(acroRaw) as PdfDict;
  const fields = r.resolve(acro.get('Fields'));
  const fieldRefs = isArray(fields) ? fields : [];
  const sigFieldRef = fieldRefs.find((f) => f instanceof PdfRef && (r.resolve(f) as PdfDict).get('FT') instanceof PdfName) as PdfRef;
  const sigField = r.resolve(sigFieldRef) as PdfDict;
  const sigDictRef = sigField.get('V') as PdfRef;
  return { reader: r, acroRef: acroRaw instanceof PdfRef ? acroRaw : undefined, acro, fieldRefs, sigField, sigFieldRef, sigDictRef, nextNum: Number(r.trailer.get('Size') ?? 1000) };
}

/** A copy of a dictionary with some keys replaced (undefined removes). */
export function withKeys(d: PdfDict, changes: Record<string, string | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of d.map) if (!(k in changes)) parts.push(`/${k} ${serialize(v)}`);
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) parts.push(`/${k} ${v}`);
  return `<<${parts.join(' ')}>>`;
}

/** The catalog rewritten with other keys (for an AcroForm that is direct in the catalog). */
export function catalogWith(pdf: Uint8Array, changes: Record<string, string | undefined>): { num: number; text: string } {
  const r = new PdfReader(pdf);
  const root = r.trailer.get('Root') as PdfRef;
  return { num: root.num, text: withKeys(r.catalog()!, changes) };
}
