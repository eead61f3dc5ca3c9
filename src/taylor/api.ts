// Taylor mode's transformation: the first K derivatives along a direction from one pass.
import type { Value } from '../ops/value';
import { escapedError } from '../ops/opDef';
import { mul } from '../ops/table';
import { checkFunction, checkOutputs, checkScalar, checkVector, type VectorFunction } from '../internal/validate';
import { ADValue } from '../ops/value';
import type { Out, Widen } from '../internal/types';
import { Jet, TaylorTrace } from './jet';

/**
 * Options of {@link taylor}.
 *
 * @example
 * ```ts
 * import { taylor, exp } from 'dualtape';
 * taylor((x) => exp(x[0]), [0], [1], 3, { scale: 'coefficients' }); // [1, 1, 0.5, 0.1666...]
 * ```
 */
export interface TaylorOptions {
  /** `'derivatives'` (default): d^k/dt^k f(x + t v) at t = 0. `'coefficients'`: the same divided by k!. */
  scale?: 'derivatives' | 'coefficients';
}

/**
 * The derivatives of order 0 .. K of f along the line x + t·v at t = 0, from one Taylor-mode
 * pass: `[f(x), ∇f·v, vᵀHv, ...]`. For f: R -> R pass numbers: `taylor(f, x0, 1, K)` gives
 * [f(x0), f'(x0), ..., f⁽ᴷ⁾(x0)]. A vector f gives
 * one array of K + 1 derivatives per output.
 *
 * @example
 * ```ts
 * import { taylor, sin, div, sub } from 'dualtape';
 * taylor((x) => sin(x[0]), [0], [1], 4); // [0, 1, -0, -1, 0]
 * taylor(sin, 0, 1, 4); // the same, for f: R -> R on a number
 * taylor((x) => div(1, sub(1, x[0])), [0], [1], 3, { scale: 'coefficients' }); // [1, 1, 1, 1]
 * ```
 */
export function taylor<F extends (x: Value) => Value | readonly Value[], T extends Value>(
  f: F,
  x: T,
  v: T,
  order: number,
  options?: TaylorOptions,
): Out<F, Widen<T>[]>;
export function taylor<F extends VectorFunction, T extends Value>(
  f: F,
  x: ArrayLike<T>,
  v: ArrayLike<T>,
  order: number,
  options?: TaylorOptions,
): Out<F, Widen<T>[]>;
export function taylor(
  f: ((x: Value) => Value | readonly Value[]) | VectorFunction,
  x: Value | ArrayLike<Value>,
  v: Value | ArrayLike<Value>,
  order: number,
  options: TaylorOptions = {},
): Value[] | Value[][] {
  checkFunction('taylor', f);
  // f: R -> R (or R -> R^m) on a number: the same as the one-input vector form.
  if (typeof x === 'number' || x instanceof ADValue) {
    const scalarF = f as (x: Value) => Value | readonly Value[];
    return taylor((xs: Value[]) => scalarF(xs[0] as Value), [x], [checkScalar('taylor', 'v', v)], order, options) as Value[] | Value[][];
  }
  const vectorF = f as VectorFunction;
  const xs = checkVector('taylor', 'x', x);
  const vs = checkVector('taylor', 'v', v, xs.length);
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0 || order > 100) {
    throw new RangeError(`taylor: order must be an integer from 0 to 100, got ${String(order)}`);
  }
  const scale = options.scale ?? 'derivatives';
  if (scale !== 'derivatives' && scale !== 'coefficients') {
    throw new RangeError(`taylor: options.scale must be 'derivatives' or 'coefficients', got ${String(scale)}`);
  }
  const trace = new TaylorTrace(order);
  try {
    const inputs = xs.map((xi, i) => trace.input(xi, vs[i] as Value));
    const outputs = checkOutputs('taylor', vectorF(inputs));
    trace.expand();
    const series = outputs.values.map((o) => {
      const coefficients: Value[] = [];
      for (let k = 0; k <= order; k++) {
        if (o instanceof Jet && o.trace === trace) coefficients.push(o.coefficient(k));
        else if (typeof o !== 'number' && (!o.trace.active || o.trace.level > trace.level)) throw escapedError('taylor', o.trace);
        else coefficients.push(k === 0 ? o : 0);
      }
      if (scale === 'coefficients') return coefficients;
      let factorial = 1;
      return coefficients.map((c, k) => {
        if (k > 1) factorial *= k;
        return mul(c, factorial);
      });
    });
    return outputs.isArray ? series : (series[0] as Value[]);
  } finally {
    trace.active = false;
  }
}
