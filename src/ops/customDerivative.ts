// Custom derivatives for whole user functions: the function becomes one primitive of the op table.
import { apply, defineOp, getOp, type OpDef } from './opDef';
import { describe, type Value } from './value';

/**
 * The partials of a user function f: R^n -> R at x, one per input, written with dualtape
 * primitives (so they differentiate again under nesting). `y` is f(x).
 *
 * @example
 * ```ts
 * import { exp, sub, type CustomPartials } from 'dualtape';
 * const softmax: CustomPartials = (x, y) => x.map((xi) => exp(sub(xi, y)));
 * ```
 */
export type CustomPartials = (x: readonly Value[], y: Value) => readonly Value[];

let anonymous = 0;

/**
 * Gives a scalar user function f its own derivative, as JAX's custom_jvp does: the result
 * behaves as one primitive (one entry in a Wengert list, one row of a trace), whose value
 * is f on plain numbers and whose partials are yours. Use it for numerical stability
 * (logSumExp), for speed (a closed-form gradient), or to replace a derivative that the
 * chain rule gets wrong. Works in forward mode, reverse mode, Taylor mode and nested.
 *
 * @example
 * ```ts
 * import { customDerivative, exp, div, sub, grad } from 'dualtape';
 * // log Σ exp(x_i), computed stably; its partials are the softmax
 * const logSumExp = customDerivative(
 *   (x: number[]) => {
 *     const m = Math.max(...x);
 *     return m + Math.log(x.reduce((s, xi) => s + Math.exp(xi - m), 0));
 *   },
 *   (x, y) => x.map((xi) => exp(sub(xi, y))),
 *   { name: 'logSumExp' },
 * );
 * grad((x) => logSumExp(x))([1000, 1000]); // [0.5, 0.5]  (no overflow)
 * ```
 */
export function customDerivative(
  f: (x: number[]) => number,
  partials: CustomPartials,
  options: { name?: string } = {},
): (x: ArrayLike<Value>) => Value {
  if (typeof f !== 'function') throw new TypeError(`customDerivative: f must be a function, got ${describe(f)}`);
  if (typeof partials !== 'function') {
    throw new TypeError(`customDerivative: partials must be a function (x, y) => [∂y/∂x_0, ...], got ${describe(partials)}`);
  }
  const name = options.name ?? `custom${++anonymous}`;
  if (typeof name !== 'string' || getOp(name) !== undefined) {
    throw new TypeError(`customDerivative: options.name must be a new op name, got ${describe(name)} (already defined or not a string)`);
  }
  // An op has a fixed arity; f takes arrays of any length, so each length gets its own op.
  const byArity = new Map<number, OpDef>();
  const opFor = (n: number): OpDef => {
    let op = byArity.get(n);
    if (op === undefined) {
      const opName = byArity.size === 0 ? name : `${name}_${n}`;
      op = defineOp({
        name: opName,
        arity: n,
        value: (...x: number[]) => {
          const y = f(x);
          if (typeof y !== 'number') throw new TypeError(`${name}: f must return a number, got ${describe(y)}`);
          return y;
        },
        partials: (x, y) => partials(x, y),
      }).op;
      byArity.set(n, op);
    }
    return op;
  };
  const custom = (x: ArrayLike<Value>): Value => {
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) {
      throw new TypeError(`${name}: x must be an array of numbers, got ${describe(x)}`);
    }
    const args = Array.from(x as ArrayLike<Value>);
    if (args.length === 0) throw new RangeError(`${name}: x must have at least one element`);
    if (args.every((a) => typeof a === 'number')) return f(args as number[]);
    return apply(opFor(args.length), args);
  };
  Object.defineProperty(custom, 'name', { value: name });
  return custom;
}


/**
 * JAX's `custom_jvp` for a scalar user function: `jvp(primals, tangents)` returns
 * `[y, ẏ]`, with ẏ linear in the tangents and written with dualtape primitives. Both modes
 * use it: the partials it implies (ẏ at each unit tangent) are what reverse mode sweeps
 * with, so one rule serves jvp, grad, nesting and Taylor mode alike.
 *
 * @example
 * ```ts
 * import { customJvp, grad, add, mul, sqrt, div } from 'dualtape';
 * // |x| as sqrt(x²) has no derivative at 0; give it the minimum-norm one instead
 * const norm2 = customJvp(
 *   (x) => Math.hypot(...x),
 *   (x, t) => {
 *     const y = sqrt(x.reduce((s, xi) => add(s, mul(xi, xi)), 0));
 *     const yDot = x.reduce((s, xi, i) => add(s, mul(div(xi, y), t[i])), 0);
 *     return [y, yDot];
 *   },
 * );
 * grad((x) => norm2(x))([3, 4]); // [0.6, 0.8]
 * ```
 */
export function customJvp(
  f: (x: number[]) => number,
  jvp: (primals: readonly Value[], tangents: readonly Value[]) => readonly [Value, Value],
  options: { name?: string } = {},
): (x: ArrayLike<Value>) => Value {
  if (typeof jvp !== 'function') {
    throw new TypeError(`customJvp: jvp must be a function (primals, tangents) => [y, yDot], got ${describe(jvp)}`);
  }
  return customDerivative(
    f,
    (x) =>
      x.map((_, i) => {
        const unit = x.map((__, k) => (k === i ? 1 : 0));
        const out = jvp(x, unit);
        if (!Array.isArray(out) || out.length !== 2) {
          throw new TypeError(`customJvp: jvp must return [y, yDot], got ${describe(out)}`);
        }
        return out[1] as Value;
      }),
    { name: options.name ?? `customJvp${++anonymous}` },
  );
}

/**
 * JAX's `custom_vjp` for a scalar user function: `fwd(x)` returns `[y, residuals]` and
 * `bwd(residuals, yBar)` the cotangents of the inputs, written with dualtape primitives.
 * Unlike JAX, forward mode works too: the partials are `bwd(residuals, 1)`, which both modes
 * use.
 *
 * @example
 * ```ts
 * import { customVjp, add, div, exp, grad, log1p, mul, neg } from 'dualtape';
 * // softplus with a gradient that reuses the forward pass's sigmoid
 * const softplus1 = customVjp(
 *   (x) => Math.log1p(Math.exp(x[0])),
 *   (x) => { const s = div(1, add(1, exp(neg(x[0])))); return [log1p(exp(x[0])), s]; },
 *   (s, yBar) => [mul(yBar, s)],
 * );
 * grad((x) => softplus1(x))([0]); // [0.5]
 * ```
 */
export function customVjp<R>(
  f: (x: number[]) => number,
  fwd: (x: readonly Value[]) => readonly [Value, R],
  bwd: (residuals: R, yBar: Value) => readonly Value[],
  options: { name?: string } = {},
): (x: ArrayLike<Value>) => Value {
  if (typeof fwd !== 'function') throw new TypeError(`customVjp: fwd must be a function x => [y, residuals], got ${describe(fwd)}`);
  if (typeof bwd !== 'function') {
    throw new TypeError(`customVjp: bwd must be a function (residuals, yBar) => cotangents, got ${describe(bwd)}`);
  }
  return customDerivative(
    f,
    (x) => {
      const out = fwd(x);
      if (!Array.isArray(out) || out.length !== 2) throw new TypeError(`customVjp: fwd must return [y, residuals], got ${describe(out)}`);
      return bwd(out[1] as R, 1);
    },
    { name: options.name ?? `customVjp${++anonymous}` },
  );
}
