// The second-order sweep: the backward sweep differentiated along k directions at once (forward-over-reverse on a flat list).
//
// Why a sweep of its own: differentiating the backward sweep `a[r] += a[i]·∂v_i/∂v_r` along a
// direction gives `ȧ[r] += ȧ[i]·∂v_i/∂v_r + a[i]·(∂v_i/∂v_r)˙`, where the last factor is the
// partial's own tangent. That tangent comes from the op's partials rule run on chunked duals
// (values = the entry's arguments and value, tangents = theirs along the k directions), so the
// second derivatives are the op table's rules differentiated by the table itself: no second
// copy of the calculus, and every op (user-defined, branching on values) takes part. The
// tangents of the entries come from the backend's own tangent sweep, one per direction.
// Every contribution goes through accumulate.ts, so the zero-skip conventions are the first
// order ones: a zero adjoint, adjoint tangent or partial (tangent) contributes nothing.
import { checkedPartials, opByCode } from '../ops/opDef';
import { ChunkDual, ChunkTrace } from '../forward/chunk';
import type { Value } from '../ops/value';
import { addAdjoint, contributes } from './accumulate';
import { arities, entryPartials, partialsScratch, read } from './entries';
import { partialTangentsKernel } from './partialTangents';
import type { SweepList } from './sweeps';

const out = partialsScratch();

/**
 * The tangent-of-adjoint sweep over `list` along k = t.length directions.
 *
 * On entry: `v` holds every entry's value; `t[c]` every entry's tangent along direction c
 * (a tangent sweep per direction); `a` the output adjoints (seeds) and zeros; `at[c]` the
 * outputs' adjoint tangents along direction c (usually zeros) and zeros elsewhere.
 * On return: `a` every entry's adjoint, as the backward sweep gives it, and `at[c]` every
 * entry's adjoint tangent: for a scalar f seeded with 1, at[c][0 .. n) is H·d_c, the
 * Hessian times direction c. Where a partial meets a zero adjoint (tangent) or a zero
 * partial (tangent) meets anything, nothing is added (accumulate.ts). `generated: false`
 * keeps to code that needs no `new Function` (the plain interpreter's route).
 *
 * @example
 * ```ts
 * // f = x0·x1 at (2, 5), direction e_0: H·e_0 = [0, 1]
 * // v = [2, 5, 10], t = [[1, 0, 5]], a = [0, 0, 1], at = [[0, 0, 0]]
 * // secondOrderSweep(list, v, t, a, at) → a = [5, 2, 1], at = [[0, 1, 0]]
 * ```
 */
export function secondOrderSweep(
  list: SweepList, v: Float64Array, t: readonly Float64Array[], a: Float64Array, at: readonly Float64Array[], generated = true,
): void {
  const { codes, refs, constants: c, inputCount } = list;
  const k = t.length;
  const ar = arities();
  const trace = new ChunkTrace('second-order sweep (forward over reverse)', k);
  // dd[q·k + c]: the tangent of partial q along direction c.
  const dd = new Float64Array(64 * k);
  const seeds = new Float64Array(k);
  try {
    let p = list.refCount;
    for (let i = list.length - 1; i >= inputCount; i--) {
      const code = codes[i] as number;
      const n = ar[code] as number;
      p -= n;
      const g = a[i] as number;
      let tangentSeed = false;
      for (let d = 0; d < k; d++) {
        const s = (at[d] as Float64Array)[i] as number;
        seeds[d] = s;
        if (s !== 0) tangentSeed = true;
      }
      if (g === 0 && !tangentSeed) continue;
      entryPartials(code, p, i, refs, c, v, out);
      // The partials' tangents matter only where the adjoint itself is nonzero (they meet it).
      const moving = g !== 0 && partialTangents(code, p, i, refs, c, v, t, trace, dd, generated);
      for (let q = 0; q < n; q++) {
        const r = refs[p + q] as number;
        if (r < 0) continue;
        const d = out[q] as number;
        addAdjoint(a, r, g, d);
        for (let e = 0; e < k; e++) {
          const target = at[e] as Float64Array;
          // ȧ_r += ȧ_i·d + a_i·ḋ: each product only where it contributes, summed as the
          // tangent of the product a_i·d is (then added once, like the first-order term).
          const first = contributes(seeds[e] as number, d);
          const second = moving && contributes(g, dd[q * k + e] as number);
          if (first && second) target[r] += (seeds[e] as number) * d + g * (dd[q * k + e] as number);
          else if (first) target[r] += (seeds[e] as number) * d;
          else if (second) target[r] += g * (dd[q * k + e] as number);
        }
      }
    }
  } finally {
    trace.active = false;
  }
}

/**
 * The tangents of entry i's partials along every direction, into dd[q·k + c]; false (dd left
 * alone) when no argument moves, so every partial's tangent is zero. With `generated`, ops
 * with a derived tree run its generated tangent program (partialTangents.ts); the others, and
 * every op without `generated`, run their rule on chunked duals: the same numbers either way.
 */
function partialTangents(
  code: number, p: number, i: number, refs: Int32Array, c: Float64Array, v: Float64Array,
  t: readonly Float64Array[], trace: ChunkTrace, dd: Float64Array, generated: boolean,
): boolean {
  const op = opByCode(code);
  const k = t.length;
  let moving = false;
  for (let q = 0; q < op.arity && !moving; q++) {
    const r = refs[p + q] as number;
    if (r < 0) continue;
    for (let e = 0; e < k; e++) {
      if ((t[e] as Float64Array)[r] !== 0) {
        moving = true;
        break;
      }
    }
  }
  if (!moving) return false;
  const kernel = generated ? partialTangentsKernel(op) : undefined;
  if (kernel !== undefined) {
    const r0 = refs[p] as number;
    const r1 = op.arity === 2 ? (refs[p + 1] as number) : -1;
    kernel(read(v, c, r0), op.arity === 2 ? read(v, c, r1) : 0, v[i] as number, t, r0, r1, i, dd);
    return true;
  }
  const tangentsOf = (r: number): Float64Array | undefined => {
    let live = false;
    const ts = new Float64Array(k);
    for (let e = 0; e < k; e++) {
      const x = (t[e] as Float64Array)[r] as number;
      ts[e] = x;
      if (x !== 0) live = true;
    }
    return live ? ts : undefined;
  };
  const args = new Array<Value>(op.arity);
  for (let q = 0; q < op.arity; q++) {
    const r = refs[p + q] as number;
    const ts = r >= 0 ? tangentsOf(r) : undefined;
    args[q] = ts === undefined ? read(v, c, r) : new ChunkDual(read(v, c, r), ts, trace);
  }
  const ty = tangentsOf(i);
  const y: Value = ty === undefined ? (v[i] as number) : new ChunkDual(v[i] as number, ty, trace);
  const partials = checkedPartials(op, args, y);
  for (let q = 0; q < op.arity; q++) {
    const d = partials[q] as Value;
    if (d instanceof ChunkDual && d.trace === trace) {
      for (let e = 0; e < k; e++) dd[q * k + e] = d.tangents[e] as number;
    } else if (typeof d === 'number') {
      for (let e = 0; e < k; e++) dd[q * k + e] = 0;
    } else {
      throw new TypeError(`${op.name}: its partials rule returned an AD value of another transformation; rules must not capture AD values`);
    }
  }
  return true;
}
