/**
 * A fast, conservative schematron pre-check in XPath 1.0, evaluated by libxml2 (the parser the simulator already used
 * for the XSD) before SaxonJS.
 *
 * The official schematron files are XSLT 2 (XPath 2.0). Most of their tests are also XPath 1.0 expressions with the
 * same meaning (`count(hl7:templateId[@root='…']) = 1`), and a conforming document passes all of them. The pre-check
 * translates, per file, every rule into one XPath 1.0 expression that selects the rule's context nodes on which an
 * assert might fail or a report might fire, and asks libxml2 whether ANY such node exists:
 *   - no such node → the document passes every assert and fires no report: the outcome SaxonJS would give, without
 *     running SaxonJS;
 *   - otherwise (or on any libxml2 error) → "unsure": SaxonJS runs the schematron as before and its outcome (the exact
 *     texts, the order) is the answer. The pre-check never produces a failure message itself.
 *
 * It must never say "passes" where SaxonJS would not. Hence:
 *   - every rule is checked on EVERY node its context matches (a superset of the ISO "first rule of the pattern wins"
 *     semantics: more checks, never fewer);
 *   - a test is translated only when XPath 1.0 gives it the same value as XPath 2.0; anything else (XPath 2.0 syntax,
 *     functions outside a small list, a string compared with `<`, arithmetic on nodes, a boolean compared with a
 *     string, a `let` written as XSLT, …) makes its rule "unsure on any context node";
 *   - where XPath 2.0 would raise a dynamic error that XPath 1.0 does not (two nodes given to `string-length`, a node
 *     value that is not a number compared with a number), a guard makes the node "unsure" instead.
 * The equivalence is tested on the ministry's samples and on documents the harness builds, valid and broken
 * (test/catalogs/precheck.test.ts): wherever the pre-check says "passes", SaxonJS finds nothing.
 */

export type Ty = 'nodes' | 'string' | 'number' | 'boolean';

/** A translated (sub)expression. */
interface X {
  /** XPath 1.0 text */
  t: string;
  ty: Ty;
  /** statically at most one item */
  one: boolean;
  /** independent of the context node (absolute paths, literals, …) */
  free: boolean;
  /** conditions (XPath 1.0, boolean) that make the context node "unsure"; each with its own `free` */
  g: Guard[];
  /** an approximation (in the direction the context's polarity allows) is inside: never compare or pass it on */
  approx?: boolean;
  /** string() of a number: only its comparison with 'NaN' means the same in both versions */
  nanOnly?: boolean;
}
interface Guard {
  t: string;
  free: boolean;
}

export class Unsafe extends Error {}

// ------------------------------------------------------------------------------------------------------ tokenizer
type Tok =
  | { k: 'op'; v: string } // ( ) [ ] , / // | + - = != < <= > >= * @ :: . .. and or div mod
  | { k: 'name'; v: string } // QName or prefix:* or *
  | { k: 'fn'; v: string } // name followed by '('
  | { k: 'axis'; v: string } // name followed by '::'
  | { k: 'num'; v: string }
  | { k: 'lit'; v: string } // with its quotes
  | { k: 'var'; v: string };

const NAME_START = /[A-Za-z_\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]/;
const OPERATOR_NAMES = new Set(['and', 'or', 'div', 'mod']);

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const prevIsOperand = (): boolean => {
    const p = out[out.length - 1];
    if (!p) return false;
    if (p.k === 'op') return p.v === ')' || p.v === ']' || p.v === '.' || p.v === '..';
    return p.k !== 'fn' && p.k !== 'axis'; // a name, number, literal or variable ends an operand
  };
  const readName = (): string => {
    let j = i;
    while (j < src.length && NAME_CHAR.test(src[j]!)) j++;
    const s = src.slice(i, j);
    i = j;
    return s;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === "'") {
      const j = src.indexOf(c, i + 1);
      if (j < 0) throw new Unsafe('unterminated literal');
      out.push({ k: 'lit', v: src.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+(\.\d*)?|\.\d+)/.exec(src.slice(i))!;
      if (/^[eE]/.test(src.slice(i + m[0].length))) throw new Unsafe('exponent in a number (XPath 2.0)');
      out.push({ k: 'num', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '$') {
      i++;
      const n = readName();
      if (!n) throw new Unsafe('bad variable');
      if (src[i] === ':' && NAME_START.test(src[i + 1] ?? '')) throw new Unsafe('prefixed variable');
      out.push({ k: 'var', v: n });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '//' || two === '!=' || two === '<=' || two === '>=' || two === '::' || two === '..') {
      out.push({ k: 'op', v: two });
      i += 2;
      continue;
    }
    if (c === '*') {
      out.push(prevIsOperand() ? { k: 'op', v: '*m' } : { k: 'name', v: '*' });
      i++;
      continue;
    }
    if ('()[],/|+-=<>@.'.includes(c)) {
      out.push({ k: 'op', v: c });
      i++;
      continue;
    }
    if (NAME_START.test(c)) {
      if (prevIsOperand()) {
        const n = readName();
        if (!OPERATOR_NAMES.has(n)) throw new Unsafe(`'${n}' where an operator is expected (XPath 2.0 syntax?)`);
        out.push({ k: 'op', v: n });
        continue;
      }
      let n = readName();
      if (src[i] === ':' && src[i + 1] !== ':') {
        i++;
        if (src[i] === '*') { i++; n += ':*'; } else {
          const local = readName();
          if (!local) throw new Unsafe('bad QName');
          n += ':' + local;
        }
      }
      let j = i;
      while (j < src.length && /\s/.test(src[j]!)) j++;
      if (src[j] === '(' && !n.endsWith(':*')) { out.push({ k: 'fn', v: n }); i = j; continue; }
      if (src.startsWith('::', j)) { out.push({ k: 'axis', v: n }); i = j + 2; continue; }
      out.push({ k: 'name', v: n });
      continue;
    }
    throw new Unsafe(`unexpected character '${c}'`);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------------ parser
export interface LetBinding {
  /** the translated value, or why it cannot be used */
  x: X | null;
  why?: string;
}
export type Env = Map<string, LetBinding>;

const AXES = new Set(['child', 'descendant', 'parent', 'ancestor', 'following-sibling', 'preceding-sibling', 'following', 'preceding', 'attribute', 'self', 'descendant-or-self', 'ancestor-or-self']);
const NODE_TYPES = new Set(['node', 'text', 'comment', 'processing-instruction']);
const CMP = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** Functions whose XPath 1.0 and 2.0 definitions agree on the arguments we accept: result type, and what the arguments must be. */
type ArgKind = 'nodes' | 'any' | 'str' | 'num';
const FUNCTIONS: Record<string, { ty: Ty; args: ArgKind[]; min: number; ctx?: boolean }> = {
  count: { ty: 'number', args: ['nodes'], min: 1 },
  not: { ty: 'boolean', args: ['any'], min: 1 },
  boolean: { ty: 'boolean', args: ['any'], min: 1 },
  true: { ty: 'boolean', args: [], min: 0 },
  false: { ty: 'boolean', args: [], min: 0 },
  string: { ty: 'string', args: ['str'], min: 0, ctx: true },
  'string-length': { ty: 'number', args: ['str'], min: 0, ctx: true },
  'normalize-space': { ty: 'string', args: ['str'], min: 0, ctx: true },
  contains: { ty: 'boolean', args: ['str', 'str'], min: 2 },
  'starts-with': { ty: 'boolean', args: ['str', 'str'], min: 2 },
  'substring-before': { ty: 'string', args: ['str', 'str'], min: 2 },
  'substring-after': { ty: 'string', args: ['str', 'str'], min: 2 },
  substring: { ty: 'string', args: ['str', 'num', 'num'], min: 2 },
  translate: { ty: 'string', args: ['str', 'str', 'str'], min: 3 },
  name: { ty: 'string', args: ['nodes'], min: 0, ctx: true },
  'local-name': { ty: 'string', args: ['nodes'], min: 0, ctx: true },
  'namespace-uri': { ty: 'string', args: ['nodes'], min: 0, ctx: true },
  position: { ty: 'number', args: [], min: 0, ctx: true },
  last: { ty: 'number', args: [], min: 0, ctx: true },
  number: { ty: 'number', args: ['str'], min: 0, ctx: true },
  // variadic: every argument is checked as 'str'
  concat: { ty: 'string', args: [], min: 2 },
};

/** Where a subexpression sits: at the rule's context node (`top`) or not, and its polarity for approximations. */
export interface Ctx {
  top: boolean;
  /**
   * +1: the value only needs to be UNDER-approximated (our expression true ⇒ the real one true: an assert's test),
   * -1: only OVER-approximated (a report's test, or under one not()), 0: must be exact.
   */
  pol: 1 | -1 | 0;
}
const exact = (c: Ctx): Ctx => (c.pol === 0 ? c : { top: c.top, pol: 0 });

class Parser {
  private i = 0;
  private readonly toks: Tok[];
  private readonly env: Env;
  constructor(toks: Tok[], env: Env) {
    this.toks = toks;
    this.env = env;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private isOp(v: string): boolean {
    const t = this.toks[this.i];
    return !!t && t.k === 'op' && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new Unsafe(`expected '${v}'`);
    this.i++;
  }

  parseAll(c: Ctx): X {
    const x = this.expr(c);
    if (this.i < this.toks.length) {
      const t = this.toks[this.i]!;
      throw new Unsafe(t.k === 'op' && t.v === ',' ? 'a sequence (XPath 2.0)' : `unexpected '${t.v}'`);
    }
    return x;
  }

  private expr(c: Ctx): X {
    return this.or(c);
  }

  private bin(next: (c: Ctx) => X, ops: string[], c: Ctx, combine: (op: string, l: X, r: X) => X): X {
    let l = next(c);
    for (;;) {
      const t = this.peek();
      if (!t || t.k !== 'op' || !ops.includes(t.v)) return l;
      this.i++;
      const r = next(c);
      l = combine(t.v, l, r);
    }
  }

  private or(c: Ctx): X {
    return this.bin((k) => this.and(k), ['or'], c, (_op, l, r) => logical('or', l, r));
  }
  private and(c: Ctx): X {
    return this.bin((k) => this.cmp(k), ['and'], c, (_op, l, r) => logical('and', l, r));
  }

  private cmp(c: Ctx): X {
    const l = this.add(c);
    const t = this.peek();
    if (!t || t.k !== 'op' || !CMP.has(t.v)) return l;
    this.i++;
    const r = this.add(exact(c));
    const n = this.peek();
    if (n && n.k === 'op' && CMP.has(n.v)) throw new Unsafe('chained comparison');
    return comparison(t.v, l, r, c);
  }

  private add(c: Ctx): X {
    return this.bin((k) => this.mul(k), ['+', '-'], c, (op, l, r) => arith(op, l, r));
  }
  private mul(c: Ctx): X {
    return this.bin((k) => this.unary(k), ['*m', 'div', 'mod'], c, (op, l, r) => arith(op === '*m' ? '*' : op, l, r));
  }
  private unary(c: Ctx): X {
    if (this.isOp('-')) {
      this.i++;
      const x = this.unary(exact(c));
      if (x.ty !== 'number') throw new Unsafe('unary minus on a non-number');
      return { ...x, t: `-${x.t}` };
    }
    return this.union(c);
  }

  private union(c: Ctx): X {
    return this.bin((k) => this.path(k), ['|'], c, (_op, l, r) => {
      if (l.ty !== 'nodes' || r.ty !== 'nodes') throw new Unsafe('union of non-nodes');
      return { t: `${l.t} | ${r.t}`, ty: 'nodes', one: false, free: l.free && r.free, g: [...l.g, ...r.g] };
    });
  }

  private startsStep(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.k === 'name' || t.k === 'axis') return true;
    if (t.k === 'fn') return NODE_TYPES.has(t.v);
    return t.k === 'op' && (t.v === '@' || t.v === '.' || t.v === '..');
  }

  private path(c: Ctx): X {
    if (this.isOp('/') || this.isOp('//')) {
      const lead = (this.peek() as { v: string }).v;
      this.i++;
      if (lead === '/' && !this.startsStep()) return { t: '/', ty: 'nodes', one: true, free: true, g: [] };
      const rel = this.relative();
      return { t: lead + rel.t, ty: 'nodes', one: false, free: true, g: rel.g };
    }
    if (this.startsStep()) {
      const rel = this.relative();
      return { t: rel.t, ty: 'nodes', one: rel.one, free: false, g: rel.g };
    }
    let x = this.primary(c);
    while (this.isOp('[')) {
      if (x.ty !== 'nodes') throw new Unsafe('predicate on a non-node value');
      const p = this.predicate();
      x = { t: x.t + p.t, ty: 'nodes', one: x.one, free: x.free, g: [...x.g, ...p.g] };
    }
    if (this.isOp('/') || this.isOp('//')) {
      if (x.ty !== 'nodes') throw new Unsafe('path step after a non-node value');
      const sep = (this.peek() as { v: string }).v;
      this.i++;
      const rel = this.relative();
      x = { t: x.t + sep + rel.t, ty: 'nodes', one: false, free: x.free, g: [...x.g, ...rel.g] };
    }
    return x;
  }

  /** A relative location path; `one` when every step keeps at most one node (., .., self::, parent::, @name). */
  private relative(): { t: string; one: boolean; g: Guard[] } {
    let t = '';
    let one = true;
    const g: Guard[] = [];
    for (;;) {
      const s = this.step();
      t += s.t;
      one &&= s.one;
      g.push(...s.g);
      if (this.isOp('/') || this.isOp('//')) {
        const sep = (this.peek() as { v: string }).v;
        if (sep === '//') one = false;
        this.i++;
        t += sep;
        continue;
      }
      return { t, one, g };
    }
  }

  private step(): { t: string; one: boolean; g: Guard[] } {
    const t = this.peek();
    if (!t) throw new Unsafe('missing step');
    if (t.k === 'op' && (t.v === '.' || t.v === '..')) {
      this.i++;
      if (this.isOp('[')) throw new Unsafe('predicate after . or ..');
      return { t: t.v, one: true, g: [] };
    }
    let axis = 'child';
    let text = '';
    if (t.k === 'op' && t.v === '@') {
      this.i++;
      axis = 'attribute';
      text = '@';
    } else if (t.k === 'axis') {
      if (!AXES.has(t.v)) throw new Unsafe(`axis ${t.v}`);
      this.i++;
      axis = t.v;
      text = `${t.v}::`;
    }
    const nt = this.peek();
    let one = axis === 'self' || axis === 'parent';
    if (nt && nt.k === 'name') {
      this.i++;
      text += nt.v;
      if (axis === 'attribute' && !nt.v.includes('*')) one = true;
    } else if (nt && nt.k === 'fn' && NODE_TYPES.has(nt.v)) {
      this.i++;
      this.expect('(');
      if (nt.v === 'processing-instruction' && this.peek()?.k === 'lit') {
        text += `processing-instruction(${(this.peek() as { v: string }).v})`;
        this.i++;
      } else text += `${nt.v}()`;
      this.expect(')');
    } else throw new Unsafe(`bad node test${nt ? ` '${nt.v}'` : ''}`);
    const g: Guard[] = [];
    while (this.isOp('[')) {
      const p = this.predicate();
      text += p.t;
      g.push(...p.g);
    }
    return { t: text, one, g };
  }

  /** `[ expr ]`: exact, evaluated at the step's node, so only context-free guards can be kept (hoisted to the rule). */
  private predicate(): { t: string; g: Guard[] } {
    this.expect('[');
    const x = this.expr({ top: false, pol: 0 });
    this.expect(']');
    for (const gd of x.g) if (!gd.free) throw new Unsafe('a check that would need a guard inside a predicate');
    // a number in a predicate is a position in both versions; anything else is its boolean value in both
    return { t: `[${x.t}]`, g: x.g };
  }

  private primary(c: Ctx): X {
    const t = this.peek();
    if (!t) throw new Unsafe('unexpected end');
    if (t.k === 'lit') { this.i++; return { t: t.v, ty: 'string', one: true, free: true, g: [] }; }
    if (t.k === 'num') { this.i++; return { t: t.v, ty: 'number', one: true, free: true, g: [] }; }
    if (t.k === 'var') {
      this.i++;
      const b = this.env.get(t.v);
      if (!b) throw new Unsafe(`unknown variable $${t.v}`);
      if (!b.x) throw new Unsafe(`$${t.v}: ${b.why ?? 'not translatable'}`);
      if (!c.top && !b.x.free) throw new Unsafe(`$${t.v} used inside a predicate or a step`);
      return { ...b.x, t: `(${b.x.t})` };
    }
    if (t.k === 'op' && t.v === '(') {
      this.i++;
      if (this.isOp(')')) throw new Unsafe('empty sequence ()');
      const x = this.expr(c);
      this.expect(')');
      return { ...x, t: `(${x.t})` };
    }
    if (t.k === 'fn') return this.call(c);
    throw new Unsafe(`unexpected '${t.v}'`);
  }

  private call(c: Ctx): X {
    const name = (this.peek() as { v: string }).v;
    this.i++;
    this.expect('(');
    const logicalArg = name === 'not' || name === 'boolean';
    const argCtx: Ctx = logicalArg ? { top: c.top, pol: name === 'not' ? ((-c.pol) as Ctx['pol']) : c.pol } : exact(c);
    const args: X[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.expr(argCtx));
        if (this.isOp(',')) { this.i++; continue; }
        break;
      }
    }
    this.expect(')');
    if (name === 'matches') return matches(args, c);
    const f = FUNCTIONS[name];
    if (!f) throw new Unsafe(`function ${name}() (not in the XPath 1.0 subset)`);
    const variadic = name === 'concat';
    if (!variadic && (args.length < f.min || args.length > f.args.length)) throw new Unsafe(`${name}() with ${args.length} arguments`);
    if (variadic && args.length < f.min) throw new Unsafe('concat() with fewer than two arguments');
    const g: Guard[] = [];
    let approx = false;
    args.forEach((a, k) => {
      const kind: ArgKind = variadic ? 'str' : f.args[k]!;
      g.push(...a.g);
      approx ||= !!a.approx;
      if (a.nanOnly) throw new Unsafe(`${name}() of string(number(…)) (formatted differently by XPath 2.0)`);
      if (kind === 'nodes' && a.ty !== 'nodes') throw new Unsafe(`${name}() on a non-node value`);
      if (kind === 'nodes' && name !== 'count' && !a.one) g.push(singleton(a, c));
      if (kind === 'num' && a.ty !== 'number') throw new Unsafe(`${name}(): a number argument that is not a number`);
      if (kind === 'str') {
        if (a.ty === 'boolean' || (a.ty === 'number' && name !== 'string')) throw new Unsafe(`${name}() on a ${a.ty} (converted differently by XPath 2.0)`);
        if (a.ty === 'nodes' && !a.one) g.push(singleton(a, c));
      }
    });
    const free = (args.length > 0 || !f.ctx) && args.every((a) => a.free);
    if (name === 'number') g.push(numberLexical(args[0], c));
    const x: X = { t: `${name}(${args.map((a) => a.t).join(', ')})`, ty: f.ty, one: true, free, g };
    if (approx) x.approx = true;
    // string() of a number: XPath 2.0 writes 1.0E7 where 1.0 writes 10000000; only a comparison with 'NaN' is the same
    if (name === 'string' && args[0]?.ty === 'number') x.nanOnly = true;
    return x;
  }
}

/** XPath 2.0 raises XPTY0004 when a function that wants one item is given several nodes: that node is "unsure". */
function singleton(a: X, c: Ctx): Guard {
  if (!c.top && !a.free) throw new Unsafe('a single-node argument inside a predicate');
  return { t: `count(${a.t}) > 1`, free: a.free };
}

/** XPath 2.0 casts a node compared with a number to xs:double and fails (FORG0001) when it is not a number. */
function notNumeric(a: X, c: Ctx): Guard {
  if (!c.top && !a.free) throw new Unsafe('a node compared with a number inside a predicate');
  return { t: `count((${a.t})[not(number(.) = number(.))]) > 0`, free: a.free };
}

/**
 * number(): XPath 2.0 reads its argument as an xs:double, which also accepts a sign '+', an exponent and INF; XPath 1.0
 * (and libxml2) read those as NaN, or differently. Such a value makes the node "unsure"; every other string has the
 * same number (or NaN) in both.
 */
function numberLexical(a: X | undefined, c: Ctx): Guard {
  const free = a ? a.free : false;
  if (!c.top && !free) throw new Unsafe('number() inside a predicate');
  const s = !a ? 'string(.)' : a.ty === 'nodes' ? `string(${a.t})` : a.t;
  return { t: `(contains(${s}, '+') or contains(${s}, 'e') or contains(${s}, 'E') or contains(${s}, 'INF'))`, free };
}

function logical(op: string, l: X, r: X): X {
  const x: X = { t: `${l.t} ${op} ${r.t}`, ty: 'boolean', one: true, free: l.free && r.free, g: [...l.g, ...r.g] };
  if (l.approx || r.approx) x.approx = true;
  return x;
}

function arith(op: string, l: X, r: X): X {
  if (l.ty !== 'number' || r.ty !== 'number') throw new Unsafe(`'${op}' on a non-number (XPath 2.0 casts nodes and may fail)`);
  return { t: `${l.t} ${op} ${r.t}`, ty: 'number', one: true, free: l.free && r.free, g: [...l.g, ...r.g] };
}

const isNaNLiteral = (x: X): boolean => x.t === "'NaN'" || x.t === '"NaN"';

function comparison(op: string, l: X, r: X, c: Ctx): X {
  if (l.approx || r.approx) throw new Unsafe('a comparison of an approximated value');
  const g = [...l.g, ...r.g];
  const pair = `${l.ty}/${r.ty}`;
  const eq = op === '=' || op === '!=';
  const ok = (): X => ({ t: `${l.t} ${op} ${r.t}`, ty: 'boolean', one: true, free: l.free && r.free, g });
  if (l.nanOnly || r.nanOnly) {
    if (eq && ((l.nanOnly && isNaNLiteral(r)) || (r.nanOnly && isNaNLiteral(l)))) return ok();
    throw new Unsafe("string(number(…)) compared with something else than 'NaN'");
  }
  if (pair === 'number/number') return ok();
  if (pair === 'nodes/number') { g.push(notNumeric(l, c)); return ok(); }
  if (pair === 'number/nodes') { g.push(notNumeric(r, c)); return ok(); }
  if (eq && (pair === 'nodes/nodes' || pair === 'nodes/string' || pair === 'string/nodes' || pair === 'string/string' || pair === 'boolean/boolean')) return ok();
  const stringish = (x: X): boolean => x.ty === 'string' || x.ty === 'nodes';
  if (!eq && stringish(l) && stringish(r) && c.pol !== 0) return stringOrder(op, l, r, c, g);
  throw new Unsafe(`${l.ty} ${op} ${r.ty} (XPath 1.0 and 2.0 differ)`);
}

/**
 * XPath 2.0 orders two strings (or untyped nodes) by code point; XPath 1.0 would turn them into numbers. The order of
 * timestamps is approximated: when the first K characters of both are digits (K = 14, then 8), a greater number there
 * is a greater string; equal strings are equal. Used only where the polarity allows an approximation.
 */
function stringOrder(op: string, l: X, r: X, c: Ctx, g: Guard[]): X {
  for (const x of [l, r]) if (x.ty === 'nodes' && !x.one) g.push(singleton(x, c));
  const str = (x: X): string => (x.ty === 'nodes' ? `string(${x.t})` : x.t);
  const exists = (x: X): string => (x.ty === 'nodes' ? `boolean(${x.t}) and ` : '');
  const digits = (x: X, k: number): string => `string-length(${str(x)}) >= ${k} and translate(substring(${str(x)}, 1, ${k}), '0123456789', '') = ''`;
  /** under-approximation of a > b: a longer string that starts with b, or a greater number in the first K digits */
  const gt = (a: X, b: X): string =>
    [`(${exists(a)}${exists(b)}string-length(${str(a)}) > string-length(${str(b)}) and starts-with(${str(a)}, ${str(b)}))`]
      .concat([14, 8].map((k) => `(${exists(a)}${exists(b)}${digits(a, k)} and ${digits(b, k)} and number(substring(${str(a)}, 1, ${k})) > number(substring(${str(b)}, 1, ${k})))`))
      .join(' or ');
  /** under-approximation of a >= b */
  const ge = (a: X, b: X): string => `(${exists(a)}${exists(b)}${str(a)} = ${str(b)}) or ${gt(a, b)}`;
  const under = (o: string, a: X, b: X): string => (o === '>' ? gt(a, b) : o === '>=' ? ge(a, b) : o === '<' ? gt(b, a) : ge(b, a));
  const negate: Record<string, string> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>' };
  const t = c.pol > 0 ? `(${under(op, l, r)})` : `not(${under(negate[op]!, l, r)})`;
  return { t, ty: 'boolean', one: true, free: l.free && r.free, g, approx: true };
}

/**
 * An anchored regular expression made of literal characters and groups of literal alternatives
 * (`^2\.16\.840\.(10|20)\.4\.2$`) matches exactly a finite set of strings: returns them, or null for anything else.
 */
export function finiteRegex(re: string, cap = 500): string[] | null {
  if (!re.startsWith('^') || !re.endsWith('$') || re.endsWith('\\$')) return null;
  const body = re.slice(1, -1);
  let set = [''];
  let i = 0;
  const lit = (): string | null => {
    const ch = body[i];
    if (ch === undefined) return null;
    if (ch === '\\') {
      const e = body[i + 1];
      // an escaped punctuation character is itself (\d, \w, \s, \p… are classes: refused)
      if (e === undefined || /[A-Za-z0-9]/.test(e)) return null;
      i += 2;
      return e;
    }
    if (/[A-Za-z0-9 _:\/-]/.test(ch)) { i++; return ch; }
    return null;
  };
  while (i < body.length) {
    let alts: string[];
    if (body[i] === '(') {
      i++;
      alts = [''];
      for (;;) {
        if (body[i] === ')') { i++; break; }
        if (body[i] === '|') { alts.push(''); i++; continue; }
        const ch = lit();
        if (ch === null) return null;
        alts[alts.length - 1] += ch;
      }
    } else {
      const ch = lit();
      if (ch === null) return null;
      alts = [ch];
    }
    if (/^[?*+{]/.test(body[i] ?? '')) return null; // quantifiers: not a finite literal set here
    set = set.flatMap((p) => alts.map((a) => p + a));
    if (set.length > cap) return null;
  }
  return [...new Set(set)];
}

const xpathLiteral = (v: string): string => (v.includes("'") ? (v.includes('"') ? null! : `"${v}"`) : `'${v}'`);

/**
 * matches(s, re): exact when `re` is an anchored finite set of literals; `[class]{n}` (the CF check of the catalogs) is
 * approximated in the polarity's direction; anything else is unsafe.
 */
function matches(args: X[], c: Ctx): X {
  if (args.length !== 2) throw new Unsafe('matches() with flags');
  const [s, re] = args as [X, X];
  if (re.ty !== 'string' || !/^(['"]).*\1$/.test(re.t)) throw new Unsafe('matches() with a computed expression');
  if (s.ty !== 'string' && s.ty !== 'nodes') throw new Unsafe(`matches() on a ${s.ty}`);
  if (s.approx || s.nanOnly) throw new Unsafe('matches() of an approximated value');
  const g = [...s.g];
  if (s.ty === 'nodes' && !s.one) g.push(singleton(s, c));
  const str = s.ty === 'nodes' ? `string(${s.t})` : s.t;
  const finite = finiteRegex(re.t.slice(1, -1));
  if (finite && finite.every((v) => xpathLiteral(v) !== null)) {
    const t = finite.length ? `(${finite.map((v) => `${str} = ${xpathLiteral(v)}`).join(' or ')})` : 'false()';
    return { t, ty: 'boolean', one: true, free: s.free, g };
  }
  if (c.pol === 0) throw new Unsafe(`matches() with the expression ${re.t} where its exact value is needed`);
  const m = /^\^?\[((?:[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9])+)\]\{(\d+)\}\$?$/.exec(re.t.slice(1, -1));
  if (!m) throw new Unsafe(`matches() with the expression ${re.t}`);
  let chars = '';
  for (const part of m[1]!.match(/[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9]/g)!) {
    if (part.length === 3) for (let k = part.charCodeAt(0); k <= part.charCodeAt(2); k++) chars += String.fromCharCode(k);
    else chars += part;
  }
  const n = Number(m[2]);
  // under: exactly n characters, all of the class, matches (anchored or not); over: a match needs at least n characters
  const t = c.pol > 0 ? `(string-length(${str}) = ${n} and translate(${str}, '${chars}', '') = '')` : `(string-length(${str}) >= ${n})`;
  return { t, ty: 'boolean', one: true, free: s.free, g, approx: true };
}

/** Translate one XPath (2.0) expression into XPath 1.0 evaluated at the rule's context node. Throws Unsafe. */
export function translate(src: string, env: Env, c: Ctx = { top: true, pol: 0 }): X {
  return new Parser(tokenize(src), env).parseAll(c);
}

/** The top-level `|` branches of a rule context (an XSLT match pattern) as XPath 1.0 node-set expressions. */
export function contextBranches(pattern: string): string[] {
  const toks = tokenize(pattern);
  const branches: string[] = [];
  // validate the whole pattern with the parser (no variables in patterns)
  const x = new Parser(toks, new Map()).parseAll({ top: false, pol: 0 });
  if (x.ty !== 'nodes') throw new Unsafe('context is not a pattern');
  for (const gd of x.g) if (!gd.free) throw new Unsafe('context predicate needs a guard');
  let depth = 0;
  let start = 0;
  const texts: string[] = [];
  toks.forEach((t, k) => {
    if (t.k === 'op' && (t.v === '(' || t.v === '[')) depth++;
    if (t.k === 'op' && (t.v === ')' || t.v === ']')) depth--;
    if (t.k === 'op' && t.v === '|' && depth === 0) {
      texts.push(join(toks.slice(start, k)));
      start = k + 1;
    }
  });
  texts.push(join(toks.slice(start)));
  for (const b of texts) {
    if (b.startsWith('/')) branches.push(b);
    else branches.push(`//${b}`);
  }
  return branches;
}

function join(toks: Tok[]): string {
  let s = '';
  for (const t of toks) {
    if (t.k === 'op') s += t.v === '*m' ? ' * ' : ['and', 'or', 'div', 'mod', '=', '!=', '<', '<=', '>', '>=', '+', '-', '|'].includes(t.v) ? ` ${t.v} ` : t.v;
    else if (t.k === 'axis') s += `${t.v}::`;
    else if (t.k === 'var') s += `$${t.v}`;
    else s += t.v;
  }
  return s;
}

// ------------------------------------------------------------------------------------------------------ rules → one expression
export interface SchRuleModel {
  context: string;
  /** rule-level lets in order: value XPath, or null when written as XSLT instructions */
  lets: { name: string; value: string | null }[];
  asserts: string[];
  reports: string[];
}
export interface SchPatternModel {
  lets: { name: string; value: string | null }[];
  rules: SchRuleModel[];
}
export interface SchModel {
  ns: Record<string, string>;
  patterns: SchPatternModel[];
}

export interface Precheck {
  /** one XPath 1.0 boolean expression: true = "some node is unsure", false = "passes every assert, fires no report" */
  expr: string;
  namespaces: Record<string, string>;
  rules: number;
  /** rules whose every test was translated */
  exact: number;
  /** rules that make any of their context nodes "unsure", with the first reason */
  unsure: { context: string; why: string }[];
}

function bindLets(lets: SchRuleModel['lets'], env: Env, top: boolean): void {
  for (const l of lets) {
    if (l.value === null) { env.set(l.name, { x: null, why: 'a let written as XSLT instructions' }); continue; }
    try {
      const x = translate(l.value, env, { top, pol: 0 });
      // a pattern-level let is evaluated at the document node: usable only when it does not depend on the context
      if (!top && !x.free) env.set(l.name, { x: null, why: 'a pattern-level let that depends on the context node' });
      else env.set(l.name, { x });
    } catch (e) {
      env.set(l.name, { x: null, why: (e as Error).message });
    }
  }
}

/** Build the pre-check of one schematron. Returns null when no rule can be located (nothing to gain). */
export function buildPrecheck(model: SchModel): Precheck | null {
  const parts: string[] = [];
  const unsure: Precheck['unsure'] = [];
  let rules = 0;
  let exact = 0;
  for (const pat of model.patterns) {
    const patEnv: Env = new Map();
    bindLets(pat.lets, patEnv, false);
    for (const rule of pat.rules) {
      rules++;
      let branches: string[];
      try {
        branches = contextBranches(rule.context);
      } catch (e) {
        // a context we cannot locate: the pre-check cannot certify any document of this schematron
        return null;
      }
      const nodes = branches.length === 1 ? branches[0]! : `(${branches.join(' | ')})`;
      const env: Env = new Map(patEnv);
      bindLets(rule.lets, env, true);
      const conds: string[] = [];
      let why: string | null = null;
      try {
        for (const a of rule.asserts) {
          const x = translate(a, env, { top: true, pol: 1 });
          conds.push(`not(${x.t})`, ...x.g.map((g) => g.t));
        }
        for (const r of rule.reports) {
          const x = translate(r, env, { top: true, pol: -1 });
          conds.push(`boolean(${x.t})`, ...x.g.map((g) => g.t));
        }
      } catch (e) {
        why = (e as Error).message;
      }
      if (why !== null) {
        unsure.push({ context: rule.context, why });
        parts.push(`boolean(${nodes})`);
      } else {
        exact++;
        if (conds.length) parts.push(`boolean((${branches.join(' | ')})[${conds.join(' or ')}])`);
      }
    }
  }
  return { expr: parts.length ? parts.join(' or ') : 'false()', namespaces: model.ns, rules, exact, unsure };
}
