// compile's code generator: one list's sweeps as straight-line JavaScript, each entry the op's template with literal indices.
import { opByCode, type OpDef } from '../ops/opDef';
import { canGenerateCode, numberLiteral } from '../symbolic/index';
import { arities, refOffsets } from '../engine/entries';
import type { SweepList } from '../engine/sweeps';
import { backwardTemplate, tangentLanesTemplate, tangentTemplate, valueTemplate, type ArgSlot, type Deps } from '../engine/templates';
import { secondOrderEntry, secondOrderEntryUnchecked, tangentsNeeded } from '../engine/secondOrder';
import type { FusedVjp, Program } from './program';
import type { GuardRecord } from '../engine/guards';

type Pass = (a: Float64Array, b: Float64Array) => void;

/**
 * One entry's statement in a sweep: `i` an expression for its index, `slots` its arguments ('' when
 * the entry has nothing to do); `own`, where a sweep that takes it keeps the entry's adjoint in a local;
 * `ownTangents`, where a sweep over several directions keeps the entry's tangents (`<name><c>`, see ArgSlot.tangents).
 */
export type Emit = (i: number | string, op: OpDef, slots: ArgSlot[], own?: string, ownTangents?: string) => string;

/**
 * The statement each sweep runs for one entry (values `$v`, adjoints `$a`, tangents `$t`):
 * the op's templates, shared by the straight-line code and the re-rolled loops (reroll.ts).
 */
export function entryEmitters(deps: Deps): { evaluate: Emit; backward: Emit; backwardUnchecked: Emit; tangent: Emit } {
  return {
    evaluate: (i, op, slots) => `$v[${i}] = ${valueTemplate(op, slots.map((s) => s.value), deps)};`,
    backward: (i, op, slots) => {
      const body = backwardTemplate(op, slots, `$v[${i}]`, 'g', '$a', deps);
      // Zeroed as it is read (see Program.clearsAdjoints): the next sweep then needs no clearing.
      return body === '' ? '' : `g = $a[${i}]; if (g !== 0) { $a[${i}] = 0; ${body} }`;
    },
    backwardUnchecked: (i, op, slots) => {
      const body = backwardTemplate(op, slots, `$v[${i}]`, 'g', '$a', deps, false);
      return body === '' ? '' : `g = $a[${i}]; $a[${i}] = 0; { ${body} }`;
    },
    tangent: (i, op, slots) => `{ ${tangentTemplate(op, slots, `$v[${i}]`, '$t', deps)} $t[${i}] = s_; }`,
  };
}

/**
 * Whether a list can become generated code: `new Function` is allowed, and it has no call
 * entries (checkpoint, checkpointed scan), which only the interpreter runs.
 */
export function canGenerateFor(list: SweepList): boolean {
  return canGenerateCode() && (list.calls === undefined || list.calls.size === 0);
}

/** Argument reference `r` as a slot with a literal index: entry r of `$v`, or the constant's number inlined. */
export function literalSlot(constants: Float64Array, r: number): ArgSlot {
  return r >= 0 ? { value: `$v[${r}]`, entry: String(r) } : { value: numberLiteral(constants[-1 - r] as number) };
}

/**
 * Entries [from, to) as one sweep's statements in list order, grouped into chunks of about
 * `chunkChars` characters (each chunk becomes one function, small enough for V8 to
 * optimise); entries with nothing to do are left out, and so are empty chunks. `p` is where
 * entry `from`'s argument references start; the result says where entry `to`'s start.
 */
export function straightChunks(
  list: SweepList, from: number, to: number, p: number, emit: Emit, chunkChars: number,
): { chunks: string[][]; spans: { from: number; to: number }[]; p: number } {
  const { codes, refs, constants } = list;
  const ar = arities();
  const chunks: string[][] = [];
  // The entries [from, to) each chunk's statements come from (empty entries included).
  const spans: { from: number; to: number }[] = [];
  let chunk: string[] = [];
  let chars = 0;
  let chunkFrom = from;
  for (let i = from; i < to; i++) {
    const code = codes[i] as number;
    const n = ar[code] as number;
    const slots: ArgSlot[] = [];
    for (let k = 0; k < n; k++) slots.push(literalSlot(constants, refs[p + k] as number));
    p += n;
    const line = emit(i, opByCode(code), slots);
    if (line === '') continue;
    if (chars + line.length > chunkChars && chunk.length > 0) {
      chunks.push(chunk);
      spans.push({ from: chunkFrom, to: i });
      chunk = [];
      chars = 0;
      chunkFrom = i;
    }
    chunk.push(line);
    chars += line.length + 1;
  }
  if (chunk.length > 0) {
    chunks.push(chunk);
    spans.push({ from: chunkFrom, to });
  }
  return { chunks, spans, p };
}

type DirectionsPass = (v: Float64Array, a: Float64Array, t: readonly Float64Array[], at: readonly Float64Array[]) => void;
/** One entry's statements for k directions at once (`i` its index expression), or undefined where the op has none. */
type DirectionsEntry = (op: OpDef, slots: readonly ArgSlot[], i: string, k: number, deps: Deps, own?: string, ownTangents?: string) => string | undefined;

/** Most directions a generated sweep over several directions takes at once: its code grows with them (compile's chunks have at most 8). */
const MAX_DIRECTIONS = 8;

/**
 * A sweep over k directions at once as code generated for one list, made on first use for
 * each k: `sources(emit)` gives the function bodies in the order they run, each entry's
 * statements from `emit` (`entry` written for that entry), over `$v`, `$a` and, per direction
 * c, `$tc` and `$atc`. The result returns false, running nothing, for more than 8 directions
 * or a list with an entry `entry` has no code for (the caller's general loop runs instead).
 */
function directionsProgram(deps: Deps, sources: (emit: Emit, k: number) => string[], entry: DirectionsEntry): (v: Float64Array, t: readonly Float64Array[], a: Float64Array, at: readonly Float64Array[]) => boolean {
  const built = new Map<number, DirectionsPass[] | null>();
  const build = (k: number): DirectionsPass[] | null => {
    let missing = false;
    const emit: Emit = (i, op, slots, own, ownTangents) => {
      const line = entry(op, slots, String(i), k, deps, own, ownTangents);
      if (line === undefined) missing = true;
      return line ?? '';
    };
    const bodies = sources(emit, k);
    if (missing) return null;
    const prologue = Array.from({ length: k }, (_, c) => `const $t${c} = $t[${c}], $at${c} = $at[${c}];`).join(' ');
    try {
      return bodies.map(
        (body) => new Function(...deps.keys(), `"use strict"; return function ($v, $a, $t, $at) {\n${prologue}\n${body}\n};`)(...deps.values()) as DirectionsPass,
      );
    } catch (e) {
      if (e instanceof EvalError) return null;
      throw e;
    }
  };
  return (v, t, a, at) => {
    const k = t.length;
    if (k > MAX_DIRECTIONS) return false;
    let fns = built.get(k);
    if (fns === undefined) {
      fns = build(k);
      built.set(k, fns);
    }
    if (fns === null) return false;
    for (let f = 0; f < fns.length; f++) (fns[f] as DirectionsPass)(v, a, t, at);
    return true;
  };
}

/**
 * A list's second-order sweep as generated code (Program.secondOrder): `sources(emit)` the
 * function bodies in the order they run, each entry's statements from src/engine/secondOrder.ts's
 * secondOrderEntry (the generated loop's case for the op, written for this entry), or its
 * unchecked twin for Program.secondOrderUnchecked.
 */
export function secondOrderProgram(deps: Deps, sources: (emit: Emit, k: number) => string[], unchecked = false): NonNullable<Program['secondOrder']> {
  return directionsProgram(deps, sources, unchecked ? secondOrderEntryUnchecked : secondOrderEntry);
}

const NO_ADJOINTS = new Float64Array(0);

/**
 * The entries' tangents along k directions in one forward sweep, unchecked (Program.tangentLanes):
 * `sources(emit)` in list order, leaving out the entries whose tangent no second-order sweep reads (tangentsNeeded).
 */
export function tangentLanesProgram(deps: Deps, sources: (emit: Emit) => string[]): NonNullable<Program['tangentLanes']> {
  const run = directionsProgram(deps, sources, (op, slots, i, k, d) => {
    const lanes = Array.from({ length: k }, (_, c) => `$t${c}[${i}] = s_${c};`).join(' ');
    return `{ ${tangentLanesTemplate(op, slots, `$v[${i}]`, k, d)} ${lanes} }`;
  });
  return (v, t) => run(v, t, NO_ADJOINTS, []);
}

/**
 * Generated code for one list, or undefined where `new Function` is not allowed. Each sweep
 * is split into functions of about `chunkChars` characters of source, because V8 does not
 * optimise very large functions; the backward and tangent sweeps are generated on first use.
 */
export function straightLine(
  list: SweepList & { readonly guards?: readonly GuardRecord[]; readonly outputs?: readonly number[] }, chunkChars: number,
): Program | undefined {
  if (!canGenerateFor(list)) return undefined;
  const { inputCount, length } = list;
  const deps: Deps = new Map();

  const emit = entryEmitters(deps);
  const emitEvaluate = emit.evaluate;
  const emitBackward = emit.backward;
  const emitTangent = emit.tangent;

  /** The sweep as functions in list order (the backward one runs them, and their lines, in reverse). */
  const build = (emit: Emit, params: string, reverse: boolean): Pass[] => {
    // At least one function, so a list of inputs only still has a pass to run.
    const { chunks: found } = straightChunks(list, inputCount, length, 0, emit, chunkChars);
    const chunks = found.length > 0 ? found : [[]];
    const names = [...deps.keys()];
    const fns = chunks.map((c) => {
      const body = reverse ? `let g;\n${c.reverse().join('\n')}` : c.join('\n');
      return new Function(...names, `"use strict"; return function (${params}) {\n${body}\n};`)(...deps.values()) as Pass;
    });
    return reverse ? fns.reverse() : fns;
  };
  const lazy = (emit: Emit, params: string, reverse: boolean): Pass => {
    let fns: Pass[] | undefined;
    let only: Pass | undefined;
    return (a, b) => {
      if (only !== undefined) return only(a, b);
      fns ??= build(emit, params, reverse);
      // Most lists are one function: called directly after the first time, without the loop.
      if (fns.length === 1) only = fns[0];
      for (let k = 0; k < fns.length; k++) (fns[k] as Pass)(a, b);
    };
  };
  /**
   * The entries the gradient's forward sweep computes: those whose values the backward sweep or
   * a guard reads, and what those are computed from. The primal's other values (f's own value
   * among them) are left out: for the worked example, log and sin are never called.
   */
  let neededByBackward: Uint8Array | undefined;
  const neededForBackward = (): Uint8Array => {
    if (neededByBackward !== undefined) return neededByBackward;
    const needed = new Uint8Array(list.length);
    for (const chunk of straightChunks(list, inputCount, length, 0, emit.backward, chunkChars).chunks) {
      for (const line of chunk) for (const m of line.matchAll(/\$v\[(\d+)\]/g)) needed[Number(m[1])] = 1;
    }
    for (const g of list.guards ?? []) {
      if (g.a >= 0) needed[g.a] = 1;
      if (g.b >= 0) needed[g.b] = 1;
    }
    // Entries last to first, each marking what it is computed from.
    const starts = refOffsets(list);
    for (let i = length - 1; i >= inputCount; i--) {
      if (needed[i] !== 1) continue;
      for (let q = starts[i] as number; q < (starts[i + 1] as number); q++) {
        const r = list.refs[q] as number;
        if (r >= 0) needed[r] = 1;
      }
    }
    return (neededByBackward = needed);
  };
  const emitLean = (): Emit => {
    const needed = neededForBackward();
    return (i, op, slots) => (needed[i as number] === 1 ? emitEvaluate(i, op, slots) : '');
  };
  /**
   * Program.fusedVjp: x loaded, the forward sweep of what the backward sweep reads, the seed,
   * the unchecked backward sweep, the finiteness test and the input adjoints written to out,
   * as one function whose values and adjoints are locals (`v<i>`, `a<i>`): for a list this
   * small the calls, array writes and reads between separate sweeps cost more than the
   * sweeps. The same templates in the same order as backwardUnchecked, so the same numbers.
   * Only for a scalar f with no guards whose code fits in one function (chunkChars).
   */
  const fuse = (): FusedVjp | undefined => {
    const output = list.outputs?.length === 1 ? (list.outputs[0] as number) : -1;
    if (output < 0 || (list.guards?.length ?? 0) > 0) return undefined;
    const { codes, refs, constants } = list;
    const ar = arities();
    const slotsOf: ArgSlot[][] = [];
    let p = 0;
    for (let i = inputCount; i < length; i++) {
      const n = ar[codes[i] as number] as number;
      const slots: ArgSlot[] = [];
      for (let k = 0; k < n; k++) {
        const r = refs[p + k] as number;
        slots.push(r >= 0 ? { value: `v${r}`, entry: String(r), adjoint: `a${r}` } : { value: numberLiteral(constants[-1 - r] as number) });
      }
      slotsOf[i] = slots;
      p += n;
    }
    const backward: string[] = [];
    for (let i = length - 1; i >= inputCount; i--) {
      const body = backwardTemplate(opByCode(codes[i] as number), slotsOf[i] as ArgSlot[], `v${i}`, 'g', '$a', deps, false);
      if (body !== '') backward.push(`g = a${i}; { ${body} }`);
    }
    // The lean sweep's entries (the same templates read the same values, here as locals).
    const needed = neededForBackward();
    const forward: string[] = [];
    for (let i = inputCount; i < length; i++) {
      if (needed[i] !== 1) continue;
      forward.push(`const v${i} = ${valueTemplate(opByCode(codes[i] as number), (slotsOf[i] as ArgSlot[]).map((slot) => slot.value), deps)};`);
    }
    const inputs = Array.from({ length: inputCount }, (_, i) => i);
    const body = [
      ...inputs.map((i) => `const v${i} = x[${i}]; if (typeof v${i} !== 'number') return 0;`),
      ...forward,
      `let ${Array.from({ length }, (_, i) => `a${i} = 0`).join(', ')}, g;`,
      `a${output} += seed;`,
      ...backward,
      // Why x·0 sums test finiteness: see uncheckedAdjointsExact (src/engine/accumulate.ts).
      `if (!(${inputs.map((i) => `a${i} * 0`).join(' + ') || '0'} === 0)) return 2;`,
      ...inputs.map((i) => `out[${i}] = a${i};`),
      'return 1;',
    ].join('\n');
    if (body.length > chunkChars) return undefined;
    return new Function(...deps.keys(), `"use strict"; return function (x, seed, out) {\n${body}\n};`)(...deps.values()) as FusedVjp;
  };
  // Entries last to first, each chunk's statements reversed (as the backward sweep).
  const secondOrderSources = (emit: Emit): string[] =>
    straightChunks(list, inputCount, length, 0, emit, chunkChars).chunks.map((c) => c.reverse().join('\n')).reverse();
  try {
    // The forward sweep is built now, so a Content Security Policy shows up here and an interpreter takes over.
    const evaluate = build(emitEvaluate, '$v', false);
    let lean: Pass | undefined;
    return {
      mode: 'codegen',
      clearsAdjoints: true,
      secondOrder: secondOrderProgram(deps, secondOrderSources),
      secondOrderUnchecked: secondOrderProgram(deps, secondOrderSources, true),
      tangentLanes: tangentLanesProgram(deps, (emit) => {
        const needed = tangentsNeeded(list);
        return straightChunks(list, inputCount, length, 0, (i, op, slots) => (needed[i as number] === 1 ? emit(i, op, slots) : ''), chunkChars).chunks
          .map((c) => c.join('\n'));
      }),
      evaluate: evaluate.length === 1 ? (evaluate[0] as (v: Float64Array) => void) : (v) => {
        for (let k = 0; k < evaluate.length; k++) (evaluate[k] as (v: Float64Array) => void)(v);
      },
      evaluateForBackward(v, x) {
        // Straight-line code reads its inputs from v: x is copied in (its backward sweep then finds them there).
        if (x !== undefined) v.set(x);
        lean ??= lazy(emitLean(), '$v', false);
        lean(v, v);
      },
      backward: lazy(emitBackward, '$v, $a', true),
      backwardUnchecked: lazy(emit.backwardUnchecked, '$v, $a', true),
      fuseVjp: fuse,
      tangent: lazy(emitTangent, '$v, $t', false),
    };
  } catch (e) {
    // A Content Security Policy can forbid new Function even after the first probe passed.
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}
