/**
 * The id and version policy of the documents a run sends, in one place: a first version gets a run-unique id
 * (`<PIVA>.<TIPO>.<CODREP>.<runId>-<seq>`, RT's rule) and setId = id; each next version gets a new id, the same
 * setId, version + 1 and an RPLC link to the version it replaces. The CDA template, the vendor-CDA
 * personalisation and harness/document.ts all take the ids from here and never recompute them.
 */
import type { DocType, Profile } from '../types.ts';
import { docTypeInfo } from '../doctypes.ts';
import { identificativoDoc, rtDocIdExtension } from '../gateway/ids.ts';
import { RT_DOC_ID_ROOT } from '../gateway/oids.ts';
import { escapeXml } from './scan.ts';
import { patientFor, type Patient } from './patients.ts';

export interface CdaContext {
  docType: DocType;
  patient: Patient;
  profile: Profile;
  docIdExtension: string;
  setIdExtension: string;
  version: number;
  effectiveTime: Date;
  replaces?: { idExtension: string; setIdExtension: string; version: number };
  /** Run id used to derive the ids of later versions (set by newCdaContext). */
  runId?: string;
  /** Author (refertante); defaults to the profile's operator CF with synthetic names. */
  author?: { cf: string; given: string; family: string };
}

/** A run-unique, URL-safe local id: `<runId>-<seq>` with only [A-Za-z0-9.-]. */
export function localDocumentId(runId: string, seq: number): string {
  return `${runId.replace(/[^A-Za-z0-9.-]/g, '')}-${String(seq).padStart(4, '0')}`;
}

/** The id extension of the document prepared as call number `seq` of run `runId` (RT's rule around a run-unique id). */
export function documentIdExtension(profile: Profile, docType: DocType, runId: string, seq: number): string {
  return rtDocIdExtension(profile, docType, localDocumentId(runId, seq));
}

/**
 * A fresh first version: `id` extension `<PIVA>.<TIPO>.<CODREP>.<runId>-<seq>` (RT rule, support/gateway/ids.ts),
 * setId = id (schematron "ERRORE-8": id and setId coincide on version 1), version 1.
 */
export function newCdaContext(o: { docType: DocType; patientCf: string; profile: Profile; runId: string; seq: number; now?: Date; allowAnyCf?: boolean }): CdaContext {
  docTypeInfo(o.docType);
  const patient = patientFor(o.patientCf, { allowAny: o.allowAnyCf });
  const ext = documentIdExtension(o.profile, o.docType, o.runId, o.seq);
  const now = o.now ?? new Date();
  return {
    docType: o.docType,
    patient,
    profile: o.profile,
    docIdExtension: ext,
    setIdExtension: ext,
    version: 1,
    effectiveTime: new Date(Math.floor(now.getTime() / 1000) * 1000),
    runId: o.runId,
  };
}

/** The next version of a document: new id, same setId, version + 1, `replaces` = the previous version. */
export function nextVersion(ctx: CdaContext, o: { seq: number; now?: Date }): CdaContext {
  let ext: string;
  if (ctx.runId !== undefined) {
    ext = documentIdExtension(ctx.profile, ctx.docType, ctx.runId, o.seq);
  } else {
    // no run id recorded: replace the trailing "-<seq>" of the previous extension
    const m = /^(.*)-\d+$/.exec(ctx.docIdExtension);
    ext = `${m ? m[1] : ctx.docIdExtension}-${String(o.seq).padStart(4, '0')}`;
  }
  if (ext === ctx.docIdExtension) throw new Error(`nextVersion: seq ${o.seq} gives the same id as the previous version (${ext})`);
  const now = o.now ?? new Date();
  return {
    ...ctx,
    docIdExtension: ext,
    version: ctx.version + 1,
    effectiveTime: new Date(Math.floor(now.getTime() / 1000) * 1000),
    replaces: { idExtension: ctx.docIdExtension, setIdExtension: ctx.setIdExtension, version: ctx.version },
  };
}

/** `identificativoDoc` of a context's version: `<RT root>^<id extension>`. */
export function identificativoDocOf(ctx: CdaContext): string {
  return identificativoDoc(RT_DOC_ID_ROOT, ctx.docIdExtension);
}

/** The RPLC relatedDocument for a replace (empty string for a first version). */
export function relatedDocumentXml(ctx: CdaContext, prefix = ''): string {
  if (!ctx.replaces) return '';
  const r = ctx.replaces;
  const p = prefix;
  return `<${p}relatedDocument typeCode="RPLC"><${p}parentDocument>`
    + `<${p}id root="${RT_DOC_ID_ROOT}" extension="${escapeXml(r.idExtension)}"/>`
    + `<${p}setId root="${RT_DOC_ID_ROOT}" extension="${escapeXml(r.setIdExtension)}"/>`
    + `<${p}versionNumber value="${r.version}"/>`
    + `</${p}parentDocument></${p}relatedDocument>`;
}
