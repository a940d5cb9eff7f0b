/**
 * Informative scenarios: on RT's stage the scenarios whose expected answer comes from the national validator's
 * catalogs (CATALOG_TAGS: XSD, schematron, terminology) are run and reported with what came back, but never fail
 * the run. RT's specification (toscana.md §2, RT spec §3) describes a transitional regional validation against the
 * XSD only, so stage may legitimately accept what the national validator would refuse (or refuse it differently).
 * Against the simulator they stay binding: the simulator plays the national validator.
 */
import { AssertionError } from 'node:assert';
import type { Target } from '../types.ts';
import { CATALOG_TAGS } from './classify.ts';

/** What the report and the records call such a scenario (Allure tag and category, summary, console). */
export const INFORMATIVE_LABEL = 'Informativo';
/** Allure label set on informative scenarios (the report's category rule matches it). */
export const INFORMATIVE_ALLURE_LABEL = 'informativo';
/** Why, in Italian, for the report and the summary. */
export const INFORMATIVE_REASON = 'Scenario informativo in stage: la risposta attesa viene dai cataloghi del validatore nazionale '
  + '(XSD, schematron, terminologia), mentre le specifiche RT (§3) prevedono in fase transitoria la sola validazione regionale '
  + 'rispetto all\'XSD. Quanto ricevuto è riportato, senza far fallire l\'esecuzione.';

/** The tag names of CATALOG_TAGS (`@sintassi`, `@schematron`, `@terminologia`). */
export const CATALOG_TAG_NAMES: ReadonlySet<string> = new Set(CATALOG_TAGS.split(' or '));

/** True when a scenario with these tags is informative on this target. */
export function isInformative(target: Target, tags: readonly string[]): boolean {
  return target === 'stage' && tags.some((t) => CATALOG_TAG_NAMES.has(t));
}

/**
 * An expectation check of a scenario: passes silently; on a mismatch throws in a binding scenario, and in an
 * informative one returns the finding (what was expected and what came back) for the report instead.
 */
export function checkExpectation(ok: boolean, message: string, informative: boolean): string | undefined {
  if (ok) return undefined;
  if (!informative) throw new AssertionError({ message });
  return message;
}
