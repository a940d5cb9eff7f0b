/**
 * The probe: before a run against stage, and as `fse-harness probe`, check the way to the gateway
 * one layer at a time, so that a failure says WHERE it broke and what to do (support/stage/advice.ts):
 *
 *   1. DNS      the gateway's name (or, behind a proxy, the proxy's: the proxy resolves the gateway's name);
 *   2. TCP      a connection to the gateway (or to the proxy);
 *   3. proxy    the CONNECT tunnel (only with a proxy);
 *   4. TLS      the handshake with the client certificate (leaf + intermediates), then a short wait for the
 *               server's verdict on that certificate: in TLS 1.3 a server refuses a client certificate AFTER the
 *               client considers the handshake complete, with an alert or by closing; a session ticket means accepted;
 *   5. gateway  one harmless call through the harness's own client: DELETE of a document id that cannot exist,
 *               with valid tokens. Expected: 404 with an X-Cart-id. The call is a normal exchange with its ledger
 *               row and X-Cart-id (the caller provides it: `gatewayCall`).
 *
 * Steps after a failure are skipped. Nothing here throws for network trouble; the report says it all.
 */
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { ProxyTunnel, ProxyTunnelError, type ProxyConfig } from '../net/proxy.ts';
import { explain, type AdviceContext, type Diagnosis, type DiagnosisCode } from './advice.ts';

export type ProbeStepId = 'dns' | 'tcp' | 'proxy' | 'tls' | 'gateway';
export type ProbeStepStatus = 'ok' | 'fail' | 'warn' | 'skipped';

export interface ProbeStep {
  id: ProbeStepId;
  status: ProbeStepStatus;
  /** One line: what was checked and what came back. */
  summary: string;
  diagnosis?: Diagnosis;
}

/** What the probe's gateway call returned (a subset of the harness's exchange outcome). */
export interface ProbeCallResult {
  status?: number;
  headers: Record<string, string>;
  xCartId: string;
  errorType: string;
  errorDetail: string;
  error?: { code: string; message: string; cause: string };
  requestFile: string;
  responseFile: string;
}

export interface ProbeReport {
  at: string;
  baseUrl: string;
  /** `direct` or the proxy as scheme://host:port (from …). */
  via: string;
  /** Every step ok. */
  ok: boolean;
  /** A step failed: the gateway cannot be used (a run stops before its first scenario). */
  fatal: boolean;
  steps: ProbeStep[];
  call?: ProbeCallResult;
}

export interface ProbeInput {
  baseUrl: string;
  proxy: ProxyConfig | null;
  /** certPem = leaf + intermediates, as the harness sends them. */
  tls: { certPem: string; keyPem: string; caPem?: string };
  authCn: string;
  signCn: string;
  intermediates: number;
  aud: string;
  timeoutMs: number;
  gatewayCall: () => Promise<ProbeCallResult>;
  /** Name resolution (tests inject failures); default dns.lookup, all addresses. */
  lookup?: (host: string) => Promise<string[]>;
  /** After the handshake, how long to wait for the server's verdict when it sends no session ticket (default min(timeout, 3000) ms). */
  settleMs?: number;
  log?: (line: string) => void;
}

interface Failure { code?: string; message: string }

function errOf(e: unknown): Failure {
  const x = e as { code?: string; message?: string };
  return { code: x?.code, message: x?.message ?? String(e) };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer within ${ms} ms`), { code: 'ETIMEOUT' })), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e); });
  });
}

/** RFC 6761 §6.4: names under .invalid never resolve; answered at once, without asking any DNS server. */
export async function defaultLookup(host: string): Promise<string[]> {
  if (/(^|\.)invalid\.?$/i.test(host)) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (.invalid is reserved, RFC 6761)`), { code: 'ENOTFOUND' });
  return (await lookup(host, { all: true })).map((a) => a.address);
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const s = netConnect({ host, port });
    const t = setTimeout(() => { s.destroy(); reject(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port} (no answer within ${timeoutMs} ms)`), { code: 'ETIMEDOUT' })); }, timeoutMs);
    s.once('connect', () => { clearTimeout(t); s.destroy(); resolve(); });
    s.once('error', (e) => { clearTimeout(t); s.destroy(); reject(e); });
  });
}

type TlsOutcome =
  | { ok: true; protocol: string; verdict: 'ticket' | 'tls1.2' | 'silent' }
  | { ok: false; afterHandshake: boolean; err: Failure };

function tlsHandshake(o: { host: string; port: number; socket?: Duplex; tls: ProbeInput['tls']; timeoutMs: number; settleMs: number }): Promise<TlsOutcome> {
  return new Promise<TlsOutcome>((resolve) => {
    let done = false;
    let secure = false;
    let ticket = false;
    let timer: NodeJS.Timeout | undefined;
    const s: TLSSocket = tlsConnect({
      host: o.host,
      port: o.port,
      ...(o.socket ? { socket: o.socket } : {}),
      ...(isIP(o.host) ? {} : { servername: o.host }),
      cert: o.tls.certPem,
      key: o.tls.keyPem,
      ...(o.tls.caPem ? { ca: o.tls.caPem } : {}),
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
    });
    const finish = (r: TlsOutcome) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    timer = setTimeout(() => finish({ ok: false, afterHandshake: false, err: { code: 'ETIMEDOUT', message: `TLS handshake not completed within ${o.timeoutMs} ms` } }), o.timeoutMs);
    s.on('secureConnect', () => {
      secure = true;
      const protocol = s.getProtocol() ?? '';
      s.resume();
      if (protocol !== 'TLSv1.3') { finish({ ok: true, protocol, verdict: 'tls1.2' }); return; }
      if (ticket) { finish({ ok: true, protocol, verdict: 'ticket' }); return; }
      clearTimeout(timer);
      timer = setTimeout(() => finish({ ok: true, protocol, verdict: 'silent' }), o.settleMs);
    });
    s.on('session', () => {
      ticket = true;
      if (secure) finish({ ok: true, protocol: s.getProtocol() ?? '', verdict: 'ticket' });
    });
    s.on('error', (e) => finish({ ok: false, afterHandshake: secure, err: errOf(e) }));
    s.on('end', () => finish({ ok: false, afterHandshake: secure, err: { code: 'ECONNRESET', message: 'the server closed the connection' } }));
    s.on('close', () => finish({ ok: false, afterHandshake: secure, err: { code: 'ECONNRESET', message: 'the connection was closed' } }));
  });
}

const SERVER_UNTRUSTED = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|CERT_CHAIN_TOO_LONG|INVALID_CA|CERT_REJECTED)$/;
const CLIENT_CERT_ALERT = /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_REQUIRED|ACCESS_DENIED|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|CERTIFICATE_EXPIRED|DECRYPT_ERROR)/;

/** Diagnosis of a TLS failure (exported for unit tests of the alert names). */
export function tlsDiagnosisCode(err: Failure, afterHandshake: boolean): DiagnosisCode {
  const code = err.code ?? '';
  if (SERVER_UNTRUSTED.test(code)) return 'TLS_SERVER_UNTRUSTED';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'TLS_SERVER_NAME';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'TLS_SERVER_DATES';
  if (CLIENT_CERT_ALERT.test(code) || /alert (unknown ca|bad certificate|certificate required|access denied|certificate unknown)/i.test(err.message)) return 'TLS_CLIENT_REFUSED';
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL/.test(code) || /wrong version number/i.test(err.message)) return 'TLS_NOT_TLS';
  if (code === 'ETIMEDOUT') return 'TLS_TIMEOUT';
  // closed or reset once our certificate was on its way: the server did not accept it
  if (/ECONNRESET|EPIPE/.test(code)) return 'TLS_CLIENT_REFUSED';
  if (afterHandshake) return 'TLS_CLIENT_REFUSED';
  return 'TLS_OTHER';
}

function dnsCode(err: Failure): DiagnosisCode {
  return err.code === 'ENOTFOUND' || err.code === 'EAI_NONAME' || err.code === 'EAI_NODATA' ? 'DNS_NOT_RESOLVED' : 'DNS_FAILED';
}

function tcpCode(err: Failure): DiagnosisCode {
  if (err.code === 'ECONNREFUSED') return 'TCP_REFUSED';
  if (err.code === 'ETIMEDOUT') return 'TCP_TIMEOUT';
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return 'TCP_UNREACHABLE';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return dnsCode(err);
  return 'TCP_UNREACHABLE';
}

function proxyCode(err: unknown): DiagnosisCode {
  if (err instanceof ProxyTunnelError) {
    if (err.status === 407) return 'PROXY_AUTH';
    if (err.status === 403) return 'PROXY_FORBIDDEN';
    if (err.status === 502 || err.status === 503 || err.status === 504) return 'PROXY_UPSTREAM';
    if (err.status) return 'PROXY_OTHER';
  }
  return 'PROXY_UNREACHABLE';
}

const GOVWAY = /govway\.org\/handling-errors\/\d+\/([A-Za-z]+)/;

/** Diagnosis of the gateway call (exported for unit tests). Undefined = the expected 404 with X-Cart-id. */
export function callDiagnosis(r: ProbeCallResult): { code: DiagnosisCode; fatal: boolean } | undefined {
  if (r.status === undefined) {
    const cause = r.error?.cause;
    if (cause === 'tls') return { code: 'TLS_CLIENT_REFUSED', fatal: true };
    if (cause === 'timeout') return { code: 'HTTP_TIMEOUT', fatal: true };
    if (cause === 'reset') return { code: 'HTTP_RESET', fatal: true };
    if (cause === 'proxy') return { code: /407/.test(r.error?.message ?? '') ? 'PROXY_AUTH' : /403/.test(r.error?.message ?? '') ? 'PROXY_FORBIDDEN' : /cannot reach the proxy/.test(r.error?.message ?? '') ? 'PROXY_UNREACHABLE' : 'PROXY_UPSTREAM', fatal: true };
    if (cause === 'dns') return { code: 'DNS_NOT_RESOLVED', fatal: true };
    if (cause === 'refused') return { code: 'TCP_REFUSED', fatal: true };
    return { code: 'HTTP_NO_RESPONSE', fatal: true };
  }
  const govway = GOVWAY.exec(r.errorType)?.[1] ?? r.headers['govway-transaction-errortype'];
  if (r.status === 401 || r.status === 403) {
    if (govway === 'TokenAuthenticationRequired') return { code: 'BORDER_TOKEN_REQUIRED', fatal: true };
    if (govway === 'TokenAuthenticationFailed' || govway === 'TokenRequiredClaimsNotFound') return { code: 'BORDER_TOKEN_FAILED', fatal: true };
    if (govway === 'AuthorizationContentDeny') return { code: 'BORDER_CONTENT_DENY', fatal: true };
    if (!r.xCartId) return { code: 'NOT_CART', fatal: true };
    return { code: 'BORDER_OTHER', fatal: true };
  }
  if (!r.xCartId) return { code: 'NOT_CART', fatal: true };
  if (r.status === 404) return undefined;
  if (r.status === 502 || r.status === 503 || r.status === 504) return { code: 'CART_UPSTREAM', fatal: false };
  if (govway) return { code: 'BORDER_OTHER', fatal: false };
  return { code: 'GATEWAY_UNEXPECTED', fatal: false };
}

function clockSkew(headers: Record<string, string>): number | undefined {
  const d = headers.date ? Date.parse(headers.date) : NaN;
  return Number.isFinite(d) ? (Date.now() - d) / 1000 : undefined;
}

export async function runProbe(i: ProbeInput): Promise<ProbeReport> {
  const url = new URL(i.baseUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const log = i.log ?? (() => {});
  const steps: ProbeStep[] = [];
  const ctx: AdviceContext = { host, port, ...(i.proxy ? { proxy: i.proxy.display } : {}), authCn: i.authCn, signCn: i.signCn, intermediates: i.intermediates, aud: i.aud };
  const via = i.proxy ? `${i.proxy.display} (${i.proxy.source === 'profile' ? 'profile' : i.proxy.source})` : 'direct';
  const report: ProbeReport = { at: new Date().toISOString(), baseUrl: i.baseUrl, via, ok: false, fatal: true, steps };
  const stepTimeout = Math.min(i.timeoutMs, 10_000);
  const settleMs = i.settleMs ?? Math.min(i.timeoutMs, 3000);
  const add = (s: ProbeStep) => {
    steps.push(s);
    log(`${s.id.padEnd(7)} ${s.status.toUpperCase().padEnd(4)} ${s.summary}`);
  };
  const fail = (id: ProbeStepId, summary: string, code: DiagnosisCode, detail: string): ProbeReport => {
    add({ id, status: 'fail', summary, diagnosis: explain(code, { ...ctx, detail }) });
    const order: ProbeStepId[] = ['dns', 'tcp', 'proxy', 'tls', 'gateway'];
    for (const rest of order.slice(order.indexOf(id) + 1)) {
      if (rest === 'proxy' && !i.proxy) continue;
      steps.push({ id: rest, status: 'skipped', summary: 'not attempted (an earlier step failed)' });
    }
    return report;
  };
  const resolve = i.lookup ?? defaultLookup;

  // 1. DNS
  const dnsHost = i.proxy ? i.proxy.hostname : host;
  if (isIP(dnsHost)) {
    add({ id: 'dns', status: 'ok', summary: `${dnsHost} is an IP address${i.proxy ? ' (proxy)' : ''}: no name to resolve${i.proxy ? `; ${host} is resolved by the proxy` : ''}` });
  } else {
    try {
      const addrs = await withTimeout(resolve(dnsHost), stepTimeout, `DNS lookup of ${dnsHost}`);
      add({ id: 'dns', status: 'ok', summary: `${dnsHost} → ${addrs.join(', ')}${i.proxy ? ` (proxy; ${host} is resolved by the proxy)` : ''}` });
    } catch (e) {
      const err = errOf(e);
      const code = i.proxy ? 'PROXY_NOT_RESOLVED' : dnsCode(err);
      return fail('dns', `${dnsHost} does not resolve: ${err.code ?? ''} ${err.message}`.trim(), code, err.code ?? err.message);
    }
  }

  // 2. TCP
  const tcpHost = i.proxy ? i.proxy.hostname : host;
  const tcpPort = i.proxy ? i.proxy.port : port;
  try {
    await tcpConnect(tcpHost, tcpPort, stepTimeout);
    add({ id: 'tcp', status: 'ok', summary: `connected to ${i.proxy ? `the proxy ${i.proxy.display}` : `${host}:${port}`}` });
  } catch (e) {
    const err = errOf(e);
    const code: DiagnosisCode = i.proxy ? 'PROXY_UNREACHABLE' : tcpCode(err);
    return fail('tcp', `cannot connect to ${i.proxy ? `the proxy ${i.proxy.display}` : `${host}:${port}`}: ${err.code ?? ''} ${err.message}`.trim(), code, err.code ?? err.message);
  }

  // 3. CONNECT tunnel
  let tunnel: ProxyTunnel | undefined;
  let raw: Duplex | undefined;
  if (i.proxy) {
    tunnel = new ProxyTunnel(i.proxy, { timeoutMs: stepTimeout });
    try {
      raw = await tunnel.open(host, port);
      add({ id: 'proxy', status: 'ok', summary: `tunnel to ${host}:${port} opened by ${i.proxy.display}` });
    } catch (e) {
      await tunnel.close();
      const err = errOf(e);
      return fail('proxy', err.message, proxyCode(e), e instanceof ProxyTunnelError && e.status ? `HTTP ${e.status}` : err.code ?? err.message);
    }
  }

  // 4. TLS with the client certificate
  const t = await tlsHandshake({ host, port, socket: raw, tls: i.tls, timeoutMs: stepTimeout, settleMs });
  await tunnel?.close();
  if (!t.ok) {
    const code = tlsDiagnosisCode(t.err, t.afterHandshake);
    const when = t.afterHandshake ? 'after the handshake (client certificate sent)' : 'during the handshake';
    return fail('tls', `TLS ${when}: ${t.err.code ?? ''} ${t.err.message.split('\n')[0]}`.trim(), code, t.err.code ?? t.err.message);
  }
  const verdict = t.verdict === 'ticket' ? 'client certificate accepted (session ticket received)'
    : t.verdict === 'tls1.2' ? 'client certificate accepted in the handshake'
      : `no verdict on the client certificate within ${settleMs} ms (no session ticket, no alert): the gateway call decides`;
  add({ id: 'tls', status: 'ok', summary: `${t.protocol}, server certificate trusted, client certificate "${i.authCn}" + ${i.intermediates} intermediate(s) sent; ${verdict}` });

  // 5. the gateway call
  const r = await i.gatewayCall();
  report.call = r;
  const what = r.status !== undefined
    ? `DELETE of a non-existent document → HTTP ${r.status}${r.errorType ? ` ${r.errorType}` : ''}, X-Cart-id ${r.xCartId || '— (none)'} (evidence/${r.requestFile})`
    : `DELETE of a non-existent document → no HTTP response: ${r.errorType} ${r.errorDetail} (evidence/${r.requestFile})`;
  const d = callDiagnosis(r);
  if (!d) {
    add({ id: 'gateway', status: 'ok', summary: `${what}: as expected, the gateway accepts this connection, these certificates and tokens` });
    report.ok = true;
    report.fatal = false;
    return report;
  }
  const detail = r.status !== undefined ? `HTTP ${r.status}${r.errorDetail ? `: ${r.errorDetail}` : ''}` : `${r.error?.code ?? ''}: ${r.errorDetail}`;
  add({ id: 'gateway', status: d.fatal ? 'fail' : 'warn', summary: what, diagnosis: explain(d.code, { ...ctx, detail, ...(r.xCartId ? { xCartId: r.xCartId } : {}), ...(clockSkew(r.headers) !== undefined ? { clockSkewSeconds: clockSkew(r.headers)! } : {}) }) });
  report.fatal = d.fatal;
  return report;
}
