// The one expression tree of dualtape: what an op's rule computes, recorded by the symbolic trace and read by every printer.
import { getOp } from '../ops/opDef';

/**
 * An expression tree: what a partials rule computes, recorded by running the rule on
 * symbols, and printed as rule text for teaching or as JavaScript for kernels.
 *
 * - `num`: a constant; `var`: a named quantity (`v` with subscript `-1`, decorated with a
 *   tangent dot or an adjoint bar; the kernels' `$0`, `$y`);
 * - `op`: a primitive of the op table applied to arguments (`name` is the op's name);
 * - `partial`: the symbol ∂`of`/∂`wrt` (how the seed notes write a constant partial);
 * - `eq`: `left = right` (the output rows, `y-dot = v5-dot`).
 *
 * Invariant: a tree recorded by the symbolic trace shares a subtree wherever the rule
 * reused a value, so it is a DAG; printers that care (JavaScript) visit each node once.
 *
 * @example
 * ```ts
 * import { exprToText, type Expr } from 'dualtape';
 * const e: Expr = { kind: 'op', op: 'sin', args: [{ kind: 'var', name: 'v', sub: '0' }] };
 * exprToText(e); // 'sin v0'
 * ```
 */
export type Expr =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'var'; readonly name: string; readonly sub?: string; readonly deco?: 'dot' | 'bar' }
  | { readonly kind: 'op'; readonly op: string; readonly args: readonly Expr[] }
  | { readonly kind: 'partial'; readonly of: Expr; readonly wrt: Expr }
  | { readonly kind: 'eq'; readonly left: Expr; readonly right: Expr };

/** @internal */
export type VarExpr = Extract<Expr, { kind: 'var' }>;

/** @internal */
export const num = (value: number): Expr => ({ kind: 'num', value });

/** @internal `op(args)` exactly as the rule computed it. */
export const opNode = (op: string, args: readonly Expr[]): Expr => ({ kind: 'op', op, args });

/**
 * A named variable; a trailing number in `name` becomes its subscript (`x1` → x with subscript 1),
 * which is how the LaTeX output writes x_1.
 * @internal
 */
export function variable(name: string, deco?: 'dot' | 'bar'): Expr {
  const m = /^([A-Za-z_]\w*?)(-?\d+)$/.exec(name);
  const base = m ? { name: m[1] as string, sub: m[2] as string } : { name };
  return deco === undefined ? { kind: 'var', ...base } : { kind: 'var', ...base, deco };
}

/** @internal The same variable with a dot or a bar (v1 → v1-dot). */
export function decorate(v: Expr, deco: 'dot' | 'bar'): Expr {
  if (v.kind !== 'var') throw new TypeError('decorate: only variables can carry a dot or a bar');
  return { ...v, deco };
}

const isNum = (e: Expr, v?: number): e is { kind: 'num'; value: number } =>
  e.kind === 'num' && (v === undefined || e.value === v || (v === 0 && e.value === 0));

/**
 * Builds `op(args)` with the local simplifications that make derived rules read as written
 * by hand: x·1 → x, x·(1/y) → x/y, x + (-y) → x - y, 0 terms dropped, constants folded.
 * Only identities that hold for every finite value are used, so this is for reading, never
 * for code that must reproduce IEEE results at infinities (the kernels print trees as recorded).
 * @internal
 */
export function simplify(op: string, args: readonly Expr[]): Expr {
  const def = getOp(op);
  if (def && args.every((a) => a.kind === 'num')) {
    return num(def.value(...args.map((a) => (a as { value: number }).value)));
  }
  const [a, b] = args as [Expr, Expr];
  switch (op) {
    case 'add':
      if (isNum(a, 0)) return b;
      if (isNum(b, 0)) return a;
      if (b.kind === 'op' && b.op === 'neg') return simplify('sub', [a, b.args[0] as Expr]);
      if (isNum(b) && b.value < 0) return opNode('sub', [a, num(-b.value)]);
      if (a.kind === 'op' && a.op === 'neg') return simplify('sub', [b, a.args[0] as Expr]);
      break;
    case 'sub':
      if (isNum(b, 0)) return a;
      if (isNum(a, 0)) return simplify('neg', [b]);
      if (b.kind === 'op' && b.op === 'neg') return simplify('add', [a, b.args[0] as Expr]);
      if (isNum(b) && b.value < 0) return opNode('add', [a, num(-b.value)]);
      break;
    case 'mul':
      if (isNum(a, 0) || isNum(b, 0)) return num(0);
      if (isNum(a, 1)) return b;
      if (isNum(b, 1)) return a;
      if (isNum(a, -1)) return simplify('neg', [b]);
      if (isNum(b, -1)) return simplify('neg', [a]);
      // x · (1/y) → x / y, the way d ln x = dx / x is written
      if (b.kind === 'op' && b.op === 'div' && isNum(b.args[0] as Expr, 1)) return opNode('div', [a, b.args[1] as Expr]);
      if (a.kind === 'op' && a.op === 'div' && isNum(a.args[0] as Expr, 1)) return opNode('div', [b, a.args[1] as Expr]);
      if (b.kind === 'op' && b.op === 'neg') return simplify('neg', [simplify('mul', [a, b.args[0] as Expr])]);
      if (a.kind === 'op' && a.op === 'neg') return simplify('neg', [simplify('mul', [a.args[0] as Expr, b])]);
      break;
    case 'div':
      if (isNum(b, 1)) return a;
      if (b.kind === 'op' && b.op === 'neg') return simplify('neg', [simplify('div', [a, b.args[0] as Expr])]);
      if (a.kind === 'op' && a.op === 'neg') return simplify('neg', [simplify('div', [a.args[0] as Expr, b])]);
      break;
    case 'neg':
      if (a.kind === 'op' && a.op === 'neg') return a.args[0] as Expr;
      break;
    case 'pow':
      if (isNum(b, 1)) return a;
      if (isNum(b, 0)) return num(1);
      break;
  }
  return opNode(op, args);
}

/**
 * The whole tree simplified bottom-up with {@link simplify}: a recorded rule as a person
 * would write it (`v0-dot * cos v0`, not `v0-dot * (1 * cos(v0))`).
 * @internal
 */
export function simplified(e: Expr): Expr {
  const seen = new Map<Expr, Expr>();
  const walk = (x: Expr): Expr => {
    let out = seen.get(x);
    if (out !== undefined) return out;
    switch (x.kind) {
      case 'op':
        out = simplify(x.op, x.args.map(walk));
        break;
      case 'partial':
        out = { kind: 'partial', of: walk(x.of), wrt: walk(x.wrt) };
        break;
      case 'eq':
        out = { kind: 'eq', left: walk(x.left), right: walk(x.right) };
        break;
      default:
        out = x;
    }
    seen.set(x, out);
    return out;
  };
  return walk(e);
}
