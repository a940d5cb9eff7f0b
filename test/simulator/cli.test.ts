/**
 * `fse-harness simulator`: one stdout line, fast start (measured), serves over mTLS, stops on SIGTERM;
 * --help; user errors exit 2.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { request } from 'undici';
import { cleanupTemp, getPki, mtlsAgent } from './helpers.ts';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'fse-harness.js');

after(cleanupTemp);

test('simulator CLI: prints exactly one "listening on" line, answers with X-Cart-id, stops on SIGTERM', async () => {
  const pki = await getPki();
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, 'simulator', '--pki', pki.dir, '--port', '0', '--switch', 'deleteAsync=true'], {
    cwd: ROOT, env: { ...process.env, FSE_CATALOGS_DIR: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^listening on (https:\/\/127\.0\.0\.1:\d+\/gateway\/v2\/)\n/.exec(stdout);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited early (${String(code)}): ${stderr}`)); });
  });
  const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`simulator CLI: process spawn → listening line in ${startMs.toFixed(0)} ms (includes node + tsx start-up)`);
  const agent = mtlsAgent(pki, pki.auth);
  try {
    const r = await request(`${url}documents/validate-and-create`, { method: 'POST', dispatcher: agent });
    await r.body.text();
    assert.equal(r.statusCode, 401);
    assert.match(String(r.headers['x-cart-id']), /^[0-9a-f-]{36}$/);
  } finally {
    await agent.close();
  }
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exit, 0);
  assert.equal(stdout.trim().split('\n').length, 1, `exactly one stdout line: ${stdout}`);
  assert.match(stderr, /switches: deleteAsync=true/);
  assert.ok(startMs < 10_000, `start-up took ${startMs} ms`);
});

test('simulator CLI: --help and user errors', () => {
  const h = spawnSync(process.execPath, [BIN, 'simulator', '--help'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--pki DIR/);
  assert.match(h.stdout, /replaceRequiresPriorValidation=false/);
  assert.match(h.stdout, /__simulator\/faults/);
  const noPki = spawnSync(process.execPath, [BIN, 'simulator'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(noPki.status, 2, noPki.stderr);
  const badSwitch = spawnSync(process.execPath, [BIN, 'simulator', '--pki', '/nonexistent', '--switch', 'nope=1'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(badSwitch.status, 2);
  const missing = spawnSync(process.execPath, [BIN, 'simulator', '--pki', '/nonexistent'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /Missing .*server\.pem/);
});
