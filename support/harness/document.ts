/**
 * Prepares one version of a document for a call: CDA (template, or the vendor's own, personalised) → optional
 * negative mutation → PDF/A-3 with cda.xml → PAdES signature (last); or the vendor's already-signed PDF as is.
 * Ids and versions come from support/cda/identity.ts, and nothing here recomputes them.
 */
import type { DocType, InjectionMode, Profile } from '../types.ts';
import { existingDocumentContext, newCdaContext, nextVersion, identificativoDocOf, type CdaContext } from '../cda/identity.ts';
import { buildCda } from '../cda/template.ts';
import { personaliseCda } from '../cda/personalise.ts';
import { readCdaFacts, type CdaFacts } from '../cda/facts.ts';
import { MUTATIONS } from '../cda/mutations.ts';
import { buildPdf } from '../pdf/build.ts';
import type { KeyMaterial } from '../pki/credentials.ts';
import { docTypeInfo } from '../doctypes.ts';
import { sha256Hex } from '../hash.ts';
import type { VendorDocument } from './vendor-documents.ts';

/** One version of a document as sent: CDA, PDF (signed or not), its identifiers. */
export interface DocumentState {
  docType: DocType;
  patientCf: string;
  ctx: CdaContext;
  identificativoDoc: string;
  /** ClinicalDocument/code of the CDA actually sent (a vendor document may differ from the type's default). */
  code: { code: string; codeSystem: string };
  cda: Uint8Array;
  pdf: Uint8Array;
  pdfSha256: string;
  /**
   * 'template' = built by the harness; 'vendor-cda' = vendor CDA personalised; 'vendor-pdf' = vendor PDF sent as is;
   * 'vendor-pdf-next' = a new version of a vendor PDF document: its cda.xml personalised as the next version, wrapped
   * and signed by the harness.
   */
  source: 'template' | 'vendor-cda' | 'vendor-pdf' | 'vendor-pdf-next';
  mode: InjectionMode;
  /** Negative variants applied, for the report. */
  variants: string[];
}

export type PdfVariant = 'unsigned' | 'not-pdf' | 'no-cda';

export interface PrepareOptions {
  docType: DocType;
  patientCf: string;
  profile: Profile;
  /** The vendor's own document for this type (support/harness/vendor-documents.ts), read once per run. */
  vendor?: VendorDocument | null;
  sign: KeyMaterial;
  runId: string;
  seq: number;
  now?: Date;
  mode?: InjectionMode;
  /** Build the next version of this document (replace). */
  replaces?: DocumentState;
  /** Negative cases. */
  cdaMutation?: string;
  pdfVariant?: PdfVariant;
}

/** The CDA's ClinicalDocument/code, the type's default where the CDA has none. */
function codeOf(docType: DocType, facts: Pick<CdaFacts, 'code' | 'codeSystem'> | null): DocumentState['code'] {
  const info = docTypeInfo(docType);
  return { code: facts?.code || info.loinc, codeSystem: facts?.codeSystem || info.codeSystem };
}

/** Builds CDA → PDF/A-3 with cda.xml → PAdES signature (last), or takes the vendor's own document. */
export async function prepareDocument(o: PrepareOptions): Promise<DocumentState> {
  const now = o.now ?? new Date();
  const variants: string[] = [];
  const mode = o.mode ?? 'ATTACHMENT';
  const vendor = o.vendor?.docType === o.docType ? o.vendor : null;

  // A vendor PDF is published exactly as provided (already signed): its patient and ids are the ones of its cda.xml,
  // read once at start-up, and so is the context it leaves for a later replace. A negative variant of a first
  // version (CDA change, other file) is built from the template instead.
  if (vendor?.kind === 'pdf' && !o.replaces && !o.cdaMutation && !o.pdfVariant) {
    const ctx = existingDocumentContext({ docType: o.docType, patientCf: vendor.patientCf, ids: vendor.ids, profile: o.profile, runId: o.runId, now });
    return {
      docType: o.docType, patientCf: vendor.patientCf, ctx, identificativoDoc: identificativoDocOf(ctx), code: codeOf(o.docType, vendor.code),
      cda: vendor.cda, pdf: vendor.bytes, pdfSha256: sha256Hex(vendor.bytes), source: 'vendor-pdf', mode, variants,
    };
  }

  const ctx = o.replaces
    ? nextVersion(o.replaces.ctx, { seq: o.seq, now })
    : newCdaContext({ docType: o.docType, patientCf: o.patientCf, profile: o.profile, runId: o.runId, seq: o.seq, now });
  // The next version of a vendor PDF document cannot be the same bytes: a replace carries the NEW version's id in
  // the body, the old one in the path (gateway-impl §1 E4, gateway-spec §6.5 and A12), and the same document sent
  // again would be a duplicate INI reports only later, asynchronously (gateway-impl §2.9). It is the vendor's own
  // cda.xml personalised as the next version (harness id, same setId, version + 1, RPLC to the vendor document's
  // ids: nextVersion of its context), then wrapped and signed like any document the harness builds.
  const nextOfVendorPdf = o.replaces?.source === 'vendor-pdf' || o.replaces?.source === 'vendor-pdf-next';
  let cda: Uint8Array;
  let source: DocumentState['source'] = 'template';
  if (nextOfVendorPdf) {
    if (vendor?.kind !== 'pdf') throw new Error(`the new version of a vendor PDF document needs the vendor's ${o.docType}.pdf (not given to prepareDocument)`);
    cda = personaliseCda(vendor.cda, ctx);
    source = 'vendor-pdf-next';
  } else if (vendor?.kind === 'cda') {
    cda = personaliseCda(vendor.bytes, ctx);
    source = 'vendor-cda';
  } else {
    cda = buildCda(ctx);
  }
  // the patient the document names (a vendor PDF's, for its next version)
  const patientCf = nextOfVendorPdf ? ctx.patient.cf : o.patientCf;
  if (o.cdaMutation) {
    const m = MUTATIONS[o.cdaMutation];
    if (!m) throw new Error(`unknown CDA mutation "${o.cdaMutation}" (known: ${Object.keys(MUTATIONS).join(', ')})`);
    const before = Buffer.from(cda).toString('utf8');
    const after = m.apply(before);
    if (after === before) throw new Error(`CDA mutation "${o.cdaMutation}" changed nothing in the ${o.docType} document: the negative case would not test anything`);
    cda = new Uint8Array(Buffer.from(after, 'utf8'));
    variants.push(`cda:${o.cdaMutation}`);
  }
  const code = codeOf(o.docType, readCdaFacts(cda));

  const info = docTypeInfo(o.docType);
  let pdf: Uint8Array;
  if (o.pdfVariant === 'not-pdf') {
    // A file that is not a PDF: the CDA XML itself uploaded as "file".
    pdf = cda;
    variants.push('file:not-pdf');
  } else {
    const signWith = o.pdfVariant === 'unsigned' ? undefined : {
      key: { certDer: o.sign.certDer, chainDer: o.sign.chainDer, privateKeyPkcs8Der: o.sign.privateKeyPkcs8Der },
      options: { signingTime: now, reason: 'FSE 2.0 accreditamento RT', location: o.profile.provider.name },
    };
    // CDA → PDF/A-3 with cda.xml → PAdES, in one pdf-lib pass; the signature is the last thing written.
    pdf = await buildPdf({
      cda,
      ...(o.pdfVariant === 'no-cda' ? { attachmentName: 'CDA2.xml' } : {}),
      mode,
      title: `${info.label} — ${patientCf}`,
      lines: [info.label, `Paziente: ${patientCf}`, `Documento: ${ctx.docIdExtension} v${ctx.version}`, `Struttura: ${o.profile.provider.name}`],
      creationDate: now,
      sign: signWith,
    });
    if (o.pdfVariant === 'no-cda') variants.push('file:no-cda');
    if (o.pdfVariant === 'unsigned') variants.push('file:unsigned');
  }
  return {
    docType: o.docType, patientCf, ctx, identificativoDoc: identificativoDocOf(ctx), code,
    cda, pdf, pdfSha256: sha256Hex(pdf), source, mode, variants,
  };
}
