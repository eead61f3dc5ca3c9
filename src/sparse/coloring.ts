// Graph colourings of sparsity patterns: columns for forward mode, rows for reverse mode, star for symmetric Hessians.
import { describe } from '../ops/value';
import { SparsityPattern } from './pattern';

/**
 * The vertex order greedy colouring visits: `natural` (index order), `largest-first`
 * (decreasing degree) or `smallest-last` (repeatedly set aside a vertex of least remaining
 * degree and colour in reverse; optimal on banded and other chordal structures).
 *
 * @example
 * ```ts
 * import type { ColoringOrder } from 'dualtape';
 * const order: ColoringOrder = 'smallest-last';
 * ```
 */
export type ColoringOrder = 'natural' | 'largest-first' | 'smallest-last';

/**
 * A colouring: `colors[v]` in 0 .. count-1 for each column (or row, or Hessian index). Each
 * colour is one compressed pass.
 *
 * @example
 * ```ts
 * import { columnColoring, jacobianSparsity, sub, type Value } from 'dualtape';
 * const p = jacobianSparsity((x: Value[]) => [sub(x[1], x[0]), sub(x[2], x[1]), sub(x[3], x[2])], [1, 2, 3, 4]);
 * columnColoring(p).count; // 2
 * ```
 */
export interface Coloring {
  readonly kind: 'column' | 'row' | 'star';
  readonly order: ColoringOrder;
  readonly colors: Int32Array;
  readonly count: number;
}

/**
 * Options of the colourings.
 *
 * @example
 * ```ts
 * import type { ColoringOptions } from 'dualtape';
 * const options: ColoringOptions = { order: 'largest-first' };
 * ```
 */
export interface ColoringOptions {
  /** Default `'smallest-last'`. */
  order?: ColoringOrder;
}

/** An undirected graph in compressed-row form (no self-loops, each edge in both rows). */
interface Graph {
  readonly starts: Int32Array;
  readonly adj: Int32Array;
}

/** Adjacency lists built row by row into one growing Int32Array (a number[] and its copy showed in one-shot sparse Jacobians). */
class AdjacencyBuilder {
  adj = new Int32Array(256);
  length = 0;

  push(v: number): void {
    if (this.length === this.adj.length) {
      const grown = new Int32Array(2 * this.adj.length);
      grown.set(this.adj);
      this.adj = grown;
    }
    this.adj[this.length++] = v;
  }

  done(starts: Int32Array): Graph {
    return { starts, adj: this.adj.slice(0, this.length) };
  }
}

/** The column intersection graph: columns j, k adjacent when some row has both. */
function columnGraph(p: SparsityPattern): Graph {
  const t = p.transpose();
  const n = p.shape[1];
  const mark = new Int32Array(n).fill(-1);
  const starts = new Int32Array(n + 1);
  const adj = new AdjacencyBuilder();
  for (let j = 0; j < n; j++) {
    mark[j] = j;
    for (let q = t.rowStarts[j] as number; q < (t.rowStarts[j + 1] as number); q++) {
      const i = t.cols[q] as number;
      for (let s = p.rowStarts[i] as number; s < (p.rowStarts[i + 1] as number); s++) {
        const k = p.cols[s] as number;
        if (mark[k] !== j) {
          mark[k] = j;
          adj.push(k);
        }
      }
    }
    starts[j + 1] = adj.length;
  }
  return adj.done(starts);
}

/** The adjacency graph of a symmetric pattern (its off-diagonal entries). */
function symmetricGraph(p: SparsityPattern): Graph {
  const n = p.shape[0];
  const starts = new Int32Array(n + 1);
  const adj = new AdjacencyBuilder();
  for (let i = 0; i < n; i++) {
    for (let s = p.rowStarts[i] as number; s < (p.rowStarts[i + 1] as number); s++) if (p.cols[s] !== i) adj.push(p.cols[s] as number);
    starts[i + 1] = adj.length;
  }
  return adj.done(starts);
}

function degree(g: Graph, v: number): number {
  return (g.starts[v + 1] as number) - (g.starts[v] as number);
}

function ordering(g: Graph, order: ColoringOrder): Int32Array {
  const n = g.starts.length - 1;
  // Plain loops: Int32Array.from over {length: n} with a map function cost about 100 ns per vertex.
  if (order === 'natural' || order === 'largest-first') {
    const natural = new Int32Array(n);
    for (let i = 0; i < n; i++) natural[i] = i;
    return order === 'natural' ? natural : natural.sort((a, b) => degree(g, b) - degree(g, a) || a - b);
  }
  // smallest-last: a bucket queue on the remaining degree, each bucket a doubly linked list
  // in typed arrays (head[d], next, previous), a vertex moved to the front of its new bucket
  // when its degree drops.
  const deg = new Int32Array(n);
  let maxDeg = 0;
  for (let v = 0; v < n; v++) {
    const d = degree(g, v);
    deg[v] = d;
    if (d > maxDeg) maxDeg = d;
  }
  const head = new Int32Array(maxDeg + 1).fill(-1);
  const next = new Int32Array(n);
  const previous = new Int32Array(n);
  const insert = (v: number, d: number): void => {
    const h = head[d] as number;
    next[v] = h;
    previous[v] = -1;
    if (h >= 0) previous[h] = v;
    head[d] = v;
  };
  const unlink = (v: number, d: number): void => {
    const p = previous[v] as number;
    const q = next[v] as number;
    if (p >= 0) next[p] = q;
    else head[d] = q;
    if (q >= 0) previous[q] = p;
  };
  // Inserted in index order, so ties are set aside highest index first and coloured last: colours then read a, b, c, ... along a band.
  for (let v = 0; v < n; v++) insert(v, deg[v] as number);
  const removed = new Uint8Array(n);
  const out = new Int32Array(n);
  let low = 0;
  for (let k = n - 1; k >= 0; k--) {
    while (head[low] === -1) low++;
    const v = head[low] as number;
    unlink(v, low);
    removed[v] = 1;
    out[k] = v;
    for (let s = g.starts[v] as number; s < (g.starts[v + 1] as number); s++) {
      const w = g.adj[s] as number;
      if (removed[w] === 0) {
        const d = deg[w] as number;
        unlink(w, d);
        deg[w] = d - 1;
        insert(w, d - 1);
        if (d - 1 < low) low = d - 1;
      }
    }
  }
  return out;
}

/** Greedy distance-1 colouring of g in the given order. */
function greedy(g: Graph, order: Int32Array): { colors: Int32Array; count: number } {
  const n = order.length;
  const colors = new Int32Array(n).fill(-1);
  const forbidden = new Int32Array(n + 1).fill(-1);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const v = order[k] as number;
    for (let s = g.starts[v] as number; s < (g.starts[v + 1] as number); s++) {
      const c = colors[g.adj[s] as number] as number;
      if (c >= 0) forbidden[c] = v;
    }
    let c = 0;
    while (forbidden[c] === v) c++;
    colors[v] = c;
    if (c + 1 > count) count = c + 1;
  }
  return { colors, count };
}

function checkOrder(api: string, options: unknown): ColoringOrder {
  if (options === undefined) return 'smallest-last';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${api}: options must be an object, got ${describe(options)}`);
  const order = (options as ColoringOptions).order ?? 'smallest-last';
  if (order !== 'natural' && order !== 'largest-first' && order !== 'smallest-last') {
    throw new RangeError(`${api}: options.order must be 'natural', 'largest-first' or 'smallest-last', got ${describe(order)}`);
  }
  return order;
}

function checkPattern(api: string, p: unknown): SparsityPattern {
  if (!(p instanceof SparsityPattern)) throw new TypeError(`${api}: pattern must be a SparsityPattern (from jacobianSparsity or hessianSparsity), got ${describe(p)}`);
  return p;
}

/**
 * Colours the columns of a Jacobian pattern so that no two columns of one colour share a row
 * (a distance-2 colouring of the bipartite row/column graph). Columns of one colour can then
 * be seeded together in one forward pass: `count` passes instead of n.
 *
 * @example
 * ```ts
 * import { columnColoring, jacobianSparsity, mul, type Value } from 'dualtape';
 * const p = jacobianSparsity((x: Value[]) => x.map((xi) => mul(xi, xi)), [1, 2, 3]);
 * columnColoring(p).count; // 1: a diagonal Jacobian in one pass
 * ```
 */
export function columnColoring(pattern: SparsityPattern, options?: ColoringOptions): Coloring {
  const p = checkPattern('columnColoring', pattern);
  const order = checkOrder('columnColoring', options);
  const g = columnGraph(p);
  return { kind: 'column', order, ...greedy(g, ordering(g, order)) };
}

/**
 * Colours the rows of a Jacobian pattern so that no two rows of one colour share a column:
 * rows of one colour share one reverse sweep (their output adjoints seeded together).
 *
 * @example
 * ```ts
 * import { rowColoring, jacobianSparsity, add, type Value } from 'dualtape';
 * const p = jacobianSparsity((x: Value[]) => [add(x[0], x[1]), add(x[1], x[2]), x[3]], [1, 2, 3, 4]);
 * rowColoring(p).count; // 2
 * ```
 */
export function rowColoring(pattern: SparsityPattern, options?: ColoringOptions): Coloring {
  const p = checkPattern('rowColoring', pattern);
  const order = checkOrder('rowColoring', options);
  const g = columnGraph(p.transpose());
  return { kind: 'row', order, ...greedy(g, ordering(g, order)) };
}

/**
 * A star colouring of a symmetric (Hessian) pattern: neighbours get different colours and
 * every path on four vertices uses at least three colours. Then each off-diagonal entry
 * H[j][k] is read directly from one compressed Hessian-vector product (Gebremedhin, Manne
 * and Pothen's greedy algorithm), usually with fewer colours than a column colouring.
 *
 * @example
 * ```ts
 * import { starColoring, hessianSparsity, add, mul, square, type Value } from 'dualtape';
 * // an arrowhead Hessian: x0 couples to every other variable
 * const p = hessianSparsity((x: Value[]) => add(mul(x[0], add(x[1], x[2])), square(x[3])), [1, 2, 3, 4]);
 * starColoring(p).count; // 2 (a column colouring needs 3)
 * ```
 */
export function starColoring(pattern: SparsityPattern, options?: ColoringOptions): Coloring {
  const p = checkPattern('starColoring', pattern);
  const order = checkOrder('starColoring', options);
  if (p.shape[0] !== p.shape[1]) throw new RangeError(`starColoring: pattern must be square (a Hessian pattern), got ${p.shape[0]} × ${p.shape[1]}`);
  const g = symmetricGraph(p);
  const n = p.shape[0];
  const colors = new Int32Array(n).fill(-1);
  const forbidden = new Int32Array(n + 1).fill(-1);
  const { starts, adj } = g;
  let count = 0;
  for (const v of ordering(g, order)) {
    for (let s = starts[v] as number; s < (starts[v + 1] as number); s++) {
      const w = adj[s] as number;
      const cw = colors[w] as number;
      if (cw >= 0) forbidden[cw] = v;
      for (let t = starts[w] as number; t < (starts[w + 1] as number); t++) {
        const x = adj[t] as number;
        const cx = colors[x] as number;
        if (x === v || cx < 0) continue;
        if (cw < 0) {
          // w uncoloured: x's colour on v would leave v-w-x open to a two-coloured path later.
          forbidden[cx] = v;
        } else {
          // x and w coloured: v = colour(x) would close the path v-w-x-y with y coloured like w.
          for (let u = starts[x] as number; u < (starts[x + 1] as number); u++) {
            const y = adj[u] as number;
            if (y !== w && colors[y] === cw) {
              forbidden[cx] = v;
              break;
            }
          }
        }
      }
    }
    let c = 0;
    while (forbidden[c] === v) c++;
    colors[v] = c;
    if (c + 1 > count) count = c + 1;
  }
  return { kind: 'star', order, colors, count };
}

/**
 * Checks a colouring against a pattern: for `column`, no two columns of one colour share a
 * row; for `row`, no two rows of one colour share a column; for `star`, neighbours differ
 * and no path on four vertices has only two colours. Returns a description of the first
 * violation, or undefined when the colouring is valid.
 *
 * @example
 * ```ts
 * import { checkColoring, columnColoring, jacobianSparsity, mul, type Value } from 'dualtape';
 * const p = jacobianSparsity((x: Value[]) => [mul(x[0], x[1])], [1, 2]);
 * checkColoring(p, columnColoring(p)); // undefined
 * ```
 */
export function checkColoring(pattern: SparsityPattern, coloring: Coloring): string | undefined {
  const p = checkPattern('checkColoring', pattern);
  const { colors } = coloring;
  if (coloring.kind === 'star') {
    const g = symmetricGraph(p);
    const { starts, adj } = g;
    // Star ⇔ for every edge (i, j): j is the only neighbour of i coloured like j, or i the only neighbour of j coloured like i.
    const unique = (i: number, j: number) => {
      for (let s = starts[i] as number; s < (starts[i + 1] as number); s++) {
        const k = adj[s] as number;
        if (k !== j && colors[k] === colors[j]) return false;
      }
      return true;
    };
    for (let i = 0; i < p.shape[0]; i++) {
      for (let s = starts[i] as number; s < (starts[i + 1] as number); s++) {
        const j = adj[s] as number;
        if (colors[i] === colors[j]) return `neighbours ${i} and ${j} share colour ${colors[i]}`;
        if (!unique(i, j) && !unique(j, i)) return `a path through ${i} and ${j} uses only colours ${colors[i]} and ${colors[j]}`;
      }
    }
    return undefined;
  }
  const q = coloring.kind === 'column' ? p : p.transpose();
  const what = coloring.kind === 'column' ? 'columns' : 'rows';
  const [m, n] = q.shape;
  if (colors.length !== n) return `${colors.length} colours for ${n} ${what}`;
  const seen = new Int32Array(coloring.count).fill(-1);
  for (let i = 0; i < m; i++) {
    for (let s = q.rowStarts[i] as number; s < (q.rowStarts[i + 1] as number); s++) {
      const j = q.cols[s] as number;
      const c = colors[j] as number;
      if (!(c >= 0 && c < coloring.count)) return `${what} ${j} has no valid colour`;
      if (seen[c] === i) return `two ${what} of colour ${c} share line ${i} (one of them ${j})`;
      seen[c] = i;
    }
  }
  return undefined;
}
