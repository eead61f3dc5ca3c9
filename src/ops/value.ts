// The values user code computes with: plain numbers, or AD values owned by one live transformation.
import type { OpDef } from './opDef';
import type { ComparisonKind } from './compare';

/**
 * Anything a dualtape primitive accepts: a plain number, or an AD value (a {@link Dual}
 * of forward mode, or a {@link TapeVar} of reverse mode) carrying a number inside.
 *
 * @example
 * ```ts
 * import { sin, type Value } from 'dualtape';
 * const f = (x: Value[]): Value => sin(x[0]);
 * ```
 */
export type Value = number | ADValue;

/**
 * One running transformation (a forward pass or a recording). Every AD value belongs to
 * exactly one trace.
 *
 * Invariants: a trace started while another is running gets a strictly higher `level`, so
 * among the arguments of an operation the value of the innermost transformation is the one
 * with the highest level; values of lower levels are constants to it (this is what keeps
 * nested perturbations apart). Once `active` is false the trace's values must never enter
 * an operation again.
 *
 * @example
 * ```ts
 * import { derivative, Dual, type Trace } from 'dualtape';
 * derivative((x) => { const t: Trace = (x as Dual).trace; console.log(t.label, t.level); return x; })(1);
 * ```
 */
export interface Trace {
  readonly level: number;
  readonly active: boolean;
  /** Which transformation made this trace; names it in error messages. */
  readonly label: string;
  /**
   * Optional: true while a trace that has finished can still evaluate the ops it saw (a
   * recording that may be swept or replayed later). Rules bound to a call of the user's
   * function stay bound while it is true (see customDerivative).
   */
  readonly mayReplay?: boolean;
  /** Evaluates `op` on `args`, at least one of which belongs to this trace. */
  process(op: OpDef, args: readonly Value[]): Value;
  /**
   * Optional: sees each comparison (`lt`, `gt`, ...) made on its values with its outcome, so
   * that a recording can keep it as a guard for replays. Forward passes need not implement it.
   */
  recordComparison?(kind: ComparisonKind, a: Value, b: Value, outcome: boolean): void;
}

let levelCounter = 0;

/** @internal Levels only grow, so a transformation started inside another is always above it. */
export function nextLevel(): number {
  levelCounter += 1;
  return levelCounter;
}

/**
 * Base class of the values a transformation hands to user code. They work with dualtape's
 * primitives only; JavaScript's own arithmetic (`x * 2`, `x < 0`) cannot carry a
 * derivative, so it throws instead of silently dropping one (use `mul`, or `primal(x) < 0`).
 *
 * @example
 * ```ts
 * import { derivative, mul, ADValue } from 'dualtape';
 * derivative((x) => { console.log(x instanceof ADValue); return mul(x, x); })(3); // logs true, returns 6
 * ```
 */
export abstract class ADValue {
  /** The value one level down: a number, or the AD value of an enclosing transformation. */
  abstract readonly value: Value;
  /** The transformation this value belongs to. */
  abstract readonly trace: Trace;

  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'string') return this.toString();
    throw new TypeError(
      `dualtape: an AD value (${this.toString()}) was used with a JavaScript operator; ` +
        'use the dualtape primitives (add, mul, sin, ...) so the derivative is carried, ' +
        'or primal(x) to compare or print the plain number',
    );
  }

  toString(): string {
    return `${this.constructor.name}(${String(primal(this))})`;
  }
}

/**
 * @internal Makes `cls` a kind of {@link ADValue} without `extends`: its prototype is put
 * under ADValue's, so `instanceof ADValue`, `toString` and the operator guard all hold. The
 * class declares its fields with `declare` and implements ADValue's members as types only.
 *
 * Why: the values made once per primitive (Dual, ChunkDual, TapeVar) are the hot path's one
 * allocation, and on Node 20 `new` of a derived class (a `super()` call) or of a class with
 * field declarations (define semantics) measured about 3× the cost of a plain constructor
 * that assigns its fields: a fresh jvp of Rosenbrock n = 10^4 took 1.8 ms instead of 0.5 ms.
 */
export function adValueClass(cls: abstract new (...args: never[]) => object): void {
  Object.setPrototypeOf(cls.prototype, ADValue.prototype);
}

let guardedReads = 0;

/**
 * @internal Runs `read` as a comparison's reading of its arguments, which a recording keeps
 * as a guard: such reads are not counted as code outside the primitives reading a value
 * (see WengertList.primalReads).
 */
export function readForGuard<T>(read: () => T): T {
  guardedReads++;
  try {
    return read();
  } finally {
    guardedReads--;
  }
}

/** @internal Whether the values being read now are a comparison's (see {@link readForGuard}). */
export function readsAreGuarded(): boolean {
  return guardedReads > 0;
}

/**
 * The plain number inside any value, however deeply nested (a number is returned as is).
 * Use it where user code must branch on a value; no derivative flows through it.
 *
 * @example
 * ```ts
 * import { grad, primal, mul, neg, type Value } from 'dualtape';
 * const absLike = (x: Value[]) => (primal(x[0]) < 0 ? neg(x[0]) : x[0]);
 * grad(absLike)([-3]); // [-1]
 * ```
 */
export function primal(x: Value): number {
  let v: Value = x;
  while (typeof v !== 'number') {
    if (!(v instanceof ADValue)) {
      throw new TypeError(`primal: x must be a number or an AD value, got ${describe(v)}`);
    }
    v = v.value;
  }
  return v;
}

/** @internal A short description of an unexpected value, for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function') return 'a Promise';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '...' : v)}`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`;
}
