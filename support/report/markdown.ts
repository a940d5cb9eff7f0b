/**
 * A tiny Markdown → HTML renderer for summary.md (the subset summary.ts writes): ATX headings, paragraphs,
 * `-` lists, `>` quotes, pipe tables, `---` rules, **bold**, _italic_, `code`, backslash escapes.
 * Everything is HTML-escaped; no raw HTML passes through.
 */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Inline formatting. Backslash-escaped characters are protected first, then code spans, then emphasis. */
export function inline(src: string): string {
  const slots: string[] = [];
  const hold = (html: string) => `\u0000${slots.push(html) - 1}\u0000`;
  let s = src.replace(/\\([\\`*_[\]<>|#-])/g, (_m, c: string) => hold(escapeHtml(c)));
  s = s.replace(/`([^`]+)`/g, (_m, c: string) => hold(`<code>${escapeHtml(c)}</code>`));
  s = escapeHtml(s);
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,;:])/g, '$1<em>$2</em>');
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => slots[Number(i)]!);
}

/** Splits a table row on unescaped pipes. */
function cells(line: string): string[] {
  let t = line.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '\\' && i + 1 < t.length) { cur += c + t[i + 1]; i++; continue; }
    if (c === '|') { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  out.push(cur.trim());
  return out;
}

const isSeparator = (l: string) => /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(l) && l.includes('|');

export function markdownToHtml(md: string): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') { i++; continue; }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) { const n = h[1]!.length; out.push(`<h${n}>${inline(h[2]!)}</h${n}>`); i++; continue; }
    if (/^\s*(---|\*\*\*)\s*$/.test(line)) { out.push('<hr>'); i++; continue; }
    if (line.trimStart().startsWith('|') && i + 1 < lines.length && isSeparator(lines[i + 1]!)) {
      const head = cells(line);
      i += 2;
      const body: string[][] = [];
      while (i < lines.length && lines[i]!.trimStart().startsWith('|')) body.push(cells(lines[i++]!));
      out.push('<table><thead><tr>' + head.map((c) => `<th>${inline(c)}</th>`).join('') + '</tr></thead><tbody>'
        + body.map((r) => '<tr>' + r.map((c) => `<td>${inline(c)}</td>`).join('') + '</tr>').join('') + '</tbody></table>');
      continue;
    }
    if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      while (i < lines.length && /^\s*[-*]\s+/.test(lines[i]!)) items.push(lines[i++]!.replace(/^\s*[-*]\s+/, ''));
      out.push('<ul>' + items.map((t) => `<li>${inline(t)}</li>`).join('') + '</ul>');
      continue;
    }
    if (line.startsWith('>')) {
      const q: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('>')) q.push(lines[i++]!.replace(/^>\s?/, ''));
      out.push(`<blockquote><p>${inline(q.join(' '))}</p></blockquote>`);
      continue;
    }
    const p: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,6}\s|>|\s*[-*]\s+|\s*\|)/.test(lines[i]!)) p.push(lines[i++]!);
    if (p.length === 0) { out.push(`<p>${inline(line)}</p>`); i++; continue; }
    out.push(`<p>${inline(p.join(' '))}</p>`);
  }
  return out.join('\n');
}

export function htmlDocument(title: string, bodyHtml: string): string {
  return `<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
  @page { size: A4 landscape; margin: 14mm 12mm; }
  body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #111; }
  h1 { font-size: 16pt; margin: 0 0 8pt; } h2 { font-size: 13pt; margin: 14pt 0 6pt; border-bottom: 1px solid #999; }
  h3 { font-size: 11pt; margin: 12pt 0 4pt; } h4 { font-size: 10pt; margin: 8pt 0 4pt; }
  table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  th, td { border: 1px solid #888; padding: 2pt 4pt; text-align: left; vertical-align: top; overflow-wrap: break-word; }
  th { white-space: nowrap; }
  th { background: #e8e8e8; }
  code { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; }
  td code { white-space: nowrap; }
  table { font-size: 8pt; }
  blockquote { margin: 6pt 0; padding: 4pt 8pt; border-left: 3pt solid #c00; background: #fdf0f0; }
  hr { border: 0; border-top: 1px solid #999; }
</style></head><body>
${bodyHtml}
</body></html>
`;
}
