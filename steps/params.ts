import { defineParameterType } from '@cucumber/cucumber';
import type { DocType, Method } from '../support/types.ts';

defineParameterType({ name: 'tipo', regexp: /CERT_VACC|SING_VACC|LAB|RAD|LDO|RSA|RAP|VPS|PSS/, transformer: (s: string) => s as DocType });
defineParameterType({ name: 'cf', regexp: /[A-Za-z0-9]{16}/, transformer: (s: string) => s });

/** Italian names of RT's four methods, as auditors read them. */
export const METODI: Record<string, Method> = {
  'validazione e creazione': 'validate-and-create',
  sostituzione: 'replace',
  'aggiornamento metadati': 'update-metadata',
  eliminazione: 'delete',
};
defineParameterType({
  name: 'metodo',
  regexp: /validazione e creazione|sostituzione|aggiornamento metadati|eliminazione/,
  transformer: (s: string) => METODI[s]!,
});
