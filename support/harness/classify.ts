import { NON_JSON_TYPE_PREFIX } from '../request/non-json.ts';

/** Tags of the scenarios whose expected answer comes from the official catalogs (XSD, schematron, terminology). */
export const CATALOG_TAGS = '@sintassi or @schematron or @terminologia';

/** Why a scenario was skipped (nothing sent for it), as the end of a run reports it. */
export const SKIP_REASONS = {
  catalogs: 'they need the official catalogs in the simulator (set FSE_CATALOGS_DIR)',
  stopped: 'the run was stopped (see RUN STOPPED above): nothing sent for them',
  'vendor-pdf': 'they are written for another patient than the one the vendor PDF carries, and a vendor PDF is sent as is (nothing sent; give <TYPE>.xml instead to run them with your content)',
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/**
 * Where a refusal happened, for messages and the report's failure categories. `proxy`: an HTTP answer that is not
 * JSON and carries no X-Cart-id — a page from a corporate proxy, a web filter or another server on the way, never
 * CART's (CART puts an X-Cart-id on every answer it gives).
 */
export type FailureStage = 'border' | 'dispatcher' | 'validator' | 'cart' | 'proxy' | 'network' | 'none';

/** `o` is a ledger row or an exchange outcome (`httpStatus` '' = no HTTP answer; `xCartId` '' = none in the answer). */
export function failureStage(o: { httpStatus: number | ''; errorType: string; xCartId: string }): FailureStage {
  if (o.errorType.startsWith('network:')) return 'network';
  if (o.httpStatus === '' || o.httpStatus < 400) return 'none';
  // an HTML/plain-text error page: CART's only if it carries CART's X-Cart-id
  if (o.errorType.startsWith(NON_JSON_TYPE_PREFIX)) return o.xCartId ? 'cart' : 'proxy';
  if (/govway\.org/.test(o.errorType)) return 'border';
  if (/^\/msg\/(syntax|semantic|vocabulary|validator)$/.test(o.errorType)) return 'validator';
  if (o.errorType.startsWith('/msg/')) return 'dispatcher';
  return 'cart';
}

const LABEL: Record<FailureStage, string> = {
  border: 'bordo (GovWay: token, certificati, conformità alla OpenAPI)',
  dispatcher: 'dispatcher del gateway',
  validator: 'validatore CDA (XSD/schematron/terminologia)',
  cart: 'CART',
  proxy: 'rete/proxy (risposta non JSON senza X-Cart-id: proxy, filtro web o altro server)',
  network: 'rete/TLS (nessuna risposta HTTP)',
  none: '-',
};
export function stageLabel(s: FailureStage): string { return LABEL[s]; }

/** The ledger's `infrastructure` value for an answer that came from the infrastructure, not from the vendor's software. */
export const INFRASTRUCTURE = 'infrastruttura';

/** HTTP statuses that are the infrastructure's answers: CART's rate limit and CART/gateways not reaching the service. */
export const INFRASTRUCTURE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * True when an exchange that did not get its expected answer got the infrastructure's instead: no HTTP answer
 * (network, TLS, timeout), 429, 502/503/504 (CART could not reach the national gateway, or limited the rate), or a
 * non-JSON page without X-Cart-id (a proxy or web server on the way). Such a call says nothing about the vendor's
 * software: it is reported as `infrastruttura`, never as NON CONFORME (README § "Infrastructure is not
 * non-conformity"). A call that got exactly what it expected is never infrastructure (a scenario may expect a 503).
 */
export function isInfrastructure(o: { httpStatus: number | ''; errorType: string; xCartId: string; expected?: number | '' }): boolean {
  if (o.expected !== undefined && o.expected !== '' && o.httpStatus === o.expected) return false;
  const stage = failureStage(o);
  if (stage === 'network' || stage === 'proxy') return true;
  return o.httpStatus !== '' && INFRASTRUCTURE_STATUSES.has(o.httpStatus);
}

/**
 * Thrown by a step whose call got the infrastructure's answer: not an assertion failure, so the report shows the
 * scenario as "broken" in the category "Infrastruttura" (support/report/allure.ts), never as a failed (non-conforming)
 * one; the message carries `[infrastruttura]`, which the category matches.
 */
export class InfrastructureError extends Error {
  constructor(call: string) {
    super(`[infrastruttura] risposta dell'infrastruttura, non del gateway: ${call} — not a non-conformity of the software: repeat the call`);
    this.name = 'InfrastructureError';
  }
}
