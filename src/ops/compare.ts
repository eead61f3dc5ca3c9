// Comparisons and selection on any value: they compare primals, and a recording keeps each one as a guard.
//
// A Wengert list replayed at a new point re-runs the same primitives, so a branch f took
// at recording time is silently replayed where f would now take the other one
// (ReverseDiff.jl's known failure: x < 0 ? 0 : x recorded at -1.3, replayed at 1.34,
// gives derivative 0). Comparisons made through these functions are recorded on every
// running recording their arguments belong to; a replay at a point where one of them
// flips throws (or re-records, for a compiled function that still has f).
import { ADValue, describe, primal, readForGuard, type Trace, type Value } from './value';

/**
 * The comparisons dualtape can record, named as in JAX's lax (`lt`, `le`, ...).
 *
 * @example
 * ```ts
 * import { record, gt, type ComparisonKind } from 'dualtape';
 * const kind: ComparisonKind = record((x) => (gt(x[0], 1) ? x[0] : 0), [2]).guards[0].op; // 'gt'
 * ```
 */
export type ComparisonKind = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';

/** @internal Evaluates a comparison on plain numbers (IEEE semantics: any comparison with NaN but `ne` is false). */
export function evaluateComparison(kind: ComparisonKind, a: number, b: number): boolean {
  switch (kind) {
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
  }
}

/** @internal Infix symbol of a comparison, for messages and printed guards. */
export const comparisonSymbol: Record<ComparisonKind, string> = { lt: '<', le: '<=', gt: '>', ge: '>=', eq: '===', ne: '!==' };

function compare(kind: ComparisonKind, a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return evaluateComparison(kind, a, b);
  for (const [v, name] of [[a, 'a'], [b, 'b']] as const) {
    if (typeof v !== 'number' && !(v instanceof ADValue)) {
      throw new TypeError(`${kind}: ${name} must be a number or an AD value, got ${describe(v)}`);
    }
  }
  return readForGuard(() => {
    const outcome = evaluateComparison(kind, primal(a), primal(b));
    // Every running transformation below the arguments sees the comparison (nested recordings
    // each keep their own guard); each trace once.
    const seen: Trace[] = [];
    for (const v of [a, b]) {
      let w: Value = v;
      while (w instanceof ADValue) {
        const t = w.trace;
        if (t.active && t.recordComparison !== undefined && !seen.includes(t)) {
          seen.push(t);
          t.recordComparison(kind, a, b, outcome);
        }
        w = w.value;
      }
    }
    return outcome;
  });
}

/**
 * a < b on the primals. Inside a recording it is kept as a guard: replaying or compiling the
 * recording at a point where the outcome flips throws instead of returning the derivative
 * of the branch taken at recording time.
 *
 * @example
 * ```ts
 * import { grad, lt, select, type Value } from 'dualtape';
 * const f = (x: Value[]) => select(lt(x[0], 0), 0, x[0]);
 * grad(f)([-1.3]); // [0]
 * grad(f)([1.34]); // [1]
 * ```
 */
export function lt(a: Value, b: Value): boolean {
  return compare('lt', a, b);
}

/**
 * a ≤ b on the primals, recorded as a guard (see {@link lt}).
 *
 * @example
 * ```ts
 * import { le } from 'dualtape';
 * le(2, 2); // true
 * ```
 */
export function le(a: Value, b: Value): boolean {
  return compare('le', a, b);
}

/**
 * a > b on the primals, recorded as a guard (see {@link lt}).
 *
 * @example
 * ```ts
 * import { gt } from 'dualtape';
 * gt(3, 2); // true
 * ```
 */
export function gt(a: Value, b: Value): boolean {
  return compare('gt', a, b);
}

/**
 * a ≥ b on the primals, recorded as a guard (see {@link lt}).
 *
 * @example
 * ```ts
 * import { ge } from 'dualtape';
 * ge(2, 3); // false
 * ```
 */
export function ge(a: Value, b: Value): boolean {
  return compare('ge', a, b);
}

/**
 * a = b on the primals, recorded as a guard (see {@link lt}).
 *
 * @example
 * ```ts
 * import { eq } from 'dualtape';
 * eq(0, -0); // true
 * ```
 */
export function eq(a: Value, b: Value): boolean {
  return compare('eq', a, b);
}

/**
 * a ≠ b on the primals, recorded as a guard (see {@link lt}).
 *
 * @example
 * ```ts
 * import { ne } from 'dualtape';
 * ne(1, 2); // true
 * ```
 */
export function ne(a: Value, b: Value): boolean {
  return compare('ne', a, b);
}

/**
 * `cond ? a : b` for a boolean made by a comparison ({@link lt}, ...). The derivative is
 * that of the chosen value; the guard recorded by the comparison keeps replays honest.
 *
 * @example
 * ```ts
 * import { grad, gt, select, mul, type Value } from 'dualtape';
 * const relu2 = (x: Value[]) => select(gt(x[0], 0), mul(x[0], x[0]), 0);
 * grad(relu2)([3]); // [6]
 * ```
 */
export function select<T extends Value, U extends Value>(cond: boolean, a: T, b: U): T | U {
  if (typeof cond !== 'boolean') {
    throw new TypeError(`select: cond must be a boolean (from lt, gt, ...), got ${describe(cond)}`);
  }
  return cond ? a : b;
}

/**
 * Runs `then()` or `otherwise()` depending on `cond` (a boolean made by a comparison), for
 * branches that should only be evaluated when taken.
 *
 * @example
 * ```ts
 * import { grad, ifElse, lt, log, neg, type Value } from 'dualtape';
 * const f = (x: Value[]) => ifElse(lt(x[0], 1), () => neg(x[0]), () => log(x[0]));
 * grad(f)([2]); // [0.5]
 * ```
 */
export function ifElse<T>(cond: boolean, then: () => T, otherwise: () => T): T {
  if (typeof cond !== 'boolean') {
    throw new TypeError(`ifElse: cond must be a boolean (from lt, gt, ...), got ${describe(cond)}`);
  }
  if (typeof then !== 'function' || typeof otherwise !== 'function') {
    throw new TypeError('ifElse: then and otherwise must be functions (called only when their branch is taken)');
  }
  return cond ? then() : otherwise();
}
