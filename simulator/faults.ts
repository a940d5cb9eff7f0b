/**
 * Faults on demand, for the harness's reliability tests. Injected faults are consumed in FIFO order by matching
 * requests (optionally only those whose path contains `route`); `count` defaults to 1 (Infinity = until cleared).
 *  - latency:   delay the answer by `ms` (then answer normally);
 *  - status:    CART answers 500/502/503/504 itself (CART-shaped body, X-Cart-id);
 *  - reset:     destroy the socket without answering;
 *  - no-answer: never answer (the socket is released only when the simulator closes or the client gives up).
 */
export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  | { kind: 'reset' }
  | { kind: 'no-answer' };

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
      if (o.status !== 500 && o.status !== 502 && o.status !== 503 && o.status !== 504) throw new Error('status.status must be 500, 502, 503 or 504');
      return { kind: 'status', status: o.status };
    case 'reset':
      return { kind: 'reset' };
    case 'no-answer':
      return { kind: 'no-answer' };
    default:
      throw new Error('fault.kind must be latency, status, reset or no-answer');
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
