import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pki from '../../cli/commands/pki.ts';
import { UserError } from '../../support/errors.ts';

const BIN = fileURLToPath(new URL('../../bin/fse-harness.js', import.meta.url));

/** Runs the real CLI in a child process (stdout is not shared with the test reporter). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, 'pki', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('fse-harness pki writes the files, a 0600 random passphrase file, and never prints keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-pki-cli-'));
  try {
    const out = join(dir, 'pki');
    const r = cli(['--out', out, '--vendor', 'ACME', '--partita-iva', '01386030488', '--days', '30']);
    assert.equal(r.code, 0, r.err);
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
  try {
    const r = cli(['--out', dir, '--passphrase-env', name], { [name]: 'from-env-passphrase' });
    assert.equal(r.code, 0);
    assert.equal(existsSync(join(dir, 'p12-passphrase.txt')), false);
    assert.ok(!r.out.includes('from-env-passphrase'));
    assert.doesNotThrow(() => createSecureContext({ pfx: readFileSync(join(dir, 'auth.p12')), passphrase: 'from-env-passphrase' }));
    const bad = cli(['--out', join(dir, 'b'), '--passphrase-env', 'FSE_HARNESS_TEST_UNSET_VAR']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /FSE_HARNESS_TEST_UNSET_VAR is not set/);
  } finally {
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
