/**
 * Synthetic patients for RT's five test fiscal codes: sex and birth date decoded from the fiscal code (omocodia
 * tolerated), invented names whose consonants fit the code, a synthetic Toscana residence.
 * RT "FSE 2.0 PRIVATI — specifiche tecniche" v1.2 (accreditation: only these five codes on stage).
 */
import { RT_TEST_CFS } from '../types.ts';
import { UserError } from '../errors.ts';
import { cfCheckChar } from '../cf.ts';

export interface Patient {
  cf: string;
  given: string;
  family: string;
  gender: 'M' | 'F';
  /** yyyyMMdd */
  birthDate: string;
  /** ISTAT code of the birth municipality (or `999` + ISTAT country code for people born abroad). */
  birthPlaceIstat: string;
  /** Belfiore (cadastral) code of the birth place, as in the CF (positions 12–15). */
  birthPlaceBelfiore?: string;
  /** Synthetic residence (Toscana). */
  residenceCity?: string;
  residenceIstat?: string;
}

/** Month letters of the fiscal code (A=January ... T=December). */
const CF_MONTHS = 'ABCDEHLMPRST';
/** Omocodia substitutions for digits (L=0 ... V=9). */
const OMOCODIA = 'LMNPQRSTUV';

/**
 * Belfiore → ISTAT for the birth places of RT's test CFs. C615 is not in this table: the harness does not ship a
 * full Belfiore→ISTAT table, so that patient gets the ISTAT code of the synthetic residence (documented, harmless:
 * no schematron rule cross-checks the birth place with the CF).
 */
const BELFIORE_ISTAT: Record<string, string> = {
  F205: '015146', // Milano
  H501: '058091', // Roma
  A326: '007003', // Aosta
  Z404: '999404', // Stati Uniti d'America (foreign state: 999 + ISTAT country code)
};

/** Invented names whose consonants fit each CF's name fields; synthetic Toscana residences. */
const TEST_PATIENTS: Record<string, { given: string; family: string; city: string; istat: string }> = {
  RMSLSO31M04Z404R: { given: 'Losio', family: 'Romasi', city: 'Firenze', istat: '048017' },
  MNTMRA03M71C615V: { given: 'Maria', family: 'Monti', city: 'Siena', istat: '052032' },
  MNZLSN99E05F205J: { given: 'Alessandro', family: 'Menzi', city: 'Pisa', istat: '050026' },
  DRCGNN12A46A326K: { given: 'Giovanna', family: 'Dorico', city: 'Arezzo', istat: '051002' },
  BRGLRZ80D58H501Q: { given: 'Lucrezia', family: 'Borghi', city: 'Prato', istat: '100005' },
};

/** Sex and birth date decoded from a fiscal code (omocodia tolerated). Years are pivoted on the current year. */
export function decodeCf(cf: string, now: Date = new Date()): { gender: 'M' | 'F'; birthDate: string; belfiore: string } {
  const s = cf.toUpperCase();
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(s)) {
    throw new UserError('CF_INVALID', `"${cf}" is not a well-formed codice fiscale`);
  }
  if (cfCheckChar(s.slice(0, 15)) !== s[15]) throw new UserError('CF_INVALID', `"${cf}": wrong check character`);
  const digit = (ch: string) => (/[0-9]/.test(ch) ? ch : String(OMOCODIA.indexOf(ch)));
  const yy = Number(digit(s[6]!) + digit(s[7]!));
  const month = CF_MONTHS.indexOf(s[8]!) + 1;
  let day = Number(digit(s[9]!) + digit(s[10]!));
  const gender: 'M' | 'F' = day > 40 ? 'F' : 'M';
  if (day > 40) day -= 40;
  const curYy = now.getUTCFullYear() % 100;
  const century = yy > curYy ? 1900 : 2000;
  const year = century + yy;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) throw new UserError('CF_INVALID', `"${cf}": impossible birth date`);
  const belfiore = s[11]! + digit(s[12]!) + digit(s[13]!) + digit(s[14]!);
  return { gender, birthDate: `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`, belfiore };
}

/**
 * Synthetic demographics for one of RT's five test CFs (sex and birth date decoded from the CF; invented names whose
 * consonants fit). Throws a UserError for other CFs unless `allowAny` (then the names are placeholders).
 */
export function patientFor(cf: string, o: { allowAny?: boolean } = {}): Patient {
  const up = cf.toUpperCase();
  const known = TEST_PATIENTS[up];
  if (!known && !o.allowAny) {
    throw new UserError('CF_NOT_ALLOWED', `"${cf}" is not one of RT's test fiscal codes`, `Use one of: ${RT_TEST_CFS.join(', ')}`);
  }
  const { gender, birthDate, belfiore } = decodeCf(up);
  const residence = known ?? { given: 'Paziente', family: 'Sintetico', city: 'Firenze', istat: '048017' };
  return {
    cf: up,
    given: residence.given,
    family: residence.family,
    gender,
    birthDate,
    birthPlaceIstat: BELFIORE_ISTAT[belfiore] ?? residence.istat,
    birthPlaceBelfiore: belfiore,
    residenceCity: residence.city,
    residenceIstat: residence.istat,
  };
}
