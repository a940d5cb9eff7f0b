/** Tags of the scenarios whose expected answer comes from the official catalogs (XSD, schematron, terminology). */
export const CATALOG_TAGS = '@sintassi or @schematron or @terminologia';

/** Where a refusal happened, for messages and the report's failure categories. */
export type FailureStage = 'border' | 'dispatcher' | 'validator' | 'cart' | 'network' | 'none';

/** `o` is a ledger row or an exchange outcome (`httpStatus` '' = no HTTP answer). */
export function failureStage(o: { httpStatus: number | ''; errorType: string }): FailureStage {
  if (o.errorType.startsWith('network:')) return 'network';
  if (o.httpStatus === '' || o.httpStatus < 400) return 'none';
  if (/govway\.org/.test(o.errorType)) return 'border';
  if (/^\/msg\/(syntax|semantic|vocabulary|validator)$/.test(o.errorType)) return 'validator';
  if (o.errorType.startsWith('/msg/')) return 'dispatcher';
  return 'cart';
}

const LABEL: Record<FailureStage, string> = {
  border: 'bordo (GovWay: token/certificati)',
  dispatcher: 'dispatcher del gateway',
  validator: 'validatore CDA (XSD/schematron/terminologia)',
  cart: 'CART',
  network: 'rete/TLS (nessuna risposta HTTP)',
  none: '-',
};
export function stageLabel(s: FailureStage): string { return LABEL[s]; }
