/**
 * Faults on demand, for the harness's reliability tests. Injected faults are consumed in FIFO order by matching
 * requests (optionally only those whose path contains `route`); `count` defaults to 1 (Infinity = until cleared).
 *  - latency:   delay the answer by `ms` (then answer normally);
 *  - status:    CART answers 429/500/502/503/504 itself (CART-shaped body, X-Cart-id), optionally with
 *               `Retry-After: <retryAfter>` seconds (CART's rate limit, a gateway asking to come back later);
 *  - reset:     destroy the socket without answering;
 *  - no-answer: never answer (the socket is released only when the simulator closes or the client gives up);
 *  - commit-lost: the gateway does its work — a create/replace is STORED, a delete done — and then loses the answer:
 *               never answers (no `ms`), or answers only after `ms` (longer than the client's timeout). The harness
 *               must then count the document as "maybe published" and delete it at the end (README § "Interrupted
 *               runs and clean-up").
 */
export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; retryAfter?: number }
  | { kind: 'reset' }
  | { kind: 'no-answer' }
  | { kind: 'commit-lost'; ms?: number };

export interface FaultOptions { count?: number; route?: string }

interface Armed { fault: Fault; remaining: number; route?: string }

const MAX_LATENCY_MS = 10 * 60 * 1000;

export function validateFault(f: unknown): Fault {
  if (!f || typeof f !== 'object') throw new Error('fault must be an object');
  const o = f as Record<string, unknown>;
  switch (o.kind) {
    case 'latency':
      if (typeof o.ms !== 'number' || !Number.isFinite(o.ms) || o.ms < 0 || o.ms > MAX_LATENCY_MS) {
        throw new Error(`latency.ms must be a number between 0 and ${MAX_LATENCY_MS}`);
      }
      return { kind: 'latency', ms: o.ms };
    case 'status':
      if (o.status !== 429 && o.status !== 500 && o.status !== 502 && o.status !== 503 && o.status !== 504) throw new Error('status.status must be 429, 500, 502, 503 or 504');
      if (o.retryAfter !== undefined && (typeof o.retryAfter !== 'number' || !Number.isInteger(o.retryAfter) || o.retryAfter < 0 || o.retryAfter > 86_400)) {
        throw new Error('status.retryAfter must be a whole number of seconds from 0 to 86400');
      }
      return { kind: 'status', status: o.status, ...(o.retryAfter !== undefined ? { retryAfter: o.retryAfter } : {}) };
    case 'reset':
      return { kind: 'reset' };
    case 'no-answer':
      return { kind: 'no-answer' };
    case 'commit-lost':
      if (o.ms !== undefined && (typeof o.ms !== 'number' || !Number.isFinite(o.ms) || o.ms < 0 || o.ms > MAX_LATENCY_MS)) {
        throw new Error(`commit-lost.ms must be a number between 0 and ${MAX_LATENCY_MS} (or absent: never answer)`);
      }
      return { kind: 'commit-lost', ...(o.ms !== undefined ? { ms: o.ms } : {}) };
    default:
      throw new Error('fault.kind must be latency, status, reset, no-answer or commit-lost');
  }
}

export class FaultController {
  private armed: Armed[] = [];
  injected = 0;
  fired = 0;

  inject(fault: Fault, o: FaultOptions = {}): void {
    const f = validateFault(fault);
    const count = o.count ?? 1;
    if (!(count > 0)) throw new Error('count must be > 0');
    if (this.armed.length >= 1000) throw new Error('too many armed faults (max 1000)');
    this.armed.push({ fault: f, remaining: count, route: o.route });
    this.injected++;
  }

  clear(): void { this.armed = []; }

  pending(): Array<{ fault: Fault; remaining: number; route?: string }> {
    return this.armed.map((a) => ({ ...a }));
  }

  /** Takes the next fault matching the request path (consuming one use), or undefined. */
  take(path: string): Fault | undefined {
    const i = this.armed.findIndex((a) => !a.route || path.includes(a.route));
    if (i < 0) return undefined;
    const a = this.armed[i]!;
    a.remaining -= 1;
    if (a.remaining <= 0) this.armed.splice(i, 1);
    this.fired++;
    return a.fault;
  }
}
