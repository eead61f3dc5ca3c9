// The engine's own pieces: the zero-skip helper and its generated text agree, op codes past 65,536, the list's error prefixes.
import { addAdjoint, addAdjointCode, addTangent, addTangentCode, contributes, contributesCode } from '../../src/engine/accumulate';
import { compile, defineOp, grad, mul, record, sin, vjp, type TapeVar, type Value } from '../../src/index';

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

describe('op codes are 32-bit: past 65,536 defined ops a recording still names and runs the right op', () => {
  test('define 65,540 unary ops, record a call of the last: its entry, backward, replay and compile', () => {
    let last: ((x: Value) => Value) | undefined;
    for (let k = 0; k < 65_540; k++) {
      last = defineOp({ name: `manyOps${k}`, arity: 1, value: (x: number) => x * (k + 1), partials: () => [k + 1] });
    }
    const f = (x: Value[]) => sin(last!(x[0]!));
    const tape = record(f, [0.5]);
    expect(tape.entries[1]!.op).toBe('manyOps65539');
    expect(tape.backward(1)).toEqual([Math.cos(0.5 * 65_540) * 65_540]);
    expect(tape.replay([0.25])).toBe(Math.sin(0.25 * 65_540));
    for (const engine of ['codegen', 'interpreter', 'plain interpreter'] as const) {
      expect(Array.from(compile(f, [0.5], { engine }).gradient([0.25]) as Float64Array)).toEqual([Math.cos(0.25 * 65_540) * 65_540]);
    }
    expect(grad(f)([0.25])).toEqual([Math.cos(0.25 * 65_540) * 65_540]);
  });
});

describe("the list's methods name themselves in errors", () => {
  const vf = (x: Value[]) => [mul(x[0]!, x[1]!), sin(x[0]!)];
  test('backward, adjoints, replay, and the pullback of vjp', () => {
    const tape = record(vf, [1, 2]);
    expect(() => tape.backward([1])).toThrow(/^backward: yBar must have length 2, got length 1/);
    expect(() => tape.adjoints([1])).toThrow(/^adjoints: yBar must have length 2, got length 1/);
    expect(() => tape.adjoints(1)).toThrow(/^adjoints: yBar must be an array of numbers/);
    expect(() => tape.replay([1])).toThrow(/^replay: x must have length 2, got length 1/);
    const [, pullback] = vjp(vf, [1, 2]);
    expect(() => pullback([1] as never)).toThrow(/^vjp pullback: yBar must have length 2, got length 1/);
  });
  test('a list still recording says which method was called', () => {
    let checked = false;
    record((x) => {
      const running = (x[0] as TapeVar).trace;
      expect(() => running.adjoints(1)).toThrow(/^adjoints: the recording is still running/);
      expect(() => running.backward(1)).toThrow(/^backward: the recording is still running/);
      expect(() => running.replay([1])).toThrow(/^replay: the recording is still running/);
      checked = true;
      return x[0]!;
    }, [1]);
    expect(checked).toBe(true);
  });
});
