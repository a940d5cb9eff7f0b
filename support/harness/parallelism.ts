/**
 * How many Cucumber worker processes a run uses (`--parallel N`, FSE_PARALLEL). Against stage one: RT's stage is
 * shared. Against the simulator it depends on the slice: every worker process starts Node, the TypeScript loader and
 * every module the steps import (pdf-lib, fontkit, pkijs, undici, Cucumber…), about 3 s of wall on two cores, while
 * the run's own process has already loaded them to plan the run and can run the scenarios itself. Measured on the CI
 * machine kind (2 vCPU, Node 20, catalogs on, no report; README, Performance): one process is faster up to a few
 * hundred scenarios (1: 4.9 s vs 7.7 s; 47: 9.2 vs 12.8 s; 116: 12.3 vs 18.0 s; 232: 19.8 vs 22.9 s; 347: 24.8 / 25.4
 * vs 27.6 / 25.9 s) and two workers win on the whole suite (521: 33.7–33.9 s vs 36.4–36.6 s).
 */

/** Up to this many planned scenarios, a run against the simulator uses one process unless told otherwise. */
export const ONE_PROCESS_UP_TO = 300;

export interface ParallelChoice {
  /** Worker processes; 1 = Cucumber runs in the run's own process. */
  parallel: number;
  /** Why, for the console line. */
  why: string;
}

export function chooseParallel(o: { flag?: unknown; env?: string; target: 'stage' | 'simulator'; planned: number }): ParallelChoice {
  const given = o.flag ?? (o.env !== undefined && o.env !== '' ? o.env : undefined);
  if (given !== undefined) {
    const n = Math.max(1, Math.min(8, Number(given) || 1));
    return { parallel: n, why: o.flag !== undefined ? '--parallel' : 'FSE_PARALLEL' };
  }
  if (o.target === 'stage') return { parallel: 1, why: "stage: RT's stage is shared; --parallel N to change" };
  if (o.planned <= ONE_PROCESS_UP_TO) {
    return { parallel: 1, why: `${o.planned} scenario${o.planned === 1 ? '' : 's'}, up to ${ONE_PROCESS_UP_TO}: faster than starting worker processes; --parallel 2 for two` };
  }
  return { parallel: 2, why: `${o.planned} scenarios; --parallel N to change` };
}
