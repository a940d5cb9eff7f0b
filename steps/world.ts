import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import type { DocumentState } from '../support/harness/document.ts';
import type { ExchangeOutcome, Tweaks } from '../support/harness/exchange.ts';

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
  /** Texts of this scenario's steps (from the pickle), used to read the expected status of each call. */
  stepTexts: string[] = [];
  sendIndex = 0;
  scenarioName = '';
  nationalIds: number[] = [];

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** The HTTP status this scenario expects for its n-th call: the first "stato HTTP N" after the n-th "invio la richiesta". */
  expectedForSend(n: number): number {
    let seen = -1;
    for (let i = 0; i < this.stepTexts.length; i++) {
      if (/invio la richiesta/.test(this.stepTexts[i]!)) seen++;
      if (seen === n) {
        for (let j = i + 1; j < this.stepTexts.length; j++) {
          if (/invio la richiesta/.test(this.stepTexts[j]!)) break;
          const m = /stato HTTP (\d{3})/.exec(this.stepTexts[j]!);
          if (m) return Number(m[1]);
        }
        break;
      }
    }
    return 0;
  }
}
setWorldConstructor(HarnessWorld);
