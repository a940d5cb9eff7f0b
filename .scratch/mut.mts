import { openValidator } from '../support/catalogs/index.ts';
import fs from 'node:fs';
const v = await openValidator({ catalogsDir: '/work/shared/data/it-fse-catalogs' });
const lab = fs.readFileSync('/work/shared/data/samples/cda/LAB.xml', 'utf8');
const cases: Record<string, string> = {
  noconf: lab.replace(/<confidentialityCode[^>]*\/>/, ''),
  lowercf: lab.replace('extension="GTWGWY82B42G920M"', 'extension="gtwgwy82b42g920m"'),
  genderX: lab.replace('<administrativeGenderCode code="M"', '<administrativeGenderCode code="X"'),
  block: lab.replace('<administrativeGenderCode code="M" codeSystem="2.16.840.1.113883.5.1"', '<administrativeGenderCode code="M" codeSystem="2.16.840.1.113883.5.1"><translation code="A" codeSystem="2.16.999.1"/></administrativeGenderCode><x'),
  doctype: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + lab.replace(/^<\?xml[^>]*>/, ''),
  broken: lab.slice(0, 5000),
  noschema: lab.replace('extension="POCD_MT000040UV02"', 'extension="POCD_XX"'),
  nosch: lab.replace('root="2.16.840.1.113883.2.9.10.1.1"', 'root="1.2.3"'),
  confX: lab.replace(/<confidentialityCode code="N"/, '<confidentialityCode code="X"'),
};
for (const [k, c] of Object.entries(cases)) {
  try { const r = await v.validate(c); console.log(k, r.result, JSON.stringify(r.messages).slice(0, 600)); } catch (e) { console.log(k, 'THROW', (e as Error).message); }
}
const t = performance.now(); for (let i = 0; i < 200; i++) await v.validate(lab, { schematron: false, terminology: false }); console.log('xsd-only per doc ms', (performance.now() - t) / 200);
const t2 = performance.now(); for (let i = 0; i < 100; i++) await v.validate(lab, { schematron: false }); console.log('xsd+term per doc ms', (performance.now() - t2) / 100);
const t3 = performance.now(); for (let i = 0; i < 50; i++) await v.validate(lab); console.log('LAB full per doc ms', (performance.now() - t3) / 50);
const vps = fs.readFileSync('/work/shared/data/samples/cda/VPS.xml', 'utf8'); await v.validate(vps);
const t4 = performance.now(); for (let i = 0; i < 50; i++) await v.validate(vps); console.log('VPS full per doc ms', (performance.now() - t4) / 50);
v.close();
