/**
 * multipart/form-data reader with the dispatcher's semantics (Spring + Tomcat), shared by the border's view of the
 * parts (GovWay's commons-fileupload reads them the same way):
 *  - parts without a `form-data` Content-Disposition or without a `name` are skipped (Tomcat and commons-fileupload
 *    skip them; docs/gateway-conditions.md S-02);
 *  - `file`: the first part named `file` that has a filename (a MultipartFile); a `file` part without filename is a
 *    plain parameter, so the file counts as missing;
 *  - `requestBody`: the first part named `requestBody` WITHOUT filename (`request.getParameter`), decoded as UTF-8
 *    (or the part's charset), whatever its Content-Type;
 *  - the whole body is buffered (bounded by the route's body limit) and parsed with Buffer.indexOf, so malformed or
 *    truncated input can never hang or crash the server.
 */
export interface ParsedPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export type MultipartResult =
  | { ok: true; parts: ParsedPart[]; file?: Buffer; requestBody?: string; fileTooLarge: boolean }
  | { ok: false; reason: string; noBoundary: boolean };

const MAX_PARTS = 100;
const MAX_PART_HEADER = 16 * 1024;

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;]{1,200}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function param(header: string, name: string): string | undefined {
  const re = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const m = re.exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

export function parseMultipart(body: Buffer, contentType: string | undefined, o: { maxFileBytes: number }): MultipartResult {
  const boundary = boundaryOf(contentType);
  if (!boundary) return { ok: false, reason: 'no boundary in Content-Type', noBoundary: true };
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const crlfDelim = Buffer.from(`\r\n--${boundary}`, 'latin1');
  let pos = body.indexOf(delim);
  if (pos < 0) return { ok: false, reason: 'boundary not found', noBoundary: false };
  const parts: ParsedPart[] = [];
  let fileTooLarge = false;
  for (;;) {
    pos += delim.length;
    // After a delimiter: "--" = end, else CRLF then headers.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    // Transport padding (spaces/tabs) is allowed before CRLF.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) return { ok: false, reason: 'malformed delimiter line', noBoundary: false };
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
    if (headerEnd < 0 || headerEnd - pos > MAX_PART_HEADER) return { ok: false, reason: 'part headers not terminated', noBoundary: false };
    const headerText = body.subarray(pos, headerEnd).toString('utf8');
    const dataStart = headerEnd + 4;
    const next = body.indexOf(crlfDelim, dataStart - 2);
    if (next < 0) return { ok: false, reason: 'multipart body truncated (closing boundary missing)', noBoundary: false };
    const headers = new Map<string, string>();
    for (const line of headerText.split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
    }
    const cd = headers.get('content-disposition');
    const name = cd && /^form-data\b/i.test(cd) ? param(cd, 'name') : undefined;
    if (name === undefined) { pos = next + 2; continue; }
    const filename = param(cd!, 'filename');
    const data = next < dataStart ? body.subarray(0, 0) : body.subarray(dataStart, next);
    const part: ParsedPart = { name, data };
    if (filename !== undefined) part.filename = filename;
    const ct = headers.get('content-type');
    if (ct !== undefined) part.contentType = ct;
    if (filename !== undefined && data.length > o.maxFileBytes) fileTooLarge = true;
    parts.push(part);
    if (parts.length > MAX_PARTS) return { ok: false, reason: `more than ${MAX_PARTS} parts`, noBoundary: false };
    pos = next + 2;
  }
  const filePart = parts.find((p) => p.name === 'file' && p.filename !== undefined);
  const rbPart = parts.find((p) => p.name === 'requestBody' && p.filename === undefined);
  let requestBody: string | undefined;
  if (rbPart) {
    const cs = rbPart.contentType ? param(`;${rbPart.contentType.split(';').slice(1).join(';')}`, 'charset') : undefined;
    const enc: BufferEncoding = cs && /^(iso-8859-1|latin1|us-ascii)$/i.test(cs) ? 'latin1' : 'utf8';
    requestBody = rbPart.data.toString(enc);
  }
  const res: MultipartResult = { ok: true, parts, fileTooLarge };
  if (filePart) res.file = Buffer.from(filePart.data);
  if (requestBody !== undefined) res.requestBody = requestBody;
  return res;
}
