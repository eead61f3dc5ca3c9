// Forward-mode transformations: one pass from the inputs out gives a JVP, i.e. one column of J.
import type { Value } from '../ops/value';
import {
  checkFunction,
  checkIndex,
  checkOutputs,
  checkScalar,
  checkVector,
  shapeLike,
  type VectorFunction,
} from '../internal/validate';
import { Dual, ForwardTrace, splitDual } from './dual';
import type { Out, Widen } from '../internal/types';

/** @internal One forward pass of f at x seeded with tangent v; returns primals and tangents per output. */
export function forwardPass(
  api: string,
  f: VectorFunction,
  x: readonly Value[],
  v: readonly Value[],
): { y: Value[]; yDot: Value[]; isArray: boolean } {
  const trace = new ForwardTrace(`forward pass (${api})`);
  try {
    const inputs = x.map((xi, i) => new Dual(xi, v[i] as Value, trace));
    const outputs = checkOutputs(api, f(inputs));
    const y = new Array<Value>(outputs.values.length);
    const yDot = new Array<Value>(outputs.values.length);
    outputs.values.forEach((o, i) => {
      [y[i], yDot[i]] = splitDual(api, o, trace);
    });
    return { y, yDot, isArray: outputs.isArray };
  } finally {
    trace.active = false;
  }
}

/**
 * The derivative of f: R -> R (or R -> R^m, giving one derivative per output) from one
 * forward pass seeded with tangent 1.
 *
 * @example
 * ```ts
 * import { derivative, sin, mul } from 'dualtape';
 * derivative((x) => mul(x, sin(x)))(0); // 0
 * derivative(derivative(sin))(0); // -0 (nesting: second derivative)
 * ```
 */
export function derivative<F extends (x: Value) => Value | readonly Value[]>(
  f: F,
): <T extends Value>(x: T) => Out<F, Widen<T>> {
  checkFunction('derivative', f);
  return <T extends Value>(x: T) => {
    const x0 = checkScalar('derivative', 'x', x);
    const { yDot, isArray } = forwardPass('derivative', (xs) => f(xs[0] as Value), [x0], [1]);
    return shapeLike({ values: yDot, isArray }, yDot) as Out<F, Widen<T>>;
  };
}

/**
 * The Jacobian-vector product: evaluates f at x and, in the same forward pass, the
 * directional derivative J(x)·v. Returns `[y, yDot]`, each a number if f returns a number
 * and an array if f returns an array.
 *
 * @example
 * ```ts
 * import { jvp, log, mul, sin, add, sub } from 'dualtape';
 * const f = (x) => sub(add(log(x[0]), mul(x[0], x[1])), sin(x[1]));
 * jvp(f, [2, 5], [1, 0]); // [11.652..., 5.5]
 * ```
 */
export function jvp<F extends VectorFunction, T extends Value>(
  f: F,
  x: ArrayLike<T>,
  v: ArrayLike<T>,
): [Out<F, Widen<T>>, Out<F, Widen<T>>] {
  checkFunction('jvp', f);
  const xs = checkVector('jvp', 'x', x);
  const vs = checkVector('jvp', 'v', v, xs.length);
  const { y, yDot, isArray } = forwardPass('jvp', f, xs, vs);
  return [shapeLike({ values: y, isArray }, y), shapeLike({ values: yDot, isArray }, yDot)] as [
    Out<F, Widen<T>>,
    Out<F, Widen<T>>,
  ];
}

function unitVector(n: number, j: number): number[] {
  const e = new Array<number>(n).fill(0);
  e[j] = 1;
  return e;
}

/**
 * Column j of the Jacobian (∂y_i/∂x_j for every output i) from one forward pass seeded
 * with the unit vector e_j. A scalar f gives a one-element column.
 *
 * @example
 * ```ts
 * import { jacobianColumn, mul } from 'dualtape';
 * jacobianColumn((x) => [mul(x[0], x[1]), x[0]], [2, 5], 0); // [5, 1]
 * ```
 */
export function jacobianColumn<T extends Value>(f: VectorFunction, x: ArrayLike<T>, j: number): Widen<T>[] {
  checkFunction('jacobianColumn', f);
  const xs = checkVector('jacobianColumn', 'x', x);
  checkIndex('jacobianColumn', 'j', j, xs.length, 'inputs');
  return forwardPass('jacobianColumn', f, xs, unitVector(xs.length, j)).yDot as Widen<T>[];
}

/**
 * The full m × n Jacobian (rows = outputs, columns = inputs) by forward mode: n passes,
 * one column each. A scalar f gives a 1 × n matrix.
 *
 * @example
 * ```ts
 * import { jacfwd, mul, sin } from 'dualtape';
 * jacfwd((x) => [mul(x[0], x[1]), sin(x[0])])([0, 2]); // [[2, 0], [1, 0]]
 * ```
 */
export function jacfwd(f: VectorFunction): <T extends Value>(x: ArrayLike<T>) => Widen<T>[][] {
  checkFunction('jacfwd', f);
  return <T extends Value>(x: ArrayLike<T>) => {
    const xs = checkVector('jacfwd', 'x', x);
    const n = xs.length;
    let J: Value[][] | undefined;
    for (let j = 0; j < n; j++) {
      const column = forwardPass('jacfwd', f, xs, unitVector(n, j)).yDot;
      J ??= column.map(() => new Array<Value>(n));
      if (column.length !== J.length) {
        throw new RangeError(
          `jacfwd: f returned ${J.length} output(s) in pass 1 but ${column.length} in pass ${j + 1}; ` +
            'f must return the same number of outputs at every call',
        );
      }
      column.forEach((d, i) => {
        (J as Value[][])[i]![j] = d;
      });
    }
    // With no inputs there is no pass to count the outputs; one evaluation tells m.
    J ??= forwardPass('jacfwd', f, xs, []).y.map(() => []);
    return J as Widen<T>[][];
  };
}
