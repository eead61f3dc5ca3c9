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
 * class of the mode's AD values. `emit` returns the body of a function of `(x0, x1)` that
 * is called when the first argument that is not a number is an instance of valueClass
 * (so either x0 is one, or x0 is a number and x1 is one); the body returns the result, or
 * `generic(x0, x1)` for any case it does not claim. In its text `C` is valueClass, and
 * `deps` are further names it refers to.
 */
export interface FastPathTemplate {
  readonly name: string;
  readonly valueClass: abstract new (...args: never[]) => object;
  readonly deps: Readonly<Record<string, unknown>>;
  emit(op: OpText): string | FastPathCases;
}

/**
 * A fast path split into functions: `helpers` declares functions (of `(x0, x1)`, seeing the
 * same names as the body) that `body` calls. V8 inlines no function of more than 460 bytes of
 * bytecode, and a binary op's three argument cases in one function passed that: split, each
 * case is small enough to be inlined into the primitive, and the primitive into user code.
 */
export interface FastPathCases {
  readonly helpers: string;
  readonly body: string;
}

/**
 * Where a value's kind lives: on its class's prototype, so reading it is one constant load
 * for any class (an `instanceof` test of a class the value is not an instance of measured
 * about 35 ns per primitive on Node 20, as much as all the rest of a fast path).
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
 * The function for AD-valued calls of `op`: a small dispatcher on the kind of the first
 * argument that is not a number, calling that mode's own function for the op (or
 * `generic`, apply, for any other value). Each piece is small, so V8 inlines the
 * dispatcher and the mode's function into the primitive, and the primitive into user code,
 * as far as its inlining budget goes. Without `new Function` (a strict Content Security
 * Policy) it is `generic` alone.
 */
function buildImpl(op: OpDef, generic: Impl): Impl {
  if (!enabled || textSource === undefined || !textSource.canGenerateCode() || templates.length === 0) return generic;
  const deps = new Map<string, unknown>();
  const text = opText(op, deps, textSource);
  if (text === undefined) return generic;
  try {
    const modes = templates.map((t) => {
      const names = new Map(deps);
      for (const [name, dep] of Object.entries(t.deps)) names.set(name, dep);
      const emitted = t.emit(text);
      const { helpers, body } = typeof emitted === 'string' ? { helpers: '', body: emitted } : emitted;
      const source = `"use strict"; ${helpers}\nreturn function ${op.name}_${t.name.replace(/\W/g, '_')}(x0, x1) {\n${body}\n};`;
      return new Function('generic', 'C', ...names.keys(), source)(generic, t.valueClass, ...names.values()) as Impl;
    });
    const first = op.arity === 1 ? 'x0' : "(typeof x0 === 'number' ? x1 : x0)";
    const cases = modes.map((_, i) => `if (k === ${i + 1}) return M${i + 1}(x0, x1);`).join(' ');
    const source = `"use strict"; return function ${op.name}_ad(x0, x1) {
  const a = ${first};
  // The kind is made an int32 (undefined | 0 is 0), so its tests are word comparisons.
  if (typeof a === 'object' && a !== null) { const k = a[KIND] | 0; ${cases} }
  return generic(x0, x1);
};`;
    return new Function('generic', 'KIND', ...modes.map((_, i) => `M${i + 1}`), source)(generic, KIND, ...modes) as Impl;
  } catch (e) {
    if (e instanceof EvalError) return generic;
    throw e;
  }
}

let wrappersAllowed: boolean | undefined;

/**
 * The primitive itself, generated once per op (a closure where `new Function` is refused):
 * numbers go straight to the op's value function, AD values to `slot.ad`.
 *
 * Why per op: closures made by one function literal share one feedback vector in V8, so
 * every primitive's inner calls (the value function, the AD route) looked megamorphic and
 * none was inlined; a function of its own per op sees one target at each call.
 */
function wrapper(op: OpDef, slot: { ad: Impl }): Impl {
  const { value } = op;
  if (wrappersAllowed !== false) {
    const body =
      op.arity === 1
        ? "(x0) { return typeof x0 === 'number' ? value(x0) : slot.ad(x0, undefined); }"
        : "(x0, x1) { return typeof x0 === 'number' && typeof x1 === 'number' ? value(x0, x1) : slot.ad(x0, x1); }";
    try {
      const made = new Function('value', 'slot', `"use strict"; return function primitive${body};`)(
        value,
        slot,
      ) as Impl;
      wrappersAllowed = true;
      return made;
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      wrappersAllowed = false;
    }
  }
  return op.arity === 1
    ? (x0) => (typeof x0 === 'number' ? value(x0) : slot.ad(x0, undefined))
    : (x0, x1) => (typeof x0 === 'number' && typeof x1 === 'number' ? value(x0, x1) : slot.ad(x0, x1));
}

/**
 * @internal The function of a primitive of arity 1 or 2: numbers to its value function,
 * AD values to its generated fast paths and then `generic` (apply). The fast paths are
 * built on the first AD call (the rules they derive from may name ops defined after this
 * one) and rebuilt when a mode registers its template.
 */
export function primitiveFunction(op: OpDef, generic: Impl): Impl {
  const slot: { ad: Impl } = { ad: generic };
  const build: Impl = (x0, x1) => {
    // Deriving the op's text runs rules on symbols, which may call this very op again:
    // those calls (and every call, should building fail) take the generic route.
    slot.ad = generic;
    slot.ad = buildImpl(op, generic);
    return slot.ad(x0, x1);
  };
  slot.ad = build;
  resets.push(() => {
    slot.ad = build;
  });
  return wrapper(op, slot);
}
