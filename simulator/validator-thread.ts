/**
 * The simulator's CDA validation (XSD, schematron, terminology: support/catalogs `openValidator`) on a thread of its own.
 *
 * The reference gateway validates in a service of its own (`it-fse-gtw-validator`), beside the dispatcher. Here the
 * validation of one document is CPU work of ≈ 1–2 ms (libxml2, the XPath pre-check; SaxonJS where it is needed), done
 * on a worker thread so that the simulator's main thread — TLS, HTTP, multipart, JWT, PAdES, the registry — keeps
 * serving other requests meanwhile: with several clients the simulator uses a second core. What is validated, and
 * every outcome and message, is the same as on the main thread: the thread runs the very same `openValidator`, and the
 * mapping to the gateway's answers stays in simulator/validator.ts (`openCdaValidator`, which takes this as its `open`).
 *
 * `FSE_SIMULATOR_VALIDATION_THREAD=0` keeps the validation on the main thread (one core, as before).
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import type { CdaValidator, OpenValidatorOptions } from '../support/catalogs/index.ts';
import type { CdaValidationResult } from '../support/types.ts';

interface ThreadData { catalogsDir: string }
type ToThread = { id: number; cda: Uint8Array | string; opts?: { schematron?: boolean; terminology?: boolean } };
type FromThread =
  | { type: 'ready'; skipped: string[]; info: CdaValidator['info'] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; result: CdaValidationResult }
  | { type: 'error'; id: number; name: string; message: string };

/** FSE_SIMULATOR_VALIDATION_THREAD: '0' / 'false' / 'off' / 'no' keep the validation on the main thread. */
export function validationThreadFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.FSE_SIMULATOR_VALIDATION_THREAD ?? '').trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'off' || v === 'no');
}

/** The thread's side: opens the validator and answers each `ToThread` message under its id (answers may overtake each other). */
export async function serveValidations(port: MessagePort | null, data: ThreadData): Promise<void> {
  if (!port) throw new Error('simulator/validator-thread.ts runs in a worker thread (openValidatorInThread)');
  const send = (m: FromThread) => port.postMessage(m);
  let v: CdaValidator;
  try {
    const { openValidator } = await import('../support/catalogs/index.ts');
    v = await openValidator({ catalogsDir: data.catalogsDir } satisfies OpenValidatorOptions);
  } catch (e) {
    send({ type: 'failed', message: (e as Error).message });
    return;
  }
  send({ type: 'ready', skipped: [...v.skipped], info: v.info });
  port.on('message', (m: ToThread) => {
    v.validate(m.cda, m.opts).then(
      (result) => send({ type: 'result', id: m.id, result }),
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        send({ type: 'error', id: m.id, name: err.name, message: err.message });
      },
    );
  });
  port.on('close', () => v.close());
}

/**
 * The main thread's side: a `CdaValidator` whose `validate` runs on the thread. An error the validator throws comes
 * back with its name and message (simulator/validator.ts tells a `CdaHeaderError` by its name); if the thread ends,
 * every pending and later validation fails with that reason.
 */
export async function openValidatorInThread(o: { catalogsDir: string; log?: (l: string) => void }): Promise<CdaValidator> {
  const worker = new Worker(new URL('./validator-thread-entry.mjs', import.meta.url), {
    workerData: { catalogsDir: o.catalogsDir } satisfies ThreadData,
    // the thread's heap is its own; the simulator process's --max-old-space-size (FSE_SIM_HEAP_MB) caps it too
    stdout: false,
    stderr: false,
  });
  const pending = new Map<number, { resolve: (r: CdaValidationResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let ended: Error | null = null;
  const idle = () => { if (pending.size === 0) worker.unref(); };
  const fail = (e: Error) => {
    if (ended) return;
    ended = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const ready = new Promise<Extract<FromThread, { type: 'ready' }>>((resolve, reject) => {
    worker.on('message', (m: FromThread) => {
      switch (m.type) {
        case 'ready': resolve(m); return;
        case 'failed': reject(new Error(m.message)); return;
        case 'result': { const p = pending.get(m.id); pending.delete(m.id); idle(); p?.resolve(m.result); return; }
        case 'error': {
          const p = pending.get(m.id);
          pending.delete(m.id);
          idle();
          const e = new Error(m.message);
          e.name = m.name;
          p?.reject(e);
        }
      }
    });
    worker.on('error', (e) => { o.log?.(`validator thread: ${e.stack ?? e.message}`); fail(new Error(`the validation thread failed: ${e.message}`)); reject(e); });
    worker.on('exit', (code) => {
      if (!ended) o.log?.(`validator thread: ended (exit ${code}); every later validation fails`);
      fail(new Error(`the validation thread ended (exit ${code})`));
      reject(new Error(`the validation thread ended before it was ready (exit ${code})`));
    });
  });
  let r: Extract<FromThread, { type: 'ready' }>;
  try {
    r = await ready;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  // the thread keeps the process alive only while a validation is pending
  worker.unref();
  return {
    info: r.info,
    skipped: r.skipped,
    validate(cda, opts) {
      if (ended) return Promise.reject(ended);
      const id = nextId++;
      return new Promise<CdaValidationResult>((resolve, reject) => {
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        if (typeof cda === 'string') {
          worker.postMessage({ id, cda, ...(opts ? { opts } : {}) } satisfies ToThread);
          return;
        }
        // the document's own bytes, moved (not copied) to the thread: a view into a larger buffer (the multipart
        // body, the PDF) would otherwise be cloned with all of that buffer
        const own = new Uint8Array(cda);
        worker.postMessage({ id, cda: own, ...(opts ? { opts } : {}) } satisfies ToThread, [own.buffer]);
      });
    },
    close() {
      fail(new Error('the validator is closed'));
      void worker.terminate();
    },
  };
}
