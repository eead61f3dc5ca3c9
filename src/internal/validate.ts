// Argument checks shared by every transformation, so each error names the argument and what was expected.
import { ADValue, describe, type Value } from '../ops/value';
import { toArray } from './arrays';

/**
 * A user function: one argument (the array of inputs), one value or an array of values out.
 *
 * @example
 * ```ts
 * import { mul, sin, type VectorFunction } from 'dualtape';
 * const f: VectorFunction = (x) => [mul(x[0], x[1]), sin(x[0])];
 * ```
 */
export type VectorFunction = (x: Value[]) => Value | readonly Value[];

/**
 * A scalar-valued user function, as `grad` and `hessian` need.
 *
 * @example
 * ```ts
 * import { mul, type ScalarFunction } from 'dualtape';
 * const f: ScalarFunction = (x) => mul(x[0], x[1]);
 * ```
 */
export type ScalarFunction = (x: Value[]) => Value;

export function checkFunction(api: string, f: unknown, argName = 'f'): void {
  if (typeof f !== 'function') {
    throw new TypeError(`${api}: ${argName} must be a function, got ${describe(f)}`);
  }
  // Rejected before f runs: its body would keep using AD values after the transformation finished.
  // An ordinary function's constructor is Function itself; only other kinds need their name read.
  const ctor = (f as { constructor?: { name?: unknown } }).constructor;
  if (ctor === Function) return;
  const kind = ctor?.name;
  if (kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction') {
    throw new TypeError(
      `${api}: ${argName} is an async function; async functions are not supported (derivatives must be computed synchronously)`,
    );
  }
}

function isValue(v: unknown): v is Value {
  return typeof v === 'number' || v instanceof ADValue;
}

/** Copies an array-like of numbers or AD values (a plain array or a typed array) into a fresh array. */
export function checkVector(api: string, argName: string, x: unknown, length?: number): Value[] {
  return toArray(checkValues(api, argName, x, length));
}

/**
 * {@link checkVector}'s checks without its copy: x itself, for a caller that reads each element
 * once right away (a forward pass making its input duals; the copy cost a tenth of a small jvp).
 */
export function checkValues(api: string, argName: string, x: unknown, length?: number): ArrayLike<Value> {
  // A DataView is an ArrayBuffer view without a length or elements.
  if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    throw new TypeError(`${api}: ${argName} must be an array of numbers, got ${describe(x)}`);
  }
  const arr = x as ArrayLike<unknown>;
  if (length !== undefined && arr.length !== length) {
    throw new RangeError(`${api}: ${argName} must have length ${length}, got length ${arr.length}`);
  }
  // A Float64Array holds numbers only: nothing to check element by element (a BigInt64Array does not).
  if (x instanceof Float64Array) return x;
  const sparse = Array.isArray(x);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (!isValue(v)) {
      const what = sparse && !(i in arr) ? 'a hole (a sparse array)' : describe(v);
      throw new TypeError(`${api}: ${argName}[${i}] must be a number, got ${what}`);
    }
    if (v instanceof ADValue && !v.trace.active) throw escapedArgument(api, `${argName}[${i}]`, v);
  }
  return arr as ArrayLike<Value>;
}

export function checkScalar(api: string, argName: string, x: unknown): Value {
  if (!isValue(x)) throw new TypeError(`${api}: ${argName} must be a number, got ${describe(x)}`);
  if (x instanceof ADValue && !x.trace.active) throw escapedArgument(api, argName, x);
  return x;
}

// Without this check a finished value passed as an input comes back out unchanged, or as a
// derivative of 1, instead of failing where it was misused.
function escapedArgument(api: string, argName: string, v: ADValue): TypeError {
  return new TypeError(
    `${api}: ${argName} is an AD value of a ${v.trace.label} that has already finished; ` +
      'pass numbers (primal(v)), or call this inside the transformation that made it',
  );
}

export function checkIndex(api: string, argName: string, i: unknown, size: number, what: string): number {
  if (typeof i !== 'number' || !Number.isInteger(i)) {
    throw new TypeError(
      `${api}: ${argName} must be an integer index, got ${typeof i === 'number' ? String(i) : describe(i)}`,
    );
  }
  if (i < 0 || i >= size) {
    throw new RangeError(`${api}: ${argName} = ${i} is out of range; f has ${size} ${what} (0 to ${size - 1})`);
  }
  return i;
}

/** What f returned, flattened: its values, and whether it returned an array (which shapes the results). */
export interface Outputs {
  values: Value[];
  isArray: boolean;
}

export function checkOutputs(api: string, out: unknown): Outputs {
  if (isValue(out)) return { values: [out], isArray: false };
  if (Array.isArray(out) || ArrayBuffer.isView(out)) {
    const arr = out as ArrayLike<unknown>;
    const values = new Array<Value>(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (!isValue(v)) {
        throw new TypeError(`${api}: f must return a number or an array of numbers, but element ${i} is ${describe(v)}`);
      }
      values[i] = v;
    }
    return { values, isArray: true };
  }
  if (typeof out === 'object' && out !== null && typeof (out as { then?: unknown }).then === 'function') {
    // The async body goes on after this error and fails on a finished AD value; handle that
    // rejection here so it cannot crash the process as an unhandled one.
    (out as PromiseLike<unknown>).then(undefined, () => undefined);
    throw new TypeError(
      `${api}: f returned a Promise; async functions are not supported (derivatives must be computed synchronously)`,
    );
  }
  throw new TypeError(`${api}: f must return a number or an array of numbers, got ${describe(out)}`);
}

/** Shapes per-output results like f's own return value: one number, or an array. */
export function shapeLike<T>(outputs: Outputs, values: T[]): T | T[] {
  return outputs.isArray ? values : (values[0] as T);
}
