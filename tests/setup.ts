/**
 * Jest setup (setupFilesAfterEnv, uses the global `expect`): custom numeric matchers for dualtape tests.
 *
 * - `toBeCloseToRel(expected, relTol = 1e-12)`:
 *     |a - b| <= relTol * max(1, |a|, |b|)   (relative + absolute tolerance)
 *     NaN matches NaN; +Infinity matches +Infinity, -Infinity matches -Infinity.
 * - `toAllBeCloseTo(expected: number[] | number[][], relTol = 1e-12)`:
 *     same shape (typed arrays accepted as rows/vectors), elementwise as above;
 *     the failure message names the first bad index.
 */
type NumVec = ArrayLike<number>;
type NumMat = ArrayLike<ArrayLike<number>>;

export function closeRel(a: number, b: number, relTol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true; // covers equal infinities and exact matches
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relTol * Math.max(1, Math.abs(a), Math.abs(b));
}

const isArrayLike = (x: unknown): x is ArrayLike<unknown> =>
  Array.isArray(x) || ArrayBuffer.isView(x);

const fmt = (x: unknown): string => (typeof x === 'number' ? String(x) : JSON.stringify(x));

function flattenCheck(
  actual: unknown,
  expected: unknown,
  relTol: number,
  path: number[],
): string | null {
  const at = path.length > 0 ? `[${path.join('][')}]` : '';
  if (isArrayLike(expected)) {
    if (!isArrayLike(actual)) return `at ${at || 'top level'}: expected an array, received ${fmt(actual)}`;
    if (actual.length !== expected.length)
      return `shape mismatch at ${at || 'top level'}: length ${actual.length} != expected ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const msg = flattenCheck(actual[i], expected[i], relTol, [...path, i]);
      if (msg !== null) return msg;
    }
    return null;
  }
  if (typeof expected !== 'number') return `at ${at}: expected value is not a number: ${fmt(expected)}`;
  if (isArrayLike(actual)) return `shape mismatch at ${at}: received an array where a number was expected`;
  if (typeof actual !== 'number') return `at ${at}: received non-number ${fmt(actual)}`;
  if (!closeRel(actual, expected, relTol)) {
    const diff = Math.abs(actual - expected);
    return `first mismatch at index ${at}: received ${actual}, expected ${expected} (|diff| = ${diff}, relTol = ${relTol})`;
  }
  return null;
}

expect.extend({
  toBeCloseToRel(received: unknown, expected: number, relTol = 1e-12) {
    const pass = typeof received === 'number' && closeRel(received, expected, relTol);
    const diff = typeof received === 'number' ? Math.abs(received - expected) : NaN;
    return {
      pass,
      message: () =>
        `expected ${fmt(received)} ${pass ? 'not ' : ''}to be close to ${expected} ` +
        `(relTol = ${relTol}, |diff| = ${diff}, allowed = ${relTol * Math.max(1, Math.abs(Number(received)), Math.abs(expected))})`,
    };
  },
  toAllBeCloseTo(received: unknown, expected: NumVec | NumMat, relTol = 1e-12) {
    const msg = flattenCheck(received, expected, relTol, []);
    const pass = msg === null;
    return {
      pass,
      message: () =>
        pass
          ? `expected arrays not to be elementwise close (relTol = ${relTol})`
          : `expected arrays to be elementwise close: ${msg}`,
    };
  },
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeCloseToRel(expected: number, relTol?: number): R;
      toAllBeCloseTo(expected: NumVec | NumMat, relTol?: number): R;
    }
    interface Expect {
      toBeCloseToRel(expected: number, relTol?: number): unknown;
      toAllBeCloseTo(expected: NumVec | NumMat, relTol?: number): unknown;
    }
  }
}
