// Per-op code templates: the JavaScript each generated engine emits for one entry, from the op table's derived kernels.
//
// Both generated backends (the switch-dispatch interpreter, one case per op, and compile's
// straight-line code, one block per entry) emit these same templates; they differ only in
// how an argument is addressed (read through `refs` at run time, or a literal index).
// Placeholders of the derived text: `$0 ..` arguments, `$y` the entry's value, `$tN` temporaries.
import type { OpDef } from '../ops/opDef';
import { kernelOf, valueCode } from '../symbolic/index';
import { addAdjointCode, addAdjointUncheckedCode, addTangentCode } from './accumulate';
import { numericPartials } from './entries';

/** Functions the generated text calls by name (`V<code>` value functions, `PN` the fallback partials). */
export type Deps = Map<string, unknown>;

/** One argument of an entry, as generated code sees it. */
export interface ArgSlot {
  /** An expression for the argument's value. */
  readonly value: string;
  /** An expression for the index of the entry it reads; absent for a constant (no adjoint, no tangent). */
  readonly entry?: string;
  /** A run-time condition that it is an entry (where that is only known at run time). */
  readonly isEntry?: string;
  /** Where its adjoint and tangent are kept, if not in the arrays at `entry` (a local variable of a generated loop body). */
  readonly adjoint?: string;
  readonly tangent?: string;
  /** Where a generated loop over several directions keeps its tangents, if not in the arrays: direction c's in local `<tangents><c>`. */
  readonly tangents?: string;
}

function fill(text: string, args: readonly string[], y: string): string {
  return text.replace(/\$(\d+|y|t\d+)/g, (_, k: string) => (/^\d/.test(k) ? (args[Number(k)] as string) : k === 'y' ? y : `_${k}`));
}

/** An expression for op's value at `args`. */
export function valueTemplate(op: OpDef, args: readonly string[], deps: Deps): string {
  const kernel = kernelOf(op);
  const valueDeps = new Map<number, (...a: number[]) => number>();
  const text = kernel?.value ?? valueCode(op, valueDeps);
  for (const [c, fn] of [...valueDeps, ...(kernel?.deps ?? [])]) deps.set(`V${c}`, fn);
  return fill(text, args, '');
}

/** Statements declaring op's partials at `args` (value `y`) as `_d0, _d1, ...`: derived text, or a call of the rule. */
export function partialsTemplate(op: OpDef, args: readonly string[], y: string, deps: Deps): string {
  const kernel = kernelOf(op);
  if (kernel !== undefined) {
    for (const [c, fn] of kernel.deps) deps.set(`V${c}`, fn);
    return [...kernel.temps.map((s) => fill(s, args, y)), ...kernel.partials.map((d, k) => `const _d${k} = ${fill(d, args, y)};`)].join(' ');
  }
  deps.set('PN', numericPartials);
  return `const _p = PN(${op.code}, [${args.join(', ')}], ${y}); ${args.map((_, k) => `const _d${k} = _p[${k}];`).join(' ')}`;
}

/**
 * Statements pushing adjoint `seed` of an entry to its arguments' adjoints in array `adj` ('' if
 * no argument is an entry); `checked` false leaves out the zero-skip tests (see addAdjointUncheckedCode).
 */
export function backwardTemplate(op: OpDef, slots: readonly ArgSlot[], y: string, seed: string, adj: string, deps: Deps, checked = true): string {
  const updates = slots.map((s, k) => {
    if (s.entry === undefined) return '';
    const update = (checked ? addAdjointCode : addAdjointUncheckedCode)(s.adjoint ?? `${adj}[${s.entry}]`, seed, `_d${k}`);
    return s.isEntry === undefined ? update : `if (${s.isEntry}) { ${update} }`;
  });
  if (updates.every((u) => u === '')) return '';
  return `${partialsTemplate(op, slots.map((s) => s.value), y, deps)} ${updates.join(' ')}`;
}

/**
 * Statements declaring `s_`, an entry's tangent from its arguments' tangents in array `tan`.
 * The partials are computed only where some argument's tangent is nonzero.
 */
export function tangentTemplate(op: OpDef, slots: readonly ArgSlot[], y: string, tan: string, deps: Deps): string {
  const live = slots.flatMap((s, k) => (s.entry === undefined ? [] : [{ s, k }]));
  if (live.length === 0) return 'const s_ = 0;';
  const reads = live
    .map(({ s, k }) => `const u${k}_ = ${s.isEntry === undefined ? (s.tangent ?? `${tan}[${s.entry}]`) : `${s.isEntry} ? ${tan}[${s.entry}] : 0`};`)
    .join(' ');
  const anyLive = live.map(({ k }) => `u${k}_ !== 0`).join(' || ');
  const sums = live.map(({ k }) => addTangentCode('s_', `u${k}_`, `_d${k}`)).join(' ');
  return `${reads} let s_ = 0; if (${anyLive}) { ${partialsTemplate(op, slots.map((s) => s.value), y, deps)} ${sums} }`;
}

/** An argument's tangent along direction c of a sweep over several: 0 for a constant, its local (ArgSlot.tangents) or `$t<c>[entry]`. */
export function laneTangent(slot: ArgSlot, c: number): string {
  return slot.entry === undefined ? '0' : slot.tangents !== undefined ? `${slot.tangents}${c}` : `$t${c}[${slot.entry}]`;
}

/**
 * Statements declaring `s_0 .. s_<k-1>`, an entry's tangents along k directions at once
 * (argument j's along direction c where its slot keeps it, see laneTangent), without the
 * zero-skip tests: the partials once, then each direction's plain sum in argument order.
 * For the unchecked second-order sweep, whose caller keeps the result only where it is exact
 * (see secondOrderEntryUnchecked): a product the tested sum skips is ±0 where its other factor
 * is finite, which changes a tangent by at most the sign of a zero, and no adjoint tangent
 * (never -0) by anything; where the other factor is ∞ or NaN the tangent is NaN, and so is
 * every adjoint tangent its value reaches.
 */
export function tangentLanesTemplate(op: OpDef, slots: readonly ArgSlot[], y: string, k: number, deps: Deps): string {
  const live = slots.flatMap((s, j) => (s.entry === undefined ? [] : [j]));
  const lanes = Array.from({ length: k }, (_, c) => c);
  if (live.length === 0) return lanes.map((c) => `const s_${c} = 0;`).join(' ');
  const sums = lanes.map((c) => `const s_${c} = ${live.map((j) => `_d${j} * ${laneTangent(slots[j] as ArgSlot, c)}`).join(' + ')};`).join(' ');
  return `${partialsTemplate(op, slots.map((s) => s.value), y, deps)} ${sums}`;
}
