/**
 * Local stand-ins for what only exists on the way to the real stage, all on 127.0.0.1:
 *  - a CONNECT proxy that counts tunnels, checks Proxy-Authorization, can refuse (403/407/502) and maps every
 *    target (e.g. fse20gwstage.regione.toscana.it:443) to a local port — so a profile can keep RT's real stage
 *    URL while the bytes stay on this machine;
 *  - a black hole: a TCP server that accepts connections and never answers;
 *  - a stand-in gateway: HTTPS with mandatory client certificates and a configurable handler.
 */
import { createServer as createNetServer, connect as netConnect, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export interface ConnectProxy {
  url: string;
  port: number;
  /** Tunnels actually opened (200 answered and piped). */
  tunnels: number;
  /** Every CONNECT seen: target and headers (lower-case names). */
  seen: { target: string; headers: Record<string, string> }[];
  close(): Promise<void>;
}

export async function startConnectProxy(o: { auth?: string; refuse?: number; to: () => number }): Promise<ConnectProxy> {
  const state = { tunnels: 0, seen: [] as ConnectProxy['seen'] };
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const rest = head.subarray(end + 4);
      const [method, target] = lines[0]!.split(' ');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) { const i = l.indexOf(':'); if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim(); }
      state.seen.push({ target: target ?? '', headers });
      const answer = (status: number, text: string, extra = '') => client.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Type: text/html\r\nContent-Length: 29\r\nConnection: close\r\n\r\n<html><b>refused</b></html>\r\n`);
      if (method !== 'CONNECT') return answer(405, 'Method Not Allowed');
      if (o.auth !== undefined) {
        const expected = `Basic ${Buffer.from(o.auth).toString('base64')}`;
        if (headers['proxy-authorization'] !== expected) return answer(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="corp"\r\n');
      }
      if (o.refuse) return answer(o.refuse, o.refuse === 403 ? 'Forbidden' : 'Bad Gateway');
      const upstream = netConnect(o.to(), '127.0.0.1', () => {
        state.tunnels++;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (rest.length) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      sockets.add(upstream);
      upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get tunnels() { return state.tunnels; },
    get seen() { return state.seen; },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** Accepts TCP connections and never sends a byte (a black-holed address, without leaving the machine). */
export async function startBlackHole(): Promise<{ port: number; accepted: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createNetServer((s) => { accepted++; sockets.add(s); s.on('error', () => undefined); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    get accepted() { return accepted; },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

export interface StandInGateway {
  port: number;
  url: string;
  /** Requests that reached the handler (TLS with a client certificate passed). */
  requests: { method: string; url: string; clientCn: string; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

/** A CART-like 404 for the probe's DELETE of an id that cannot exist (X-Cart-id, problem+json). */
export function notFound404(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/problem+json', 'x-cart-id': randomUUID() });
  res.end(JSON.stringify({ type: '/msg/document-not-found', title: 'Documento non trovato', status: 404, detail: 'Documento non trovato', instance: '/document-not-found' }));
}

/** HTTPS with mandatory client certificates (trusting `caPem`), answering with `handler`. */
export async function startStandInGateway(o: { keyPem: string; certPem: string; caPem: string; handler: (req: IncomingMessage, res: ServerResponse) => void }): Promise<StandInGateway> {
  const requests: StandInGateway['requests'] = [];
  const sockets = new Set<Socket>();
  const server: HttpsServer = createHttpsServer({ key: o.keyPem, cert: o.certPem, ca: o.caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
    requests.push({ method: req.method ?? '', url: req.url ?? '', clientCn: String(peer?.subject?.CN ?? ''), headers: req.headers });
    req.resume();
    req.on('end', () => o.handler(req, res));
  });
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `https://127.0.0.1:${port}/gateway/v2/`,
    requests,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
