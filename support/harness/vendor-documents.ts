/**
 * The vendor's own documents (profile field `documentsDir`), resolved ONCE before any call: which file stands for
 * which document type, and what a vendor PDF carries. Everything a vendor can get wrong here is a UserError at
 * start-up, never a silent fall-back to the built-in templates:
 *  - `documentsDir` missing or not a folder;
 *  - a file whose name is not `<TYPE>.xml` or `<TYPE>.pdf` for one of the nine types (case-sensitive: `LAB.xml`,
 *    not `lab.xml`; hidden files and sub-folders are ignored);
 *  - a type with both `<TYPE>.xml` and `<TYPE>.pdf`;
 *  - a file for a type that is not in the profile's `documentTypes` (it would never be sent);
 *  - a CDA that cannot be read, a PDF without `cda.xml`;
 *  - a document whose ClinicalDocument/code is not of its type's class (checkCode: every call would be refused);
 *  - on stage, a vendor PDF whose patient is not one of RT's test fiscal codes (a PDF is sent as is: its patient
 *    cannot be changed).
 *
 * A vendor PDF is published byte for byte, so every scenario that sends it sends the same patient and the same
 * document ids. Two consequences, handled here as pure functions over a scenario's step texts (the Cucumber wiring is
 * in steps/hooks.ts): a scenario written for another patient is skipped with its reason (the report never shows a
 * fiscal code that was not sent), and two scenarios on the same vendor PDF never run at the same time. Its
 * replacement cannot be the same bytes (a replace carries a NEW id, gateway-impl §1 E4, gateway-spec §6.5/A12):
 * it is the next version of its cda.xml, built and signed by the harness (support/harness/document.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { DOC_TYPES, RT_TEST_CFS, type DocType, type Profile } from '../types.ts';
import { UserError } from '../errors.ts';
import { readCdaFacts } from '../cda/facts.ts';
import { extractCda } from '../pdf/inspect.ts';
import { identificativoDoc } from '../gateway/ids.ts';
import { MEF_OID } from '../gateway/oids.ts';
import { CLASS_CODE_BY_LOINC } from '../gateway/codes.ts';
import { docTypeInfo, docTypeOfLoinc } from '../doctypes.ts';
import type { CdaFacts } from '../cda/facts.ts';
import type { DocumentIds } from '../cda/identity.ts';

export interface VendorCda {
  kind: 'cda';
  docType: DocType;
  /** Absolute path. */
  file: string;
  /** The CDA as provided (personalised per scenario by support/cda/personalise.ts). */
  bytes: Uint8Array;
}

export interface VendorPdf {
  kind: 'pdf';
  docType: DocType;
  file: string;
  /** The signed PDF as provided: published exactly as is. */
  bytes: Uint8Array;
  /** Its embedded cda.xml (also the base of its next version, when a scenario replaces it). */
  cda: Uint8Array;
  /** The patient of the embedded CDA (recordTarget/patientRole/id, the MEF one when there are several). */
  patientCf: string;
  /** `<id root>^<id extension>` of the embedded CDA: the id it is published with. */
  identificativoDoc: string;
  /** The embedded CDA's id, setId and version: what the RPLC of its next version points at. */
  ids: DocumentIds;
  code: { code: string; codeSystem: string };
}

export type VendorDocument = VendorCda | VendorPdf;

export interface VendorDocuments {
  /** Absolute `documentsDir`, or null when the profile has none. */
  dir: string | null;
  byType: Partial<Record<DocType, VendorDocument>>;
  /** Types of the profile that use the harness's built-in templates. */
  builtIn: DocType[];
  /** Non-fatal observations (e.g. a document whose code is another type's of the same class), printed at start-up (English, Italian). */
  warnings: { en: string; it: string }[];
}

const NAME = /^([A-Z_]+)\.(xml|pdf)$/;

/** Reads `documentsDir` and every vendor file once. Throws a UserError naming each problem (one line each). */
export async function loadVendorDocuments(profile: Profile, profileDir: string): Promise<VendorDocuments> {
  const result: VendorDocuments = { dir: null, byType: {}, builtIn: [...profile.documentTypes], warnings: [] };
  if (!profile.documentsDir) return result;
  const dir = resolve(profileDir, profile.documentsDir);
  result.dir = dir;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError('DOCUMENTS_DIR', `documentsDir "${profile.documentsDir}" ${existsSync(dir) ? 'is not a folder' : 'does not exist'} (${dir})`,
      'create it with your documents named <TYPE>.xml or <TYPE>.pdf, or remove "documentsDir" from the profile to use the built-in templates');
  }
  const problems: string[] = [];
  const found = new Map<DocType, { xml?: string; pdf?: string }>();
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const abs = join(dir, name);
    if (!statSync(abs).isFile()) continue;
    const m = NAME.exec(name);
    const type = m && (DOC_TYPES as readonly string[]).includes(m[1]!) ? (m[1] as DocType) : undefined;
    if (!m || !type) {
      const guess = DOC_TYPES.find((t) => name.toUpperCase().startsWith(`${t}.`));
      problems.push(`"${name}" matches no document type: names are <TYPE>.xml or <TYPE>.pdf, case-sensitive, TYPE one of ${DOC_TYPES.join(' ')}${guess ? ` (did you mean ${guess}.${name.split('.').pop()!.toLowerCase() === 'pdf' ? 'pdf' : 'xml'}?)` : ''}`);
      continue;
    }
    const entry = found.get(type) ?? {};
    entry[m[2] as 'xml' | 'pdf'] = abs;
    found.set(type, entry);
  }
  for (const [type, e] of found) {
    if (e.xml && e.pdf) problems.push(`${type}: both ${type}.xml and ${type}.pdf — keep one (the CDA is personalised per scenario, the PDF is sent as is)`);
    else if (!profile.documentTypes.includes(type)) problems.push(`${type}.${e.xml ? 'xml' : 'pdf'}: ${type} is not in the profile's documentTypes (${profile.documentTypes.join(', ')}), so it would never be sent — add ${type} to documentTypes or remove the file`);
  }
  if (problems.length === 0) {
    for (const [type, e] of found) {
      try {
        result.byType[type] = e.pdf ? await readVendorPdf(type, e.pdf, profile, result.warnings) : readVendorCda(type, e.xml!, result.warnings);
      } catch (err) {
        if (err instanceof UserError) problems.push(err.message);
        else throw err;
      }
    }
  }
  if (problems.length) {
    const where = relative(process.cwd(), dir) || dir;
    throw new UserError('DOCUMENTS_DIR', `documentsDir ${where}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`,
      'fix the files, or remove "documentsDir" from the profile to use the built-in templates');
  }
  result.builtIn = profile.documentTypes.filter((t) => !result.byType[t]);
  return result;
}

function readVendorCda(type: DocType, file: string, warnings: VendorDocuments['warnings']): VendorCda {
  const bytes = new Uint8Array(readFileSync(file));
  let facts;
  try { facts = readCdaFacts(bytes); } catch (e) { throw new UserError('DOCUMENTS_DIR', `${type}.xml is not a readable CDA: ${(e as Error).message}`); }
  if (!facts.idRoot && !facts.code && facts.patientIds.length === 0) throw new UserError('DOCUMENTS_DIR', `${type}.xml is not a readable CDA: no ClinicalDocument header`);
  if (facts.patientIds.length === 0) throw new UserError('DOCUMENTS_DIR', `${type}.xml has no recordTarget/patientRole/id: the harness could not set the patient`);
  checkCode(type, `${type}.xml`, facts, warnings);
  return { kind: 'cda', docType: type, file, bytes };
}

/**
 * The document's ClinicalDocument/code must be of its type's class. The body's `tipoDocumentoLivAlto` is the TYPE's
 * class (support/request/body.ts) while `resource_hl7_type` is the CDA's own code (it must equal it, gateway-spec
 * §2.6): the gateway correlates the two (§3.5) and refuses every call otherwise — 400 /msg/validator "Non c'è
 * correlazione tra tipo documento e tipo documento livello alto", or "Uno tra tipo documento o tipo documento livello
 * alto risulta essere null" for a code outside its table. So it is one error here, before any call. The correlation
 * is by class: another code of the same class is accepted (LDO's 18842-5, lettera di dimissione non ospedaliera),
 * and so is another type's code of the same class (a RAD code in LAB.pdf: REF for both), with a warning.
 */
function checkCode(type: DocType, name: string, facts: Pick<CdaFacts, 'code'>, warnings: VendorDocuments['warnings']): void {
  const info = docTypeInfo(type);
  if (!facts.code) {
    throw new UserError('DOCUMENTS_DIR', `${name} has no ClinicalDocument/code: the gateway refuses a CDA without one (403 /jwt-document-type) — set it to ${info.loinc} (LOINC, ${type})`);
  }
  const cls = CLASS_CODE_BY_LOINC[facts.code];
  const ofCode = docTypeOfLoinc(facts.code);
  const sent = `${type} documents are sent with tipoDocumentoLivAlto ${info.classCode}`;
  const giveOne = `give a ${type} document (ClinicalDocument/code ${info.loinc})`;
  if (!cls) {
    throw new UserError('DOCUMENTS_DIR', `${name}: its ClinicalDocument/code ${facts.code} is not in the gateway's document type ↔ class table (national guide §15.4), and ${sent}: the gateway would refuse every call (400 /msg/validator) — ${giveOne}`);
  }
  if (cls !== info.classCode) {
    const what = ofCode ? `the code of a document of type ${ofCode} (class ${cls})` : `of class ${cls}`;
    const fix = ofCode ? `name the file ${ofCode}.${name.endsWith('.pdf') ? 'pdf' : 'xml'} (with ${ofCode} in documentTypes), or ${giveOne}` : giveOne;
    throw new UserError('DOCUMENTS_DIR', `${name}: its ClinicalDocument/code ${facts.code} is ${what}, but ${sent}: the gateway would refuse every call (400 /msg/validator "Non c'è correlazione tra tipo documento e tipo documento livello alto") — ${fix}`);
  }
  if (ofCode && ofCode !== type) {
    warnings.push({
      en: `${name} carries a ${ofCode} document (ClinicalDocument/code ${facts.code}, class ${cls} like ${type}): it is sent for the ${type} scenarios`,
      it: `${name} contiene un documento ${ofCode} (ClinicalDocument/code ${facts.code}, classe ${cls} come ${type}): è inviato per gli scenari ${type}`,
    });
  }
}

async function readVendorPdf(type: DocType, file: string, profile: Profile, warnings: VendorDocuments['warnings']): Promise<VendorPdf> {
  const bytes = new Uint8Array(readFileSync(file));
  const { cda } = await extractCda(bytes, undefined);
  if (!cda) throw new UserError('DOCUMENTS_DIR', `${type}.pdf is not a PDF carrying a CDA (no cda.xml attachment, no XFA resource): the gateway would answer 400 /msg/cda-element`);
  let facts;
  try { facts = readCdaFacts(cda); } catch (e) { throw new UserError('DOCUMENTS_DIR', `${type}.pdf: its cda.xml cannot be read: ${(e as Error).message}`); }
  const patient = (facts.patientIds.find((p) => p.root === MEF_OID) ?? facts.patientIds[0])?.extension ?? '';
  if (!patient) throw new UserError('DOCUMENTS_DIR', `${type}.pdf: its cda.xml has no recordTarget/patientRole/id (no patient)`);
  if (!facts.idRoot || !facts.idExtension) throw new UserError('DOCUMENTS_DIR', `${type}.pdf: its cda.xml has no ClinicalDocument/id root and extension`);
  if (profile.target === 'stage' && !RT_TEST_CFS.includes(patient.toUpperCase())) {
    throw new UserError('NON_TEST_CF', `${type}.pdf is for patient ${patient}, not one of RT's five test fiscal codes: a vendor PDF is sent as is, and on stage only ${RT_TEST_CFS.join(', ')} are allowed`);
  }
  checkCode(type, `${type}.pdf`, facts, warnings);
  // setId and versionNumber as the CDA states them (a CDA without them is a first version: setId = id, version 1)
  const ids: DocumentIds = {
    idRoot: facts.idRoot, idExtension: facts.idExtension,
    setIdRoot: facts.setIdExtension ? (facts.setIdRoot || facts.idRoot) : facts.idRoot,
    setIdExtension: facts.setIdExtension || facts.idExtension,
    version: facts.version ?? 1,
  };
  return {
    kind: 'pdf', docType: type, file, bytes, cda, patientCf: patient,
    identificativoDoc: identificativoDoc(facts.idRoot, facts.idExtension), ids,
    code: { code: facts.code, codeSystem: facts.codeSystem },
  };
}

// ---- scenarios and vendor PDFs ------------------------------------------------------------------------------------

/**
 * The document steps that send the document as prepared (no CDA change, no file variant): with a vendor PDF for the
 * type, these send the vendor's PDF. Mirrors the step texts of steps/gateway.steps.ts.
 */
const PLAIN_DOCUMENT_STEP = /^un documento (\S+) (?:pubblicato )?per il paziente (\S+)$/;

/** What a scenario does with the vendor PDF of its type, from its step texts (without keywords). */
export function vendorPdfUse(stepTexts: readonly string[], docs: Pick<VendorDocuments, 'byType'> | null | undefined): { pdf: VendorPdf; patients: string[] } | null {
  if (!docs) return null;
  let pdf: VendorPdf | null = null;
  const patients: string[] = [];
  for (const text of stepTexts) {
    const m = PLAIN_DOCUMENT_STEP.exec(text.trim());
    if (!m) continue;
    const d = docs.byType[m[1] as DocType];
    if (d?.kind !== 'pdf') continue;
    pdf = d;
    if (!patients.includes(m[2]!)) patients.push(m[2]!);
  }
  return pdf ? { pdf, patients } : null;
}

/**
 * Why a scenario cannot run on the vendor PDF of its type, or null when it can: it is written for a patient other
 * than the one the PDF carries. (Sent anyway, its report would name a fiscal code that was never sent.)
 */
export function vendorPdfSkipReason(stepTexts: readonly string[], docs: Pick<VendorDocuments, 'byType'> | null | undefined): string | null {
  const use = vendorPdfUse(stepTexts, docs);
  if (!use) return null;
  const others = use.patients.filter((cf) => cf.toUpperCase() !== use.pdf.patientCf.toUpperCase());
  if (others.length === 0) return null;
  return `the vendor PDF ${use.pdf.docType}.pdf is sent as is and carries patient ${use.pdf.patientCf}; this scenario is written for ${others.join(', ')}: nothing sent`;
}

/** The vendor PDF a scenario sends (its type), or null: scenarios with the same key must not run at the same time. */
export function vendorPdfKey(stepTexts: readonly string[], docs: Pick<VendorDocuments, 'byType'> | null | undefined): DocType | null {
  return vendorPdfUse(stepTexts, docs)?.pdf.docType ?? null;
}

/** One line of the start-up listing, in English (console) and Italian (summary.md, report environment). */
export interface DocumentNotice { level: 'info' | 'warning'; text: string; it: string }

/**
 * The start-up listing: which vendor file is used for which type, and which types use the built-in templates. When
 * the planned scenarios are given (step texts of each), a vendor PDF's line says how many of them send it and how
 * many are skipped because they are written for another patient.
 */
export function documentNotices(docs: VendorDocuments, planned?: readonly (readonly string[])[]): DocumentNotice[] {
  const info = (text: string, it: string): DocumentNotice => ({ level: 'info', text: `documents: ${text}`, it });
  if (!docs.dir) return [info(`built-in templates for ${docs.builtIn.join(', ')} (no "documentsDir" in the profile)`, `${docs.builtIn.join(', ')}: modelli interni dell'harness (nessun documento del fornitore)`)];
  const out: DocumentNotice[] = [];
  const rel = (f: string) => relative(process.cwd(), f) || f;
  for (const t of DOC_TYPES) {
    const d = docs.byType[t];
    if (!d) continue;
    if (d.kind === 'cda') {
      out.push(info(`${t} ← vendor CDA ${rel(d.file)} (personalised per scenario: patient, ids and version set by the harness)`,
        `${t}: CDA del fornitore ${basename(d.file)}, personalizzato per ogni scenario (paziente, identificativi e versione impostati dall'harness)`));
      continue;
    }
    let en = '';
    let it = '';
    if (planned) {
      const using = planned.filter((steps) => vendorPdfKey(steps, docs) === t);
      const skipped = using.filter((steps) => vendorPdfSkipReason(steps, docs)).length;
      en = `; ${using.length - skipped} planned scenarios send it, one at a time${skipped ? `; ${skipped} written for other patients are SKIPPED (give ${t}.xml instead to run them all with your content)` : ''}`;
      it = `; inviato da ${using.length - skipped} scenari, uno alla volta${skipped ? `; ${skipped} scenari scritti per altri pazienti NON eseguiti (nulla inviato)` : ''}`;
    }
    // what a replace sends is said here too: not this PDF, its next version (support/harness/document.ts)
    out.push(info(`${t} ← vendor PDF ${rel(d.file)} (published as is: patient ${d.patientCf}, document ${d.identificativoDoc} v${d.ids.version}; a replacement sends its next version, built from its cda.xml and signed by the harness${en})`,
      `${t}: PDF del fornitore ${basename(d.file)}, pubblicato così com'è (paziente ${d.patientCf}, documento ${d.identificativoDoc} v${d.ids.version}; una sostituzione invia la versione successiva, costruita dall'harness dal suo cda.xml e firmata${it})`));
  }
  if (docs.builtIn.length) out.push(info(`built-in templates for ${docs.builtIn.join(', ')}`, `${docs.builtIn.join(', ')}: modelli interni dell'harness`));
  for (const w of docs.warnings) out.push({ level: 'warning', text: `documents: WARNING — ${w.en}`, it: w.it });
  return out;
}

/** The start-up listing as console lines (see documentNotices). */
export function describeVendorDocuments(docs: VendorDocuments, planned?: readonly (readonly string[])[]): string[] {
  return documentNotices(docs, planned).map((n) => n.text);
}
