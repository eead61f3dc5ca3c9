// The zero-skip helper: each function and the code text generated engines emit for it compute the same thing.
import { addAdjoint, addAdjointCode, addTangent, addTangentCode, contributes, contributesCode } from '../../src/engine/accumulate';

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
  test('the conventions themselves', () => {
    expect(contributes(0, Infinity)).toBe(false);
    expect(contributes(Infinity, 0)).toBe(false);
    expect(contributes(NaN, 0)).toBe(false);
    expect(contributes(NaN, 1)).toBe(true);
    expect(Object.is(addTangent(0, -1, 0), 0)).toBe(true);
    expect(Object.is(addTangent(0, -0, 1), 0)).toBe(true);
    expect(Object.is(addTangent(0, 1, -0), -0)).toBe(false); // -0 partial is "exactly zero": skipped, the sum stays +0
    expect(Object.is(addTangent(0, -1, 1e-320 * 1e-10), 0)).toBe(true);
  });
});
