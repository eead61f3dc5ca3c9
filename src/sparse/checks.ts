// Argument checks shared by the sparse APIs.
import { ADValue, describe } from '../ops/value';
import { checkVector } from '../internal/validate';

/** x as an array of plain numbers; AD values are refused (patterns and colourings are not differentiated through). */
export function checkNumbers(api: string, argName: string, x: unknown, length?: number): number[] {
  const xs = checkVector(api, argName, x, length);
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] instanceof ADValue) {
      throw new TypeError(`${api}: ${argName}[${i}] must be a plain number, got an AD value (${describe(xs[i])}); sparse derivatives do not nest`);
    }
  }
  return xs as number[];
}
