// compile(f, x).hessian and .hvp (forward-over-reverse on the compiled sweeps) against hessian/hvp and finite differences of grad, engine by engine; jacobian's choice of mode.
import {
  abs, add, atan2, compile, cos, defineOp, div, exp, grad, hessian, hvp, log, lt, max, mul, neg, pow, select, sigmoid, sign, sin, sqrt,
  square, sub, tanh, workedExample, BranchChangedError, type Value,
} from '../../src/index';
import { compileModes } from '../../src/compile/compile';
import { forwardIsCheaper, jacobianCost } from '../../src/compile/jacobianCost';
import { record } from '../../src/reverse/wengertList';
import { centralDiffJacobian, relErr, rng } from '../helpers/numeric';

type F = (x: Value[]) => Value;
const rosenbrock: F = (x) => {
  let s: Value = 0;
  for (let i = 0; i + 1 < x.length; i++) s = add(s, add(mul(100, square(sub(x[i + 1]!, square(x[i]!)))), square(sub(1, x[i]!))));
  return s;
};

const cases: [string, F, number[]][] = [
  ['worked example', workedExample as F, [2, 5]],
  ['Rosenbrock n = 10 (two chunks of 5 directions)', rosenbrock, Array.from({ length: 10 }, (_, i) => 0.3 + 0.1 * i)],
  ['Rosenbrock n = 19 (chunks of 7, 7, 5)', rosenbrock, Array.from({ length: 19 }, (_, i) => Math.cos(i))],
  ['ops with branching rules (pow, max, atan2) and value-based partials (sigmoid, tanh, sqrt)', (x) =>
    add(mul(pow(x[0]!, x[1]!), max(x[2]!, sin(x[0]!))), add(atan2(x[1]!, x[2]!), div(sigmoid(mul(x[0]!, x[2]!)), add(2, tanh(sqrt(x[1]!)))))),
    [1.3, 2.2, 0.7]],
  ['a constant output path and a repeated argument', (x) => add(mul(x[0]!, x[0]!), add(exp(3), log(mul(x[1]!, x[0]!)))), [0.8, 1.9]],
];

// The list's Hessian, the fresh transformation's and the compiled one come from the same
// rules in the same order, so they agree to the last bits; finite differences of grad are independent.
describe.each(compileModes)('engine %s', (engine) => {
  test.each(cases)('%s: hessian = hessian(f)(x) and central differences of grad', (_, f, x) => {
    const c = compile(f, x.map((v) => v + 0.25), { engine });
    expect(c.mode).toBe(engine);
    const H = c.hessian(x);
    const ref = hessian(f)(x) as number[][];
    H.forEach((row, i) => row.forEach((h, j) => expect(relErr(h, ref[i]![j]!)).toBeLessThan(1e-13)));
    const fd = centralDiffJacobian((z) => grad(f)(z) as number[], x);
    H.forEach((row, i) => row.forEach((h, j) => expect(relErr(h, fd[i]![j]!)).toBeLessThan(1e-6)));
  });
  test.each(cases)('%s: hvp = hvp(f, x, v) and H·v', (_, f, x) => {
    const c = compile(f, x, { engine });
    const random = rng(7);
    const v = x.map(() => random() * 2 - 1);
    const hv = Array.from(c.hvp(x, v));
    const ref = hvp(f, x, v) as number[];
    hv.forEach((h, i) => expect(relErr(h, ref[i]!)).toBeLessThan(1e-13));
    const H = c.hessian(x);
    H.forEach((row, i) => expect(relErr(hv[i]!, row.reduce((s, h, j) => s + h * v[j]!, 0))).toBeLessThan(1e-12));
  });
});

test('a user-defined op (its rule run on chunked duals) has second derivatives with no extra rule', () => {
  const softsign2 = defineOp({
    name: 'softsign2',
    arity: 2,
    value: (a: number, b: number) => a / (1 + Math.abs(b)),
    partials: [(_a, b) => div(1, add(1, abs(b!))), (a, b) => div(mul(neg(a!), sign(b!)), square(add(1, abs(b!))))],
  });
  const f: F = (x) => mul(softsign2(sin(x[0]!), x[1]!), exp(x[0]!));
  for (const engine of compileModes) {
    const H = compile(f, [0.4, 0.9], { engine }).hessian([0.3, 0.7]);
    const ref = hessian(f)([0.3, 0.7]) as number[][];
    H.forEach((row, i) => row.forEach((h, j) => expect(relErr(h, ref[i]![j]!)).toBeLessThan(1e-13)));
    const fd = centralDiffJacobian((z) => grad(f)(z) as number[], [0.3, 0.7]);
    H.forEach((row, i) => row.forEach((h, j) => expect(relErr(h, fd[i]![j]!)).toBeLessThan(1e-6)));
  }
});

test('hessian and hvp at a new point do not call f', () => {
  let calls = 0;
  const f: F = (x) => {
    calls++;
    return mul(sin(x[0]!), cos(x[1]!));
  };
  const c = compile(f, [1, 2]);
  c.hessian([0.5, -1]);
  c.hvp([0.5, -1], [1, 1]);
  expect(calls).toBe(1);
  expect(c.hessian([0.5, -1])).toEqual([
    [-Math.sin(0.5) * Math.cos(-1), -Math.cos(0.5) * Math.sin(-1)],
    [-Math.cos(0.5) * Math.sin(-1), -Math.sin(0.5) * Math.cos(-1)],
  ]);
});

test('a flipped comparison throws BranchChangedError naming hessian / hvp; rerecord follows the branch', () => {
  const f: F = (x) => select(lt(x[0]!, 0), square(x[0]!), mul(3, square(x[0]!)));
  const c = compile(f, [-1]);
  expect(c.hessian([-2])).toEqual([[2]]);
  expect(() => c.hessian([2])).toThrow(BranchChangedError);
  expect(() => c.hessian([2])).toThrow(/^hessian: /);
  expect(() => c.hvp([2], [1])).toThrow(/^hvp: /);
  expect(compile(f, [-1], { onBranchChange: 'rerecord' }).hessian([2])).toEqual([[6]]);
});

test('bad input: a vector f, wrong lengths, non-numbers', () => {
  const vec = compile((x) => [x[0]!, mul(x[0]!, x[1]!)], [1, 2]);
  expect(() => vec.hessian([1, 2])).toThrow(new TypeError('hessian: f must return a single number, but it returned an array of 2; take jacobian of a compiled gradient per output'));
  const c = compile(workedExample, [2, 5]);
  expect(() => c.hessian([1])).toThrow(RangeError);
  expect(() => c.hvp([2, 5], [1])).toThrow(/^hvp: v must have length 2/);
  expect(() => c.hvp([2, 5], [1, 'a' as unknown as number])).toThrow(new TypeError('hvp: v[1] must be a number, got the string "a"'));
});

describe('jacobian chooses its mode by the entries its sweeps compute', () => {
  test('counts: f(x) = [x0·x1, sin(x0)]', () => {
    const tape = record((x) => [mul(x[0]!, x[1]!), sin(x[0]!)], [1, 2]);
    const flat = tape.flat();
    // forward: x0 reaches 2 entries, x1 reaches 1; reverse: each output needs its own entry
    // each output's cone starts at its own entry (2 and 3)
    expect(jacobianCost(flat, Array.from(flat.outputs))).toEqual({ forward: 3, reverse: 2, exact: true, coneStarts: Int32Array.of(2, 3) });
  });
  test('more inputs than outputs, yet forward is cheaper: one input feeds a long chain, the others one entry each', () => {
    // 3 inputs, 2 outputs: passes alone say reverse; the chain behind both outputs makes reverse cost 2·51.
    const f = (x: Value[]) => {
      let s: Value = x[0]!;
      for (let k = 0; k < 50; k++) s = sin(s);
      return [add(s, x[1]!), add(s, x[2]!)];
    };
    const tape = record(f, [0.1, 0.2, 0.3]);
    const cost = jacobianCost(tape.flat(), Array.from(tape.flat().outputs));
    expect(cost.forward).toBe(52 + 1 + 1);
    expect(cost.reverse).toBe(2 * 51);
    expect(cost.forward).toBeLessThan(cost.reverse);
    const J = compile(f, [0.1, 0.2, 0.3]).jacobian([0.1, 0.2, 0.3]).map((r) => Array.from(r));
    const fd = centralDiffJacobian((z) => f(z) as number[], [0.1, 0.2, 0.3]);
    J.forEach((row, i) => row.forEach((v, j) => expect(relErr(v, fd[i]![j]!)).toBeLessThan(1e-7)));
  });
});

describe('a sparse Hessian is computed from its colouring and scattered into the dense matrix', () => {
  // Banded: max(x_i, x_{i+1})² couples neighbours through whichever argument max takes, and
  // x_i·x_{i+2} couples second neighbours. Recorded where max takes x_{i+1}, evaluated where it
  // takes x_i: the pattern must hold for every point of the recorded branch, not only its own.
  const banded: F = (x) => {
    let s: Value = 0;
    for (let i = 0; i + 2 < x.length; i++) s = add(s, add(square(max(x[i]!, x[i + 1]!)), mul(x[i]!, x[i + 2]!)));
    return s;
  };
  const n = 12;
  const rising = Array.from({ length: n }, (_, i) => 0.1 * i);
  const falling = Array.from({ length: n }, (_, i) => 2 - 0.15 * i);
  test.each(compileModes)('engine %s: equals the fresh hessian where max switched sides, with fewer products than inputs', (engine) => {
    const c = compile(banded, rising, { engine });
    const H = c.hessian(falling);
    expect(H).toEqual(hessian(banded)(falling));
    const fd = centralDiffJacobian((z) => grad(banded)(z) as number[], falling);
    H.forEach((row, i) => row.forEach((h, j) => expect(Math.abs(h - fd[i]![j]!)).toBeLessThan(1e-6)));
    expect(H[0]![0]).toBe(2); // max took x_0 here; at the recorded point it took x_1
    expect(c.sparseHessian(falling).colors).toBeLessThan(n);
  });
});

test('jacobian: when both ways compute as many entries, the fewer sweeps win (1 input, 200 outputs: one tangent sweep, not 200 backward sweeps)', () => {
  const f = (x: Value[]) => Array.from({ length: 200 }, (_, i) => sin(mul(1 + i / 100, x[0]!)));
  const flat = record(f, [0.3]).flat();
  const cost = jacobianCost(flat, Array.from(flat.outputs));
  expect(cost).toMatchObject({ forward: 400, reverse: 400, exact: true });
  expect(forwardIsCheaper(cost, 1, 200, flat.length)).toBe(true);
  expect(forwardIsCheaper(jacobianCost(record((x: Value[]) => [mul(x[0]!, x[1]!)], [1, 2]).flat(), [2]), 2, 1, 3)).toBe(false);
  const J = compile(f, [0.3]).jacobian([0.4]);
  J.forEach((row, i) => expect(row[0]).toBe((1 + i / 100) * Math.cos((1 + i / 100) * 0.4)));
});
