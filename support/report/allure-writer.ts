/**
 * The writer the Allure formatter uses for allure-results/: the same files as allure-js-commons' FileSystemWriter
 * (same names, same JSON, written to a temporary name and renamed into place), without its `fsync` of every file.
 *
 * allure-results/ is an intermediate the HTML report is rendered from once the run ends; what must survive a crash is
 * the evidence (ledger, exchanges, PDFs, published journal), which is fsynced where it is written. The formatter runs
 * in the coordinating process, which dispatches every scenario to the workers (and then also hosted the embedded
 * simulator): the stock writer's synchronous fsync of every result and attachment held that process's event loop
 * for ≈ 10 s of a 45 s suite (CPU profile of a full run, catalogs on).
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter';

type Result = Parameters<FileSystemWriter['writeResult']>[0];
type Group = Parameters<FileSystemWriter['writeGroup']>[0];
type Categories = Parameters<FileSystemWriter['writeCategoriesDefinitions']>[0];
type Globals = Parameters<FileSystemWriter['writeGlobals']>[1];

export class UnsyncedAllureWriter extends FileSystemWriter {
  readonly #dir: string;
  #made = false;

  constructor(config: { resultsDir: string }) {
    super(config);
    this.#dir = config.resultsDir;
  }

  #publish(name: string, write: (tmp: string) => void): void {
    if (!this.#made) { mkdirSync(this.#dir, { recursive: true }); this.#made = true; }
    const tmp = join(this.#dir, `.allure-write-${randomUUID()}.tmp`);
    try {
      write(tmp);
      renameSync(tmp, join(this.#dir, name));
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }

  #json(name: string, data: unknown): void {
    this.#publish(name, (tmp) => writeFileSync(tmp, JSON.stringify(data), 'utf-8'));
  }

  override writeAttachment(distFileName: string, content: Buffer): void {
    this.#publish(distFileName, (tmp) => writeFileSync(tmp, content));
  }

  override writeAttachmentFromPath(distFileName: string, from: string): void {
    this.#publish(distFileName, (tmp) => copyFileSync(from, tmp));
  }

  override writeResult(result: Result): void {
    this.#json(`${result.uuid}-result.json`, result);
  }

  override writeGroup(result: Group): void {
    this.#json(`${result.uuid}-container.json`, result);
  }

  override writeCategoriesDefinitions(categories: Categories): void {
    this.#json('categories.json', categories);
  }

  override writeGlobals(distFileName: string, info: Globals): void {
    this.#json(distFileName, info);
  }
  // writeEnvironmentInfo: the inherited one (once per run; support/report/allure.ts writes environment.properties too)
}
