import { createRequire } from 'node:module';
import fs from 'node:fs';
const require = createRequire(import.meta.url);
const S = require('saxon-js');
const cda = fs.readFileSync('/work/shared/data/samples/cda/VPS.xml', 'utf8');
for (let i = 0; i < 5; i++) S.getPlatform().parseXmlFromString(cda);
const t = performance.now(); for (let i = 0; i < 30; i++) S.getPlatform().parseXmlFromString(cda);
console.log('saxon parse VPS ms', (performance.now() - t) / 30);
