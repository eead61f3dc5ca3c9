// Every public transformation on the worked example, a scalar f and a vector f, in both modes.
import {
  chooseJacobianMode, derivative, grad, jacfwd, jacobian, jacobianColumn, jacobianRow, jacrev, jvp, record,
  valueAndGrad, vjp, mul, sin, cos, exp, add, sub, square, primal, neg, type Value,
} from '../src/index';
import { GRADIENT, workedExample, workedExampleInline, X0, Y0 } from './workedExample';
import { centralDiffJacobian, relErr } from './helpers/numeric';

const close = (a: number, b: number, tol = 1e-12) => expect(relErr(a, b)).toBeLessThan(tol);
const closeAll = (a: number[], b: number[], tol = 1e-12) => {
  expect(a).toHaveLength(b.length);
  a.forEach((v, i) => close(v, b[i]!, tol));
};

describe.each([
  ['step by step', workedExample],
  ['inline', workedExampleInline],
])('the worked example (%s) gives dy/dx1 = 5.5 and dy/dx2 = 2 - cos 5 in every API', (_, f) => {
  test('grad and valueAndGrad', () => {
    expect(grad(f)(X0)).toEqual(GRADIENT);
    const [y, g] = valueAndGrad(f)(X0);
    close(y, Y0);
    expect(g).toEqual(GRADIENT);
  });
  test('jvp with each unit seed, and any direction', () => {
    const [y, yDot] = jvp(f, X0, [1, 0]);
    close(y, Y0);
    expect(yDot).toBe(5.5);
    expect(jvp(f, X0, [0, 1])[1]).toBe(GRADIENT[1]);
    close(jvp(f, X0, [2, -3])[1], 2 * 5.5 - 3 * GRADIENT[1]!);
  });
  test('vjp: the pullback can be called many times', () => {
    const [y, pullback] = vjp(f, X0);
    close(y, Y0);
    expect(pullback(1)).toEqual(GRADIENT);
    expect(pullback(2)).toEqual(GRADIENT.map((g) => 2 * g));
    expect(pullback(1)).toEqual(GRADIENT);
  });
  test('Jacobian column, row and full, in both modes and auto', () => {
    expect(jacobianColumn(f, X0, 0)).toEqual([5.5]);
    expect(jacobianColumn(f, X0, 1)).toEqual([GRADIENT[1]]);
    expect(jacobianRow(f, X0, 0)).toEqual(GRADIENT);
    expect(jacfwd(f)(X0)).toEqual([GRADIENT]);
    expect(jacrev(f)(X0)).toEqual([GRADIENT]);
    for (const mode of ['auto', 'forward', 'reverse'] as const) expect(jacobian(f, X0, { mode })).toEqual([GRADIENT]);
  });
  test('record: the Wengert list, swept backward and replayed', () => {
    const tape = record(f, X0);
    expect(tape.length).toBe(7);
    expect(tape.output).toBeCloseTo(Y0, 12);
    expect(tape.backward(1)).toEqual(GRADIENT);
    const y2 = tape.replay([3, 1]);
    close(y2 as number, Math.log(3) + 3 - Math.sin(1));
    closeAll(tape.backward(1), [1 / 3 + 1, 3 - Math.cos(1)]);
    tape.replay(X0);
    expect(tape.backward(1)).toEqual(GRADIENT);
  });
});

test('the Wengert list of the step-by-step example has the seed notes rows in order', () => {
  const tape = record(workedExample, X0);
  expect(tape.entries.map((e) => [e.op, e.args])).toEqual([
    ['input', []],
    ['input', []],
    ['log', [{ entry: 0 }]],
    ['mul', [{ entry: 0 }, { entry: 1 }]],
    ['sin', [{ entry: 1 }]],
    ['add', [{ entry: 2 }, { entry: 3 }]],
    ['sub', [{ entry: 5 }, { entry: 4 }]],
  ]);
  expect(tape.entries.map((e) => Number(e.value.toFixed(3)))).toEqual([2, 5, 0.693, 10, -0.959, 10.693, 11.652]);
  // The adjoint sweep in order, with the accumulation on x1 and x2 (two paths each).
  const updates: [number, number, number, boolean][] = [];
  tape.adjoints(1, (u) => updates.push([u.from, u.to, Number(u.adjoint.toFixed(3)), u.accumulated]));
  expect(updates).toEqual([
    [6, 5, 1, false],
    [6, 4, -1, false],
    [5, 2, 1, false],
    [5, 3, 1, false],
    [4, 1, -0.284, false],
    [3, 0, 5, false],
    [3, 1, 1.716, true],
    [2, 0, 5.5, true],
  ]);
});

describe('a vector-valued f: R^2 -> R^3', () => {
  const f = (x: Value[]) => [mul(x[0]!, x[1]!), sin(x[0]!), exp(sub(x[1]!, x[0]!))];
  const plain = (x: number[]) => [x[0]! * x[1]!, Math.sin(x[0]!), Math.exp(x[1]! - x[0]!)];
  const x = [0.7, -1.2];
  const J = [
    [x[1]!, x[0]!],
    [Math.cos(x[0]!), 0],
    [-Math.exp(x[1]! - x[0]!), Math.exp(x[1]! - x[0]!)],
  ];
  test('jacfwd, jacrev and jacobian all agree with the analytic Jacobian and with finite differences', () => {
    for (const M of [jacfwd(f)(x), jacrev(f)(x), jacobian(f, x), jacobian(f, x, { mode: 'reverse' })]) {
      expect(M).toHaveLength(3);
      M.forEach((row, i) => closeAll(row, J[i]!));
    }
    centralDiffJacobian(plain, x).forEach((row, i) => closeAll(row, J[i]!, 1e-8));
  });
  test('columns and rows', () => {
    closeAll(jacobianColumn(f, x, 1), J.map((r) => r[1]!));
    closeAll(jacobianRow(f, x, 2), J[2]!);
  });
  test('jvp and vjp return arrays shaped like f', () => {
    const [y, yDot] = jvp(f, x, [1, 1]);
    closeAll(y, plain(x));
    closeAll(yDot, J.map((r) => r[0]! + r[1]!));
    const [y2, pullback] = vjp(f, x);
    closeAll(y2, plain(x));
    closeAll(pullback([1, 0, 2]), [J[0]![0]! + 2 * J[2]![0]!, J[0]![1]! + 2 * J[2]![1]!]);
  });
  test('the inner-product identity <u, J v> = <uᵀJ, v> links the two modes', () => {
    const u = [0.3, -2, 1.1];
    const v = [1.7, 0.4];
    const Jv = jvp(f, x, v)[1];
    const uJ = vjp(f, x)[1](u);
    close(u.reduce((s, ui, i) => s + ui * Jv[i]!, 0), uJ.reduce((s, w, j) => s + w * v[j]!, 0));
  });
});

describe('jacobian auto picks the cheaper mode (tests/transforms/jacobianMode.test.ts has the cost model)', () => {
  test('chooseJacobianMode', () => {
    expect(chooseJacobianMode(1, 3)).toBe('forward');
    expect(chooseJacobianMode(2, 100)).toBe('forward');
    expect(chooseJacobianMode(50, 50)).toBe('reverse');
    expect(chooseJacobianMode(4, 3)).toBe('reverse');
  });
  test('counting the evaluations of f shows which mode ran', () => {
    let calls = 0;
    const wide = (x: Value[]) => {
      calls++;
      return x.reduce((s: Value, xi) => add(s, square(xi)), 0);
    };
    calls = 0;
    jacobian(wide, [1, 2, 3, 4]);
    expect(calls).toBe(2); // one to learn m, one recording: reverse
    calls = 0;
    jacobian(wide, [1, 2, 3, 4], { mode: 'forward', chunkSize: 1 });
    expect(calls).toBe(4); // one pass per input
    calls = 0;
    jacobian(wide, [1, 2, 3, 4], { mode: 'forward' });
    expect(calls).toBe(1); // one chunked pass carries all four tangents
    const tall = (x: Value[]) => {
      calls++;
      return [sin(x[0]!), cos(x[0]!), mul(x[0]!, x[0]!)];
    };
    calls = 0;
    expect(jacobian(tall, [0.5])).toEqual(jacrev(tall)([0.5]));
    calls = 0;
    jacobian(tall, [0.5]);
    expect(calls).toBe(2); // one to learn m, one forward pass
  });
});

test('derivative for f: R -> R, and R -> R^m', () => {
  close(derivative((x) => mul(x, sin(x)))(1.3), Math.sin(1.3) + 1.3 * Math.cos(1.3));
  expect(derivative((x) => [square(x), neg(x)])(3)).toEqual([6, -1]);
});

test('constants mix freely with AD values, and primal reads the number inside', () => {
  const f = (x: Value[]) => add(mul(3, x[0]!), sub(10, mul(x[0]!, 2)));
  expect(grad(f)([4])).toEqual([1]);
  expect(jvp(f, [4], [1])).toEqual([14, 1]);
  const branchy = (x: Value[]) => (primal(x[0]!) < 0 ? neg(x[0]!) : x[0]!);
  expect(grad(branchy)([-3])).toEqual([-1]);
  expect(jacfwd(branchy)([3])).toEqual([[1]]);
});

test('a function that ignores an input, or returns a constant or an input, has zero or unit derivatives', () => {
  expect(grad(() => 7)([1, 2])).toEqual([0, 0]);
  expect(grad((x) => x[1]!)([1, 2])).toEqual([0, 1]);
  expect(jacfwd((x) => [x[1]!, 7])([1, 2])).toEqual([
    [0, 1],
    [0, 0],
  ]);
  expect(jacrev((x) => [x[1]!, x[1]!])([1, 2])).toEqual([
    [0, 1],
    [0, 1],
  ]);
});

test('typed arrays are accepted as points', () => {
  expect(grad(workedExample)(new Float64Array(X0))).toEqual(GRADIENT);
});
