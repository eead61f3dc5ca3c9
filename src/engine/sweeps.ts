// The numeric sweeps over a flat Wengert list (evaluate, backward, tangent), and the two interpreters that run them.
//
// Each sweep is one loop over the entries; what differs between backends is only how one
// entry is computed. The plain interpreter computes every entry with the per-entry steps of
// entries.ts (an indirect call of the op's value function or partials kernel; no
// `new Function`, so it runs under a strict Content Security Policy). The generated
// interpreter is the same loop emitted once as source, with one `case` per built-in op whose
// body is that op's template (templates.ts), and the plain step as its `default`: no
// indirect call per entry, which V8 then optimises to a few ns per entry. Both accumulate
// through accumulate.ts only.
import { listOps } from '../ops/opDef';
import { canGenerateCode } from '../symbolic/index';
import { addAdjoint, addTangent, addAdjointCode, addTangentCode, contributes } from './accumulate';
import { arities, entryPartials, entryValue, partialsScratch } from './entries';
import { CALL_CODE, callBackward, callTangent, callValue, type CallTable } from './calls';
import { backwardTemplate, tangentTemplate, valueTemplate, type ArgSlot, type Deps } from './templates';

/**
 * A flat list as the sweeps read it (the list's own arrays, not copies). Entries 0 ..
 * inputCount-1 are inputs; entry i >= inputCount has op code codes[i] and its argument
 * references next in `refs` (in entry order, `arity` each, refCount in all); a reference
 * r >= 0 is entry r < i, r < 0 is constants[-1 - r].
 */
export interface SweepList {
  readonly inputCount: number;
  readonly length: number;
  readonly refCount: number;
  readonly codes: Uint32Array;
  readonly refs: Int32Array;
  readonly constants: Float64Array;
  /** Call entries (code CALL_CODE, no references of their own): checkpoint(f), checkpointed scans. */
  readonly calls?: CallTable;
}

/** The engines that can sweep any list (compile's straight-line code is made for one list). */
export type InterpreterName = 'interpreter' | 'plain interpreter';

/** One backend's sweeps. `v` holds every entry's value (inputs filled in), `a` adjoints, `t` tangents. */
export interface Sweeps {
  readonly mode: InterpreterName;
  /** Forward values of entries inputCount .. length-1. */
  evaluate(list: SweepList, v: Float64Array): void;
  /** Adjoints: `a` holds the output seeds on entry, every entry's adjoint on return. */
  backward(list: SweepList, v: Float64Array, a: Float64Array): void;
  /**
   * Tangents: `t` holds the inputs' tangents on entry, every entry's tangent on return (each
   * written before it is read, so a caller reusing `t` resets only the inputs').
   */
  tangent(list: SweepList, v: Float64Array, t: Float64Array): void;
}

/** Observes one adjoint update of the plain backward sweep (teaching output). */
export type UpdateObserver = (update: {
  /** The entry whose adjoint is being pushed to its arguments. */
  readonly from: number;
  /** The argument entry receiving the contribution. */
  readonly to: number;
  /** Which argument of `from` it is (0-based). */
  readonly argument: number;
  /** ∂v_from/∂v_to at the recorded values (NaN from a checkpointed call, whose update is a whole vjp component). */
  readonly partial: number;
  readonly contribution: number;
  /** The adjoint of `to` after adding the contribution. */
  readonly adjoint: number;
  /** True when `to` already had a nonzero adjoint: a second path meeting (fan-out). */
  readonly accumulated: boolean;
}) => void;

const plainOut = partialsScratch();

/** The plain backward sweep, optionally reporting every update to `observe` (the list's `adjoints(yBar, observe)`). */
export function plainBackward(list: SweepList, v: Float64Array, a: Float64Array, observe?: UpdateObserver): void {
  const { codes, refs, constants: c, inputCount } = list;
  const ar = arities();
  const out = plainOut;
  let p = list.refCount;
  for (let i = list.length - 1; i >= inputCount; i--) {
    const code = codes[i] as number;
    if (code === CALL_CODE) {
      // A call reports one update per argument: its vjp's sum, with no single partial (NaN).
      const report = observe && ((from: number, to: number, argument: number, contribution: number, before: number) =>
        observe({ from, to, argument, partial: NaN, contribution, adjoint: a[to] as number, accumulated: before !== 0 }));
      callBackward(list.calls, i, c, v, a, report);
      continue;
    }
    const n = ar[code] as number;
    p -= n;
    const g = a[i] as number;
    // A zero adjoint contributes to no argument (contributes(0, d) is false for every d).
    if (g === 0) continue;
    entryPartials(code, p, i, refs, c, v, out);
    for (let k = 0; k < n; k++) {
      const r = refs[p + k] as number;
      if (r < 0) continue;
      const d = out[k] as number;
      const before = a[r] as number;
      addAdjoint(a, r, g, d);
      observe?.({ from: i, to: r, argument: k, partial: d, contribution: contributes(g, d) ? g * d : 0, adjoint: a[r] as number, accumulated: before !== 0 });
    }
  }
}

/** The interpreter that needs no code generation. */
export const plainInterpreter: Sweeps = {
  mode: 'plain interpreter',
  evaluate(list, v) {
    const { codes, refs, constants: c } = list;
    const ar = arities();
    let p = 0;
    for (let i = list.inputCount; i < list.length; i++) {
      const code = codes[i] as number;
      if (code === CALL_CODE) {
        callValue(list.calls, i, c, v);
        continue;
      }
      v[i] = entryValue(code, p, refs, c, v);
      p += ar[code] as number;
    }
  },
  backward(list, v, a) {
    plainBackward(list, v, a);
  },
  tangent(list, v, t) {
    const { codes, refs, constants: c } = list;
    const ar = arities();
    const out = plainOut;
    let p = 0;
    for (let i = list.inputCount; i < list.length; i++) {
      const code = codes[i] as number;
      if (code === CALL_CODE) {
        callTangent(list.calls, i, c, v, t);
        continue;
      }
      const n = ar[code] as number;
      let live = false;
      for (let k = 0; k < n; k++) {
        const r = refs[p + k] as number;
        if (r >= 0 && t[r] !== 0) live = true;
      }
      let s = 0;
      if (live) {
        entryPartials(code, p, i, refs, c, v, out);
        for (let k = 0; k < n; k++) {
          const r = refs[p + k] as number;
          if (r >= 0) s = addTangent(s, t[r] as number, out[k] as number);
        }
      }
      t[i] = s;
      p += n;
    }
  },
};

type Evaluate = (codes: Uint32Array, refs: Int32Array, ar: Uint8Array, c: Float64Array, v: Float64Array, from: number, to: number, calls: CallTable | undefined) => void;
type Sweep = (
  codes: Uint32Array, refs: Int32Array, ar: Uint8Array, c: Float64Array, v: Float64Array, x: Float64Array,
  from: number, to: number, p: number, out: Float64Array, calls: CallTable | undefined,
) => void;

interface Generated {
  evaluate: Evaluate;
  backward: Sweep;
  tangent: Sweep;
}
let generated: Generated | null | undefined;

/** The source of the generated interpreter: one loop per sweep, one case per built-in op with derived code. */
export function switchSource(deps: Deps): string {
  const evaluateCases: string[] = [];
  const backwardCases: string[] = [];
  const tangentCases: string[] = [];
  for (const op of listOps()) {
    // User-defined rules may read state of their own, so they are never frozen into code (kernelOf says so too).
    if (!op.builtin) continue;
    const slots: ArgSlot[] = Array.from({ length: op.arity }, (_, k) => ({ value: `x${k}_`, entry: `r${k}`, isEntry: `r${k} >= 0` }));
    // Each case reads its references, and the values only of the arguments its code uses (add's partials need none).
    const reads = (body: string) =>
      slots.map((_, k) => `const r${k} = refs[p + ${k}];${body.includes(`x${k}_`) ? ` const x${k}_ = r${k} >= 0 ? v[r${k}] : c[-1 - r${k}];` : ''}`).join(' ');
    const value = `v[i] = ${valueTemplate(op, slots.map((s) => s.value), deps)};`;
    // Each case moves p by its own arity, a literal: p then depends on no load, so the CPU can
    // overlap consecutive entries (p += ar[code] chains every entry to the previous one's loads).
    evaluateCases.push(`case ${op.code}: { ${reads(value)} ${value} p += ${op.arity}; break; }`);
    const backward = backwardTemplate(op, slots, 'v[i]', 'g', 'a', deps);
    backwardCases.push(`case ${op.code}: { p -= ${op.arity}; ${reads(backward)} ${backward} break; }`);
    const tangent = `${tangentTemplate(op, slots, 'v[i]', 't', deps)} t[i] = s_;`;
    tangentCases.push(`case ${op.code}: { ${reads(tangent)} ${tangent} p += ${op.arity}; break; }`);
  }
  deps.set('EV', entryValue);
  deps.set('EP', entryPartials);
  // Call entries have no references (p stays) and run the call's own functions (calls.ts).
  deps.set('CV', callValue);
  deps.set('CB', callBackward);
  deps.set('CT', callTangent);
  evaluateCases.push(`case ${CALL_CODE}: CV(calls, i, c, v); break;`);
  tangentCases.push(`case ${CALL_CODE}: CT(calls, i, c, v, t); break;`);
  const fallbackBackward = `default: { const n = ar[code]; p -= n; EP(code, p, i, refs, c, v, out); for (let k = 0; k < n; k++) { const r = refs[p + k]; if (r >= 0) { const d = out[k]; ${addAdjointCode('a[r]', 'g', 'd')} } } }`;
  const fallbackTangent =
    `default: { const n = ar[code]; let live = false; for (let k = 0; k < n; k++) { const r = refs[p + k]; if (r >= 0 && t[r] !== 0) live = true; } let s_ = 0; ` +
    `if (live) { EP(code, p, i, refs, c, v, out); for (let k = 0; k < n; k++) { const r = refs[p + k]; if (r >= 0) { const u = t[r]; const d = out[k]; ${addTangentCode('s_', 'u', 'd')} } } } t[i] = s_; p += n; }`;
  return `"use strict";
return {
  evaluate(codes, refs, ar, c, v, from, to, calls) {
    let p = 0;
    for (let i = from; i < to; i++) { const code = codes[i];
      switch (code) {\n${evaluateCases.join('\n')}\ndefault: v[i] = EV(code, p, refs, c, v); p += ar[code]; } }
  },
  backward(codes, refs, ar, c, v, a, from, to, p, out, calls) {
    for (let i = to - 1; i >= from; i--) { const code = codes[i];
      if (code === ${CALL_CODE}) { CB(calls, i, c, v, a); continue; }
      const g = a[i]; if (g === 0) { p -= ar[code]; continue; }
      switch (code) {\n${backwardCases.join('\n')}\n${fallbackBackward} } }
  },
  tangent(codes, refs, ar, c, v, t, from, to, p, out, calls) {
    for (let i = from; i < to; i++) { const code = codes[i];
      switch (code) {\n${tangentCases.join('\n')}\n${fallbackTangent} } }
  },
};`;
}

function generate(): Generated | null {
  try {
    const deps: Deps = new Map();
    const source = switchSource(deps);
    return new Function(...deps.keys(), source)(...deps.values()) as Generated;
  } catch {
    return null;
  }
}

const switchOut = partialsScratch();

/** The interpreter with a generated dispatch loop, or undefined where `new Function` is not allowed. */
export function generatedInterpreter(): Sweeps | undefined {
  if (!canGenerateCode()) return undefined;
  generated ??= generate();
  const g = generated;
  if (g === null) return undefined;
  return {
    mode: 'interpreter',
    evaluate: (list, v) => g.evaluate(list.codes, list.refs, arities(), list.constants, v, list.inputCount, list.length, list.calls),
    backward: (list, v, a) =>
      g.backward(list.codes, list.refs, arities(), list.constants, v, a, list.inputCount, list.length, list.refCount, switchOut, list.calls),
    tangent: (list, v, t) => g.tangent(list.codes, list.refs, arities(), list.constants, v, t, list.inputCount, list.length, 0, switchOut, list.calls),
  };
}

let preferred: Sweeps | undefined;

/** The fastest interpreter available here: the generated one, else the plain one. What a list sweeps itself with. */
export function listSweeps(): Sweeps {
  if (!canGenerateCode()) return plainInterpreter;
  preferred ??= generatedInterpreter() ?? plainInterpreter;
  return preferred;
}

/** Seeds output adjoints: `a[outputs[k]] += seeds[k]` (an output that is a constant has no entry). */
export function seedOutputs(outputs: readonly number[], seeds: ArrayLike<number>, a: Float64Array): void {
  for (let k = 0; k < outputs.length; k++) {
    const r = outputs[k] as number;
    if (r >= 0) a[r] += seeds[k] as number;
  }
}
