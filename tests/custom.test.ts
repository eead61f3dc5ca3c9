// User-defined primitives and custom derivatives, in both modes, nested, and stopGradient.
import {
  add, customDerivative, defineOp, derivative, div, exp, grad, hessian, jacfwd, jacrev, jvp, log, mul, record, square,
  stopGradient, sub, abs, taylor, type Value,
} from '../src/index';
import { relErr } from './helpers/numeric';

// softsign(x) = x / (1 + |x|); d softsign = 1 / (1 + |x|)² dx
const softsign = defineOp({
  name: 'softsign',
  arity: 1,
  value: (x: number) => x / (1 + Math.abs(x)),
  partials: ([x]) => [div(1, square(add(1, abs(x!))))],
});

test('a defineOp primitive works in both modes, in the Wengert list and nested', () => {
  expect(softsign(1)).toBe(0.5);
  expect(grad((x) => softsign(x[0]!))([1])).toEqual([0.25]);
  expect(jvp((x) => softsign(x[0]!), [1], [1])[1]).toBe(0.25);
  expect(record((x) => softsign(x[0]!), [1]).entries[1]!.op).toBe('softsign');
  // second derivative: -2 / (1 + x)^3 at x = 1 → -0.25
  expect(derivative(derivative(softsign))(1)).toBe(-0.25);
  expect(hessian((x) => softsign(x[0]!))([1])).toEqual([[-0.25]]);
});

const logSumExp = customDerivative(
  (x) => {
    const m = Math.max(...x);
    return m + Math.log(x.reduce((s, xi) => s + Math.exp(xi - m), 0));
  },
  (x, y) => x.map((xi) => exp(sub(xi, y))),
  { name: 'logSumExp' },
);
const naiveLogSumExp = (x: Value[]) => log(x.reduce((s: Value, xi) => add(s, exp(xi)), 0));

test('customDerivative: a numerically stable logSumExp in every mode', () => {
  grad((x) => logSumExp(x))([1000, 1000]).forEach((g) => expect(g).toBeCloseTo(0.5, 12));
  // the chain rule through exp(1000) = Infinity loses the answer entirely
  expect(grad(naiveLogSumExp)([1000, 1000])).not.toEqual([0.5, 0.5]);
  const x = [0.3, -1.2, 2];
  const naive = jacrev(naiveLogSumExp)(x)[0]!;
  for (const J of [jacfwd((p) => logSumExp(p))(x), jacrev((p) => logSumExp(p))(x)]) {
    J[0]!.forEach((v, i) => expect(relErr(v, naive[i]!)).toBeLessThan(1e-14));
  }
  const H = hessian((p) => logSumExp(p))(x);
  const Hn = hessian(naiveLogSumExp)(x);
  H.forEach((row, i) => row.forEach((v, j) => expect(relErr(v, Hn[i]![j]!)).toBeLessThan(1e-13)));
  expect(logSumExp([1, 2])).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2)), 14);
  expect(() => customDerivative((x) => x[0]!, () => [1], { name: 'logSumExp' })).toThrow(/already defined/);
});

describe('stopGradient', () => {
  const f = (x: Value[]) => mul(x[0]!, stopGradient(x[0]!));
  test('f(x) = x · stopGradient(x) has derivative x in both modes', () => {
    expect(grad(f)([3])).toEqual([3]);
    expect(jacfwd(f)([3])).toEqual([[3]]);
    expect(jacrev(f)([3])).toEqual([[3]]);
  });
  test('at every nesting level', () => {
    expect(hessian(f)([3])).toEqual([[0]]);
    expect(derivative((x: Value) => derivative((y: Value) => mul(y, stopGradient(mul(x, y))))(2))(5)).toBe(0);
    // the first derivative is stopGradient(x) itself, so no second derivative flows either
    expect(jacfwd((x: Value[]) => grad(f)(x))([3])).toEqual([[0]]);
    expect(jacrev((x: Value[]) => jacfwd(f)(x)[0]!)([3])).toEqual([[0]]);
    expect(taylor(f, [3], [1], 3)).toEqual([9, 3, 0, 0]);
  });
});
