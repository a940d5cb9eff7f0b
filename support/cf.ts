/**
 * Italian fiscal code (codice fiscale) helpers, as the national gateway checks them (`it-fse-gtw-dispatcher` `CfUtility`):
 * 16 characters, letters in positions 1–6, a correct check character. Positional date digits are not
 * checked, so omocodia (digits replaced by L M N P Q R S T U V) is tolerated.
 */

import { MEF_OID } from './gateway/oids.ts';

// Values for characters in odd (1st, 3rd, ...) positions; digits share the value of the letter at the same index.
const ODD_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

function charIndex(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48; // '0'..'9'
  if (c >= 65 && c <= 90) return c - 65; // 'A'..'Z'
  return -1;
}

/**
 * Check character for the first 15 characters of a fiscal code (input is upper-cased first).
 * Throws a TypeError when the input is not 15 alphanumeric characters.
 */
export function cfCheckChar(first15: string): string {
  const s = first15.toUpperCase();
  if (!/^[A-Z0-9]{15}$/.test(s)) throw new TypeError('cfCheckChar expects exactly 15 letters or digits');
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const idx = charIndex(s[i]!);
    // position i+1 is odd when i is even
    sum += i % 2 === 0 ? ODD_VALUES[idx]! : idx;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** True for a syntactically valid 16-character fiscal code with the right check character (case-insensitive). */
export function isValidCf(cf: string): boolean {
  if (typeof cf !== 'string') return false;
  const s = cf.toUpperCase();
  if (!/^[A-Z]{6}[A-Z0-9]{9}[A-Z]$/.test(s)) return false;
  return cfCheckChar(s.slice(0, 15)) === s[15];
}

/** HL7 v2.5 CX form used by `sub` and `person_id`: `CF^^^&2.16.840.1.113883.2.9.4.3.2&ISO`. */
export function toCx(cf: string): string {
  return `${cf}^^^&${MEF_OID}&ISO`;
}

/** Check digit of an 11-digit partita IVA (Luhn-like algorithm of the Agenzia delle Entrate). */
export function partitaIvaCheckDigit(first10: string): string {
  if (!/^\d{10}$/.test(first10)) throw new TypeError('partitaIvaCheckDigit expects exactly 10 digits');
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let d = first10.charCodeAt(i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True for 11 digits with a correct partita IVA check digit. */
export function isValidPartitaIva(piva: string): boolean {
  return typeof piva === 'string' && /^\d{11}$/.test(piva) && partitaIvaCheckDigit(piva.slice(0, 10)) === piva[10];
}
