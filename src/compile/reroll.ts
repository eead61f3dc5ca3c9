// compile's loop re-rolling backend: repeated stretches of a list (a loop in f) emitted as JavaScript loops, the rest as straight-line code.
//
// Why: a list records a loop of f unrolled. Straight-line code for it is one statement per
// entry, and V8 leaves such large functions unoptimised, so lists over a few hundred entries
// ran on the op-code interpreter at several ns per entry. Here each run of repetitions (the
// same op codes, every argument reference moving by a constant stride from one repetition
// to the next) becomes one `for` loop whose body is the repetition's entries, written with
// the same per-op templates as the straight-line code and the interpreter (entryEmitters,
// src/engine/templates.ts), so the three give the same numbers bit for bit. A small hot
// loop is what V8 optimises best.
//
// Measured (2026-12-01, Node 20, 2 cores shared with other jobs; benchmarks/tools/rerollProbe.ts:
// best of interleaved batches, × the hand-written code of benchmarks/workloads.ts in the same run;
// the hand-written Rosenbrock time itself moved 21-70 µs between runs, so ranges are given):
//   Rosenbrock gradient n = 10^4 (9·10^4 entries, one run of 9,998 × 8): 3.6-8.2× (interpreter 12-36×)
//   Rosenbrock gradient n = 10^6 (9·10^6 entries): 6.7-8.5× (interpreter 34-61×); memory-bound: the
//     sweeps read and write v and a, 72 MB each, where the fused loop touches x and g only
//   W3 scalar loop, K = 10^4: 0.8-1.1× (interpreter 1.9-2.3×)
//   W4 Jacobian 50×50: 3.4-4.2× (interpreter 43-47×), after the backward sweep learned to skip
//     repetitions whose adjoints are all 0 (12-24× before) and nested loops became one outer run
//   compile (run search + code generation, cold JIT): 45-65 ms per 9·10^4 entries; 360-640 ms per
//     9·10^6 (run search 160-300 ms; 1.6 s before it walked the list once); the search on an
//     irregular list whose op codes repeat every 3 entries: 40-80 ms per 8·10^4 (9 s before
//     candidates were rejected without allocating). All ≤ 100 ms per 10^5 entries.
// Where the Rosenbrock gradient went (n = 10^4, 2026-12-01): evaluate ~1.1-1.3× hand-written,
// backward ~1.5-2×, the rest clearing and copying. What took it from 7.7× to 4.0-4.3× (and
// n = 10^6 from 6.7-15.6× to 4.3×; 2026-12-02, benchmarks/tools/rerollProbe.ts):
//   - the backward sweep runs first without its zero tests (the tests cost 1.5× the arithmetic;
//     see addAdjointUncheckedCode for why the result is exact where it is finite);
//   - adjoints that pass from one repetition to the next (an accumulator's) and the inputs'
//     adjoints read at stride 1 (x[i], x[i + 1]) stay in locals, as the hand-written loop keeps
//     its carry in a register: each `$a[...] +=` through memory waited on the store before it;
//   - the gradient's forward sweep (evaluateForBackward) stores only what is read later, and
//     the backward loop computes cheap values again instead of reading them: the forward loop
//     then touches x only, where it wrote 8 values per repetition.
// What remains is passes over n: x copied in, the evaluate and backward loops, the gradient
// array allocated and copied out (the hand-written loop makes one pass).
// WebAssembly (benchmarks group B) ran the same sweeps 1.0-1.7× faster than the re-rolled JS
// before these changes: not worth a second backend.
import { opByCode } from '../ops/opDef';
import { canGenerateCode, numberLiteral } from '../symbolic/index';
import { arities } from '../engine/entries';
import type { GuardRecord } from '../engine/guards';
import { evaluateComparison } from '../ops/compare';
import type { SweepList } from '../engine/sweeps';
import { backwardTemplate, tangentTemplate, valueTemplate, type ArgSlot, type Deps } from '../engine/templates';
import type { Program } from './program';
import { canGenerateFor, entryEmitters, secondOrderProgram, straightChunks, type Emit } from './straightLine';

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

/** Where each entry's references start in `refs` (index length: refCount). */
function refOffsets(list: SweepList): Int32Array {
  const ar = arities();
  const offsets = new Int32Array(list.length + 1);
  let p = 0;
  for (let i = list.inputCount; i < list.length; i++) {
    offsets[i] = p;
    p += ar[list.codes[i] as number] as number;
  }
  offsets[list.length] = p;
  return offsets;
}

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

/** A run of recorded comparisons: guards start .. start + period·reps - 1, references moving by `stride` per repetition. */
export interface GuardRun {
  readonly start: number;
  readonly period: number;
  readonly reps: number;
  /** Per guard of the body, the strides of its two references. */
  readonly stride: readonly (readonly [number, number])[];
}

/**
 * Runs of repeated comparisons in a list's guards (a comparison inside f's loop records one
 * guard per iteration): the same kinds and outcomes, references at constant strides.
 */
export function findGuardRuns(guards: readonly GuardRecord[], minReps = 4, maxPeriod = 16): GuardRun[] {
  const same = (g: GuardRecord, h: GuardRecord) => g.kind === h.kind && g.outcome === h.outcome && g.a < 0 === h.a < 0 && g.b < 0 === h.b < 0;
  const runs: GuardRun[] = [];
  let s = 0;
  while (s < guards.length) {
    let found: GuardRun | undefined;
    for (let Q = 1; Q <= maxPeriod && found === undefined && s + minReps * Q <= guards.length; Q++) {
      const stride: [number, number][] = [];
      let ok = true;
      for (let o = 0; o < Q && ok; o++) {
        const g = guards[s + o] as GuardRecord;
        const h = guards[s + Q + o] as GuardRecord;
        ok = same(g, h);
        stride.push([h.a - g.a, h.b - g.b]);
      }
      if (!ok) continue;
      let reps = 2;
      for (; s + (reps + 1) * Q <= guards.length; reps++) {
        let next = true;
        for (let o = 0; o < Q && next; o++) {
          const g = guards[s + (reps - 1) * Q + o] as GuardRecord;
          const h = guards[s + reps * Q + o] as GuardRecord;
          const [da, db] = stride[o] as [number, number];
          next = same(g, h) && h.a - g.a === da && h.b - g.b === db;
        }
        if (!next) break;
      }
      if (reps >= minReps) found = { start: s, period: Q, reps, stride };
    }
    if (found === undefined) {
      s++;
    } else {
      runs.push(found);
      s += found.period * found.reps;
    }
  }
  return runs;
}

/**
 * The guard check as generated code: a function of the values that is true when every
 * recorded comparison comes out as recorded (compile then describes a flip with
 * flippedGuard, which walks the guards one by one). Each comparison is evaluateComparison
 * itself, called with its kind as a literal (V8 inlines it and folds the switch). Undefined
 * where `new Function` is not allowed or more than `limit` guards sit outside runs.
 */
export function guardCheck(guards: readonly GuardRecord[], constants: Float64Array, limit = STRAIGHT_LIMIT): ((v: Float64Array) => boolean) | undefined {
  if (!canGenerateCode() || guards.length === 0) return undefined;
  const runs = findGuardRuns(guards);
  const looped = runs.reduce((n, r) => n + r.period * r.reps, 0);
  if (guards.length - looped > limit) return undefined;
  const plus = (base: string, n: number) => (n === 0 ? base : n > 0 ? `${base} + ${n}` : `${base} - ${-n}`);
  const ref = (r: number, d: number, reps: number): string => {
    if (r >= 0) return `$v[${d === 0 ? r : plus(d === 1 ? 'k' : `${d} * k`, r)}]`;
    const c0 = constants[-1 - r] as number;
    let same = true;
    for (let k = 1; k < reps && same; k++) same = Object.is(constants[-1 - (r + k * d)], c0);
    return same ? numberLiteral(c0) : `$c[${plus(-d === 1 ? 'k' : `${-d} * k`, -1 - r)}]`;
  };
  const test = (g: GuardRecord, a: string, b: string) => `if (EC('${g.kind}', ${a}, ${b}) !== ${g.outcome}) return false;`;
  const lines: string[] = [];
  let at = 0;
  const straight = (to: number) => {
    for (; at < to; at++) {
      const g = guards[at] as GuardRecord;
      lines.push(test(g, ref(g.a, 0, 1), ref(g.b, 0, 1)));
    }
  };
  for (const run of runs) {
    straight(run.start);
    const body: string[] = [];
    for (let o = 0; o < run.period; o++) {
      const g = guards[run.start + o] as GuardRecord;
      const [da, db] = run.stride[o] as [number, number];
      body.push(test(g, ref(g.a, da, run.reps), ref(g.b, db, run.reps)));
    }
    lines.push(`for (let k = 0; k < ${run.reps}; k++) {\n${body.join('\n')}\n}`);
    at = run.start + run.period * run.reps;
  }
  straight(guards.length);
  try {
    return new Function('EC', '$c', `"use strict"; return function ($v) {\n${lines.join('\n')}\nreturn true;\n};`)(evaluateComparison, constants) as (v: Float64Array) => boolean;
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}

/** A generated function of a sweep: evaluate takes the values only; backward also the entries [lo, hi] of one cone. */
type Pass = (v: Float64Array, b?: Float64Array, lo?: number, hi?: number) => void;
/** One generated function and the entries [from, to) its statements come from. */
interface Piece {
  readonly fn: Pass;
  readonly from: number;
  readonly to: number;
}
type Sweep = 'evaluate' | 'evaluateForBackward' | 'backward' | 'backwardUnchecked' | 'tangent';

/**
 * The list's sweeps with each run as a loop and the rest straight-line, or undefined where
 * `new Function` is not allowed. Straight-line stretches are split into functions of about
 * `chunkChars` characters; each loop is a function of its own, so V8 optimises it alone.
 *
 * Inside a loop body, a value or tangent computed earlier in the same repetition is read from
 * a local variable (the full forward sweep still stores it, for the other sweeps), and so is
 * the previous repetition's value. An entry used only inside its own repetition (and no
 * output) keeps its adjoint in a local that starts at 0 as the array does; an accumulator's
 * adjoint is carried in a local to the repetition before; the inputs read at stride 1 keep
 * theirs in a sliding window of locals: the same operations in the same order, without a
 * round trip through memory. Such adjoints are not written to `a` (the window's are, as they
 * leave it); the others are zeroed as they are read (see Program.clearsAdjoints), so after the
 * backward sweep `a` holds the adjoints of the inputs.
 */
export function rerolled(list: SweepList & { readonly outputs: readonly number[]; readonly guards: readonly GuardRecord[] }, runs: readonly LoopRun[], chunkChars: number): Program | undefined {
  if (!canGenerateFor(list)) return undefined;
  const { inputCount, length, refs, constants, codes, refCount } = list;
  const ar = arities();
  const deps: Deps = new Map();
  const emitters = entryEmitters(deps);
  const plus = (base: string, n: number) => (n === 0 ? base : n > 0 ? `${base} + ${n}` : `${base} - ${-n}`);
  const uses = new Int32Array(length);
  for (let q = 0; q < refCount; q++) {
    const r = refs[q] as number;
    if (r >= 0) uses[r]++;
  }
  const isOutput = new Uint8Array(length);
  for (const r of list.outputs) if (r >= 0) isOutput[r] = 1;
  const isGuarded = new Uint8Array(length);
  for (const g of list.guards) {
    if (g.a >= 0) isGuarded[g.a] = 1;
    if (g.b >= 0) isGuarded[g.b] = 1;
  }

  /** Which body entry of the same repetition slot j of body entry o reads (-1: none, it reads elsewhere). */
  const sameRep = (run: LoopRun, o: number, j: number): number => {
    const r0 = run.first[o]?.[j] as number;
    const e = r0 - run.start;
    return r0 >= 0 && run.stride[o]?.[j] === run.period && e >= 0 && e < o ? e : -1;
  };

  /** Which body entry of the previous repetition slot j of body entry o reads (-1: none). Repetition 0 reads the entries before the run there. */
  const previousRep = (run: LoopRun, o: number, j: number): number => {
    const r0 = run.first[o]?.[j] as number;
    const e = r0 - run.start + run.period;
    return r0 >= 0 && run.stride[o]?.[j] === run.period && e >= 0 && e < run.period ? e : -1;
  };

  /** Per body entry: how many slots of its own repetition read it, and how many of the next repetition. */
  const readers = (run: LoopRun): { inRep: number[]; next: number[] } => {
    const inRep = new Array<number>(run.period).fill(0);
    const next = new Array<number>(run.period).fill(0);
    for (let o = 0; o < run.period; o++) {
      for (let j = 0; j < (run.first[o] as number[]).length; j++) {
        const e = sameRep(run, o, j);
        if (e >= 0) inRep[e]++;
        const before = previousRep(run, o, j);
        if (before >= 0) next[before]++;
      }
    }
    return { inRep, next };
  };

  /** Body entries read in their own repetition and nowhere else (and no output): their adjoints live in locals. */
  const localAdjoints = (run: LoopRun): boolean[] =>
    readers(run).inRep.map((n, o) => {
      if (n === 0) return false;
      for (let k = 0; k < run.reps; k++) {
        const e = run.start + k * run.period + o;
        if (isOutput[e] === 1 || uses[e] !== n) return false;
      }
      return true;
    });

  /**
   * Body entries whose values the lean forward sweep (evaluateForBackward) stores: those read
   * outside their own repetition, the outputs, the guards' operands, and those the backward
   * sweep's loop body reads (its statements name them `$v[i + o]`).
   */
  const storedForBackward = (run: LoopRun): boolean[] => {
    const { inRep, next: prevReaders } = readers(run);
    const keep = inRep.map((n, o) => {
      // Read by the next repetition through the carried local, and in the last repetition by
      // anything after the run: stored once after the loop (see forwardEpilogue).
      const afterLoop = (prevReaders[o] as number) > 0;
      for (let k = 0; k < run.reps; k++) {
        const e = run.start + k * run.period + o;
        const last = k === run.reps - 1;
        if (last && afterLoop) continue;
        if (isOutput[e] === 1 || isGuarded[e] === 1) return true;
        if ((uses[e] as number) !== n + (last ? 0 : (prevReaders[o] as number))) return true;
      }
      return false;
    });
    for (const sweep of ['backward', 'backwardUnchecked'] as const) {
      for (const line of loopBody(run, sweep)) {
        for (const m of line.matchAll(/\$v\[i(?: ([+-]) (\d+))?\]/g)) {
          const o = m[1] === undefined ? 0 : m[1] === '+' ? Number(m[2]) : run.period - Number(m[2]);
          if (o >= 0 && o < run.period) keep[o] = true;
        }
      }
    }
    return keep;
  };

  /**
   * Body entries the backward loop computes again from their arguments instead of reading
   * them from `$v` (the same expression on the same numbers, so the same value): those whose
   * value is plain arithmetic (no function call) on numbers of the repetition itself or from
   * outside the run. Storing fewer values makes the forward sweep touch less memory, which
   * for a large loop is most of its cost.
   */
  const recomputable = (run: LoopRun): boolean[] => {
    const out: boolean[] = [];
    for (let o = 0; o < run.period; o++) {
      const op = opByCode(codes[run.start + o] as number);
      const text = valueTemplate(op, Array.from({ length: op.arity }, (_, j) => `$${j}`), deps);
      let ok = !/[\w$.]\s*\(/.test(text.replace(/\$\d+/g, 'x'));
      for (let j = 0; j < op.arity && ok; j++) ok = previousRep(run, o, j) < 0;
      out.push(ok);
    }
    return out;
  };

  /** Slot j of body entry o of a run, in repetition `k` whose first entry is `i`. */
  const loopSlot = (
    run: LoopRun, o: number, j: number, sweep: Sweep, local: readonly boolean[], carry: readonly boolean[] = [], recompute: readonly boolean[] = [],
    window?: { lo: number; width: number },
  ): ArgSlot => {
    const r0 = run.first[o]?.[j] as number;
    const d = run.stride[o]?.[j] as number;
    if (r0 >= 0) {
      const index = d === 0 ? String(r0) : d === run.period ? plus('i', r0 - run.start) : plus(d === 1 ? 'k' : `${d} * k`, r0);
      const e = sameRep(run, o, j);
      const forward = sweep === 'evaluate' || sweep === 'evaluateForBackward';
      if (forward && previousRep(run, o, j) >= 0) return { value: `p${previousRep(run, o, j)}_`, entry: index };
      const before = previousRep(run, o, j);
      if (before >= 0 && carry[before] === true) return { value: `$v[${index}]`, entry: index, adjoint: `c${before}_` };
      if (window !== undefined && d === 1) return { value: `$v[${index}]`, entry: index, adjoint: `w${r0 - window.lo}_` };
      if (e < 0) return { value: `$v[${index}]`, entry: index };
      if (forward) return { value: `v${e}_`, entry: index };
      if (sweep === 'tangent') return { value: `$v[${index}]`, entry: index, tangent: `t${e}_` };
      const value = recompute[e] === true ? `r${e}_` : `$v[${index}]`;
      return local[e] === true || carry[e] === true ? { value, entry: index, adjoint: `a${e}_` } : { value, entry: index };
    }
    // A constant: a literal when every repetition has the same value (Object.is: -0 and NaN count), else read from the constants.
    const c0 = constants[-1 - r0] as number;
    let same = true;
    for (let k = 1; k < run.reps && same; k++) same = Object.is(constants[-1 - (r0 + k * d)], c0);
    if (same) return { value: numberLiteral(c0) };
    deps.set('$c', constants);
    return { value: `$c[${plus(-d === 1 ? 'k' : `${-d} * k`, -1 - r0)}]` };
  };

  let refStarts: Int32Array | undefined;
  /** How many argument references in entries [from, to) point at entry x. */
  const refsTo = (x: number, from: number, to: number): number => {
    refStarts ??= refOffsets(list);
    let n = 0;
    for (let q = refStarts[from] as number; q < (refStarts[to] as number); q++) if (refs[q] === x) n++;
    return n;
  };

  /**
   * Body entries whose adjoint the backward loop carries from one repetition to the one before
   * in a local `c<e>_` (an accumulator's running sum, read by the next repetition only): read
   * by exactly one slot of the next repetition and otherwise only inside their own, no output
   * (except in the last repetition, whose adjoint from outside starts the carry), and the entry
   * repetition 0 reads there pushed to by nothing else in the run (the carry is added to it
   * after the loop, which keeps the order of additions).
   */
  const carriedAdjoints = (run: LoopRun): boolean[] => {
    const { inRep, next } = readers(run);
    const end = run.start + run.period * run.reps;
    return next.map((n, o) => {
      if (n !== 1) return false;
      for (let k = 0; k + 1 < run.reps; k++) {
        const e = run.start + k * run.period + o;
        if (isOutput[e] === 1 || uses[e] !== (inRep[o] as number) + 1) return false;
      }
      return refsTo(run.start - run.period + o, run.start, end) === 1;
    });
  };

  /**
   * The adjoints a backward loop keeps in a sliding window of locals `w0_ .. w<W-1>_` (scalar
   * replacement, as a hand-written loop keeps `g[i + 1]` in a register): the entries before the
   * run that slots with stride 1 read (x[i], x[i + 1] of a loop over an array). Repetition k
   * pushes to entries k + lo .. k + lo + W - 1; each is loaded as it enters the window and
   * stored as it leaves, so its additions happen in the same order as through `$a`. Only where
   * nothing else in the run reads those entries.
   */
  const adjointWindow = (run: LoopRun): { lo: number; width: number } | undefined => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let o = 0; o < run.period; o++) {
      for (let j = 0; j < (run.first[o] as number[]).length; j++) {
        const r0 = run.first[o]?.[j] as number;
        if (r0 < 0 || run.stride[o]?.[j] !== 1) continue;
        if (r0 + run.reps - 1 >= run.start) return undefined;
        lo = Math.min(lo, r0);
        hi = Math.max(hi, r0);
      }
    }
    if (lo === Infinity) return undefined;
    const width = hi - lo + 1;
    if (width > 8) return undefined;
    const span = hi + run.reps - lo;
    const expected = new Int32Array(span);
    for (let o = 0; o < run.period; o++) {
      for (let j = 0; j < (run.first[o] as number[]).length; j++) {
        const r0 = run.first[o]?.[j] as number;
        if (r0 < 0 || run.stride[o]?.[j] !== 1) continue;
        for (let k = 0; k < run.reps; k++) expected[r0 - lo + k]++;
      }
    }
    refStarts ??= refOffsets(list);
    const end = run.start + run.period * run.reps;
    for (let q = refStarts[run.start] as number; q < (refStarts[end] as number); q++) {
      const x = (refs[q] as number) - lo;
      if (x >= 0 && x < span) expected[x]--;
    }
    return expected.every((n) => n === 0) ? { lo, width } : undefined;
  };

  /**
   * Around a backward loop: the carries start at the last repetition's adjoints from outside
   * and end in repetition 0's reads; the window is loaded once the first repetition is known,
   * moved down one entry after each repetition, and stored when the loop ends.
   */
  const backwardCarries = (run: LoopRun): { prologue: string[]; init: string[]; epilogue: string[] } => {
    const carry = carriedAdjoints(run);
    const window = adjointWindow(run);
    const last = run.start + (run.reps - 1) * run.period;
    const w = window === undefined ? [] : Array.from({ length: window.width }, (_, m) => m);
    const lo = window?.lo ?? 0;
    return {
      prologue: carry.flatMap((c, o) => (c ? [`let c${o}_ = $a[${last + o}]; $a[${last + o}] = 0;`] : [])),
      init: w.map((m) => `let w${m}_ = $a[${plus('k', lo + m)}] ?? 0;`),
      epilogue: [
        ...carry.flatMap((c, o) => (c ? [`if (k < 0) $a[${run.start - run.period + o}] += c${o}_;`] : [])),
        ...w.map((m) => `$a[${plus('k', lo + m)}] = w${m}_;`),
      ],
    };
  };

  /** The statements that move a backward loop's adjoint window from repetition k to k - 1. */
  const windowShift = (run: LoopRun): string[] => {
    const window = adjointWindow(run);
    if (window === undefined) return [];
    const { lo, width } = window;
    const top = width - 1;
    const shifts = Array.from({ length: top }, (_, m) => `w${top - m}_ = w${top - m - 1}_;`);
    return [`$a[${plus('k', lo + top)}] = w${top}_;`, ...shifts, `w0_ = ${lo >= 1 ? `$a[${plus('k', lo - 1)}]` : `k > 0 ? $a[k - 1] : 0`};`];
  };

  /** Body entries the next repetition reads (the forward sweeps carry their values in locals `p<e>_`). */
  const carried = (run: LoopRun): number[] => {
    const es = new Set<number>();
    for (let o = 0; o < run.period; o++) {
      for (let j = 0; j < (run.first[o] as number[]).length; j++) {
        const e = previousRep(run, o, j);
        if (e >= 0) es.add(e);
      }
    }
    return [...es].sort((x, y) => x - y);
  };

  /** Statements before a forward sweep's loop: the carried locals start at what repetition 0 reads (entries before the run). */
  const forwardPrologue = (run: LoopRun): string[] =>
    carried(run).map((e) => `let p${e}_ = $v[${run.start - run.period + e}];`);

  /** After a forward sweep's loop: the last repetition's carried values, which the lean sweep stores only here. */
  const forwardEpilogue = (run: LoopRun): string[] =>
    carried(run).map((e) => `$v[${run.start + (run.reps - 1) * run.period + e}] = p${e}_;`);

  /** One repetition of a run as statements, in the order the sweep runs them. */
  const loopBody = (run: LoopRun, sweep: Sweep): string[] => {
    const backward = sweep === 'backward' || sweep === 'backwardUnchecked';
    const local = backward ? localAdjoints(run) : [];
    const carry = backward ? carriedAdjoints(run) : [];
    const recompute = backward ? recomputable(run) : [];
    const window = backward ? adjointWindow(run) : undefined;
    const stored = sweep === 'evaluateForBackward' ? storedForBackward(run) : undefined;
    const lines: string[] = [];
    // Entries with partials to push: only their adjoints are read (an entry with none pushes nothing).
    const pushes: boolean[] = [];
    for (let o = 0; o < run.period; o++) {
      const op = opByCode(codes[run.start + o] as number);
      const slots = Array.from({ length: op.arity }, (_, j) => loopSlot(run, o, j, sweep, local, carry, recompute, window));
      const at = plus('i', o);
      if (sweep === 'evaluate' || sweep === 'evaluateForBackward') {
        const store = stored === undefined || stored[o] === true ? ` $v[${at}] = v${o}_;` : '';
        lines.push(`const v${o}_ = ${valueTemplate(op, slots.map((s) => s.value), deps)};${store}`);
      } else if (sweep === 'tangent') {
        lines.push(`let t${o}_; { ${tangentTemplate(op, slots, `$v[${at}]`, '$t', deps)} t${o}_ = s_; } $t[${at}] = t${o}_;`);
      } else {
        const checked = sweep === 'backward';
        const body = backwardTemplate(op, slots, recompute[o] === true ? `r${o}_` : `$v[${at}]`, 'g', '$a', deps, checked);
        // A local adjoint is complete here (every use came later in the repetition). It is not
        // stored: callers read the inputs' adjoints only, and the stores cost a quarter of the sweep.
        pushes[o] = body !== '';
        if (body === '') continue;
        const inLocal = local[o] === true || carry[o] === true;
        if (!checked) lines.push(inLocal ? `g = a${o}_; { ${body} }` : `g = $a[${at}]; $a[${at}] = 0; { ${body} }`);
        else if (inLocal) lines.push(`g = a${o}_; if (g !== 0) { ${body} }`);
        else lines.push(`g = $a[${at}]; if (g !== 0) { $a[${at}] = 0; ${body} }`);
      }
    }
    if (!backward) return sweep === 'tangent' ? lines : [...lines, ...carried(run).map((e) => `p${e}_ = v${e}_;`)];
    const locals = local.flatMap((l, o) => (l ? [`a${o}_ = 0`] : carry[o] === true ? [`a${o}_ = c${o}_`] : []));
    // A repetition whose entries all have adjoint 0 on arrival (the local ones start at 0; those
    // without partials push nothing whatever their adjoint) pushes
    // nothing anywhere (every contribution has a nonzero seed), so it is skipped: a Jacobian row
    // of W4 then sweeps one repetition, not all of them.
    const arriving = local.flatMap((l, o) => (l || pushes[o] !== true ? [] : [carry[o] === true ? `c${o}_ === 0` : `$a[${plus('i', o)}] === 0`]));
    const skips = arriving.length > 0 && arriving.length <= 8;
    // A carried adjoint starts from what the next repetition pushed; the carry then collects this repetition's pushes to the one before.
    const taken = carry.flatMap((c, o) => (c ? [`c${o}_ = 0;`] : []));
    // The values computed again: those the statements read, and what those read, in list order.
    const needed = new Set<number>();
    const need = (text: string) => {
      for (const m of text.matchAll(/\br(\d+)_/g)) {
        const e = Number(m[1]);
        if (needed.has(e)) continue;
        needed.add(e);
        need(recomputeLine(e));
      }
    };
    const recomputeLine = (e: number): string => {
      const op = opByCode(codes[run.start + e] as number);
      const args = Array.from({ length: op.arity }, (_, j) => loopSlot(run, e, j, sweep, [], [], recompute).value);
      return `const r${e}_ = ${valueTemplate(op, args, deps)};`;
    };
    lines.forEach(need);
    const values = [...needed].sort((x, y) => x - y).map(recomputeLine);
    const work = [...values, ...(locals.length > 0 ? [`let ${locals.join(', ')};`] : []), ...taken, ...lines.reverse()];
    // The window moves on after a skipped repetition too, so the skip is an if, not a continue.
    return [...(skips ? [`if (!(${arriving.join(' && ')})) {`, ...work, '}'] : work), ...windowShift(run)];
  };

  /** The sweep's functions in list order (the backward sweep runs them, and their statements, in reverse). */
  /**
   * A sweep's function bodies in list order, with the entries each covers ([from, to)):
   * straight stretches by `emit`, each run a loop of `body(run)`; reversed loops for
   * `reverse`, which (`ranged`) skip repetitions outside the entries [$lo, $hi] (a sweep of one cone).
   */
  const sources = (
    emit: Emit, body: (run: LoopRun) => string[], reverse: boolean, ranged = reverse,
    prologue: (run: LoopRun) => string[] = () => [], epilogue: (run: LoopRun) => string[] = () => [], init: (run: LoopRun) => string[] = () => [],
  ): { body: string; from: number; to: number }[] => {
    const out: { body: string; from: number; to: number }[] = [];
    let p = 0;
    let i = inputCount;
    const straight = (to: number) => {
      const done = straightChunks(list, i, to, p, emit, chunkChars);
      done.chunks.forEach((chunk, c) => out.push({ body: (reverse ? chunk.reverse() : chunk).join('\n'), ...(done.spans[c] as { from: number; to: number }) }));
      i = to;
      p = done.p;
    };
    for (const run of runs) {
      straight(run.start);
      const end = run.start + run.period * run.reps;
      for (; i < end; i++) p += ar[codes[i] as number] as number;
      const lines = body(run);
      if (lines.length === 0) continue;
      const last = run.reps - 1;
      const { start, period } = run;
      out.push({
        body: reverse
          ? ranged
            ? `{\n${prologue(run).join('\n')}\nlet k = Math.min(${last}, Math.floor(($hi - ${start}) / ${period})), i = ${start} + k * ${period};\n${init(run).join('\n')}\n` +
              `for (; k >= 0 && i + ${period} > $lo; k--, i -= ${period}) {\n${lines.join('\n')}\n}\n${epilogue(run).join('\n')}\n}`
            : `for (let k = ${last}, i = ${start + last * period}; k >= 0; k--, i -= ${period}) {\n${lines.join('\n')}\n}`
          : `${prologue(run).join('\n')}\nfor (let k = 0, i = ${start}; k < ${run.reps}; k++, i += ${period}) {\n${lines.join('\n')}\n}\n${epilogue(run).join('\n')}`,
        from: start,
        to: end,
      });
    }
    straight(length);
    return out;
  };
  const build = (sweep: Sweep): Piece[] => {
    const reverse = sweep === 'backward' || sweep === 'backwardUnchecked';
    const forward = sweep === 'evaluate' || sweep === 'evaluateForBackward';
    const params = forward ? '$v' : reverse ? '$v, $a, $lo, $hi' : '$v, $t';
    const pieces = forward
      ? sources(emitters.evaluate, (run) => loopBody(run, sweep), false, false, forwardPrologue, forwardEpilogue)
      : reverse
        ? sources(
          emitters[sweep], (run) => loopBody(run, sweep), true, true,
          (run) => backwardCarries(run).prologue, (run) => backwardCarries(run).epilogue, (run) => backwardCarries(run).init,
        )
        : sources(emitters[sweep], (run) => loopBody(run, sweep), false);
    // The names after the sources are made: emitting them registers the functions they call.
    const names = [...deps.keys()];
    const fns = pieces.map(({ body, from, to }) => ({
      fn: new Function(...names, `"use strict"; return function (${params}) {\n${reverse ? 'let g;\n' : ''}${body}\n};`)(...deps.values()) as Pass,
      from,
      to,
    }));
    return reverse ? fns.reverse() : fns;
  };
  // The second-order sweep: every adjoint in the arrays (no locals), each repetition's entries last to first.
  const secondOrder = secondOrderProgram(deps, (emit) =>
    sources(emit, (run) => {
      const lines: string[] = [];
      for (let o = 0; o < run.period; o++) {
        const op = opByCode(codes[run.start + o] as number);
        const line = emit(plus('i', o), op, Array.from({ length: op.arity }, (_, j) => loopSlot(run, o, j, 'backward', [])));
        if (line !== '') lines.push(line);
      }
      return lines.reverse();
    }, true, false).map((piece) => piece.body).reverse(),
  );
  // Generated on first use; the backward sweep calls only the pieces that cover entries of [lo, hi].
  let tangentPieces: Piece[] | undefined;
  const tangent = (v: Float64Array, t: Float64Array): void => {
    tangentPieces ??= build('tangent');
    for (let k = 0; k < tangentPieces.length; k++) (tangentPieces[k] as Piece).fn(v, t);
  };
  const backwardSweep = (sweep: 'backward' | 'backwardUnchecked') => {
    let pieces: Piece[] | undefined;
    return (v: Float64Array, a: Float64Array, lo = inputCount, hi = length - 1): void => {
      pieces ??= build(sweep);
      for (let k = 0; k < pieces.length; k++) {
        const piece = pieces[k] as Piece;
        if (piece.from <= hi && piece.to > lo) piece.fn(v, a, lo, hi);
      }
    };
  };
  try {
    // The forward sweep is built now, so a Content Security Policy shows up here and an interpreter takes over.
    const evaluate = build('evaluate');
    let evaluateLean: Piece[] | undefined;
    const guardsHold = guardCheck(list.guards, constants);
    return {
      mode: 'rerolled',
      clearsAdjoints: true,
      secondOrder,
      ...(guardsHold === undefined ? {} : { guardsHold }),
      evaluate(v) {
        for (let k = 0; k < evaluate.length; k++) (evaluate[k] as Piece).fn(v);
      },
      evaluateForBackward(v) {
        evaluateLean ??= build('evaluateForBackward');
        for (let k = 0; k < evaluateLean.length; k++) (evaluateLean[k] as Piece).fn(v);
      },
      backward: backwardSweep('backward'),
      backwardUnchecked: backwardSweep('backwardUnchecked'),
      tangent,
    };
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}
