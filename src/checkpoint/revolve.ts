// Binomial checkpointing (Griewank & Walther's revolve, ACM TOMS 2000): the order in which a checkpointed scan recomputes, records and reverses its steps.
//
// Model: reversing steps start .. end-1 needs, for each step i (last first), the carry before
// it, from which the step is run once recorded and its recording swept (a "turn"). Carries
// come from snapshots by re-running steps unrecorded ("advances"). With c snapshots (the
// starting carry counts as one), the fewest advances for k steps are
//   t(k, c) = r·k − β(c + 1, r − 1),  β(c, r) = C(c + r, c),
// where the repetition number r is the smallest with β(c, r) ≥ k (each step is advanced at
// most r times). The schedule below attains it: from a snapshot it advances m steps, keeps
// the carry there as a new snapshot, reverses the steps after it with one snapshot fewer,
// drops it, and reverses the first m with the same number; m is the revolve split
// max(k − β(c − 1, r), β(c, r − 2)), which tests/checkpoint/revolve.test.ts checks against
// an exhaustive search and the formula.

function checkCounts(api: string, k: unknown, c: unknown): void {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) throw new RangeError(`${api}: k (steps) must be a non-negative integer, got ${String(k)}`);
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) throw new RangeError(`${api}: c (snapshots) must be an integer ≥ 1, got ${String(c)}`);
}

/** β(c, r) = C(c + r, c): the most steps c snapshots reverse with repetition number r (0 for r < 0). */
export function binomialRange(c: number, r: number): number {
  if (r < 0) return 0;
  let b = 1;
  for (let j = 1; j <= r; j++) b = (b * (c + j)) / j;
  return Math.round(b);
}

/** The repetition number: the smallest r with β(c, r) ≥ k. */
export function repetitions(k: number, c: number): number {
  let r = 0;
  while (binomialRange(c, r) < k) r++;
  return r;
}

/**
 * The fewest unrecorded step evaluations (advances) that reverse k steps with c snapshots,
 * the starting carry included: r·k − β(c + 1, r − 1). A checkpointed scan's schedule makes
 * this many, plus the k recorded turns; its sweep re-runs fewer (`cost.stepsRecomputed`),
 * because the forward run already kept the carries of the schedule's first descent.
 *
 * @example
 * ```ts
 * import { binomialRecomputations } from 'dualtape';
 * binomialRecomputations(10, 1); // 45: one snapshot, every carry recomputed from the start
 * binomialRecomputations(10, 10); // 9: a snapshot per step, each step run once more
 * binomialRecomputations(1e6, 64); // 4135499: about 4 extra runs of each step
 * ```
 */
export function binomialRecomputations(k: number, c: number): number {
  checkCounts('binomialRecomputations', k, c);
  if (k <= 1) return 0;
  if (c === 1) return (k * (k - 1)) / 2;
  const r = repetitions(k, c);
  return r * k - binomialRange(c + 1, r - 1);
}

/** The split of k steps with c snapshots (2 ≤ k, 2 ≤ c): advance m, then reverse k − m with c − 1 and m with c. */
function split(k: number, c: number): number {
  // It runs once per reversed step, so the β values come from one running product rather
  // than from repetitions() and binomialRange(): β(c, r) = β(c, r − 1)·(c + r)/r, each exact.
  let r = 0;
  let b = 1; // β(c, r)
  let previous = 0; // β(c, r − 1)
  let beforePrevious = 0; // β(c, r − 2)
  while (b < k) {
    beforePrevious = previous;
    previous = b;
    r++;
    b = Math.round((b * (c + r)) / r);
  }
  const fewerSnapshots = Math.round((b * c) / (c + r)); // β(c − 1, r) = β(c, r)·c/(c + r)
  return Math.min(k - 1, Math.max(1, k - fewerSnapshots, beforePrevious));
}

/**
 * The snapshots the schedule's first descent takes (positions, in steps from the start):
 * the carries a forward run from the start can keep on its way, so that the first sweep
 * need not advance to them again. There are at most c − 1 (the start is the c-th).
 *
 * @example
 * ```ts
 * import { firstSnapshots } from 'dualtape';
 * firstSnapshots(10, 3); // [4, 7]: the first sweep starts with carries 0, 4 and 7 at hand
 * ```
 */
export function firstSnapshots(k: number, c: number): number[] {
  checkCounts('firstSnapshots', k, c);
  const positions: number[] = [];
  let start = 0;
  for (let s = c; k - start > 1 && s > 1; s--) {
    start += split(k - start, s);
    positions.push(start);
  }
  return positions;
}

/**
 * What the schedule does to a carry: run steps unrecorded, or turn one step (record it and sweep it backward).
 *
 * @example
 * ```ts
 * import type { RevolveActions } from 'dualtape';
 * let advances = 0;
 * const count: RevolveActions<number> = { advance: (s, from, to) => ((advances += to - from), to), turn: () => undefined };
 * ```
 */
export interface RevolveActions<S> {
  /** The carry after steps from .. to-1, run unrecorded from carry `s` (before step `from`). */
  advance(s: S, from: number, to: number): S;
  /** Step i run recorded from carry `s` (before it) and swept backward. */
  turn(s: S, i: number): void;
  /** A snapshot was taken (+1) or dropped (−1): how many are alive is what bounds the memory. */
  snapshots?(delta: number): void;
}

/**
 * Reverses steps 0 .. k-1 from the starting carry `s0` with at most c snapshots alive
 * (s0 one of them): turns run k-1, k-2, ..., 0, each after its carry was recomputed.
 *
 * @example
 * ```ts
 * import { revolve } from 'dualtape';
 * const turns: number[] = [];
 * revolve(5, 2, 0, { advance: (s, from, to) => s + (to - from), turn: (_, i) => turns.push(i) });
 * turns; // [4, 3, 2, 1, 0]
 * ```
 */
export function revolve<S>(k: number, c: number, s0: S, actions: RevolveActions<S>): void {
  checkCounts('revolve', k, c);
  if (typeof actions !== 'object' || actions === null || typeof actions.advance !== 'function' || typeof actions.turn !== 'function') {
    throw new TypeError('revolve: actions must be an object { advance(s, from, to), turn(s, i) }');
  }
  if (k === 0) return;
  actions.snapshots?.(1);
  reverseRange(0, k, s0, c, actions);
  actions.snapshots?.(-1);
}

/** Reverses steps start .. end-1 from the snapshot s (the carry before `start`), c snapshots allowed (s included). */
function reverseRange<S>(start: number, end: number, s: S, c: number, actions: RevolveActions<S>): void {
  // From each snapshot the schedule advances m steps, keeps the carry there as a new snapshot,
  // reverses the steps after it with one snapshot fewer, drops it, then reverses the first m
  // with the same number. The ranges waiting for their turn are kept on a stack of our own
  // rather than the call stack (with c in the thousands, recursion overflowed it), as
  // parallel arrays: this runs once per step of the scan, and an object per range showed.
  // Range j: steps starts[j] .. ends[j]-1 from snapshot snaps[j] with counts[j] snapshots;
  // every range but the first holds a snapshot the schedule took (dropped when it is done).
  const starts = [start];
  const ends = [end];
  const counts = [c];
  const snaps = [s];
  while (starts.length > 0) {
    const j = starts.length - 1;
    const from = starts[j] as number;
    const to = ends[j] as number;
    const snap = snaps[j] as S;
    if (to - from > 1) {
      const cj = counts[j] as number;
      if (cj === 1) {
        for (let i = to - 1; i > from; i--) actions.turn(actions.advance(snap, from, i), i);
        ends[j] = from + 1;
        continue;
      }
      const m = split(to - from, cj);
      const mid = actions.advance(snap, from, from + m);
      actions.snapshots?.(1);
      ends[j] = from + m;
      starts.push(from + m);
      ends.push(to);
      counts.push(cj - 1);
      snaps.push(mid);
      continue;
    }
    actions.turn(snap, from);
    starts.pop();
    ends.pop();
    counts.pop();
    snaps.pop();
    if (j > 0) actions.snapshots?.(-1);
  }
}
