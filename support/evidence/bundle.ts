/**
 * evidence-bundle.zip for Toscana Compliance: exactly the files listed in evidence/manifest.json plus the manifest.
 * Deterministic: sorted entries, fixed DOS timestamp (no extended-time field), fixed permissions (0644),
 * deflate level fixed per entry (PDFs stored, the rest level 6) → byte-identical output for identical input (same Node/zlib).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yazl from 'yazl';
import { MANIFEST_REL, readManifest, writeManifest } from './manifest.ts';
import { RUN_FILES } from './runDir.ts';
import { useNativeCrc32 } from './native-crc32.ts';

useNativeCrc32();

/** 2000-01-01 00:00:00 in *local* time: DOS timestamps are local fields, so this gives the same bytes in every TZ. */
const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;


/**
 * PDFs are stored as they are: their streams are already deflated (cda.xml, fonts, pages), so deflating them again
 * cost a second of CPU per full suite to save ≈ 10 % of their size. Everything else (HTTP exchanges with their
 * base64 tokens, ledgers, XML, JSON, Markdown) is deflated at level 6 (zlib's default, what yazl used before).
 */
function compressionLevel(rel: string): number {
  return rel.toLowerCase().endsWith('.pdf') ? 0 : 6;
}

export async function buildBundle(runDir: string, out?: string): Promise<{ path: string; sha256: string; files: number }> {
  const dir = resolve(runDir);
  if (!existsSync(join(dir, MANIFEST_REL))) writeManifest(dir);
  const manifest = readManifest(dir);
  const entries = [...Object.keys(manifest.files), MANIFEST_REL].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const path = resolve(out ?? join(dir, RUN_FILES.bundle));
  const tmp = `${path}.tmp-${process.pid}`;
  const zip = new yazl.ZipFile();
  for (const rel of entries) {
    // addFile streams each file when its turn comes (one at a time): memory stays flat whatever the run size.
    // Same bytes as addBuffer: fixed mtime/mode, the entry's compression level, no extended timestamps.
    zip.addFile(join(dir, rel), rel, { mtime: FIXED_MTIME, mode: FILE_MODE, forceDosTimestamp: true, compressionLevel: compressionLevel(rel) });
  }
  zip.end();
  const hash = createHash('sha256');
  try {
    await new Promise<void>((ok, ko) => {
      const ws = createWriteStream(tmp);
      zip.outputStream.on('data', (c: Buffer) => hash.update(c));
      zip.outputStream.on('error', ko);
      ws.on('error', ko);
      ws.on('close', () => ok());
      zip.outputStream.pipe(ws);
    });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { path, sha256: hash.digest('hex'), files: entries.length };
}
