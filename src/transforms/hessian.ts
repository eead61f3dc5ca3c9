// Second order from both modes: forward mode run over a reverse-mode recording (forward-over-reverse).
import type { Value } from '../ops/value';
import { Dual, ForwardTrace, splitDual } from '../forward/dual';
import { ChunkDual, ChunkTrace, checkChunkSize, defaultChunkSize, splitChunk } from '../forward/chunk';
import { WengertList } from '../reverse/wengertList';
import { checkFunction, checkVector, type ScalarFunction } from '../internal/validate';
import type { Widen } from '../internal/types';
import { rowsOf } from '../internal/arrays';
import { hessianColumns, listHessianProducts } from '../engine/secondOrder';

function recordScalar(api: string, f: ScalarFunction, x: unknown): { tape: WengertList; xs: Value[] } {
  checkFunction(api, f);
  const xs = checkVector(api, 'x', x);
  const tape = new WengertList(xs);
  tape.run(api, f);
  if (tape.outputIsArray) {
    throw new TypeError(
      `${api}: f must return a single number, but it returned an array of ${tape.outputCount}; ` +
        'for a vector-valued f take jacfwd of jacrev per output',
    );
  }
  return { tape, xs };
}

/**
 * Replays the recording with duals seeded along v and sweeps it backward: the adjoints'
 * tangents are H·v. The list is replayed, never re-recorded, so f runs once however many
 * directions are swept.
 */
function sweepAlong(api: string, tape: WengertList, xs: readonly Value[], v: readonly Value[]): Value[] {
  const trace = new ForwardTrace(`forward sweep (${api})`);
  try {
    tape.replay(xs.map((xi, i) => new Dual(xi, v[i] as Value, trace)));
    const adjoints = tape.adjoints(1);
    const hv = new Array<Value>(xs.length);
    for (let i = 0; i < xs.length; i++) hv[i] = splitDual(api, adjoints[i] as Value, trace)[1];
    return hv;
  } finally {
    trace.active = false;
  }
}

/** One sweep with chunked duals seeded along e_{j0} .. e_{j0+k-1}: k columns of H at once. */
function sweepChunk(api: string, tape: WengertList, xs: readonly Value[], j0: number, k: number): ArrayLike<Value>[] {
  const trace = new ChunkTrace(`chunked forward sweep (${api})`, k);
  try {
    tape.replay(
      xs.map((xi, i) => {
        const t = new Float64Array(k);
        if (i >= j0 && i < j0 + k) t[i - j0] = 1;
        return new ChunkDual(xi, t, trace);
      }),
    );
    const adjoints = tape.adjoints(1);
    return xs.map((_, i) => splitChunk(api, adjoints[i] as Value, trace)[1]);
  } finally {
    trace.active = false;
  }
}

/**
 * Hessian-vector products by the list's own second-order sweep (src/engine/secondOrder.ts: the
 * entries' tangents and adjoint tangents in typed arrays, each direction a tangent sweep, then
 * one sweep for all of them), for a list of plain numbers without checkpointed calls; undefined
 * for any other list, which the duals' replay serves. The same rules and zero skips, so the
 * same numbers (an exact zero is +0 here: the sweep's sums start at +0); for Rosenbrock at
 * n = 100, 7× faster than replaying the list with chunked duals.
 */
function numericProducts(tape: WengertList): ((seeds: ((t: Float64Array) => void)[]) => Float64Array[]) | undefined {
  if (!tape.numeric) return undefined;
  const flat = tape.flat();
  return flat.calls !== undefined && flat.calls.size > 0 ? undefined : listHessianProducts(flat);
}

function hessianOf(api: string, tape: WengertList, xs: readonly Value[], chunkSize?: number): Value[][] {
  const n = xs.length;
  const width = Math.min(chunkSize ?? defaultChunkSize(n), Math.max(n, 1));
  const products = numericProducts(tape);
  if (products !== undefined) return hessianColumns(rowsOf(n, n, 0), width, products);
  const H = rowsOf<Value>(n, n);
  for (let j0 = 0; j0 < n; j0 += width) {
    const k = Math.min(width, n - j0);
    if (width === 1) {
      const e = new Array<number>(n).fill(0);
      e[j0] = 1;
      const column = sweepAlong(api, tape, xs, e);
      for (let i = 0; i < n; i++) (H[i] as Value[])[j0] = column[i] as Value;
    } else {
      const rows = sweepChunk(api, tape, xs, j0, k);
      for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) (H[i] as Value[])[j0 + c] = rows[i]![c] as Value;
    }
  }
  return H;
}

/**
 * Options of {@link hessian} and {@link valueGradHessian}.
 *
 * @example
 * ```ts
 * import { hessian, mul, type HessianOptions } from 'dualtape';
 * const options: HessianOptions = { chunkSize: 1 };
 * hessian((x) => mul(x[0], x[1]), options)([2, 3]); // [[0, 1], [1, 0]], in 2 sweeps
 * ```
 */
export interface HessianOptions {
  /**
   * Directions per forward sweep over the recording (chunked duals): ceil(n / chunkSize)
   * sweeps. Default {@link defaultChunkSize}(n); 1 gives n sweeps of one direction each.
   */
  chunkSize?: number;
}

/**
 * The Hessian of a scalar f (n × n), forward-over-reverse: f is recorded once, then the
 * backward sweep is differentiated along e_j, each sweep giving column j (chunked: several
 * columns per sweep, see {@link HessianOptions}). At plain numbers that is the list's own
 * second-order sweep (tangents and adjoint tangents in typed arrays); inside another
 * transformation the list is replayed with duals and swept with them.
 *
 * @example
 * ```ts
 * import { hessian, mul, square, add } from 'dualtape';
 * hessian((x) => add(mul(x[0], x[1]), square(x[1])))([1, 2]); // [[0, 1], [1, 2]]
 * ```
 */
export function hessian(f: ScalarFunction, options: HessianOptions = {}): <T extends Value>(x: ArrayLike<T>) => Widen<T>[][] {
  checkFunction('hessian', f);
  const chunkSize = checkChunkSize('hessian', options?.chunkSize);
  return <T extends Value>(x: ArrayLike<T>) => {
    const { tape, xs } = recordScalar('hessian', f, x);
    const H = hessianOf('hessian', tape, xs, chunkSize);
    tape.release();
    return H as Widen<T>[][];
  };
}

/**
 * The Hessian-vector product H(x)·v of a scalar f without forming H: one recording and
 * one forward-over-reverse sweep.
 *
 * @example
 * ```ts
 * import { hvp, mul, square, add } from 'dualtape';
 * hvp((x) => add(mul(x[0], x[1]), square(x[1])), [1, 2], [1, 0]); // [0, 1]
 * ```
 */
export function hvp<T extends Value>(f: ScalarFunction, x: ArrayLike<T>, v: ArrayLike<T>): Widen<T>[] {
  const { tape, xs } = recordScalar('hvp', f, x);
  const vs = checkVector('hvp', 'v', v, xs.length);
  const products = vs.every((vi) => typeof vi === 'number') ? numericProducts(tape) : undefined;
  let hv: Value[];
  if (products === undefined) hv = sweepAlong('hvp', tape, xs, vs);
  else {
    const at = products([(t) => t.set(vs as number[])])[0] as Float64Array;
    hv = new Array<number>(xs.length);
    for (let i = 0; i < xs.length; i++) hv[i] = at[i] as number;
  }
  tape.release();
  return hv as Widen<T>[];
}

/**
 * What {@link valueGradHessian} returns.
 *
 * @example
 * ```ts
 * import { valueGradHessian, mul, type ValueGradHessian } from 'dualtape';
 * const r: ValueGradHessian = valueGradHessian((x) => mul(x[0], x[1]))([2, 3]);
 * // { value: 6, gradient: [3, 2], hessian: [[0, 1], [1, 0]] }
 * ```
 */
export interface ValueGradHessian<T = number> {
  value: T;
  gradient: T[];
  hessian: T[][];
}

/**
 * Value, gradient and Hessian of a scalar f together, from one recording (like
 * ForwardDiff's DiffResults): what one Newton step needs.
 *
 * @example
 * ```ts
 * import { valueGradHessian, sub, square, mul, add } from 'dualtape';
 * // Newton's method on the Rosenbrock function
 * const rosen = (x) => add(square(sub(1, x[0])), mul(100, square(sub(x[1], square(x[0])))));
 * let x = [-1.2, 1];
 * for (let k = 0; k < 20; k++) {
 *   const { gradient: g, hessian: [[a, b], [c, d]] } = valueGradHessian(rosen)(x);
 *   const det = a * d - b * c;
 *   x = [x[0] - (d * g[0] - b * g[1]) / det, x[1] - (a * g[1] - c * g[0]) / det];
 * }
 * x; // [1, 1]
 * ```
 */
export function valueGradHessian(
  f: ScalarFunction,
  options: HessianOptions = {},
): <T extends Value>(x: ArrayLike<T>) => ValueGradHessian<Widen<T>> {
  checkFunction('valueGradHessian', f);
  const chunkSize = checkChunkSize('valueGradHessian', options?.chunkSize);
  return <T extends Value>(x: ArrayLike<T>) => {
    const { tape, xs } = recordScalar('valueGradHessian', f, x);
    const value = tape.outputValue() as Value;
    const gradient = tape.inputAdjoints(1);
    const hessian = hessianOf('valueGradHessian', tape, xs, chunkSize);
    tape.release();
    return { value, gradient, hessian } as ValueGradHessian<Widen<T>>;
  };
}
