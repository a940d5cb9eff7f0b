/**
 * The paths users walk, through the real command line: every mistake is one clear message (no stack trace), before
 * any call; a run refused at start-up creates no run directory and leaves reports/latest alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths.ts';
import { buildCda } from '../../support/cda/template.ts';
import { newCdaContext } from '../../support/cda/identity.ts';
import { MUTATIONS } from '../../support/cda/mutations.ts';
import { loadProfile } from '../../support/config/profile.ts';
import { pointLatest } from '../../support/evidence/runDir.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'fse-harness.js');
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, FSE_CATALOGS_DIR: '', ...env }, timeout: 300_000 });
const STACK = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

const dir = mkdtempSync(join(tmpdir(), 'fse-user-errors-'));
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, 'testdata', 'profile.example.json'), 'utf8'));
const profile = (name: string, extra: Record<string, unknown>) => {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify({ ...example, ...extra }));
  return p;
};
const LAB_ONLY = profile('lab', { documentTypes: ['LAB'] });

/** A reports folder whose `latest` points at an earlier run: a refused run must leave both alone. */
function reportsWithLatest(): string {
  const reports = join(dir, `reports-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(reports, 'runs', '20260101T000000Z-earlier'), { recursive: true });
  pointLatest(reports, join(reports, 'runs', '20260101T000000Z-earlier'));
  return reports;
}
function assertRefusedBeforeAnything(r: ReturnType<typeof cli>, reports: string, message: RegExp): void {
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stdout + r.stderr, STACK, 'no stack trace');
  assert.deepEqual(readdirSync(join(reports, 'runs')), ['20260101T000000Z-earlier'], 'no run directory created');
  assert.equal(readlinkSync(join(reports, 'latest')), join('runs', '20260101T000000Z-earlier'), 'reports/latest untouched');
}

test('run: a tag expression that does not parse, matches nothing, or names a type outside the profile', { timeout: 120_000 }, () => {
  let reports = reportsWithLatest();
  let r = cli(['run', '--profile', LAB_ONLY, '--tags', '@LAB and (', '--reports', reports]);
  assertRefusedBeforeAnything(r, reports, /^fse-harness run: --tags "@LAB and \(" is not a valid tag expression: syntax error: Unmatched \(\.$/m);
  assert.equal(r.stderr.trim().split('\n').length, 2, `one line and its hint: ${r.stderr}`);

  reports = reportsWithLatest();
  r = cli(['run', '--profile', LAB_ONLY, '--tags', '@lab', '--reports', reports]);
  assertRefusedBeforeAnything(r, reports, /^fse-harness run: no scenario matches --tags "@lab" in features\/\*\*\/\*\.feature/m);
  assert.match(r.stderr, /tags are case-sensitive/);

  reports = reportsWithLatest();
  r = cli(['run', '--profile', LAB_ONLY, '--tags', '@RAD and @delete', '--reports', reports]);
  assertRefusedBeforeAnything(r, reports, /^fse-harness run: --tags "@RAD and @delete" names @RAD, not in the profile's documentTypes \(LAB\)/m);
});

test('run: --all with --tags, and a bad FSE_SETTLE_MS, are one message before anything', { timeout: 120_000 }, () => {
  let reports = reportsWithLatest();
  let r = cli(['run', '--profile', LAB_ONLY, '--all', '--tags', '@delete', '--reports', reports]);
  assertRefusedBeforeAnything(r, reports, /^fse-harness run: --all and --tags exclude each other/m);
  reports = reportsWithLatest();
  r = cli(['run', '--profile', LAB_ONLY, '--tags', '@delete', '--reports', reports], { FSE_SETTLE_MS: 'soon' });
  assertRefusedBeforeAnything(r, reports, /^fse-harness run: FSE_SETTLE_MS must be a whole number of milliseconds from 0 to 120000 \(got "soon"\)/m);
});

test('run: a step with a typo lists the closest existing steps, and nothing is sent or created', { timeout: 120_000 }, () => {
  const feature = join(dir, 'typo.feature');
  writeFileSync(feature, [
    '# language: it', '@validate-and-create', 'Funzionalità: prova', '',
    '  @positivo', '  Schema dello scenario: pubblicazione <tipo>',
    '    Dato un documento <tipo> per il paziente <cf>',
    '    Quando invio la richiesta di validazione e creazione',
    '    Allora la risposta ha stato HTTP 202',
    "    E l'X-Cart-id è stato registrato nell evidenze", '',
    '    @LAB @RMSLSO31M04Z404R', '    Esempi: LAB', '      | tipo | cf |', '      | LAB | RMSLSO31M04Z404R |', '',
  ].join('\n'));
  const reports = reportsWithLatest();
  const r = cli(['run', feature, '--profile', LAB_ONLY, '--reports', reports]);
  assertRefusedBeforeAnything(r, reports, /1 planned scenario\(s\) have steps that match no step definition; nothing was sent:/);
  assert.match(r.stderr, /typo\.feature:10: no step matches "l'X-Cart-id è stato registrato nell evidenze" \(scenario "pubblicazione LAB"\); closest existing steps:\n\s+l'X-Cart-id è stato registrato nelle evidenze\n/);
  assert.doesNotMatch(r.stdout + r.stderr, /Implement with the following snippet/);
});

test('run: documentsDir mistakes are one message before anything (missing folder, misnamed file)', { timeout: 120_000 }, () => {
  let reports = reportsWithLatest();
  let r = cli(['run', '--profile', profile('nodocs', { documentsDir: 'does-not-exist' }), '--reports', reports]);
  assertRefusedBeforeAnything(r, reports, /^fse-harness run: documentsDir "does-not-exist" does not exist/m);

  mkdirSync(join(dir, 'docs-lower'));
  const p = loadProfile(LAB_ONLY).profile;
  writeFileSync(join(dir, 'docs-lower', 'lab.xml'), buildCda(newCdaContext({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: p, runId: 'u', seq: 1 })));
  reports = reportsWithLatest();
  r = cli(['run', '--profile', profile('lower', { documentTypes: ['LAB'], documentsDir: 'docs-lower' }), '--reports', reports]);
  assertRefusedBeforeAnything(r, reports, /"lab\.xml" matches no document type: names are <TYPE>\.xml or <TYPE>\.pdf, case-sensitive.*\(did you mean LAB\.xml\?\)/);
});

test('check: a malformed token, a pasted "Bearer " token, several body problems, a CDA checked without catalogs', { timeout: 120_000 }, () => {
  const p = loadProfile(LAB_ONLY).profile;
  const cda = Buffer.from(buildCda(newCdaContext({ docType: 'LAB', patientCf: 'RMSLSO31M04Z404R', profile: p, runId: 'u', seq: 2 }))).toString('utf8');
  writeFileSync(join(dir, 'garbage.txt'), 'Bearer not-a-token\n');
  let r = cli(['check', '--method', 'validate-and-create', '--jwt', join(dir, 'garbage.txt'), '--profile', LAB_ONLY]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, STACK);
  assert.equal(r.stdout.split('\n').filter((l) => /^ERROR\s+jwt: /.test(l)).length, 1, r.stdout);
  assert.match(r.stdout, /^ERROR {3}jwt: the FSE-JWT-Signature token is malformed: expected 3 dot-separated parts, got 1/m);

  writeFileSync(join(dir, 'body.json'), JSON.stringify({ tipologiaStruttura: 'Clinica', attiCliniciRegoleAccesso: ['XXX'], dataInizioPrestazione: 'ieri', campo: 1 }));
  r = cli(['check', '--method', 'validate-and-create', '--body', join(dir, 'body.json'), '--profile', LAB_ONLY]);
  assert.equal(r.status, 1);
  assert.doesNotMatch(r.stdout + r.stderr, STACK);
  for (const re of [/^ERROR {3}body: tipologiaStruttura = "Clinica": not an allowed value/m, /^ERROR {3}body: campo = 1: unknown field/m,
    /^ERROR {3}body: identificativoDoc: is missing/m, /^ERROR {3}body: attiCliniciRegoleAccesso = "XXX"/m, /^ERROR {3}body: dataInizioPrestazione = "ieri"/m]) {
    assert.match(r.stdout, re);
  }

  writeFileSync(join(dir, 'broken.xml'), MUTATIONS['senza-confidentialityCode']!.apply(cda));
  r = cli(['check', '--method', 'validate-and-create', '--cda', join(dir, 'broken.xml'), '--profile', LAB_ONLY]);
  assert.doesNotMatch(r.stdout, /^ok\s+validation/m, 'a validation that did not run is not "ok"');
  assert.doesNotMatch(r.stdout, /XSD[^\n;]*passed/);
  assert.match(r.stdout, /^SKIPPED validation: .*XSD, schematron and terminology validation are OFF/m);
  assert.match(r.stdout, /^WARNING validation: well-formedness passed; XSD, schematron, terminology NOT checked \(see SKIPPED\)$/m);
  assert.match(r.stdout, /this is NOT a full pass: \d+ check\(s\) did not run/);
});

test('prune without --keep, or with a bad one: one line', () => {
  for (const args of [['prune'], ['prune', '--keep', 'all']]) {
    const r = cli(args);
    assert.equal(r.status, 2);
    assert.doesNotMatch(r.stderr, STACK);
    assert.match(r.stderr, /^fse-harness prune: --keep/m);
  }
});

test('the QA loop: a feature path given to cucumber-js runs only that path', { timeout: 120_000 }, () => {
  const cucumber = join(PROJECT_ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
  const dry = (args: string[]) => spawnSync(process.execPath, [cucumber, ...args, '--dry-run'], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '--import tsx' }, timeout: 120_000 });
  const one = dry(['features/04-eliminazione.feature', '--tags', '@LAB']);
  assert.equal(one.status, 0, one.stdout + one.stderr);
  const planned = Number(/^(\d+) scenarios? \(/m.exec(one.stdout)?.[1]);
  const inFile = readFileSync(join(PROJECT_ROOT, 'features', '04-eliminazione.feature'), 'utf8').split('\n').filter((l) => /^\s+@LAB\b/.test(l)).length;
  assert.equal(planned, inFile, `only the @LAB scenarios of 04-eliminazione.feature: ${one.stdout}`);
  const all = dry(['--tags', '@LAB']);
  assert.ok(Number(/^(\d+) scenarios? \(/m.exec(all.stdout)?.[1]) > planned, 'without a path, every feature');

  // a typo: the closest existing steps instead of Cucumber's invitation to write code
  const typo = join(dir, 'qa-typo.feature');
  writeFileSync(typo, ['# language: it', '@delete', 'Funzionalità: prova', '', '  Scenario: eliminazione con errore', '    Dato un documento LAB pubblicato per paziente RMSLSO31M04Z404R', '    Quando invio la richiesta di eliminazione', '    Allora la risposta ha stato HTTP 200', ''].join('\n'));
  const t = dry([typo]);
  assert.match(t.stdout, /^1 scenario \(1 undefined\)$/m, t.stdout + t.stderr);
  assert.doesNotMatch(t.stdout + t.stderr, /Implement with the following snippet/);
  assert.match(t.stdout, /Nothing was sent for this scenario: a step matches no step definition/);
  assert.match(t.stdout, /qa-typo\.feature:6: no step matches "un documento LAB pubblicato per paziente RMSLSO31M04Z404R" \(scenario "eliminazione con errore"\); closest existing steps:\n\s+un documento \{tipo\} pubblicato per il paziente \{cf\}\n/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
