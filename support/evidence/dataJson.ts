/**
 * data.json in the national accreditation format (it-fse-accreditamento README, submission format):
 * { appVendor, appID, appVersion, results: [{ id, ts, traceId, workflowInstanceId?, files? }] }.
 *
 * Only entries from real gateway responses belong here: an entry without a traceId (e.g. a GovWay 401/403, a network
 * failure) is not evidence and is left out; a malformed one is a programming error and throws.
 * `ts` is normalised to UTC without milliseconds (YYYY-MM-DDThh:mm:ssZ).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from './runDir.ts';
import type { RunMeta } from './summary.ts';

export interface DataJsonEntry {
  /** Checklist column A ID. */
  id: number;
  ts: string;
  traceId: string;
  workflowInstanceId?: string;
  files?: string[];
}

export interface DataJson {
  appVendor: string;
  appID: string;
  appVersion: string;
  results: DataJsonEntry[];
}

/** ISO-8601 UTC without fractional seconds. */
export function normaliseTs(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) throw new Error(`data.json: invalid timestamp "${ts}"`);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function buildDataJson(meta: RunMeta, entries: DataJsonEntry[]): DataJson | null {
  const results: DataJsonEntry[] = [];
  for (const e of entries) {
    const traceId = (e.traceId ?? '').trim();
    if (traceId === '') continue; // not a real gateway response
    if (!Number.isInteger(e.id) || e.id <= 0) throw new Error(`data.json: checklist id must be a positive integer (got ${String(e.id)})`);
    if (!/^[0-9a-f]{32}$/i.test(traceId)) throw new Error(`data.json: traceId "${traceId}" (checklist id ${e.id}) is not 32 hex digits`);
    const out: DataJsonEntry = { id: e.id, ts: normaliseTs(e.ts), traceId };
    const wii = e.workflowInstanceId?.trim();
    if (wii) out.workflowInstanceId = wii;
    if (e.files && e.files.length > 0) out.files = e.files.map((f) => f.split(/[\\/]/).pop()!);
    results.push(out);
  }
  if (results.length === 0) return null;
  results.sort((a, b) => a.id - b.id || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return {
    appVendor: meta.application.vendor,
    appID: meta.application.id,
    appVersion: meta.application.version,
    results,
  };
}

/** Writes <runDir>/data.json; returns its path, or null (and writes nothing) when no entry qualifies. */
export function writeDataJson(runDir: string, meta: RunMeta, entries: DataJsonEntry[]): string | null {
  const data = buildDataJson(meta, entries);
  if (data === null) return null;
  const path = join(runDir, RUN_FILES.dataJson);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
