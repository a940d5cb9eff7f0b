/**
 * The gateway base URL of a profile. RT publishes one form for CART, gateway version 2:
 * `https://<host>/gateway/v2/` (RT specification §2: stage `https://fse20gwstage.regione.toscana.it/gateway/v2/`).
 * Every path of the harness is relative to it (`documents/validate-and-create`, …), so anything else — `/`,
 * `/gateway/v1/`, `/gateway/v2//`, a query — would send requests to the wrong place or with a double slash.
 *
 * Rule: https, no user:password, no query or fragment, path exactly `/gateway/v2/`. A missing trailing slash
 * (`…/gateway/v2`) is added silently; everything else is refused with a message that shows the expected form.
 */
export const BASE_URL_PATH = '/gateway/v2/';
export const BASE_URL_FORM = 'https://<host>[:<port>]/gateway/v2/ (e.g. https://fse20gwstage.regione.toscana.it/gateway/v2/)';

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

/** Normalises a base URL or says, in one sentence, what is wrong with it (never throws). */
export function normaliseBaseUrl(raw: string): BaseUrlCheck {
  // never echo a password that was put in the URL by mistake
  const shown = typeof raw === 'string' ? raw.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@]*@/, '$1***@') : String(raw);
  const bad = (why: string): BaseUrlCheck => ({ ok: false, problem: `${JSON.stringify(shown)} ${why}; expected ${BASE_URL_FORM}` });
  if (typeof raw !== 'string' || raw.trim() === '') return bad('is empty');
  if (raw !== raw.trim()) return bad('has leading or trailing spaces');
  // The raw text is checked, not the parsed URL: `new URL` would silently resolve `..` segments and collapse nothing else.
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(raw);
  if (!m) return bad('is not an absolute URL');
  if (m[1]!.toLowerCase() !== 'https') return bad(`uses ${m[1]}:// (mutual TLS needs https://)`);
  const authority = m[2]!;
  if (authority.includes('@')) return bad('contains a user name or password (credentials never go in the gateway URL)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return bad('is not a valid URL');
  }
  if (!url.hostname) return bad('has no host');
  if (m[4] !== undefined) return bad('has a query string');
  if (m[5] !== undefined) return bad('has a fragment (#…)');
  let path = m[3]!;
  if (path === '/gateway/v2') path = BASE_URL_PATH;
  if (path !== BASE_URL_PATH) {
    const what = path === '' || path === '/' ? 'has no path' : `has the path ${JSON.stringify(path)}`;
    return bad(`${what}, not ${BASE_URL_PATH}`);
  }
  return { ok: true, url: `https://${url.host}${BASE_URL_PATH}` };
}
