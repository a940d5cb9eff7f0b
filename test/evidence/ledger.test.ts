import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { csvLine, Ledger, parseCsv, readLedgerCsv, readLedgerJsonl } from '../../support/evidence/ledger.ts';
import { LEDGER_COLUMNS } from '../../support/types.ts';
import { sampleRow } from './fixtures/rows.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fse-ledger-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(tmp, `ev${n++}`);

describe('CSV encoding', () => {
  it('quotes per RFC 4180 and round-trips commas, quotes, CR/LF and non-ASCII', () => {
    const values = ['plain', 'a,b', 'say "hi"', 'line1\r\nline2', 'lf\nonly', 'città', '', ' lead'];
    const line = csvLine(values);
    assert.equal(line, 'plain,"a,b","say ""hi""","line1\r\nline2","lf\nonly",città,," lead"\r\n');
    const { records, partial } = parseCsv(line);
    assert.equal(partial, null);
    assert.deepEqual(records, [values]);
  });
  it('reports an unterminated last record as partial (also inside an open quote)', () => {
    assert.deepEqual(parseCsv('a,b\r\nc,"d\r\ne'), { records: [['a', 'b']], partial: 'c,"d\r\ne' });
    assert.deepEqual(parseCsv('a,b\r\nc,d'), { records: [['a', 'b']], partial: 'c,d' });
  });
});

describe('Ledger', () => {
  it('writes the header in LEDGER_COLUMNS order, appends rows to CSV and JSONL, reads them back', () => {
    const dir = fresh();
    const l = Ledger.open(dir);
    const rows = [0, 1, 2, 3, 4, 5].map(sampleRow);
    for (const r of rows) l.append(r);
    assert.deepEqual(l.rows(), rows);
    assert.deepEqual(l.rowOf(rows[3]!.requestFile), rows[3]);
    assert.equal(l.rowOf('exchanges/9999-none.request.http'), undefined);
    l.rowOf(rows[3]!.requestFile)!.xCartId = 'changed'; // a copy: the ledger's own row is not touched
    assert.deepEqual(l.rowOf(rows[3]!.requestFile), rows[3]);
    l.close();
    const text = readFileSync(join(dir, 'ledger.csv'), 'utf8');
    assert.ok(text.startsWith(`${LEDGER_COLUMNS.join(',')}\r\n`));
    assert.deepEqual(readLedgerCsv(join(dir, 'ledger.csv')), rows);
    assert.deepEqual(readLedgerJsonl(join(dir, 'ledger.jsonl')), rows);
    const firstJson = JSON.parse(readFileSync(join(dir, 'ledger.jsonl'), 'utf8').split('\n')[0]!) as object;
    assert.deepEqual(Object.keys(firstJson), [...LEDGER_COLUMNS]);
  });

  it('writes exact exchange bytes, no response file for null, and numbers NNNN-<method>', () => {
    const dir = fresh();
    const l = Ledger.open(dir);
    const req = new Uint8Array([0, 1, 2, 255, 13, 10, 0x50]);
    const a = l.writeExchange({ method: 'validate-and-create', requestBytes: req, responseBytes: new Uint8Array([9, 8]) });
    const b = l.writeExchange({ method: 'delete', requestBytes: req, responseBytes: null });
    assert.deepEqual(a, { seq: 1, requestFile: 'exchanges/0001-validate-and-create.request.http', responseFile: 'exchanges/0001-validate-and-create.response.http' });
    assert.deepEqual(b, { seq: 2, requestFile: 'exchanges/0002-delete.request.http', responseFile: '' });
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, a.requestFile))), req);
    assert.deepEqual([...readFileSync(join(dir, a.responseFile))], [9, 8]);
    assert.equal(existsSync(join(dir, 'exchanges/0002-delete.response.http')), false);
    l.close();
    // resume: numbering continues, rows are kept
    const l2 = Ledger.open(dir);
    assert.equal(l2.writeExchange({ method: 'replace', requestBytes: req, responseBytes: null }).seq, 3);
    l2.close();
  });

  it('two writers on one evidence dir (parallel workers) never reuse an exchange number', () => {
    const dir = fresh();
    const a = Ledger.open(dir);
    const b = Ledger.open(dir);
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      seqs.push(a.writeExchange({ method: 'replace', requestBytes: new Uint8Array([i]), responseBytes: null }).seq);
      seqs.push(b.writeExchange({ method: 'delete', requestBytes: new Uint8Array([i]), responseBytes: null }).seq);
    }
    a.close();
    b.close();
    assert.equal(new Set(seqs).size, 10, seqs.join(','));
    assert.equal(readdirSync(join(dir, 'exchanges')).length, 10);
  });

  it('two writers claiming numbers through a claims folder never reuse one either, and nothing of it lands in the evidence', () => {
    const dir = fresh();
    const claimsDir = join(dir, '..', `claims-${Date.now()}-${Math.random()}`);
    const a = Ledger.open(dir, { claimsDir });
    const b = Ledger.open(dir, { claimsDir });
    const seqs: number[] = [];
    for (let i = 0; i < 6; i++) {
      seqs.push(a.writeExchange({ method: 'replace', requestBytes: new Uint8Array([i]), responseBytes: null }).seq);
      seqs.push(b.writeExchange({ method: 'delete', requestBytes: new Uint8Array([i]), responseBytes: null }).seq);
    }
    a.close();
    b.close();
    assert.deepEqual([...seqs].sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i + 1), seqs.join(','));
    assert.equal(readdirSync(join(dir, 'exchanges')).length, 12);
    assert.equal(readdirSync(claimsDir).length, 12);
    // a later writer (a resumed run) continues after the highest number
    const c = Ledger.open(dir, { claimsDir });
    assert.equal(c.writeExchange({ method: 'delete', requestBytes: new Uint8Array([9]), responseBytes: null }).seq, 13);
    c.close();
  });

  it('savePdf never overwrites a different file and reuses an identical one', () => {
    const l = Ledger.open(fresh());
    assert.equal(l.savePdf('../LAB doc.pdf', new Uint8Array([1])), 'pdf/LAB_doc.pdf');
    assert.equal(l.savePdf('LAB doc.pdf', new Uint8Array([1])), 'pdf/LAB_doc.pdf');
    assert.equal(l.savePdf('LAB doc.pdf', new Uint8Array([2])), 'pdf/LAB_doc-2.pdf');
    l.close();
  });

  it('resumes after a truncated last line: keeps complete rows, saves the tail aside, appends cleanly', () => {
    const dir = fresh();
    const l = Ledger.open(dir);
    l.append(sampleRow(1));
    l.append(sampleRow(2));
    l.close();
    appendFileSync(join(dir, 'ledger.csv'), '2026-11-23T17:00:00.000Z,impianto-1,"half a row\r\nstill in quotes');
    appendFileSync(join(dir, 'ledger.jsonl'), '{"timestamp":"2026-');
    assert.equal(readLedgerCsv(join(dir, 'ledger.csv')).length, 2);
    assert.equal(readLedgerJsonl(join(dir, 'ledger.jsonl')).length, 2);
    const l2 = Ledger.open(dir);
    assert.equal(l2.rows().length, 2);
    l2.append(sampleRow(3));
    l2.close();
    assert.deepEqual(readLedgerCsv(join(dir, 'ledger.csv')), [1, 2, 3].map(sampleRow));
    assert.deepEqual(readLedgerJsonl(join(dir, 'ledger.jsonl')), [1, 2, 3].map(sampleRow));
    assert.match(readFileSync(join(dir, 'ledger.csv.partial'), 'utf8'), /half a row/);
  });

  it('refuses a file that is not a ledger', () => {
    const dir = fresh();
    Ledger.open(dir).close();
    const p = join(dir, 'other.csv');
    appendFileSync(p, 'a,b\r\n1,2\r\n');
    assert.throws(() => readLedgerCsv(p), /not a ledger/);
  });
});

describe('Ledger survives SIGKILL', () => {
  it('every row acknowledged before the kill is intact in ledger.csv and ledger.jsonl', async () => {
    const dir = fresh();
    const fixture = fileURLToPath(new URL('./fixtures/ledger-writer.ts', import.meta.url));
    const KILL_AFTER = 150;
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = -1;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      let buf = '';
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) {
          const m = /^ACK (\d+)$/.exec(l);
          if (m) acked = Math.max(acked, Number(m[1]));
        }
        if (acked + 1 >= KILL_AFTER && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    assert.equal(exit.signal, 'SIGKILL', `child ended by itself (code ${exit.code}): ${stderr}`);
    assert.ok(acked + 1 >= KILL_AFTER, `only ${acked + 1} rows acknowledged`);
    const csv = readLedgerCsv(join(dir, 'ledger.csv'));
    const jsonl = readLedgerJsonl(join(dir, 'ledger.jsonl'));
    assert.ok(csv.length >= acked + 1, `csv has ${csv.length} rows, ${acked + 1} acknowledged`);
    assert.ok(jsonl.length >= acked + 1, `jsonl has ${jsonl.length} rows, ${acked + 1} acknowledged`);
    for (let i = 0; i <= acked; i++) {
      assert.deepEqual(csv[i], sampleRow(i), `csv row ${i}`);
      assert.deepEqual(jsonl[i], sampleRow(i), `jsonl row ${i}`);
    }
    // whatever was written after the last ACK must also be a correct row (never garbage)
    for (let i = acked + 1; i < csv.length; i++) assert.deepEqual(csv[i], sampleRow(i));
    // and the run can resume on the same ledger
    const l = Ledger.open(dir);
    const before = l.rows().length;
    l.append(sampleRow(99999));
    l.close();
    const again = readLedgerCsv(join(dir, 'ledger.csv'));
    assert.equal(again.length, before + 1);
    assert.deepEqual(again.at(-1), sampleRow(99999));
    assert.ok(readdirSync(dir).includes('ledger.csv'));
  });
});
