// compile's code generator: one list's sweeps as straight-line JavaScript, each entry the op's template with literal indices.
import { opByCode, type OpDef } from '../ops/opDef';
import { canGenerateCode, numberLiteral } from '../symbolic/index';
import { arities } from '../engine/entries';
import type { SweepList } from '../engine/sweeps';
import { backwardTemplate, tangentTemplate, valueTemplate, type ArgSlot, type Deps } from '../engine/templates';
import type { Program } from './program';

type Pass = (a: Float64Array, b: Float64Array) => void;

/** One entry's statement in a sweep: `i` an expression for its index, `slots` its arguments ('' when the entry has nothing to do). */
export type Emit = (i: number | string, op: OpDef, slots: ArgSlot[]) => string;

/**
 * The statement each sweep runs for one entry (values `$v`, adjoints `$a`, tangents `$t`):
 * the op's templates, shared by the straight-line code and the re-rolled loops (reroll.ts).
 */
export function entryEmitters(deps: Deps): { evaluate: Emit; backward: Emit; tangent: Emit } {
  return {
    evaluate: (i, op, slots) => `$v[${i}] = ${valueTemplate(op, slots.map((s) => s.value), deps)};`,
    backward: (i, op, slots) => {
      const body = backwardTemplate(op, slots, `$v[${i}]`, 'g', '$a', deps);
      return body === '' ? '' : `g = $a[${i}]; if (g !== 0) { ${body} }`;
    },
    tangent: (i, op, slots) => `{ ${tangentTemplate(op, slots, `$v[${i}]`, '$t', deps)} $t[${i}] = s_; }`,
  };
}

/**
 * Generated code for one list, or undefined where `new Function` is not allowed. Each sweep
 * is split into functions of about `chunkChars` characters of source, because V8 does not
 * optimise very large functions; the backward and tangent sweeps are generated on first use.
 */
export function straightLine(list: SweepList, chunkChars: number): Program | undefined {
  // A list with call entries (checkpoint, checkpointed scan) is run by the interpreter, which runs calls.
  if (!canGenerateCode() || (list.calls !== undefined && list.calls.size > 0)) return undefined;
  const { inputCount, length, refs, constants, codes } = list;
  const ar = arities();
  const deps: Deps = new Map();
  const slotOf = (r: number): ArgSlot => (r >= 0 ? { value: `$v[${r}]`, entry: String(r) } : { value: numberLiteral(constants[-1 - r] as number) });

  const emit = entryEmitters(deps);
  const emitEvaluate = emit.evaluate;
  const emitBackward = emit.backward;
  const emitTangent = emit.tangent;

  /** The sweep as functions in list order (the backward one runs them, and their lines, in reverse). */
  const build = (emit: Emit, params: string, reverse: boolean): Pass[] => {
    const chunks: string[][] = [[]];
    let chars = 0;
    let p = 0;
    for (let i = inputCount; i < length; i++) {
      const code = codes[i] as number;
      const n = ar[code] as number;
      const slots: ArgSlot[] = [];
      for (let k = 0; k < n; k++) slots.push(slotOf(refs[p + k] as number));
      p += n;
      const line = emit(i, opByCode(code), slots);
      if (line === '') continue;
      if (chars + line.length > chunkChars && chars > 0) {
        chunks.push([]);
        chars = 0;
      }
      (chunks[chunks.length - 1] as string[]).push(line);
      chars += line.length + 1;
    }
    const names = [...deps.keys()];
    const fns = chunks.map((c) => {
      const body = reverse ? `let g;\n${c.reverse().join('\n')}` : c.join('\n');
      return new Function(...names, `"use strict"; return function (${params}) {\n${body}\n};`)(...deps.values()) as Pass;
    });
    return reverse ? fns.reverse() : fns;
  };
  const lazy = (emit: Emit, params: string, reverse: boolean): Pass => {
    let fns: Pass[] | undefined;
    return (a, b) => {
      fns ??= build(emit, params, reverse);
      for (let k = 0; k < fns.length; k++) (fns[k] as Pass)(a, b);
    };
  };
  try {
    // The forward sweep is built now, so a Content Security Policy shows up here and an interpreter takes over.
    const evaluate = build(emitEvaluate, '$v', false);
    return {
      mode: 'codegen',
      evaluate(v) {
        for (let k = 0; k < evaluate.length; k++) (evaluate[k] as (v: Float64Array) => void)(v);
      },
      backward: lazy(emitBackward, '$v, $a', true),
      tangent: lazy(emitTangent, '$v, $t', false),
    };
  } catch (e) {
    // A Content Security Policy can forbid new Function even after the first probe passed.
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}
