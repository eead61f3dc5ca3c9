// Straight-line JavaScript for each op's value and partials, derived once from the op table's own rules.
//
// Why: calling `op.partials(args, y)` on numbers allocates two arrays per primitive, which
// dominates the numeric backward sweep and forward pass. Rather than keep a second,
// hand-written copy of the calculus for numbers (house style forbids it), this module runs
// each partials rule once on *symbolic* arguments: the rule is written with dualtape's
// generic primitives, so running it on symbols yields the expression it computes. That
// expression becomes a small allocation-free kernel (and the text that compile() inlines).
// Rules that branch on primal(...) (pow, min, max, relu, ...) cannot be traced without a
// number; they, and every rule where code generation is not allowed (a strict Content
// Security Policy), keep using `op.partials` itself.
import { type OpDef } from '../ops/opDef';
import { ADValue, nextLevel, type Trace, type Value } from '../ops/value';

/**
 * An op's derived code. Placeholders: `$0 .. $k-1` the arguments, `$y` the op's value,
 * `$t0, $t1, ...` temporaries. `temps` are statements (`const $t0 = ...;`) to run first;
 * `partials[i]` is then an expression for ∂y/∂args[i]. `value` is an expression for the
 * op's value in terms of `$0 ..`. `fn(a0, a1, y, out)` evaluates the partials into `out`
 * (arity ≤ 2 only; `undefined` where code generation is not allowed).
 */
export interface OpKernel {
  readonly value: string;
  readonly temps: readonly string[];
  readonly partials: readonly string[];
  readonly fn: ((a0: number, a1: number, y: number, out: Float64Array) => void) | undefined;
  /** Value functions the text refers to as `V<code>` (ops whose value could not be inlined). */
  readonly deps: ReadonlyMap<number, (...args: number[]) => number>;
}

class NotDerivable extends Error {}


const MATH_NAMES = new Set(Object.getOwnPropertyNames(Math).filter((k) => typeof (Math as unknown as Record<string, unknown>)[k] === 'function'));

/** A JS literal for a number (negative numbers parenthesised so they can be substituted anywhere). */
export function numberLiteral(n: number): string {
  if (Object.is(n, -0)) return '(-0)';
  return n < 0 ? `(${String(n)})` : String(n);
}

/**
 * The value of `op` as an expression over `$0 ..`: `Math.sin($0)` when op.value is that very
 * Math function; the arrow's own body when op.value is a one-expression arrow of its
 * parameters only (so the text is the op's definition, not a copy); else a call `V<code>(...)`.
 */
export function valueCode(op: OpDef, deps: Map<number, (...args: number[]) => number>): string {
  const args = Array.from({ length: op.arity }, (_, i) => `$${i}`);
  for (const name of MATH_NAMES) {
    if ((Math as unknown as Record<string, unknown>)[name] === op.value) return `Math.${name}(${args.join(', ')})`;
  }
  const inlined = inlineArrow(op.value, op.arity);
  if (inlined !== undefined) return inlined;
  deps.set(op.code, op.value);
  return `V${op.code}(${args.join(', ')})`;
}

function inlineArrow(fn: (...args: number[]) => number, arity: number): string | undefined {
  const src = Function.prototype.toString.call(fn);
  const m = /^\(?\s*([\w$]+(?:\s*,\s*[\w$]+)*)?\s*\)?\s*=>\s*([\s\S]+)$/.exec(src);
  if (!m) return undefined;
  const params = (m[1] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  const body = (m[2] as string).trim();
  if (params.length !== arity || body.startsWith('{') || /['"`{};]|=>|[^=!<>]=[^=]/.test(body)) return undefined;
  let ok = true;
  const out = body.replace(/\d[\w.]*|\.?[A-Za-z_$][\w$]*/g, (tok) => {
    if (/^\d/.test(tok) || tok.startsWith('.')) {
      if (tok.startsWith('.') && !MATH_NAMES.has(tok.slice(1))) ok = false;
      return tok;
    }
    const k = params.indexOf(tok);
    if (k >= 0) return `($${k})`;
    if (tok !== 'Math') ok = false;
    return tok;
  });
  return ok ? `(${out})` : undefined;
}

/** The symbolic trace the rules run on: each primitive becomes one temporary. */
class SymbolTrace implements Trace {
  readonly level = nextLevel();
  readonly active = true;
  readonly label = 'kernel derivation';
  readonly temps: string[] = [];
  readonly deps = new Map<number, (...args: number[]) => number>();

  process(op: OpDef, args: readonly Value[]): Value {
    const code = args.map((a) => {
      if (typeof a === 'number') return numberLiteral(a);
      if (a instanceof SymbolValue && a.trace === this) return a.expr;
      throw new NotDerivable();
    });
    const name = `$t${this.temps.length}`;
    const body = valueCode(op, this.deps).replace(/\$(\d+)/g, (_, k: string) => code[Number(k)] as string);
    this.temps.push(`const ${name} = ${body};`);
    return new SymbolValue(name, this);
  }
}

class SymbolValue extends ADValue {
  constructor(
    readonly expr: string,
    readonly trace: SymbolTrace,
  ) {
    super();
  }
  // A rule that asks for a number (primal) branches on it: no single expression exists.
  get value(): Value {
    throw new NotDerivable();
  }
}

const cache = new Map<OpDef, OpKernel | null>();
let codegenAllowed: boolean | undefined;

/** @internal For tests: forget derived kernels and whether code generation is allowed. */
export function resetKernels(): void {
  cache.clear();
  fnByCode.length = 0;
  codegenAllowed = undefined;
}

/** @internal Whether `new Function` works here (it throws under a strict Content Security Policy). */
export function canGenerateCode(): boolean {
  if (codegenAllowed === undefined) {
    try {
      codegenAllowed = new Function('return 1')() === 1;
    } catch {
      codegenAllowed = false;
    }
  }
  return codegenAllowed;
}

/**
 * The derived kernel of `op`, or undefined where its rule cannot be traced symbolically
 * (it branches on primal values, or captures AD values). Derived once per op and cached.
 */
export function kernelOf(op: OpDef): OpKernel | undefined {
  const hit = cache.get(op);
  if (hit !== undefined) return hit ?? undefined;
  let kernel: OpKernel | null = null;
  try {
    // Only the built-in table is known to be pure. A user's rule may read state of its own
    // (a parameter it closes over), so it is called as written on every use, never frozen.
    if (!op.builtin) throw new NotDerivable();
    kernel = derive(op);
  } catch {
    // Not traceable (NotDerivable), or the rule fails on symbols for its own reasons: the
    // op keeps using its rule on numbers, which reports any real error where it happens.
  }
  cache.set(op, kernel);
  return kernel ?? undefined;
}

const fnByCode: (OpKernel['fn'] | null)[] = [];

/** The allocation-free numeric partials of `op` (arity ≤ 2), or undefined: then call `op.partials`. */
export function partialsKernel(op: OpDef): OpKernel['fn'] {
  const hit = fnByCode[op.code];
  if (hit !== undefined) return hit ?? undefined;
  const fn = kernelOf(op)?.fn;
  fnByCode[op.code] = fn ?? null;
  return fn;
}

function derive(op: OpDef): OpKernel {
  const trace = new SymbolTrace();
  const args = Array.from({ length: op.arity }, (_, i) => new SymbolValue(`$${i}`, trace));
  const parts = op.partials(args, new SymbolValue('$y', trace));
  if (!Array.isArray(parts) || parts.length !== op.arity) throw new NotDerivable();
  const partials = parts.map((d: Value) => {
    if (typeof d === 'number') return numberLiteral(d);
    if (d instanceof SymbolValue && d.trace === trace) return d.expr;
    throw new NotDerivable();
  });
  const value = valueCode(op, trace.deps);
  let fn: OpKernel['fn'];
  if (op.arity <= 2 && canGenerateCode()) {
    const sub = (s: string) => s.replace(/\$(\d+|y|t\d+)/g, (_, k: string) => (/^\d/.test(k) ? `a${k}` : k === 'y' ? 'y' : `_${k}`));
    const depNames = [...trace.deps.keys()].map((c) => `V${c}`);
    const body = [...trace.temps.map(sub), ...partials.map((p, i) => `out[${i}] = ${sub(p)};`)].join('\n');
    fn = new Function(...depNames, `return function kernel_${op.name}(a0, a1, y, out) {\n${body}\n};`)(
      ...trace.deps.values(),
    ) as OpKernel['fn'];
  }
  return { value, temps: trace.temps, partials, fn, deps: trace.deps };
}
