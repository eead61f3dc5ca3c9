// The seed notes' worked example, the function every part of the library reproduces.
import { add, log, mul, sin, sub } from '../ops/table';
import type { Value } from '../ops/value';

/**
 * f(x1, x2) = ln(x1) + x1·x2 - sin(x2), written one primitive per line so that its Wengert
 * list has the seed notes' intermediates v1 .. v5 in the seed notes' order.
 * At (2, 5): y = 11.652, dy/dx1 = 5.5, dy/dx2 = 2 - cos 5 = 1.716.
 *
 * @example
 * ```ts
 * import { grad, workedExample } from 'dualtape';
 * grad(workedExample)([2, 5]); // [5.5, 1.7163378145367738]
 * ```
 */
export function workedExample(x: Value[]): Value {
  const v1 = log(x[0] as Value);
  const v2 = mul(x[0] as Value, x[1] as Value);
  const v3 = sin(x[1] as Value);
  const v4 = add(v1, v2);
  return sub(v4, v3); // v5
}

/**
 * The seed notes' point, (x1, x2) = (2, 5).
 *
 * @example
 * ```ts
 * import { grad, workedExample, workedExamplePoint } from 'dualtape';
 * grad(workedExample)(workedExamplePoint); // [5.5, 1.7163378145367738]
 * ```
 */
export const workedExamplePoint: readonly number[] = Object.freeze([2, 5]);

/**
 * The formula as text (mathjs syntax, `ln` for the natural log).
 *
 * @example
 * ```ts
 * import { workedExampleFormula } from 'dualtape';
 * workedExampleFormula; // 'ln(x1) + x1*x2 - sin(x2)'
 * ```
 */
export const workedExampleFormula = 'ln(x1) + x1*x2 - sin(x2)';
