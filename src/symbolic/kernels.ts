// Each built-in op's partials as straight-line code: its own rule's expression tree, printed as JavaScript once.
//
// Why: calling `op.partials(args, y)` on numbers allocates two arrays per primitive, which
// dominates the numeric backward sweep and forward pass. Rather than keep a second,
// hand-written copy of the calculus for numbers (house style forbids it), each partials rule
// is run once on symbols (trace.ts); the tree it records becomes a small allocation-free
// kernel and the text compile() inlines. Rules that branch on primal(...) (pow, min, max,
// relu, ...) have no single tree: they keep using `op.partials` itself.
import { type OpDef } from '../ops/opDef';
import { type Expr, type VarExpr } from './tree';
import { opOf, toJavaScript, valueCode, type JsNames } from './javascript';
import { partialsTree } from './trace';
import { registerOpTextSource } from '../ops/fastPath';

/**
 * An op's derived code. Placeholders: `$0 .. $k-1` the arguments, `$y` the op's value,
 * `$t0, $t1, ...` temporaries. `temps` are statements (`const $t0 = ...;`) to run first;
 * `partials[i]` is then an expression for ∂y/∂args[i]. `value` is an expression for the
 * op's value in terms of `$0 ..`. `fn(a0, a1, y, out)` evaluates the partials into `out`
 * (arity ≤ 2 only): generated code where `new Function` is allowed, else the same tree run
 * by a small allocation-free interpreter (a strict Content Security Policy forbids eval).
 */
export interface OpKernel {
  readonly value: string;
  readonly temps: readonly string[];
  readonly partials: readonly string[];
  readonly fn: ((a0: number, a1: number, y: number, out: Float64Array) => void) | undefined;
  /** Value functions the text refers to as `V<code>` (ops whose value could not be inlined). */
  readonly deps: ReadonlyMap<number, (...args: number[]) => number>;
}

export { numberLiteral, valueCode } from './javascript';

const cache = new Map<OpDef, OpKernel | null>();
const fnByCode: (OpKernel['fn'] | null)[] = [];
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
 * @internal
 */
export function kernelOf(op: OpDef): OpKernel | undefined {
  // Only the built-in table is known to be pure. A user's rule may read state of its own
  // (a parameter it closes over), so it is called as written on every use, never frozen
  // (and never cached here: user ops may come and go by the thousand).
  if (!op.builtin) return undefined;
  const hit = cache.get(op);
  if (hit !== undefined) return hit ?? undefined;
  let kernel: OpKernel | null = null;
  try {
    kernel = derive(op);
  } catch {
    // No single tree (NotSymbolic), or the rule fails on symbols for its own reasons: the
    // op keeps using its rule on numbers, which reports any real error where it happens.
  }
  cache.set(op, kernel);
  return kernel ?? undefined;
}

/**
 * The allocation-free numeric partials of `op` (arity ≤ 2), or undefined: then call `op.partials`.
 * @internal
 */
export function partialsKernel(op: OpDef): OpKernel['fn'] {
  const hit = fnByCode[op.code];
  if (hit !== undefined) return hit ?? undefined;
  const fn = kernelOf(op)?.fn;
  fnByCode[op.code] = fn ?? null;
  return fn;
}

const symbol = (name: string): VarExpr => ({ kind: 'var', name });
// The placeholders compile() and the switch engine substitute, and the kernel function's own parameter names.
const placeholders: JsNames = { variable: (v) => v.name, temp: (k) => `$t${k}` };
const parameters: JsNames = { variable: (v) => (v.name === '$y' ? 'y' : `a${v.name.slice(1)}`), temp: (k) => `_t${k}` };

function derive(op: OpDef): OpKernel {
  const args = Array.from({ length: op.arity }, (_, i) => ({ expr: symbol(`$${i}`) }));
  const trees = partialsTree(op, args, { expr: symbol('$y') }, false);
  const deps = new Map<number, (...args: number[]) => number>();
  const text = toJavaScript(trees, placeholders, deps);
  const value = valueCode(op, deps);
  let fn: OpKernel['fn'];
  if (op.arity <= 2) {
    if (canGenerateCode()) {
      const code = toJavaScript(trees, parameters, deps);
      const body = [...code.temps, ...code.roots.map((p, i) => `out[${i}] = ${p};`)].join('\n');
      fn = new Function(...[...deps.keys()].map((c) => `V${c}`), `return function kernel_${op.name}(a0, a1, y, out) {\n${body}\n};`)(
        ...deps.values(),
      ) as OpKernel['fn'];
    } else {
      fn = interpreted(trees);
    }
  }
  return { value, temps: text.temps, partials: text.roots, fn, deps };
}

/**
 * The trees run without `new Function`: each op node one step `slot[out] = value(slot[a], slot[b])`
 * over a preallocated Float64Array, so it allocates nothing per call and computes exactly
 * what the generated code (and the rule on numbers) computes.
 */
function interpreted(trees: readonly Expr[]): NonNullable<OpKernel['fn']> {
  const init: number[] = [0, 0, 0]; // a0, a1, y; then constants and temporaries
  const steps: { value: (...args: number[]) => number; args: number[]; out: number }[] = [];
  const slotOf = new Map<Expr, number>();
  const slot = (e: Expr): number => {
    let s = slotOf.get(e);
    if (s !== undefined) return s;
    if (e.kind === 'var') s = e.name === '$y' ? 2 : Number(e.name.slice(1));
    else if (e.kind === 'num') s = init.push(e.value) - 1;
    else if (e.kind === 'op') {
      const args = e.args.map(slot);
      s = init.push(0) - 1;
      steps.push({ value: opOf(e.op).value, args, out: s });
    } else throw new TypeError(`kernel: a '${e.kind}' node is not a computation`);
    slotOf.set(e, s);
    return s;
  };
  const roots = trees.map(slot);
  const s = Float64Array.from(init);
  return (a0, a1, y, out) => {
    s[0] = a0;
    s[1] = a1;
    s[2] = y;
    for (const { value, args, out: o } of steps) {
      s[o] = args.length === 1 ? value(s[args[0] as number] as number)
        : args.length === 2 ? value(s[args[0] as number] as number, s[args[1] as number] as number)
        : value(...args.map((a) => s[a] as number));
    }
    for (let k = 0; k < roots.length; k++) out[k] = s[roots[k] as number] as number;
  };
}

// The primitives' generated fast paths (ops/fastPath.ts) inline this module's derived text.
registerOpTextSource({ kernelOf, valueCode, canGenerateCode });
