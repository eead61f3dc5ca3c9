// Which way a compiled Jacobian is cheaper: n tangent sweeps or m backward sweeps, counted in the entries each sweep really computes.
import { arities } from '../engine/entries';
import type { SweepList } from '../engine/sweeps';

/** The work of both ways to a Jacobian, in entries computed (see {@link jacobianCost}). */
export interface JacobianCost {
  /** Σ over inputs j of the entries that depend on input j: what n tangent sweeps compute. */
  readonly forward: number;
  /** Σ over outputs i of the entries output i depends on: what m backward sweeps compute. */
  readonly reverse: number;
  /** True when the counts are exact; false when the list was too large to count and passes × entries stood in. */
  readonly exact: boolean;
  /**
   * Per output, the first entry past the inputs that it depends on (where its backward sweep
   * may stop; the inputs' count when unknown). Entries before it and after the output's own
   * keep adjoint 0 in that sweep.
   */
  readonly coneStarts?: Int32Array;
}

// Bit sets of up to this many words in all (4 MB) are counted exactly; past that, passes × entries.
const MAX_WORDS = 1 << 20;

/**
 * The cost of a Jacobian both ways. A tangent sweep computes an entry's partials only where
 * some argument's tangent is nonzero, and a backward sweep only where its adjoint is nonzero,
 * so the work of sweep j is the number of entries in its cone: the entries that depend on input
 * j (forward), or that output i depends on (reverse). Each cone is counted with one bit per
 * input (output) per entry, propagated once forward (backward) through the list. Where
 * those bit sets would be too large, each sweep is counted as every entry: n·L against m·L.
 *
 * @example
 * ```ts
 * // f(x) = [x0·x1, sin(x0)]: entries x0, x1, x0·x1, sin(x0)
 * // forward: x0 reaches 2 entries, x1 reaches 1 → 3; reverse: y0 needs 1, y1 needs 1 → 2
 * ```
 */
export function jacobianCost(list: SweepList, outputs: readonly number[]): JacobianCost {
  const { inputCount: n, length, codes, refs } = list;
  const m = outputs.length;
  const entries = length - n;
  const wn = Math.ceil(n / 32);
  const wm = Math.ceil(m / 32);
  if (length * (wn + wm) > MAX_WORDS) return { forward: n * entries, reverse: m * entries, exact: false };
  const ar = arities();
  const bitsIn = new Uint32Array(length * wn);
  for (let j = 0; j < n; j++) bitsIn[j * wn + (j >>> 5)] = 1 << (j & 31);
  let forward = 0;
  let p = 0;
  for (let i = n; i < length; i++) {
    const arity = ar[codes[i] as number] as number;
    for (let q = 0; q < arity; q++) {
      const r = refs[p + q] as number;
      if (r < 0) continue;
      for (let w = 0; w < wn; w++) bitsIn[i * wn + w]! |= bitsIn[r * wn + w] as number;
    }
    p += arity;
    for (let w = 0; w < wn; w++) forward += popcount(bitsIn[i * wn + w] as number);
  }
  const bitsOut = new Uint32Array(length * wm);
  outputs.forEach((r, k) => {
    if (r >= 0) bitsOut[r * wm + (k >>> 5)]! |= 1 << (k & 31);
  });
  let reverse = 0;
  const coneStarts = new Int32Array(m).fill(n);
  p = list.refCount;
  for (let i = length - 1; i >= n; i--) {
    const arity = ar[codes[i] as number] as number;
    p -= arity;
    let any = false;
    for (let w = 0; w < wm; w++) {
      let bits = bitsOut[i * wm + w] as number;
      if (bits !== 0) any = true;
      reverse += popcount(bits);
      // Entries are met last to first, so the last one marked is each cone's first.
      while (bits !== 0) {
        const low = bits & -bits;
        coneStarts[w * 32 + (31 - Math.clz32(low))] = i;
        bits ^= low;
      }
    }
    if (!any) continue;
    for (let q = 0; q < arity; q++) {
      const r = refs[p + q] as number;
      if (r < 0) continue;
      for (let w = 0; w < wm; w++) bitsOut[r * wm + w]! |= bitsOut[i * wm + w] as number;
    }
  }
  return { forward, reverse, exact: true, coneStarts };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

// Every sweep also passes over every entry (a zero test where it computes nothing, about a
// tenth of computing one) and has a fixed cost of its own (clearing, seeding, copying out,
// worth some fifty entries). Without them a Jacobian of 1 input and 200 outputs counted the
// same both ways (600 entries) and took 200 backward sweeps, 100 times the one tangent sweep.
const VISIT = 0.1;
const PER_SWEEP = 50;

/**
 * Whether n tangent sweeps are cheaper than m backward sweeps for a list of `length`
 * entries: the entries each way computes (`cost`), plus what every sweep pays however few
 * it computes. Ties go to reverse.
 *
 * @example
 * ```ts
 * // 1 input, 200 outputs y_i = sin(a_i·x): 600 entries computed either way, 1 sweep against 200
 * // forwardIsCheaper({ forward: 600, reverse: 600, exact: true }, 1, 200, 601); // true
 * ```
 */
export function forwardIsCheaper(cost: JacobianCost, n: number, m: number, length: number): boolean {
  const perSweep = VISIT * length + PER_SWEEP;
  return cost.forward + n * perSweep < cost.reverse + m * perSweep;
}
