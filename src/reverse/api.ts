// Reverse-mode transformations: one backward sweep over a recording gives a VJP, i.e. one row of J.
import type { Value } from '../ops/value';
import { checkFunction, checkIndex, checkValues, type VectorFunction } from '../internal/validate';
import type { Out, Widen } from '../internal/types';
import { WengertList } from './wengertList';

/** Records f at x; f has been checked by the caller (once, where the transformation was made). */
function recordAt(api: string, f: VectorFunction, x: unknown): WengertList {
  // Checked in place (the list reads each element once, as it records the inputs).
  const tape = new WengertList(checkValues(api, 'x', x));
  tape.run(api, f);
  return tape;
}

/**
 * The vector-Jacobian product: evaluates f at x, recording it, and returns `[y, pullback]`.
 * `pullback(yBar)` runs one backward sweep and returns yBarᵀJ (the adjoints of the
 * inputs); yBar is a number for a scalar f and an array otherwise. The pullback can be
 * called any number of times.
 *
 * @example
 * ```ts
 * import { vjp, mul, sin } from 'dualtape';
 * const [y, pullback] = vjp((x) => [mul(x[0], x[1]), sin(x[0])], [0, 5]);
 * y; // [0, 0]
 * pullback([1, 0]); // [5, 0]
 * pullback([0, 1]); // [1, 0]
 * ```
 */
export function vjp<F extends VectorFunction, T extends Value>(
  f: F,
  x: ArrayLike<T>,
): [Out<F, Widen<T>>, (yBar: Out<F, Value>) => Widen<T>[]] {
  checkFunction('vjp', f);
  const tape = recordAt('vjp', f, x);
  const y = tape.outputValue();
  const pullback = (yBar: Out<F, Value>): Widen<T>[] =>
    tape.inputAdjoints(yBar as Value | Value[], 'vjp pullback') as Widen<T>[];
  return [y as Out<F, Widen<T>>, pullback];
}

function gradientOf(api: string, tape: WengertList): Value[] {
  if (tape.outputIsArray) {
    throw new TypeError(
      `${api}: f must return a single number, but it returned an array of ${tape.outputCount}; ` +
        'for a vector-valued f use jacrev (the whole Jacobian) or vjp (one row at a time)',
    );
  }
  return tape.inputAdjoints(1);
}

/**
 * The gradient of a scalar-valued f (one backward sweep). A vector-valued f is an error:
 * use {@link jacrev} or {@link vjp}.
 *
 * @example
 * ```ts
 * import { grad, log, mul, sin, add, sub } from 'dualtape';
 * const f = (x) => sub(add(log(x[0]), mul(x[0], x[1])), sin(x[1]));
 * grad(f)([2, 5]); // [5.5, 1.7163378145367738]
 * ```
 */
export function grad(f: (x: Value[]) => Value): <T extends Value>(x: ArrayLike<T>) => Widen<T>[] {
  checkFunction('grad', f);
  return <T extends Value>(x: ArrayLike<T>) => {
    const tape = recordAt('grad', f, x);
    const g = gradientOf('grad', tape);
    tape.release();
    return g as Widen<T>[];
  };
}

/**
 * The value and the gradient of a scalar-valued f, from one recording and one sweep.
 *
 * @example
 * ```ts
 * import { valueAndGrad, mul } from 'dualtape';
 * valueAndGrad((x) => mul(x[0], x[1]))([2, 5]); // [10, [5, 2]]
 * ```
 */
export function valueAndGrad(
  f: (x: Value[]) => Value,
): <T extends Value>(x: ArrayLike<T>) => [Widen<T>, Widen<T>[]] {
  checkFunction('valueAndGrad', f);
  return <T extends Value>(x: ArrayLike<T>) => {
    const tape = recordAt('valueAndGrad', f, x);
    const g = gradientOf('valueAndGrad', tape);
    const y = tape.outputValue();
    tape.release();
    return [y as Widen<T>, g as Widen<T>[]];
  };
}

/**
 * Row i of the Jacobian (∂y_i/∂x_j for every input j) from one backward sweep seeded with
 * the unit vector e_i. For a scalar f, i must be 0 and the row is the gradient.
 *
 * @example
 * ```ts
 * import { jacobianRow, mul, sin } from 'dualtape';
 * jacobianRow((x) => [mul(x[0], x[1]), sin(x[0])], [0, 5], 1); // [1, 0]
 * ```
 */
export function jacobianRow<T extends Value>(f: VectorFunction, x: ArrayLike<T>, i: number): Widen<T>[] {
  checkFunction('jacobianRow', f);
  const tape = recordAt('jacobianRow', f, x);
  checkIndex('jacobianRow', 'i', i, tape.outputCount, 'outputs');
  return tape.inputAdjoints(seed(tape, i)) as Widen<T>[];
}

function seed(tape: WengertList, i: number): number | number[] {
  if (!tape.outputIsArray) return 1;
  const e = new Array<number>(tape.outputCount).fill(0);
  e[i] = 1;
  return e;
}

/**
 * The full m × n Jacobian (rows = outputs) by reverse mode: one recording, then m
 * backward sweeps, one row each. A scalar f gives a 1 × n matrix.
 *
 * @example
 * ```ts
 * import { jacrev, mul, sin } from 'dualtape';
 * jacrev((x) => [mul(x[0], x[1]), sin(x[0])])([0, 2]); // [[2, 0], [1, 0]]
 * ```
 */
export function jacrev(f: VectorFunction): <T extends Value>(x: ArrayLike<T>) => Widen<T>[][] {
  checkFunction('jacrev', f);
  return <T extends Value>(x: ArrayLike<T>) => {
    const tape = recordAt('jacrev', f, x);
    const rows: Value[][] = [];
    for (let i = 0; i < tape.outputCount; i++) {
      rows.push(tape.inputAdjoints(seed(tape, i)));
    }
    tape.release();
    return rows as Widen<T>[][];
  };
}

export { record, WengertList, TapeVar, type WengertEntry, type WengertArg, type WengertGuard, type AdjointObserver } from './wengertList';
export { compile, type CompileOptions, type CompiledFunction, type CompileMode, type NumberOut } from '../compile/compile';
export { BranchChangedError } from '../engine/guards';
