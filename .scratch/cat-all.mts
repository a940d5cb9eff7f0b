import { openValidator, precompileSchematrons } from '../support/catalogs/index.ts';
import fs from 'node:fs';
const dir = '/work/shared/data/it-fse-catalogs';
let t = performance.now();
const pre = await precompileSchematrons(dir);
console.log('precompile', Math.round(performance.now() - t), pre.filter(p => !p.ok), pre.map(p => `${p.file.split('/')[1]}:${p.ms}${p.fromCache ? 'c' : ''}`).join(' '));
const v = await openValidator({ catalogsDir: dir });
console.log(v.info?.fingerprint, v.info?.schemas, v.skipped);
for (const s of fs.readdirSync('/work/shared/data/samples/cda')) {
  const cda = fs.readFileSync('/work/shared/data/samples/cda/' + s);
  const t0 = performance.now();
  const r = await v.validate(cda);
  console.log(s, Math.round(performance.now() - t0), JSON.stringify(r).slice(0, 700));
}
v.close();
