// User-defined primitives and custom derivatives, in both modes, nested, and stopGradient.
import {
  add, customDerivative, defineOp, derivative, div, exp, grad, hessian, jacfwd, jacrev, jvp, log, mul, record, square,
  stopGradient, sub, abs, taylor, customJvp, customVjp, sqrt, neg, type Value,
} from '../../src/index';
import { relErr } from '../helpers/numeric';

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

describe("JAX's custom_jvp and custom_vjp vocabulary", () => {
  const norm2 = customJvp(
    (x) => Math.hypot(...x),
    (x, t) => {
      const y = sqrt(x.reduce((s: Value, xi) => add(s, mul(xi, xi)), 0));
      const yDot = x.reduce((s: Value, xi, i) => add(s, mul(div(xi, y), t[i]!)), 0);
      return [y, yDot];
    },
    { name: 'norm2' },
  );
  test('customJvp: one rule, both modes, nested', () => {
    expect(grad((x) => norm2(x))([3, 4])).toEqual([0.6, 0.8]);
    expect(jacfwd((x) => norm2(x))([3, 4])).toEqual([[0.6, 0.8]]);
    expect(jvp((x) => norm2(x), [3, 4], [1, 1])[1]).toBeCloseTo(1.4, 15);
    // Hessian of |x|: (I - x xᵀ/|x|²)/|x|
    const H = hessian((x) => norm2(x))([3, 4]);
    expect(H[0]![0]).toBeCloseTo(16 / 125, 14);
    expect(H[0]![1]).toBeCloseTo(-12 / 125, 14);
    expect(record((x) => norm2(x), [3, 4]).entries.map((e) => e.op)).toEqual(['input', 'input', 'norm2']);
  });
  test('customVjp: the pullback rule serves both modes', () => {
    let bwdCalls = 0;
    const softplus1 = customVjp(
      (x) => Math.log1p(Math.exp(x[0]!)),
      (x) => [log(add(1, exp(x[0]!))), div(1, add(1, exp(neg(x[0]!))))],
      (s, yBar) => {
        bwdCalls++;
        return [mul(yBar, s)];
      },
    );
    expect(grad((x) => softplus1(x))([0])).toEqual([0.5]);
    expect(jacfwd((x) => softplus1(x))([0])).toEqual([[0.5]]);
    expect(bwdCalls).toBe(2);
    expect(() => customVjp((x) => x[0]!, 3 as never, () => [1])).toThrow(/customVjp: fwd must be a function/);
    expect(() => customJvp((x) => x[0]!, 'no' as never)).toThrow(/customJvp: jvp must be a function/);
  });
});

test('defineOp takes the partials as one function per argument, too (DiffRules layout)', () => {
  const hyp = defineOp({
    name: 'hyp2',
    arity: 2,
    value: (a: number, b: number) => Math.hypot(a, b),
    partials: [(a, _b, y) => div(a!, y!), (_a, b, y) => div(b!, y!)],
  });
  expect(grad((x) => hyp(x[0]!, x[1]!))([3, 4])).toEqual([0.6, 0.8]);
  expect(jacfwd((x) => hyp(x[0]!, x[1]!))([3, 4])).toEqual([[0.6, 0.8]]);
  expect(() => defineOp({ name: 'hyp3', arity: 2, value: (a: number, b: number) => a + b, partials: [() => 1] })).toThrow(/has 1 function\(s\) but arity is 2/);
  expect(() => defineOp({ name: 'hyp4', arity: 2, value: (a: number, b: number) => a + b, partials: [() => 1, 2 as never] })).toThrow(/spec.partials\[1\] must be a function/);
});

test('taylor on f: R -> R with numbers', () => {
  expect(taylor(exp, 0, 1, 3)).toEqual([1, 1, 1, 1]);
  expect(taylor((t: Value) => mul(t, t), 3, 1, 3)).toEqual([9, 6, 2, 0]);
});
