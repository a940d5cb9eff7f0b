/**
 * Which scenarios a run executes when the user does not say (README § "What runs on stage").
 *
 * RT's stage is a shared environment with real test patients, and what RT asks before production is the
 * accreditation run of toscana.md §7: the four methods over RT's five test fiscal codes, per document type, and the
 * wrong-CF correction by delete + new publication. So on stage the default is exactly that (the scenarios tagged
 * `@accreditamento-rt`: features/00-ciclo-di-vita.feature and features/05-correzione-codice-fiscale.feature); the
 * catalogue of negative cases runs there only when asked (`--tags`, `--all`, or feature paths). Against the
 * simulator nothing is shared, and the default stays the whole suite.
 *
 * Pure: no I/O; the result is combined with the profile's document types by cli/plan.ts.
 */
import type { Target } from '../types.ts';
import { UserError } from '../errors.ts';

/** Tag of RT's accreditation run (toscana.md §7): positive lifecycle per type and CF, and the wrong-CF correction. */
export const RT_ACCREDITATION_TAG = '@accreditamento-rt';

export type SelectionKind = 'rt-accreditation' | 'all' | 'tags' | 'paths';

export interface Selection {
  kind: SelectionKind;
  /** The tag expression to AND with the profile's document types; undefined = every scenario of those types. */
  tags: string | undefined;
  /** One line for the console, run.json and the report: what runs and why. */
  description: string;
}

export interface SelectionInput {
  target: Target;
  /** `--tags` as given (undefined or blank = not given). */
  tags?: string;
  /** `--all`. */
  all?: boolean;
  /** Feature paths given on the command line. */
  paths?: readonly string[];
}

/** The selection in force for a run. `--tags` and `--all` together are a mistake (one says a slice, the other everything). */
export function selectScenarios(o: SelectionInput): Selection {
  const tags = o.tags?.trim() ? o.tags : undefined;
  if (tags !== undefined && o.all) {
    throw new UserError('TAGS', '--all and --tags exclude each other: --all runs every scenario of the profile\'s types, --tags a slice of them',
      'give one of them');
  }
  if (tags !== undefined) {
    return { kind: 'tags', tags, description: `scenarios matching --tags "${tags}"${o.target === 'stage' ? ' (negative scenarios included when they match)' : ''}` };
  }
  if (o.all) return { kind: 'all', tags: undefined, description: 'every scenario (--all), negative cases included' };
  if (o.paths?.length) return { kind: 'paths', tags: undefined, description: `every scenario of ${o.paths.join(' ')}` };
  if (o.target === 'stage') {
    return {
      kind: 'rt-accreditation',
      tags: RT_ACCREDITATION_TAG,
      description: `RT accreditation run (${RT_ACCREDITATION_TAG}, the default on stage): per document type the four methods over RT's `
        + 'five test fiscal codes and the wrong-CF correction (delete + new publication); negative scenarios only with --all or --tags',
    };
  }
  return { kind: 'all', tags: undefined, description: 'every scenario (the default against the simulator)' };
}
