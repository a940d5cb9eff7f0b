import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import pki from '../../cli/commands/pki.ts';
import { UserError } from '../../support/errors.ts';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const orig = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => { out += String(chunk); return true; }) as typeof process.stdout.write;
  try {
    return { code: await fn(), out };
  } finally {
    process.stdout.write = orig;
  }
}

test('fse-harness pki writes the files, a 0600 random passphrase file, and never prints keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-pki-cli-'));
  try {
    const out = join(dir, 'pki');
    const r = await capture(() => pki.run(['--out', out, '--vendor', 'ACME', '--partita-iva', '01386030488', '--days', '30']));
    assert.equal(r.code, 0);
    for (const f of ['ca.pem', 'ca.key', 'auth.pem', 'auth.key', 'sign.pem', 'sign.key', 'server.pem', 'server.key', 'auth.p12', 'sign.p12']) {
      assert.ok(existsSync(join(out, f)), f);
      assert.ok(r.out.includes(join(out, f)), `lists ${f}`);
    }
    assert.match(r.out, /A1#09001386030488REFACME048017/);
    assert.match(r.out, /S1#09001386030488REFACME048017/);
    const passFile = join(out, 'p12-passphrase.txt');
    assert.equal(statSync(passFile).mode & 0o777, 0o600);
    const pass = readFileSync(passFile, 'utf8').trim();
    assert.ok(pass.length >= 16);
    assert.ok(!r.out.includes(pass), 'passphrase not printed');
    assert.doesNotMatch(r.out, /PRIVATE KEY|BEGIN/);
    assert.doesNotThrow(() => createSecureContext({ pfx: readFileSync(join(out, 'sign.p12')), passphrase: pass }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fse-harness pki --passphrase-env uses the variable and writes no passphrase file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-pki-cli-'));
  const name = 'FSE_HARNESS_TEST_P12_PASS';
  process.env[name] = 'from-env-passphrase';
  try {
    const r = await capture(() => pki.run(['--out', dir, '--passphrase-env', name]));
    assert.equal(r.code, 0);
    assert.equal(existsSync(join(dir, 'p12-passphrase.txt')), false);
    assert.ok(!r.out.includes('from-env-passphrase'));
    assert.doesNotThrow(() => createSecureContext({ pfx: readFileSync(join(dir, 'auth.p12')), passphrase: 'from-env-passphrase' }));
    delete process.env[name];
    await assert.rejects(pki.run(['--out', dir, '--passphrase-env', name]), (e: unknown) => e instanceof UserError && /FSE_HARNESS_TEST_P12_PASS is not set/.test(e.message));
  } finally {
    delete process.env[name];
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fse-harness pki refuses bad options', async () => {
  await assert.rejects(pki.run([]), (e: unknown) => e instanceof UserError && /--out/.test(e.message));
  await assert.rejects(pki.run(['--out', '/tmp/x', '--istat', '12']), (e: unknown) => e instanceof UserError && /--istat must be exactly 6 digits/.test(e.message));
  await assert.rejects(pki.run(['--out', '/tmp/x', '--partita-iva', 'abc']), (e: unknown) => e instanceof UserError && /--partita-iva/.test(e.message));
  await assert.rejects(pki.run(['--out', '/tmp/x', '--tip-dominio', 'ZZZ']), (e: unknown) => e instanceof UserError && /classCode/.test(e.message));
  await assert.rejects(pki.run(['--out', '/tmp/x', '--vendor', 'A B']), (e: unknown) => e instanceof UserError && /--vendor/.test(e.message));
  await assert.rejects(pki.run(['--out', '/tmp/x', '--days', '0']), (e: unknown) => e instanceof UserError && /--days/.test(e.message));
});
