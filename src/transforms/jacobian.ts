// The Jacobian by whichever mode needs fewer passes: forward for n <= m, reverse for n > m.
import type { Value } from '../ops/value';
import { describe, primal } from '../ops/value';
import { checkFunction, checkOutputs, checkVector, type VectorFunction } from '../internal/validate';
import type { Widen } from '../internal/types';
import { jacfwd } from '../forward/api';
import { jacrev } from '../reverse/api';

/**
 * Options of {@link jacobian}.
 *
 * @example
 * ```ts
 * import { jacobian, type JacobianOptions } from 'dualtape';
 * const options: JacobianOptions = { mode: 'reverse' };
 * ```
 */
export interface JacobianOptions {
  /**
   * `'forward'`: n passes, one column each; `'reverse'`: one recording and m sweeps, one
   * row each; `'auto'` (default): forward when n <= m, reverse otherwise.
   */
  mode?: 'auto' | 'forward' | 'reverse';
  /** Tangents per forward pass when forward mode runs (see {@link jacfwd}). */
  chunkSize?: number;
}

/**
 * The m × n Jacobian of f at x (rows = outputs). The result is the same in every mode;
 * only the cost differs. With `'auto'`, f is evaluated once first to learn m.
 *
 * @example
 * ```ts
 * import { jacobian, mul, sin } from 'dualtape';
 * const f = (x) => [mul(x[0], x[1]), sin(x[0])];
 * jacobian(f, [0, 2]); // [[2, 0], [1, 0]]
 * jacobian(f, [0, 2], { mode: 'reverse' }); // the same
 * ```
 */
export function jacobian<T extends Value>(
  f: VectorFunction,
  x: ArrayLike<T>,
  options: JacobianOptions = {},
): Widen<T>[][] {
  checkFunction('jacobian', f);
  const xs = checkVector('jacobian', 'x', x);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`jacobian: options must be an object { mode }, got ${describe(options)}`);
  }
  const mode = options.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'forward' && mode !== 'reverse') {
    throw new RangeError(`jacobian: options.mode must be 'auto', 'forward' or 'reverse', got ${describe(mode)}`);
  }
  const chosen = mode === 'auto' ? chooseJacobianMode(xs.length, outputCount(f, xs)) : mode;
  const chunk = options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize };
  return (chosen === 'forward' ? jacfwd(f, chunk)(xs) : jacrev(f)(xs)) as Widen<T>[][];
}

/**
 * The mode `jacobian` picks for n inputs and m outputs: forward costs n passes, reverse m
 * sweeps (plus keeping every intermediate value), so forward wins ties.
 *
 * @example
 * ```ts
 * import { chooseJacobianMode } from 'dualtape';
 * chooseJacobianMode(1000, 1); // 'reverse' (a gradient)
 * chooseJacobianMode(2, 3); // 'forward'
 * ```
 */
export function chooseJacobianMode(n: number, m: number): 'forward' | 'reverse' {
  return n <= m ? 'forward' : 'reverse';
}

/** Evaluates f once on plain numbers to learn m, so no enclosing transformation records the probe. */
function outputCount(f: VectorFunction, x: Value[]): number {
  return checkOutputs('jacobian', f(x.map(primal))).values.length;
}
