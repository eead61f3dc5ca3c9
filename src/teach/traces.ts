// Evaluation-trace tables of both modes, read from a Wengert list, a dual replay of it, and its observed backward sweep.
import { Dual } from '../forward/dual';
import { apply, getOp, type OpDef } from '../ops/opDef';
import { add, mul } from '../ops/table';
import { describe, primal, type Value } from '../ops/value';
import { record, type WengertArg, type WengertEntry, type WengertList } from '../reverse/wengertList';
import { checkFunction, checkVector, type VectorFunction } from '../internal/validate';
import { numberCell, renderTable, type Cell, type TableFormat } from './format';
import {
  decorate, exprToLatex, exprToText, num, partialsTree, simplified, simplify, variable, withSymbolicPartials, type Expr,
} from '../symbolic/index';

/**
 * Names shared by both traces.
 *
 * @example
 * ```ts
 * import { forwardTrace, workedExample } from 'dualtape';
 * forwardTrace(workedExample, [2, 5], { inputNames: ['a', 'b'], outputNames: ['f'] });
 * ```
 */
export interface TraceNames {
  /** Names of the inputs, shown as the inputs' defining expressions; default `x1`, `x2`, .... */
  inputNames?: readonly string[];
  /** Names of the outputs; default `y` for a scalar f, `y1`, `y2`, ... otherwise. */
  outputNames?: readonly string[];
}

/**
 * Options of {@link forwardTrace}.
 *
 * @example
 * ```ts
 * import { forwardTrace, workedExample } from 'dualtape';
 * forwardTrace(workedExample, [2, 5], { seed: [0, 1] }).outputTangent; // [1.7163378145367738]
 * ```
 */
export interface ForwardTraceOptions extends TraceNames {
  /** The input tangent (the seed ẋ); default e_1, the first input, as in the seed notes. */
  seed?: ArrayLike<number>;
}

/**
 * Options of {@link reverseTrace}.
 *
 * @example
 * ```ts
 * import { reverseTrace, mul, sin } from 'dualtape';
 * reverseTrace((x) => [mul(x[0], x[1]), sin(x[0])], [0, 5], { yBar: [0, 1] }).gradient; // [1, 0]
 * ```
 */
export interface ReverseTraceOptions extends TraceNames {
  /** The output adjoint ȳ; default 1 for a scalar f and e_1 (the first output) otherwise. */
  yBar?: number | ArrayLike<number>;
}

/**
 * LaTeX spellings of a row's symbolic cells (math mode, without `$`).
 *
 * @example
 * ```ts
 * import { forwardTrace, workedExample } from 'dualtape';
 * forwardTrace(workedExample, [2, 5]).rows[2].latex.expression; // '\\ln v_{-1}'
 * ```
 */
export interface RowLatex {
  readonly node: string;
  readonly expression: string;
  readonly rule: string;
}

/**
 * One row of the forward (primal + tangent) trace. Inputs are v_{1-n} .. v_0, the
 * primitives v_1, v_2, ... in evaluation order, then one row per output (`y`).
 *
 * @example
 * ```ts
 * import { forwardTrace, workedExample } from 'dualtape';
 * const row = forwardTrace(workedExample, [2, 5]).rows[3];
 * [row.node, row.expression, row.tangentRule, row.tangent]; // ['v2', 'v-1 * v0', 'v-1-dot * v0 + v0-dot * v-1', 5]
 * ```
 */
export interface ForwardTraceRow {
  /** `v-1`, `v0`, `v1`, ..., or the output's name. */
  readonly node: string;
  readonly kind: 'input' | 'intermediate' | 'output';
  /** The Wengert-list entry (for an output row, the entry it returns; -1 for a constant). */
  readonly index: number;
  /** The primitive's name, `'input'` or `'output'`. */
  readonly op: string;
  /** The entry's arguments as recorded (earlier entries or constants); for an output row, what it returns. */
  readonly args: readonly WengertArg[];
  /** The defining expression (`ln v-1`, `v-1 * v0`). */
  readonly expression: string;
  readonly value: number;
  /** The tangent rule, derived from the op's partials rule (`v-1-dot * v0 + v0-dot * v-1`). */
  readonly tangentRule: string;
  readonly tangent: number;
  readonly latex: RowLatex;
}

/**
 * The forward trace of f at x for one seed, as data.
 *
 * @example
 * ```ts
 * import { forwardTrace, workedExample } from 'dualtape';
 * const t = forwardTrace(workedExample, [2, 5]);
 * t.rows.length; // 8: v-1, v0, v1 .. v5, y
 * t.outputTangent; // [5.5]
 * ```
 */
export interface ForwardTraceTable {
  readonly mode: 'forward';
  readonly seed: readonly number[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly rows: readonly ForwardTraceRow[];
  /** f(x), one value per output. */
  readonly output: readonly number[];
  /** J·seed, one value per output: for a unit seed e_j, column j of the Jacobian. */
  readonly outputTangent: readonly number[];
}

/**
 * One row of the reverse (adjoint) trace: a seed of an output adjoint, or one update of the backward sweep.
 *
 * @example
 * ```ts
 * import { reverseTrace, workedExample } from 'dualtape';
 * const last = reverseTrace(workedExample, [2, 5]).rows.at(-1);
 * [last.adjoint, last.rule, last.accumulated]; // ['v-1-bar', 'v-1-bar + v1-bar / v-1', true]
 * ```
 */
export interface ReverseTraceRow {
  /** `v5-bar`, `v-1-bar`, .... */
  readonly adjoint: string;
  readonly kind: 'seed' | 'update';
  /** The entry whose adjoint changes. */
  readonly index: number;
  /** The entry pushing its adjoint back (null for a seed row). */
  readonly from: number | null;
  /** Which argument of `from` the receiving entry is (null for a seed row). */
  readonly argument: number | null;
  /** The adjoint rule (`v3-bar * cos v0`, `v0-bar + v2-bar * v-1`), derived from the op's partials rule. */
  readonly rule: string;
  /** ∂v_from/∂v_index at the recorded values (null for a seed row). */
  readonly partial: number | null;
  readonly contribution: number;
  /** The adjoint after this update. */
  readonly value: number;
  /** True when this update adds to an adjoint that another path already reached. */
  readonly accumulated: boolean;
  readonly latex: RowLatex;
}

/**
 * The reverse trace of f at x for one output adjoint, as data.
 *
 * @example
 * ```ts
 * import { reverseTrace, workedExample } from 'dualtape';
 * reverseTrace(workedExample, [2, 5]).gradient; // [5.5, 1.7163378145367738]
 * ```
 */
export interface ReverseTraceTable {
  readonly mode: 'reverse';
  readonly yBar: readonly number[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly rows: readonly ReverseTraceRow[];
  /** ȳᵀJ, the inputs' adjoints: for a unit ȳ = e_i, row i of the Jacobian. */
  readonly gradient: readonly number[];
}

/** @internal The seed notes' numbering: inputs v_{1-n} .. v_0, then v_1, v_2, .... */
export function nodeName(index: number, inputCount: number): string {
  return `v${index - inputCount + 1}`;
}

function resolveNames(api: string, tape: WengertList, opts: TraceNames): { inputs: string[]; outputs: string[] } {
  const n = tape.inputCount;
  const m = tape.outputCount;
  const check = (given: readonly string[] | undefined, count: number, argName: string, fallback: string[]): string[] => {
    if (given === undefined) return fallback;
    if (!Array.isArray(given) || given.length !== count || !given.every((s) => typeof s === 'string' && s.length > 0)) {
      throw new TypeError(`${api}: options.${argName} must be an array of ${count} non-empty strings, got ${describe(given)}`);
    }
    return [...given];
  };
  return {
    inputs: check(opts.inputNames, n, 'inputNames', Array.from({ length: n }, (_, i) => `x${i + 1}`)),
    outputs: check(opts.outputNames, m, 'outputNames', m === 1 && !tape.outputIsArray ? ['y'] : Array.from({ length: m }, (_, i) => `y${i + 1}`)),
  };
}

function numbers(api: string, argName: string, v: unknown, length: number): number[] {
  const xs = checkVector(api, argName, v, length);
  return xs.map((x, i) => {
    if (typeof x !== 'number') throw new TypeError(`${api}: ${argName}[${i}] must be a plain number, got ${describe(x)}`);
    return x;
  });
}

function unit(n: number, j: number): number[] {
  return Array.from({ length: n }, (_, k) => (k === j ? 1 : 0));
}

function opOf(entry: WengertEntry): OpDef {
  const op = getOp(entry.op);
  if (op === undefined) throw new TypeError(`trace: the recording names an unknown op '${entry.op}'`);
  return op;
}

function argExpr(entry: WengertEntry, k: number, n: number): Expr {
  const a = entry.args[k] as WengertEntry['args'][number];
  return 'entry' in a ? variable(nodeName(a.entry, n)) : num(a.constant);
}

/** @internal The tangents of every entry, from replaying the list's own entries with duals through `apply`. */
export function replayTangents(entries: readonly WengertEntry[], inputCount: number, seed: readonly number[]): number[] {
  const vals: Value[] = [];
  for (const e of entries) {
    if (e.index < inputCount) {
      vals.push(new Dual(e.value, seed[e.index] as number));
      continue;
    }
    const args = e.args.map((a) => ('entry' in a ? (vals[a.entry] as Value) : a.constant));
    vals.push(apply(opOf(e), args));
  }
  return vals.map((v) => (v instanceof Dual ? primal(v.tangent) : 0));
}

/** Entry e's arguments and value as symbolic values (name and number), for running its op's rule on them. */
function symbolicOperands(e: WengertEntry, entries: readonly WengertEntry[], n: number) {
  const args = e.args.map((a, k) =>
    'entry' in a
      ? { expr: argExpr(e, k, n), value: (entries[a.entry] as WengertEntry).value }
      : { expr: num(a.constant), value: a.constant, constant: true },
  );
  return { args, y: { expr: variable(nodeName(e.index, n)), value: e.value } };
}

/** @internal The partials of entry `e` as expressions, from the op's own rule run on symbolic values. */
export function symbolicPartials(e: WengertEntry, entries: readonly WengertEntry[], n: number): Expr[] {
  const { args, y } = symbolicOperands(e, entries, n);
  return partialsTree(opOf(e), args, y, true).map(simplified);
}

function tangentRule(e: WengertEntry, entries: readonly WengertEntry[], n: number, tangents: readonly number[]): Expr {
  const { args, y } = symbolicOperands(e, entries, n);
  return withSymbolicPartials(opOf(e), args, y, true, (partials, trace) => {
    // Σ_k v_k-dot · ∂v_i/∂v_k, built with dualtape's own add and mul on symbolic values
    let total: Value = 0;
    e.args.forEach((a, k) => {
      if (!('entry' in a)) return;
      const dot = trace.symbol({ expr: decorate(argExpr(e, k, n), 'dot'), value: tangents[a.entry] as number });
      total = add(total, mul(dot, partials[k] as Value));
    });
    return simplified(trace.exprOf(total));
  });
}

function latexOf(node: Expr, expression: Expr, rule: Expr): RowLatex {
  return { node: exprToLatex(node), expression: exprToLatex(expression), rule: exprToLatex(rule) };
}

/**
 * The forward-mode evaluation trace of f at x: every input and intermediate with its
 * defining expression and value (from the Wengert list of f), and its tangent rule and
 * tangent for the input tangent `seed` (from replaying that same list with dual numbers
 * through the op table). Rule texts come from each op's own partials rule.
 *
 * @example
 * ```ts
 * import { forwardTrace, renderTrace, workedExample } from 'dualtape';
 * const t = forwardTrace(workedExample, [2, 5]); // seed e_1: dy/dx1
 * t.rows[2]; // { node: 'v1', expression: 'ln v-1', value: 0.693..., tangentRule: 'v-1-dot / v-1', tangent: 0.5, ... }
 * t.outputTangent; // [5.5]
 * console.log(renderTrace(t)); // the seed notes' table
 * ```
 */
export function forwardTrace(f: VectorFunction, x: ArrayLike<number>, options: ForwardTraceOptions = {}): ForwardTraceTable {
  checkFunction('forwardTrace', f);
  const xs = numbers('forwardTrace', 'x', x, x?.length);
  const tape = record(f, xs);
  const n = tape.inputCount;
  const seed = options.seed === undefined ? (n > 0 ? unit(n, 0) : []) : numbers('forwardTrace', 'options.seed', options.seed, n);
  const names = resolveNames('forwardTrace', tape, options);
  const entries = tape.entries;
  const tangents = replayTangents(entries, n, seed);
  const rows: ForwardTraceRow[] = entries.map((e) => {
    const node = variable(nodeName(e.index, n));
    if (e.index < n) {
      const input = variable(names.inputs[e.index] as string);
      const rule = decorate(input, 'dot');
      return {
        node: exprToText(node), kind: 'input', index: e.index, op: 'input', args: [], expression: exprToText(input), value: e.value,
        tangentRule: exprToText(rule), tangent: tangents[e.index] as number, latex: latexOf(node, input, rule),
      };
    }
    const expression: Expr = { kind: 'op', op: e.op, args: e.args.map((_, k) => argExpr(e, k, n)) };
    const rule = tangentRule(e, entries, n, tangents);
    return {
      node: exprToText(node), kind: 'intermediate', index: e.index, op: e.op, args: e.args, expression: exprToText(expression),
      value: e.value, tangentRule: exprToText(rule), tangent: tangents[e.index] as number, latex: latexOf(node, expression, rule),
    };
  });
  const output: number[] = [];
  const outputTangent: number[] = [];
  tape.outputRefs.forEach((ref, k) => {
    const y = variable(names.outputs[k] as string);
    const isEntry = 'entry' in ref;
    const target = isEntry ? variable(nodeName(ref.entry, n)) : num(ref.constant);
    const value = isEntry ? (entries[ref.entry] as WengertEntry).value : ref.constant;
    const tangent = isEntry ? (tangents[ref.entry] as number) : 0;
    const rule: Expr = { kind: 'eq', left: decorate(y, 'dot'), right: isEntry ? decorate(target, 'dot') : num(0) };
    output.push(value);
    outputTangent.push(tangent);
    rows.push({
      node: exprToText(y), kind: 'output', index: isEntry ? ref.entry : -1, op: 'output', args: [ref], expression: exprToText(target),
      value, tangentRule: exprToText(rule), tangent, latex: latexOf(y, target, rule),
    });
  });
  tape.release();
  return { mode: 'forward', seed, inputNames: names.inputs, outputNames: names.outputs, rows, output, outputTangent };
}

/**
 * The reverse-mode adjoint trace of f at x: the output adjoint's seed, then every adjoint
 * update in the order the backward sweep of f's Wengert list performs it (observed from
 * the sweep itself), with accumulation rows where a variable feeds several operations.
 * A constant partial is written as the seed notes do (`v5-bar * dv5/dv4`); others come
 * from the op's own partials rule (`v3-bar * cos v0`).
 *
 * @example
 * ```ts
 * import { reverseTrace, renderTrace, workedExample } from 'dualtape';
 * const t = reverseTrace(workedExample, [2, 5]);
 * t.rows.map((r) => r.adjoint); // ['v5-bar', 'v4-bar', 'v3-bar', 'v1-bar', 'v2-bar', 'v0-bar', 'v-1-bar', 'v0-bar', 'v-1-bar']
 * t.gradient; // [5.5, 1.7163378145367738]
 * console.log(renderTrace(t, 'markdown'));
 * ```
 */
export function reverseTrace(f: VectorFunction, x: ArrayLike<number>, options: ReverseTraceOptions = {}): ReverseTraceTable {
  checkFunction('reverseTrace', f);
  const xs = numbers('reverseTrace', 'x', x, x?.length);
  const tape = record(f, xs);
  const n = tape.inputCount;
  const m = tape.outputCount;
  const names = resolveNames('reverseTrace', tape, options);
  let yBar: number[];
  if (options.yBar === undefined) yBar = unit(m, 0);
  else if (typeof options.yBar === 'number' && !tape.outputIsArray) yBar = [options.yBar];
  else yBar = numbers('reverseTrace', 'options.yBar', options.yBar, m);
  const entries = tape.entries;
  const bar = (i: number) => decorate(variable(nodeName(i, n)), 'bar');
  const rows: ReverseTraceRow[] = [];
  const reached = new Set<number>();
  const current = new Map<number, number>();
  const push = (index: number, rule: Expr, fields: Omit<ReverseTraceRow, 'adjoint' | 'index' | 'rule' | 'latex'>) => {
    const node = bar(index);
    rows.push({ adjoint: exprToText(node), index, rule: exprToText(rule), ...fields, latex: latexOf(node, rule, rule) });
    reached.add(index);
  };
  tape.outputRefs.forEach((ref, k) => {
    if (!('entry' in ref)) return;
    const s = yBar[k] as number;
    const seedVar = decorate(variable(names.outputs[k] as string), 'bar');
    const accumulated = reached.has(ref.entry);
    const value = (current.get(ref.entry) ?? 0) + s;
    current.set(ref.entry, value);
    push(ref.entry, accumulated ? simplify('add', [bar(ref.entry), seedVar]) : seedVar, {
      kind: 'seed', from: null, argument: null, partial: null, contribution: s, value, accumulated,
    });
  });
  const partialsCache = new Map<number, Expr[]>();
  const seeds = tape.outputIsArray ? yBar : (yBar[0] as number);
  const all = tape.adjoints(seeds, (u) => {
    const e = entries[u.from] as WengertEntry;
    let partials = partialsCache.get(u.from);
    if (partials === undefined) {
      partials = symbolicPartials(e, entries, n);
      partialsCache.set(u.from, partials);
    }
    const p = partials[u.argument] as Expr;
    const contribution: Expr =
      p.kind === 'num'
        ? { kind: 'op', op: 'mul', args: [bar(u.from), { kind: 'partial', of: variable(nodeName(u.from, n)), wrt: variable(nodeName(u.to, n)) }] }
        : simplify('mul', [bar(u.from), p]);
    const accumulated = reached.has(u.to);
    current.set(u.to, u.adjoint);
    push(u.to, accumulated ? simplify('add', [bar(u.to), contribution]) : contribution, {
      kind: 'update', from: u.from, argument: u.argument, partial: u.partial, contribution: u.contribution,
      value: u.adjoint, accumulated,
    });
  });
  const gradient = (all.slice(0, n) as Value[]).map((v) => primal(v));
  tape.release();
  return { mode: 'reverse', yBar, inputNames: names.inputs, outputNames: names.outputs, rows, gradient };
}

/**
 * Options of {@link renderTrace}.
 *
 * @example
 * ```ts
 * import { forwardTrace, renderTrace, workedExample } from 'dualtape';
 * renderTrace(forwardTrace(workedExample, [2, 5]), 'markdown', { digits: 4 });
 * ```
 */
export interface RenderOptions {
  /** Decimals shown (default 3, as in the seed notes). */
  digits?: number;
}

/**
 * Renders a trace table as aligned plain text (for a terminal), a Markdown table, or a
 * LaTeX `tabular` (for lecture notes). Values of computed nodes show `digits` decimals
 * (10.000); inputs, tangents and adjoints drop trailing zeros (0.5), as the seed notes do.
 *
 * @example
 * ```ts
 * import { forwardTrace, renderTrace, workedExample } from 'dualtape';
 * console.log(renderTrace(forwardTrace(workedExample, [2, 5]), 'markdown'));
 * // | node | primal | value | tangent | value |
 * // |---|---|---|---|---|
 * // | v-1 | x1 | 2 | x1-dot | 1 |
 * // ...
 * ```
 */
export function renderTrace(
  table: ForwardTraceTable | ReverseTraceTable,
  format: TableFormat = 'text',
  options: RenderOptions = {},
): string {
  if (format !== 'text' && format !== 'markdown' && format !== 'latex') {
    throw new RangeError(`renderTrace: format must be 'text', 'markdown' or 'latex', got ${describe(format)}`);
  }
  const digits = options.digits ?? 3;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(`renderTrace: options.digits must be an integer from 0 to 20, got ${String(digits)}`);
  }
  const sym = (text: string, latex: string): Cell => ({ text, latex });
  if (table?.mode === 'forward') {
    const rows = table.rows.map((r) => [
      sym(r.node, r.latex.node),
      sym(r.expression, r.latex.expression),
      numberCell(r.value, digits, r.kind !== 'input'),
      sym(r.tangentRule, r.latex.rule),
      numberCell(r.tangent, digits, false, r.kind === 'output'),
    ]);
    return renderTable(['node', 'primal', 'value', 'tangent', 'value'], rows, format);
  }
  if (table?.mode === 'reverse') {
    const rows = table.rows.map((r) => [sym(r.adjoint, r.latex.node), sym(r.rule, r.latex.rule), numberCell(r.value, digits, false)]);
    return renderTable(['adjoint', 'rule', 'value'], rows, format);
  }
  throw new TypeError(`renderTrace: table must be the result of forwardTrace or reverseTrace, got ${describe(table)}`);
}
