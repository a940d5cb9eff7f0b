/**
 * Dispatcher answers as the simulator serialises them: error bodies in the production key order
 * `traceID, spanID, type, title, detail, status, instance` (+ `workflowInstanceId` in family V), null fields
 * omitted (Jackson NON_NULL), empty strings kept (`ControllerExceptionHandler`); success bodies; Spring's own
 * ProblemDetail. The catalogue itself (kinds, types, titles, instances, families) is contract: support/gateway/problems.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CATALOGUE, familyStatus, type AppError, type Family, type StatusOptions } from '../support/gateway/problems.ts';
import { UNKNOWN_WORKFLOW_ID } from '../support/gateway/ids.ts';

export interface TraceIds { traceID: string; spanID: string }

export function newTraceIds(traceHex: 16 | 32 = 32): TraceIds {
  const spanID = randomBytes(8).toString('hex');
  if (traceHex === 16) return { traceID: spanID, spanID };
  return { traceID: randomBytes(16).toString('hex'), spanID };
}

/** First 10 hex characters of a random dash-less UUID (CdaUtility). */
export function wiiRandom(): string {
  return randomUUID().replace(/-/g, '').slice(0, 10);
}

/** Strips `<script>` / `</script>` from a detail, as the handlers do. */
function cleanDetail(detail: string): string {
  return detail.replace(/<script>/g, '').replace(/<\/script>/g, '');
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  /** Serialised body (key order matters, so bodies are built as ordered objects and stringified once). */
  body: string;
  headers?: Record<string, string>;
  /** Parsed body, for logs and stats. */
  json?: Record<string, unknown>;
}

export function jsonAnswer(status: number, body: Record<string, unknown>, contentType = 'application/json', headers?: Record<string, string>): HttpAnswer {
  return { status, contentType, body: JSON.stringify(body), json: body, headers };
}

/**
 * Dispatcher error body. `wii` is included for family V only (may be UNKNOWN_WORKFLOW_ID); family R omits `status`
 * unless `fixedStatus` was set by an explicit DTO (IniException, connection refused...).
 */
export function errorAnswer(e: AppError, family: Family, o: StatusOptions & { traceHex?: 16 | 32; wii?: string }): HttpAnswer {
  const effFamily: Family = family === 'V' && e.publicationPhase ? 'P' : family;
  const status = e.fixedStatus ?? familyStatus(e.kind, effFamily, o);
  const { type } = CATALOGUE[e.kind];
  const title = e.title ?? CATALOGUE[e.kind].title;
  const ids = newTraceIds(o.traceHex ?? 32);
  const body: Record<string, unknown> = { traceID: ids.traceID, spanID: ids.spanID, type, title, detail: cleanDetail(e.detail) };
  if (effFamily !== 'R' || e.fixedStatus !== undefined) body.status = status;
  body.instance = e.instance;
  if (effFamily === 'V' && e.fixedStatus === undefined) body.workflowInstanceId = o.wii ?? UNKNOWN_WORKFLOW_ID;
  return jsonAnswer(status, body, 'application/problem+json');
}

/** A body passed through from a downstream service (INI client, status-check): its own keys, new traceID/spanID first. */
export function passthroughAnswer(status: number, body: Record<string, unknown>, traceHex: 16 | 32 = 32): HttpAnswer {
  const ids = newTraceIds(traceHex);
  return jsonAnswer(status, { traceID: ids.traceID, spanID: ids.spanID, ...body }, 'application/problem+json');
}

/** Spring's own ProblemDetail (ResponseEntityExceptionHandler defaults): no traceID. */
export function springProblem(status: number, title: string, detail: string, instance: string): HttpAnswer {
  return jsonAnswer(status, { type: 'about:blank', title, status, detail, instance }, 'application/problem+json');
}
