import { UserError } from '../errors.ts';
import { RT_TEST_CFS, type Target } from '../types.ts';

import { RT_PRODUCTION_HOST, RT_STAGE_BASE_URL } from '../config/profile.ts';

export { RT_STAGE_BASE_URL };
/** RT stage (CART) host. */
export const RT_STAGE_HOST = new URL(RT_STAGE_BASE_URL).hostname;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Safety interlock, checked before any connection is opened:
 *  - the production host is always refused;
 *  - simulator target: loopback only;
 *  - stage target: RT's stage host, plus hosts the operator lists explicitly in FSE_ALLOWED_HOSTS (e.g. a proxy).
 */
export function assertTargetAllowed(target: Target | undefined, baseUrl: string, env: NodeJS.ProcessEnv = process.env): URL {
  if (target !== 'simulator' && target !== 'stage') {
    throw new UserError('TARGET', `the profile has no valid "target" (got ${JSON.stringify(target)}): set "simulator" or "stage" explicitly`, 'a run never sends to stage without an explicit target');
  }
  let url: URL;
  try { url = new URL(baseUrl); } catch {
    throw new UserError('BASE_URL', `base URL "${baseUrl}" is not a valid URL`);
  }
  if (url.protocol !== 'https:') throw new UserError('BASE_URL', `base URL must use https (mutual TLS), got ${url.protocol}`);
  const host = url.hostname.toLowerCase();
  if (host === RT_PRODUCTION_HOST) {
    throw new UserError('PRODUCTION_URL', `refusing ${baseUrl}: it is RT's PRODUCTION gateway; this harness only talks to the simulator or to stage`, `use ${RT_STAGE_BASE_URL} for stage`);
  }
  const extra = (env.FSE_ALLOWED_HOSTS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (target === 'simulator' && !LOOPBACK.has(host)) {
    throw new UserError('HOST_NOT_ALLOWED', `target "simulator" may only reach loopback addresses, not ${host}`, 'set "target": "stage" to use a remote gateway');
  }
  if (target === 'stage' && host !== RT_STAGE_HOST && !extra.includes(host)) {
    throw new UserError('HOST_NOT_ALLOWED', `host ${host} is not allowed for target "stage" (allowed: ${[RT_STAGE_HOST, ...extra].join(', ')})`, 'list additional hosts in FSE_ALLOWED_HOSTS (comma separated) if RT gave you another stage address');
  }
  return url;
}

/** On stage only RT's five test fiscal codes may be used as patients (RT spec v1.2, accreditation with RT). */
export function assertPatientAllowed(target: Target, cf: string): void {
  if (target === 'stage' && !RT_TEST_CFS.includes(cf.toUpperCase())) {
    throw new UserError('NON_TEST_CF', `fiscal code ${cf} is not one of RT's five test fiscal codes: refused on stage`, `use one of ${RT_TEST_CFS.join(', ')}`);
  }
}
