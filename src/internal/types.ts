// Result types of the transformations: numbers in give numbers out; AD values in (nesting) give AD values out.
import type { Value } from '../ops/value';

/**
 * `number` for plain-number inputs; `Value` when inputs are AD values of an enclosing transformation.
 *
 * @example
 * ```ts
 * import type { Widen, Value } from 'dualtape';
 * type A = Widen<number>; // number
 * type B = Widen<Value>; // Value
 * ```
 */
export type Widen<T> = [T] extends [number] ? number : Value;

/**
 * A per-output result shaped like f's return: one value for a scalar f, an array for a vector f.
 *
 * @example
 * ```ts
 * import type { Out, Value } from 'dualtape';
 * type A = Out<(x: Value[]) => Value, number>; // number
 * type B = Out<(x: Value[]) => Value[], number>; // number[]
 * ```
 */
export type Out<F, T> = F extends (...args: never[]) => infer R ? ([R] extends [readonly unknown[]] ? T[] : T) : T;
