// The Jacobian by whichever mode costs less: chunked forward passes, or one recording and m backward sweeps.
import type { Value } from '../ops/value';
import { describe, primal } from '../ops/value';
import { checkFunction, checkOutputs, checkVector, type VectorFunction } from '../internal/validate';
import type { Widen } from '../internal/types';
import { jacfwd } from '../forward/api';
import { jacrev } from '../reverse/api';
import { checkChunkSize, defaultChunkSize } from '../forward/chunk';

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
   * row each; `'auto'` (default): the cheaper of the two by {@link chooseJacobianMode}.
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
  const chunkSize = checkChunkSize('jacobian', options.chunkSize);
  const chunk = chunkSize === undefined ? {} : { chunkSize };
  const chosen = mode === 'auto' ? chooseJacobianMode(xs.length, outputCount(f, xs), chunkSize) : mode;
  return (chosen === 'forward' ? jacfwd(f, chunk)(xs) : jacrev(f)(xs)) as Widen<T>[][];
}

/**
 * What one primitive of f costs in each mode, in ns on the reference machine (`npm run bench -- P`
 * measures them: its tables "Cost of one primitive in each path" and "Costs inside full
 * Jacobians"). Only their ratios matter: both modes' costs are proportional to the number of
 * primitives of f, which therefore cancels out of the choice.
 * - a forward pass with one tangent runs the plain `Dual` path;
 * - a pass with c >= 2 tangents runs chunked duals: a fixed cost per op plus a little per tangent;
 * - reverse records once, then each of the m sweeps visits every entry; an entry whose adjoint
 *   is zero in that sweep is skipped cheaply (~5 ns), one it differentiates costs ~15 ns. The
 *   sweep cost below is the one measured in W4's full Jacobians, where each output depends on
 *   1/m of the list; when every output depends on the whole list, reverse is up to 2× dearer
 *   than modelled, which moves the choice only where the two modes are within 2× of each other.
 */
const COST = { dualOp: 37, chunkOp: 65, chunkOpPerTangent: 4.5, record: 40, sweep: 8 } as const;

/**
 * Modelled cost of each mode per primitive of f (ns on the reference machine), and the pass counts behind it.
 * @internal Read by {@link chooseJacobianMode} and `jacobianReport`.
 */
export function jacobianModeCost(n: number, m: number, chunkSize: number = defaultChunkSize(n)): {
  forward: number;
  reverse: number;
  chunkSize: number;
  forwardPasses: number;
} {
  const c = Math.max(1, Math.min(chunkSize, n));
  const forwardPasses = Math.ceil(n / c);
  const perPass = c === 1 ? COST.dualOp : COST.chunkOp + COST.chunkOpPerTangent * c;
  return { forward: forwardPasses * perPass, reverse: COST.record + m * COST.sweep, chunkSize: c, forwardPasses };
}

/**
 * The mode `jacobian` picks for n inputs and m outputs, by the cost each really has:
 * forward makes ceil(n / chunkSize) passes, each carrying chunkSize tangents through every
 * primitive (dearer per primitive the more tangents it carries); reverse records f once and
 * makes m backward sweeps over the list. Calibrated by the benchmarks: a sweep costs about a
 * tenth of a chunked forward pass, so reverse wins for square Jacobians (n = m = 50: 7 chunked
 * passes against one recording and 50 sweeps) and forward only when m is several times n.
 * Forward wins ties (it stores no list).
 *
 * @example
 * ```ts
 * import { chooseJacobianMode } from 'dualtape';
 * chooseJacobianMode(1000, 1); // 'reverse' (a gradient)
 * chooseJacobianMode(50, 50); // 'reverse'
 * chooseJacobianMode(2, 100); // 'forward'
 * ```
 */
export function chooseJacobianMode(n: number, m: number, chunkSize?: number): 'forward' | 'reverse' {
  const cost = jacobianModeCost(n, m, chunkSize);
  return cost.forward <= cost.reverse ? 'forward' : 'reverse';
}

/** Evaluates f once on plain numbers to learn m, so no enclosing transformation records the probe. */
function outputCount(f: VectorFunction, x: Value[]): number {
  return checkOutputs('jacobian', f(x.map(primal))).values.length;
}
