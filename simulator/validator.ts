/**
 * Validator stage (`it-fse-gtw-validator` `ValidationCTL.validation`, mapped by the dispatcher's `AbstractCTL.validate`):
 * wraps support/catalogs `openValidator` and maps its outcome to the dispatcher:
 * SYNTAX / VOCABULARY → 400, SEMANTIC_ERROR → 422 (family V), detail = messages joined with "," (or the title),
 * instance `/validation/error`; SEMANTIC_WARNING → success with `warning` (joined with ","); OK → success.
 * The catalogs are opened in the background so that server start-up never waits for schematron compilation.
 */
import { appError, CATALOGUE, connectionRefused, INSTANCE, type ErrorKind } from '../support/gateway/problems.ts';
import { openValidatorInThread, validationThreadFromEnv } from './validator-thread.ts';

type OpenValidator = Awaited<ReturnType<typeof import('../support/catalogs/index.ts').openValidator>>;
export type ValidationOutcomeName = 'OK' | 'SYNTAX_ERROR' | 'VOCABULARY_ERROR' | 'SEMANTIC_ERROR' | 'SEMANTIC_WARNING';

export interface CdaValidatorStage {
  /** Resolves when the catalogs are loaded (or known to be unavailable). */
  ready: Promise<void>;
  /** "checks off" sentences (no catalogs, no schematron for a templateId...). Live array. */
  skipped: string[];
  /** Returns the warning, uncut (or undefined); throws AppError on SYNTAX/VOCABULARY/SEMANTIC errors. */
  validate(cda: Uint8Array, opts?: { schematron?: boolean; terminology?: boolean }): Promise<{ warning?: string; skipped: string[] }>;
  close(): void;
}

const WARNING_MAX = 200_000;

/**
 * The dispatcher cuts a warning of 200000 characters or more to 199997 + `...` (VAL-04: `>=`, `PublicationCTL` L628).
 * It cuts the warning it answers, not the validator's: on E3/E5 that is the validator's alone, on E1 the assembled
 * SIGN_WARN + validator warning + `[WARNING_EXTRACT]` wrapper (`ValidationCTL.validate`; gateway-impl.md §2.1, §6).
 * So this stage returns the warning whole and simulator/dispatcher.ts applies the cut.
 */
export function truncateWarning(w: string): string {
  return w.length >= WARNING_MAX ? `${w.slice(0, WARNING_MAX - 3)}...` : w;
}

export interface CdaValidatorOptions {
  catalogsDir?: string | null;
  enabled: boolean;
  log?: (l: string) => void;
  /** Test seam: replaces support/catalogs `openValidator` (the directory is then not resolved). */
  open?: () => Promise<OpenValidator>;
  /**
   * Validate on a worker thread of the simulator's process (simulator/validator-thread.ts); default
   * `FSE_SIMULATOR_VALIDATION_THREAD` (on unless '0'). Same validator, same outcomes; off = on the main thread.
   */
  thread?: boolean;
}

export function openCdaValidator(o: CdaValidatorOptions): CdaValidatorStage {
  const skipped: string[] = [];
  let validator: OpenValidator | null = null;
  let closed = false;
  // What is known without loading anything is recorded synchronously, so `skipped` is meaningful as soon as the
  // simulator has started; details found while opening the catalogs are appended when `ready` resolves.
  const given = o.catalogsDir ?? process.env.FSE_CATALOGS_DIR ?? '';
  const NO_CATALOGS = 'CDA validation (XSD, schematron, terminology): no catalogs directory (set FSE_CATALOGS_DIR or --catalogs)';
  if (!o.enabled) skipped.push('CDA validation (XSD, schematron, terminology) switched off (cdaValidation=false)');
  else if (!o.open && given.trim() === '') skipped.push(NO_CATALOGS);
  const ready = (async () => {
    if (!o.enabled || skipped.length > 0) return;
    try {
      if (o.open) {
        validator = await o.open();
        for (const s of validator.skipped) skipped.push(s);
        return;
      }
      const mod = await import('../support/catalogs/index.ts');
      const dir = mod.resolveCatalogsDir(o.catalogsDir ?? null);
      if (!dir) {
        skipped.push(NO_CATALOGS);
        return;
      }
      let v: OpenValidator | null = null;
      if (o.thread ?? validationThreadFromEnv()) {
        try {
          v = await openValidatorInThread({ catalogsDir: dir, log: o.log });
        } catch (err) {
          // the validation still runs, on the main thread: slower with several clients, the same outcomes
          const line = `validator: no validation thread (${(err as Error).message}); validating on the main thread`;
          if (o.log) o.log(line);
          else process.stderr.write(`simulator: ${line}\n`);
        }
      }
      v ??= await mod.openValidator({ catalogsDir: dir });
      if (closed) { v.close(); return; }
      validator = v;
      for (const s of v.skipped) skipped.push(s);
    } catch (err) {
      skipped.push(`CDA validation unavailable: ${(err as Error).message}`);
      o.log?.(`validator: ${(err as Error).stack ?? String(err)}`);
    }
  })();

  return {
    ready,
    skipped,
    async validate(cda, opts) {
      await ready;
      if (!validator) return { skipped: [...skipped] };
      let r: Awaited<ReturnType<OpenValidator['validate']>>;
      try {
        r = await validator.validate(cda, opts);
      } catch (e) {
        // The reference validator answers 500 when it cannot read the CDA header (no templateId / typeId); on
        // `release` the validator client's circuit-breaker fallback turns any error into ConnectionRefusedException
        // (VAL-05): 500 /msg/connection-refused "Connection refused", no workflowInstanceId.
        if ((e as Error).name === 'CdaHeaderError') throw connectionRefused('Connection refused');
        throw e;
      }
      const joined = r.messages.join(',');
      if (r.result === 'OK') return { skipped: r.skipped };
      if (r.result === 'SEMANTIC_WARNING') return { warning: joined === '' ? undefined : joined, skipped: r.skipped };
      const kind: ErrorKind = r.result;
      throw appError(kind, joined === '' ? CATALOGUE[kind].title : joined, INSTANCE.VALIDATION_ERROR);
    },
    close() {
      closed = true;
      validator?.close();
    },
  };
}
