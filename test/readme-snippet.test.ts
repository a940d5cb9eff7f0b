/**
 * The README's "Adding a scenario" example is a complete feature file: pasted as is into a new file, it parses, every
 * step exists, and `run` would plan it for the example profile (RAD). The block is read from the README itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/paths.ts';
import { loadProfile } from '../support/config/profile.ts';
import { planRun } from '../cli/plan.ts';

test('the "Adding a scenario" snippet is a complete file that parses and uses existing steps', { timeout: 120_000 }, async () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Adding a scenario'));
  const block = /```gherkin\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'no ```gherkin block in "Adding a scenario"');
  assert.match(block, /^# language: it\n/, 'starts with the language line');
  assert.match(block, /^Funzionalità: /m);
  assert.match(block, /^@(validate-and-create|replace|update-metadata|delete)\b/m, 'carries a method tag');
  const dir = mkdtempSync(join(tmpdir(), 'fse-readme-'));
  try {
    const file = join(dir, 'nuovo.feature');
    writeFileSync(file, block);
    const plan = await planRun({ profile: loadProfile(join(PROJECT_ROOT, 'testdata', 'profile.example.json')).profile, paths: [file] });
    assert.deepEqual(plan.scenarios.map((s) => s.name), ['pubblicazione oscurata di un documento RAD']);
    assert.ok(plan.scenarios[0]!.tags.includes('@validate-and-create'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
