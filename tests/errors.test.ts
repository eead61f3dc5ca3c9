// Bad input gets a TypeError/RangeError naming the argument and what was expected; failures leave nothing behind.
import {
  defineOp, derivative, grad, jacfwd, jacobian, jacobianColumn, jacobianRow, jacrev, jvp, record, valueAndGrad, vjp,
  mul, sin, Dual, primal, type Value,
} from '../src/index';
import { workedExample, GRADIENT, X0 } from './workedExample';

const f = workedExample;
const vectorF = (x: Value[]) => [mul(x[0]!, x[1]!), sin(x[0]!)];

describe('f must be a function', () => {
  test.each([
    ['grad', () => grad(42 as never)],
    ['valueAndGrad', () => valueAndGrad('f' as never)],
    ['derivative', () => derivative(null as never)],
    ['jacfwd', () => jacfwd({} as never)],
    ['jacrev', () => jacrev(undefined as never)],
    ['jvp', () => jvp(1 as never, [1], [1])],
    ['vjp', () => vjp(1 as never, [1])],
    ['record', () => record(1 as never, [1])],
    ['jacobian', () => jacobian(1 as never, [1])],
    ['jacobianColumn', () => jacobianColumn(1 as never, [1], 0)],
    ['jacobianRow', () => jacobianRow(1 as never, [1], 0)],
  ])('%s', (name, call) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(new RegExp(`^${name}: f must be a function`));
  });
});

test('x must be an array of numbers; the message names the bad index', () => {
  expect(() => grad(f)(5 as never)).toThrow(/grad: x must be an array of numbers, got a number/);
  expect(() => grad(f)([2, '5'] as never)).toThrow(/grad: x\[1\] must be a number, got the string "5"/);
  expect(() => jvp(f, [2, undefined] as never, [1, 0])).toThrow(/jvp: x\[1\] must be a number, got undefined/);
  expect(() => derivative(sin)('1' as never)).toThrow(/derivative: x must be a number/);
});

test('v and yBar must have the right length and shape', () => {
  expect(() => jvp(f, X0, [1])).toThrow(RangeError);
  expect(() => jvp(f, X0, [1])).toThrow(/jvp: v must have length 2, got length 1/);
  const [, pullback] = vjp(vectorF, X0);
  expect(() => pullback([1] as never)).toThrow(/^vjp pullback: yBar must have length 2, got length 1/);
  expect(() => pullback(1 as never)).toThrow(/yBar must be an array of numbers/);
  const [, scalarPullback] = vjp(f, X0);
  expect(() => scalarPullback([1] as never)).toThrow(/f returned a single number, so yBar must be a number/);
});

test('grad of a vector-valued f points to jacrev and vjp', () => {
  expect(() => grad(vectorF as never)(X0)).toThrow(TypeError);
  expect(() => grad(vectorF as never)(X0)).toThrow(/grad: f must return a single number.*use jacrev.*vjp/);
  expect(() => valueAndGrad(vectorF as never)(X0)).toThrow(/valueAndGrad: f must return a single number/);
});

test('f returning nothing, a string, a Promise or a nested array is a clear error', () => {
  expect(() => grad((() => undefined) as never)(X0)).toThrow(/grad: f must return a number or an array of numbers, got undefined/);
  expect(() => jvp((() => 'y') as never, X0, X0)).toThrow(/got the string "y"/);
  expect(() => jacrev((async () => 1) as never)(X0)).toThrow(/jacrev: f is an async function; async functions are not supported/);
  expect(() => jacrev((() => Promise.resolve(1)) as never)(X0)).toThrow(/f returned a Promise; async functions are not supported/);
  expect(() => jacfwd((() => [[1]]) as never)(X0)).toThrow(/element 0 is an array of length 1/);
});

test('an AD value that escapes its transformation is an error when used, in both modes', () => {
  let leakedDual: Value = 0;
  derivative((x) => ((leakedDual = x), x))(1);
  expect(() => sin(leakedDual)).toThrow(/an AD value of a forward pass \(derivative\) that has already finished/);
  let leakedVar: Value = 0;
  grad((x) => ((leakedVar = x[0]!), x[0]!))([1]);
  expect(() => mul(leakedVar, 2)).toThrow(/recording \(reverse mode\) that has already finished/);
  // returned from another, finished transformation
  expect(() => grad(() => leakedVar)([1])).toThrow(/already finished/);
});

test('JavaScript operators on AD values throw instead of silently dropping the derivative', () => {
  expect(() => grad((x) => (x[0] as unknown as number) * 2)([1])).toThrow(/used with a JavaScript operator/);
  expect(() => jvp((x) => ((x[0] as unknown as number) < 0 ? 1 : 2), [1], [1])).toThrow(/JavaScript operator/);
  expect(String(new Dual(1, 2))).toBe('Dual(1, 2)');
  expect(primal(new Dual(new Dual(3, 1), 2))).toBe(3);
});

test('primitives reject arguments that are not numbers', () => {
  expect(() => sin('1' as never)).toThrow(/sin: argument 1 must be a number or an AD value, got the string "1"/);
  expect(() => mul(new Dual(1, 1), undefined as never)).toThrow(/mul: argument 2 must be a number or an AD value, got undefined/);
});

test('Jacobian column and row indices are checked', () => {
  expect(() => jacobianColumn(f, X0, 2)).toThrow(RangeError);
  expect(() => jacobianColumn(f, X0, 2)).toThrow(/jacobianColumn: j = 2 is out of range; f has 2 inputs \(0 to 1\)/);
  expect(() => jacobianRow(vectorF, X0, -1)).toThrow(/jacobianRow: i = -1 is out of range; f has 2 outputs/);
  expect(() => jacobianColumn(f, X0, 0.5)).toThrow(/j must be an integer index/);
  expect(() => jacobian(f, X0, { mode: 'sideways' as never })).toThrow(/options.mode must be 'auto', 'forward' or 'reverse'/);
});

test('replay with the wrong number of inputs', () => {
  const tape = record(f, X0);
  expect(() => tape.replay([1])).toThrow(/replay: x must have length 2, got length 1/);
  expect(tape.backward(1)).toEqual(GRADIENT);
});

test('defineOp rejects bad definitions when defined', () => {
  expect(() => defineOp({ name: 'bad1', arity: 0, value: () => 1, partials: () => [] })).toThrow(/arity must be an integer from 1 to 64/);
  expect(() => defineOp({ name: 'bad2', arity: 1, value: (x: number) => x, partials: 3 as never })).toThrow(/partials must be a function/);
  expect(() => defineOp({ name: 'bad3', arity: 2, value: (x: number) => x, partials: () => [1, 1] })).toThrow(/takes 1 parameters but arity is 2/);
  expect(() => defineOp({ name: 'sin', arity: 1, value: Math.sin, partials: () => [1] })).toThrow(/already defined/);
  const broken = defineOp({ name: 'brokenRule', arity: 1, value: (x: number) => x, partials: () => [1, 2] });
  expect(() => grad((x) => broken(x[0]!))([1])).toThrow(/brokenRule: its partials rule must return an array of 1/);
  expect(() => jvp((x) => broken(x[0]!), [1], [1])).toThrow(/brokenRule: its partials rule must return an array of 1/);
});

describe('nothing is left behind by a failing f', () => {
  test('an error inside f reaches the caller unchanged, and the next call is unaffected', () => {
    const boom = new Error('boom');
    const failing = (x: Value[]) => {
      sin(x[0]!);
      throw boom;
    };
    for (const call of [() => grad(failing)([1]), () => jacfwd(failing)([1]), () => jvp(failing, [1], [1]), () => record(failing, [1])]) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(boom);
      expect(grad(f)(X0)).toEqual(GRADIENT);
      expect(jacfwd(f)(X0)).toEqual([GRADIENT]);
    }
  });
  test('an error in an inner transformation does not disturb the outer one', () => {
    const outer = grad((x) => {
      try {
        grad(() => {
          throw new Error('inner');
        })([1]);
      } catch {
        // swallowed on purpose
      }
      return mul(x[0]!, x[0]!);
    });
    expect(outer([3])).toEqual([6]);
  });
});
