// Timing: medians of repeated batches, so a noisy machine gives stable ratios.

export interface Timing {
  /** Median seconds per call. */
  median: number;
  /** Fastest batch, seconds per call. */
  fastest: number;
  samples: number;
}

/**
 * Times `fn` by running it in batches long enough to measure (about `batchMs` each) and
 * returning the median time per call over `samples` batches.
 *
 * Warm-up first runs fn for `warmupMs` (at least 3 calls) so the batch size is chosen from
 * optimised code: sizing it from the first, cold call (as an earlier version did) made
 * batches of a handful of unoptimised calls and inflated fast functions up to 50×.
 * Slow functions get fewer samples so one timing stays within about `budgetMs`.
 */
type Loop = (fn: () => unknown, reps: number) => unknown;

/**
 * A timing loop of its own for each method: one loop shared by every method sees many
 * functions at its call site, and V8 then inlines none of them, while the first method timed
 * in a process (usually the hand-written baseline) was inlined: a 20 ns method measured 31-35 ns
 * through the shared loop. A loop made with new Function has its own type feedback.
 */
function ownLoop(): Loop {
  return new Function('fn', 'reps', '"use strict"; let sink; for (let i = 0; i < reps; i++) sink = fn(); return sink;') as Loop;
}

export function time(
  fn: () => unknown,
  { samples = 11, batchMs = 40, warmupMs = 200, budgetMs = 4000 } = {},
): Timing {
  const loop = ownLoop();
  let sink: unknown;
  let calls = 0;
  // Every method starts from a collected heap (the child runs with --expose-gc): otherwise a
  // method timed after one that made much garbage (a fresh recording of 10^4 entries per
  // call) paid for collecting it, 1.2-1.5× on a compiled gradient timed next.
  (globalThis as { gc?: () => void }).gc?.();
  const w0 = performance.now();
  do {
    consume(loop(fn, 1));
    calls++;
  } while (calls < 3 || performance.now() - w0 < warmupMs);
  let reps = 1;
  let dt: number;
  for (;;) {
    const t0 = performance.now();
    sink = loop(fn, reps);
    dt = performance.now() - t0;
    if (dt >= batchMs / 4 || reps > 1e8) break;
    reps *= 4;
  }
  reps = Math.max(1, Math.round((reps * batchMs) / Math.max(dt, 1e-3)));
  const perBatchMs = (dt / Math.max(1, reps)) * reps;
  const n = Math.max(3, Math.min(samples, Math.floor(budgetMs / Math.max(perBatchMs, batchMs))));
  const perCall: number[] = [];
  for (let s = 0; s < n; s++) {
    const t0 = performance.now();
    sink = loop(fn, reps);
    perCall.push((performance.now() - t0) / 1000 / reps);
  }
  consume(sink);
  perCall.sort((a, b) => a - b);
  return { median: perCall[Math.floor(perCall.length / 2)]!, fastest: perCall[0]!, samples: n };
}

let blackhole = 0;
function consume(v: unknown): void {
  if (typeof v === 'number') blackhole += v;
  else if (Array.isArray(v) && typeof v[0] === 'number') blackhole += v[0] as number;
}
export function blackholeValue(): number {
  return blackhole;
}

export function formatSeconds(s: number): string {
  if (s < 1e-6) return `${(s * 1e9).toFixed(0)} ns`;
  if (s < 1e-3) return `${(s * 1e6).toFixed(1)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`;
  return `${s.toFixed(2)} s`;
}

export function formatRatio(r: number): string {
  return r >= 100 ? `${Math.round(r).toLocaleString('en-US')}×` : `${r.toFixed(r >= 10 ? 1 : 2)}×`;
}

/** Largest relative difference between two vectors (absolute below 1). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(a[i] as number), Math.abs(b[i] as number));
    if (!(d <= worst)) worst = d;
  }
  return worst;
}
