import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRunDir } from '../../support/evidence/runDir.ts';
import { countLines, RunRecords, type ScenarioRecord } from '../../support/harness/run-records.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fse-run-records-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const scenario = (name: string, status = 'PASSED'): ScenarioRecord => ({ name, status, outcomes: [], nationalIds: [] });

describe('countLines', () => {
  it('counts newline-terminated lines on the bytes, multi-byte UTF-8 included', () => {
    assert.equal(countLines(new Uint8Array()), 0);
    assert.equal(countLines(Buffer.from('a\n')), 1);
    assert.equal(countLines(Buffer.from('{"name":"città — perché"}\n{"x":"\\n"}\n')), 2);
    assert.equal(countLines(Buffer.from('a\nb')), 1, 'an unterminated last line is not counted');
  });
});

describe('RunRecords shared by parallel workers', () => {
  it('numbers progress across the processes that append to the same file, and reads every record back', () => {
    const rd = createRunDir(join(tmp, 'r1'), 'imp');
    const coordinator = new RunRecords(rd, { shared: false, log: () => {} });
    coordinator.setTotalScenarios(3, { share: true });
    const lines: string[] = [];
    const a = new RunRecords(rd, { shared: true, log: (l) => lines.push(`a ${l}`) });
    const b = new RunRecords(rd, { shared: true, log: (l) => lines.push(`b ${l}`) });
    a.recordScenario(scenario('uno'));
    b.recordScenario(scenario('due — è', 'SKIPPED'));
    a.recordScenario(scenario('tre', 'FAILED'));
    assert.deepEqual(lines, ['a [1/3] ok   uno', 'b [2/3] SKIP due — è', 'a [3/3] FAIL tre']);
    assert.deepEqual(coordinator.readScenarios().map((r) => r.name), ['uno', 'due — è', 'tre']);
  });
});
