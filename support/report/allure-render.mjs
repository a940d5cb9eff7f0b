// The Allure report process (support/report/allure.ts renderInChild): reads one JSON object on stdin (RenderArgs),
// renders the report, and answers with one JSON line on stdout: {ok, indexHtml, peakRssMb} or {ok: false, message}.
import { register } from 'tsx/esm/api';

register();
const { renderAllureReport } = await import('./allure.ts');
let input = '';
for await (const chunk of process.stdin) input += chunk;
try {
  const r = await renderAllureReport(JSON.parse(input));
  process.stdout.write(`${JSON.stringify({ ok: true, indexHtml: r.indexHtml, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ ok: false, message: e instanceof Error ? e.message : String(e) })}\n`);
  process.exitCode = 1;
}
