/** An HTML or plain-text error page gets an errorType and a readable errorDetail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNonJson, NON_JSON_DETAIL_MAX } from '../../support/request/non-json.ts';

const b = (s: string, enc: BufferEncoding = 'utf8') => Buffer.from(s, enc);

test('HTML with a <title>: the title (entities decoded, whitespace squashed)', () => {
  const page = '<!DOCTYPE html>\n<html><head><title>\n  403 Forbidden &ndash; Accesso negato &amp; bloccato\n</title></head><body><h1>Forbidden</h1><p>You don\'t have permission</p></body></html>';
  const d = describeNonJson(b(page), 'text/html; charset=UTF-8');
  assert.equal(d?.type, 'non-json:text/html');
  assert.equal(d?.detail, '403 Forbidden – Accesso negato & bloccato');
});

test('HTML without a title: the first 200 characters of its visible text (no scripts, styles, tags)', () => {
  const words = Array.from({ length: 80 }, (_, i) => `parola${i}`).join(' ');
  const page = `<html><head><style>body{color:red}</style><script>var x = "<p>no</p>";</script></head><body><h1>Errore del proxy</h1><!-- hidden --><p>${words}</p></body></html>`;
  const d = describeNonJson(b(page), 'text/html')!;
  assert.ok(d.detail.startsWith('Errore del proxy parola0 parola1'), d.detail);
  assert.ok(!/color|var x|hidden|<|>/.test(d.detail), d.detail);
  assert.equal(d.detail.length, NON_JSON_DETAIL_MAX);
  assert.ok(d.detail.endsWith('…'));
});

test('plain text: its first 200 characters; no Content-Type but HTML-looking body is still HTML', () => {
  const long = `Service Unavailable\n\n${'x'.repeat(500)}`;
  const p = describeNonJson(b(long), 'text/plain')!;
  assert.equal(p.type, 'non-json:text/plain');
  assert.ok(p.detail.startsWith('Service Unavailable xxx'));
  assert.equal(p.detail.length, 200);
  assert.deepEqual(describeNonJson(b('<html><title>Bad Gateway</title></html>'), undefined), { type: 'non-json:unknown', detail: 'Bad Gateway' });
  assert.equal(describeNonJson(b('<html><title>Pagina non trovata: è così</title></html>', 'latin1'), 'text/html; charset=ISO-8859-1')!.detail, 'Pagina non trovata: è così');
});

test('JSON bodies are left to the caller; empty and binary bodies are described', () => {
  assert.equal(describeNonJson(b('{"type":"/msg/x","detail":"d"}'), 'application/problem+json'), undefined);
  assert.equal(describeNonJson(b('{"type":"/msg/x"}'), 'text/plain'), undefined, 'JSON with a wrong label is still JSON');
  assert.deepEqual(describeNonJson(b(''), 'text/html'), { type: 'non-json:text/html', detail: '' });
  assert.deepEqual(describeNonJson(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x03, 0x04]), 'application/octet-stream'), { type: 'non-json:application/octet-stream', detail: '(7 bytes, application/octet-stream)' });
});
