/**
 * JSON as the Java side reads it: Jackson's default `ObjectMapper` (strict JSON: no comments, no single quotes, no
 * trailing commas), reading the FIRST value of the input and ignoring anything after it
 * (`DeserializationFeature.FAIL_ON_TRAILING_TOKENS` is off by default), duplicate keys keeping the last value.
 * The dispatcher reads the `requestBody` parameter this way (`StringUtility#fromJSONJackson`, docs/gateway-conditions.md
 * BD-02, BD-04) and so does the border when it parses a JSON part or body (B-06).
 * On a syntax error the result carries a message worded like Jackson's `JsonParseException` for the common cases
 * (the exact wording of every Jackson message is not reproduced) and the 1-based line and column of the error.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type JsonRead =
  | { ok: true; value: JsonValue; end: number }
  | { ok: false; message: string; line: number; column: number; endOfInput: boolean };

class JsonSyntax extends Error {
  readonly pos: number;
  readonly endOfInput: boolean;
  constructor(message: string, pos: number, endOfInput = false) {
    super(message);
    this.pos = pos;
    this.endOfInput = endOfInput;
  }
}

const VALUE_EXPECTED = "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

function describeChar(s: string, i: number): string {
  const cp = s.codePointAt(i)!;
  const shown = cp < 0x20 ? `(CTRL-CHAR, code ${cp})` : `'${String.fromCodePoint(cp)}' (code ${cp})`;
  return cp < 0x20 ? `Illegal character (${shown.slice(1, -1)})` : `Unexpected character (${shown})`;
}

/** Reads the first JSON value of `text` (leading whitespace skipped). */
export function readFirstJsonValue(text: string): JsonRead {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const eof = (what: string): never => { throw new JsonSyntax(`Unexpected end-of-input${what}`, i, true); };
  const bad = (why: string): never => { throw new JsonSyntax(`${describeChar(text, i)}: ${why}`, i); };

  const parseString = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= n) eof(': was expecting closing quote for a string value');
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return out; }
      if (c === 0x5c) {
        i++;
        if (i >= n) eof(' in character escape sequence');
        const e = text[i]!;
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in map) { out += map[e]; i++; continue; }
        if (e === 'u') {
          const hex = text.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntax('Unexpected character in unicode escape: expected a hex-digit for character escape sequence', i);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 5;
          continue;
        }
        throw new JsonSyntax(`Unrecognized character escape '${e}' (code ${e.charCodeAt(0)})`, i);
      }
      if (c < 0x20) throw new JsonSyntax(`Illegal unquoted character ((CTRL-CHAR, code ${c})): has to be escaped using backslash to be included in string value`, i);
      out += text[i];
      i++;
    }
  };

  const parseNumber = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-') bad(VALUE_EXPECTED);
    const after = text[i + m![0].length];
    if (after !== undefined && /[0-9]/.test(after)) throw new JsonSyntax('Invalid numeric value: Leading zeroes not allowed', i);
    i += m![0].length;
    return Number(m![0]);
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > 1000) throw new JsonSyntax('Document nesting depth exceeds the maximum allowed', i);
    ws();
    if (i >= n) eof(`: ${VALUE_EXPECTED}`);
    const c = text[i]!;
    if (c === '{') {
      i++;
      const obj: { [k: string]: JsonValue } = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (i >= n) eof(': expected close marker for Object');
        if (text[i] !== '"') bad('was expecting double-quote to start field name');
        const key = parseString();
        ws();
        if (i >= n) eof(': expected close marker for Object');
        if (text[i] !== ':') bad('was expecting a colon to separate field name and value');
        i++;
        const v = parseValue(depth + 1);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (i >= n) eof(': expected close marker for Object');
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        bad('was expecting comma to separate Object entries');
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(parseValue(depth + 1));
        ws();
        if (i >= n) eof(': expected close marker for Array');
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        bad('was expecting comma to separate Array entries');
      }
    }
    if (c === '"') return parseString();
    if (c === '-' || (c >= '0' && c <= '9')) return parseNumber();
    const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 256))?.[0];
    if (word === 'true' || word === 'false' || word === 'null') {
      i += word.length;
      return word === 'true' ? true : word === 'false' ? false : null;
    }
    if (word) throw new JsonSyntax(`Unrecognized token '${word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`, i);
    return bad(VALUE_EXPECTED);
  };

  try {
    const value = parseValue(0);
    return { ok: true, value, end: i };
  } catch (e) {
    if (!(e instanceof JsonSyntax)) throw e;
    const before = text.slice(0, Math.min(e.pos, n));
    const lines = before.split('\n');
    // Jackson reports the location just after the offending character (1-based).
    return { ok: false, message: e.message, line: lines.length, column: lines[lines.length - 1]!.length + 2, endOfInput: e.endOfInput };
  }
}

/** The JSON type name openapi4j reports (`TypeValidator#getTypeFromValue`). */
export function jsonTypeOf(v: JsonValue): 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as 'boolean' | 'string' | 'object';
}
