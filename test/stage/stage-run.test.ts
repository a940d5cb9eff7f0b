/**
 * The stage path end to end through the CLI, as a vendor would run it:
 *  - `fse-harness probe` with RT's real stage URL, behind HTTPS_PROXY with credentials (a local CONNECT proxy maps
 *    the stage host to a stand-in gateway that trusts only the root of a three-level PKI);
 *  - `fse-harness run` against stage where the probe passes and then the gateway stops answering: the run stops
 *    after N consecutive exchanges without an HTTP response (two parallel workers), cleans up, writes the report and
 *    summary.md saying why, and exits 1;
 *  - `fse-harness run` against the simulator with RT's short certificate names (S1#111FTGM0000000): warnings
 *    printed and in summary.md; refused with --strict-cn before any connection.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, createTestIntermediate, issueTestCert, toP12, type IssuedCert } from '../../support/pki/testPki.ts';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { CUCUMBER_FILES, EVIDENCE_FILES, REPORTS_DIRS, RUN_FILES } from '../../support/evidence/runDir.ts';
import { readLedgerCsv } from '../../support/evidence/ledger.ts';
import { RT_STAGE_BASE_URL } from '../../support/config/profile.ts';
import { startConnectProxy, startStandInGateway, notFound404, type ConnectProxy, type StandInGateway } from '../net/standins.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'fse-harness.js');
const STAGE_HOST = new URL(RT_STAGE_BASE_URL).hostname;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROXY_USER = 'mario.rossi';
const PROXY_PASS = 'Pr0xy-s3cret!';
const base = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8')) as Record<string, unknown>;

let dir: string;
let root: IssuedCert;
let gw: StandInGateway;
let proxy: ConnectProxy;
const f: Record<string, string> = {};
const write = (name: string, data: string | Uint8Array) => { const p = join(dir, name); writeFileSync(p, data); return p; };

/** Runs the CLI asynchronously (the stand-ins live in this process and must keep answering). */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    // the machine's own proxy settings (a CI runner may have some) never leak into these runs
    const clean = { https_proxy: '', HTTPS_PROXY: '', no_proxy: '', NO_PROXY: '' };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...clean, FSE_CATALOGS_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.on('close', (status) => { clearTimeout(t); resolve({ status, out }); });
  });
}

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fse-stage-e2e-'));
  root = await createTestCa({ cn: 'Stage e2e Root', pathLength: 1 });
  const inter = await createTestIntermediate(root, { cn: 'Stage e2e Intermediate' });
  const auth = await issueTestCert(inter, { cn: 'A1#09007654321012REFHARNESS048017', profile: 'auth' });
  const sign = await issueTestCert(inter, { cn: 'S1#09007654321012REFHARNESS048017', profile: 'sign' });
  const srv = await issueTestCert(root, { cn: STAGE_HOST, profile: 'server', san: [{ type: 'dns', value: STAGE_HOST }] });
  f.auth = write('auth.p12', toP12(auth, [inter.certPem, root.certPem], 'e2e-pw'));
  f.sign = write('sign.p12', toP12(sign, [inter.certPem, root.certPem], 'e2e-pw'));
  f.root = write('root.pem', root.certPem);
  // the stand-in answers the probe (DELETE of a …SONDA…INESISTENTE id) like CART, and nothing else: a gateway that
  // went silent after the probe
  gw = await startStandInGateway({
    keyPem: srv.keyPem, certPem: srv.certPem, caPem: root.certPem,
    handler: (req, res) => { if (req.method === 'DELETE' && /SONDA-.*-INESISTENTE/.test(req.url ?? '')) notFound404(res); },
  });
  proxy = await startConnectProxy({ auth: `${PROXY_USER}:${PROXY_PASS}`, to: () => gw.port });
});
after(async () => {
  await proxy?.close();
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

function stageProfile(name: string, patch: Record<string, unknown> = {}): string {
  return write(`${name}.json`, JSON.stringify({
    ...base,
    target: 'stage',
    documentTypes: ['LAB'],
    // no baseUrl: RT's stage URL by default; the proxy resolves the name (to the stand-in)
    certificates: { mode: 'separate', authentication: { p12: f.auth, passphraseEnv: 'FSE_E2E_PW' }, signature: { p12: f.sign, passphraseEnv: 'FSE_E2E_PW' }, serverCa: f.root },
    ...patch,
  }));
}
const proxyEnv = () => ({ FSE_E2E_PW: 'e2e-pw', HTTPS_PROXY: `http://${encodeURIComponent(PROXY_USER)}:${encodeURIComponent(PROXY_PASS)}@127.0.0.1:${proxy.port}`, NO_PROXY: 'localhost,127.0.0.1' });

test('fse-harness probe behind HTTPS_PROXY with credentials, RT stage URL, three-level PKI: OK, with the X-Cart-id in the evidence', { timeout: 120_000 }, async () => {
  const reports = join(dir, 'reports-probe');
  const tunnels = proxy.tunnels;
  const r = await cli(['probe', '--profile', stageProfile('probe'), '--reports', reports], proxyEnv());
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, new RegExp(`route proxy http://127\\.0\\.0\\.1:${proxy.port} \\(from HTTPS_PROXY\\)`));
  assert.match(r.out, /tls\s+OK\s+TLSv1\.3, server certificate trusted, client certificate "A1#09007654321012REFHARNESS048017" \+ 1 intermediate\(s\) sent/);
  const cart = /fse-harness probe: OK — X-Cart-id ([0-9a-f-]{36})/.exec(r.out)?.[1];
  assert.ok(cart && UUID.test(cart), r.out);
  assert.equal(proxy.tunnels - tunnels, 2, 'one tunnel for the TLS check, one for the call');
  const connects = proxy.seen.slice(-2);
  for (const c of connects) {
    assert.equal(c.target, `${STAGE_HOST}:443`);
    assert.equal(c.headers['proxy-authorization'], `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASS}`).toString('base64')}`);
  }
  const probeDir = join(reports, REPORTS_DIRS.probes, readdirSync(join(reports, REPORTS_DIRS.probes))[0]!);
  const rows = readLedgerCsv(join(probeDir, 'evidence', EVIDENCE_FILES.ledgerCsv));
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.xCartId, cart);
  assert.equal(rows[0]!.httpStatus, 404);
  assert.ok(existsSync(join(probeDir, RUN_FILES.probeMd)));
  assert.ok(!existsSync(join(reports, 'latest')), 'a probe is not a run: reports/latest untouched');
  // the proxy password is nowhere: output, probe files, evidence bytes
  assert.ok(!r.out.includes(PROXY_PASS) && !r.out.includes(encodeURIComponent(PROXY_PASS)));
  for (const file of walk(probeDir)) {
    const text = readFileSync(file).toString('latin1');
    assert.ok(!text.includes(PROXY_PASS) && !text.includes(Buffer.from(`${PROXY_USER}:${PROXY_PASS}`).toString('base64')), `proxy credentials in ${file}`);
  }
});

test('run against stage: probe OK, then the gateway goes silent → stop after N consecutive failures (2 workers), report + summary say why, exit 1', { timeout: 280_000 }, async () => {
  const reports = join(dir, 'reports-run');
  const before = gw.requests.length;
  const r = await cli(['run', '--profile', stageProfile('run'), '--reports', reports, '--tags', '@validate-and-create', '--parallel', '2', '--max-network-failures', '2'], { ...proxyEnv(), FSE_TIMEOUT_MS: '1500' });
  if (process.env.FSE_E2E_DUMP) process.stderr.write(r.out);
  assert.equal(r.status, 1, r.out.slice(-4000));
  assert.match(r.out, /probe: gateway OK/);
  assert.match(r.out, /RUN STOPPED — \d consecutive exchanges without an HTTP response \(limit 2\)/);
  const planned = Number(/(\d+) scenarios planned/.exec(r.out)?.[1]);
  assert.ok(planned >= 10, `enough scenarios to see the stop (${planned})`);
  const runDir = join(reports, REPORTS_DIRS.runs, readdirSync(join(reports, REPORTS_DIRS.runs))[0]!);
  const rows = readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv));
  const probeRows = rows.filter((x) => /^Sonda di connessione/.test(x.scenario));
  const failed = rows.filter((x) => x.httpStatus === '' && !/^Pulizia finale/.test(x.scenario));
  // the creates that got no answer may have been stored: the final clean-up tries to delete them, with its own budget
  const cleanup = rows.filter((x) => /^Pulizia finale/.test(x.scenario));
  assert.equal(probeRows.length, 1);
  assert.match(probeRows[0]!.xCartId, UUID);
  assert.ok(failed.length >= 2 && failed.length <= 4, `between N and 2×N exchanges without response (one count per worker): ${failed.length}`);
  assert.ok(cleanup.length >= 1 && cleanup.length <= 2 && cleanup.every((x) => x.method === 'delete' && x.httpStatus === ''), `the clean-up tried the maybe-published documents, at most N times: ${cleanup.length}`);
  assert.ok(failed.every((x) => x.infrastructure === 'infrastruttura'), 'no answer is the infrastructure, not a non-conformity');
  assert.equal(rows.length, probeRows.length + failed.length + cleanup.length, 'nothing else was sent');
  assert.equal(gw.requests.length - before, rows.length, 'the gateway saw exactly the recorded calls');
  const stop = JSON.parse(readFileSync(join(runDir, RUN_FILES.stop), 'utf8')) as { reason: string; lastError: string };
  assert.match(stop.lastError, /timeout/i);
  const scenarios = readFileSync(join(runDir, 'cucumber', CUCUMBER_FILES.scenarios), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string });
  assert.equal(scenarios.length, planned);
  assert.ok(scenarios.filter((s) => s.status === 'SKIPPED').length >= planned - 4, 'the rest were skipped, not sent');
  const summary = readFileSync(join(runDir, RUN_FILES.summary), 'utf8');
  assert.match(summary, /\*\*Esecuzione interrotta:\*\* \d chiamate consecutive senza risposta HTTP \(limite 2\)/);
  assert.match(summary, /NON RISOLTI[\s\S]*forse pubblicato/, 'the documents whose fate is unknown are listed as unresolved');
  assert.match(summary, /\| Sonda di connessione \| OK: DELETE di un documento inesistente → HTTP 404, X-Cart-id [0-9a-f-]{36}/);
  assert.match(summary, new RegExp(`\\| Connessione \\| via proxy http://127\\.0\\.0\\.1:${proxy.port} \\|`));
  assert.ok(existsSync(join(runDir, 'allure-report', 'index.html')), 'the report is written');
  // the report's environment (its embedded variables: allure-results/ is removed once the report is built)
  const html = readFileSync(join(runDir, 'allure-report', 'index.html'), 'utf8');
  const vars = JSON.parse(Buffer.from(/d\("widgets\/variables\.json","([A-Za-z0-9+/=]+)"\)/.exec(html)![1]!, 'base64').toString('utf8')) as Record<string, string>;
  assert.ok(vars['Esecuzione interrotta'], JSON.stringify(vars));
  assert.match(vars['Sonda di connessione'] ?? '', /^OK/);
  assert.ok(existsSync(join(runDir, RUN_FILES.bundle)));
  assert.ok(!r.out.includes(PROXY_PASS));
});

test('run against stage whose name does not resolve: the probe fails at DNS, no scenario sends anything, summary says why, exit 1', { timeout: 200_000 }, async () => {
  const reports = join(dir, 'reports-nodns');
  const r = await cli(['run', '--profile', stageProfile('nodns', { baseUrl: 'https://nonexistent.invalid/gateway/v2' }), '--reports', reports, '--tags', '@delete', '--parallel', '1', '--no-report'], { FSE_E2E_PW: 'e2e-pw', FSE_ALLOWED_HOSTS: 'nonexistent.invalid' });
  assert.equal(r.status, 1, r.out.slice(-3000));
  assert.match(r.out, /probe: dns\s+FAIL\s+nonexistent\.invalid does not resolve/);
  assert.match(r.out, /IT: Il nome nonexistent\.invalid non si risolve \(DNS\)/);
  assert.match(r.out, /EN: The name nonexistent\.invalid does not resolve \(DNS\)/);
  assert.match(r.out, /RUN STOPPED — the connection probe failed at the dns step/);
  const runDir = join(reports, REPORTS_DIRS.runs, readdirSync(join(reports, REPORTS_DIRS.runs))[0]!);
  assert.equal(readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv)).length, 0, 'nothing was sent');
  const scenarios = readFileSync(join(runDir, 'cucumber', CUCUMBER_FILES.scenarios), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string });
  assert.ok(scenarios.length > 0 && scenarios.every((x) => x.status === 'SKIPPED'));
  assert.match(readFileSync(join(runDir, RUN_FILES.summary), 'utf8'), /\*\*Esecuzione interrotta:\*\* la sonda di connessione è fallita al passo dns: Il nome nonexistent\.invalid non si risolve/);
  assert.match(readFileSync(join(runDir, RUN_FILES.probeMd), 'utf8'), /\| DNS \| FALLITO \|/);
});

test("simulator run with RT's short certificate names: accepted with warnings shown before the run and in summary.md; --strict-cn refuses before any connection", { timeout: 200_000 }, async () => {
  // a PKI dir for the embedded simulator (CA + server certificate), and vendor certificates with short CNs
  const pkiDir = join(dir, 'pki-short');
  mkdirSync(pkiDir);
  const ca = await createTestCa({ cn: 'Short CN test CA' });
  const server = await issueTestCert(ca, { cn: 'localhost', profile: 'server', san: [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }] });
  writeFileSync(join(pkiDir, 'ca.pem'), ca.certPem);
  writeFileSync(join(pkiDir, 'server.pem'), server.certPem);
  writeFileSync(join(pkiDir, 'server.key'), server.keyPem);
  const a = await issueTestCert(ca, { cn: 'A1#111FTGM0000000', profile: 'auth' });
  const s = await issueTestCert(ca, { cn: 'S1#111FTGM0000000', profile: 'sign' });
  const profile = write('short.json', JSON.stringify({
    ...base,
    documentTypes: ['LAB'],
    certificates: { mode: 'separate', authentication: { cert: write('a.pem', a.certPem), key: write('a.key', a.keyPem) }, signature: { cert: write('s.pem', s.certPem), key: write('s.key', s.keyPem) } },
  }));
  const reports = join(dir, 'reports-short');
  const r = await cli(['run', '--profile', profile, '--reports', reports, '--tags', '@delete and @RMSLSO31M04Z404R', '--no-report', '--parallel', '1'], { FSE_PKI_DIR: pkiDir });
  assert.equal(r.status, 0, r.out.slice(-3000));
  assert.match(r.out, /fse-harness: WARNING — certificates\.authentication\.cert: the CN "A1#111FTGM0000000" does not follow Regione Toscana's long form/);
  assert.match(r.out, /fse-harness: WARNING — certificates\.signature\.cert: the CN "S1#111FTGM0000000"/);
  assert.ok(r.out.indexOf('WARNING — certificates.authentication') < r.out.indexOf('scenarios planned'), 'printed before the run');
  const runDir = join(reports, REPORTS_DIRS.runs, readdirSync(join(reports, REPORTS_DIRS.runs))[0]!);
  assert.match(readFileSync(join(runDir, RUN_FILES.summary), 'utf8'), /### Avvertenze\n\n- certificates\.authentication\.cert: the CN "A1#111FTGM0000000"/);
  const rows = readLedgerCsv(join(runDir, 'evidence', EVIDENCE_FILES.ledgerCsv));
  assert.ok(rows.length > 0 && rows.every((x) => UUID.test(x.xCartId)), 'the simulator accepted the short-CN certificates');

  const strict = await cli(['run', '--profile', profile, '--reports', join(dir, 'reports-strict'), '--strict-cn', '--no-report'], { FSE_PKI_DIR: pkiDir });
  assert.equal(strict.status, 2, strict.out);
  assert.match(strict.out, /does not follow Regione Toscana's rule: .*\(strict CN mode\)/);
  assert.doesNotMatch(strict.out, /\n\s+at /, 'no stack trace');
});
