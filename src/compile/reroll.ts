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
// Then (2026-12-02, third session; best of interleaved batches, probe against the inlined
// hand-written loop: n = 10^4 60 → 36 µs, n = 10^6 7.5 → 3.9 ms, 2.1× the hand-written):
//   - nothing reads f's own value, so the lean forward sweep does not compute it: Rosenbrock's
//     forward loop (a running sum the backward loop recomputes term by term) is not run;
//   - each value a repetition reads from `$v` at a moving index is loaded once into a local
//     (V8 merged the repeated loads only when the loop's start was a literal: 1.5×);
//   - a window whose entries nothing pushes to before the loop starts at 0 instead of loading;
//   - the loops' code around them is run once before the first sweep (prepareBackward), else
//     the optimised sweep deoptimised at its end on every call for thousands of calls;
//   - the lean and unchecked sweeps read a Float64Array x in place, and the unchecked one adds
//     the inputs' adjoints into the array returned (`$x`, `$g`): no copy in, no copy out, no clearing.
// What remains is the backward loop itself, about 2× the hand-written one's arithmetic.
// WebAssembly (benchmarks group B) ran the same sweeps 1.0-1.7× faster than the re-rolled JS
// before these changes: not worth a second backend.
import { opByCode } from '../ops/opDef';
import { numberLiteral } from '../symbolic/index';
import type { GuardRecord } from '../engine/guards';
import type { SweepList } from '../engine/sweeps';
import { backwardTemplate, tangentLanesTemplate, tangentTemplate, valueTemplate, type ArgSlot, type Deps } from '../engine/templates';
import type { Program } from './program';
import { canGenerateFor, entryEmitters, secondOrderProgram, straightChunks, tangentLanesProgram, type Emit } from './straightLine';
import { tangentsNeeded } from '../engine/secondOrder';
import { arities, refOffsets } from '../engine/entries';
import type { LoopRun } from './loopRuns';
import { guardCheck } from './guardCheck';

/** A generated function of a sweep: evaluate takes the values only; backward also the entries [lo, hi] of one cone. */
type Pass = (v: Float64Array, b?: Float64Array, lo?: number, hi?: number, x?: Float64Array, g?: Float64Array) => void;
/** One generated function and the entries [from, to) its statements come from. */
interface Piece {
  readonly fn: Pass;
  readonly from: number;
  readonly to: number;
  /** The run whose loop this is (absent for straight-line code). */
  readonly run?: LoopRun;
}
type Sweep = 'evaluate' | 'evaluateForBackward' | 'backward' | 'backwardUnchecked' | 'tangent';

/** Empty runs of a backward loop before its first sweep (see prepareBackward in rerolled). */
const PREPARE_CALLS = 40;

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
  /**
   * `analyse` computed once per run: each sweep's code, its prologue and its epilogue ask the
   * same questions of a run, and some (the adjoint window) walk all of its references.
   */
  const perRun = <T>(analyse: (run: LoopRun) => T): ((run: LoopRun) => T) => {
    const done = new Map<LoopRun, T>();
    return (run) => {
      if (!done.has(run)) done.set(run, analyse(run));
      return done.get(run) as T;
    };
  };

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
  const readers = perRun((run: LoopRun): { inRep: number[]; next: number[] } => {
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
  });

  /** Body entries read in their own repetition and nowhere else (and no output): their adjoints live in locals. */
  const localAdjoints = perRun((run: LoopRun): boolean[] =>
    readers(run).inRep.map((n, o) => {
      if (n === 0) return false;
      for (let k = 0; k < run.reps; k++) {
        const e = run.start + k * run.period + o;
        if (isOutput[e] === 1 || uses[e] !== n) return false;
      }
      return true;
    }));

  /**
   * Body entries the backward loop computes again from their arguments instead of reading
   * them from `$v` (the same expression on the same numbers, so the same value): those whose
   * value is plain arithmetic (no function call) on numbers of the repetition itself or from
   * outside the run. Storing fewer values makes the forward sweep touch less memory, which
   * for a large loop is most of its cost.
   */
  const recomputable = perRun((run: LoopRun): boolean[] => {
    const out: boolean[] = [];
    for (let o = 0; o < run.period; o++) {
      const op = opByCode(codes[run.start + o] as number);
      const text = valueTemplate(op, Array.from({ length: op.arity }, (_, j) => `$${j}`), deps);
      let ok = !/[\w$.]\s*\(/.test(text.replace(/\$\d+/g, 'x'));
      for (let j = 0; j < op.arity && ok; j++) ok = previousRep(run, o, j) < 0;
      out.push(ok);
    }
    return out;
  });

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
      const before = previousRep(run, o, j);
      if (forward && before >= 0) return { value: `p${before}_`, entry: index };
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
  const carriedAdjoints = perRun((run: LoopRun): boolean[] => {
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
  });

  /**
   * The adjoints a backward loop keeps in a sliding window of locals `w0_ .. w<W-1>_` (scalar
   * replacement, as a hand-written loop keeps `g[i + 1]` in a register): the entries before the
   * run that slots with stride 1 read (x[i], x[i + 1] of a loop over an array). Repetition k
   * pushes to entries k + lo .. k + lo + W - 1; each is loaded as it enters the window and
   * stored as it leaves, so its additions happen in the same order as through `$a`. Only where
   * nothing else in the run reads those entries.
   */
  const adjointWindow = perRun((run: LoopRun): { lo: number; width: number } | undefined => {
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
  });

  let lastReader: Int32Array | undefined;
  /**
   * Whether every adjoint of the window's entries is still 0 when it enters the window: no
   * output among them (no seed) and no entry after the run reading them (the only pushes
   * the backward sweep makes before this loop). The caller starts the sweep with the inputs'
   * adjoints cleared (Program.clearsAdjoints), so the loop need not load them: at n = 10^6 the
   * loads were a pass over 8 MB.
   */
  const windowStartsClear = perRun((run: LoopRun): boolean => {
    const window = adjointWindow(run);
    if (window === undefined) return false;
    if (lastReader === undefined) {
      lastReader = new Int32Array(length).fill(-1);
      const starts = refStarts ?? (refStarts = refOffsets(list));
      for (let e = inputCount; e < length; e++) {
        for (let q = starts[e] as number; q < (starts[e + 1] as number); q++) {
          const r = refs[q] as number;
          if (r >= 0) lastReader[r] = e;
        }
      }
    }
    const end = run.start + run.period * run.reps;
    for (let x = window.lo; x < window.lo + window.width - 1 + run.reps; x++) {
      if (isOutput[x] === 1 || (lastReader[x] as number) >= end) return false;
    }
    return true;
  });

  /**
   * An adjoint's lanes in a sweep over k directions: the adjoint itself (local `name`, array
   * `$a`) and its adjoint tangent along each direction (`name<c>`, `$at<c>`); the first-order
   * sweeps have k = 0, the adjoint only.
   */
  const lanesOf = (name: string, k: number): { local: string; array: string }[] => [
    { local: name, array: '$a' },
    ...Array.from({ length: k }, (_, c) => ({ local: `${name}${c}`, array: `$at${c}` })),
  ];
  /** `statement(local, array)` for each lane of adjoint `name`, as one line. */
  const eachLane = (name: string, k: number, statement: (local: string, array: string) => string): string =>
    lanesOf(name, k).map(({ local, array }) => statement(local, array)).join(' ');

  /**
   * Around a backward loop (k directions for the second-order sweep, each adjoint's lanes
   * moving together): the carries start at the last repetition's adjoints from outside and end
   * in repetition 0's reads; the window is loaded once the first repetition is known, moved
   * down one entry after each repetition, and stored when the loop ends.
   */
  const backwardCarries = (run: LoopRun, k = 0): { prologue: string[]; init: string[]; epilogue: string[] } => {
    const carry = carriedAdjoints(run);
    const window = adjointWindow(run);
    const last = run.start + (run.reps - 1) * run.period;
    const w = window === undefined ? [] : Array.from({ length: window.width }, (_, m) => m);
    const lo = window?.lo ?? 0;
    const clear = windowStartsClear(run);
    return {
      prologue: carry.flatMap((c, o) => (c ? [eachLane(`c${o}_`, k, (local, a) => `let ${local} = ${a}[${last + o}]; ${a}[${last + o}] = 0;`)] : [])),
      init: w.map((m) => eachLane(`w${m}_`, k, (local, a) => `let ${local} = ${clear ? '0' : `${a}[${plus('k', lo + m)}] ?? 0`};`)),
      epilogue: [
        ...carry.flatMap((c, o) => (c ? [`if (k < 0) { ${eachLane(`c${o}_`, k, (local, a) => `${a}[${run.start - run.period + o}] += ${local};`)} }`] : [])),
        // Starting clear, the window's entries were 0 in `a` until stored, so `+=` stores the
        // same; it also keeps the entry below the window, which the last shift moved in as 0.
        ...w.map((m) => eachLane(`w${m}_`, k, (local, a) => `${a}[${plus('k', lo + m)}] ${clear ? '+=' : '='} ${local};`)),
      ],
    };
  };

  /** The statements that move a backward loop's adjoint window from repetition k to k - 1 (every lane of k directions). */
  const windowShift = (run: LoopRun, k = 0): string[] => {
    const window = adjointWindow(run);
    if (window === undefined) return [];
    const { lo, width } = window;
    const top = width - 1;
    const entering = (a: string) => (windowStartsClear(run) ? '0' : lo >= 1 ? `${a}[${plus('k', lo - 1)}]` : `k > 0 ? ${a}[k - 1] : 0`);
    const shifts = Array.from({ length: top }, (_, m) => {
      const below = lanesOf(`w${top - m - 1}_`, k);
      return lanesOf(`w${top - m}_`, k).map(({ local }, d) => `${local} = ${below[d]?.local as string};`).join(' ');
    });
    return [eachLane(`w${top}_`, k, (local, a) => `${a}[${plus('k', lo + top)}] = ${local};`), ...shifts, eachLane('w0_', k, (local, a) => `${local} = ${entering(a)};`)];
  };

  /** Body entries the next repetition reads (the forward sweeps carry their values in locals `p<e>_`). */
  const carried = perRun((run: LoopRun): number[] => {
    const es = new Set<number>();
    for (let o = 0; o < run.period; o++) {
      for (let j = 0; j < (run.first[o] as number[]).length; j++) {
        const e = previousRep(run, o, j);
        if (e >= 0) es.add(e);
      }
    }
    return [...es].sort((x, y) => x - y);
  });

  /** Statements before a forward sweep's loop: the carried locals start at what repetition 0 reads (entries before the run). */
  const forwardPrologue = (run: LoopRun): string[] =>
    carried(run).map((e) => `let p${e}_ = $v[${run.start - run.period + e}];`);

  /** After a forward sweep's loop: the last repetition's carried values, which the lean sweep stores only here. */
  const forwardEpilogue = (run: LoopRun): string[] =>
    carried(run).map((e) => `$v[${run.start + (run.reps - 1) * run.period + e}] = p${e}_;`);

  /**
   * The entries an index expression this file writes stands for, `first + k · step` for k in
   * [0, count): a literal (one entry), or i, k, d * k plus or minus a literal over the
   * repetitions of `run` (loopSlot's and literalSlot's forms); undefined for any other text.
   */
  const indexEntries = (index: string, run: LoopRun | undefined): { first: number; step: number; count: number } | undefined => {
    if (/^\d+$/.test(index)) return { first: Number(index), step: 0, count: 1 };
    const m = /^(i|k|(\d+) \* k)(?: ([+-]) (\d+))?$/.exec(index);
    if (m === null || run === undefined) return undefined;
    const offset = m[3] === undefined ? 0 : (m[3] === '+' ? 1 : -1) * Number(m[4]);
    return m[1] === 'i'
      ? { first: run.start + offset, step: run.period, count: run.reps }
      : { first: offset, step: m[2] === undefined ? 1 : Number(m[2]), count: run.reps };
  };

  /** The sweeps whose functions read the inputs from `$v` (x is copied there first), not from `$x`. */
  const copiesInputs = new Set<Sweep>();
  /** Whether the unchecked backward sweep's functions keep the inputs' adjoints in `$g`. */
  let adjointsApart = false;
  /** The array a built sweep's functions read the inputs from (`$x`): x itself, or v with x copied in. */
  const inputsFor = (sweep: Sweep, v: Float64Array, x: Float64Array | undefined): Float64Array => {
    if (x === undefined) return v;
    if (!copiesInputs.has(sweep)) return x;
    v.set(x);
    return v;
  };

  /**
   * What the lean forward sweep (evaluateForBackward) computes and stores: the values the
   * backward sweeps read from `$v` and the guards' operands, then, last to first, what
   * computing those reads from `$v`. f's own value is not among them (a gradient does not
   * return it), so a loop whose values nothing reads later, such as the running sum of an
   * objective whose backward loop computes its terms again, is not run at all. Per run:
   * whether its loop runs, and which body entries it stores (the last repetition's carried
   * values are stored after the loop, see forwardEpilogue). Null where an index expression is
   * not one this file writes: the full forward sweep runs then.
   */
  let leanPlan: { needed: Uint8Array; stored: Map<LoopRun, boolean[] | undefined> } | null | undefined;
  const planLean = (): { needed: Uint8Array; stored: Map<LoopRun, boolean[] | undefined> } | null => {
    const needed = new Uint8Array(length);
    for (const g of list.guards) {
      if (g.a >= 0) needed[g.a] = 1;
      if (g.b >= 0) needed[g.b] = 1;
    }
    const markIndex = (index: string, run?: LoopRun): boolean => {
      const entries = indexEntries(index, run);
      if (entries === undefined) return false;
      for (let k = 0; k < entries.count; k++) needed[entries.first + k * entries.step] = 1;
      return true;
    };
    const markReads = (lines: readonly string[], run?: LoopRun): boolean => {
      for (const line of lines) for (const m of line.matchAll(/\$v\[([^\]]+)\]/g)) if (!markIndex(m[1] as string, run)) return false;
      return true;
    };
    // The pieces in list order: straight stretches [from, to) with their references' start p, and runs.
    const pieces: ({ from: number; to: number; p: number } | LoopRun)[] = [];
    let p = 0;
    let i = inputCount;
    for (const run of runs) {
      pieces.push({ from: i, to: run.start, p });
      const end = run.start + run.period * run.reps;
      for (; i < end; i++) {
        if (i === run.start) pieces.push(run);
        p += ar[codes[i] as number] as number;
      }
    }
    pieces.push({ from: i, to: length, p });
    for (const piece of pieces) {
      const ok = 'period' in piece
        ? markReads(loopBody(piece, 'backward'), piece) && markReads(loopBody(piece, 'backwardUnchecked'), piece)
        : [emitters.backward, emitters.backwardUnchecked].every((emit) => markReads(straightChunks(list, piece.from, piece.to, piece.p, emit, Infinity).chunks.flat()));
      if (!ok) return null;
    }
    const starts = refOffsets(list);
    const stored = new Map<LoopRun, boolean[] | undefined>();
    for (let k = pieces.length - 1; k >= 0; k--) {
      const piece = pieces[k] as (typeof pieces)[number];
      if (!('period' in piece)) {
        for (let e = piece.to - 1; e >= piece.from; e--) {
          if (needed[e] !== 1) continue;
          for (let q = starts[e] as number; q < (starts[e + 1] as number); q++) {
            const r = refs[q] as number;
            if (r >= 0) needed[r] = 1;
          }
        }
        continue;
      }
      const run = piece;
      const end = run.start + run.period * run.reps;
      let runs = false;
      for (let e = run.start; e < end && !runs; e++) runs = needed[e] === 1;
      if (!runs) {
        stored.set(run, undefined);
        continue;
      }
      // The loop computes its whole body: everything its statements and prologue read from $v is needed.
      const reads = forwardPrologue(run).slice();
      for (let o = 0; o < run.period; o++) {
        const op = opByCode(codes[run.start + o] as number);
        for (let j = 0; j < op.arity; j++) reads.push(loopSlot(run, o, j, 'evaluate', []).value);
      }
      if (!markReads(reads, run)) return null;
      const carriedOut = new Set(carried(run));
      const last = run.start + (run.reps - 1) * run.period;
      stored.set(run, Array.from({ length: run.period }, (_, o) => {
        if (needed[last + o] === 1 && !carriedOut.has(o)) return true;
        for (let e = run.start + o; e < last; e += run.period) if (needed[e] === 1) return true;
        return false;
      }));
    }
    return { needed, stored };
  };

  /**
   * A repetition's statements with each value it reads from `$v` at an index that moves with
   * the loop loaded once, into a local `l<m>_` declared first. V8 did not merge the repeated
   * loads of one element once the loop's start was computed rather than a literal (the
   * Rosenbrock backward loop ran 1.5× slower). Safe because nothing a repetition reads this
   * way is written in the same repetition: its own values are locals (v<e>_, r<e>_).
   */
  const loadOnce = (lines: readonly string[]): string[] => {
    const names = new Map<string, string>();
    const rewritten = lines.map((line) =>
      // Reads only: a store (`$v[i + o] = ...`, the full forward sweep's) stays as it is.
      line.replace(/\$v\[[^\]]*\b[ik]\b[^\]]*\](?!\s*=(?!=))/g, (read: string) => {
        if (!names.has(read)) names.set(read, `l${names.size}_`);
        return names.get(read) as string;
      }));
    return [...[...names].map(([read, name]) => `const ${name} = ${read};`), ...rewritten];
  };

  /** One repetition of a run as statements, in the order the sweep runs them. */
  const loopBody = (run: LoopRun, sweep: Sweep): string[] => {
    const backward = sweep === 'backward' || sweep === 'backwardUnchecked';
    const local = backward ? localAdjoints(run) : [];
    const carry = backward ? carriedAdjoints(run) : [];
    const recompute = backward ? recomputable(run) : [];
    const window = backward ? adjointWindow(run) : undefined;
    let stored: boolean[] | undefined;
    if (sweep === 'evaluateForBackward') {
      stored = (leanPlan as { stored: Map<LoopRun, boolean[] | undefined> }).stored.get(run);
      if (stored === undefined) return [];
    }
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
    if (!backward) return sweep === 'tangent' ? lines : [...loadOnce(lines), ...carried(run).map((e) => `p${e}_ = v${e}_;`)];
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
    const work = loadOnce([...values, ...(locals.length > 0 ? [`let ${locals.join(', ')};`] : []), ...taken, ...lines.reverse()]);
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
  ): { body: string; from: number; to: number; run?: LoopRun }[] => {
    const out: { body: string; from: number; to: number; run?: LoopRun }[] = [];
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
            : `{\n${prologue(run).join('\n')}\nlet k = ${last}, i = ${start + last * period};\n${init(run).join('\n')}\n` +
              `for (; k >= 0; k--, i -= ${period}) {\n${lines.join('\n')}\n}\n${epilogue(run).join('\n')}\n}`
          : `${prologue(run).join('\n')}\nfor (let k = 0, i = ${start}; k < ${run.reps}; k++, i += ${period}) {\n${lines.join('\n')}\n}\n${epilogue(run).join('\n')}`,
        from: start,
        to: end,
        run,
      });
    }
    straight(length);
    return out;
  };
  /**
   * `body` (a piece of entries [from, to), a loop of `run` if given) with every access to an
   * input's entry in array `from` (only the reads if `readsOnly`) made an access to array `to`;
   * undefined where some access may or may not be an input's. Values: the sweeps read x itself
   * (`$x`), and compile need not copy it into the values first. Adjoints: the unchecked sweep
   * adds the inputs' adjoints into the array compile returns (`$g`), which is then neither
   * copied out of the adjoints nor cleared in them. Each saves a pass over n.
   */
  const redirectInputs = (body: string, run: LoopRun | undefined, from: '$v' | '$a', to: '$x' | '$g', readsOnly: boolean): string | undefined => {
    let complete = true;
    const access = new RegExp(`\\${from}\\[([^\\]]+)\\]${readsOnly ? '(?!\\s*=(?!=))' : ''}`, 'g');
    const rewritten = body.replace(access, (text: string, index: string) => {
      const entries = indexEntries(index, run);
      if (entries === undefined) {
        complete = false;
        return text;
      }
      // Strides are never negative here, so the first and last entries bound the rest.
      const last = entries.first + (entries.count - 1) * entries.step;
      if (last < inputCount) return `${to}[${index}]`;
      if (entries.first < inputCount) complete = false;
      return text;
    });
    return complete ? rewritten : undefined;
  };
  const build = (sweep: Sweep): Piece[] => {
    const reverse = sweep === 'backward' || sweep === 'backwardUnchecked';
    const forward = sweep === 'evaluate' || sweep === 'evaluateForBackward';
    const takesX = sweep === 'evaluateForBackward' || sweep === 'backwardUnchecked';
    const params = forward ? (takesX ? '$v, $x' : '$v') : reverse ? `$v, $a, $lo, $hi${takesX ? ', $x, $g' : ''}` : '$v, $t';
    let straightEvaluate = emitters.evaluate;
    if (sweep === 'evaluateForBackward') {
      const needed = (leanPlan as { needed: Uint8Array }).needed;
      straightEvaluate = (i, op, slots) => (needed[i as number] === 1 ? emitters.evaluate(i, op, slots) : '');
    }
    const pieces = forward
      ? sources(straightEvaluate, (run) => loopBody(run, sweep), false, false, forwardPrologue, forwardEpilogue)
      : reverse
        ? sources(
          emitters[sweep], (run) => loopBody(run, sweep), true, true,
          (run) => backwardCarries(run).prologue, (run) => backwardCarries(run).epilogue, (run) => backwardCarries(run).init,
        )
        : sources(emitters[sweep], (run) => loopBody(run, sweep), false);
    let bodies = pieces.map((piece) => piece.body);
    if (takesX) {
      const fromX = pieces.map((piece, k) => redirectInputs(bodies[k] as string, piece.run, '$v', '$x', true));
      // All or none: a sweep whose every input read comes from x, or one whose caller copies x into v.
      if (fromX.every((b) => b !== undefined)) bodies = fromX as string[];
      else copiesInputs.add(sweep);
    }
    if (sweep === 'backwardUnchecked') {
      const intoG = pieces.map((piece, k) => redirectInputs(bodies[k] as string, piece.run, '$a', '$g', false));
      if (intoG.every((b) => b !== undefined)) {
        bodies = intoG as string[];
        adjointsApart = true;
      }
    }
    // The names after the sources are made: emitting them registers the functions they call.
    const names = [...deps.keys()];
    const fns = pieces.map(({ from, to, run }, k) => ({
      fn: new Function(...names, `"use strict"; return function (${params}) {\n${reverse ? 'let g;\n' : ''}${bodies[k]}\n};`)(...deps.values()) as Pass,
      from,
      to,
      run,
    }));
    return reverse ? fns.reverse() : fns;
  };
  let tangentsRead: Uint8Array | undefined;
  /**
   * Per body entry of a run, whether the unchecked second-order loop computes its tangents
   * itself, in locals `t<o>_<c>` at the start of each repetition, instead of reading what the
   * tangent sweep stored (Program.tangentLanes, which then skips the run): the entries whose
   * tangents a second-order sweep reads (tangentsNeeded). Undefined where the run does not
   * allow it: one of them reads an entry of the repetition before, or is read outside its own
   * repetition. For Rosenbrock this drops the lanes' loop and its stores and loads (a quarter
   * of the Hessian-vector products' sweeps).
   */
  const fusedTangents = perRun((run: LoopRun): boolean[] | undefined => {
    tangentsRead ??= tangentsNeeded(list);
    const read = tangentsRead;
    const inRep = readers(run).inRep;
    const fused = Array.from({ length: run.period }, (_, o) => {
      for (let k = 0; k < run.reps; k++) if (read[run.start + k * run.period + o] === 1) return true;
      return false;
    });
    for (let o = 0; o < run.period; o++) {
      if (!fused[o]) continue;
      for (let k = 0; k < run.reps; k++) if (uses[run.start + k * run.period + o] !== inRep[o]) return undefined;
      for (let j = 0; j < (run.first[o] as number[]).length; j++) {
        const r0 = run.first[o]?.[j] as number;
        if (r0 < 0) continue;
        const e = sameRep(run, o, j);
        if (e >= 0 ? !fused[e] : r0 + (run.reps - 1) * (run.stride[o]?.[j] as number) >= run.start) return undefined;
      }
    }
    return fused.some(Boolean) ? fused : undefined;
  });

  /**
   * The second-order sweep's bodies: each repetition's entries last to first. `locals` (the
   * unchecked sweep): adjoints kept out of the arrays as the first-order loops keep them, each
   * with its adjoint tangents beside it, one local per direction (a3_ → a3_0, a3_1, ...): body
   * entries read only inside their own repetition (localAdjoints) in locals declared at its
   * start, an accumulator's adjoint carried to the repetition before (carriedAdjoints), the
   * inputs read at stride 1 in a sliding window (adjointWindow); each is read from and zeroed
   * in the arrays, or added to them, where the first-order loop does so. The arrays only: the
   * checked sweep. k is the number of directions.
   */
  const secondOrderSources = (locals: boolean) => (emit: Emit, k: number): string[] => {
    const lanes = (name: string) => lanesOf(name, k).map(({ local }) => local);
    const carry = (run: LoopRun) => (locals ? carriedAdjoints(run) : []);
    const window = (run: LoopRun) => (locals ? adjointWindow(run) : undefined);
    const around = (part: 'prologue' | 'init' | 'epilogue') => (run: LoopRun) => (locals ? backwardCarries(run, k)[part] : []);
    const shift = (run: LoopRun) => (locals ? windowShift(run, k) : []);
    return sources(emit, (run) => {
      const local = locals ? localAdjoints(run) : [];
      const carried = carry(run);
      const w = window(run);
      const fused = locals ? fusedTangents(run) : undefined;
      const lines: string[] = [];
      // The fused tangents, in list order (each from its arguments' of the same repetition or from outside the run).
      const tangents: string[] = [];
      for (let o = 0; o < run.period; o++) {
        const op = opByCode(codes[run.start + o] as number);
        const slots = Array.from({ length: op.arity }, (_, j) => {
          const slot = loopSlot(run, o, j, 'backward', local, carried, [], w);
          const e = sameRep(run, o, j);
          return e >= 0 && fused?.[e] === true ? { ...slot, tangents: `t${e}_` } : slot;
        });
        if (fused?.[o] === true) {
          const names = Array.from({ length: k }, (_, c) => `t${o}_${c}`);
          tangents.push(`let ${names.join(', ')}; { ${tangentLanesTemplate(op, slots, `$v[${plus('i', o)}]`, k, deps)} ${names.map((name, c) => `${name} = s_${c};`).join(' ')} }`);
        }
        const line = emit(plus('i', o), op, slots, local[o] === true || carried[o] === true ? `a${o}_` : undefined, fused?.[o] === true ? `t${o}_` : undefined);
        if (line !== '') lines.push(line);
      }
      // A carried adjoint starts from what the next repetition pushed; the carry then collects this repetition's pushes to the one before.
      const declared = local.flatMap((l, o) => (l ? lanes(`a${o}_`).map((name) => `${name} = 0`) : carried[o] === true ? lanes(`a${o}_`).map((name) => `${name} = ${name.replace(`a${o}_`, `c${o}_`)}`) : []));
      const taken = carried.flatMap((c, o) => (c ? [eachLane(`c${o}_`, k, (name) => `${name} = 0;`)] : []));
      return [...tangents, ...(declared.length > 0 ? [`let ${declared.join(', ')};`] : []), ...taken, ...lines.reverse(), ...shift(run)];
    }, true, false, around('prologue'), around('epilogue'), around('init')).map((piece) => piece.body).reverse();
  };
  const secondOrder = secondOrderProgram(deps, secondOrderSources(false));
  const secondOrderUnchecked = secondOrderProgram(deps, secondOrderSources(true), true);
  // Each direction's tangents from the arrays, in list order (no locals: the values a repetition
  // made are read back), for the entries a second-order sweep reads (in a loop, a body entry if
  // any repetition's is).
  const tangentLanes = tangentLanesProgram(deps, (emit) => {
    tangentsRead ??= tangentsNeeded(list);
    const needed = tangentsRead;
    const straight: Emit = (i, op, slots) => (needed[i as number] === 1 ? emit(i, op, slots) : '');
    return sources(straight, (run) => {
      // The unchecked second-order loop computes this run's tangents itself.
      if (fusedTangents(run) !== undefined) return [];
      const lines: string[] = [];
      for (let o = 0; o < run.period; o++) {
        let read = false;
        for (let k = 0; k < run.reps && !read; k++) read = needed[run.start + k * run.period + o] === 1;
        if (!read) continue;
        const op = opByCode(codes[run.start + o] as number);
        lines.push(emit(plus('i', o), op, Array.from({ length: op.arity }, (_, j) => loopSlot(run, o, j, 'backward', []))));
      }
      return lines;
    }, false).map((piece) => piece.body);
  });
  // Generated on first use; the backward sweep calls only the pieces that cover entries of [lo, hi].
  let tangentPieces: Piece[] | undefined;
  const tangent = (v: Float64Array, t: Float64Array): void => {
    tangentPieces ??= build('tangent');
    for (let k = 0; k < tangentPieces.length; k++) (tangentPieces[k] as Piece).fn(v, t);
  };
  const backwardSweep = (sweep: 'backward' | 'backwardUnchecked') => {
    let pieces: Piece[] | undefined;
    const run = (v: Float64Array, a: Float64Array, lo = inputCount, hi = length - 1, x?: Float64Array, g: Float64Array = a): void => {
      pieces ??= build(sweep);
      const inputs = inputsFor(sweep, v, x);
      for (let k = 0; k < pieces.length; k++) {
        const piece = pieces[k] as Piece;
        if (piece.from <= hi && piece.to > lo) piece.fn(v, a, lo, hi, inputs, g);
      }
    };
    /** `run` with the inputs' adjoints added into g (zeroed by the caller); false, doing nothing, where the sweep keeps them in a. */
    const runInto = (v: Float64Array, a: Float64Array, lo: number | undefined, hi: number | undefined, x: Float64Array | undefined, g: Float64Array): boolean => {
      pieces ??= build(sweep);
      if (!adjointsApart) return false;
      run(v, a, lo, hi, x, g);
      return true;
    };
    /**
     * Runs each loop once over no repetition (its range ends just before the run): the code
     * before and after the loop then runs in V8's interpreter, which records its type
     * feedback. Otherwise the first sweep's loop is optimised on the stack (OSR) and finishes
     * there, the code after it never runs unoptimised, and the optimised function, compiled
     * without that feedback, deoptimised at its end on every call until V8 recompiled it: a
     * compiled Rosenbrock gradient at n = 10^4 ran 1.5-3× slower for its first thousands of
     * calls. With `a` all 0 the prologue and epilogue move only zeros. Several times: V8 gives
     * a function somewhere to record feedback only after it has run for a while.
     */
    const prepare = (v: Float64Array, a: Float64Array): void => {
      pieces ??= build(sweep);
      for (const piece of pieces) {
        if (piece.run !== undefined) for (let t = 0; t < PREPARE_CALLS; t++) piece.fn(v, a, piece.from, piece.from - 1, v, a);
      }
    };
    return { run, runInto, prepare };
  };
  const checkedBackward = backwardSweep('backward');
  const uncheckedBackward = backwardSweep('backwardUnchecked');
  try {
    // The forward sweep is built now, so a Content Security Policy shows up here and an interpreter takes over.
    const evaluate = build('evaluate');
    let evaluateLean: Piece[] | undefined;
    const guardsHold = guardCheck(list.guards, constants);
    return {
      mode: 'rerolled',
      clearsAdjoints: true,
      secondOrder,
      secondOrderUnchecked,
      tangentLanes,
      ...(guardsHold === undefined ? {} : { guardsHold }),
      evaluate(v) {
        for (let k = 0; k < evaluate.length; k++) (evaluate[k] as Piece).fn(v);
      },
      evaluateForBackward(v, x) {
        if (evaluateLean === undefined) {
          leanPlan ??= planLean();
          if (leanPlan === null) copiesInputs.add('evaluateForBackward');
          evaluateLean = leanPlan === null ? evaluate : build('evaluateForBackward');
        }
        const inputs = inputsFor('evaluateForBackward', v, x);
        for (let k = 0; k < evaluateLean.length; k++) (evaluateLean[k] as Piece).fn(v, inputs);
      },
      backward: checkedBackward.run,
      backwardUnchecked: uncheckedBackward.run,
      backwardUncheckedInto: uncheckedBackward.runInto,
      prepareBackward: (v, a, unchecked) => (unchecked ? uncheckedBackward : checkedBackward).prepare(v, a),
      tangent,
    };
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}
