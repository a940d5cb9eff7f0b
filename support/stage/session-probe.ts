/**
 * Wiring of the probe (support/stage/probe.ts) to a harness session: the gateway call is the harness's own
 * DELETE exchange (same client, same tokens, a ledger row with its X-Cart-id like any other call).
 * Kept apart from probe.ts so that the probe itself does not depend on Session/exchange.
 */
import type { Session } from '../harness/session.ts';
import type { DocumentState } from '../harness/document.ts';
import { performExchange } from '../harness/exchange.ts';
import { newCdaContext } from '../cda/identity.ts';
import { identificativoDoc, rtDocIdExtension } from '../gateway/ids.ts';
import { RT_DOC_ID_ROOT } from '../gateway/oids.ts';
import { docTypeInfo } from '../doctypes.ts';
import { RT_TEST_CFS } from '../types.ts';
import { profileDefaults } from '../config/profile.ts';
import { runProbe, type ProbeReport } from './probe.ts';
import { probeConsoleLines, writeProbeFiles } from './probeReport.ts';
import { writeStop } from '../harness/circuit.ts';

export const PROBE_SCENARIO = 'Sonda di connessione (probe): eliminazione di un documento inesistente';

/** A document id of the installation's form that was never published: `…<PIVA>.<TIPO>.<CODREP>.SONDA-<run>-INESISTENTE`. */
export function probeDocument(s: Session): DocumentState {
  const p = s.profile;
  const docType = p.documentTypes[0]!;
  const patientCf = RT_TEST_CFS[0]!;
  const ctx = newCdaContext({ docType, patientCf, profile: p, runId: s.runId, seq: s.nextSeq() });
  const id = identificativoDoc(RT_DOC_ID_ROOT, rtDocIdExtension(p, docType, `SONDA-${s.runId}-INESISTENTE`));
  const info = docTypeInfo(docType);
  return {
    docType, patientCf, ctx, identificativoDoc: id, code: { code: info.loinc, codeSystem: info.codeSystem },
    cda: new Uint8Array(), pdf: new Uint8Array(), pdfSha256: '', source: 'template', mode: 'ATTACHMENT', variants: ['sonda'],
  };
}

export async function probeSession(s: Session, log: (line: string) => void): Promise<ProbeReport> {
  return runProbe({
    baseUrl: s.baseUrl,
    // the same connection as the run's client: client chain, trusted server CA, proxy, timeout
    proxy: s.connection.proxy,
    tls: s.connection.tls,
    authCn: s.credentials.auth.cn,
    signCn: s.credentials.sign.cn,
    intermediates: s.credentials.auth.intermediates,
    aud: profileDefaults(s.profile).aud,
    timeoutMs: s.connection.timeoutMs,
    log,
    gatewayCall: async () => {
      const o = await performExchange(s, { scenario: PROBE_SCENARIO, method: 'delete', document: probeDocument(s), expected: 404 });
      return {
        ...(o.httpStatus !== '' ? { status: o.httpStatus } : {}),
        headers: o.result.headers,
        xCartId: o.xCartId,
        errorType: o.errorType,
        errorDetail: o.errorDetail,
        ...(o.result.error ? { error: o.result.error } : {}),
        requestFile: o.requestFile,
        responseFile: o.responseFile,
      };
    },
  });
}

/**
 * The probe as the first step of a run against stage: writes probe.json / probe.md into the run directory and,
 * when it failed, the run's stop record (support/harness/circuit.ts), so that no scenario sends anything and the
 * report and summary.md say why.
 */
export async function probeBeforeRun(s: Session, log: (line: string) => void): Promise<ProbeReport> {
  log('probe: checking the way to the gateway (DNS, TCP, proxy, TLS, one harmless call)…');
  const report = await probeSession(s, (l) => log(`probe: ${l}`));
  for (const l of probeConsoleLines(report)) log(l.trimStart() === l ? l : l.slice(2));
  writeProbeFiles(s.runDir.dir, report);
  if (report.fatal) {
    const failed = report.steps.find((x) => x.status === 'fail');
    writeStop(s.runDir.dir, {
      kind: 'probe',
      reason: `the connection probe failed at the ${failed?.id ?? '?'} step: ${failed?.diagnosis?.en ?? failed?.summary ?? ''}`,
      reasonIt: `la sonda di connessione è fallita al passo ${failed?.id ?? '?'}: ${failed?.diagnosis?.it ?? failed?.summary ?? ''}`,
      lastError: failed?.summary ?? '',
      limit: 0,
    });
  }
  return report;
}
