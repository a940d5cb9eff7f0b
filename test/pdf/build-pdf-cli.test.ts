import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import command from '../../cli/commands/build-pdf.ts';
import { UserError } from '../../support/errors.ts';
import { checkPades, extractCda } from '../../support/pdf/inspect.ts';
import { makeTestSigner, sampleCda } from './helpers.ts';

let dir: string;
let pki: string;
let cdaPath: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-build-pdf-'));
  pki = join(dir, 'pki');
  mkdirSync(pki);
  const s = await makeTestSigner('CLI SIGNER');
  writeFileSync(join(pki, 'sign.pem'), s.certPem);
  writeFileSync(join(pki, 'sign.key'), s.keyPem, { mode: 0o600 });
  cdaPath = join(dir, 'LAB.xml');
  writeFileSync(cdaPath, sampleCda());
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const orig = process.stdout.write.bind(process.stdout);
  let out = '';
  (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array): boolean => { out += String(chunk); return true; };
  try {
    const code = await command.run(argv);
    return { code, out };
  } finally {
    (process.stdout as { write: unknown }).write = orig;
  }
}

test('build-pdf signs with <pki>/sign.key + sign.pem and prints path, size and SHA-256', async () => {
  const out = join(dir, 'out', 'a.pdf');
  const r = await capture(['--cda', cdaPath, '--out', out, '--pki', pki, '--title', 'Referto', '--line', 'Paziente: X']);
  assert.equal(r.code, 0);
  const pdf = new Uint8Array(readFileSync(out));
  assert.ok(r.out.includes(out));
  assert.ok(r.out.includes(`size: ${pdf.length} bytes`));
  assert.ok(r.out.includes(`sha256: ${createHash('sha256').update(pdf).digest('hex')}`));
  assert.doesNotMatch(r.out, /PRIVATE KEY|BEGIN/);
  assert.deepEqual(await checkPades(pdf), { ok: true });
  assert.equal((await extractCda(pdf)).mode, 'ATTACHMENT');
});

test('--unsigned and --mode RESOURCE', async () => {
  const out = join(dir, 'r.pdf');
  const r = await capture(['--cda', cdaPath, '--out', out, '--mode', 'resource', '--unsigned', '--pki', join(dir, 'nope')]);
  assert.equal(r.code, 0);
  const pdf = new Uint8Array(readFileSync(out));
  assert.deepEqual(await checkPades(pdf), { ok: false, detail: 'Il pdf non risulta firmato' });
  const x = await extractCda(pdf);
  assert.equal(x.mode, 'RESOURCE');
  assert.equal(Buffer.compare(Buffer.from(x.cda!), readFileSync(cdaPath)), 0);
});

test('missing PKI → UserError telling the user to run fse-harness pki', async () => {
  await assert.rejects(command.run(['--cda', cdaPath, '--out', join(dir, 'x.pdf'), '--pki', join(dir, 'missing')]), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.code, 'PKI_MISSING');
    assert.match(e.hint ?? '', /fse-harness pki --out \.fse\/pki/);
    return true;
  });
});

test('key not matching the certificate, bad mode, missing arguments → UserError', async () => {
  const other = await makeTestSigner('OTHER');
  const mixed = join(dir, 'mixed');
  mkdirSync(mixed);
  writeFileSync(join(mixed, 'sign.pem'), readFileSync(join(pki, 'sign.pem')));
  writeFileSync(join(mixed, 'sign.key'), other.keyPem);
  await assert.rejects(command.run(['--cda', cdaPath, '--out', join(dir, 'm.pdf'), '--pki', mixed]), (e: unknown) => e instanceof UserError && e.code === 'PKI_KEY_MISMATCH');
  await assert.rejects(command.run(['--cda', cdaPath, '--out', join(dir, 'm.pdf'), '--mode', 'XFA']), UserError);
  await assert.rejects(command.run(['--cda', cdaPath]), UserError);
});

test('--help text documents every option with an example', () => {
  for (const opt of ['--cda', '--out', '--mode', '--unsigned', '--pki', '--title', '--line', 'Example']) assert.ok(command.help.includes(opt), opt);
});
