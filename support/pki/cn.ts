/**
 * Regione Toscana certificate Common Name rule for private providers (RT "FSE 2.0 PRIVATI — specifiche tecniche"
 * v1.2, credentials):
 *   `An#` / `Sn#` + `090` (region) + partita IVA / numeric CF (11 digits) + TipDominio (XDS classCode, e.g. REF)
 *   + vendor name + ISTAT code of the provider's municipality (6 digits).
 * Example: `A1#09001386030488REFPIPP0048017` and its signature twin `S1#09001386030488REFPIPP0048017`.
 */
import { TIPO_DOCUMENTO_LIV_ALTO } from '../gateway/codes.ts';

/** XDS classCode values (`tipoDocumentoLivAlto`, support/gateway/codes.ts) usable as TipDominio. */
export const TIP_DOMINIO_CODES: readonly string[] = TIPO_DOCUMENTO_LIV_ALTO;

export const RT_REGION_CODE = '090';

export const RT_CN_RULE =
  'An#/Sn# + 090 + partita IVA (11 digits) + TipDominio (classCode such as REF) + vendor name + ISTAT code (6 digits), e.g. A1#09001386030488REFPIPP0048017';

export type ParsedRtCn =
  | { ok: true; kind: 'A' | 'S'; n: number; region: '090'; partitaIva: string; tipDominio: string; vendor: string; istat: string }
  | { ok: false; reason: string };

function checkParts(n: number, partitaIva: string, tipDominio: string, vendor: string, istat: string): string | undefined {
  if (!Number.isInteger(n) || n < 1) return `the certificate number must be a positive integer (got ${String(n)})`;
  if (!/^\d{11}$/.test(partitaIva)) return `the partita IVA must be exactly 11 digits (got "${partitaIva}")`;
  if (!TIP_DOMINIO_CODES.includes(tipDominio)) {
    return `TipDominio must be an XDS classCode (${TIP_DOMINIO_CODES.join(', ')}); got "${tipDominio}"`;
  }
  if (vendor.length === 0) return 'the vendor name must not be empty';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(vendor)) {
    return `the vendor name must be letters/digits (optionally . _ -), without spaces or "#" (got "${vendor}")`;
  }
  if (!/^\d{6}$/.test(istat)) return `the ISTAT code must be exactly 6 digits (got "${istat}")`;
  return undefined;
}

/** Builds an RT CN; throws a TypeError naming the bad part. */
export function buildRtCn(prefix: 'A' | 'S', n: number, partitaIva: string, tipDominio: string, vendor: string, istat: string): string {
  if (prefix !== 'A' && prefix !== 'S') throw new TypeError(`CN prefix must be "A" or "S" (got "${String(prefix)}")`);
  const problem = checkParts(n, partitaIva, tipDominio, vendor, istat);
  if (problem) throw new TypeError(`Cannot build the certificate CN: ${problem}`);
  return `${prefix}${n}#${RT_REGION_CODE}${partitaIva}${tipDominio}${vendor}${istat}`;
}

/**
 * The role prefix alone: `An#` (authentication) or `Sn#` (signature), n = 1, 2, … — the part of the CN the
 * gateway relies on (GovWay checks that the JWT signer is an `Sn#` certificate). RT's own example signature token
 * carries `integrity:S1#111FTGM0000000` (RT specification §14), a CN with the prefix but not the long form.
 */
export function rolePrefix(cn: string): { kind: 'A' | 'S'; n: number } | undefined {
  const m = /^([AS])(\d+)#/.exec(typeof cn === 'string' ? cn : '');
  if (!m || Number(m[2]) < 1) return undefined;
  return { kind: m[1] as 'A' | 'S', n: Number(m[2]) };
}

/** Parses an RT CN. Never throws: `{ ok: false, reason }` says what is wrong, in English. */
export function parseRtCn(cn: string): ParsedRtCn {
  if (typeof cn !== 'string' || cn.length === 0) return { ok: false, reason: 'the CN is empty' };
  const head = /^([AS])(\d+)#/.exec(cn);
  if (!head) {
    return { ok: false, reason: `"${cn}" does not start with "An#" (authentication) or "Sn#" (signature), n = 1, 2, ...` };
  }
  const kind = head[1] as 'A' | 'S';
  const n = Number(head[2]);
  let rest = cn.slice(head[0].length);
  if (!rest.startsWith(RT_REGION_CODE)) {
    return { ok: false, reason: `after "${head[0]}" the CN must continue with the Toscana region code 090 (got "${rest.slice(0, 3)}")` };
  }
  rest = rest.slice(3);
  const piva = /^\d{11}/.exec(rest);
  if (!piva) return { ok: false, reason: `after "${head[0]}090" the CN must continue with the 11-digit partita IVA (got "${rest.slice(0, 11)}")` };
  const partitaIva = piva[0];
  rest = rest.slice(11);
  if (/^\d/.test(rest)) return { ok: false, reason: 'the partita IVA in the CN has more than 11 digits' };
  const tipDominio = rest.slice(0, 3);
  rest = rest.slice(3);
  const tail = /^(.*?)(\d{6})$/.exec(rest);
  if (!tail) return { ok: false, reason: `the CN must end with the 6-digit ISTAT code of the provider's municipality (got "${cn}")` };
  const vendor = tail[1]!;
  const istat = tail[2]!;
  const problem = checkParts(n, partitaIva, tipDominio, vendor, istat);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, kind, n, region: '090', partitaIva, tipDominio, vendor, istat };
}
