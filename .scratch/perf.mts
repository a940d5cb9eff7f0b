import { compileSchematron, runSchematron } from '../support/catalogs/schematron.ts';
import fs from 'node:fs';
const base = '/work/shared/data/it-fse-catalogs/schematron/';
for (const [f, s] of [['schematronFSE_LAB_v27.1.sch', 'LAB'], ['schematron_VPS_v3.8.sch', 'VPS']]) {
  const c = await compileSchematron(base + f, '.cache/schematron');
  const cda = fs.readFileSync(`/work/shared/data/samples/cda/${s}.xml`, 'utf8');
  for (let i = 0; i < 5; i++) runSchematron(c, cda);
  const t = performance.now(); for (let i = 0; i < 30; i++) runSchematron(c, cda);
  console.log(s, 'sch per doc', (performance.now() - t) / 30, c.fromCache);
}
