/** The Allure results writer of a run: the stock writer's files, byte for byte, without an fsync per file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter';
import { UnsyncedAllureWriter } from '../../support/report/allure-writer.ts';

type W = FileSystemWriter;
function feed(w: W, src: string): void {
  w.writeResult({ uuid: 'r1', name: 'ciclo di vita LAB', status: 'passed', steps: [], labels: [{ name: 'feature', value: 'à è' }] } as unknown as Parameters<W['writeResult']>[0]);
  w.writeGroup({ uuid: 'g1', children: ['r1'], befores: [], afters: [] } as unknown as Parameters<W['writeGroup']>[0]);
  w.writeAttachment('a1-attachment.txt', Buffer.from('X-Cart-id: 123\n'));
  w.writeAttachmentFromPath('a2-attachment.pdf', src);
  w.writeCategoriesDefinitions([{ name: 'Infrastruttura', matchedStatuses: ['broken'] }] as unknown as Parameters<W['writeCategoriesDefinitions']>[0]);
  w.writeGlobals('x-globals.json', { attachments: [], errors: [] } as unknown as Parameters<W['writeGlobals']>[1]);
}
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

test('same files and bytes as allure-js-commons FileSystemWriter, no temporary file left, directory made on first write', () => {
  const base = mkdtempSync(join(tmpdir(), 'fse-allure-writer-'));
  const src = join(base, 'source.pdf');
  writeFileSync(src, Buffer.from('%PDF-1.7\n%âãÏÓ\n'.repeat(5000), 'latin1'));
  const stock = join(base, 'stock');
  const ours = join(base, 'nested', 'ours');
  feed(new FileSystemWriter({ resultsDir: stock }), src);
  feed(new UnsyncedAllureWriter({ resultsDir: ours }), src);
  const a = snapshot(stock);
  const b = snapshot(ours);
  assert.deepEqual(Object.keys(b), Object.keys(a));
  assert.deepEqual(b, a);
  assert.ok(!Object.keys(b).some((f) => f.endsWith('.tmp')));
});
