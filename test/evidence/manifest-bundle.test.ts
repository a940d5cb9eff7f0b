import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../../support/evidence/bundle.ts';
import { Ledger } from '../../support/evidence/ledger.ts';
import { verifyManifest, writeManifest } from '../../support/evidence/manifest.ts';
import { RUN_FILES } from '../../support/evidence/runDir.ts';
import { sampleRow } from './fixtures/rows.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fse-bundle-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A small run directory with ledger, exchanges, a PDF, summary.md, data.json and non-evidence folders. */
function makeRun(): string {
  const dir = join(tmp, `run${n++}`);
  const l = Ledger.open(join(dir, 'evidence'));
  const x = l.writeExchange({ method: 'validate-and-create', requestBytes: Buffer.from('POST / HTTP/1.1\r\n\r\n'), responseBytes: Buffer.from('HTTP/1.1 201\r\n\r\n{}') });
  l.savePdf('LAB.pdf', Buffer.from('%PDF-1.7 fake'));
  l.append({ ...sampleRow(1), requestFile: x.requestFile, responseFile: x.responseFile });
  l.close();
  writeFileSync(join(dir, 'summary.md'), '# Riepilogo\n');
  writeFileSync(join(dir, 'data.json'), '{"appVendor":"V","appID":"A","appVersion":"1","results":[]}\n');
  mkdirSync(join(dir, 'allure-results'));
  writeFileSync(join(dir, 'allure-results', 'x-result.json'), '{}');
  return dir;
}

/** Minimal ZIP central-directory reader (enough to check names, modes and timestamps). */
function centralDirectory(zip: Buffer): { name: string; mode: number; dosTime: number; dosDate: number; extraLength: number }[] {
  const out: { name: string; mode: number; dosTime: number; dosDate: number; extraLength: number }[] = [];
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(p), 0x02014b50);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    out.push({
      name: zip.toString('utf8', p + 46, p + 46 + nameLen),
      mode: zip.readUInt32LE(p + 38) >>> 16,
      dosTime: zip.readUInt16LE(p + 12),
      dosDate: zip.readUInt16LE(p + 14),
      extraLength: extraLen,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Every entry's bytes, read through the central directory (stored or deflated), CRC-32 checked. */
function entryContents(zip: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    assert.equal(zip.readUInt32LE(local), 0x04034b50, name);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressedSize);
    const bytes = method === 0 ? Buffer.from(data) : inflateRawSync(data);
    assert.equal(crc32(bytes), crc, `${name}: CRC-32`);
    out.set(name, bytes);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('manifest', () => {
  it('lists evidence/**, summary.md and data.json with SHA-256, not allure output nor itself', () => {
    const dir = makeRun();
    assert.deepEqual(writeManifest(dir), { files: 7 });
    const m = JSON.parse(readFileSync(join(dir, 'evidence/manifest.json'), 'utf8')) as { algorithm: string; files: Record<string, string> };
    assert.equal(m.algorithm, 'sha256');
    assert.deepEqual(Object.keys(m.files), [
      'data.json',
      'evidence/exchanges/0001-validate-and-create.request.http',
      'evidence/exchanges/0001-validate-and-create.response.http',
      'evidence/ledger.csv',
      'evidence/ledger.jsonl',
      'evidence/pdf/LAB.pdf',
      'summary.md',
    ]);
    assert.equal(m.files['summary.md'], createHash('sha256').update('# Riepilogo\n').digest('hex'));
    assert.deepEqual(verifyManifest(dir), { ok: true, problems: [] });
  });

  it('covers the probe record and the stop record of a stage run when they exist', () => {
    const dir = makeRun();
    writeFileSync(join(dir, RUN_FILES.probeJson), '{"ok":true}\n');
    writeFileSync(join(dir, RUN_FILES.probeMd), '# Sonda\n');
    writeFileSync(join(dir, RUN_FILES.stop), '{"reason":"x"}\n');
    assert.deepEqual(writeManifest(dir), { files: 10 });
    const m = JSON.parse(readFileSync(join(dir, 'evidence/manifest.json'), 'utf8')) as { files: Record<string, string> };
    for (const f of [RUN_FILES.probeJson, RUN_FILES.probeMd, RUN_FILES.stop]) assert.ok(m.files[f], `${f} in the manifest`);
    writeFileSync(join(dir, RUN_FILES.stop), '{"reason":"edited"}\n');
    assert.equal(verifyManifest(dir).ok, false, 'an edited stop record is detected');
  });

  it('reports every tampered, deleted and added file', () => {
    const dir = makeRun();
    writeManifest(dir);
    appendFileSync(join(dir, 'evidence/exchanges/0001-validate-and-create.response.http'), 'X');
    unlinkSync(join(dir, 'evidence/pdf/LAB.pdf'));
    writeFileSync(join(dir, 'evidence/extra.txt'), 'late');
    writeFileSync(join(dir, 'allure-results', 'y-result.json'), '{}'); // not evidence: ignored
    const r = verifyManifest(dir);
    assert.equal(r.ok, false);
    assert.equal(r.problems.length, 3, r.problems.join('\n'));
    assert.match(r.problems.join('\n'), /0001-validate-and-create\.response\.http: modified/);
    assert.match(r.problems.join('\n'), /evidence\/pdf\/LAB\.pdf: missing/);
    assert.match(r.problems.join('\n'), /evidence\/extra\.txt: not in the manifest/);
  });

  it('refuses a manifest that points outside the run directory (and buildBundle will not read it)', async () => {
    const dir = makeRun();
    writeManifest(dir);
    const p = join(dir, 'evidence/manifest.json');
    const m = JSON.parse(readFileSync(p, 'utf8')) as { files: Record<string, string> };
    m.files['../../etc/passwd'] = '0'.repeat(64);
    writeFileSync(p, JSON.stringify(m));
    const r = verifyManifest(dir);
    assert.equal(r.ok, false);
    assert.match(r.problems[0]!, /unreadable \(paths outside the run directory: \.\.\/\.\.\/etc\/passwd\)/);
    await assert.rejects(buildBundle(dir, join(tmp, 'evil.zip')), /outside the run directory/);
  });

  it('reports a missing manifest', () => {
    const dir = makeRun();
    assert.deepEqual(verifyManifest(dir), { ok: false, problems: ['evidence/manifest.json: missing'] });
  });
});

describe('buildBundle', () => {
  it('is byte-identical for identical input (twice, and for a copy made at another time)', async () => {
    const dir = makeRun();
    writeManifest(dir);
    const a = await buildBundle(dir, join(tmp, 'a.zip'));
    await new Promise((r) => setTimeout(r, 1100)); // different wall-clock second
    const b = await buildBundle(dir, join(tmp, 'b.zip'));
    assert.equal(a.sha256, b.sha256);
    assert.equal(a.files, 8);
    assert.equal(createHash('sha256').update(readFileSync(a.path)).digest('hex'), a.sha256);
    assert.deepEqual(readFileSync(a.path), readFileSync(b.path));
    const c = await buildBundle(dir);
    assert.equal(c.path, join(dir, 'evidence-bundle.zip'));
    assert.equal(c.sha256, a.sha256);
  });

  it('stores PDFs as they are and deflates everything else; unzip reads every entry back', async () => {
    const dir = makeRun();
    writeManifest(dir);
    const { path } = await buildBundle(dir, join(tmp, 'methods.zip'));
    const zip = readFileSync(path);
    const methods = new Map<string, number>();
    for (let i = zip.indexOf('PK\x03\x04'); i >= 0; i = zip.indexOf('PK\x03\x04', i + 4)) {
      const nameLen = zip.readUInt16LE(i + 26);
      methods.set(zip.subarray(i + 30, i + 30 + nameLen).toString('utf8'), zip.readUInt16LE(i + 8));
    }
    assert.ok([...methods.keys()].some((n) => n.endsWith('.pdf')), [...methods.keys()].join(' '));
    for (const [name, method] of methods) assert.equal(method, name.endsWith('.pdf') ? 0 : 8, name);
    const t = spawnSync('unzip', ['-tq', path], { encoding: 'utf8' });
    if (!t.error) assert.equal(t.status, 0, t.stdout + t.stderr);
  });

  it('holds at most the window in memory: files beyond it stream from disk, the others wait for earlier ones to be written', async () => {
    const dir = makeRun();
    const big = join(dir, 'evidence', 'exchanges');
    const contents = new Map<string, Buffer>();
    for (let i = 0; i < 40; i++) {
      // pseudo-random bytes (deflate cannot shrink them much) of 1–3 KB, and two files larger than the window
      const size = i % 13 === 0 ? 9000 + i : 1000 + ((i * 577) % 2000);
      const b = Buffer.alloc(size);
      for (let k = 0; k < size; k++) b[k] = (k * 2654435761 + i * 97) >>> 13 & 0xff;
      const rel = `evidence/exchanges/${String(100 + i).padStart(4, '0')}-delete.request.http`;
      writeFileSync(join(big, rel.split('/').pop()!), b);
      contents.set(rel, b);
    }
    writeManifest(dir);
    const small = await buildBundle(dir, join(tmp, 'window-small.zip'), { windowBytes: 4096 });
    const again = await buildBundle(dir, join(tmp, 'window-small2.zip'), { windowBytes: 4096 });
    assert.equal(small.sha256, again.sha256);
    const whole = await buildBundle(dir, join(tmp, 'window-default.zip'));
    assert.equal(whole.files, small.files);
    const names = centralDirectory(readFileSync(small.path)).map((e) => e.name);
    assert.deepEqual(names, [...names].sort());
    for (const zipPath of [small.path, whole.path]) {
      const got = entryContents(readFileSync(zipPath));
      for (const [rel, b] of contents) assert.ok(Buffer.compare(got.get(rel) ?? Buffer.alloc(0), b) === 0, `${rel} differs once read back (${zipPath})`);
      const t = spawnSync('unzip', ['-tq', zipPath], { encoding: 'utf8' });
      if (!t.error) assert.equal(t.status, 0, t.stdout + t.stderr);
    }
  });

  it('does not depend on the time zone of the machine that builds it', async () => {
    const dir = makeRun();
    writeManifest(dir);
    const here = await buildBundle(dir, join(tmp, 'tz0.zip'));
    const mod = new URL('../../support/evidence/bundle.ts', import.meta.url).href;
    for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
        `const { buildBundle } = await import(${JSON.stringify(mod)}); const r = await buildBundle(${JSON.stringify(dir)}, ${JSON.stringify(join(tmp, `tz-${tz.replace('/', '_')}.zip`))}); console.log(r.sha256);`],
      { encoding: 'utf8', env: { ...process.env, TZ: tz } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), here.sha256, `TZ=${tz}`);
    }
  });

  it('changes when the evidence changes, and the zip lists sorted entries', async () => {
    const dir = makeRun();
    writeManifest(dir);
    const a = await buildBundle(dir, join(tmp, 'c1.zip'));
    appendFileSync(join(dir, 'summary.md'), 'x');
    writeManifest(dir);
    const b = await buildBundle(dir, join(tmp, 'c2.zip'));
    assert.notEqual(a.sha256, b.sha256);
    const entries = centralDirectory(readFileSync(b.path));
    const names = entries.map((e) => e.name);
    assert.equal(names.length, 8);
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.includes('evidence/manifest.json'));
    for (const e of entries) {
      assert.equal(e.mode, 0o100644, e.name);
      assert.equal(e.dosDate, ((2000 - 1980) << 9) | (1 << 5) | 1, e.name); // 2000-01-01
      assert.equal(e.dosTime, 0, e.name);
      assert.equal(e.extraLength, 0, `${e.name}: no extended timestamp field`);
    }
  });
});

describe('fse-harness bundle', () => {
  const bin = fileURLToPath(new URL('../../bin/fse-harness.js', import.meta.url));
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'bundle', ...args], { encoding: 'utf8' });

  it('prints path, sha256 and file count; exit 0', () => {
    const dir = makeRun();
    writeManifest(dir);
    const r = run(dir, '--out', join(tmp, 'cli.zip'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /path: +.*cli\.zip\nsha256: +[0-9a-f]{64}\nfiles: +8\n/);
  });
  it('exits 1 listing every mismatch, and writes no zip', () => {
    const dir = makeRun();
    writeManifest(dir);
    appendFileSync(join(dir, 'evidence/ledger.csv'), 'tamper');
    writeFileSync(join(dir, 'evidence/new.bin'), 'x');
    const r = run(dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ledger\.csv: modified/);
    assert.match(r.stderr, /new\.bin: not in the manifest/);
    assert.throws(() => readFileSync(join(dir, 'evidence-bundle.zip')));
  });
  it('has complete --help and rejects a missing RUN_DIR with exit 2', () => {
    const h = run('--help');
    assert.equal(h.status, 0);
    assert.match(h.stdout, /Usage: fse-harness bundle RUN_DIR \[--out FILE\]/);
    assert.match(h.stdout, /--write-manifest/);
    assert.equal(run().status, 2);
    assert.equal(run(join(tmp, 'nope')).status, 2);
  });
});
