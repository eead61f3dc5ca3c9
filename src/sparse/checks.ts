// Argument checks shared by the sparse APIs.
import { ADValue, describe } from '../ops/value';
import { checkValues } from '../internal/validate';

/**
 * x checked to hold plain numbers (itself, not a copy: its readers read each element once); AD
 * values are refused (patterns and colourings are not differentiated through).
 */
export function checkNumbers(api: string, argName: string, x: unknown, length?: number): ArrayLike<number> {
  const xs = checkValues(api, argName, x, length);
  if (xs instanceof Float64Array) return xs;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] instanceof ADValue) {
      throw new TypeError(`${api}: ${argName}[${i}] must be a plain number, got an AD value (${describe(xs[i])}); sparse derivatives do not nest`);
    }
  }
  return xs as ArrayLike<number>;
}
