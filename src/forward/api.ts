// Forward-mode transformations: one pass from the inputs out gives a JVP, i.e. one column of J.
import type { Value } from '../ops/value';
import {
  checkFunction,
  checkIndex,
  checkOutputs,
  checkScalar,
  checkValues,
  checkVector,
  shapeLike,
  type VectorFunction,
} from '../internal/validate';
import { Dual, ForwardTrace, splitDual } from './dual';
import { ChunkDual, ChunkTrace, checkChunkSize, defaultChunkSize, splitChunk } from './chunk';
import { describe } from '../ops/value';
import type { Out, Widen } from '../internal/types';
import { rowsOf } from '../internal/arrays';

const passLabels = new Map<string, string>();

/**
 * One forward pass of f at x seeded with tangent v (both checked by the caller): f's usual
 * result, a Dual of this pass, as it came (its parts are the answer, with no arrays in
 * between), else primals and tangents per output.
 */
function pass(api: string, f: VectorFunction, x: ArrayLike<Value>, v: ArrayLike<Value>): Dual | { y: Value[]; yDot: Value[]; isArray: boolean } {
  let label = passLabels.get(api);
  if (label === undefined) passLabels.set(api, (label = `forward pass (${api})`));
  const trace = new ForwardTrace(label);
  try {
    const n = x.length;
    const inputs = new Array<Value>(n);
    for (let i = 0; i < n; i++) inputs[i] = new Dual(x[i] as Value, v[i] as Value, trace);
    const out = f(inputs);
    if (out instanceof Dual && out.trace === trace) return out;
    const outputs = checkOutputs(api, out);
    const m = outputs.values.length;
    const y = new Array<Value>(m);
    const yDot = new Array<Value>(m);
    for (let i = 0; i < m; i++) {
      const [primalPart, tangentPart] = splitDual(api, outputs.values[i] as Value, trace);
      y[i] = primalPart;
      yDot[i] = tangentPart;
    }
    return { y, yDot, isArray: outputs.isArray };
  } finally {
    trace.active = false;
  }
}

/** @internal One forward pass of f at x seeded with tangent v; returns primals and tangents per output. */
export function forwardPass(
  api: string,
  f: VectorFunction,
  x: ArrayLike<Value>,
  v: ArrayLike<Value>,
): { y: Value[]; yDot: Value[]; isArray: boolean } {
  const out = pass(api, f, x, v);
  return out instanceof Dual ? { y: [out.value], yDot: [out.tangent], isArray: false } : out;
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
  const xs = checkValues('jvp', 'x', x);
  const vs = checkValues('jvp', 'v', v, xs.length);
  const out = pass('jvp', f, xs, vs);
  if (out instanceof Dual) return [out.value, out.tangent] as [Out<F, Widen<T>>, Out<F, Widen<T>>];
  const { y, yDot, isArray } = out;
  return (isArray ? [y, yDot] : [y[0], yDot[0]]) as [Out<F, Widen<T>>, Out<F, Widen<T>>];
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
 * Options of {@link jacfwd}.
 *
 * @example
 * ```ts
 * import { jacfwd, sin, type JacfwdOptions } from 'dualtape';
 * const options: JacfwdOptions = { chunkSize: 4 };
 * jacfwd((x) => sin(x[0]), options)([0]); // [[1]]
 * ```
 */
export interface JacfwdOptions {
  /**
   * Tangents carried per pass (a chunk): ceil(n / chunkSize) passes instead of n. Default
   * {@link defaultChunkSize}(n); 1 gives the textbook one-column-per-pass forward mode.
   */
  chunkSize?: number;
}

/**
 * The full m × n Jacobian (rows = outputs, columns = inputs) by forward mode. Each pass
 * carries a chunk of tangents (several unit seeds at once), so it takes ceil(n / chunk)
 * passes; with `{ chunkSize: 1 }`, n passes of one column each. A scalar f gives a 1 × n
 * matrix.
 *
 * @example
 * ```ts
 * import { jacfwd, mul, sin } from 'dualtape';
 * jacfwd((x) => [mul(x[0], x[1]), sin(x[0])])([0, 2]); // [[2, 0], [1, 0]]
 * jacfwd((x) => [mul(x[0], x[1]), sin(x[0])], { chunkSize: 1 })([0, 2]); // the same, 2 passes
 * ```
 */
export function jacfwd(f: VectorFunction, options: JacfwdOptions = {}): <T extends Value>(x: ArrayLike<T>) => Widen<T>[][] {
  checkFunction('jacfwd', f);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`jacfwd: options must be an object { chunkSize }, got ${describe(options)}`);
  }
  const requested = checkChunkSize('jacfwd', options.chunkSize);
  return <T extends Value>(x: ArrayLike<T>) => {
    const xs = checkVector('jacfwd', 'x', x);
    const n = xs.length;
    const width = Math.min(requested ?? defaultChunkSize(n), Math.max(n, 1));
    let J: Value[][] | undefined;
    let pass = 0;
    for (let j0 = 0; j0 < n; j0 += width) {
      pass++;
      const k = Math.min(width, n - j0);
      if (width > 1) {
        J = chunkPass(f, xs, j0, k, J, pass);
        continue;
      }
      const column = forwardPass('jacfwd', f, xs, unitVector(n, j0)).yDot;
      J = jacobianFor(J, column.length, n, pass);
      for (let i = 0; i < column.length; i++) (J[i] as Value[])[j0] = column[i] as Value;
    }
    // With no inputs there is no pass to count the outputs; one evaluation tells m.
    J ??= forwardPass('jacfwd', f, xs, []).y.map(() => []);
    return J as Widen<T>[][];
  };
}

/** The m × n Jacobian being filled: J itself, made by the first pass, which later passes must agree with on m. */
function jacobianFor(J: Value[][] | undefined, m: number, n: number, pass: number): Value[][] {
  if (J === undefined) return rowsOf<Value>(m, n);
  if (m !== J.length) {
    throw new RangeError(`jacfwd: f returned ${J.length} output(s) in pass 1 but ${m} in pass ${pass}; f must return the same number of outputs at every call`);
  }
  return J;
}

/**
 * One chunked pass seeded with e_{j0} .. e_{j0+k-1}: columns j0 .. j0+k-1 of J (made here on
 * the first pass). The inputs' tangents share one block, and the outputs' are read straight
 * out of theirs: a typed array per input and arrays per column cost a small jacfwd (the worked
 * example's) more than its primitives.
 */
function chunkPass(f: VectorFunction, xs: readonly Value[], j0: number, k: number, J: Value[][] | undefined, pass: number): Value[][] {
  const trace = new ChunkTrace('chunked forward pass (jacfwd)', k);
  try {
    const n = xs.length;
    const seeds = new Float64Array(n * k);
    const inputs = new Array<ChunkDual>(n);
    for (let i = 0; i < n; i++) {
      if (i >= j0 && i < j0 + k) seeds[i * k + i - j0] = 1;
      inputs[i] = new ChunkDual(xs[i] as Value, seeds, trace, i * k);
    }
    const outputs = checkOutputs('jacfwd', f(inputs)).values;
    const jacobian = jacobianFor(J, outputs.length, n, pass);
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i] as Value;
      const row = jacobian[i] as Value[];
      if (o instanceof ChunkDual && o.trace === trace && o.offset >= 0) {
        const { data, offset } = o;
        for (let c = 0; c < k; c++) row[j0 + c] = data[offset + c] as number;
        continue;
      }
      const tangents = splitChunk('jacfwd', o, trace)[1];
      for (let c = 0; c < k; c++) row[j0 + c] = tangents[c] as Value;
    }
    return jacobian;
  } finally {
    trace.active = false;
    trace.releaseBlocks();
  }
}
