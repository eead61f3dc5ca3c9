// Each primitive's own function, generated once per op: inline fast paths for the common cases, apply() for the rest.
//
// Why: the generic route (argument array -> apply -> a trace's process -> partials rule ->
// validated constructor) costs hundreds of nanoseconds per primitive, most of it calls V8
// cannot inline because one call site sees every op. A function written for one op, with
// the op's value and partials inlined as text (derived from its rule by the symbolic
// kernels, never written twice), is small enough for V8 to inline into user code.
//
// The op table knows no mode: forward mode and reverse mode each register a template (how
// to recognise their own values, and what to do with the op's derived text), and the
// function of each op is built from every registered template on its first call with an
// AD value. Anything a template does not claim (nesting across transformations, chunked
// and Taylor values, user-defined ops, rules that branch on values) goes to apply(),
// which stays the single place that decides which transformation handles an operation.
import type { OpDef } from './opDef';
import type { OpKernel } from '../symbolic/kernels';

/**
 * Where an op's derived code comes from: src/symbolic registers it when it loads, so the op
 * table depends on no derivation machinery (and no module cycle runs through it).
 */
export interface OpTextSource {
  kernelOf(op: OpDef): OpKernel | undefined;
  valueCode(op: OpDef, deps: Map<number, (...args: number[]) => number>): string;
  canGenerateCode(): boolean;
}
let textSource: OpTextSource | undefined;

/**
 * An op's derived code with names bound: `value(args)` is an expression for its value;
 * `partials(args, y)` gives statements computing `d0, d1, ...` (∂y/∂args[k]).
 */
export interface OpText {
  readonly code: number;
  readonly arity: number;
  value(args: readonly string[]): string;
  partials(args: readonly string[], y: string): string;
}

/**
 * How one mode handles its own values inside a primitive's function. `valueClass` is the
 * class of the mode's AD values; `emit` returns statements over the arguments `x0`, `x1`
 * and their kinds `k0`, `k1` (0 for a number, `kind` for an instance of valueClass, another
 * number otherwise) that `return` the result when the mode claims the call, and fall
 * through otherwise. `deps` are the names its text refers to.
 */
export interface FastPathTemplate {
  readonly name: string;
  readonly valueClass: abstract new (...args: never[]) => object;
  readonly deps: Readonly<Record<string, unknown>>;
  emit(op: OpText, kind: number): string;
}

/**
 * Where a value's kind lives: on its class's prototype, so reading it is one constant load.
 * (An `instanceof` test of a class the value is not an instance of measured about 35 ns per
 * primitive on Node 20, as much as all the rest of a fast path; a load is below 1 ns.)
 */
const KIND = Symbol('dualtape fast-path kind');

const templates: FastPathTemplate[] = [];
const resets: (() => void)[] = [];
let enabled = true;

/**
 * @internal For tests: turn the generated fast paths off (every AD call then takes apply()
 * and the traces' own process), so the same checks can run over both routes.
 */
export function setFastPaths(on: boolean): void {
  enabled = on;
  for (const reset of resets) reset();
}

/** @internal The symbolic layer registers itself; functions built before are rebuilt on next use. */
export function registerOpTextSource(s: OpTextSource): void {
  textSource = s;
  for (const reset of resets) reset();
}

/** @internal A mode registers its template once; functions built before are rebuilt on next use. */
export function registerFastPath(template: FastPathTemplate): void {
  const existing = templates.findIndex((t) => t.name === template.name);
  if (existing >= 0) templates[existing] = template;
  else templates.push(template);
  templates.forEach((t, i) => Object.defineProperty(t.valueClass.prototype, KIND, { value: i + 1, configurable: true }));
  for (const reset of resets) reset();
}

/** Replaces `$0`, `$1`, `$y` and temporaries `$tK` in derived text. */
function bind(text: string, args: readonly string[], y: string): string {
  return text.replace(/\$(\d+|y|t\d+)/g, (_, k: string) => (/^\d/.test(k) ? (args[Number(k)] as string) : k === 'y' ? y : `_t${k.slice(1)}`));
}

/** The op's derived text, or undefined where its rule cannot be derived (then apply() handles every AD call). */
function opText(op: OpDef, deps: Map<string, unknown>, from: OpTextSource): OpText | undefined {
  const kernel = op.arity <= 2 ? from.kernelOf(op) : undefined;
  if (kernel === undefined) return undefined;
  const valueDeps = new Map<number, (...args: number[]) => number>();
  const value = from.valueCode(op, valueDeps);
  for (const [c, fn] of [...valueDeps, ...kernel.deps]) deps.set(`V${c}`, fn);
  return {
    code: op.code,
    arity: op.arity,
    value: (args) => bind(value, args, ''),
    partials: (args, y) =>
      [...kernel.temps.map((s) => bind(s, args, y)), ...kernel.partials.map((d, k) => `const d${k} = ${bind(d, args, y)};`)].join(' '),
  };
}

type Impl = (x0: unknown, x1: unknown) => unknown;

/**
 * The function for AD-valued calls of `op`: every template's fast path in turn, then
 * `generic` (apply). Without `new Function` (a strict Content Security Policy) it is
 * `generic` alone.
 */
function buildImpl(op: OpDef, generic: Impl): Impl {
  if (!enabled || textSource === undefined || !textSource.canGenerateCode() || templates.length === 0) return generic;
  const deps = new Map<string, unknown>();
  const text = opText(op, deps, textSource);
  if (text === undefined) return generic;
  for (const t of templates) for (const [name, dep] of Object.entries(t.deps)) deps.set(name, dep);
  const body = templates.map((t, i) => t.emit(text, i + 1)).join('\n');
  const kind = (x: string) => `const k${x.slice(1)} = typeof ${x} === 'number' ? 0 : ${x} != null ? (${x}[KIND] ?? -1) : -1;`;
  const kinds = op.arity === 1 ? kind('x0') : `${kind('x0')} ${kind('x1')}`;
  const source = `"use strict"; return function ${op.name}_ad(x0, x1) {\n${kinds}\n${body}\nreturn generic(x0, x1);\n};`;
  try {
    return new Function('generic', 'KIND', ...deps.keys(), source)(generic, KIND, ...deps.values()) as Impl;
  } catch (e) {
    if (e instanceof EvalError) return generic;
    throw e;
  }
}

/**
 * @internal The function behind a primitive of arity 1 or 2 with AD-valued arguments. It is
 * built on first use (the rules it derives from may name ops defined after this one) and
 * rebuilt when a mode registers its template.
 */
export function fastImpl(op: OpDef, generic: Impl): Impl {
  let impl: Impl | undefined;
  resets.push(() => {
    impl = undefined;
  });
  return (x0, x1) => {
    if (impl === undefined) {
      // Deriving the op's text runs rules on symbols, which may call this very op again:
      // those calls (and every call, should building fail) take the generic route.
      impl = generic;
      impl = buildImpl(op, generic);
    }
    return impl(x0, x1);
  };
}
