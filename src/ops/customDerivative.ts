// Custom derivatives for whole user functions: the function becomes one primitive of the op table.
import { apply, defineOp, getOp, type OpDef } from './opDef';
import { describe, type Value } from './value';

/**
 * The partials of a user function f: R^n -> R at x, one per input, written with dualtape
 * primitives (so they differentiate again under nesting). `y` is f(x).
 *
 * @example
 * ```ts
 * import { exp, sub, type CustomPartials } from 'dualtape';
 * const softmax: CustomPartials = (x, y) => x.map((xi) => exp(sub(xi, y)));
 * ```
 */
export type CustomPartials = (x: readonly Value[], y: Value) => readonly Value[];

let anonymous = 0;

/**
 * Gives a scalar user function f its own derivative, as JAX's custom_jvp does: the result
 * behaves as one primitive (one entry in a Wengert list, one row of a trace), whose value
 * is f on plain numbers and whose partials are yours. Use it for numerical stability
 * (logSumExp), for speed (a closed-form gradient), or to replace a derivative that the
 * chain rule gets wrong. Works in forward mode, reverse mode, Taylor mode and nested.
 *
 * @example
 * ```ts
 * import { customDerivative, exp, div, sub, grad } from 'dualtape';
 * // log Σ exp(x_i), computed stably; its partials are the softmax
 * const logSumExp = customDerivative(
 *   (x: number[]) => {
 *     const m = Math.max(...x);
 *     return m + Math.log(x.reduce((s, xi) => s + Math.exp(xi - m), 0));
 *   },
 *   (x, y) => x.map((xi) => exp(sub(xi, y))),
 *   { name: 'logSumExp' },
 * );
 * grad((x) => logSumExp(x))([1000, 1000]); // [0.5, 0.5]  (no overflow)
 * ```
 */
export function customDerivative(
  f: (x: number[]) => number,
  partials: CustomPartials,
  options: { name?: string } = {},
): (x: ArrayLike<Value>) => Value {
  if (typeof f !== 'function') throw new TypeError(`customDerivative: f must be a function, got ${describe(f)}`);
  if (typeof partials !== 'function') {
    throw new TypeError(`customDerivative: partials must be a function (x, y) => [∂y/∂x_0, ...], got ${describe(partials)}`);
  }
  const name = options.name ?? `custom${++anonymous}`;
  if (typeof name !== 'string' || getOp(name) !== undefined) {
    throw new TypeError(`customDerivative: options.name must be a new op name, got ${describe(name)} (already defined or not a string)`);
  }
  // An op has a fixed arity; f takes arrays of any length, so each length gets its own op.
  const byArity = new Map<number, OpDef>();
  const opFor = (n: number): OpDef => {
    let op = byArity.get(n);
    if (op === undefined) {
      const opName = byArity.size === 0 ? name : `${name}_${n}`;
      op = defineOp({
        name: opName,
        arity: n,
        value: (...x: number[]) => {
          const y = f(x);
          if (typeof y !== 'number') throw new TypeError(`${name}: f must return a number, got ${describe(y)}`);
          return y;
        },
        partials: (x, y) => partials(x, y),
      }).op;
      byArity.set(n, op);
    }
    return op;
  };
  const custom = (x: ArrayLike<Value>): Value => {
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) {
      throw new TypeError(`${name}: x must be an array of numbers, got ${describe(x)}`);
    }
    const args = Array.from(x as ArrayLike<Value>);
    if (args.length === 0) throw new RangeError(`${name}: x must have at least one element`);
    if (args.every((a) => typeof a === 'number')) return f(args as number[]);
    return apply(opFor(args.length), args);
  };
  Object.defineProperty(custom, 'name', { value: name });
  return custom;
}

