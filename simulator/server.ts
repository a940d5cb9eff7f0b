/**
 * The simulator: CART (X-Cart-id, CART errors, faults) → GovWay border → national dispatcher → validator / registry,
 * over HTTPS with mandatory mutual TLS.
 *
 * Routes (RT CART, `/gateway/v2/`): POST documents/validate-and-create, PUT documents/{id} (replace),
 * PUT documents/{id}/metadata, DELETE documents/{id}. The same under `/gateway/v1/` (national names, plus
 * `/metadata-iti-57`, POST documents/validation and POST documents for the national two-step flow, PUT
 * documents/validate-and-replace/{id}, GET status/{workflowInstanceId} and GET status/search/{traceId}).
 * Admin (loopback clients only, outside the gateway paths): POST/DELETE /__simulator/faults, GET /__simulator/stats.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { DEFAULT_AUDIENCE } from '../support/gateway/claims.ts';
import type { OasDtoName } from '../support/gateway/body.ts';
import { Border, borderContent, borderError } from './border.ts';
import { cartError, CART_ID_HEADER, CART_TITLES, newCartId } from './cart.ts';
import { Dispatcher, loadPdfInspect, type Operation } from './dispatcher.ts';
import { FaultController, validateFault, type FaultOptions } from './faults.ts';
import { parseMultipart } from './multipart.ts';
import { validateStatusPathParam, formatViolations, INVALID_REQUEST_CONTENT_PREFIX } from '../support/gateway/border-content.ts';
import { type HttpAnswer } from './answers.ts';
import { springJsonBody, springMultipart, springPathId } from './spring.ts';
import { Registry } from './registry.ts';
import { resolveSwitches, type SimulatorSwitches } from './switches.ts';
import { openCdaValidator, type CdaValidatorOptions } from './validator.ts';

export interface SimulatorOptions {
  tls: { keyPem: string; certPem: string; caPem: string };
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 = any free port. */
  port?: number;
  /** it-fse-catalogs folder; undefined/null → FSE_CATALOGS_DIR (none → validation skipped, listed in `skipped`). Use switches.cdaValidation=false to force it off. */
  catalogsDir?: string | null;
  /** JWT `aud` required by the border (default the national validation URL). */
  audience?: string;
  switches?: Partial<SimulatorSwitches>;
  /** Max size of the `file` part (default 10 MiB); above → 413. */
  maxFileBytes?: number;
  /** Test seam: replaces the catalog validator (support/catalogs `openValidator`), e.g. to script its outcomes. */
  validatorOpen?: CdaValidatorOptions['open'];
  log?: (line: string) => void;
}

export interface SimulatorStats {
  startedAt: string;
  uptimeSeconds: number;
  requests: number;
  responsesByStatus: Record<string, number>;
  faultsInjected: number;
  faultsFired: number;
  registrySize: number;
  rssBytes: number;
  heapUsedBytes: number;
}

export interface RunningSimulator {
  /** https://127.0.0.1:<port>/gateway/v2/ */
  url: string;
  port: number;
  faults: FaultController;
  registry: Registry;
  switches: SimulatorSwitches;
  stats(): SimulatorStats;
  /** Checks that cannot run (no catalogs...). Filled once `validatorReady` resolves. */
  skipped: string[];
  /** Resolves when the CDA validator has loaded its catalogs (never rejects). */
  validatorReady: Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function send(reply: FastifyReply, a: HttpAnswer): FastifyReply {
  reply.code(a.status).header('content-type', a.contentType);
  for (const [k, v] of Object.entries(a.headers ?? {})) reply.header(k, v);
  return reply.send(a.body);
}

function cartIdOf(reply: FastifyReply): string {
  const v = reply.getHeader(CART_ID_HEADER);
  return typeof v === 'string' ? v : newCartId();
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function startSimulator(o: SimulatorOptions): Promise<RunningSimulator> {
  const switches = resolveSwitches(o.switches);
  const maxFileBytes = o.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const log = o.log;
  const registry = new Registry({ settleMs: switches.settleMs });
  const faults = new FaultController();
  const validator = openCdaValidator({ catalogsDir: o.catalogsDir, enabled: switches.cdaValidation, log, open: o.validatorOpen });
  const border = new Border({ caPem: o.tls.caPem, audience: o.audience ?? DEFAULT_AUDIENCE, switches });
  const dispatcher = new Dispatcher({ switches, registry, validator, log });
  const startedAt = new Date();
  let requests = 0;
  const byStatus: Record<string, number> = {};
  const hanging = new Set<Socket>();
  /** Requests whose answer a `commit-lost` fault will lose once the gateway has done its work. */
  const commitLost = new WeakMap<FastifyRequest, { ms?: number }>();
  const hang = (req: FastifyRequest, reply: FastifyReply): void => {
    const s = req.raw.socket;
    hanging.add(s);
    s.once('close', () => hanging.delete(s));
    reply.hijack();
  };

  const clientErrorHandler = (err: Error & { code?: string }, socket: Socket): void => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
    if (err.code === 'ECONNRESET' || !socket.writable) { socket.destroy(); return; }
    const cartId = newCartId();
    const a = cartError(status, status === 431 ? 'Request header fields too large' : 'Malformed HTTP request', cartId);
    const body = Buffer.from(a.body);
    socket.end(`HTTP/1.1 ${status} ${CART_TITLES[status]}\r\nContent-Type: ${a.contentType}\r\nContent-Length: ${body.length}\r\nX-Cart-id: ${cartId}\r\nConnection: close\r\n\r\n${a.body}`);
  };

  const app: FastifyInstance = Fastify({
    https: { key: o.tls.keyPem, cert: o.tls.certPem, ca: o.tls.caPem, requestCert: true, rejectUnauthorized: true },
    logger: false,
    bodyLimit: maxFileBytes + 2 * 1024 * 1024,
    routerOptions: { maxParamLength: 2000 },
    forceCloseConnections: true,
    requestTimeout: 120_000,
    clientErrorHandler,
    return503OnClosing: false,
    // Bad percent-encoding etc. is rejected by the router before any hook: still a CART answer with X-Cart-id.
    frameworkErrors: (err, _req, reply) => {
      requests++;
      reply.header(CART_ID_HEADER, newCartId());
      send(reply, cartError(400, `Malformed request URL (${err.code ?? 'bad url'})`, cartIdOf(reply)));
    },
  });

  // Every body is taken raw; each route decides (multipart is parsed by simulator/multipart.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    requests++;
    reply.header(CART_ID_HEADER, newCartId());
    if (req.url.startsWith('/__simulator/')) return;
    const fault = faults.take(req.url);
    if (!fault) return;
    log?.(`fault ${fault.kind} on ${req.method} ${req.url}`);
    switch (fault.kind) {
      case 'latency':
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, fault.ms);
          req.raw.socket.once('close', () => { clearTimeout(t); resolve(); });
        });
        return;
      case 'status': {
        const detail = fault.status === 504 ? 'Timeout waiting for the national gateway' : fault.status === 429 ? 'Too many requests' : 'Injected fault: the national gateway is not reachable';
        if (fault.retryAfter !== undefined) reply.header('retry-after', String(fault.retryAfter));
        return send(reply, cartError(fault.status, detail, cartIdOf(reply)));
      }
      case 'commit-lost':
        commitLost.set(req, { ms: fault.ms });
        return;
      case 'reset':
        req.raw.socket.destroy();
        return reply.hijack();
      case 'no-answer':
        hang(req, reply);
        return;
    }
  });

  // Safety net: whatever produced the answer, it carries X-Cart-id.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader(CART_ID_HEADER)) reply.header(CART_ID_HEADER, newCartId());
    return payload;
  });

  app.addHook('onResponse', async (_req, reply) => {
    const k = String(reply.statusCode);
    byStatus[k] = (byStatus[k] ?? 0) + 1;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) log?.(`error on ${req.method} ${req.url}: ${err.stack ?? err.message}`);
    const detail = status === 413 ? `Request body larger than the limit (${maxFileBytes} bytes for the file part)` : status >= 500 ? 'Internal error' : err.message;
    return send(reply, cartError(status, detail, cartIdOf(reply)));
  });

  app.setNotFoundHandler((req, reply) => {
    return send(reply, cartError(404, `No CART service for ${req.method} ${req.url.split('?')[0]}`, cartIdOf(reply)));
  });

  /**
   * The client certificate of a connection, read once per connection: `getPeerCertificate` builds the whole parsed
   * certificate object at every call, and a keep-alive connection carries many requests with the same handshake.
   */
  const peerDers = new WeakMap<TLSSocket, Buffer | undefined>();
  const peerDer = (req: FastifyRequest): Buffer | undefined => {
    const s = req.raw.socket as TLSSocket;
    if (peerDers.has(s)) return peerDers.get(s);
    let der: Buffer | undefined;
    try {
      const c = typeof s.getPeerCertificate === 'function' ? s.getPeerCertificate(false) : undefined;
      der = c && c.raw ? c.raw : undefined;
    } catch {
      der = undefined;
    }
    peerDers.set(s, der);
    return der;
  };

  const dispatcherPath = (url: string): string => url.split('?')[0]!.replace(/^\/gateway\/v[12]/, '/v1');

  /** The OpenAPI request schema of each operation (the border) and the DTO the controller declares (Spring). */
  const multipartDto = (op: Operation): OasDtoName => {
    if (op === 'validation') return 'ValidationCDAReqDTO';
    if (op === 'replace') return switches.replaceRequiresPriorValidation ? 'PublicationUpdateReqDTO' : 'ValidateAndReplaceDTO';
    // E2 `POST /documents` (swagger_gtw.yaml requestBody → PublicationCreationReqDTO), E5 → ValidateAndReplaceDTO.
    if (op === 'create') return 'PublicationCreationReqDTO';
    if (op === 'validate-and-replace') return 'ValidateAndReplaceDTO';
    return 'ValidateAndCreateDTO';
  };

  /** CART → GovWay (tokens, then content) → Spring → dispatcher. */
  const handle = async (req: FastifyRequest, reply: FastifyReply, op: Operation): Promise<FastifyReply> => {
    const params = req.params as { id?: string };
    const raw = req.body instanceof Buffer ? req.body : undefined;
    const ct = header(req, 'content-type');
    const multipartOp = op === 'validate-and-create' || op === 'replace' || op === 'validation' || op === 'create' || op === 'validate-and-replace';
    const mp = multipartOp && /^multipart\//i.test(ct ?? '') ? parseMultipart(raw ?? Buffer.alloc(0), ct, { maxFileBytes }) : undefined;
    if (switches.border) {
      const b = await border.check({ authorization: header(req, 'authorization'), signature: header(req, 'fse-jwt-signature'), peerCertDer: peerDer(req) });
      if (!('ok' in b)) {
        log?.(`border ${b.status} ${req.method} ${req.url}: ${b.reason}`);
        return send(reply, b);
      }
      if (switches.openApiConformance) {
        const c = borderContent({
          body: multipartOp ? { kind: 'multipart', dto: multipartDto(op) } : op === 'update-metadata' ? { kind: 'json', dto: 'PublicationMetadataReqDTO' } : { kind: 'none' },
          contentType: ct, pathId: params.id, multipart: mp, raw,
        }, switches);
        if (c) {
          log?.(`border 400 ${req.method} ${req.url}: ${c.reason}`);
          return send(reply, c);
        }
      }
    }
    const path = dispatcherPath(req.url);
    let input: Parameters<Dispatcher['handle']>[0];
    if (multipartOp) {
      const s = springMultipart({ contentType: ct, multipart: mp, dto: multipartDto(op), pathId: params.id, path, maxFileBytes }, switches);
      if ('answer' in s) return send(reply, s.answer);
      input = { op, pathId: params.id, signatureHeader: header(req, 'fse-jwt-signature'), multipart: s.ok };
    } else if (op === 'update-metadata') {
      const s = springJsonBody({ contentType: ct, raw: raw?.toString('utf8'), pathId: params.id ?? '', path });
      if ('answer' in s) return send(reply, s.answer);
      input = { op, pathId: params.id, signatureHeader: header(req, 'fse-jwt-signature'), metadata: s.ok };
    } else {
      const p = springPathId(params.id ?? '', path);
      if (p) return send(reply, p);
      input = { op, pathId: params.id, signatureHeader: header(req, 'fse-jwt-signature') };
    }
    const answer = await dispatcher.handle(input);
    log?.(`${req.method} ${req.url} → ${answer.status}${answer.json && typeof answer.json.type === 'string' ? ` ${answer.json.type}` : ''}`);
    const lost = commitLost.get(req);
    if (lost) {
      // the work is done (the document is stored); the answer is lost: never sent, or sent after the client gave up
      log?.(`fault commit-lost: ${req.method} ${req.url} done (${answer.status}), answer ${lost.ms === undefined ? 'never sent' : `delayed ${lost.ms} ms`}`);
      if (lost.ms === undefined) { hang(req, reply); return reply; }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, lost.ms);
        req.raw.socket.once('close', () => { clearTimeout(t); resolve(); });
      });
      if (req.raw.socket.destroyed) { reply.hijack(); return reply; }
    }
    return send(reply, answer);
  };

  /**
   * E12/E13: CART → GovWay (the bearer alone, `Border.checkBearer`; then the path parameter against the OpenAPI) →
   * dispatcher. No Spring stage: no body, and the reference declares no constraint on these path variables.
   */
  const handleStatus = async (req: FastifyRequest, reply: FastifyReply, op: 'status' | 'status-search'): Promise<FastifyReply> => {
    const id = (req.params as { id?: string }).id ?? '';
    const authorization = header(req, 'authorization');
    if (switches.border) {
      const b = await border.checkBearer({ authorization, peerCertDer: peerDer(req) });
      if (!('ok' in b)) {
        log?.(`border ${b.status} ${req.method} ${req.url}: ${b.reason}`);
        return send(reply, b);
      }
      if (switches.openApiConformance) {
        const v = validateStatusPathParam(op === 'status' ? 'workflowInstanceId' : 'traceId', id);
        if (v.length > 0) {
          const c = borderError('InvalidRequestContent', v.map((x) => `${x.data || '-'} (${x.code})`).join('; '), `${INVALID_REQUEST_CONTENT_PREFIX}: ${formatViolations(v)}`, true);
          log?.(`border 400 ${req.method} ${req.url}: ${c.reason}`);
          return send(reply, c);
        }
      }
    }
    const answer = await dispatcher.handle({ op, pathId: id, authorization });
    log?.(`${req.method} ${req.url} → ${answer.status}${answer.json && typeof answer.json.type === 'string' ? ` ${answer.json.type}` : ''}`);
    return send(reply, answer);
  };

  for (const v of ['v1', 'v2']) {
    const base = `/gateway/${v}/documents`;
    app.post(`${base}/validate-and-create`, (req, reply) => handle(req, reply, 'validate-and-create'));
    app.put(`${base}/:id`, (req, reply) => handle(req, reply, 'replace'));
    app.put(`${base}/:id/metadata`, (req, reply) => handle(req, reply, 'update-metadata'));
    app.delete(`${base}/:id`, (req, reply) => handle(req, reply, 'delete'));
  }
  app.put('/gateway/v1/documents/:id/metadata-iti-57', (req, reply) => handle(req, reply, 'update-metadata'));
  app.post('/gateway/v1/documents/validation', (req, reply) => handle(req, reply, 'validation'));
  // E2 (two-step publish) and E5 (validate-and-replace, whatever `replaceRequiresPriorValidation` says). The static
  // segment `validate-and-replace` outranks `PUT …/documents/:id/…` in find-my-way, as in Spring (more literal text).
  app.post('/gateway/v1/documents', (req, reply) => handle(req, reply, 'create'));
  app.put('/gateway/v1/documents/validate-and-replace/:id', (req, reply) => handle(req, reply, 'validate-and-replace'));
  // E12 and E13 (`search` is a static segment: it wins over `:id`, as `/status/search/{traceId}` does in Spring).
  app.get('/gateway/v1/status/search/:id', (req, reply) => handleStatus(req, reply, 'status-search'));
  app.get('/gateway/v1/status/:id', (req, reply) => handleStatus(req, reply, 'status'));

  const stats = (): SimulatorStats => {
    const mem = process.memoryUsage();
    return {
      startedAt: startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      requests,
      responsesByStatus: { ...byStatus },
      faultsInjected: faults.injected,
      faultsFired: faults.fired,
      registrySize: registry.size,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
    };
  };

  // ---- admin (loopback only)
  const adminGuard = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (LOOPBACK.has(req.raw.socket.remoteAddress ?? '')) return true;
    send(reply, cartError(404, 'Not found', cartIdOf(reply)));
    return false;
  };
  app.get('/__simulator/stats', (req, reply) => {
    if (!adminGuard(req, reply)) return reply;
    return send(reply, { status: 200, contentType: 'application/json', body: JSON.stringify(stats()) });
  });
  app.post('/__simulator/faults', (req, reply) => {
    if (!adminGuard(req, reply)) return reply;
    try {
      const parsed = JSON.parse(req.body instanceof Buffer ? req.body.toString('utf8') : '') as { fault?: unknown; count?: unknown; route?: unknown } & Record<string, unknown>;
      const fault = validateFault(parsed.fault ?? parsed);
      const opts: FaultOptions = {};
      if (parsed.count !== undefined) {
        if (typeof parsed.count !== 'number') throw new Error('count must be a number');
        opts.count = parsed.count;
      }
      if (parsed.route !== undefined) {
        if (typeof parsed.route !== 'string') throw new Error('route must be a string');
        opts.route = parsed.route;
      }
      faults.inject(fault, opts);
      return send(reply, { status: 201, contentType: 'application/json', body: JSON.stringify({ armed: faults.pending() }) });
    } catch (e) {
      return send(reply, cartError(400, (e as Error).message, cartIdOf(reply)));
    }
  });
  app.delete('/__simulator/faults', (req, reply) => {
    if (!adminGuard(req, reply)) return reply;
    faults.clear();
    return send(reply, { status: 200, contentType: 'application/json', body: JSON.stringify({ armed: [] }) });
  });

  const host = o.host ?? '127.0.0.1';
  await app.listen({ host, port: o.port ?? 0 });
  void loadPdfInspect().catch((e: Error) => log?.(`PDF inspector unavailable: ${e.message}`));
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    url: `https://${urlHost}:${port}/gateway/v2/`,
    port,
    faults,
    registry,
    switches,
    stats,
    skipped: validator.skipped,
    validatorReady: validator.ready,
    async close() {
      if (closed) return;
      closed = true;
      for (const s of hanging) s.destroy();
      hanging.clear();
      await app.close();
      validator.close();
    },
  };
}
