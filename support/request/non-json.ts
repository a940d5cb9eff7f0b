/**
 * Answers that are not JSON: a border or proxy error page, a web server's 403 page, a plain-text
 * error. The gateway's own errors are `application/problem+json`; anything else would leave the ledger's
 * errorType/errorDetail empty. Here such an answer gets a type `non-json:<media type>` and a detail: the HTML
 * `<title>`, or the first 200 characters of its text. The whole body stays in the evidence (the raw response bytes).
 */
export const NON_JSON_DETAIL_MAX = 200;
/** Prefix of the `errorType` of such an answer: `non-json:<media type>`. */
export const NON_JSON_TYPE_PREFIX = 'non-json:';

export interface NonJsonAnswer {
  /** `non-json:text/html`, `non-json:text/plain`, … (`non-json:unknown` without Content-Type). */
  type: string;
  /** The page title or the start of its text; `(N bytes, <type>)` for binary bodies; '' for an empty body. */
  detail: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', laquo: '«', raquo: '»', rsquo: '’', lsquo: '‘', egrave: 'è', eacute: 'é', agrave: 'à', ograve: 'ò', ugrave: 'ù', igrave: 'ì' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const cut = (s: string): string => (s.length > NON_JSON_DETAIL_MAX ? `${s.slice(0, NON_JSON_DETAIL_MAX - 1)}…` : s);

function looksJson(contentType: string, text: string): boolean {
  if (/[/+]json\b/i.test(contentType)) return true;
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try { JSON.parse(t); return true; } catch { return false; }
}

/** Undefined when the body is JSON (the caller reads type/detail from it); else the type and a readable detail. */
export function describeNonJson(body: Uint8Array | undefined, contentTypeHeader?: string): NonJsonAnswer | undefined {
  const contentType = (contentTypeHeader ?? '').trim();
  const media = contentType.split(';')[0]!.trim().toLowerCase() || 'unknown';
  const bytes = body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : Buffer.alloc(0);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  const text = bytes.toString(charset && /^(iso-8859-1|latin1|us-ascii|windows-1252)$/.test(charset) ? 'latin1' : 'utf8');
  if (bytes.length > 0 && looksJson(contentType, text)) return undefined;
  const type = `${NON_JSON_TYPE_PREFIX}${media}`;
  if (bytes.length === 0) return { type, detail: '' };
  const isHtml = /html|xml/.test(media) || /^\s*(<!doctype html|<html|<head|<body|<title)/i.test(text);
  if (isHtml) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    const t = title ? squash(decodeEntities(title.replace(/<[^>]*>/g, ' '))) : '';
    if (t) return { type, detail: cut(t) };
    const visible = text
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' ');
    return { type, detail: cut(squash(decodeEntities(visible))) };
  }
  // binary (control characters other than whitespace, or invalid UTF-8 turned into U+FFFD)
  const controls = (text.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g) ?? []).length;
  if (controls > Math.max(2, text.length / 20)) return { type, detail: `(${bytes.length} bytes, ${media === 'unknown' ? 'no Content-Type' : media})` };
  return { type, detail: cut(squash(text)) };
}
