/**
 * Europe/Rome local time, the two ways the contract writes it: HL7 TS with offset in the CDA
 * (`yyyyMMddHHmmss+0100`, `+0200` in summer) and the 14-digit `yyyyMMddHHmmss` of the request-body dates
 * (always local time, never UTC: national guide "Interfacce REST Gateway", body field catalogue).
 */

const ROME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

const tsCache = new Map<number, string>();

/** HL7 TS in Europe/Rome local time with its offset: `yyyyMMddHHmmss+0100` (or `+0200` in summer). */
export function hl7Ts(d: Date): string {
  const key = d.getTime();
  const hit = tsCache.get(key);
  if (hit !== undefined) return hit;
  const v = formatRome(d);
  if (tsCache.size > 256) tsCache.clear();
  tsCache.set(key, v);
  return v;
}

function formatRome(d: Date): string {
  const p: Record<string, string> = {};
  for (const part of ROME.formatToParts(d)) p[part.type] = part.value;
  const tz = p['timeZoneName'] ?? 'GMT';
  const m = /([+-])(\d{2}):?(\d{2})/.exec(tz);
  const off = m ? `${m[1]}${m[2]}${m[3]}` : '+0000';
  return `${p['year']}${p['month']}${p['day']}${p['hour']}${p['minute']}${p['second']}${off}`;
}

/** `yyyyMMddHHmmss` in Europe/Rome local time (always 14 digits): the body's `dataInizioPrestazione` / `dataFinePrestazione`. */
export function formatDtm(d: Date): string {
  return hl7Ts(d).slice(0, 14);
}

/**
 * Date and time as an Italian reader (RT's staff) reads it: `dd/MM/yyyy HH:mm:ss` in Europe/Rome local time, with
 * the UTC offset so that the hour repeated when summer time ends stays unambiguous: `05/12/2026 06:03:18 (UTC+01:00)`.
 * An unparseable input is returned as given (a ledger row is never dropped for its timestamp).
 */
export function romeDateTime(d: Date | string): string {
  const date = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(date.getTime())) return String(d);
  const ts = hl7Ts(date);
  return `${ts.slice(6, 8)}/${ts.slice(4, 6)}/${ts.slice(0, 4)} ${ts.slice(8, 10)}:${ts.slice(10, 12)}:${ts.slice(12, 14)}`
    + ` (UTC${ts.slice(14, 17)}:${ts.slice(17, 19)})`;
}

/**
 * An HL7 TS (`yyyy[MM[dd[HH[mm[ss[.S…]]]]]][±ZZZZ]`) as the body's 14-digit `yyyyMMddHHmmss` in Europe/Rome local time:
 * with an offset the instant is converted; without one the time is already local and only padded (a date alone is
 * midnight). Null when the value is not an HL7 TS.
 */
export function dtmFromHl7Ts(ts: string): string | null {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d{1,4})?([+-])?(\d{2})?(\d{2})?$/.exec(ts.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh, om] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (!sign) return `${y}${mo}${d}${h}${mi}${s}`;
  if (oh === undefined || om === undefined) return null;
  const offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
  return formatDtm(new Date(utc));
}
