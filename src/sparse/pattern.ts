// Sparsity patterns read from a Wengert list: index sets pushed forward for J, nonlinear interactions for the Hessian.
import { arities, read } from '../engine/entries';
import { opByCode } from '../ops/opDef';
import type { FlatList } from '../reverse/wengertList';
import { WengertList } from '../reverse/wengertList';
import { checkFunction, type VectorFunction, type ScalarFunction } from '../internal/validate';
import { opStructure, type OpStructure } from './opStructure';
import { checkNumbers } from './checks';
import { rowsOf } from '../internal/arrays';

/**
 * Which entries of an m × n matrix may be nonzero, in compressed-row form.
 *
 * Invariants: row i's column indices are `cols[rowStarts[i] .. rowStarts[i + 1])`, strictly
 * increasing; `rowStarts[0] = 0`, `rowStarts[m] = nnz`. Patterns are immutable.
 *
 * @example
 * ```ts
 * import { jacobianSparsity, mul, sin } from 'dualtape';
 * const p = jacobianSparsity((x) => [mul(x[0], x[1]), sin(x[2])], [1, 2, 3]);
 * p.nnz; // 3
 * p.has(1, 2); // true
 * p.toString(); // '●●·\n··●'
 * ```
 */
export class SparsityPattern {
  readonly shape: readonly [number, number];
  readonly rowStarts: Int32Array;
  readonly cols: Int32Array;

  constructor(shape: readonly [number, number], rowStarts: Int32Array, cols: Int32Array) {
    this.shape = shape;
    this.rowStarts = rowStarts;
    this.cols = cols;
  }

  /** Builds a pattern from one sorted, duplicate-free column list per row. */
  static fromRows(n: number, rows: readonly ArrayLike<number>[]): SparsityPattern {
    const rowStarts = new Int32Array(rows.length + 1);
    for (let i = 0; i < rows.length; i++) rowStarts[i + 1] = (rowStarts[i] as number) + (rows[i] as ArrayLike<number>).length;
    const cols = new Int32Array(rowStarts[rows.length] as number);
    for (let i = 0; i < rows.length; i++) cols.set(rows[i] as ArrayLike<number>, rowStarts[i] as number);
    return new SparsityPattern([rows.length, n], rowStarts, cols);
  }

  /** Number of structural nonzeros. */
  get nnz(): number {
    return this.cols.length;
  }

  /** Whether entry (i, j) may be nonzero. */
  has(i: number, j: number): boolean {
    const end = this.rowStarts[i + 1] as number;
    for (let p = this.rowStarts[i] as number; p < end; p++) if (this.cols[p] === j) return true;
    return false;
  }

  /** The row index of each nonzero (coordinate format, same order as `cols`). */
  rowIndices(): Int32Array {
    const rows = new Int32Array(this.nnz);
    for (let i = 0; i < this.shape[0]; i++) rows.fill(i, this.rowStarts[i] as number, this.rowStarts[i + 1] as number);
    return rows;
  }

  /** The transposed pattern (n × m). */
  transpose(): SparsityPattern {
    const [m, n] = this.shape;
    const starts = new Int32Array(n + 1);
    for (let p = 0; p < this.nnz; p++) starts[(this.cols[p] as number) + 1]! += 1;
    for (let j = 0; j < n; j++) starts[j + 1]! += starts[j] as number;
    const next = starts.slice(0, n);
    const rows = new Int32Array(this.nnz);
    for (let i = 0; i < m; i++) {
      for (let p = this.rowStarts[i] as number; p < (this.rowStarts[i + 1] as number); p++) rows[next[this.cols[p] as number]!++] = i;
    }
    return new SparsityPattern([n, m], starts, rows);
  }

  /** true where an entry may be nonzero. */
  toDense(): boolean[][] {
    const out = rowsOf(this.shape[0], this.shape[1], false);
    for (let i = 0; i < this.shape[0]; i++) {
      for (let p = this.rowStarts[i] as number; p < (this.rowStarts[i + 1] as number); p++) (out[i] as boolean[])[this.cols[p] as number] = true;
    }
    return out;
  }

  /** A text spy plot: `●` for a structural nonzero, `·` for a structural zero, one line per row. */
  toString(): string {
    return this.toDense()
      .map((row) => row.map((b) => (b ? '●' : '·')).join(''))
      .join('\n');
  }
}

/**
 * @internal Index sets of a list's entries in one pool: entry i's set is
 * `pool[start[i] .. start[i] + size[i])`, sorted. Entries whose set is an argument's share
 * its slice (most do: a term joining a set that already has it), so only real unions take room.
 */
export interface IndexSets {
  readonly start: Int32Array;
  readonly size: Int32Array;
  readonly pool: Int32Array;
}

/** @internal What the passes over a list find: per-entry op structures and (where needed) index sets. */
export interface Dependencies {
  readonly flat: FlatList;
  readonly refStart: Int32Array;
  /** Entry i's op structure is `structureTable[structureIds[i]]` (one id per op whose structure holds everywhere, one per pointwise entry). */
  readonly structureIds: Int32Array;
  readonly structureTable: readonly OpStructure[];
  /** Whether some entry's structure was read at the recorded numbers (a rule branching on them). */
  readonly pointwise: boolean;
  /**
   * Per entry, bit k set where argument k's partial is not identically zero (`firstOrder[k]`
   * of its structure, for k < 31; beyond, the structure says): the hot loops read these
   * typed arrays, not an object and an array per entry.
   */
  readonly firstOrderBits: Int32Array;
  /** Index sets of the entries `sets` was asked for (and their ancestors); others are left empty. */
  readonly sets: IndexSets;
}

/** @internal Each entry's op, where its references start, and its op structure. */
export type Structures = Pick<Dependencies, 'flat' | 'refStart' | 'structureIds' | 'structureTable' | 'pointwise' | 'firstOrderBits'>;

/** Entry i's op structure. */
export function structureAt(d: Structures, i: number): OpStructure {
  return d.structureTable[d.structureIds[i] as number] as OpStructure;
}

/** Whether argument k of entry i has a partial that is not identically zero. */
function movesWith(d: Structures, i: number, k: number): boolean {
  return k < 31 ? (((d.firstOrderBits[i] as number) >> k) & 1) === 1 : structureAt(d, i).firstOrder[k] === true;
}

/**
 * @internal Reads each entry's op structure. `atPoint`: rules that branch on the numbers are read at the
 * recorded values (a pattern for this point); otherwise they count as depending on every
 * argument (a pattern for every point of the recorded branch).
 */
export function structuresOf(flat: FlatList, atPoint: boolean): Structures {
  const { length, inputCount, codes, refs, values, constants } = flat;
  if (flat.calls !== undefined && flat.calls.size > 0) {
    throw new TypeError(
      'sparsity: f made checkpointed calls (checkpoint or scan), whose insides the recording does not keep, ' +
        'so no sparsity pattern can be read from it; run f without checkpoint/scan to get its pattern',
    );
  }
  const ar = arities();
  const refStart = new Int32Array(length + 1);
  // Typed arrays per entry, not an array of objects: at 10^5 entries that array alone cost a
  // tenth of a one-shot sparse Jacobian.
  const structureIds = new Int32Array(length);
  const structureTable: OpStructure[] = [];
  const firstOrderBits = new Int32Array(length);
  let pointwise = false;
  // Structures that hold at every point, by op code: the common case costs one array read per entry.
  const knownIds: number[] = [];
  const knownBits: number[] = [];
  const bitsOf = (st: OpStructure): number => {
    let bits = 0;
    for (let k = 0; k < Math.min(31, st.firstOrder.length); k++) if (st.firstOrder[k] === true) bits |= 1 << k;
    return bits;
  };
  for (let i = inputCount; i < length; i++) {
    const code = codes[i] as number;
    const p = refStart[i] as number;
    refStart[i + 1] = p + (ar[code] as number);
    const id = knownIds[code];
    if (id !== undefined) {
      structureIds[i] = id;
      firstOrderBits[i] = knownBits[code] as number;
      continue;
    }
    const op = opByCode(code);
    const argsAt = () => {
      const a = new Array<number>(op.arity);
      for (let k = 0; k < op.arity; k++) {
        a[k] = read(values, constants, refs[p + k] as number);
      }
      return a;
    };
    const st = opStructure(op, argsAt, values[i] as number, atPoint);
    const bits = bitsOf(st);
    if (st.pointwise) pointwise = true;
    else {
      knownIds[code] = structureTable.length;
      knownBits[code] = bits;
    }
    structureIds[i] = structureTable.length;
    structureTable.push(st);
    firstOrderBits[i] = bits;
  }
  return { flat, refStart, structureIds, structureTable, pointwise, firstOrderBits };
}

/** Marks, from the last entry back, the ancestors of what is marked (through partials not identically zero). */
function markAncestors(d: Structures, marks: Uint8Array): void {
  const { refs, inputCount } = d.flat;
  const { refStart } = d;
  for (let i = d.flat.length - 1; i >= inputCount; i--) {
    if (marks[i] === 0) continue;
    const p = refStart[i] as number;
    const arity = (refStart[i + 1] as number) - p;
    for (let k = 0; k < arity; k++) {
      const r = refs[p + k] as number;
      if (r >= 0 && movesWith(d, i, k)) marks[r] = 1;
    }
  }
}

/**
 * Pushes index sets forward through the list for the entries marked in `needed` (and all
 * their ancestors): each input depends on itself; an entry on the union of the sets of those
 * arguments whose partial is not identically zero. Sets are computed only where needed,
 * because a running sum's set grows with every term (O(n²) work for nothing when only the
 * terms' sets matter, as for a Hessian). Kept in typed arrays (see IndexSets): a small array
 * per entry made index sets the largest part of a one-shot sparse Jacobian.
 */
function setsOf(d: Structures, needed: Uint8Array): IndexSets {
  const { length, inputCount, refs } = d.flat;
  markAncestors(d, needed);
  const start = new Int32Array(length);
  const size = new Int32Array(length);
  let pool = new Int32Array(Math.max(64, 2 * inputCount));
  for (let i = 0; i < inputCount; i++) {
    pool[i] = i;
    start[i] = i;
    size[i] = 1;
  }
  let used = inputCount;
  for (let i = inputCount; i < length; i++) {
    if (needed[i] === 0) continue;
    const p = d.refStart[i] as number;
    const arity = (d.refStart[i + 1] as number) - p;
    // The union so far, a slice of the pool.
    let from = 0;
    let count = 0;
    for (let k = 0; k < arity; k++) {
      const r = refs[p + k] as number;
      if (r < 0 || !movesWith(d, i, k)) continue;
      const bFrom = start[r] as number;
      const bCount = size[r] as number;
      if (bCount === 0 || (bFrom === from && bCount === count)) continue;
      if (count === 0) {
        from = bFrom;
        count = bCount;
        continue;
      }
      // Count first: the union is often one of the two, which is then shared.
      const aEnd = from + count;
      const bEnd = bFrom + bCount;
      let x = from;
      let y = bFrom;
      let union = 0;
      while (x < aEnd && y < bEnd) {
        const u = pool[x] as number;
        const v = pool[y] as number;
        if (u <= v) x++;
        if (v <= u) y++;
        union++;
      }
      union += aEnd - x + (bEnd - y);
      if (union === count) continue;
      if (union === bCount) {
        from = bFrom;
        count = bCount;
        continue;
      }
      if (used + union > pool.length) {
        const grown = new Int32Array(Math.max(2 * pool.length, used + union));
        grown.set(pool.subarray(0, used));
        pool = grown;
      }
      let w = used;
      x = from;
      y = bFrom;
      while (x < aEnd && y < bEnd) {
        const u = pool[x] as number;
        const v = pool[y] as number;
        pool[w++] = u <= v ? u : v;
        if (u <= v) x++;
        if (v <= u) y++;
      }
      while (x < aEnd) pool[w++] = pool[x++] as number;
      while (y < bEnd) pool[w++] = pool[y++] as number;
      from = used;
      count = union;
      used = w;
    }
    start[i] = from;
    size[i] = count;
  }
  return { start, size, pool };
}

/** @internal The dependencies a Jacobian pattern needs: the index sets of the outputs. */
export function jacobianDependencies(flat: FlatList, atPoint: boolean): Dependencies {
  const d = structuresOf(flat, atPoint);
  const needed = new Uint8Array(flat.length);
  for (const r of flat.outputs) if (r >= 0) needed[r] = 1;
  return { ...d, sets: setsOf(d, needed) };
}

/** The Jacobian pattern (outputs × inputs) of a list's dependencies. */
export function jacobianPatternOf(d: Dependencies): SparsityPattern {
  const { outputs } = d.flat;
  const { start, size, pool } = d.sets;
  const m = outputs.length;
  const rowStarts = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) {
    const r = outputs[i] as number;
    rowStarts[i + 1] = (rowStarts[i] as number) + (r >= 0 ? (size[r] as number) : 0);
  }
  const cols = new Int32Array(rowStarts[m] as number);
  for (let i = 0; i < m; i++) {
    const r = outputs[i] as number;
    if (r < 0) continue;
    const from = start[r] as number;
    const to = from + (size[r] as number);
    let w = rowStarts[i] as number;
    for (let q = from; q < to; q++) cols[w++] = pool[q] as number;
  }
  return new SparsityPattern([m, d.flat.inputCount], rowStarts, cols);
}

/**
 * The Hessian pattern of a scalar list: H = Σ_v v̄ · Jᵀ ∇²op J over the entries v, so an entry
 * adds pairs only if its adjoint can be nonzero (a path of nonzero partials reaches the
 * output), and then G_a × G_b for each pair (a, b) of arguments its rule makes interact.
 * Index sets are computed only for those arguments (and their ancestors).
 */
export function hessianPattern(flat: FlatList, atPoint: boolean, read: Structures = structuresOf(flat, atPoint)): SparsityPattern {
  const d = read;
  const { refStart } = d;
  const { length, inputCount, refs } = flat;
  const n = inputCount;
  const live = new Uint8Array(length);
  const out = flat.outputs[0] as number;
  if (out >= 0) live[out] = 1;
  markAncestors(d, live);
  const needed = new Uint8Array(length);
  for (let i = inputCount; i < length; i++) {
    if (live[i] === 0) continue;
    const pairs = structureAt(d, i).pairs;
    const p = refStart[i] as number;
    for (let q = 0; q < pairs.length; q++) {
      const r = refs[p + (pairs[q] as number)] as number;
      if (r >= 0) needed[r] = 1;
    }
  }
  const { start, size, pool } = setsOf(d, needed);
  const edges = new EdgeList(n);
  for (let i = inputCount; i < length; i++) {
    if (live[i] === 0) continue;
    const pairs = structureAt(d, i).pairs;
    const p = refStart[i] as number;
    for (let q = 0; q < pairs.length; q += 2) {
      const ra = refs[p + (pairs[q] as number)] as number;
      const rb = refs[p + (pairs[q + 1] as number)] as number;
      if (ra < 0 || rb < 0) continue;
      const aEnd = (start[ra] as number) + (size[ra] as number);
      const bFrom = start[rb] as number;
      const bEnd = bFrom + (size[rb] as number);
      for (let x = start[ra] as number; x < aEnd; x++) for (let y = bFrom; y < bEnd; y++) edges.add(pool[x] as number, pool[y] as number);
    }
  }
  return edges.pattern();
}

/**
 * Symmetric pairs collected in two flat typed arrays and turned into a pattern by two counting
 * sorts (by column, then stably by row) and one pass dropping repeats: no per-row arrays, no
 * comparison sorts. @internal
 */
export class EdgeList {
  readonly #n: number;
  #rows: Int32Array = new Int32Array(256);
  #cols: Int32Array = new Int32Array(256);
  #count = 0;
  /** Past this many pairs (repeats included) the list is deduplicated before growing further. */
  #limit: number;

  constructor(n: number, limit = 1 << 20) {
    this.#n = n;
    this.#limit = limit;
  }

  add(a: number, b: number): void {
    if (this.#count + 2 > this.#rows.length) this.#grow();
    this.#rows[this.#count] = a;
    this.#cols[this.#count++] = b;
    if (a !== b) {
      this.#rows[this.#count] = b;
      this.#cols[this.#count++] = a;
    }
  }

  #grow(): void {
    if (this.#count >= this.#limit) {
      // One pair met along many paths: drop the repeats rather than keep them all.
      const p = this.pattern();
      this.#rows = p.rowIndices();
      this.#cols = p.cols.slice();
      this.#count = p.nnz;
      this.#limit = Math.max(this.#limit, 4 * p.nnz);
      if (this.#count + 2 <= this.#rows.length) return;
    }
    const size = Math.max(this.#rows.length * 2, this.#count + 2);
    const rows = new Int32Array(size);
    const cols = new Int32Array(size);
    rows.set(this.#rows.subarray(0, this.#count));
    cols.set(this.#cols.subarray(0, this.#count));
    this.#rows = rows;
    this.#cols = cols;
  }

  pattern(): SparsityPattern {
    const n = this.#n;
    const e = this.#count;
    const rows = this.#rows;
    const cols = this.#cols;
    const counts = new Int32Array(n + 1);
    for (let k = 0; k < e; k++) counts[(cols[k] as number) + 1]! += 1;
    for (let j = 0; j < n; j++) counts[j + 1]! += counts[j] as number;
    const byCol = new Int32Array(e);
    for (let k = 0; k < e; k++) byCol[counts[cols[k] as number]!++] = k;
    counts.fill(0);
    for (let k = 0; k < e; k++) counts[(rows[k] as number) + 1]! += 1;
    for (let i = 0; i < n; i++) counts[i + 1]! += counts[i] as number;
    const order = new Int32Array(e);
    for (let q = 0; q < e; q++) {
      const k = byCol[q] as number;
      order[counts[rows[k] as number]!++] = k;
    }
    const rowStarts = new Int32Array(n + 1);
    const out = new Int32Array(e);
    let w = 0;
    let lastRow = -1;
    let lastCol = -1;
    for (let q = 0; q < e; q++) {
      const k = order[q] as number;
      const r = rows[k] as number;
      const c = cols[k] as number;
      if (r === lastRow && c === lastCol) continue;
      out[w++] = c;
      rowStarts[r + 1]! += 1;
      lastRow = r;
      lastCol = c;
    }
    for (let i = 0; i < n; i++) rowStarts[i + 1]! += rowStarts[i] as number;
    return new SparsityPattern([n, n], rowStarts, out.slice(0, w));
  }
}

/** Records f at x for the sparsity APIs (numbers only: a pattern is structure, not a derivative to nest). */
export function recordForSparsity(api: string, f: VectorFunction, x: unknown): WengertList {
  checkFunction(api, f);
  const xs = checkNumbers(api, 'x', x);
  const tape = new WengertList(xs);
  tape.run(api, f);
  return tape;
}

/** @internal Rejects a vector-valued recording where a scalar f is needed. */
export function checkScalarOutput(api: string, tape: WengertList): void {
  if (tape.outputIsArray) {
    throw new TypeError(
      `${api}: f must return a single number, but it returned an array of ${tape.outputCount}; ` +
        'for a vector-valued f use sparseJacobian (or jacobianSparsity)',
    );
  }
}

/**
 * The sparsity pattern of the Jacobian of f at x (m × n): entry (i, j) is in it when output
 * i depends on input j through a chain of primitives whose partials are not identically
 * zero. The pattern is read from one recording, so it is **local to the recorded branch**:
 * where f branches (with `lt`, `select`, `ifElse`, or on `primal(...)`) another point may take
 * a branch with another pattern. Rules that branch on the numbers (`relu`, `min`, `max`,
 * `pow` at 0) are read at x.
 *
 * @example
 * ```ts
 * import { jacobianSparsity, sub, mul, type Value } from 'dualtape';
 * // differences of neighbours: a bidiagonal Jacobian
 * const p = jacobianSparsity((x: Value[]) => [sub(x[1], x[0]), sub(x[2], x[1])], [1, 2, 3]);
 * p.toString(); // '●●·\n·●●'
 * ```
 */
export function jacobianSparsity(f: VectorFunction, x: ArrayLike<number>): SparsityPattern {
  const tape = recordForSparsity('jacobianSparsity', f, x);
  return jacobianPatternOf(jacobianDependencies(tape.flat(), true));
}

/**
 * The sparsity pattern of the Hessian of a scalar f at x (n × n, symmetric, both triangles):
 * entry (j, k) is in it when some primitive on a path to the output has a nonzero second
 * partial in arguments depending on x_j and x_k, as its own rule says: `add`, `sub`, `neg`
 * and products with constants add none, `mul(a, b)` only the cross terms a·b, `sin(a)` the
 * pairs within a. Like {@link jacobianSparsity}, local to the recorded branch.
 *
 * @example
 * ```ts
 * import { hessianSparsity, mul, add, sin, type Value } from 'dualtape';
 * const p = hessianSparsity((x: Value[]) => add(mul(x[0], x[1]), sin(x[2])), [1, 2, 3]);
 * p.toString(); // '·●·\n●··\n··●'
 * ```
 */
export function hessianSparsity(f: ScalarFunction, x: ArrayLike<number>): SparsityPattern {
  const tape = recordForSparsity('hessianSparsity', f, x);
  checkScalarOutput('hessianSparsity', tape);
  return hessianPattern(tape.flat(), true);
}
