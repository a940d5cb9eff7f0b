import { precompileSchematrons } from '../support/catalogs/index.ts';
const t = performance.now();
const r = await precompileSchematrons('/work/shared/data/it-fse-catalogs', undefined, 1);
console.log(JSON.stringify(r, null, 0));
console.log('total ms', Math.round(performance.now() - t));
