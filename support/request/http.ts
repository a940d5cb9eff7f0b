import { Client, buildConnector, errors as undiciErrors } from 'undici';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ProxyTunnel, ProxyTunnelError, type ProxyConfig } from '../net/proxy.ts';

/**
 * HTTP/1.1 client for the gateway over mutual TLS (undici `Client` + connector from the SAME package).
 * It keeps the exact bytes written to and read from the TLS socket (plaintext side), so the evidence holds
 * precisely what was sent and received.
 *
 * Retries: NONE, on purpose. validate-and-create and replace publish a document; a retry after a timeout or a
 * reset could publish twice (the dispatcher has no synchronous duplicate check: `PublicationCTL.validateAndCreate` accepts an id twice), and even DELETE/PUT are
 * only idempotent for the registry, not for the evidence RT expects (one X-Cart-id per call). Every failure is
 * recorded as it is and reported; the operator decides. `pipelining: 1` and one request at a time per client
 * keep the capture unambiguous.
 *
 * Behind a corporate proxy (support/net/proxy.ts) the TCP connection is a CONNECT tunnel and the TLS session runs
 * inside it, end to end with the gateway: the capture tap sits on the TLS socket either way, so the evidence holds
 * the same plaintext bytes, and the CONNECT request (with any Proxy-Authorization) is never part of it.
 */
export interface TlsMaterial {
  /** The client certificate, optionally followed by its intermediates (PEM, leaf first): sent in the handshake. */
  certPem: string;
  keyPem: string;
  /** CA bundle that must have issued the server certificate; undefined = system trust store. */
  caPem?: string;
  /** TLS SNI / hostname check override (defaults to the URL host). */
  servername?: string;
}

export interface SendRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path relative to the base URL, already percent-encoded, without leading slash. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface ExchangeResult {
  requestBytes: Buffer;
  responseBytes: Buffer | null;
  status?: number;
  headers: Record<string, string>;
  body?: Buffer;
  /** Set when no complete HTTP response arrived (TLS failure, reset, timeout, name not resolved, proxy refusal). */
  error?: { code: string; message: string; cause: 'tls' | 'reset' | 'timeout' | 'refused' | 'dns' | 'proxy' | 'other' };
  elapsedMs: number;
}

interface Capture { w: Buffer[]; r: Buffer[] }

export class GatewayClient {
  readonly baseUrl: URL;
  private readonly client: Client;
  private readonly tunnel: ProxyTunnel | null;
  private capture: Capture = { w: [], r: [] };
  private queue: Promise<unknown> = Promise.resolve();

  /** `proxy`: a CONNECT proxy (support/net/proxy.ts resolveProxy), or null/undefined for a direct connection. */
  constructor(baseUrl: string, tls: TlsMaterial, o: { timeoutMs?: number; proxy?: ProxyConfig | null } = {}) {
    this.baseUrl = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    const timeout = o.timeoutMs ?? 30_000;
    const connector = buildConnector({
      cert: tls.certPem,
      key: tls.keyPem,
      ca: tls.caPem,
      servername: tls.servername,
      rejectUnauthorized: true,
      // a custom `connect` bypasses the Client's connectTimeout: the TCP + TLS handshake limit is set here
      timeout: Math.min(timeout, 10_000),
    } as buildConnector.BuildOptions);
    const self = this;
    const tunnel = o.proxy ? new ProxyTunnel(o.proxy, { timeoutMs: timeout }) : null;
    this.tunnel = tunnel;
    this.client = new Client(this.baseUrl.origin, {
      pipelining: 1,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connectTimeout: Math.min(timeout, 10_000),
      connect(opts, cb) {
        const done: buildConnector.Callback = (err, socket) => {
          if (socket) self.tap(socket as Duplex);
          cb(err, socket as never);
        };
        if (!tunnel) { connector(opts, done); return; }
        // CONNECT tunnel first, then TLS over it (undici's `httpSocket`), as undici's ProxyAgent does
        tunnel.open(opts.hostname, Number(opts.port) || 443).then(
          (raw) => { connector({ ...opts, httpSocket: raw as Socket }, done); },
          (err: unknown) => { cb(err as Error, null); },
        );
      },
    });
  }

  private tap(socket: Duplex): void {
    const self = this;
    const write = socket.write;
    socket.write = function (this: Duplex, chunk: unknown, enc?: unknown, cb?: unknown) {
      if (chunk) self.capture.w.push(typeof chunk === 'string' ? Buffer.from(chunk, (typeof enc === 'string' ? enc : 'latin1') as BufferEncoding) : Buffer.from(chunk as Uint8Array));
      return (write as (...a: unknown[]) => boolean).call(this, chunk, enc, cb);
    } as typeof socket.write;
    const push = socket.push;
    socket.push = function (this: Duplex, chunk: unknown, enc?: BufferEncoding) {
      if (chunk) self.capture.r.push(Buffer.from(chunk as Uint8Array));
      return push.call(this, chunk, enc);
    } as typeof socket.push;
  }

  /** Sends one request; never throws for transport failures (they come back in `error`). */
  send(req: SendRequest): Promise<ExchangeResult> {
    const run = this.queue.then(() => this.sendNow(req), () => this.sendNow(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sendNow(req: SendRequest): Promise<ExchangeResult> {
    this.capture = { w: [], r: [] };
    const path = new URL(req.path, this.baseUrl).pathname + (new URL(req.path, this.baseUrl).search || '');
    const t0 = performance.now();
    try {
      const res = await this.client.request({ method: req.method, path, headers: req.headers, body: req.body ? Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength) : undefined });
      const body = Buffer.from(await res.body.arrayBuffer());
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
      return {
        requestBytes: Buffer.concat(this.capture.w),
        responseBytes: Buffer.concat(this.capture.r),
        status: res.statusCode,
        headers,
        body,
        elapsedMs: performance.now() - t0,
      };
    } catch (err) {
      return {
        requestBytes: Buffer.concat(this.capture.w),
        responseBytes: this.capture.r.length ? Buffer.concat(this.capture.r) : null,
        headers: {},
        error: classifyError(err),
        elapsedMs: performance.now() - t0,
      };
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => this.client.destroy());
    await this.tunnel?.close();
  }
}

export function classifyError(err: unknown): NonNullable<ExchangeResult['error']> {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code ?? 'UNKNOWN';
  const message = [e?.message, e?.cause?.message].filter(Boolean).join(': ') || String(err);
  let cause: NonNullable<ExchangeResult['error']>['cause'] = 'other';
  if (err instanceof ProxyTunnelError || /^FSE_PROXY_/.test(code)) return { code, message, cause: 'proxy' };
  if (/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|EAI_NODATA)$/.test(code)) return { code, message, cause: 'dns' };
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError || err instanceof undiciErrors.ConnectTimeoutError || /TIMEOUT/i.test(code)) cause = 'timeout';
  else if (/ECONNRESET|UND_ERR_SOCKET|EPIPE/.test(code) || /other side closed|socket hang up/i.test(message)) cause = 'reset';
  else if (/ECONNREFUSED/.test(code)) cause = 'refused';
  if (/CERT|TLS|SSL|self.signed|certificate|handshake|alert/i.test(`${code} ${message}`)) cause = 'tls';
  return { code, message, cause };
}
