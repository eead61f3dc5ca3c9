// Compressed evaluation: one seeded pass per colour group, then each nonzero read back from its compressed slot.
import { describe } from '../ops/value';
import { listSweeps } from '../engine/sweeps';
import { listHessianProducts } from '../engine/secondOrder';
import { checkFunction, type ScalarFunction, type VectorFunction } from '../internal/validate';
import { columnColoring, rowColoring, starColoring, type Coloring, type ColoringOrder } from './coloring';
import { checkScalarOutput, hessianPattern, jacobianDependencies, jacobianPatternOf, structuresOf, recordForSparsity, type SparsityPattern } from './pattern';
import { SparseMatrix } from './sparseMatrix';
import { rememberedPlan, rememberPlan } from './planCache';

/**
 * Options of {@link sparseJacobian}.
 *
 * @example
 * ```ts
 * import type { SparseJacobianOptions } from 'dualtape';
 * const options: SparseJacobianOptions = { mode: 'reverse', order: 'largest-first' };
 * ```
 */
export interface SparseJacobianOptions {
  /**
   * `'forward'`: one forward sweep over the recording carrying one tangent per column
   * colour; `'reverse'`: one backward sweep per row colour; `'auto'` (default): the mode
   * needing fewer colours (forward on a tie: one sweep for all colours).
   */
  mode?: 'forward' | 'reverse' | 'auto';
  /** Vertex order of the greedy colouring; default `'smallest-last'`. */
  order?: ColoringOrder;
  /**
   * Where to write the nonzeros: a Float64Array of nnz numbers, usually an earlier result's
   * `values` for the same pattern (`{ values: H.values }`), which the new result then holds
   * (the earlier one sees the new numbers). Saves allocating an array per call in a loop
   * (for a tridiagonal Hessian at n = 100, a sixth of the call). Default: a new array.
   */
  values?: Float64Array;
}

/**
 * Options of {@link sparseHessian}.
 *
 * @example
 * ```ts
 * import type { SparseHessianOptions } from 'dualtape';
 * const options: SparseHessianOptions = { order: 'natural' };
 * ```
 */
export interface SparseHessianOptions {
  /** Vertex order of the greedy star colouring; default `'smallest-last'`. */
  order?: ColoringOrder;
  /**
   * Where to write the nonzeros: a Float64Array of nnz numbers, usually an earlier result's
   * `values` for the same pattern (`{ values: H.values }`), which the new result then holds
   * (the earlier one sees the new numbers). Saves allocating an array per call in a loop
   * (for a tridiagonal Hessian at n = 100, a sixth of the call). Default: a new array.
   */
  values?: Float64Array;
}

/**
 * @internal Everything fixed by a pattern and a colouring: the coordinates of the nonzeros and,
 * for each, the slot of the compressed result it is read from.
 *
 * Invariants: compressed results are laid out row-major, `m × p` (forward: B = J·S), `p × n`
 * (reverse: C = Sᵀ·J) or `n × p` (Hessian: B = H·S); `source[e]` indexes that array for
 * nonzero e; `rows`/`cols` are the pattern's coordinates, sorted by row then column.
 */
export interface Plan {
  readonly kind: 'forward' | 'reverse' | 'hessian';
  readonly pattern: SparsityPattern;
  readonly coloring: Coloring;
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly source: Int32Array;
}

/** @internal Checks the options' colouring order. */
export function checkOrder(api: string, options: unknown): ColoringOrder | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${api}: options must be an object, got ${describe(options)}`);
  const order = (options as { order?: unknown }).order;
  if (order !== undefined && order !== 'natural' && order !== 'largest-first' && order !== 'smallest-last') {
    throw new RangeError(`${api}: options.order must be 'natural', 'largest-first' or 'smallest-last', got ${describe(order)}`);
  }
  return order;
}

/** @internal `options.values` (see SparseHessianOptions.values), checked against the plan's nnz; undefined if not given. */
export function valuesInto(api: string, options: unknown, plan: Plan): Float64Array | undefined {
  const into = (options as { values?: unknown } | undefined)?.values;
  if (into === undefined) return undefined;
  const nnz = plan.source.length;
  if (!(into instanceof Float64Array)) throw new TypeError(`${api}: options.values must be a Float64Array of ${nnz} numbers (nnz), got ${describe(into)}`);
  if (into.length !== nnz) throw new RangeError(`${api}: options.values must hold nnz = ${nnz} numbers, got a Float64Array of ${into.length}`);
  return into;
}

/** @internal Checks sparseJacobian's options; the mode and the colouring order. */
export function checkJacobianOptions(api: string, options: unknown): { mode: 'forward' | 'reverse' | 'auto'; order: ColoringOrder | undefined } {
  const order = checkOrder(api, options);
  const mode = (options as SparseJacobianOptions | undefined)?.mode ?? 'auto';
  if (mode !== 'forward' && mode !== 'reverse' && mode !== 'auto') {
    throw new RangeError(`${api}: options.mode must be 'forward', 'reverse' or 'auto', got ${describe(mode)}`);
  }
  return { mode, order };
}

/** The most nonzeros in one column of the pattern. */
function fullestColumn(pattern: SparsityPattern): number {
  const perColumn = new Int32Array(pattern.shape[1]);
  let most = 0;
  for (const j of pattern.cols) most = Math.max(most, ++perColumn[j]!);
  return most;
}

/** @internal The plan of a Jacobian pattern in the given mode ('auto': the colouring with fewer colours). */
export function jacobianPlan(pattern: SparsityPattern, mode: 'forward' | 'reverse' | 'auto', order: ColoringOrder | undefined): Plan {
  const opts = order === undefined ? undefined : { order };
  let kind: 'forward' | 'reverse';
  let coloring: Coloring;
  if (mode === 'auto') {
    const byColumns = columnColoring(pattern, opts);
    // Rows that share a column need colours of their own, so no row colouring takes fewer
    // colours than the fullest column has nonzeros: where the columns' colouring is within
    // that (every banded pattern), the rows' is not made (half of a one-shot sparse Jacobian's
    // planning). Ties went to forward anyway, so the choice is the same.
    const byRows = byColumns.count <= fullestColumn(pattern) ? undefined : rowColoring(pattern, opts);
    kind = byRows === undefined || byColumns.count <= byRows.count ? 'forward' : 'reverse';
    coloring = kind === 'forward' || byRows === undefined ? byColumns : byRows;
  } else {
    kind = mode;
    coloring = mode === 'forward' ? columnColoring(pattern, opts) : rowColoring(pattern, opts);
  }
  const rows = pattern.rowIndices();
  const cols = pattern.cols;
  const p = coloring.count;
  const n = pattern.shape[1];
  const colors = coloring.colors;
  const source = new Int32Array(rows.length);
  for (let e = 0; e < rows.length; e++) {
    const i = rows[e] as number;
    const j = cols[e] as number;
    source[e] = kind === 'forward' ? i * p + (colors[j] as number) : (colors[i] as number) * n + j;
  }
  return { kind, pattern, coloring, rows, cols, source };
}

/**
 * @internal The plan of a Hessian pattern with a star colouring: a diagonal entry is read from
 * its own colour; H[i][j] from row i of colour(j) when j is the only neighbour of i with that
 * colour, else from row j of colour(i) (the star property guarantees one of the two).
 */
export function hessianPlan(pattern: SparsityPattern, order: ColoringOrder | undefined): Plan {
  const coloring = starColoring(pattern, order === undefined ? undefined : { order });
  const { colors, count: p } = coloring;
  const n = pattern.shape[0];
  const rows = pattern.rowIndices();
  const cols = pattern.cols;
  const starts = pattern.rowStarts;
  const seen = new Int32Array(p);
  const source = new Int32Array(rows.length);
  for (let i = 0; i < n; i++) {
    const a = starts[i] as number;
    const b = starts[i + 1] as number;
    for (let e = a; e < b; e++) if (cols[e] !== i) seen[colors[cols[e] as number] as number]! += 1;
    for (let e = a; e < b; e++) {
      const j = cols[e] as number;
      const cj = colors[j] as number;
      source[e] = j === i || seen[cj] === 1 ? i * p + cj : j * p + (colors[i] as number);
    }
    for (let e = a; e < b; e++) if (cols[e] !== i) seen[colors[cols[e] as number] as number] = 0;
  }
  return { kind: 'hessian', pattern, coloring, rows, cols, source };
}

/** @internal The SparseMatrix of a plan's pattern holding `values` (one per nonzero, in the plan's order). */
export function sparseMatrixOf(plan: Plan, values: Float64Array): SparseMatrix {
  return new SparseMatrix(plan.pattern.shape, plan.rows, plan.cols, values, plan.coloring);
}

/** @internal Reads each nonzero out of the compressed result. */
export function decompress(plan: Plan, compressed: Float64Array, into?: Float64Array): SparseMatrix {
  const { source } = plan;
  const values = into ?? new Float64Array(source.length);
  for (let e = 0; e < source.length; e++) values[e] = compressed[source[e] as number] as number;
  return sparseMatrixOf(plan, values);
}

/** Per colour c, a seed giving the inputs of colour c tangent 1: the compressed direction S·e_c. */
function colourSeeds(colors: Int32Array, p: number): ((t: Float64Array) => void)[] {
  const members = Array.from({ length: p }, () => [] as number[]);
  for (let j = 0; j < colors.length; j++) members[colors[j] as number]?.push(j);
  return members.map((js) => (t: Float64Array) => {
    for (let q = 0; q < js.length; q++) t[js[q] as number] = 1;
  });
}

/**
 * @internal Forward mode: B = J·S (m × p), one tangent sweep per column colour, the columns of
 * that colour seeded together. `tangent(t)` is the engine's tangent sweep (the list's own, or a
 * compiled program's), given t with the inputs' tangents set (it writes every other entry's); B's row i is read
 * from the tangent of output i (`outputs[i]`, a constant output's row is 0).
 */
export function forwardCompressed(coloring: Coloring, outputs: readonly number[], length: number, tangent: (t: Float64Array) => void): Float64Array {
  const { colors, count: p } = coloring;
  const m = outputs.length;
  const B = new Float64Array(m * p);
  const t = new Float64Array(length);
  const seeds = colourSeeds(colors, p);
  for (let c = 0; c < p; c++) {
    // The sweep writes every other entry's tangent: only the inputs' (one per column) are reset.
    if (c > 0) t.fill(0, 0, colors.length);
    (seeds[c] as (t: Float64Array) => void)(t);
    tangent(t);
    for (let i = 0; i < m; i++) {
      const r = outputs[i] as number;
      if (r >= 0) B[i * p + c] = t[r] as number;
    }
  }
  return B;
}

/**
 * @internal Reverse mode: C = Sᵀ·J (p × n), one backward sweep per row colour, the rows of that
 * colour seeded together. `vjp(seeds, into)` is the engine's backward sweep: the inputs'
 * adjoints for output adjoints `seeds` (length m) written into `into` (length n).
 */
export function reverseCompressed(coloring: Coloring, m: number, n: number, vjp: (seeds: readonly number[], into: Float64Array) => void): Float64Array {
  const { colors, count: p } = coloring;
  const C = new Float64Array(p * n);
  const seeds = new Array<number>(m);
  for (let c = 0; c < p; c++) {
    for (let i = 0; i < m; i++) seeds[i] = colors[i] === c ? 1 : 0;
    vjp(seeds, C.subarray(c * n, (c + 1) * n));
  }
  return C;
}

/**
 * @internal The Hessian's nonzeros in the plan's order, read from H·S for the colouring's
 * compressed directions (nonzero e from column `source[e] % p` of row `source[e] / p`), by
 * `products` (hessianProducts on some engine) taking `width` directions per sweep, so the
 * tangent arrays held at once stay bounded when there are many colours. The products are read
 * where they are: no n × p block is made (for Rosenbrock at n = 100 that allocation, outside
 * V8's heap, cost a tenth of a compiled sparse Hessian).
 */
export function hessianValues(
  plan: Plan, products: (seeds: ((t: Float64Array) => void)[]) => Float64Array[], width = plan.coloring.count, into?: Float64Array,
): Float64Array {
  const p = plan.coloring.count;
  const { nonzeros, rows, seeds } = readingOf(plan);
  const values = into ?? new Float64Array(plan.source.length);
  for (let c0 = 0; c0 < p; c0 += width) {
    const k = Math.min(width, p - c0);
    const at = products(c0 === 0 && k === p ? seeds : seeds.slice(c0, c0 + k));
    for (let c = 0; c < k; c++) {
      const atc = at[c] as Float64Array;
      const es = nonzeros[c0 + c] as Int32Array;
      const rs = rows[c0 + c] as Int32Array;
      for (let q = 0; q < es.length; q++) values[es[q] as number] = atc[rs[q] as number] as number;
    }
  }
  return values;
}

/**
 * How a Hessian plan's nonzeros are read, by colour c: nonzero `nonzeros[c][q]` is entry
 * `rows[c][q]` of H·S's column c; `seeds[c]` seeds colour c's direction.
 */
interface Reading {
  readonly nonzeros: Int32Array[];
  readonly rows: Int32Array[];
  readonly seeds: ((t: Float64Array) => void)[];
}

const readings = new WeakMap<Plan, Reading>();

/**
 * A Hessian plan's Reading, made once. By colour, so the loop that reads the products back has
 * no test and no division per nonzero (with them it cost a fifth of a compiled sparse Hessian).
 */
function readingOf(plan: Plan): Reading {
  let reading = readings.get(plan);
  if (reading === undefined) {
    const { colors, count: p } = plan.coloring;
    const { source } = plan;
    const nonzeros = Array.from({ length: p }, () => [] as number[]);
    const rows = Array.from({ length: p }, () => [] as number[]);
    for (let e = 0; e < source.length; e++) {
      const s = source[e] as number;
      const c = s % p;
      nonzeros[c]?.push(e);
      rows[c]?.push((s - c) / p);
    }
    reading = { nonzeros: nonzeros.map((e) => Int32Array.from(e)), rows: rows.map((r) => Int32Array.from(r)), seeds: colourSeeds(colors, p) };
    readings.set(plan, reading);
  }
  return reading;
}

/**
 * The Jacobian of f at x as a {@link SparseMatrix}, from far fewer passes than n or m when J
 * is sparse: f is recorded once, its sparsity pattern read from the recording
 * ({@link jacobianSparsity}), the columns (forward mode) or rows (reverse mode) coloured so
 * that no two of one colour overlap, and each colour group computed by one compressed pass.
 * A banded Jacobian takes as many passes as its bandwidth, whatever n is. The pattern is
 * local to the branch f takes at x (see {@link jacobianSparsity}).
 *
 * @example
 * ```ts
 * import { sparseJacobian, sub, add, mul, exp, type Value } from 'dualtape';
 * // a discretised reaction-diffusion residual: a tridiagonal Jacobian in 3 passes
 * const F = (u: Value[]) => u.map((ui, i) => {
 *   const left = i > 0 ? u[i - 1] : 0;
 *   const right = i < u.length - 1 ? u[i + 1] : 0;
 *   return add(sub(add(left, right), mul(2, ui)), mul(0.01, exp(ui)));
 * });
 * const J = sparseJacobian(F, new Array(100).fill(0), { mode: 'forward' });
 * J.nnz; // 298
 * J.colors; // 3
 * ```
 */
export function sparseJacobian(f: VectorFunction, x: ArrayLike<number>, options?: SparseJacobianOptions): SparseMatrix {
  const { mode, order } = checkJacobianOptions('sparseJacobian', options);
  checkFunction('sparseJacobian', f);
  const tape = recordForSparsity('sparseJacobian', f, x);
  const flat = tape.flat();
  const key = `jacobian/${mode}/${order ?? ''}`;
  let plan = rememberedPlan(f, flat, key);
  if (plan === undefined) {
    const dependencies = jacobianDependencies(flat, true);
    plan = jacobianPlan(jacobianPatternOf(dependencies), mode, order);
    rememberPlan(f, flat, dependencies, key, plan);
  }
  const into = valuesInto('sparseJacobian', options, plan);
  const [m, n] = plan.pattern.shape;
  const compressed = plan.kind === 'forward'
    ? forwardCompressed(plan.coloring, flat.outputs, flat.length, (t) => listSweeps().tangent(flat, flat.values, t))
    : reverseCompressed(plan.coloring, m, n, (seeds, adjoints) => adjoints.set(tape.backward(tape.outputIsArray ? seeds : (seeds[0] as number)) as number[]));
  return decompress(plan, compressed, into);
}

/**
 * The Hessian of a scalar f at x as a {@link SparseMatrix} (both triangles): f is recorded
 * once, the Hessian's sparsity read from the recording ({@link hessianSparsity}), its indices
 * star-coloured, and one forward-over-reverse Hessian-vector product taken per colour, all
 * colours in one sweep over the recording (tangents and adjoints in typed arrays). The extended Rosenbrock function, whose Hessian is
 * tridiagonal, takes 3 products at any n. The pattern is local to the branch f takes at x.
 *
 * @example
 * ```ts
 * import { sparseHessian, add, sub, mul, square, type Value } from 'dualtape';
 * const rosenbrock = (x: Value[]) => {
 *   let s: Value = 0;
 *   for (let i = 0; i + 1 < x.length; i++) {
 *     s = add(s, add(mul(100, square(sub(x[i + 1], square(x[i])))), square(sub(1, x[i]))));
 *   }
 *   return s;
 * };
 * const H = sparseHessian(rosenbrock, new Array(100).fill(0.5));
 * H.nnz; // 298 (3n - 2)
 * H.colors; // 3
 * ```
 */
export function sparseHessian(f: ScalarFunction, x: ArrayLike<number>, options?: SparseHessianOptions): SparseMatrix {
  const order = checkOrder('sparseHessian', options);
  checkFunction('sparseHessian', f);
  const tape = recordForSparsity('sparseHessian', f, x);
  checkScalarOutput('sparseHessian', tape);
  const flat = tape.flat();
  const key = `hessian/${order ?? ''}`;
  let plan = rememberedPlan(f, flat, key);
  if (plan === undefined) {
    const read = structuresOf(flat, true);
    plan = hessianPlan(hessianPattern(flat, true, read), order);
    rememberPlan(f, flat, read, key, plan);
  }
  const into = valuesInto('sparseHessian', options, plan);
  return sparseMatrixOf(plan, hessianValues(plan, listHessianProducts(flat), plan.coloring.count, into));
}
