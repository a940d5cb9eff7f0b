/**
 * Personalises a vendor's own CDA for one call of the run: its ids, setId, version and patient become the context's
 * (support/cda/identity.ts), and a replace gets its RPLC relatedDocument. Everything else stays byte-identical.
 */
import { UserError } from '../errors.ts';
import { MEF_OID } from '../gateway/oids.ts';
import { escapeXml, parseAttrs, scanTags, setAttr } from './scan.ts';
import { idRootOf, relatedDocumentXml, setIdRootOf, type CdaContext } from './identity.ts';

interface HeaderTag { name: string; start: number; tagEnd: number; end: number }

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/**
 * Sets ClinicalDocument/id (root + extension), setId, versionNumber and the patient's CF id of a vendor CDA to the
 * context's values, and for a replace puts the RPLC relatedDocument in place. String-level edits on the raw bytes
 * (latin1 view, so every other byte stays identical whatever the encoding).
 */
export function personaliseCda(xml: Uint8Array, ctx: CdaContext): Uint8Array {
  const text = latin1(xml);
  let rootQname = '';
  let bodyStart = -1;
  const header: HeaderTag[] = [];
  const open: (HeaderTag | null)[] = [];
  let patientIdTags: { start: number; tagEnd: number; root: string }[] = [];
  scanTags(text, (e) => {
    if (e.depth === 0) {
      if (e.name !== 'ClinicalDocument') return false;
      rootQname = e.qname;
      return;
    }
    if (e.depth === 1) {
      if (e.name === 'component') { bodyStart = e.start; return false; }
      const h: HeaderTag = { name: e.name, start: e.start, tagEnd: e.tagEnd, end: e.tagEnd };
      header.push(h);
      if (!e.selfClosing) open[1] = h;
      return;
    }
    if (e.depth === 3 && e.name === 'id' && e.path[1] === 'recordTarget' && e.path[2] === 'patientRole') {
      patientIdTags.push({ start: e.start, tagEnd: e.tagEnd, root: parseAttrs(text.slice(e.start, e.tagEnd))['root'] ?? '' });
    }
    return;
  }, (e) => {
    if (e.depth === 1 && open[1]) { open[1].end = e.end; open[1] = null; }
  });
  if (!rootQname) throw new UserError('CDA_INVALID', 'The vendor CDA has no ClinicalDocument root element');
  const prefix = rootQname.includes(':') ? rootQname.slice(0, rootQname.indexOf(':') + 1) : '';
  const first = (name: string) => header.find((h) => h.name === name);

  const edits: { start: number; end: number; text: string }[] = [];
  const editTag = (h: { start: number; tagEnd: number }, attrs: Record<string, string>) => {
    let tag = text.slice(h.start, h.tagEnd);
    for (const [k, v] of Object.entries(attrs)) tag = setAttr(tag, k, v);
    edits.push({ start: h.start, end: h.tagEnd, text: tag });
  };

  const id = first('id');
  if (!id) throw new UserError('CDA_INVALID', 'The vendor CDA has no ClinicalDocument/id');
  editTag(id, { root: idRootOf(ctx), extension: ctx.docIdExtension });

  // the roots are RT's for every version the harness numbers; the next version of a vendor PDF keeps its setId root
  const setIdXml = `<${prefix}setId root="${escapeXml(setIdRootOf(ctx))}" extension="${escapeXml(ctx.setIdExtension)}"/>`;
  const versionXml = `<${prefix}versionNumber value="${ctx.version}"/>`;
  const setId = first('setId');
  const version = first('versionNumber');
  if (setId) editTag(setId, { root: setIdRootOf(ctx), extension: ctx.setIdExtension });
  if (version) editTag(version, { value: String(ctx.version) });
  if (!setId || !version) {
    // CDA order: ... confidentialityCode, languageCode, setId, versionNumber, copyTime, recordTarget
    if (!setId && version) {
      edits.push({ start: version.start, end: version.start, text: setIdXml });
    } else {
      const anchor = setId ?? first('languageCode') ?? first('confidentialityCode');
      if (!anchor) throw new UserError('CDA_INVALID', 'The vendor CDA has no confidentialityCode: cannot place setId/versionNumber');
      edits.push({ start: anchor.end, end: anchor.end, text: (setId ? '' : setIdXml) + (version ? '' : versionXml) });
    }
  }

  if (patientIdTags.length === 0) throw new UserError('CDA_INVALID', 'The vendor CDA has no recordTarget/patientRole/id');
  const cfTag = patientIdTags.find((t) => t.root === MEF_OID) ?? patientIdTags[0]!;
  editTag(cfTag, { root: MEF_OID, extension: ctx.patient.cf });
  patientIdTags = [];

  if (ctx.replaces) {
    const rel = relatedDocumentXml(ctx, prefix);
    const existing = header.filter((h) => h.name === 'relatedDocument');
    if (existing.length > 0) {
      edits.push({ start: existing[0]!.start, end: existing[0]!.end, text: rel });
      for (const h of existing.slice(1)) edits.push({ start: h.start, end: h.end, text: '' });
    } else {
      const anchor = first('authorization') ?? first('componentOf');
      const at = anchor ? anchor.start : bodyStart;
      if (at < 0) throw new UserError('CDA_INVALID', 'The vendor CDA has no body component: cannot place relatedDocument');
      edits.push({ start: at, end: at, text: rel });
    }
  }

  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
