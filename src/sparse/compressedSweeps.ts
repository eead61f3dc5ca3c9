// Compressed sweeps over a numeric recording in typed arrays: p tangents per entry (J·S), and forward-over-reverse (H·S).
//
// Why not replay the list with chunked duals (forward/chunk.ts, transforms/hessian.ts)? That path runs every
// primitive and every adjoint update through AD values: a handful of objects per entry and
// direction, which dominated a sparse Hessian by two orders of magnitude. Here tangents and
// adjoints live in Float64Arrays; the only AD values made are for each *nonlinear* entry on a
// path to the output: its partials rule run once on chunked duals (one direction per argument)
// gives its second partials, straight from the op table.
import { read as readArgument } from '../engine/entries';
import { checkedPartials, type OpDef } from '../ops/opDef';
import { ChunkDual, ChunkTrace, splitChunk } from '../forward/chunk';
import { partialsKernel } from '../symbolic/index';
import type { Value } from '../ops/value';
import type { FlatList } from '../reverse/wengertList';
import { structuresOf, type Structures } from './pattern';
import { constantSecondPartials, type OpStructure } from './opStructure';

/** Second partials that are the same at every point, per op (undefined: taken at each entry). */
const constantSeconds = new Map<OpDef, Float64Array | undefined>();

/** The arguments of the entry whose references start at p, as numbers. */
function argsAt(flat: FlatList, p: number, arity: number): number[] {
  const a = new Array<number>(arity);
  for (let k = 0; k < arity; k++) {
    a[k] = readArgument(flat.values, flat.constants, flat.refs[p + k] as number);
  }
  return a;
}

/**
 * The second partials ∂²y/∂a_k∂a_l of one entry for the pairs its structure lists, into `out`
 * (one per pair): the entry's partials rule run on chunked duals seeded with one direction per
 * argument, y carrying the first partials `d` as its tangents (dy = Σ_k d_k da_k).
 */
function secondPartials(op: OpDef, args: number[], y: number, d: Float64Array, dStart: number, pairs: Int32Array, out: Float64Array): void {
  const arity = op.arity;
  const trace = new ChunkTrace(`second partials of ${op.name} (sparseHessian)`, arity);
  try {
    const xs = args.map((a, k) => {
      const t = new Float64Array(arity);
      t[k] = 1;
      return new ChunkDual(a, t, trace);
    });
    const partials = checkedPartials(op, xs, new ChunkDual(y, d.subarray(dStart, dStart + arity), trace));
    for (let q = 0; q < pairs.length; q += 2) {
      const tangents = splitChunk('sparseHessian', partials[pairs[q] as number] as Value, trace)[1];
      out[q >> 1] = tangents[pairs[q + 1] as number] as number;
    }
  } finally {
    trace.active = false;
  }
}

/**
 * @internal The forward sweep with p tangents per entry: input j seeded with e_{colors[j]}
 * (the seed matrix S). Returns the first partials D (by reference slot, kept for a reverse
 * sweep) and the tangents T (length × p, row-major): the rows of J·S at the outputs.
 */
export function compressedTangents(flat: FlatList, read: Structures, colors: Int32Array, p: number): { D: Float64Array; T: Float64Array } {
  const { length, inputCount, refs, values, constants } = flat;
  const { ops, refStart } = read;
  const D = new Float64Array(refStart[length] as number);
  const T = new Float64Array(length * p);
  for (let j = 0; j < inputCount; j++) T[j * p + (colors[j] as number)] = 1;
  const out = new Float64Array(2);
  for (let i = inputCount; i < length; i++) {
    const op = ops[i] as OpDef;
    const arity = op.arity;
    const s = refStart[i] as number;
    const kernel = arity <= 2 ? partialsKernel(op) : undefined;
    if (kernel !== undefined) {
      const v0 = readArgument(values, constants, refs[s] as number);
      let v1 = 0;
      if (arity === 2) {
        v1 = readArgument(values, constants, refs[s + 1] as number);
      }
      kernel(v0, v1, values[i] as number, out);
      D[s] = out[0] as number;
      if (arity === 2) D[s + 1] = out[1] as number;
    } else {
      const d = checkedPartials(op, argsAt(flat, s, arity), values[i] as number);
      for (let k = 0; k < arity; k++) D[s + k] = d[k] as number;
    }
    const ti = i * p;
    for (let k = 0; k < arity; k++) {
      const r = refs[s + k] as number;
      const d = D[s + k] as number;
      // As in every sweep: a zero partial or a zero tangent contributes nothing (no 0·∞).
      if (r < 0 || d === 0) continue;
      const tr = r * p;
      for (let c = 0; c < p; c++) {
        const t = T[tr + c] as number;
        if (t !== 0) T[ti + c] += d * t;
      }
    }
  }
  return { D, T };
}

/**
 * H·S for a scalar recording at its current values, S the n × p seed matrix with
 * S[j][colors[j]] = 1: returns B (n × p, row-major). One forward sweep carries p tangents per
 * entry; one reverse sweep carries each adjoint with its p tangents. `read`: the entries'
 * structures at these values, if already read (by the pattern).
 */
export function compressedHessianProducts(flat: FlatList, colors: Int32Array, p: number, read: Structures = structuresOf(flat, true)): Float64Array {
  const { length, inputCount, refs, values } = flat;
  const { ops, refStart, structures } = read;
  const n = inputCount;
  const { D, T } = compressedTangents(flat, read, colors, p);
  // Reverse: adjoints A and their tangents AT (the Hessian-vector products, at the inputs).
  const A = new Float64Array(length);
  const AT = new Float64Array(length * p);
  const y = flat.outputs[0] as number;
  if (y >= 0) A[y] = 1;
  let h = new Float64Array(0);
  for (let i = length - 1; i >= inputCount; i--) {
    const a = A[i] as number;
    const ti = i * p;
    let anyTangent = false;
    for (let c = 0; c < p; c++) if (AT[ti + c] !== 0) anyTangent = true;
    if (a === 0 && !anyTangent) continue;
    const op = ops[i] as OpDef;
    const s = refStart[i] as number;
    for (let k = 0; k < op.arity; k++) {
      const r = refs[s + k] as number;
      const d = D[s + k] as number;
      if (r < 0 || d === 0) continue;
      A[r] += a * d;
      if (anyTangent) {
        const tr = r * p;
        for (let c = 0; c < p; c++) {
          const t = AT[ti + c] as number;
          if (t !== 0) AT[tr + c] += t * d;
        }
      }
    }
    const pairs = (structures[i] as OpStructure).pairs;
    if (a === 0 || pairs.length === 0) continue;
    let coupled = false;
    for (let q = 0; q < pairs.length; q += 2) {
      if ((refs[s + (pairs[q] as number)] as number) >= 0 && (refs[s + (pairs[q + 1] as number)] as number) >= 0) coupled = true;
    }
    // Only constants meet in this entry's nonlinear pairs (mul by a constant): nothing second-order.
    if (!coupled) continue;
    // d(∂y/∂a_k) = Σ_l h_kl da_l: the second-order term of the adjoint's tangent.
    let known = constantSeconds.get(op);
    if (known === undefined && !constantSeconds.has(op)) {
      known = constantSecondPartials(op, argsAt(flat, s, op.arity), values[i] as number, pairs);
      // Cached only for pair lists the op always has (rules that branch on numbers may vary them).
      constantSeconds.set(op, known);
    }
    if (known === undefined && h.length < pairs.length) h = new Float64Array(pairs.length);
    if (known === undefined) secondPartials(op, argsAt(flat, s, op.arity), values[i] as number, D, s, pairs, h);
    const hs = known ?? h;
    for (let q = 0; q < pairs.length; q += 2) {
      const hk = hs[q >> 1] as number;
      if (hk === 0) continue;
      const rk = refs[s + (pairs[q] as number)] as number;
      const rl = refs[s + (pairs[q + 1] as number)] as number;
      if (rk < 0 || rl < 0) continue;
      const ah = a * hk;
      for (let c = 0; c < p; c++) {
        const tl = T[rl * p + c] as number;
        if (tl !== 0) AT[rk * p + c] += ah * tl;
        if (pairs[q] !== pairs[q + 1]) {
          const tk = T[rk * p + c] as number;
          if (tk !== 0) AT[rl * p + c] += ah * tk;
        }
      }
    }
  }
  return AT.slice(0, n * p);
}
