import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import type { DocumentState } from '../support/harness/document.ts';
import type { ExchangeOutcome, Tweaks } from '../support/harness/exchange.ts';
import type { SkipReason } from '../support/harness/classify.ts';
import { PendingDocuments } from '../support/harness/settle.ts';

/** Per-scenario state. Domain logic lives in support/harness; steps only wire Gherkin to it. */
export class HarnessWorld extends World {
  /** The document prepared for the next create/replace. */
  doc?: DocumentState;
  /** The last version successfully published: target of update, replace and delete. */
  published?: DocumentState;
  tweaks: Tweaks = {};
  pathIdOverride?: string;
  purposeOfUse?: string;
  last?: ExchangeOutcome;
  outcomes: ExchangeOutcome[] = [];
  /** Expected HTTP status of each request of the scenario, in order (support/harness/expectations.ts). */
  expectedStatuses: number[] = [];
  sendIndex = 0;
  scenarioName = '';
  nationalIds: number[] = [];
  /** A problem of the scenario itself (undefined step, undeclared status): thrown at its first step, before any call. */
  blocked?: Error;
  /** Why the scenario was skipped, when it was. */
  skip?: SkipReason;
  /** Informative on this target (support/harness/informative.ts): expectation mismatches are findings, not failures. */
  informative = false;
  /** What differed from the expectations in an informative scenario. */
  findings: string[] = [];
  /** Documents answered with a 202, polled before the next operation on them (support/harness/settle.ts). */
  pending = new PendingDocuments();

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** The HTTP status this scenario declared for its next request. */
  nextExpectedStatus(): number {
    const n = this.sendIndex++;
    const s = this.expectedStatuses[n];
    if (s === undefined) throw new Error(`scenario "${this.scenarioName}": request ${n + 1} has no declared expected status`);
    return s;
  }
}
setWorldConstructor(HarnessWorld);
