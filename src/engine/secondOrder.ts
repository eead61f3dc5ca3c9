// The second-order sweep: the backward sweep differentiated along k directions at once (forward-over-reverse on a flat list).
//
// Why a sweep of its own: differentiating the backward sweep `a[r] += a[i]·∂v_i/∂v_r` along a
// direction gives `ȧ[r] += ȧ[i]·∂v_i/∂v_r + a[i]·(∂v_i/∂v_r)˙`, where the last factor is the
// partial's own tangent, computed from the op table: for a built-in op with a derived tree,
// by that tree's generated tangent program (partialTangents.ts); for every other op (rules
// that branch on values, user-defined ones), and where `new Function` is forbidden, by the
// op's partials rule run on chunked duals. Both give the same numbers. The entries' tangents
// come from the backend's own tangent sweep, one per direction. Every contribution is skipped
// on a zero factor as in accumulate.ts, so the zero-skip conventions are the first-order ones.
//
// Two forms, as for the first-order sweeps: the plain loop below (one step per entry, no code
// generation), and the same loop generated once with one `case` per built-in op whose body is
// that op's templates, the plain step as its `default`.
import { checkedPartials, listOps, opByCode, type OpDef } from '../ops/opDef';
import { ChunkDual, ChunkTrace } from '../forward/chunk';
import type { Value } from '../ops/value';
import { canGenerateCode } from '../symbolic/index';
import { addAdjoint, addAdjointCode, addAdjointTangent, addAdjointTangentCode, addAdjointTangentUncheckedCode, addAdjointUncheckedCode, uncheckedAdjointsExact } from './accumulate';
import { arities, entryPartials, partialsScratch, read, refOffsets } from './entries';
import { partialTangentsParts, type PartialTangentParts } from './partialTangents';
import { laneTangent, partialsTemplate, type ArgSlot, type Deps } from './templates';
import { listSweeps, seedOutputs, type SweepList } from './sweeps';

const out = partialsScratch();

/** Scratch of one sweep: the chunk trace for the dual route, the partials' tangents dd[q·k + c]. */
interface Scratch {
  readonly trace: ChunkTrace;
  readonly dd: Float64Array;
}

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
 * runs the plain loop, which needs no `new Function` (the plain interpreter's route).
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
  const k = t.length;
  const scratch: Scratch = { trace: new ChunkTrace('second-order sweep (forward over reverse)', k), dd: new Float64Array(64 * k) };
  try {
    const sweep = generated ? generatedSweep() : undefined;
    if (sweep !== undefined) {
      const step = (i: number, p: number) => plainStep(list, v, t, a, at, i, p, scratch);
      sweep(list.codes, list.refs, arities(), list.constants, v, t, a, at, list.inputCount, list.length, list.refCount, scratch.dd, step);
      return;
    }
    const { codes, inputCount } = list;
    const ar = arities();
    let p = list.refCount;
    for (let i = list.length - 1; i >= inputCount; i--) {
      p -= ar[codes[i] as number] as number;
      plainStep(list, v, t, a, at, i, p, scratch);
    }
  } finally {
    scratch.trace.active = false;
  }
}

/**
 * Where {@link hessianProducts} takes its arrays from. The default makes new ones (all zero)
 * every call; a caller that reads each result before its next call may hand out the same
 * arrays every time (for a list of a thousand entries, allocating them was a fifth of a
 * Hessian), and then need not clear all of them: an unchecked second-order sweep zeroes every
 * adjoint and adjoint tangent it reads from the arrays, so after one that ran to its end they
 * are 0 wherever the next reads, but for the inputs' entries (read by the caller, not the sweep).
 */
export interface SecondOrderArrays {
  /** Direction c's tangents, zeroed in [0, upTo) (everywhere without upTo). */
  tangents(c: number, upTo?: number): Float64Array;
  /**
   * The adjoints (c = -1) or direction c's adjoint tangents, zeroed in [0, upTo) if the last
   * sweep that used this array was an unchecked second-order sweep that ran to its end (see
   * `cleared`), else everywhere; everywhere without upTo.
   */
  accumulators(c: number, upTo?: number): Float64Array;
  /**
   * Says the adjoints and the first k directions' adjoint tangents, handed out since, are clear
   * again but for the inputs' entries (an unchecked sweep over them ran to its end).
   */
  cleared(k: number): void;
}

/** New arrays, all zero, for every call. */
function freshArrays(length: number): SecondOrderArrays {
  return { tangents: () => new Float64Array(length), accumulators: () => new Float64Array(length), cleared: () => undefined };
}

/** Arrays of `length` entries kept from call to call (see SecondOrderArrays), made on first use. */
export class KeptSecondOrderArrays implements SecondOrderArrays {
  readonly #length: number;
  readonly #tangents: Float64Array[] = [];
  /** The adjoints at 0, direction c's adjoint tangents at c + 1. */
  readonly #accumulators: Float64Array[] = [];
  /** Whether an unchecked sweep left accumulator s clear, and it was not handed out since (a set of arrays cost a tenth of a small Hessian). */
  readonly #clear: boolean[] = [];

  constructor(length: number) {
    this.#length = length;
  }

  tangents(c: number, upTo?: number): Float64Array {
    const kept = this.#tangents[c];
    if (kept === undefined) return (this.#tangents[c] = new Float64Array(this.#length));
    return kept.fill(0, 0, upTo ?? kept.length);
  }

  accumulators(c: number, upTo?: number): Float64Array {
    const s = c + 1;
    let kept = this.#accumulators[s];
    if (kept === undefined) kept = this.#accumulators[s] = new Float64Array(this.#length);
    else kept.fill(0, 0, upTo !== undefined && this.#clear[s] === true ? upTo : kept.length);
    // Whatever runs next may leave it anything until it says otherwise (a throwing sweep, the tested sweeps).
    this.#clear[s] = false;
    return kept;
  }

  cleared(k: number): void {
    for (let s = 0; s <= k; s++) this.#clear[s] = true;
  }
}

/**
 * Hessian-vector products of a scalar list at its values v, one per direction: each `seeds[c]`
 * fills the inputs' tangents of direction c, the engine's tangent sweep (the list's own, or
 * a compiled program's) carries them through the list, then one second-order sweep takes
 * every direction at once. Returns the adjoint tangents: `at[c][0 .. n)` is H·d_c.
 */
export function hessianProducts(
  list: SweepList & { readonly outputs: readonly number[] },
  v: Float64Array,
  engine: SecondOrderEngine,
  seeds: readonly ((t: Float64Array) => void)[],
  arrays: SecondOrderArrays = freshArrays(list.length),
): Float64Array[] {
  const k = seeds.length;
  const n = list.inputCount;
  const unchecked = engine.secondOrderUnchecked !== undefined && noUncheckedSweep.get(engine) !== k;
  // The unchecked route's tangent sweep writes every entry it reads, and its second-order sweep
  // reads only accumulators it leaves clear: only the inputs' need clearing.
  const upTo = unchecked ? n : undefined;
  const t = seeds.map((seed, c) => {
    const tc = arrays.tangents(c, engine.tangentLanes !== undefined ? upTo : undefined);
    seed(tc);
    return tc;
  });
  const at = seeds.map((_, c) => arrays.accumulators(c, upTo));
  const a = arrays.accumulators(-1, upTo);
  seedOutputs(list.outputs, [1], a);
  if (unchecked) {
    if (uncheckedProducts(list, v, engine, t, a, at)) {
      arrays.cleared(k);
      return at;
    }
    // A zero met an infinite or NaN factor somewhere: the tested sweeps, from the same start.
    t.forEach((tc, c) => {
      tc.fill(0);
      (seeds[c] as (t: Float64Array) => void)(tc);
    });
    for (const atc of at) atc.fill(0);
    a.fill(0);
    seedOutputs(list.outputs, [1], a);
  }
  for (const tc of t) engine.tangent(v, tc);
  if (engine.secondOrder?.(v, t, a, at) !== true) secondOrderSweep(list, v, t, a, at, engine.generated ?? true);
  return at;
}

/**
 * Hessian-vector products on a list of plain numbers (no checkpointed calls) by the list's own
 * engine (listSweeps), at its recorded values, arrays kept from call to call: what the one-shot
 * second-order functions (hessian, hvp, sparseHessian) run.
 */
export function listHessianProducts(list: SweepList & { readonly outputs: readonly number[]; readonly values: Float64Array }): (seeds: ((t: Float64Array) => void)[]) => Float64Array[] {
  const sweeps = listSweeps();
  const engine: SecondOrderEngine = { tangent: (v, t) => sweeps.tangent(list, v, t) };
  const arrays = new KeptSecondOrderArrays(list.length);
  return (seeds) => hessianProducts(list, list.values, engine, seeds, arrays);
}

/**
 * Fills the n × n Hessian H column by column from Hessian-vector products along e_j, `width`
 * directions per call of `products` (hessianProducts on some engine).
 */
export function hessianColumns(H: number[][], width: number, products: (seeds: ((t: Float64Array) => void)[]) => Float64Array[]): number[][] {
  const n = H.length;
  for (let j0 = 0; j0 < n; j0 += width) {
    const k = Math.min(width, n - j0);
    const seeds = new Array<(t: Float64Array) => void>(k);
    for (let c = 0; c < k; c++) seeds[c] = (t) => (t[j0 + c] = 1);
    const at = products(seeds);
    for (let c = 0; c < k; c++) {
      const column = at[c] as Float64Array;
      for (let i = 0; i < n; i++) (H[i] as number[])[j0 + c] = column[i] as number;
    }
  }
  return H;
}

/** Engines whose unchecked second-order sweep has no code, with the number of directions it was asked for. */
const noUncheckedSweep = new WeakMap<SecondOrderEngine, number>();

/**
 * The products by the engine's unchecked sweeps (its tangents along every direction at once
 * where it has them); true where they are exact, every input's adjoint tangent finite.
 */
function uncheckedProducts(
  list: SweepList, v: Float64Array, engine: SecondOrderEngine, t: readonly Float64Array[], a: Float64Array, at: readonly Float64Array[],
): boolean {
  if (engine.tangentLanes?.(v, t) !== true) {
    for (const tc of t) {
      tc.fill(0, list.inputCount);
      engine.tangent(v, tc);
    }
  }
  if (engine.secondOrderUnchecked?.(v, t, a, at) !== true) {
    // No code for this many directions (an op whose rule branches on values): not tried again.
    noUncheckedSweep.set(engine, t.length);
    return false;
  }
  const n = list.inputCount;
  for (const atc of at) if (!uncheckedAdjointsExact(atc, n)) return false;
  return true;
}

/**
 * The sweeps {@link hessianProducts} runs: a tangent sweep, and optionally a second-order
 * sweep of the engine's own (a compiled list's generated code), which returns false where it
 * has none for that many directions; then the generated loop runs (or the plain loop, for
 * `generated: false`).
 */
export interface SecondOrderEngine {
  readonly tangent: (v: Float64Array, t: Float64Array) => void;
  readonly secondOrder?: (v: Float64Array, t: readonly Float64Array[], a: Float64Array, at: readonly Float64Array[]) => boolean;
  /** The same without zero-skip tests, kept only where every input's adjoint tangent is finite (see Program.secondOrderUnchecked). */
  readonly secondOrderUnchecked?: (v: Float64Array, t: readonly Float64Array[], a: Float64Array, at: readonly Float64Array[]) => boolean;
  /** Tangents along every direction in one unchecked sweep (see Program.tangentLanes), for the unchecked route. */
  readonly tangentLanes?: (v: Float64Array, t: readonly Float64Array[]) => boolean;
  readonly generated?: boolean;
}

/** One entry of the plain loop: entry i, its references from refs[p]. */
function plainStep(list: SweepList, v: Float64Array, t: readonly Float64Array[], a: Float64Array, at: readonly Float64Array[], i: number, p: number, s: Scratch): void {
  const { codes, refs, constants: c } = list;
  const k = t.length;
  const code = codes[i] as number;
  const g = a[i] as number;
  let seeded = false;
  for (let e = 0; e < k && !seeded; e++) if ((at[e] as Float64Array)[i] !== 0) seeded = true;
  if (g === 0 && !seeded) return;
  const op = opByCode(code);
  entryPartials(code, p, i, refs, c, v, out);
  // The partials' tangents matter only where the adjoint itself is nonzero (they meet it).
  const moving = g !== 0 && dualPartialTangents(op, p, i, refs, c, v, t, s);
  const dd = s.dd;
  for (let q = 0; q < op.arity; q++) {
    const r = refs[p + q] as number;
    if (r < 0) continue;
    const d = out[q] as number;
    addAdjoint(a, r, g, d);
    for (let e = 0; e < k; e++) {
      const target = at[e] as Float64Array;
      addAdjointTangent(target, r, target[i] as number, d, g, dd[q * k + e] as number, moving);
    }
  }
}

/**
 * The tangents of entry i's partials along every direction, into dd[q·k + c], by the op's
 * partials rule run on chunked duals; false (dd left alone) when no argument moves, so every
 * partial's tangent is zero.
 */
function dualPartialTangents(op: OpDef, p: number, i: number, refs: Int32Array, c: Float64Array, v: Float64Array, t: readonly Float64Array[], s: Scratch): boolean {
  const k = t.length;
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
  let moving = false;
  const args = new Array<Value>(op.arity);
  for (let q = 0; q < op.arity; q++) {
    const r = refs[p + q] as number;
    const ts = r >= 0 ? tangentsOf(r) : undefined;
    if (ts !== undefined) moving = true;
    args[q] = ts === undefined ? read(v, c, r) : new ChunkDual(read(v, c, r), ts, s.trace);
  }
  if (!moving) return false;
  const ty = tangentsOf(i);
  const y: Value = ty === undefined ? (v[i] as number) : new ChunkDual(v[i] as number, ty, s.trace);
  const partials = checkedPartials(op, args, y);
  for (let q = 0; q < op.arity; q++) {
    const d = partials[q] as Value;
    if (d instanceof ChunkDual && d.trace === s.trace) {
      for (let e = 0; e < k; e++) s.dd[q * k + e] = d.tangents[e] as number;
    } else if (typeof d === 'number') {
      for (let e = 0; e < k; e++) s.dd[q * k + e] = 0;
    } else {
      throw new TypeError(`${op.name}: its partials rule returned an AD value of another transformation; rules must not capture AD values`);
    }
  }
  return true;
}

type GeneratedSweep = (
  codes: Uint32Array, refs: Int32Array, ar: Uint8Array, c: Float64Array, v: Float64Array, t: readonly Float64Array[], a: Float64Array,
  at: readonly Float64Array[], from: number, to: number, p: number, dd: Float64Array, step: (i: number, p: number) => void,
) => void;
let generated: GeneratedSweep | null | undefined;
let generatedFor = -1;

/** The generated loop (one case per built-in op with a derived tree), or undefined where `new Function` is not allowed. */
function generatedSweep(): GeneratedSweep | undefined {
  if (!canGenerateCode()) return undefined;
  // Only built-in ops get a case; ops defined later reach the default case, which is correct,
  // so the loop is generated again only if a built-in was added (never for user ops).
  const builtins = listOps().reduce((count, op) => count + (op.builtin ? 1 : 0), 0);
  if (generated === undefined || generatedFor !== builtins) {
    generatedFor = builtins;
    try {
      const deps: Deps = new Map();
      const source = secondOrderSource(deps);
      generated = new Function(...deps.keys(), source)(...deps.values()) as GeneratedSweep;
    } catch {
      generated = null;
    }
  }
  return generated ?? undefined;
}

/** The case of one op in the generated loop, or undefined (its entries take the plain step). */
function caseOf(op: OpDef, deps: Deps): string | undefined {
  if (!op.builtin || op.arity > 2) return undefined;
  const parts = partialTangentsParts(op);
  if (parts === undefined) return undefined;
  for (const [name, fn] of parts.deps) deps.set(name, fn);
  const n = op.arity;
  const q = Array.from({ length: n }, (_, j) => j);
  const reads = q.map((j) => `const r${j} = refs[p + ${j}]; const a${j} = r${j} >= 0 ? v[r${j}] : c[-1 - r${j}];`).join(' ');
  const moving = q.map((j) => `(r${j} >= 0 && t[e][r${j}] !== 0)`).join(' || ');
  const tangentReads = [...q.map((j) => `const u${j} = r${j} >= 0 ? tc[r${j}] : 0;`), 'const uy = tc[i];'].join(' ');
  const updates = q
    .map((j) => {
      const dd = `dd[${j} * k + e]`;
      return `if (r${j} >= 0) { ${addAdjointCode(`a[r${j}]`, 'g', `_d${j}`)} for (let e = 0; e < k; e++) { const target = at[e]; const seed = target[i]; ` +
        `${addAdjointTangentCode(`target[r${j}]`, 'seed', `_d${j}`, 'g', dd, 'moving')} } }`;
    })
    .join(' ');
  return `case ${op.code}: { p -= ${n}; ${reads} const y = v[i]; ${partialsTemplate(op, q.map((j) => `a${j}`), 'y', deps)}
  let moving = false;
  if (g !== 0) { for (let e = 0; e < k; e++) if (${moving}) { moving = true; break; } }
  if (moving) { ${parts.once.join(' ')}
    for (let cc = 0; cc < k; cc++) { const tc = t[cc]; ${tangentReads} ${parts.loop.join(' ')} ${parts.roots.map((r, j) => `dd[${j} * k + cc] = ${r};`).join(' ')} } }
  ${updates}
  break; }`;
}

/**
 * Which entries' tangents a second-order sweep of `list` reads (1) or not (0): those its
 * partials' tangents are computed from (per op, `rootUses` of the roots whose argument is an
 * entry), and what they are computed from. A tangent sweep that feeds only the second-order
 * sweep (Program.tangentLanes) computes just these: for Rosenbrock, 3 entries of 8 (a sum and a
 * product by a constant move no partial). Entries whose op has no tangent program count as
 * reading every argument's tangent and their own.
 */
export function tangentsNeeded(list: SweepList): Uint8Array {
  const { codes, refs, inputCount, length } = list;
  const starts = refOffsets(list);
  const needed = new Uint8Array(length);
  for (let i = inputCount; i < length; i++) {
    const op = opByCode(codes[i] as number);
    const p = starts[i] as number;
    const parts = op.builtin && op.arity <= 2 ? partialTangentsParts(op) : undefined;
    for (let j = 0; j < op.arity; j++) {
      const r = refs[p + j] as number;
      // A constant argument has no adjoint tangent to update: its partial's tangent is not read.
      if (r < 0) continue;
      if (parts === undefined) {
        for (let m = 0; m < op.arity; m++) if ((refs[p + m] as number) >= 0) needed[refs[p + m] as number] = 1;
        needed[i] = 1;
        continue;
      }
      const uses = parts.rootUses[j] as { readonly args: readonly number[]; readonly y: boolean };
      for (const m of uses.args) if ((refs[p + m] as number) >= 0) needed[refs[p + m] as number] = 1;
      if (uses.y) needed[i] = 1;
    }
  }
  // A tangent read is computed from its arguments' tangents.
  for (let i = length - 1; i >= inputCount; i--) {
    if (needed[i] === 0) continue;
    for (let q = starts[i] as number; q < (starts[i + 1] as number); q++) if ((refs[q] as number) >= 0) needed[refs[q] as number] = 1;
  }
  return needed;
}

/**
 * What an entry's second-order statements are made from: its op's tangent program of the
 * partials and the arguments that are entries (`live`); undefined for an op with no such
 * program, null where no argument is an entry (the entry pushes nothing).
 */
function entryParts(op: OpDef, slots: readonly ArgSlot[], deps: Deps): { parts: PartialTangentParts; live: number[] } | null | undefined {
  if (!op.builtin || op.arity > 2) return undefined;
  const parts = partialTangentsParts(op);
  if (parts === undefined) return undefined;
  const live = slots.flatMap((s, j) => (s.entry === undefined ? [] : [j]));
  if (live.length === 0) return null;
  for (const [name, fn] of parts.deps) deps.set(name, fn);
  return { parts, live };
}

/**
 * One entry's step of the second-order sweep as straight-line code for `k` directions (the
 * per-list programs of src/compile/, unrolled over the directions): the same statements as
 * the generated loop's case for the op, with the entry's index and arguments as literal
 * expressions (`slots`, `i`) and direction c's tangents and adjoint tangents in `$tc`, `$atc`.
 * Undefined for an op with no tangent program of its partials (the loop's plain step serves it).
 */
export function secondOrderEntry(op: OpDef, slots: readonly ArgSlot[], i: string, k: number, deps: Deps): string | undefined {
  const found = entryParts(op, slots, deps);
  if (found === undefined || found === null) return found === null ? '' : undefined;
  const { parts, live } = found;
  const dirs = Array.from({ length: k }, (_, c) => c);
  const reads = slots.map((s, j) => `const a${j} = ${s.value};`).join(' ');
  const seeds = dirs.map((c) => `const s${c} = $at${c}[${i}];`).join(' ');
  const anySeed = ['g !== 0', ...dirs.map((c) => `s${c} !== 0`)].join(' || ');
  const tangentOf = (j: number, c: number) => (slots[j]?.entry === undefined ? '0' : `$t${c}[${slots[j]?.entry}]`);
  const moving = dirs.flatMap((c) => live.map((j) => `${tangentOf(j, c)} !== 0`)).join(' || ');
  const dd = slots.flatMap((_, j) => dirs.map((c) => `dd${j}_${c} = 0`)).join(', ');
  const perDirection = dirs
    .map((c) => `{ ${slots.map((_, j) => `const u${j} = ${tangentOf(j, c)};`).join(' ')} const uy = $t${c}[${i}]; ${parts.loop.join(' ')} ` +
      `${parts.roots.map((r, j) => `dd${j}_${c} = ${r};`).join(' ')} }`)
    .join(' ');
  const updates = live
    .map((j) => {
      const target = slots[j]?.entry as string;
      return `${addAdjointCode(`$a[${target}]`, 'g', `_d${j}`)} ` +
        dirs.map((c) => addAdjointTangentCode(`$at${c}[${target}]`, `s${c}`, `_d${j}`, 'g', `dd${j}_${c}`, 'moving')).join(' ');
    })
    .join(' ');
  return `{ const g = $a[${i}]; ${seeds} if (${anySeed}) { ${reads} const y = $v[${i}]; ${partialsTemplate(op, slots.map((_, j) => `a${j}`), 'y', deps)}
  let moving = false; let ${dd};
  if (g !== 0 && (${moving})) { moving = true; ${parts.once.join(' ')} ${perDirection} }
  ${updates} } }`;
}

/** The source of the generated second-order loop. */
export function secondOrderSource(deps: Deps): string {
  const cases = listOps().flatMap((op) => caseOf(op, deps) ?? []);
  return `"use strict";
return function secondOrderSweep(codes, refs, ar, c, v, t, a, at, from, to, p, dd, step) {
  const k = t.length;
  for (let i = to - 1; i >= from; i--) {
    const code = codes[i];
    const g = a[i];
    if (g === 0) { let seeded = false; for (let e = 0; e < k; e++) if (at[e][i] !== 0) { seeded = true; break; } if (!seeded) { p -= ar[code]; continue; } }
    switch (code) {
${cases.join('\n')}
default: { p -= ar[code]; step(i, p); }
    }
  }
};`;
}

/**
 * {@link secondOrderEntry} without the zero-skip tests, for an engine's unchecked second-order
 * sweep: every entry's partials, their tangents along each direction (the partials' tangent
 * program without its tests) and both updates, whatever is zero. A caller keeps the result
 * only where every input's adjoint tangent is finite (then it equals the tested sweep's bit
 * for bit, see addAdjointTangentUncheckedCode), and runs the tested sweep otherwise. `own`:
 * the local this entry's adjoint was summed in (`own` and `own<c>` its adjoint tangents), where
 * a generated loop keeps it in locals rather than in the arrays; `ownTangents`, where it keeps the
 * entry's tangents (direction c's in `<ownTangents><c>`; an argument's are in its slot's `tangents`).
 */
export function secondOrderEntryUnchecked(
  op: OpDef, slots: readonly ArgSlot[], i: string, k: number, deps: Deps, own?: string, ownTangents?: string,
): string | undefined {
  const found = entryParts(op, slots, deps);
  if (found === undefined || found === null) return found === null ? '' : undefined;
  const { parts, live } = found;
  const dirs = Array.from({ length: k }, (_, c) => c);
  // Roots that are the constant 0 (the partial does not move) need no tangent program at all.
  const moves = parts.roots.some((r) => r !== '0');
  const partials = partialsTemplate(op, slots.map((_, j) => `a${j}`), 'y', deps);
  const once = moves ? parts.once.join(' ') : '';
  const loop = `${parts.loopUnchecked.join(' ')} ${parts.roots.join(' ')}`;
  // Only the reads the statements use: a typed-array read is kept by V8 even when unused (its bounds check).
  const uses = (text: string, name: string) => new RegExp(`(?<![\\w$])${name}(?![\\w$])`).test(text);
  const reads = slots.map((s, j) => (uses(partials + once + loop, `a${j}`) ? `const a${j} = ${s.value};` : '')).join(' ');
  const value = uses(partials + once + loop, 'y') ? `const y = $v[${i}];` : '';
  const tangentOf = (j: number, c: number) => laneTangent(slots[j] as ArgSlot, c);
  const ownTangent = (c: number) => (ownTangents === undefined ? `$t${c}[${i}]` : `${ownTangents}${c}`);
  const tangentReads = (c: number) =>
    [...slots.map((_, j) => (uses(loop, `u${j}`) ? `const u${j} = ${tangentOf(j, c)};` : '')), uses(loop, 'uy') ? `const uy = ${ownTangent(c)};` : ''].join(' ');
  const perDirection = moves
    ? dirs
      .map((c) => `let ${parts.roots.map((_, j) => `dd${j}_${c}`).join(', ')}; { ${tangentReads(c)} ` +
        `${parts.loopUnchecked.join(' ')} ${parts.roots.map((r, j) => `dd${j}_${c} = ${r};`).join(' ')} }`)
      .join(' ')
    : '';
  // An argument whose adjoint a generated loop keeps in a local (`adjoint`) keeps its adjoint
  // tangents in locals named after it, one per direction (a3_ → a3_0, a3_1, ...).
  const updates = live
    .map((j) => {
      const slot = slots[j] as ArgSlot;
      const root = parts.roots[j] ?? '0';
      const adjoint = slot.adjoint ?? `$a[${slot.entry as string}]`;
      const lane = (c: number) => (slot.adjoint === undefined ? `$at${c}[${slot.entry as string}]` : `${slot.adjoint}${c}`);
      return `${addAdjointUncheckedCode(adjoint, 'g', `_d${j}`)} ` +
        dirs.map((c) => addAdjointTangentUncheckedCode(lane(c), `s${c}`, `_d${j}`, 'g', root === '0' ? '0' : `dd${j}_${c}`)).join(' ');
    })
    .join(' ');
  // Read from the arrays, an entry's adjoint and adjoint tangents are zeroed there as they are
  // read (the sweep reads each once): the next call need not clear them (SecondOrderArrays).
  const seeds = dirs.map((c) => (own === undefined ? `const s${c} = $at${c}[${i}]; $at${c}[${i}] = 0;` : `const s${c} = ${own}${c};`)).join(' ');
  const adjoint = own === undefined ? `const g = $a[${i}]; $a[${i}] = 0;` : `const g = ${own};`;
  return `{ ${adjoint} ${seeds} ${reads} ${value} ${partials} ${once} ${perDirection} ${updates} }`;
}
