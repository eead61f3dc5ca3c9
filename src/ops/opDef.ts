// What a primitive is (its definition in the op table) and the one way to add one: defineOp.
import { ADValue, describe, type Trace, type Value } from './value';
import { primitiveFunction } from './fastPath';

/**
 * The partial derivatives of a primitive at `args`, one per argument: ∂y/∂args[i].
 * `y` is the primitive's own output at `args`, so rules like d exp(x) = exp(x) dx reuse it.
 * Rules are written with dualtape's generic primitives (never `Math.*` on the arguments),
 * so the same rule differentiates again under nesting. The built-in rules are pure, so
 * the number-only paths run each once on symbols and keep the derived straight-line kernel;
 * rules added with {@link defineOp} are called as written on every use.
 *
 * @example
 * ```ts
 * import { cos, type PartialsRule } from 'dualtape';
 * const sinPartials: PartialsRule = ([x]) => [cos(x)]; // d sin(x) = cos(x) dx
 * ```
 */
export type PartialsRule = (args: readonly Value[], y: Value) => readonly Value[];

/**
 * One entry of the op table. Both modes read the calculus from here and nowhere else:
 * forward mode multiplies `partials` by the input tangents, reverse mode by the output
 * adjoint.
 *
 * Invariants: `code` is the entry's index in the registry (what a Wengert list stores);
 * `partials` returns exactly `arity` values; `value` is called on plain numbers only.
 *
 * @example
 * ```ts
 * import { sin, type OpDef } from 'dualtape';
 * const op: OpDef = sin.op;
 * op.partials([0], 0); // [1]
 * ```
 */
export interface OpDef {
  readonly name: string;
  readonly arity: number;
  readonly code: number;
  readonly value: (...args: number[]) => number;
  readonly partials: PartialsRule;
  /** Infix symbol for printed formulas (`+`, `*`); absent for ops printed as `name(a, b)`. */
  readonly infix?: string;
  /** Built into dualtape, as opposed to added by the user through {@link defineOp}. */
  readonly builtin: boolean;
}

/**
 * One partial derivative ∂y/∂args[i] as a function of the arguments (positionally) and y.
 *
 * @example
 * ```ts
 * import { cos, type PartialFunction } from 'dualtape';
 * const dSin: PartialFunction = (x) => cos(x);
 * ```
 */
export type PartialFunction = (...argsThenY: Value[]) => Value;

/**
 * What {@link defineOp} needs to add a primitive.
 *
 * @example
 * ```ts
 * import { mul, type OpSpec } from 'dualtape';
 * const cube: OpSpec<1> = { name: 'cube', arity: 1, value: (x) => x ** 3, partials: ([x]) => [mul(3, mul(x, x))] };
 * ```
 */
export interface OpSpec<A extends number = number> {
  /** Unique name, used in traces and error messages (`'sin'`, `'logSumExp2'`). */
  name: string;
  /** Number of arguments (at least 1). */
  arity: A;
  /** The value on plain numbers. */
  value: (...args: number[]) => number;
  /**
   * The partials, written with dualtape primitives: either one function of (args, y)
   * returning all of them (see {@link PartialsRule}), or an array with one function per
   * argument, each taking the arguments positionally and then y: `[(a, b, y) => ∂y/∂a,
   * (a, b, y) => ∂y/∂b]` (DiffRules.jl's layout).
   */
  partials: PartialsRule | readonly PartialFunction[];
  infix?: string;
}

/**
 * A primitive of arity 1, usable on numbers and on AD values.
 *
 * @example
 * ```ts
 * import { sin, type Primitive1 } from 'dualtape';
 * const f: Primitive1 = sin;
 * ```
 */
export interface Primitive1 {
  (x: number): number;
  (x: Value): Value;
  readonly op: OpDef;
}
/**
 * A primitive of arity 2, usable on numbers and on AD values (mixed freely).
 *
 * @example
 * ```ts
 * import { mul, type Primitive2 } from 'dualtape';
 * const g: Primitive2 = mul;
 * ```
 */
export interface Primitive2 {
  (a: number, b: number): number;
  (a: Value, b: Value): Value;
  readonly op: OpDef;
}
/**
 * A primitive of any other arity.
 *
 * @example
 * ```ts
 * import { defineOp, type PrimitiveN } from 'dualtape';
 * const sum3 = defineOp({ name: 'sum3', arity: 3, value: (a, b, c) => a + b + c, partials: () => [1, 1, 1] }) as PrimitiveN;
 * ```
 */
export interface PrimitiveN {
  (...args: number[]): number;
  (...args: Value[]): Value;
  readonly op: OpDef;
}
/**
 * The primitive {@link defineOp} returns for arity A.
 *
 * @example
 * ```ts
 * import type { Primitive, Primitive1 } from 'dualtape';
 * type Unary = Primitive<1>; // Primitive1
 * ```
 */
export type Primitive<A extends number> = A extends 1 ? Primitive1 : A extends 2 ? Primitive2 : PrimitiveN;

const registry: OpDef[] = [];
const byName = new Map<string, OpDef>();

/** @internal The op with this code (as stored in a Wengert list). */
export function opByCode(code: number): OpDef {
  return registry[code] as OpDef;
}

/** @internal How many primitives are defined (codes run 0 .. opCount() - 1). */
export function opCount(): number {
  return registry.length;
}

/**
 * Every primitive known right now, built-in ones first, in definition order.
 *
 * @example
 * ```ts
 * import { listOps } from 'dualtape';
 * listOps().map((op) => op.name); // ['add', 'sub', 'mul', ...]
 * ```
 */
export function listOps(): readonly OpDef[] {
  return registry.slice();
}

/**
 * The primitive with this name, or undefined.
 *
 * @example
 * ```ts
 * import { getOp } from 'dualtape';
 * getOp('sin')?.arity; // 1
 * ```
 */
export function getOp(name: string): OpDef | undefined {
  return byName.get(name);
}

let builtinPhase = true;
/** @internal Called once the built-in table is complete; later ops are user-defined. */
export function sealBuiltins(): void {
  builtinPhase = false;
}

/**
 * Adds a primitive to the op table and returns it as a function usable on numbers and on
 * AD values. Forward mode, reverse mode, nesting and the trace tables all pick it up.
 *
 * @example
 * ```ts
 * import { defineOp, add, abs, div, square, grad } from 'dualtape';
 * // softsign(x) = x / (1 + |x|), d softsign = 1 / (1 + |x|)^2 dx
 * const softsign = defineOp({
 *   name: 'softsign',
 *   arity: 1,
 *   value: (x) => x / (1 + Math.abs(x)),
 *   partials: ([x]) => [div(1, square(add(1, abs(x))))],
 * });
 * grad((x) => softsign(x[0]))([1]); // [0.25]
 * ```
 */
export function defineOp<A extends number>(spec: OpSpec<A>): Primitive<A> {
  if (typeof spec !== 'object' || spec === null) {
    throw new TypeError(`defineOp: spec must be an object { name, arity, value, partials }, got ${describe(spec)}`);
  }
  const { name, arity, value, partials, infix } = spec;
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) {
    throw new TypeError(`defineOp: spec.name must be an identifier-like string, got ${describe(name)}`);
  }
  if (byName.has(name)) {
    throw new TypeError(`defineOp: an op named '${name}' is already defined`);
  }
  if (typeof arity !== 'number' || !Number.isInteger(arity) || arity < 1 || arity > 64) {
    throw new RangeError(`defineOp('${name}'): spec.arity must be an integer from 1 to 64, got ${String(arity)}`);
  }
  if (typeof value !== 'function') {
    throw new TypeError(`defineOp('${name}'): spec.value must be a function of ${arity} numbers, got ${describe(value)}`);
  }
  if (value.length !== arity && value.length !== 0) {
    throw new RangeError(`defineOp('${name}'): spec.value takes ${value.length} parameters but arity is ${arity}`);
  }
  let rule: PartialsRule;
  if (Array.isArray(partials)) {
    if (partials.length !== arity) {
      throw new RangeError(`defineOp('${name}'): spec.partials has ${partials.length} function(s) but arity is ${arity}; give one per argument`);
    }
    partials.forEach((d: unknown, i) => {
      if (typeof d !== 'function') {
        throw new TypeError(`defineOp('${name}'): spec.partials[${i}] must be a function of the arguments and y, got ${describe(d)}`);
      }
    });
    const each = partials as readonly PartialFunction[];
    rule = (args, y) => each.map((d) => d(...args, y));
  } else if (typeof partials === 'function') {
    rule = partials as PartialsRule;
  } else {
    throw new TypeError(
      `defineOp('${name}'): spec.partials must be a function (args, y) => [∂y/∂args[0], ...] or an array of ${arity} function(s), got ${describe(partials)}`,
    );
  }
  const op: OpDef = Object.freeze({
    name,
    arity,
    code: registry.length,
    value,
    partials: rule,
    ...(infix === undefined ? {} : { infix }),
    builtin: builtinPhase,
  });
  registry.push(op);
  byName.set(name, op);
  return makePrimitive(op) as Primitive<A>;
}

function makePrimitive(op: OpDef): Primitive1 | Primitive2 | PrimitiveN {
  let fn: (...args: Value[]) => Value;
  // The all-number path skips dispatch entirely: it is the common case and must cost no more
  // than Math.*. AD values go to the op's generated fast paths (fastPath.ts), then apply().
  if (op.arity === 1) {
    fn = primitiveFunction(op, (x) => apply(op, [x as Value])) as (x: Value) => Value;
  } else if (op.arity === 2) {
    fn = primitiveFunction(op, (a, b) => apply(op, [a as Value, b as Value])) as (a: Value, b: Value) => Value;
  } else {
    fn = (...args: Value[]) => apply(op, args);
  }
  Object.defineProperty(fn, 'name', { value: op.name });
  Object.defineProperty(fn, 'op', { value: op, enumerable: true });
  return fn as unknown as Primitive1 | Primitive2 | PrimitiveN;
}

/**
 * The single dispatch point of the library: evaluates `op` on any mix of numbers and AD
 * values. With no AD value it is plain arithmetic; otherwise the innermost transformation
 * among the arguments (the highest level) handles it, treating the others as constants.
 *
 * @example
 * ```ts
 * import { apply, getOp } from 'dualtape';
 * apply(getOp('mul')!, [3, 4]); // 12
 * ```
 */
export function apply(op: OpDef, args: readonly Value[]): Value {
  if (args.length !== op.arity) {
    throw new RangeError(`${op.name}: expected ${op.arity} argument(s), got ${args.length}`);
  }
  let top: Trace | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'number') continue;
    if (!(a instanceof ADValue)) {
      throw new TypeError(`${op.name}: argument ${i + 1} must be a number or an AD value, got ${describe(a)}`);
    }
    const trace = a.trace;
    if (!trace.active) throw escapedError(op.name, trace);
    if (top === undefined || trace.level > top.level) top = trace;
  }
  if (top === undefined) return op.value(...(args as number[]));
  return top.process(op, args);
}

/** @internal Runs an op's partials rule and checks it kept its promise of one partial per argument. */
export function checkedPartials(op: OpDef, args: readonly Value[], y: Value): readonly Value[] {
  const partials = op.partials(args, y);
  if (!Array.isArray(partials) || partials.length !== op.arity) {
    throw new TypeError(
      `${op.name}: its partials rule must return an array of ${op.arity} partial derivative(s), got ${describe(partials)}`,
    );
  }
  return partials;
}

/** @internal */
export function escapedError(where: string, trace: Trace): TypeError {
  return new TypeError(
    `${where}: an AD value of a ${trace.label} that has already finished was used; ` +
      'values of a transformation are valid only inside the function it is applied to ' +
      '(return numbers out of it, or nest the transformations instead)',
  );
}
