import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
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
  const caB64 = Buffer.from(s.key.chainDer![0]!).toString('base64').replace(/.{64}/g, '$&\n');
  writeFileSync(join(pki, 'ca.pem'), `-----BEGIN CERTIFICATE-----\n${caB64}\n-----END CERTIFICATE-----\n`);
  writeFileSync(join(pki, 'sign.key'), s.keyPem, { mode: 0o600 });
  cdaPath = join(dir, 'LAB.xml');
  writeFileSync(cdaPath, sampleCda());
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const BIN = fileURLToPath(new URL('../../bin/fse-harness.js', import.meta.url));

/** Runs the real CLI entry point in a child process (stdout of a node:test file must not be intercepted). */
function cli(argv: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, 'build-pdf', ...argv], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('build-pdf signs with <pki>/sign.key + sign.pem and prints path, size and SHA-256', async () => {
  const out = join(dir, 'out', 'a.pdf');
  const r = cli(['--cda', cdaPath, '--out', out, '--pki', pki, '--title', 'Referto', '--line', 'Paziente: X']);
  assert.equal(r.code, 0, r.err);
  const pdf = new Uint8Array(readFileSync(out));
  assert.ok(r.out.includes(out));
  assert.ok(r.out.includes(`size: ${pdf.length} bytes`));
  assert.ok(r.out.includes(`sha256: ${createHash('sha256').update(pdf).digest('hex')}`));
  assert.doesNotMatch(r.out, /PRIVATE KEY|BEGIN/);
  assert.deepEqual(await checkPades(pdf), { ok: true });
  assert.equal((await extractCda(pdf)).mode, 'ATTACHMENT');
  // <pki>/ca.pem issued the signer → embedded in the CMS as the chain
  const text = Buffer.from(pdf).toString('latin1');
  const m = /\/ByteRange\s*\[\s*\d+\s+(\d+)\s+(\d+)/.exec(text)!;
  const der = Buffer.from(text.slice(Number(m[1]) + 1, Number(m[2]) - 1), 'hex');
  const sd = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.length)).result }).content });
  assert.equal(sd.certificates?.length, 2);
});

test('--unsigned and --mode RESOURCE', async () => {
  const out = join(dir, 'r.pdf');
  const r = cli(['--cda', cdaPath, '--out', out, '--mode', 'resource', '--unsigned', '--pki', join(dir, 'nope')]);
  assert.equal(r.code, 0, r.err);
  const pdf = new Uint8Array(readFileSync(out));
  assert.deepEqual(await checkPades(pdf), { ok: false, detail: 'Il pdf non risulta firmato' });
  const x = await extractCda(pdf);
  assert.equal(x.mode, 'RESOURCE');
  assert.equal(Buffer.compare(Buffer.from(x.cda!), readFileSync(cdaPath)), 0);
});

test('missing PKI → UserError telling the user to run fse-harness pki (exit code 2 from the CLI)', async () => {
  const r = cli(['--cda', cdaPath, '--out', join(dir, 'y.pdf'), '--pki', join(dir, 'missing')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /fse-harness pki --out \.fse\/pki/);
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
