import type { DocType, InjectionMode, Method, Profile } from '../types.ts';
import { docTypeInfo } from '../doctypes.ts';
import { profileDefaults } from '../config/profile.ts';
import { dtmFromHl7Ts, formatDtm } from '../rome-time.ts';
import { readServiceTimes } from '../cda/facts.ts';

/**
 * Metadata of one request, as the harness builds it (fields: national guide "Interfacce REST Gateway", body field
 * catalogue; OpenAPI `PublicationCreationReqDTO`, `PublicationUpdateReqDTO`, `PublicationMetadataReqDTO`).
 * Field order is stable so request bytes are reproducible.
 */
export type RequestBody = Record<string, unknown>;

/** RT private providers: not convenzionato (999) → private regime; convenzionato → SSN (a profile may override later). */
export function administrativeRequestFor(p: Profile): string[] {
  return [p.codRep === '999' ? 'NOSSN' : 'SSN'];
}

export interface BodyInput {
  method: Method;
  profile: Profile;
  docType: DocType;
  /** identificativoDoc of the (new) document — create and replace. */
  identificativoDoc?: string;
  /** submission-set unique suffix, to keep identificativoSottomissione unique per call */
  submissionSuffix?: string;
  mode?: InjectionMode;
  /** dataInizioPrestazione: an instant, or already the body's 14-digit `yyyyMMddHHmmss` (see `serviceTimesOf`). */
  serviceStart: Date | string;
  /** dataFinePrestazione; the start when absent. */
  serviceEnd?: Date | string;
  attiCliniciRegoleAccesso?: string[];
}

const dtm = (d: Date | string): string => (typeof d === 'string' ? d : formatDtm(d));

/**
 * The body's service dates for a document: the time of the service its CDA documents (`readServiceTimes`), in the
 * body's format; `at` (the call) when the CDA has none or it cannot be read (a negative case's broken CDA).
 */
export function serviceTimesOf(cda: Uint8Array | null | undefined, at: Date): { serviceStart: Date | string; serviceEnd: Date | string } {
  let t: ReturnType<typeof readServiceTimes> = null;
  try {
    t = cda ? readServiceTimes(cda) : null;
  } catch {
    t = null;
  }
  const start = t ? dtmFromHl7Ts(t.start) : null;
  const stop = t ? dtmFromHl7Ts(t.stop) : null;
  return start ? { serviceStart: start, serviceEnd: stop ?? start } : { serviceStart: at, serviceEnd: at };
}

/** Body for validate-and-create / replace (multipart `requestBody`) and update-metadata (raw JSON). Delete has none. */
export function buildBody(i: BodyInput): RequestBody | null {
  if (i.method === 'delete') return null;
  const publication = i.method === 'validate-and-create' || i.method === 'replace';
  if (publication && !i.identificativoDoc) throw new Error(`${i.method} needs identificativoDoc`);
  const info = docTypeInfo(i.docType);
  const p = i.profile;
  const defaults = profileDefaults(p);
  const sottomissione = i.submissionSuffix ? `${defaults.identificativoSottomissione}.${i.submissionSuffix}` : defaults.identificativoSottomissione;
  // Field order is the one of the gateway DTOs; publication-only fields are left out of the metadata update.
  return {
    ...(publication ? { healthDataFormat: 'CDA', mode: i.mode ?? 'ATTACHMENT' } : {}),
    tipologiaStruttura: p.tipologiaStruttura,
    ...(i.attiCliniciRegoleAccesso ? { attiCliniciRegoleAccesso: i.attiCliniciRegoleAccesso } : {}),
    ...(publication ? { identificativoDoc: i.identificativoDoc, identificativoRep: defaults.identificativoRep } : {}),
    tipoDocumentoLivAlto: info.classCode,
    assettoOrganizzativo: p.assettoOrganizzativo,
    dataInizioPrestazione: dtm(i.serviceStart),
    dataFinePrestazione: dtm(i.serviceEnd ?? i.serviceStart),
    tipoAttivitaClinica: info.tipoAttivitaClinica,
    identificativoSottomissione: sottomissione,
    administrativeRequest: administrativeRequestFor(p),
  };
}

/**
 * Applies a negative-scenario edit to a body: `set` adds/replaces fields (an unknown field, a bad date, an
 * unknown access-rule code), `remove` deletes them. Returns a new object.
 */
export function editBody(body: RequestBody, edit: { set?: Record<string, unknown>; remove?: string[] }): RequestBody {
  const out: RequestBody = { ...body };
  for (const k of edit.remove ?? []) delete out[k];
  for (const [k, v] of Object.entries(edit.set ?? {})) out[k] = v;
  return out;
}
