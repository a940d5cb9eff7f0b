/**
 * `run --profile a.json --profile b.json …` (README "Several installations"): each installation its own run directory,
 * progress "installation k of n", reports/index.html and index.md, exit code non-zero when one failed; a broken
 * profile is refused before the first installation runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { argsWithout } from '../../cli/commands/run.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'fse-harness.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, FSE_CATALOGS_DIR: '' }, timeout: 170_000 });

function profile(dir: string, name: string, over: Record<string, unknown>): string {
  const base = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8')) as Record<string, unknown>;
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...base, ...over }, null, 2));
  return file;
}

test('argsWithout drops the options the parent handles, in both forms, and keeps the rest', () => {
  assert.deepEqual(argsWithout(['--profile', 'a.json', '--tags', '@LAB', '--profile=b.json', '--keep', '3', '--no-report', 'features/x.feature', '--keep=2'], ['profile', 'keep']),
    ['--tags', '@LAB', '--no-report', 'features/x.feature']);
  assert.deepEqual(argsWithout(['--ci', '--', '--profile', 'x'], ['profile']), ['--ci', '--', '--profile', 'x']);
});

test('two installations (and one refused at its start-up) one after another: a run directory each, reports/index.*, exit 1 for the refused one', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-several-'));
  const reports = join(dir, 'reports');
  try {
    const a = profile(dir, 'firenze', { installation: 'impianto-firenze', documentTypes: ['LAB'] });
    const b = profile(dir, 'prato', { installation: 'impianto-prato', documentTypes: ['RAD'], codRep: '201', azienda: 'Azienda USL Toscana Centro' });
    // A certificate file that does not exist: the profile itself is valid, the installation's own start-up refuses it.
    const c = profile(dir, 'pisa', { installation: 'impianto-pisa', documentTypes: ['LAB'], certificates: { mode: 'single', authentication: { cert: 'missing.pem', key: 'missing.key' } } });
    const r = run(['run', '--profile', a, '--profile', b, '--profile', c, '--tags', '@ciclo-di-vita and @RMSLSO31M04Z404R',
      '--no-report', '--parallel', '1', '--reports', reports]);
    const output = r.stdout + r.stderr;
    assert.equal(r.status, 1, output);
    assert.match(r.stdout, /==== installation 1 of 3: impianto-firenze \([^)]*firenze\.json, target simulator\) ====/);
    assert.match(r.stdout, /==== installation 2 of 3: impianto-prato /);
    assert.match(r.stdout, /==== installation 3 of 3: impianto-pisa /);
    assert.match(r.stdout, /installation 1 of 3: impianto-firenze [^\n]*: SUPERATA \(exit code 0\)/);
    assert.match(r.stdout, /installation 3 of 3: impianto-pisa [^\n]*: NON ESEGUITA \(exit code 2\)/);
    assert.match(output, /missing\.pem/, "the installation's own message");

    const runs = readdirSync(join(reports, 'runs')).sort();
    assert.equal(runs.length, 2, `one run directory per installation that ran: ${runs.join(', ')}`);
    const firenze = runs.find((d) => d.endsWith('-impianto-firenze'))!;
    const prato = runs.find((d) => d.endsWith('-impianto-prato'))!;
    assert.ok(firenze && prato);
    for (const d of [firenze, prato]) {
      for (const f of ['summary.md', 'mail-rt.txt', 'evidence-bundle.zip', 'console.log']) assert.ok(existsSync(join(reports, 'runs', d, f)), `${d}/${f}`);
    }
    const mailPrato = readFileSync(join(reports, 'runs', prato, 'mail-rt.txt'), 'utf8');
    assert.match(mailPrato, /^ATTENZIONE: esecuzione contro il simulatore locale/);
    assert.match(mailPrato, /impianto impianto-prato/);
    assert.match(mailPrato, /Azienda USL Toscana Centro \(CODREP 201\)/);
    const summaryFirenze = readFileSync(join(reports, 'runs', firenze, 'summary.md'), 'utf8');
    assert.match(summaryFirenze, /\| Validazione e pubblicazione \| LAB \| `[0-9a-f-]{36}` \| \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d \(UTC\+0[12]:00\) \| `RMSLSO31M04Z404R` \| HTTP 20\d/);
    assert.match(summaryFirenze, /\| Eliminazione \| LAB \| `[0-9a-f-]{36}` \|/);

    const md = readFileSync(join(reports, 'index.md'), 'utf8');
    assert.match(md, /3 impianti: 2 superati, 0 falliti, 1 non eseguiti/);
    assert.match(md, new RegExp(`\\| 1 \\| impianto-firenze \\|[^\\n]*\\*\\*SUPERATA\\*\\* \\| 1 superati, 0 falliti su 1 scenari; \\d+ chiamate HTTP \\|[^\\n]*\\[evidenze \\(zip\\)\\]\\(runs/${firenze}/evidence-bundle\\.zip\\)`));
    assert.match(md, /\| 2 \| impianto-prato \|[^\n]*\*\*SUPERATA\*\*/);
    assert.match(md, /\| 3 \| impianto-pisa \|[^\n]*\*\*NON ESEGUITA\*\* \(codice 2\)/);
    const html = readFileSync(join(reports, 'index.html'), 'utf8');
    assert.equal((html.match(/<tr class=/g) ?? []).length, 3);
    assert.match(html, new RegExp(`<a href="runs/${prato}/summary\\.md">`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken profile among several is refused before the first installation runs', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-several-bad-'));
  try {
    const a = profile(dir, 'ok', { installation: 'impianto-ok' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "installation": ');
    const r = run(['run', '--profile', a, '--profile', bad, '--reports', join(dir, 'reports')]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /bad\.json/);
    assert.doesNotMatch(r.stdout, /installation 1 of 2/);
    assert.ok(!existsSync(join(dir, 'reports', 'runs')), 'nothing was run');
    const twice = run(['run', '--profile', a, '--profile', a, '--reports', join(dir, 'reports')]);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr + twice.stdout, /given twice/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
