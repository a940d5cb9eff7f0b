/**
 * RFC 4180 CSV (comma, `"` quoting with `""` escapes, CRLF or LF, line breaks inside quotes, optional BOM).
 * One parser for the whole project: the national accredited list, the terminology dictionaries and the ledger.
 */

/**
 * Returns only *complete* records (terminated by a line break outside quotes). The text after the last line
 * break — an unterminated record, e.g. a run killed mid-write, or a last line without a newline — is `partial`.
 */
export function parseCsvRecords(text: string): { records: string[][]; partial: string | null; inQuotes: boolean } {
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let inQuotes = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let recStart = i;
  while (i < text.length) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        inQuotes = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { inQuotes = true; i++; continue; }
    if (c === ',') { rec.push(field); field = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      rec.push(field); field = '';
      records.push(rec); rec = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      recStart = i;
      continue;
    }
    field += c; i++;
  }
  return { records, partial: recStart < text.length ? text.slice(recStart) : null, inQuotes };
}

/**
 * A whole file: the last line counts even without a final newline; an unterminated quoted field is an error;
 * blank lines are dropped.
 */
export function parseCsv(text: string): string[][] {
  const { records, partial, inQuotes } = parseCsvRecords(text);
  if (inQuotes) throw new Error('CSV: unterminated quoted field');
  const all = partial === null ? records : [...records, ...parseCsvRecords(`${partial}\n`).records];
  return all.filter((r) => !(r.length === 1 && r[0] === ''));
}
