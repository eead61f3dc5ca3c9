// A checkpointed scan replays its step's recording instead of calling the step, only where that is provably the step: tested where it is and where it is not.
import { add, cos, customDerivative, defineOp, grad, lt, mul, primal, record, scan, select, sin, sub, type Value } from '../../src/index';
import { seesOnlyCarry } from '../../src/checkpoint/stepProgram';
import { withoutNewFunction } from '../helpers/csp';

describe('seesOnlyCarry: a step that provably cannot see the step index', () => {
  test.each<[string, (...a: never[]) => unknown]>([
    ['an arrow of the carry', (c: Value[]) => c],
    ['a destructured carry', ([y, a]: Value[]) => [y, a]],
    ['one bare parameter', eval('(c => c)') as (c: Value[]) => Value[]],
    ['a second parameter never named again', (c: Value[], _i: number) => c],
    ['a function of the carry', function step(c: Value[]) { return c; }],
    ['a method', { step(c: Value[]) { return c; } }.step],
    ['a destructured carry with a default', ([y = 1, a = 2]: Value[]) => [y, a]],
    ['a comment in the parameters', eval('((c /* the carry, (y, a) */) => c)') as (c: Value[]) => Value[]],
  ])('%s: true', (_, step) => {
    expect(seesOnlyCarry(step)).toBe(true);
  });

  test.each<[string, (...a: never[]) => unknown]>([
    ['a second parameter it uses', (c: Value[], i: number) => [add(c[0]!, i)]],
    ['a second parameter with a default', eval('((c, i = 0) => [c[0] + i])') as (c: Value[]) => Value[]],
    ['a rest parameter', (...args: unknown[]) => args[0]],
    ['a rest parameter after the carry', (c: Value[], ...rest: unknown[]) => [c[0], rest[0]]],
    // eslint-disable-next-line prefer-rest-params
    ['a function reading arguments', function step(c: Value[]) { return [c[0], arguments[1]]; }],
    ['a function calling eval', function step(_c: Value[]) { return eval('_c'); }],
    ['a bound function', ((c: Value[]) => c).bind(null)],
    ['a built-in', Array.from as never],
    ['an async function', async (c: Value[]) => c],
    ['three parameters', (c: Value[], _i: number, _j: number) => c],
    ['a destructured second parameter', eval('((c, { i }) => c)') as (c: Value[]) => Value[]],
    ['a template literal in the parameters', eval('((c = `${1}`) => c)') as (c: Value[]) => Value[]],
  ])('%s: false', (_, step) => {
    expect(seesOnlyCarry(step)).toBe(false);
  });
});

/** Gradient of sum(carry²) after K steps, through a scan with and without checkpoints. */
function gradients(step: (c: Value[], i: number) => readonly Value[], init: number[], K: number, options?: { checkpoints: number; block?: number }) {
  return grad((x: Value[]) => {
    const out = scan(step, x, K, options);
    return out.reduce<Value>((s, v) => add(s, mul(v, v)), 0);
  })(init);
}

describe('a checkpointed scan replays the step\'s recording where it stands for the step', () => {
  test('a step of the carry is called once (its recording); the gradient is the plain loop\'s, bit for bit', () => {
    let calls = 0;
    const step = ([y, a]: Value[]) => {
      calls++;
      return [add(mul(sin(y!), a!), 0.1), a!];
    };
    const want = gradients(step, [0.5, 0.9], 500);
    for (const options of [{ checkpoints: 1 }, { checkpoints: 3 }, { checkpoints: 64 }, { checkpoints: 4, block: 7 }]) {
      calls = 0;
      expect(gradients(step, [0.5, 0.9], 500, options)).toEqual(want);
      expect(calls).toBe(1);
    }
  });

  test('a step that uses the index is called at every step and turn: the index is not baked into a recording', () => {
    let calls = 0;
    const step = (c: Value[], i: number) => {
      calls++;
      return [add(mul(c[0]!, 0.99), mul(0.001, i)), c[1]!];
    };
    const want = gradients(step, [0.5, 0.9], 200);
    const plain = record((x: Value[]) => scan(step, x, 200)[0]!, [0.5, 0.9]);
    calls = 0;
    const tape = record((x: Value[]) => scan(step, x, 200, { checkpoints: 5 })[0]!, [0.5, 0.9]);
    expect(tape.output).toBe(plain.output);
    tape.backward(1);
    // the forward run, the recomputed steps and one recorded turn per step
    expect(calls).toBe(200 + tape.cost.stepsRecomputed + 200);
    expect(gradients(step, [0.5, 0.9], 200, { checkpoints: 5 })).toEqual(want);
    // the same for the other ways a step may reach the index
    const viaRest = (c: Value[], ...rest: number[]) => step(c, rest[0]!);
    const viaArguments = function (this: unknown, c: Value[]) {
      // eslint-disable-next-line prefer-rest-params
      return step(c, arguments[1] as number);
    };
    for (const s of [viaRest, viaArguments]) expect(gradients(s, [0.5, 0.9], 200, { checkpoints: 5 })).toEqual(want);
  });

  test('where a recorded comparison flips, that step runs itself: gradients of a branching step equal the plain loop\'s', () => {
    // y crosses 0 every few steps, so the branch recorded at step 0 is wrong at many others
    let calls = 0;
    const step = ([y, a]: Value[]) => {
      calls++;
      return [select(lt(y!, 0), add(y!, a!), sub(y!, mul(0.7, a!))), a!];
    };
    const init = [0.1, 0.3];
    const want = gradients(step, init, 300);
    const values = scan(step, init, 300);
    for (const options of [{ checkpoints: 1 }, { checkpoints: 2 }, { checkpoints: 9 }, { checkpoints: 64 }, { checkpoints: 3, block: 4 }]) {
      expect(gradients(step, init, 300, options)).toEqual(want);
      calls = 0;
      const tape = record((x: Value[]) => scan(step, x, 300, options), init);
      expect(tape.output).toEqual(values);
      tape.backward([1, 1]);
      // the flipped steps ran the step itself, the others did not: fewer calls than step evaluations
      const evaluations = 300 + tape.cost.stepsRecomputed + 300;
      expect(calls).toBeGreaterThan(1);
      expect(calls).toBeLessThan(evaluations);
    }
  });

  test('a step that reads a primal (a branch no recording can check) is called at every step', () => {
    let calls = 0;
    const step = ([y, a]: Value[]) => {
      calls++;
      return [primal(y!) < 0 ? add(y!, a!) : sub(y!, mul(0.7, a!)), a!];
    };
    const init = [0.1, 0.3];
    const want = gradients(step, init, 300);
    calls = 0;
    expect(gradients(step, init, 300, { checkpoints: 4 })).toEqual(want);
    expect(calls).toBeGreaterThan(600);
  });

  test('constant outputs, pass-through elements and a carry of one', () => {
    const constantOut = ([y, a]: Value[]) => [add(sin(y!), a!), 2];
    expect(gradients(constantOut, [0.5, 0.9], 50, { checkpoints: 3 })).toEqual(gradients(constantOut, [0.5, 0.9], 50));
    const one = ([y]: Value[]) => [mul(sin(y!), 1.1)];
    expect(gradients(one, [0.7], 1000, { checkpoints: 2 })).toEqual(gradients(one, [0.7], 1000));
    const swap = ([y, a]: Value[]) => [a!, mul(y!, 0.5)];
    expect(gradients(swap, [0.7, 0.2], 21, { checkpoints: 2, block: 2 })).toEqual(gradients(swap, [0.7, 0.2], 21));
  });

  test('where new Function is forbidden (a strict CSP) the recording is replayed by the plain interpreter, with the same bits', () => {
    let calls = 0;
    const step = ([y, a]: Value[]) => {
      calls++;
      return [select(lt(y!, 0), add(y!, a!), sub(y!, mul(0.7, a!))), mul(a!, 0.999)];
    };
    const want = gradients(step, [0.1, 0.3], 200);
    withoutNewFunction(() => {
      expect(gradients(step, [0.1, 0.3], 200, { checkpoints: 6 })).toEqual(want);
      calls = 0;
      const tape = record((x: Value[]) => scan(step, x, 200, { checkpoints: 6 })[0]!, [0.1, 0.3]);
      tape.backward(1);
      expect(calls).toBeGreaterThan(1);
      expect(calls).toBeLessThan(200 + tape.cost.stepsRecomputed + 200);
    });
  });

  test('user-defined primitives replay; custom derivatives (made per call, read primals) take the calling path: both the plain loop\'s gradients', () => {
    let calls = 0;
    const cubeHalf = defineOp({ name: 'cubeHalfInStep', arity: 1, value: (x: number) => 0.5 * x * x * x, partials: ([x]) => [mul(1.5, mul(x!, x!))] });
    const withOp = ([y, a]: Value[]) => {
      calls++;
      return [add(sin(cubeHalf(y!)), mul(0.1, a!)), a!];
    };
    const want = gradients(withOp, [0.5, 0.9], 300);
    calls = 0;
    expect(gradients(withOp, [0.5, 0.9], 300, { checkpoints: 4 })).toEqual(want);
    expect(calls).toBe(1);
    const withRule = ([y, a]: Value[]) => {
      const damped = customDerivative((x: number[]) => 0.9 * Math.sin(x[0]!), (x: readonly Value[]) => [mul(0.9, cos(x[0]!))]);
      return [add(damped([y!]), mul(0.01, a!)), a!];
    };
    expect(gradients(withRule, [0.5, 0.9], 300, { checkpoints: 4 })).toEqual(gradients(withRule, [0.5, 0.9], 300));
  });

  test('a step too long for straight-line code is replayed by the interpreter, with the same bits', () => {
    let calls = 0;
    const step = ([y, a]: Value[]) => {
      calls++;
      let z = y!;
      for (let j = 0; j < 150; j++) z = add(mul(sin(z), 0.5), mul(a!, 0.01)); // 600 entries
      return [z, a!];
    };
    const want = gradients(step, [0.5, 0.3], 30);
    calls = 0;
    expect(gradients(step, [0.5, 0.3], 30, { checkpoints: 3 })).toEqual(want);
    expect(calls).toBe(1);
  });

  test('a replay of the enclosing recording at a new point re-runs the scan there', () => {
    const step = ([y, a]: Value[]) => [select(lt(y!, 0), add(y!, a!), sub(y!, mul(0.7, a!))), a!];
    const tape = record((x: Value[]) => scan(step, x, 100, { checkpoints: 4 })[0]!, [0.1, 0.3]);
    tape.replay([0.2, 0.25]);
    const plain = record((x: Value[]) => scan(step, x, 100)[0]!, [0.2, 0.25]);
    expect(tape.output).toBe(plain.output);
    expect(tape.backward(1)).toEqual(plain.backward(1));
  });
});
