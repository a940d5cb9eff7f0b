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
