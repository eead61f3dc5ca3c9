// The Wengert list's storage and public methods: op codes past 65,536, and errors that name the method called.
import { compile, defineOp, grad, mul, record, sin, vjp, type TapeVar, type Value } from '../../src/index';

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
