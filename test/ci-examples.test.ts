/**
 * examples/ci/: the GitHub Actions and GitLab CI examples (README "Several installations") parse, have one job per
 * installation whose profile exists and is valid, run the harness with that profile, upload the evidence bundle from
 * where the harness really writes it, and take every secret from the CI's variables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../support/paths.ts';
import { loadProfile } from '../support/config/profile.ts';
import { REPORTS_DIRS, RUN_FILES } from '../support/evidence/runDir.ts';

const CI = join(PROJECT_ROOT, 'examples', 'ci');
const text = (f: string) => readFileSync(join(CI, f), 'utf8');

/** The passphrase variables a profile names (these must come from the CI's secrets). */
function passphraseEnvs(installation: string): string[] {
  const { profile } = loadProfile(join(CI, 'installations', `${installation}.json`), { env: {} });
  assert.equal(profile.installation, installation, 'the profile is the matrix entry\'s installation');
  assert.equal(profile.target, 'stage');
  const c = profile.certificates;
  assert.ok(c, 'the profile names its certificates');
  return [c.authentication, c.signature].flatMap((x) => (x && 'passphraseEnv' in x && x.passphraseEnv ? [x.passphraseEnv] : []));
}

function noSecretLiterals(src: string): void {
  assert.doesNotMatch(src, /-----BEGIN|MII[A-Za-z0-9+/]{20}/, 'no certificate or key in the file');
}

/** Where the harness writes a run's bundle under --reports DIR (runs/<id>/evidence-bundle.zip). */
const bundleUnder = (reports: string) => `${reports}/${REPORTS_DIRS.runs}/*/${RUN_FILES.bundle}`;

interface GhStep { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> }

describe('examples/ci/github-actions.yml', () => {
  const src = text('github-actions.yml');
  const wf = parse(src) as { jobs: Record<string, { strategy: { 'fail-fast': boolean; matrix: { include: { installation: string; secrets: string }[] } }; env: Record<string, string>; steps: GhStep[] }> };
  const jobs = Object.values(wf.jobs);
  it('one job with a matrix of installations, each with a valid profile', () => {
    assert.equal(jobs.length, 1);
    const include = jobs[0]!.strategy.matrix.include;
    assert.ok(include.length >= 2, 'several installations');
    assert.equal(new Set(include.map((i) => i.installation)).size, include.length);
    assert.equal(jobs[0]!.strategy['fail-fast'], false, 'one failing installation does not cancel the others');
    for (const i of include) {
      assert.match(i.secrets, /^[A-Z0-9_]+$/, 'a secret-name key');
      passphraseEnvs(i.installation);
    }
  });
  it('runs the harness with the installation\'s profile and uploads its evidence bundle, even when the run fails', () => {
    const job = jobs[0]!;
    assert.equal(job.env.PROFILE, 'examples/ci/installations/${{ matrix.installation }}.json');
    const runStep = job.steps.find((s) => s.run?.includes('fse-harness run'));
    assert.ok(runStep, 'a step runs fse-harness');
    assert.match(runStep.run!, /--profile "\$PROFILE"/);
    assert.match(runStep.run!, /--reports "\$REPORTS"/);
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.ok(upload, 'an upload-artifact step');
    assert.equal(upload.if, 'always()');
    assert.match(String(upload.with?.name), /\$\{\{ matrix\.installation \}\}/);
    const paths = String(upload.with?.path).split('\n').map((p) => p.trim()).filter(Boolean);
    assert.equal(job.env.REPORTS, 'reports/${{ matrix.installation }}');
    assert.ok(paths.includes(bundleUnder(job.env.REPORTS)), `the bundle path: ${paths.join(', ')}`);
    assert.ok(paths.includes(`${job.env.REPORTS}/${REPORTS_DIRS.runs}/*/${RUN_FILES.mailRt}`), 'the mail for RT');
  });
  it('every passphrase and certificate comes from the secrets', () => {
    const job = jobs[0]!;
    const runStep = job.steps.find((s) => s.run?.includes('fse-harness run'))!;
    for (const i of job.strategy.matrix.include) {
      for (const v of passphraseEnvs(i.installation)) {
        assert.match(String(runStep.env?.[v]), /^\$\{\{ secrets\[format\('FSE_\{0\}_[A-Z_]+', matrix\.secrets\)\] \}\}$/, `${v} from the secrets`);
      }
    }
    const certStep = job.steps.find((s) => s.run?.includes('/tmp/fse-secrets/auth.p12'))!;
    for (const v of Object.values(certStep.env ?? {})) assert.match(v, /^\$\{\{ secrets\[/);
    noSecretLiterals(src);
  });
});

describe('examples/ci/gitlab-ci.yml', () => {
  const src = text('gitlab-ci.yml');
  const ci = parse(src) as Record<string, { parallel?: { matrix: { INSTALLATION: string; SECRETS: string }[] }; variables: Record<string, string>; before_script: string[]; script: string[]; artifacts: { when: string; name: string; paths: string[] } }>;
  const job = ci.accreditation!;
  it('a parallel matrix of installations, each with a valid profile', () => {
    const m = job.parallel!.matrix;
    assert.ok(m.length >= 2);
    assert.equal(new Set(m.map((e) => e.INSTALLATION)).size, m.length);
    for (const e of m) passphraseEnvs(e.INSTALLATION);
    assert.equal(job.variables.PROFILE, 'examples/ci/installations/$INSTALLATION.json');
  });
  it('runs the harness with the profile and keeps the evidence bundle as an artifact, always', () => {
    assert.ok(job.script.some((l) => /fse-harness run --profile "\$PROFILE" --reports "\$REPORTS"/.test(l)));
    assert.equal(job.artifacts.when, 'always');
    assert.match(job.artifacts.name, /\$INSTALLATION/);
    assert.ok(job.artifacts.paths.includes(bundleUnder(job.variables.REPORTS!)), job.artifacts.paths.join(', '));
    assert.ok(job.artifacts.paths.includes(`${job.variables.REPORTS}/${REPORTS_DIRS.runs}/*/${RUN_FILES.mailRt}`));
  });
  it('every passphrase and certificate comes from the CI/CD variables', () => {
    for (const e of job.parallel!.matrix) {
      for (const v of passphraseEnvs(e.INSTALLATION)) {
        assert.ok(job.script.some((l) => new RegExp(`^export ${v}="\\$\\(printenv "FSE_\\$\\{SECRETS\\}_[A-Z_]+"\\)"$`).test(l)), `${v} from a CI/CD variable`);
      }
    }
    assert.ok(job.before_script.some((l) => l.includes('printenv "FSE_${SECRETS}_AUTH_P12" | base64 -d > /tmp/fse-secrets/auth.p12')));
    noSecretLiterals(src);
  });
});
