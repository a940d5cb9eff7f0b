/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. The harness honours it on 429 and 503, once per
 * exchange, never waiting longer than RETRY_AFTER_MAX_MS (README § "Infrastructure is not non-conformity").
 */

/** Longest wait the harness accepts before its one retry (a longer Retry-After is cut to this). */
export const RETRY_AFTER_MAX_MS = 60_000;

/** Statuses whose Retry-After is honoured. */
export const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * The wait (ms, 0…RETRY_AFTER_MAX_MS) a 429/503 answer asks for, or undefined when there is nothing to honour (other
 * status, no or unparsable header). A date in the past means "now" (0).
 */
export function retryAfterMs(status: number | undefined, headers: Record<string, string>, now: number = Date.now()): number | undefined {
  if (status === undefined || !RETRY_AFTER_STATUSES.has(status)) return undefined;
  const raw = (headers['retry-after'] ?? '').trim();
  if (!raw) return undefined;
  let ms: number;
  if (/^\d+$/.test(raw)) ms = Number(raw) * 1000;
  else {
    const t = Date.parse(raw);
    if (Number.isNaN(t) || !/[A-Za-z]{3},? /.test(raw)) return undefined;
    ms = t - now;
  }
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms));
}
