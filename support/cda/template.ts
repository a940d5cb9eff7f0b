/**
 * Fills the per-type CDA R2 templates in `testdata/templates/<TYPE>.xml` for a context (support/cda/identity.ts).
 *
 * Template conventions (shared by every template author):
 * - a complete CDA R2 XML file, UTF-8 without BOM, with `{{NAME}}` placeholders in attribute values and text;
 *   every value is XML-escaped by the builder;
 * - `<!--{{RELATED_DOCUMENT}}-->` marks where `relatedDocument` goes (after documentationOf, before
 *   authorization/componentOf): replaced by an RPLC `relatedDocument` for a replace, by nothing otherwise;
 * - `ClinicalDocument/id` is the first `<id>` in document order, `ClinicalDocument/code` the first `<code>`;
 * - the patient id is `<id root="2.16.840.1.113883.2.9.4.3.2" extension="{{PATIENT_CF}}" assigningAuthorityName="MEF"/>`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocType, Profile } from '../types.ts';
import { UserError } from '../errors.ts';
import { DEFAULT_TEMPLATES_DIR } from '../paths.ts';
import { RT_DOC_ID_ROOT, STS11_OID } from '../gateway/oids.ts';
import { hl7Ts } from '../rome-time.ts';
import { escapeXml } from './scan.ts';
import { relatedDocumentXml, type CdaContext } from './identity.ts';

/** Every placeholder a template may use. */
export const PLACEHOLDERS = [
  'DOC_ID_ROOT', 'DOC_ID_EXT', 'SET_ID_EXT', 'VERSION', 'EFFECTIVE_TIME', 'EFFECTIVE_DATE',
  'PATIENT_CF', 'PATIENT_GIVEN', 'PATIENT_FAMILY', 'PATIENT_GENDER', 'PATIENT_BIRTH', 'PATIENT_BIRTH_ISTAT',
  'PATIENT_CITY', 'PATIENT_ISTAT',
  'PROVIDER_NAME', 'PROVIDER_PIVA', 'PROVIDER_ISTAT', 'ASL_CODE',
  'AUTHOR_CF', 'AUTHOR_GIVEN', 'AUTHOR_FAMILY',
  'ORDER_ID', 'UUID',
  // extensions (optional for template authors): the structure id from the profile's `locality` (XON: OID and code)
  'STRUCTURE_OID', 'STRUCTURE_CODE',
  // extensions (optional for template authors): a time two days before EFFECTIVE_TIME (admission, request, sampling)
  'START_TIME', 'START_DATE',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER_SET = new Set<string>(PLACEHOLDERS);

const RELATED_MARKER = '<!--{{RELATED_DOCUMENT}}-->';
const RELATED = '\u0000RELATED';

/** A template split into literal chunks and slots (placeholder names, or the related-document marker). */
interface CompiledTemplate {
  file: string;
  literals: string[];
  slots: string[];
}

const templateCache = new Map<string, CompiledTemplate>();

export function compileTemplate(text: string, file = 'template'): CompiledTemplate {
  if (text.charCodeAt(0) === 0xfeff) throw new Error(`${file}: the template must not start with a BOM`);
  if (!text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) throw new Error(`${file}: the template must start with <?xml version="1.0" encoding="UTF-8"?>`);
  const literals: string[] = [];
  const slots: string[] = [];
  const re = /<!--\{\{RELATED_DOCUMENT\}\}-->|\{\{([A-Za-z0-9_]+)\}\}/g;
  let last = 0;
  let related = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    literals.push(text.slice(last, m.index));
    if (m[0] === RELATED_MARKER) {
      slots.push(RELATED);
      related++;
    } else {
      const name = m[1]!;
      if (!PLACEHOLDER_SET.has(name)) throw new Error(`${file}: unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(', ')})`);
      slots.push(name);
    }
    last = m.index + m[0].length;
  }
  literals.push(text.slice(last));
  if (related !== 1) throw new Error(`${file}: the template must contain the ${RELATED_MARKER} marker exactly once (found ${related})`);
  return { file, literals, slots };
}

function loadTemplate(docType: DocType, templatesDir: string): CompiledTemplate {
  const file = join(templatesDir, `${docType}.xml`);
  let t = templateCache.get(file);
  if (!t) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UserError('CDA_TEMPLATE_MISSING', `No CDA template for ${docType}: ${file} (${(e as Error).message})`,
        'Provide your own CDA as <documentsDir>/<TYPE>.xml in the profile, or add the template.');
    }
    t = compileTemplate(text, file);
    templateCache.set(file, t);
  }
  return t;
}

/** Forgets cached templates (tests that rewrite a template). */
export function clearTemplateCache(): void {
  templateCache.clear();
}

/**
 * Structure id from the profile's HL7 XON `locality` (`NAME^^^^^&OID&ISO^^^^CODE`); falls back to the STS.11 OID
 * with the ASL code + provider ISTAT when the locality cannot be parsed.
 */
export function structure(profile: Profile): { oid: string; code: string } {
  const m = /^[^^]*\^{5}&([^&]*)&ISO\^{4}([^^&]*)$/.exec(profile.locality ?? '');
  if (m && m[1] && m[2]) return { oid: m[1], code: m[2] };
  const codRep = profile.codRep;
  return { oid: STS11_OID, code: `090${codRep === '999' ? '201' : codRep}${profile.provider.istat}` };
}

const DEFAULT_AUTHOR = { given: 'Giulia', family: 'Verdi' };

/** Placeholder values for a context (raw, not escaped). */
export function placeholderValues(ctx: CdaContext): Record<Placeholder, string> {
  const p = ctx.patient;
  const ts = hl7Ts(ctx.effectiveTime);
  const start = hl7Ts(new Date(ctx.effectiveTime.getTime() - 2 * 86_400_000));
  const codRep = ctx.profile.codRep;
  const struct = structure(ctx.profile);
  return {
    DOC_ID_ROOT: RT_DOC_ID_ROOT,
    DOC_ID_EXT: ctx.docIdExtension,
    SET_ID_EXT: ctx.setIdExtension,
    VERSION: String(ctx.version),
    EFFECTIVE_TIME: ts,
    EFFECTIVE_DATE: ts.slice(0, 8),
    PATIENT_CF: p.cf,
    PATIENT_GIVEN: p.given,
    PATIENT_FAMILY: p.family,
    PATIENT_GENDER: p.gender,
    PATIENT_BIRTH: p.birthDate,
    PATIENT_BIRTH_ISTAT: p.birthPlaceIstat,
    PATIENT_CITY: p.residenceCity ?? 'Firenze',
    PATIENT_ISTAT: p.residenceIstat ?? '048017',
    PROVIDER_NAME: ctx.profile.provider.name,
    PROVIDER_PIVA: ctx.profile.provider.partitaIva,
    PROVIDER_ISTAT: ctx.profile.provider.istat,
    ASL_CODE: `090${codRep === '999' ? '201' : codRep}`,
    AUTHOR_CF: (ctx.author?.cf ?? ctx.profile.operatorCf).toUpperCase(),
    AUTHOR_GIVEN: ctx.author?.given ?? DEFAULT_AUTHOR.given,
    AUTHOR_FAMILY: ctx.author?.family ?? DEFAULT_AUTHOR.family,
    ORDER_ID: `${ctx.setIdExtension}.ORD`,
    UUID: randomUUID(),
    STRUCTURE_OID: struct.oid,
    STRUCTURE_CODE: struct.code,
    START_TIME: start,
    START_DATE: start.slice(0, 8),
  };
}

const encoder = new TextEncoder();

/** Fills `testdata/templates/<TYPE>.xml` (or `templatesDir`) for the context: UTF-8 bytes. Templates are cached. */
export function buildCda(ctx: CdaContext, o: { templatesDir?: string } = {}): Uint8Array {
  return encoder.encode(buildCdaString(ctx, o));
}

export function buildCdaString(ctx: CdaContext, o: { templatesDir?: string } = {}): string {
  const t = loadTemplate(ctx.docType, o.templatesDir ?? DEFAULT_TEMPLATES_DIR);
  const values = placeholderValues(ctx);
  const escaped: Record<string, string> = {};
  for (const k of PLACEHOLDERS) escaped[k] = escapeXml(values[k]);
  escaped[RELATED] = relatedDocumentXml(ctx);
  let out = t.literals[0]!;
  for (let i = 0; i < t.slots.length; i++) out += escaped[t.slots[i]!]! + t.literals[i + 1]!;
  return out;
}
