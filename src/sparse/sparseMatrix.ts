// The result of a sparse Jacobian or Hessian: coordinate format, sorted by row then column.
import type { Coloring } from './coloring';
import { rowsOf } from '../internal/arrays';

/**
 * A sparse matrix in coordinate (COO) format: entry k is `values[k]` at (`rows[k]`, `cols[k]`),
 * sorted by row then column, one entry per structural nonzero (an entry may hold an
 * exact 0 where the derivative happens to vanish at this point). A Hessian lists both
 * triangles. `colors` is the number of compressed passes that computed it. `rows` and `cols`
 * are shared by every result of the same pattern (a Newton loop's Hessians are not copied
 * twice per call): read them, do not write them.
 *
 * @example
 * ```ts
 * import { sparseJacobian, mul, type Value } from 'dualtape';
 * const J = sparseJacobian((x: Value[]) => x.map((xi) => mul(xi, xi)), [1, 2, 3]);
 * J.nnz; // 3
 * J.colors; // 1: a diagonal Jacobian from one pass
 * J.toDense(); // [[2, 0, 0], [0, 4, 0], [0, 0, 6]]
 * ```
 */
export class SparseMatrix {
  readonly shape: readonly [number, number];
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float64Array;
  /** Number of colours, i.e. compressed passes (forward passes, reverse sweeps or Hessian-vector products). */
  readonly colors: number;
  /** The colouring used: which column (forward), row (reverse) or index (Hessian, star) got which colour. */
  readonly coloring: Coloring;

  /** @internal */
  constructor(shape: readonly [number, number], rows: Int32Array, cols: Int32Array, values: Float64Array, coloring: Coloring) {
    this.shape = shape;
    this.rows = rows;
    this.cols = cols;
    this.values = values;
    this.coloring = coloring;
    this.colors = coloring.count;
  }

  /** Number of stored (structural) nonzeros. */
  get nnz(): number {
    return this.values.length;
  }

  /** The entry at (i, j): its value if stored, else 0 (binary search in the sorted coordinates). */
  get(i: number, j: number): number {
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const r = this.rows[mid] as number;
      const c = this.cols[mid] as number;
      if (r < i || (r === i && c < j)) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.values.length && this.rows[lo] === i && this.cols[lo] === j ? (this.values[lo] as number) : 0;
  }

  /** The dense matrix (rows × cols arrays of numbers, zeros filled in). */
  toDense(): number[][] {
    const out = rowsOf(this.shape[0], this.shape[1], 0);
    for (let k = 0; k < this.values.length; k++) (out[this.rows[k] as number] as number[])[this.cols[k] as number] = this.values[k] as number;
    return out;
  }
}
