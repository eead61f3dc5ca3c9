// The zero-skip helper: each function and the code text generated engines emit for it compute the same thing.
import { addAdjoint, addAdjointCode, addAdjointTangent, addAdjointTangentCode, addTangent, addTangentCode, contributes, contributesCode, uncheckedAdjointsExact } from '../../src/engine/accumulate';

const SPECIAL = [0, -0, 1, -2.5, Infinity, -Infinity, NaN, 1e-320];

describe('accumulate.ts: each helper and the code generated from it compute the same thing', () => {
  const pairs = SPECIAL.flatMap((seed) => SPECIAL.map((partial) => [seed, partial] as const));
  test.each(pairs)('seed %p, partial %p', (seed, partial) => {
    const generated = new Function(
      's',
      'd',
      `const a = new Float64Array([0, 3]); ${addAdjointCode('a[1]', 's', 'd')} ` +
        `let t0 = 0; ${addTangentCode('t0', 's', 'd')} let t1 = 2; ${addTangentCode('t1', 's', 'd')} ` +
        `return [${contributesCode('s', 'd')}, a[1], t0, t1];`,
    ) as (s: number, d: number) => [boolean, number, number, number];
    const a = new Float64Array([0, 3]);
    addAdjoint(a, 1, seed, partial);
    const expected = [contributes(seed, partial), a[1], addTangent(0, seed, partial), addTangent(2, seed, partial)];
    expect(generated(seed, partial)).toEqual(expected);
  });
  // The second-order update: seed and partial from the special values, adjoint and partial tangent too (a sample of the pairs).
  const quads = pairs.flatMap(([seed, partial], k) => [[seed, partial, SPECIAL[k % 8]!, SPECIAL[(k * 3) % 8]!] as const]);
  test.each(quads)('adjoint tangent: seed %p, partial %p, adjoint %p, partial tangent %p', (seed, partial, adjoint, dd) => {
    for (const moving of [true, false]) {
      const generated = new Function('s', 'd', 'g', 'dd', 'moving', `const at = new Float64Array([0, 3]); ${addAdjointTangentCode('at[1]', 's', 'd', 'g', 'dd', 'moving')} return at[1];`) as (
        ...args: [number, number, number, number, boolean]
      ) => number;
      const at = new Float64Array([0, 3]);
      addAdjointTangent(at, 1, seed, partial, adjoint, dd, moving);
      expect(Object.is(generated(seed, partial, adjoint, dd, moving), at[1])).toBe(true);
    }
  });
  test('the conventions themselves', () => {
    expect(contributes(0, Infinity)).toBe(false);
    expect(contributes(Infinity, 0)).toBe(false);
    expect(contributes(NaN, 0)).toBe(false);
    expect(contributes(NaN, 1)).toBe(true);
    expect(Object.is(addTangent(0, -1, 0), 0)).toBe(true);
    expect(Object.is(addTangent(0, -0, 1), 0)).toBe(true);
    expect(Object.is(addTangent(0, 1, -0), -0)).toBe(false); // -0 partial is "exactly zero": skipped, the sum stays +0
    expect(Object.is(addTangent(0, -1, 1e-320 * 1e-10), 0)).toBe(true);
    const at = new Float64Array([0]);
    addAdjointTangent(at, 0, 0, Infinity, 2, 3, true); // the zero seed never meets the infinite partial
    expect(at[0]).toBe(6);
    addAdjointTangent(at, 0, 1, 2, Infinity, 0, true); // nor the infinite adjoint the zero partial tangent
    expect(at[0]).toBe(8);
  });
});

test('uncheckedAdjointsExact: true only where every adjoint taken is finite', () => {
  expect(uncheckedAdjointsExact(new Float64Array([0, -0, 1e308, -5e-324]), 4)).toBe(true);
  for (const bad of [NaN, Infinity, -Infinity]) {
    expect(uncheckedAdjointsExact(new Float64Array([1, bad, 2]), 3)).toBe(false);
    // Only the first n count: the inputs' adjoints, not the rest of the array.
    expect(uncheckedAdjointsExact(new Float64Array([1, 2, bad]), 2)).toBe(true);
    // Anywhere in a longer array (the loop takes four at a time, then the rest).
    for (let at = 0; at < 11; at++) {
      const a = new Float64Array(11).fill(0.5);
      a[at] = bad;
      expect(uncheckedAdjointsExact(a, 11)).toBe(false);
    }
  }
});
