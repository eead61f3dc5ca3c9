// compile's search for loops in a list: runs of repetitions (the same op codes, every argument
// reference moving by a constant stride from one repetition to the next) that the re-rolled
// backend (reroll.ts) writes as JavaScript loops.
//
// Measured (2026-12-01, Node 20): the search on Rosenbrock n = 10^6 (9·10^6 entries) took 160-300 ms
// (1.6 s before it walked the list once); on an irregular list whose op codes repeat every 3
// entries, 40-80 ms per 8·10^4 (9 s before candidates were rejected without allocating).
import { arities, refOffsets } from '../engine/entries';
import type { SweepList } from '../engine/sweeps';

/**
 * One run of repetitions: entries start .. start + period·reps - 1, repetition k (0-based)
 * being entries start + k·period .. start + (k+1)·period - 1. Argument slot j of entry
 * start + o in repetition k is `first[o][j] + k·stride[o][j]`.
 */
export interface LoopRun {
  readonly start: number;
  readonly period: number;
  readonly reps: number;
  /** The references of repetition 0, per entry of the body. */
  readonly first: readonly (readonly number[])[];
  /** How far each reference moves from one repetition to the next. */
  readonly stride: readonly (readonly number[])[];
}

/** Tuning of the run search (exported for tests). */
export interface RunSearchOptions {
  /** Fewest repetitions worth a loop (at least 3). Default 4. */
  minReps?: number;
  /** Longest loop body (entries) looked for. Default 256: a longer body makes a function V8 may not optimise. */
  maxPeriod?: number;
}

const WINDOW = 4;
const CANDIDATES = 8;

/** A growing open-addressing table from 32-bit hashes to the latest entry that had them (a Map of 10^5 numbers costs more than the whole search). */
class LatestByHash {
  #keys = new Int32Array(1 << 10);
  #values = new Int32Array(1 << 10).fill(-1);
  #count = 0;

  /** Records entry i under hash h; returns the entry recorded under h before (-1 if none). */
  swap(h: number, i: number): number {
    if (2 * this.#count >= this.#keys.length) this.#grow();
    const mask = this.#keys.length - 1;
    let b = Math.imul(h, 0x9e3779b1) & mask;
    while (this.#values[b] !== -1 && this.#keys[b] !== h) b = (b + 1) & mask;
    const before = this.#values[b] as number;
    if (before === -1) this.#count++;
    this.#keys[b] = h;
    this.#values[b] = i;
    return before;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Int32Array(keys.length * 2);
    this.#values = new Int32Array(keys.length * 2).fill(-1);
    this.#count = 0;
    for (let b = 0; b < keys.length; b++) if (values[b] !== -1) this.swap(keys[b] as number, values[b] as number);
  }
}

/**
 * The loop runs of a list, in list order, not overlapping. An entry's signature (op code,
 * and for each argument whether it is an entry, an input or a constant) is hashed over a
 * window of WINDOW entries. The search walks the list once: at entry i, each earlier entry j
 * whose window hashed the same (most recent first) gives a candidate run starting at j with
 * period i - j, checked exactly (same codes, and every reference moving by the same stride
 * from one repetition to the next) and grown repetition by repetition; a run found is
 * jumped over, so a loop costs the search its first two repetitions only. The first and last
 * repetitions of a loop often differ (an accumulator starting as the constant 0); they simply
 * match nothing and stay straight-line code, as does whatever no run covers.
 */
export function findRuns(list: SweepList, options: RunSearchOptions = {}): LoopRun[] {
  if (list.calls !== undefined && list.calls.size > 0) return [];
  const minReps = Math.max(3, options.minReps ?? 4);
  const maxPeriod = options.maxPeriod ?? 256;
  const { inputCount, length, codes, refs } = list;
  const ar = arities();
  const off = refOffsets(list);
  const sig = (i: number): number => {
    let h = ((codes[i] as number) + 1) * 0x9e3779b1;
    for (let q = off[i] as number; q < (off[i + 1] as number); q++) {
      const r = refs[q] as number;
      h = Math.imul(h ^ (r < 0 ? 1 : r < inputCount ? 2 : 3), 0x85ebca6b);
    }
    return h;
  };
  const windowHash = (i: number): number => {
    let h = 0;
    for (let w = 0; w < WINDOW; w++) h = Math.imul(h ^ sig(i + w), 0xcc9e2d51) + w;
    return h;
  };

  /** Whether entry e + P repeats entry e with the references of e moved by `stride` (or, with stride undefined, the same op and kinds). */
  const repeats = (e: number, P: number, stride: number[] | undefined): boolean => {
    const f = e + P;
    if (codes[f] !== codes[e]) return false;
    const n = ar[codes[e] as number] as number;
    const pe = off[e] as number;
    const pf = off[f] as number;
    for (let j = 0; j < n; j++) {
      const a = refs[pe + j] as number;
      const b = refs[pf + j] as number;
      if (a < 0 !== b < 0) return false;
      if (stride !== undefined && b - a !== stride[j]) return false;
    }
    return true;
  };

  /** Whether entries e, e + P and e + 2P have the same op, and each reference moves by the same stride twice. No allocation: most candidates fail here. */
  const steady = (e: number, P: number): boolean => {
    const f = e + P;
    const g = f + P;
    const code = codes[e];
    if (codes[f] !== code || codes[g] !== code) return false;
    const n = ar[code as number] as number;
    const pe = off[e] as number;
    const pf = off[f] as number;
    const pg = off[g] as number;
    for (let j = 0; j < n; j++) {
      const a = refs[pe + j] as number;
      const b = refs[pf + j] as number;
      const c = refs[pg + j] as number;
      if (a < 0 !== b < 0 || b < 0 !== c < 0 || b - a !== c - b) return false;
    }
    return true;
  };

  /** The run of period P starting at s, or undefined if it has fewer than minReps repetitions. */
  const grow = (s: number, P: number): LoopRun | undefined => {
    if (s + minReps * P > length) return undefined;
    // Entry by entry, the strides from repetition 0 to 1 must be those from 1 to 2: an irregular
    // list whose op codes happen to repeat (sig ignores where references point) fails at once
    // here, rather than after P entries (which made the search quadratic on such lists).
    for (let o = 0; o < P; o++) if (!steady(s + o, P)) return undefined;
    const first: number[][] = [];
    const stride: number[][] = [];
    for (let o = 0; o < P; o++) {
      const e = s + o;
      const n = ar[codes[e] as number] as number;
      const pe = off[e] as number;
      const pf = off[e + P] as number;
      const rs: number[] = [];
      const ds: number[] = [];
      for (let j = 0; j < n; j++) {
        rs.push(refs[pe + j] as number);
        ds.push((refs[pf + j] as number) - (refs[pe + j] as number));
      }
      first.push(rs);
      stride.push(ds);
    }
    let reps = 3;
    for (; s + (reps + 1) * P <= length; reps++) {
      const base = s + (reps - 1) * P;
      let ok = true;
      for (let o = 0; o < P && ok; o++) ok = repeats(base + o, P, stride[o]);
      if (!ok) break;
    }
    return reps >= minReps ? { start: s, period: P, reps, first, stride } : undefined;
  };

  // Earlier entries with the same window hash (prevWindow) and, for the last few entries that
  // have no whole window, the same signature (prevSig): chains of candidates, most recent first.
  const prevWindow = new Int32Array(length);
  const prevSig = new Int32Array(length);
  const byWindow = new LatestByHash();
  const bySig = new LatestByHash();
  const runs: LoopRun[] = [];
  let lo = inputCount;
  for (let i = inputCount; i < length; ) {
    const windowed = i + WINDOW <= length;
    prevWindow[i] = windowed ? byWindow.swap(windowHash(i), i) : -1;
    prevSig[i] = bySig.swap(sig(i), i);
    let run: LoopRun | undefined;
    for (const chain of windowed ? [prevWindow] : [prevSig]) {
      for (let j = chain[i] as number, tries = 0; j >= lo && i - j <= maxPeriod && tries < CANDIDATES && run === undefined; j = chain[j] as number, tries++) {
        run = grow(j, i - j);
      }
    }
    if (run === undefined) {
      i++;
    } else {
      runs.push(run);
      i = lo = run.start + run.period * run.reps;
    }
  }
  return outerRuns(runs, grow, maxPeriod);
}

/**
 * Nested loops: where inner runs come at a constant distance Q with the same stretch of
 * other entries between them (W4's rows: an irregular first step, then a run), the whole of
 * one outer iteration may repeat with period Q; such an outer run (checked exactly, like any
 * run) replaces the inner ones it covers. Its body is longer, but there is one loop instead of
 * many, and a backward sweep can skip whole outer iterations (a Jacobian row touches one).
 */
function outerRuns(runs: LoopRun[], grow: (s: number, P: number) => LoopRun | undefined, maxPeriod: number): LoopRun[] {
  const end = (r: LoopRun) => r.start + r.period * r.reps;
  const out: LoopRun[] = [];
  for (let k = 0; k < runs.length; ) {
    const r = runs[k] as LoopRun;
    const next = runs[k + 1];
    const before = out.length > 0 ? end(out[out.length - 1] as LoopRun) : 0;
    let outer: LoopRun | undefined;
    if (next !== undefined && next.period === r.period) {
      const Q = next.start - r.start;
      const gap = next.start - end(r);
      if (Q <= maxPeriod) {
        for (const s of [r.start - gap, r.start]) {
          if (outer === undefined && s >= before) outer = grow(s, Q);
        }
      }
    }
    if (outer === undefined) {
      out.push(r);
      k++;
      continue;
    }
    out.push(outer);
    const stop = end(outer);
    while (k < runs.length && (runs[k] as LoopRun).start < stop) k++;
    // A run overlapping the outer run's end (one that repeats less often) is dropped: its entries go straight-line.
  }
  return out;
}

/** Entries per list in straight-line code above which re-rolling gives way to the interpreter (V8 leaves big straight-line code unoptimised). */
export const STRAIGHT_LIMIT = 2000;

/** How much of a list its runs cover: entries in loops, and entries left to straight-line code. */
export function coverage(list: SweepList, runs: readonly LoopRun[]): { looped: number; straight: number } {
  const looped = runs.reduce((s, r) => s + r.period * r.reps, 0);
  return { looped, straight: list.length - list.inputCount - looped };
}
