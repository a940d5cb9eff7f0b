/**
 * The id and version policy of the documents a run sends, in one place: a first version gets a run-unique id
 * (`<PIVA>.<TIPO>.<CODREP>.<runId>-<seq>`, RT's rule) and setId = id; each next version gets a new id, the same
 * setId, version + 1 and an RPLC link to the version it replaces. The CDA template, the vendor-CDA
 * personalisation and harness/document.ts all take the ids from here and never recompute them.
 * A document the harness did not number (a vendor PDF, published as is) enters the chain through existingDocumentContext:
 * its context carries the ids its own CDA states, roots included, so that its next version replaces exactly that
 * document (gateway-impl §1 E4: the path holds the old id, the body's `identificativoDoc` the new one).
 */
import type { DocType, Profile } from '../types.ts';
import { UserError } from '../errors.ts';
import { docTypeInfo } from '../doctypes.ts';
import { identificativoDoc, rtDocIdExtension } from '../gateway/ids.ts';
import { RT_DOC_ID_ROOT } from '../gateway/oids.ts';
import { escapeXml } from './scan.ts';
import { patientFor, type Patient } from './patients.ts';

/** The ids of one version of a document, as its CDA states them (ClinicalDocument/id, setId, versionNumber). */
export interface DocumentIds {
  idRoot: string;
  idExtension: string;
  setIdRoot: string;
  setIdExtension: string;
  version: number;
}

export interface CdaContext {
  docType: DocType;
  patient: Patient;
  profile: Profile;
  /** ClinicalDocument/id root; absent = RT's document-id root (every version the harness numbers). */
  idRoot?: string;
  docIdExtension: string;
  /** setId root; absent = RT's document-id root. Kept by every next version (same setId). */
  setIdRoot?: string;
  setIdExtension: string;
  version: number;
  effectiveTime: Date;
  /** The version this one replaces (RPLC); roots absent = RT's document-id root. */
  replaces?: { idRoot?: string; idExtension: string; setIdRoot?: string; setIdExtension: string; version: number };
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

/**
 * The context of a version the harness did not number, from the ids its own CDA states (a vendor PDF: its cda.xml,
 * read once at start-up). Publishing it sends those ids unchanged (`identificativoDocOf` = `<id root>^<extension>`);
 * its nextVersion is numbered by the harness (RT's rule, run-unique) and keeps its setId (root and extension).
 * Any patient id is accepted here: the document already carries it (on stage, support/harness/vendor-documents.ts
 * has refused one that is not an RT test fiscal code before the run).
 */
export function existingDocumentContext(o: { docType: DocType; patientCf: string; ids: DocumentIds; profile: Profile; runId: string; now?: Date }): CdaContext {
  docTypeInfo(o.docType);
  const now = o.now ?? new Date();
  return {
    docType: o.docType,
    patient: existingPatient(o.patientCf),
    profile: o.profile,
    idRoot: o.ids.idRoot,
    docIdExtension: o.ids.idExtension,
    setIdRoot: o.ids.setIdRoot,
    setIdExtension: o.ids.setIdExtension,
    version: o.ids.version,
    effectiveTime: new Date(Math.floor(now.getTime() / 1000) * 1000),
    runId: o.runId,
  };
}

/**
 * The patient of a document the harness did not write. Its next version is the same CDA personalised
 * (support/cda/personalise.ts), which writes only the fiscal code: the synthetic demographics are a by-product, and
 * an id that is not a well-formed fiscal code (accepted by the simulator) keeps just its value.
 */
function existingPatient(cf: string): Patient {
  try {
    return patientFor(cf, { allowAny: true });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { cf, given: '', family: '', gender: 'M', birthDate: '', birthPlaceIstat: '' };
  }
}

/**
 * The next version of a document: new id (RT's root, numbered by the harness), same setId, version + 1, `replaces` =
 * the previous version with its own roots (RPLC).
 */
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
  // the new id is the harness's, under RT's root, whatever the root of the replaced version
  const { idRoot: _replacedRoot, ...rest } = ctx;
  return {
    ...rest,
    docIdExtension: ext,
    version: ctx.version + 1,
    effectiveTime: new Date(Math.floor(now.getTime() / 1000) * 1000),
    replaces: {
      ...(ctx.idRoot !== undefined ? { idRoot: ctx.idRoot } : {}),
      idExtension: ctx.docIdExtension,
      ...(ctx.setIdRoot !== undefined ? { setIdRoot: ctx.setIdRoot } : {}),
      setIdExtension: ctx.setIdExtension,
      version: ctx.version,
    },
  };
}

/** ClinicalDocument/id root of a context's version. */
export function idRootOf(ctx: Pick<CdaContext, 'idRoot'>): string {
  return ctx.idRoot ?? RT_DOC_ID_ROOT;
}

/** setId root of a context's version. */
export function setIdRootOf(ctx: Pick<CdaContext, 'setIdRoot'>): string {
  return ctx.setIdRoot ?? RT_DOC_ID_ROOT;
}

/** `identificativoDoc` of a context's version: `<id root>^<id extension>` (RT's root unless the document has its own). */
export function identificativoDocOf(ctx: CdaContext): string {
  return identificativoDoc(idRootOf(ctx), ctx.docIdExtension);
}

/** The RPLC relatedDocument for a replace (empty string for a first version): the replaced version's own ids. */
export function relatedDocumentXml(ctx: CdaContext, prefix = ''): string {
  if (!ctx.replaces) return '';
  const r = ctx.replaces;
  const p = prefix;
  return `<${p}relatedDocument typeCode="RPLC"><${p}parentDocument>`
    + `<${p}id root="${escapeXml(r.idRoot ?? RT_DOC_ID_ROOT)}" extension="${escapeXml(r.idExtension)}"/>`
    + `<${p}setId root="${escapeXml(r.setIdRoot ?? RT_DOC_ID_ROOT)}" extension="${escapeXml(r.setIdExtension)}"/>`
    + `<${p}versionNumber value="${r.version}"/>`
    + `</${p}parentDocument></${p}relatedDocument>`;
}
