/**
 * CART layer (Regione Toscana's application-cooperation gateway; RT "FSE 2.0 PRIVATI — specifiche tecniche" v1.2,
 * X-Cart-id): every response — success, gateway error, border error, CART error, unknown route, 413, injected
 * fault — carries `X-Cart-id` (UUID v4). CART's own error bodies are not documented publicly (RT publishes neither
 * their format nor whether CART alters the gateway's errors); the simulator uses a problem+json body with a
 * `urn:cart:` type so that a harness can tell them from GovWay (`govway_id`) and dispatcher (`traceID`) errors.
 */
import { randomUUID } from 'node:crypto';
import { jsonAnswer, type HttpAnswer } from './answers.ts';

export const CART_ID_HEADER = 'x-cart-id';

export function newCartId(): string {
  return randomUUID();
}

export const CART_TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A CART-generated error (the request never reached the national gateway). */
export function cartError(status: number, detail: string, cartId: string): HttpAnswer {
  const title = CART_TITLES[status] ?? 'Error';
  const name = title.replace(/[^A-Za-z]/g, '');
  return jsonAnswer(status, {
    type: `urn:cart:error:${status}:${name}`,
    title,
    status,
    detail,
    cart_id: cartId,
  }, 'application/problem+json');
}
