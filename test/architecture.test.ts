/**
 * The import structure the project relies on, checked on the source files themselves:
 *  - imports run one way: `simulator/` uses `support/`; nothing under `support/` imports `simulator/`, `cli/` or
 *    `steps/`, and `simulator/` imports neither `cli/` nor `steps/`;
 *  - no import cycle among support/, simulator/, cli/, steps/ and bench/ (type-only and dynamic imports count too);
 *  - no `as unknown as` in a module that reaches into the simulator, nor in support/harness/.
 * Imports are read with a small scanner (static `import`/`export … from`, `import type`, dynamic `import('…')`),
 * relative specifiers only: packages cannot form cycles with the project.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = ['support', 'simulator', 'cli', 'steps', 'bench'];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const rel = (abs: string): string => relative(ROOT, abs).split(sep).join('/');

/** Relative import specifiers of one source file, comments stripped. */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?[^'"();]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[^'"();]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (let m = re.exec(code); m; m = re.exec(code)) out.push(m[1]!);
  return out.filter((s) => s.startsWith('.'));
}

function graph(files: string[]): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files) {
    const deps = importSpecifiers(readFileSync(f, 'utf8')).map((s) => rel(resolve(dirname(f), s)));
    g.set(rel(f), [...new Set(deps)]);
  }
  return g;
}

/** Strongly connected components with more than one node (or a self-import): the cycles. */
export function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) found.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const files = LAYERS.flatMap((l) => tsFiles(join(ROOT, l)));
const g = graph(files);

test('the scanner sees every kind of import (so the rules below can fail)', () => {
  const src = `import a from './a.ts';\nimport type { B } from "../b.ts";\nexport { c } from './c.ts';\nimport './d.ts';\nconst e = await import('./e.ts');\n// import x from './commented.ts';\nimport fs from 'node:fs';`;
  assert.deepEqual(importSpecifiers(src).sort(), ['../b.ts', './a.ts', './c.ts', './d.ts', './e.ts']);
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', []]])), []);
});

test('imports run one way: support/ never imports simulator/, cli/ or steps/; simulator/ never imports cli/ or steps/', () => {
  const bad: string[] = [];
  for (const [from, deps] of g) {
    for (const to of deps) {
      if (from.startsWith('support/') && /^(simulator|cli|steps)\//.test(to)) bad.push(`${from} → ${to}`);
      if (from.startsWith('simulator/') && /^(cli|steps)\//.test(to)) bad.push(`${from} → ${to}`);
    }
  }
  assert.deepEqual(bad, [], `imports against the layering:\n${bad.join('\n')}`);
});

test('no import cycle among support/, simulator/, cli/, steps/ and bench/', () => {
  assert.ok(g.size > 50, `only ${g.size} modules found: the walk is broken`);
  const c = cycles(g);
  assert.deepEqual(c, [], `import cycles:\n${c.map((x) => x.join(' ↔ ')).join('\n')}`);
});

test('no `as unknown as` in a module that reaches into the simulator, nor in support/harness/', () => {
  const all = [...files, ...tsFiles(join(ROOT, 'test'))];
  const bad = all.filter((f) => {
    const r = rel(f);
    const text = readFileSync(f, 'utf8');
    if (!text.includes('as unknown as')) return false;
    if (r.startsWith('support/harness/')) return true;
    return importSpecifiers(text).some((s) => rel(resolve(dirname(f), s)).startsWith('simulator/'));
  }).map(rel);
  assert.deepEqual(bad, [], `casts around the simulator:\n${bad.join('\n')}`);
});
