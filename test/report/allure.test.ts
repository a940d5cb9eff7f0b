import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { runDirPaths } from '../../support/evidence/runDir.ts';
import type { RunDir } from '../../support/evidence/runDir.ts';
import { allureCategories, environmentProperties, findMaskedLeaks, generateAllureReport, stripAnalytics, tidyAllureResults } from '../../support/report/allure.ts';
import type { ReportEnv } from '../../support/report/allure.ts';
import { withChromium } from '../../support/report/chromium.ts';
import { requireChromium } from './browser.ts';
import { FAKE_CART_ID, FAKE_JWT } from './fixtures/allure-constants.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fse-allure-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const env: ReportEnv = {
  target: 'simulator',
  installation: 'impianto-prova',
  application: 'FOO_SPA / BARMED / V.4.2.0',
  catalogs: 'it-fse-catalogs@abc1234',
  baseUrl: 'https://127.0.0.1:8443/gateway/v2/',
  warnings: 'certificates.signature.cert: the CN "S1#111FTGM0000000" does not follow Regione Toscana\'s long form',
  documents: ["LAB: PDF del fornitore LAB.pdf, inviato così com'è (paziente RMSLSO31M04Z404R)", "RAD, LDO: modelli interni dell'harness"],
};

const FEATURE = `# language: it
Funzionalità: Pubblicazione documenti FSE
  Scenario: Validazione e pubblicazione LAB con X-Cart-id
    Dato un documento LAB firmato
    Quando invio la richiesta al gateway
    Allora la risposta ha un X-Cart-id

  Scenario: Token rifiutato dalla frontiera
    Dato un documento RAD firmato
    Quando invio la richiesta al gateway
    Allora GovWay rifiuta il token

  Scenario: CDA semanticamente errato
    Dato un documento LDO firmato
    Quando invio la richiesta al gateway
    Allora il validatore segnala un errore semantico
`;

/** Decodes the data blocks the single-file report embeds: d("<name>","<base64>"). */
function embedded(html: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of html.matchAll(/d\("([^"]+)","([A-Za-z0-9+/=]+)"\)/g)) m.set(x[1]!, Buffer.from(x[2]!, 'base64').toString('utf8'));
  return m;
}

describe('Allure 3 report from a real Cucumber run', () => {
  let rd: RunDir;
  let indexHtml: string;
  let ms = 0;

  before(async () => {
    rd = runDirPaths(join(tmp, 'run'));
    mkdirSync(rd.allureResultsDir, { recursive: true });
    const featureDir = join(tmp, 'features');
    mkdirSync(featureDir);
    writeFileSync(join(featureDir, 'pubblicazione.feature'), FEATURE);
    const steps = fileURLToPath(new URL('./fixtures/allure-steps.ts', import.meta.url));
    const { runConfiguration } = await loadConfiguration({
      file: false,
      provided: {
        paths: [join(featureDir, 'pubblicazione.feature')],
        import: [steps],
        format: ['allure-cucumberjs/reporter'],
        formatOptions: { resultsDir: rd.allureResultsDir },
      },
    }, { cwd: tmp });
    const res = await runCucumber(runConfiguration, { cwd: tmp, stdout: process.stderr });
    assert.equal(res.success, false, 'two scenarios are meant to fail');
    const t0 = Date.now();
    indexHtml = (await generateAllureReport(rd, env, { name: 'Prova impianto' })).indexHtml;
    ms = Date.now() - t0;
    process.stderr.write(`allure generation: ${ms} ms, index.html ${readFileSync(indexHtml).length} bytes\n`);
  });

  it('the Cucumber run produced Allure results for the three scenarios', () => {
    assert.equal(readdirSync(rd.allureResultsDir).filter((f) => f.endsWith('-result.json')).length, 3);
  });

  it('writes one self-contained index.html, without the analytics tag and without the masked token', () => {
    assert.equal(indexHtml, join(rd.allureReportDir, 'index.html'));
    const html = readFileSync(indexHtml, 'utf8');
    assert.doesNotMatch(html, /googletagmanager/);
    assert.doesNotMatch(html, /<script[^>]+src="https?:/);
    const data = embedded(html);
    assert.ok(data.size > 5, 'embedded report data');
    for (const [name, text] of data) assert.ok(!text.includes(FAKE_JWT), `token in clear in ${name}`);
    assert.ok(!html.includes(FAKE_JWT));
  });

  it('shows the environment (target, installation, application triple, catalogs)', () => {
    const data = embedded(readFileSync(indexHtml, 'utf8'));
    const vars = JSON.parse(data.get('widgets/variables.json')!) as Record<string, string>;
    assert.equal(vars.Target, 'simulator');
    assert.equal(vars.Impianto, 'impianto-prova');
    assert.equal(vars['Applicazione (vendor / id / versione)'], 'FOO_SPA / BARMED / V.4.2.0');
    assert.equal(vars.Cataloghi, 'it-fse-catalogs@abc1234');
    assert.match(vars.Avvertenze ?? '', /S1#111FTGM0000000/, 'credential warnings are in the report environment');
    assert.equal(vars['Esecuzione interrotta'], undefined, 'optional entries only when set');
    assert.equal(vars['Documenti LAB'], "PDF del fornitore LAB.pdf, inviato così com'è (paziente RMSLSO31M04Z404R)", 'the document of each type');
    assert.equal(vars['Documenti RAD, LDO'], "modelli interni dell'harness");
    assert.match(readFileSync(join(rd.allureResultsDir, 'environment.properties'), 'utf8'), /^Impianto=impianto-prova$/m);
  });

  it('groups failures into the harness categories (border, validator)', () => {
    const cats = JSON.parse(embedded(readFileSync(indexHtml, 'utf8')).get('widgets/categories.json')!) as { roots: string[]; nodes: Record<string, { name: string; statistic?: { total: number } }> };
    const roots = cats.roots.map((r) => cats.nodes[r]!);
    const byName = new Map(roots.map((n) => [n.name, n.statistic?.total]));
    assert.equal(byName.get('Frontiera GovWay (401/403, tipi govway)'), 1, JSON.stringify([...byName]));
    assert.equal(byName.get('Validatore CDA (/msg/syntax, /msg/semantic, /msg/vocabulary)'), 1, JSON.stringify([...byName]));
  });

  it('opens from disk (file://) in headless Chromium, offline, showing the scenario and its X-Cart-id', async (t) => {
    const exe = requireChromium(t);
    if (!exe) return;
    await withChromium(async (ctx) => {
      const page = await ctx.newPage();
      const external: string[] = [];
      page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) external.push(r.url()); });
      await ctx.route(/^https?:/, (route) => route.abort());
      await page.goto(pathToFileURL(indexHtml).href);
      const scenario = page.getByText('Validazione e pubblicazione LAB con X-Cart-id').first();
      await scenario.waitFor({ timeout: 30_000 });
      const home = await page.locator('body').innerText();
      assert.match(home, /impianto-prova/, 'environment shown on the overview');
      assert.match(home, /FOO_SPA \/ BARMED \/ V\.4\.2\.0/);
      await page.screenshot({ path: join(tmpdir(), 'fse-allure-overview.png'), fullPage: true });
      await scenario.click();
      await page.getByText(FAKE_CART_ID).first().waitFor({ timeout: 30_000 });
      const body = await page.locator('body').innerText();
      assert.ok(body.includes(FAKE_CART_ID), 'X-Cart-id visible');
      assert.ok(body.includes('<masked>'), 'masked parameter shown as <masked>');
      assert.ok(!body.includes(FAKE_JWT), 'token not visible');
      await page.screenshot({ path: join(tmpdir(), 'fse-allure-test-result.png'), fullPage: true });
      assert.deepEqual(external, [], 'the report must not load anything from the network');
    }, exe);
  });
});

describe('allure helpers', () => {
  it('allureCategories covers the failure places, validator before dispatcher', () => {
    const ids = allureCategories().map((c) => (c as { id: string }).id);
    assert.deepEqual(ids, ['fse-informativo', 'fse-infrastructure', 'fse-harness', 'fse-proxy', 'fse-network', 'fse-border', 'fse-validator', 'fse-dispatcher', 'fse-cart']);
  });
  it('classifies the messages the harness steps produce (first matching category wins)', () => {
    type Rule = { id: string; matchers: { labels?: Record<string, RegExp>; message?: RegExp }[] };
    const rules = allureCategories() as Rule[];
    const classify = (message: string, labels: Record<string, string> = {}) => rules.find((r) => r.matchers.some((m) =>
      (m.message ? m.message.test(message) : true)
      && Object.entries(m.labels ?? {}).every(([k, re]) => labels[k] !== undefined && re.test(labels[k]!))
      && (m.message !== undefined || m.labels !== undefined)))?.id;
    assert.equal(classify('validate-and-create LAB → 401 [bordo (GovWay: token/certificati)] https://govway.org/handling-errors/401/TokenAuthenticationFailed.html: Invalid token'), 'fse-border');
    assert.equal(classify('replace LAB → 422 [validatore CDA (XSD/schematron/terminologia)] /msg/semantic: Errore semantico.'), 'fse-validator');
    assert.equal(classify('replace LAB → 400 [dispatcher del gateway] /msg/document-hash: Verifica hash fallita.'), 'fse-dispatcher');
    assert.equal(classify('delete LAB → no HTTP response [rete/TLS (nessuna risposta HTTP)] network:ECONNRESET: socket hang up'), 'fse-network');
    assert.equal(classify('delete LAB → 502 [CART] cart-error: bad gateway'), 'fse-cart');
    assert.equal(classify('delete LAB → 403 [rete/proxy (risposta non JSON senza X-Cart-id: proxy, filtro web o altro server)] non-json:text/html: 403 Forbidden - Web filter'), 'fse-proxy');
    assert.equal(classify('delete LAB → 502 [rete/proxy (risposta non JSON senza X-Cart-id: proxy, filtro web o altro server)] non-json:text/html: ERROR: (110) ETIMEDOUT connecting upstream'), 'fse-proxy', 'the page may name a network error: still the proxy');
    assert.equal(classify('delete LAB → 403 [CART] non-json:text/html: Accesso negato'), 'fse-cart', 'a non-JSON page with an X-Cart-id is CART\'s');
    assert.equal(classify('pre-flight: the CDA fails the XSD'), 'fse-harness');
    assert.equal(classify("[infrastruttura] risposta dell'infrastruttura, non del gateway: delete LAB → 503 [CART] cart-error: down"), 'fse-infrastructure', 'infrastructure first, before CART');
    assert.equal(classify("[infrastruttura] risposta dell'infrastruttura, non del gateway: delete LAB → no HTTP response [rete/TLS (nessuna risposta HTTP)] network:ETIMEDOUT"), 'fse-infrastructure', 'before network');
    assert.equal(classify('anything', { failureLayer: 'validator' }), 'fse-validator');
    assert.equal(classify('AssertionError: expected 201'), undefined);
    assert.equal(classify('anything', { informativo: 'true' }), 'fse-informativo', 'stage catalog scenarios: informative whatever the message');
    assert.equal(classify('replace LAB → 422 [validatore CDA (XSD/schematron/terminologia)] /msg/semantic', { informativo: 'false' }), 'fse-validator');
  });
  it('findMaskedLeaks finds a masked value in clear or inside base64 data', () => {
    const masked = new Map([['supersecret-token', 'Authorization']]);
    assert.deepEqual(findMaskedLeaks('<p>ok</p>', masked), []);
    assert.deepEqual(findMaskedLeaks('<p>supersecret-token</p>', masked), ['Authorization']);
    const b64 = Buffer.from('{"v":"supersecret-token"}').toString('base64');
    assert.deepEqual(findMaskedLeaks(`d("data/x.json","${b64}")`, masked), ['Authorization']);
  });
  it('stripAnalytics removes the Google tag block and only it', () => {
    const html = '<body><p>x</p>\n    <script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>\n    <script>\n gtag(\'js\', new Date());\n gtag(\'config\', \'G-X\', {});\n    </script>\n<script>keep()</script></body>';
    assert.equal(stripAnalytics(html), '<body><p>x</p>\n    \n<script>keep()</script></body>');
  });
  it('environment.properties escapes keys and non-ASCII', () => {
    assert.equal(environmentProperties({ ...env, catalogs: 'città' }).split('\n')[4 - 1], 'Cataloghi=citt\\u00e0');
  });
});

describe('noise removed from every scenario page before the report is built', () => {
  it('drops the Examples CSV attachments, the machine labels and fixture-less containers; keeps the rest', () => {
    const dir = join(tmp, 'tidy-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ex1-attachment.csv'), 'tipo,cf\nLAB,X\n');
    writeFileSync(join(dir, 'ex2-attachment.csv'), 'tipo,cf\nRAD,Y\n');
    writeFileSync(join(dir, 'keep-attachment.txt'), 'riepilogo');
    writeFileSync(join(dir, 't-result.json'), JSON.stringify({
      name: 's', status: 'passed',
      labels: ['language', 'framework', 'package', 'host', 'thread'].map((name) => ({ name, value: 'x' })).concat([{ name: 'feature', value: 'F' }, { name: 'tag', value: '@LAB' }]),
      attachments: [
        { name: 'Examples: LAB — X', type: 'text/csv', source: 'ex1-attachment.csv' },
        { name: 'Examples', type: 'text/csv', source: 'ex2-attachment.csv' },
        { name: 'Scenario saltato — motivo', type: 'text/plain', source: 'keep-attachment.txt' },
      ],
      steps: [],
    }));
    writeFileSync(join(dir, 'c1-container.json'), JSON.stringify({ uuid: 'c1', children: ['t'], befores: [], afters: [] }));
    writeFileSync(join(dir, 'c2-container.json'), JSON.stringify({ uuid: 'c2', children: ['t'], befores: [{ name: 'named fixture' }], afters: [] }));
    assert.deepEqual(tidyAllureResults(dir), { attachments: 2, labels: 5, containers: 1 });
    const r = JSON.parse(readFileSync(join(dir, 't-result.json'), 'utf8')) as { labels: { name: string }[]; attachments: { name: string }[] };
    assert.deepEqual(r.labels.map((l) => l.name), ['feature', 'tag']);
    assert.deepEqual(r.attachments.map((a) => a.name), ['Scenario saltato — motivo']);
    assert.deepEqual(readdirSync(dir).sort(), ['c2-container.json', 'keep-attachment.txt', 't-result.json']);
    assert.deepEqual(tidyAllureResults(dir), { attachments: 0, labels: 0, containers: 0 }, 'idempotent');
  });
});
