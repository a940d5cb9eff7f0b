/**
 * evidence-bundle.zip for Toscana Compliance: exactly the files listed in evidence/manifest.json plus the manifest.
 * Deterministic: sorted entries, fixed DOS timestamp (no extended-time field), fixed permissions (0644),
 * deflate level fixed per entry (PDFs stored, the rest level 6) → byte-identical output for identical input (same Node/zlib).
 *
 * Speed: a full suite zips ≈ 3 300 files. Streamed one at a time (yazl `addFile`: stat, open, read, deflate stream,
 * close — a round trip to libuv's thread pool at each step) that took ≈ 2.8 s, half of it with the main thread idle.
 * Each file is now read and handed to yazl as a buffer (`addBuffer`): yazl deflates it on the thread pool at once, so
 * several entries deflate in parallel while earlier ones are written, and the local header carries the CRC and sizes
 * (no data descriptor). A window bounds what is held in memory (`BUNDLE_WINDOW_BYTES` of file contents not yet
 * written plus zip bytes not yet taken by the file, and `BUNDLE_WINDOW_ENTRIES` entries); a file larger than the
 * window is streamed from disk as before.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
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

/** File contents read but not yet written to the zip, at most (a larger file is streamed from disk). */
export const BUNDLE_WINDOW_BYTES = 8 * 2 ** 20;

/**
 * Entries read but not yet written, at most: each one deflating holds zlib's own state (≈ 300 KB at level 6), which
 * for thousands of small files would outweigh their contents.
 */
const BUNDLE_WINDOW_ENTRIES = 16;

/** yazl's entry states (yazl 3.x `Entry`): an entry at FILE_DATA_DONE has been written to the output stream. */
const YAZL_FILE_DATA_DONE = 3;

export async function buildBundle(runDir: string, out?: string, o: { windowBytes?: number } = {}): Promise<{ path: string; sha256: string; files: number }> {
  const dir = resolve(runDir);
  if (!existsSync(join(dir, MANIFEST_REL))) writeManifest(dir);
  const manifest = readManifest(dir);
  const entries = [...Object.keys(manifest.files), MANIFEST_REL].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const path = resolve(out ?? join(dir, RUN_FILES.bundle));
  const tmp = `${path}.tmp-${process.pid}`;
  const window = o.windowBytes ?? BUNDLE_WINDOW_BYTES;
  const zip = new yazl.ZipFile();
  const options = (rel: string) => ({ mtime: FIXED_MTIME, mode: FILE_MODE, forceDosTimestamp: true, compressionLevel: compressionLevel(rel) });
  // yazl keeps its entries in order, each with a state; reading it tells which buffers have been written (and freed).
  const yazlEntries = (zip as unknown as { entries?: { state?: unknown; doFileDataPump?: unknown }[] }).entries;
  const windowed = Array.isArray(yazlEntries);
  const held: number[] = []; // bytes read for each entry added (0 for a file streamed from disk)
  let heldBytes = 0;
  let written = 0;
  const settle = () => {
    while (written < held.length && yazlEntries![written]?.state === YAZL_FILE_DATA_DONE) {
      // yazl keeps an added buffer's pump (which holds the deflated bytes) on the entry until the zip ends: let it go
      yazlEntries![written]!.doFileDataPump = undefined;
      heldBytes -= held[written]!;
      written++;
    }
  };
  const hash = createHash('sha256');
  let progress: (() => void) | null = null;
  const ws = createWriteStream(tmp);
  // what yazl has written but the file has not taken yet (yazl does not wait for its output stream); the file's own
  // buffer counts while it asks to be drained (its 'drain' then wakes the loop below)
  const zipOut = zip.outputStream as unknown as Readable;
  const backlog = () => zipOut.readableLength + (ws.writableNeedDrain ? ws.writableLength : 0);
  const output = new Promise<void>((ok, ko) => {
    zip.outputStream.on('data', (c: Buffer) => { hash.update(c); progress?.(); });
    zip.outputStream.on('error', ko);
    ws.on('error', ko);
    ws.on('drain', () => progress?.());
    ws.on('close', () => ok());
    zip.outputStream.pipe(ws);
  });
  let failed: unknown = null;
  output.catch((e) => { failed = e; progress?.(); });
  try {
    for (const rel of entries) {
      const abs = join(dir, rel);
      const size = windowed ? statSync(abs).size : Infinity;
      if (size > window) {
        // Streamed when its turn comes (memory stays flat whatever its size); same entry options.
        zip.addFile(abs, rel, options(rel));
        held.push(0);
        continue;
      }
      const full = () => heldBytes + backlog() + size > window || held.length - written >= BUNDLE_WINDOW_ENTRIES;
      while (full() && failed === null) {
        settle();
        if (!full()) break;
        await new Promise<void>((r) => { progress = r; });
        progress = null;
      }
      if (failed !== null) break;
      const bytes = readFileSync(abs);
      zip.addBuffer(bytes, rel, options(rel));
      held.push(bytes.length);
      heldBytes += bytes.length;
      settle();
    }
    zip.end();
    await output;
    renameSync(tmp, path);
  } catch (err) {
    ws.destroy();
    rmSync(tmp, { force: true });
    throw err;
  }
  return { path, sha256: hash.digest('hex'), files: entries.length };
}
