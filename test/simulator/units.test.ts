/** Pure functions of the simulator's stage modules (quirks that are awkward to reach over HTTP); the contract they apply is tested in test/gateway/. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viewCda, wiiFromIdDoc } from '../../simulator/jwtcda.ts';
import { parseMultipart } from '../../simulator/multipart.ts';
import { parseSwitch, DEFAULT_SWITCHES } from '../../simulator/switches.ts';
import { appError, type AppError } from '../../support/gateway/problems.ts';
import { errorAnswer } from '../../simulator/answers.ts';
import { FaultController } from '../../simulator/faults.ts';
import { Registry } from '../../simulator/registry.ts';


test('jwtcda: first <code> outside comments, direct patientRole ids only; wii of an id', () => {
  const xml = `<!-- <code code="X" codeSystem="Y"/> --><ClinicalDocument><id root="1.2" extension="E"/><CODE code="11502-2" codeSystem="2.16.840.1.113883.6.1"/>
    <recordTarget><patientRole><id root="2.16.840.1.113883.2.9.4.3.2" extension="CF1"/><patient><id extension="NESTED" root="r"/></patient></patientRole></recordTarget></ClinicalDocument>`;
  const v = viewCda(xml);
  assert.deepEqual(v.firstCode, { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' });
  assert.deepEqual(v.firstId, { root: '1.2', extension: 'E' });
  assert.deepEqual([...v.patientIds.keys()], ['CF1']);
  assert.match(wiiFromIdDoc('a^b'), /^[0-9a-f]{64}\.[0-9a-f]{10}\^\^\^\^urn:ihe:iti:xdw:2013:workflowInstanceId$/);
});

test('multipart: requestBody only without filename, file only with filename, truncation, limits', () => {
  const ct = 'multipart/form-data; boundary="b1"';
  const body = (s: string) => Buffer.from(s, 'latin1');
  const ok = parseMultipart(body('--b1\r\nContent-Disposition: form-data; name="requestBody"\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n--b1\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n\r\n%PDF-1\r\n\r\n--b1--\r\n'), ct, { maxFileBytes: 100 });
  assert.ok(ok.ok);
  if (ok.ok) { assert.equal(ok.requestBody, '{"a":1}'); assert.equal(ok.file!.toString('latin1'), '%PDF-1\r\n'); }
  const asFile = parseMultipart(body('--b1\r\nContent-Disposition: form-data; name="requestBody"; filename="r.json"\r\n\r\n{}\r\n--b1\r\nContent-Disposition: form-data; name="file"\r\n\r\n%PDF\r\n--b1--'), ct, { maxFileBytes: 100 });
  assert.ok(asFile.ok && asFile.requestBody === undefined && asFile.file === undefined, 'getParameter / MultipartFile semantics');
  assert.equal(parseMultipart(body('--b1\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\nabc'), ct, { maxFileBytes: 100 }).ok, false);
  assert.equal(parseMultipart(body('garbage'), 'multipart/form-data', { maxFileBytes: 100 }).ok, false);
  const big = parseMultipart(body(`--b1\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\n${'a'.repeat(101)}\r\n--b1--`), ct, { maxFileBytes: 100 });
  assert.ok(big.ok && big.fileTooLarge);
});

test('problems: family R omits status; V carries wii; P neither; switches and faults validate input', () => {
  const r = errorAnswer(appError('INVALID_ID_DOC', 'x', '/invalid-id'), 'R', { missingTokenStatus: 'impl' });
  assert.equal(r.status, 400);
  assert.ok(!('status' in r.json!));
  const v = errorAnswer(appError('SEMANTIC_ERROR', 'm', '/validation/error'), 'V', { missingTokenStatus: 'impl', wii: 'W' });
  assert.equal(v.status, 422);
  assert.equal(v.json!.workflowInstanceId, 'W');
  assert.equal(errorAnswer(appError('SEMANTIC_ERROR', 'm', '/validation/error'), 'P', { missingTokenStatus: 'impl' }).status, 400);
  assert.equal(errorAnswer(appError('GENERIC_TIMEOUT', 'm', ''), 'P', { missingTokenStatus: 'impl' }).status, 504);
  assert.equal(errorAnswer(appError('DOCUMENT_TYPE_ERROR', 'm', ''), 'P', { missingTokenStatus: 'impl' }).status, 400);
  assert.equal(errorAnswer(appError('MISSING_TOKEN', 'm', ''), 'R', { missingTokenStatus: 'guide' }).status, 403);
  assert.deepEqual(parseSwitch('deleteAsync=on'), { deleteAsync: true });
  assert.deepEqual(parseSwitch('clockSkewSeconds=5'), { clockSkewSeconds: 5 });
  assert.throws(() => parseSwitch('missingTokenStatus=maybe'));
  assert.throws(() => parseSwitch('nope=1'));
  assert.equal(DEFAULT_SWITCHES.border, true);
  assert.equal(DEFAULT_SWITCHES.tokensMustMatch, false, 'no reference says the border compares the two tokens');
  assert.deepEqual(parseSwitch('tokensMustMatch=true'), { tokensMustMatch: true });
  const f = new FaultController();
  assert.throws(() => f.inject({ kind: 'status', status: 418 } as never));
  f.inject({ kind: 'reset' }, { route: 'delete-me' });
  assert.equal(f.take('/x'), undefined);
  assert.deepEqual(f.take('/delete-me'), { kind: 'reset' });
  const reg = new Registry();
  reg.recordValidation('<a><legalAuthenticator>X</legalAuthenticator></a>', 'w1');
  assert.equal(reg.consumeValidation('<a><legalAuthenticator>Y</legalAuthenticator></a>')?.wii, 'w1', 'legalAuthenticator ignored');
  assert.equal(reg.consumeValidation('<a><legalAuthenticator>Y</legalAuthenticator></a>'), undefined, 'consumed');
});

test('validator stage: outcome mapping (OK, SEMANTIC_WARNING joined with ",", errors, header error → VAL-05 500 connection refused)', async () => {
  const { openCdaValidator } = await import('../../simulator/validator.ts');
  type R = { result: 'OK' | 'SYNTAX_ERROR' | 'VOCABULARY_ERROR' | 'SEMANTIC_ERROR' | 'SEMANTIC_WARNING'; messages: string[]; skipped: string[] };
  let next: R | Error = { result: 'OK', messages: [], skipped: [] };
  const stage = openCdaValidator({
    enabled: true,
    open: async () => ({
      info: null, skipped: ['s1'], close() {},
      async validate() { if (next instanceof Error) throw next; return next; },
    }) as never,
  });
  await stage.ready;
  assert.deepEqual(stage.skipped, ['s1']);
  assert.equal((await stage.validate(new Uint8Array())).warning, undefined);
  next = { result: 'SEMANTIC_WARNING', messages: ['[W001 | a]', '[W002 | b]'], skipped: [] };
  assert.equal((await stage.validate(new Uint8Array())).warning, '[W001 | a],[W002 | b]');
  next = { result: 'SEMANTIC_WARNING', messages: ['x'.repeat(250_000)], skipped: [] };
  assert.equal((await stage.validate(new Uint8Array())).warning!.length, 250_000, 'uncut: the dispatcher cuts the warning it answers (E1: after assembly)');
  for (const [result, kind] of [['SYNTAX_ERROR', 'SYNTAX_ERROR'], ['VOCABULARY_ERROR', 'VOCABULARY_ERROR'], ['SEMANTIC_ERROR', 'SEMANTIC_ERROR']] as const) {
    next = { result, messages: ['m1', 'm2'], skipped: [] };
    const e = await stage.validate(new Uint8Array()).then(() => assert.fail('expected an error'), (x: AppError) => x);
    assert.equal(e.kind, kind);
    assert.equal(e.detail, 'm1,m2');
    assert.equal(e.instance, '/validation/error');
  }
  next = { result: 'SEMANTIC_ERROR', messages: [], skipped: [] };
  const empty = await stage.validate(new Uint8Array()).then(() => assert.fail('expected an error'), (x: AppError) => x);
  assert.equal(empty.detail, 'Errore semantico.', 'no messages → the title');
  const he = new Error('no typeId'); he.name = 'CdaHeaderError'; next = he;
  const h = await stage.validate(new Uint8Array()).then(() => assert.fail('expected an error'), (x: AppError) => x);
  assert.equal(h.fixedStatus, 500);
  assert.equal(h.kind, 'CONNECTION_REFUSED', 'release: the circuit-breaker fallback turns any validator error into ConnectionRefusedException');
  assert.equal(h.detail, 'Connection refused');
  assert.equal(h.title, 'Connection refused');
  const off = openCdaValidator({ enabled: false });
  await off.ready;
  assert.match(off.skipped[0]!, /switched off/);
});

test('validator stage: "no catalogs" is in skipped synchronously (before ready)', async () => {
  const { openCdaValidator } = await import('../../simulator/validator.ts');
  const saved = process.env.FSE_CATALOGS_DIR;
  delete process.env.FSE_CATALOGS_DIR;
  try {
    const v = openCdaValidator({ enabled: true, catalogsDir: null });
    assert.match(v.skipped[0] ?? '', /no catalogs directory/);
    await v.ready;
    assert.equal(v.skipped.length, 1);
    assert.deepEqual((await v.validate(new Uint8Array())).warning, undefined, 'validation skipped → success');
  } finally {
    if (saved !== undefined) process.env.FSE_CATALOGS_DIR = saved;
  }
});

test('trace ids: 32+16 hex by default (OpenTelemetry), traceID == spanID with traceIdHex=16 (Sleuth)', async () => {
  const { newTraceIds } = await import('../../simulator/answers.ts');
  const a = newTraceIds(32);
  assert.match(a.traceID, /^[0-9a-f]{32}$/);
  assert.match(a.spanID, /^[0-9a-f]{16}$/);
  const b = newTraceIds(16);
  assert.equal(b.traceID, b.spanID);
  assert.notEqual(newTraceIds().traceID, newTraceIds().traceID, 'new per response');
});
