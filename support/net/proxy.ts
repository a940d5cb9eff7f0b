/**
 * Corporate proxies. Most vendors reach the internet through an HTTP(S) proxy: the gateway is
 * reached through a CONNECT tunnel, and mutual TLS runs end to end INSIDE the tunnel (the proxy sees only the
 * encrypted stream; the harness's exact-bytes capture stays on the TLS plaintext).
 *
 * Which proxy, in this order:
 *  1. the profile's `proxy` (`http://[user:pass@]host:port`, or `"none"` = always direct): overrides the environment;
 *  2. `https_proxy`, then `HTTPS_PROXY` (curl's order), unless the gateway host matches `no_proxy` / `NO_PROXY`
 *     (comma- or space-separated: `*`, `host`, `.domain` / `domain` (the domain and its subdomains), `host:port`,
 *     IP addresses and IPv4/IPv6 CIDR blocks). Loopback targets (localhost, 127.0.0.0/8, ::1) never use an
 *     environment proxy (as Go's ProxyFromEnvironment): a local simulator or stand-in is reached directly.
 * Credentials in the proxy URL become `Proxy-Authorization: Basic …` on the CONNECT request only; they are never
 * printed, logged or written to the evidence: every message shows the proxy as scheme://host:port.
 */
import { BlockList, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { Client } from 'undici';
import { UserError } from '../errors.ts';

export interface ProxyConfig {
  /** `scheme://host:port`, without credentials: the only form ever printed. */
  display: string;
  /** Origin for the connection to the proxy. */
  origin: string;
  hostname: string;
  port: number;
  /** `Basic …` when the URL carried user:password. Secret: never logged. */
  authorization?: string;
  /** Where the setting came from: `profile` (the profile's "proxy"), `https_proxy` or `HTTPS_PROXY`. */
  source: string;
}

/** A proxy URL with its user:password replaced by `***` (for messages about a URL that could not be parsed). */
export function maskProxyUrl(raw: string): string {
  return raw.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/@\s]*@/, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

/** Parses a proxy URL; a missing scheme means http:// (as curl). Throws one UserError naming `source`. */
export function parseProxyUrl(raw: string, source: string): ProxyConfig {
  const text = raw.trim();
  const where = source === 'profile' ? 'the profile\'s "proxy"' : `the environment variable ${source}`;
  const bad = (why: string): never => {
    throw new UserError('PROXY_INVALID', `${where} (${maskProxyUrl(text)}) ${why}`, 'Expected http://[user:password@]host:port (or https:// for a proxy reached over TLS); set "proxy": "none" in the profile to connect directly.');
  };
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return bad('is not a valid URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return bad(`uses ${u.protocol}// : only HTTP proxies (CONNECT tunnel) are supported, not SOCKS`);
  }
  if (!u.hostname) return bad('has no host');
  if (u.pathname !== '/' && u.pathname !== '') return bad('has a path: a proxy URL is only scheme://host:port');
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const display = `${u.protocol}//${u.hostname}:${port}`;
  const cfg: ProxyConfig = { display, origin: `${u.protocol}//${u.host}`, hostname: u.hostname.replace(/^\[|\]$/g, ''), port, source };
  if (u.username || u.password) {
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    cfg.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  return cfg;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** True when `host:port` matches the NO_PROXY list. */
export function noProxyMatches(host: string, port: number, noProxy: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const ipVersion = isIP(h);
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    // optional :port (not for bare IPv6 / CIDR)
    let entryPort: number | undefined;
    const pm = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (pm) { entry = pm[1]!; entryPort = Number(pm[2]); }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/')) {
      const [net, bits] = entry.split('/');
      const v = isIP(net!);
      if (!v || !ipVersion || v !== ipVersion) continue;
      try {
        const bl = new BlockList();
        bl.addSubnet(net!, Number(bits), v === 4 ? 'ipv4' : 'ipv6');
        if (bl.check(h, v === 4 ? 'ipv4' : 'ipv6')) return true;
      } catch { /* malformed CIDR: ignored */ }
      continue;
    }
    if (isIP(entry)) { if (entry === h) return true; continue; }
    const domain = entry.replace(/^\*?\./, '').replace(/\.$/, '');
    if (h === domain || h.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/**
 * The proxy to use for `target`, or null for a direct connection. Throws a UserError for an unusable proxy
 * setting (before any connection).
 */
export function resolveProxy(target: URL, o: { profileProxy?: string; env?: NodeJS.ProcessEnv } = {}): ProxyConfig | null {
  if (o.profileProxy !== undefined) {
    return o.profileProxy.trim().toLowerCase() === 'none' ? null : parseProxyUrl(o.profileProxy, 'profile');
  }
  const env = o.env ?? process.env;
  const name = env.https_proxy ? 'https_proxy' : env.HTTPS_PROXY ? 'HTTPS_PROXY' : undefined;
  if (!name) return null;
  const host = target.hostname;
  if (isLoopback(host)) return null;
  const port = Number(target.port || 443);
  const noProxy = env.no_proxy || env.NO_PROXY || '';
  if (noProxy && noProxyMatches(host, port, noProxy)) return null;
  return parseProxyUrl(env[name]!, name);
}

/** Why a tunnel could not be opened. `code` is FSE_PROXY_<status> or FSE_PROXY_UNREACHABLE. */
export class ProxyTunnelError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly proxy: string;
  readonly target: string;
  constructor(o: { code: string; message: string; proxy: string; target: string; status?: number; cause?: unknown }) {
    super(o.message, o.cause !== undefined ? { cause: o.cause } : undefined);
    this.name = 'ProxyTunnelError';
    this.code = o.code;
    this.proxy = o.proxy;
    this.target = o.target;
    if (o.status !== undefined) this.status = o.status;
  }
}

/** One clear sentence per refusal, naming the proxy (never its credentials). */
export function refusalMessage(proxy: ProxyConfig, target: string, status: number): string {
  const p = `the proxy ${proxy.display} (from ${proxy.source === 'profile' ? 'the profile' : proxy.source})`;
  switch (status) {
    case 407:
      return proxy.authorization
        ? `${p} refused the credentials given in the proxy URL (407 Proxy Authentication Required) for the tunnel to ${target}: check the user name and password`
        : `${p} requires authentication (407 Proxy Authentication Required) for the tunnel to ${target}: put user:password in the proxy URL (http://user:password@host:port)`;
    case 403:
      return `${p} refused the tunnel to ${target} (403 Forbidden): ask your network administrators to allow CONNECT to ${target}`;
    case 502:
    case 503:
    case 504:
      return `${p} could not reach ${target} (${status} from the proxy): the name may not resolve from the proxy, or the proxy cannot connect to it; check with your network administrators`;
    default:
      return `${p} refused the tunnel to ${target} (HTTP ${status} to CONNECT)`;
  }
}

/** Opens CONNECT tunnels through one proxy (undici's own Client, as undici's ProxyAgent does). */
export class ProxyTunnel {
  readonly proxy: ProxyConfig;
  private readonly client: Client;

  constructor(proxy: ProxyConfig, o: { timeoutMs?: number } = {}) {
    this.proxy = proxy;
    const timeout = o.timeoutMs ?? 30_000;
    this.client = new Client(proxy.origin, { connectTimeout: Math.min(timeout, 10_000), headersTimeout: timeout, bodyTimeout: timeout });
  }

  /** A raw socket connected to `host:port` through the proxy; throws ProxyTunnelError. */
  async open(host: string, port: number): Promise<Duplex> {
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { host: target };
    if (this.proxy.authorization) headers['proxy-authorization'] = this.proxy.authorization;
    let data: { statusCode: number; socket: Duplex };
    try {
      data = await this.client.connect({ path: target, headers });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new ProxyTunnelError({
        code: 'FSE_PROXY_UNREACHABLE',
        message: `cannot reach the proxy ${this.proxy.display} (from ${this.proxy.source === 'profile' ? 'the profile' : this.proxy.source}): ${e.code ?? ''} ${e.message ?? String(err)}`.replace(/\s+/g, ' ').trim(),
        proxy: this.proxy.display,
        target,
        cause: err,
      });
    }
    if (data.statusCode !== 200) {
      data.socket.on('error', () => undefined).destroy();
      throw new ProxyTunnelError({ code: `FSE_PROXY_${data.statusCode}`, status: data.statusCode, message: refusalMessage(this.proxy, target, data.statusCode), proxy: this.proxy.display, target });
    }
    return data.socket;
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => this.client.destroy());
  }
}
