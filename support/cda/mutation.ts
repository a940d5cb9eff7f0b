import type { DocType } from '../types.ts';

/**
 * A negative (KO) CDA variant: a pure function on the XML text that breaks exactly one family of rules, so the
 * national validator must answer the `expect`ed class (XSD → SYNTAX_ERROR, schematron assert → SEMANTIC_ERROR,
 * terminology → VOCABULARY_ERROR). A mutation throws when the element it needs is missing: never a silent no-op.
 */
export interface Mutation {
  id: string;
  /** Italian, shown in reports; quotes the rule (schematron error id, XSD element, dictionary) it breaks. */
  description: string;
  expect: 'SYNTAX_ERROR' | 'SEMANTIC_ERROR' | 'VOCABULARY_ERROR';
  apply(xml: string): string;
  /** Types the mutation applies to (all types when absent). */
  docTypes?: DocType[];
}
