import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRunDir, peakRssMb, resolveLatest, safeSegment, utcStamp } from '../../support/evidence/runDir.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fse-rundir-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('createRunDir', () => {
  const now = new Date('2026-11-23T17:05:09.123Z');
  it('names runs <UTC stamp>-<installation>, creates the sub-directories and points latest at it', () => {
    const reports = join(tmp, 'r1');
    const rd = createRunDir(reports, 'impianto 1/ASL', now);
    assert.equal(utcStamp(now), '20261123T170509Z');
    assert.equal(rd.id, '20261123T170509Z-impianto_1_ASL');
    assert.equal(rd.dir, join(reports, 'runs', rd.id));
    for (const d of [rd.evidenceDir, join(rd.evidenceDir, 'exchanges'), join(rd.evidenceDir, 'pdf'), rd.allureResultsDir, rd.cucumberDir]) {
      assert.ok(existsSync(d), d);
    }
    const link = join(reports, 'latest');
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), join('runs', rd.id));
    assert.equal(resolveLatest(reports), realpathSync(rd.dir));
  });
  it('never overwrites: same second → -2, -3, and latest follows the newest', () => {
    const reports = join(tmp, 'r2');
    const a = createRunDir(reports, 'imp', now);
    const b = createRunDir(reports, 'imp', now);
    const c = createRunDir(reports, 'imp', now);
    assert.deepEqual([a.id, b.id, c.id], ['20261123T170509Z-imp', '20261123T170509Z-imp-2', '20261123T170509Z-imp-3']);
    assert.equal(readlinkSync(join(reports, 'latest')), join('runs', c.id));
  });
  it('keeps installation names to [A-Za-z0-9._-]', () => {
    assert.equal(safeSegment('../x y#z'), '__x_y_z');
    assert.equal(safeSegment(''), 'installation');
  });
});

describe('peakRssMb', () => {
  it('is this process\'s peak resident memory in whole MB, never below what is resident now', () => {
    const now = Math.floor(process.memoryUsage().rss / 2 ** 20);
    const peak = peakRssMb();
    assert.ok(Number.isInteger(peak), String(peak));
    assert.ok(peak >= now - 1, `peak ${peak} MB, resident now ${now} MB`);
  });
});
