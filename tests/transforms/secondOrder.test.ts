// hessian, hvp and valueGradHessian against analytic Hessians and finite differences of grad.
import {
  add, grad, hessian, hvp, jacfwd, mul, square, sub, valueGradHessian, workedExample, sin, exp, type Value,
} from '../../src/index';
import { centralDiffJacobian, relErr } from '../helpers/numeric';

const rosenbrock = (x: Value[]): Value => {
  let s: Value = 0;
  for (let i = 0; i + 1 < x.length; i++) s = add(s, add(mul(100, square(sub(x[i + 1]!, square(x[i]!)))), square(sub(1, x[i]!))));
  return s;
};
function rosenbrockHessian(x: number[]): number[][] {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i + 1 < n; i++) {
    H[i]![i]! += 1200 * x[i]! ** 2 - 400 * x[i + 1]! + 2;
    H[i]![i + 1]! -= 400 * x[i]!;
    H[i + 1]![i]! -= 400 * x[i]!;
    H[i + 1]![i + 1]! += 200;
  }
  return H;
}
// A quadratic form ½ xᵀAx + bᵀx has Hessian A (symmetrised).
const A = [
  [4, 1, -2],
  [1, 3, 0.5],
  [-2, 0.5, 5],
];
const quadratic = (x: Value[]): Value => {
  let s: Value = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) s = add(s, mul(0.5 * A[i]![j]!, mul(x[i]!, x[j]!)));
    s = add(s, mul(i + 1, x[i]!));
  }
  return s;
};

function expectMatrixClose(actual: number[][], expected: number[][], tol: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) =>
    row.forEach((v, j) => {
      if (!(relErr(v, expected[i]![j]!) < tol)) throw new Error(`[${i}][${j}]: ${v} vs ${expected[i]![j]}`);
    }),
  );
}

describe.each([
  ['Rosenbrock n = 6', rosenbrock, [-1.2, 1, 0.3, -0.5, 2, 0.9], rosenbrockHessian([-1.2, 1, 0.3, -0.5, 2, 0.9])],
  ['a quadratic form', quadratic, [0.3, -1, 2], A],
  ['the worked example', workedExample, [2, 5], [[-0.25, 1], [1, Math.sin(5)]]],
] as const)('%s', (_, f, x, H) => {
  const point = [...x];
  const expected = H.map((r) => [...r]);
  test('hessian equals the analytic Hessian (1e-10 relative) and is symmetric', () => {
    const h = hessian(f)(point);
    expectMatrixClose(h, expected, 1e-10);
    h.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(h[j]![i])));
  });
  test('hessian equals finite differences of grad', () => {
    expectMatrixClose(hessian(f)(point), centralDiffJacobian((p) => grad(f)(p), point), 1e-6);
  });
  test('hvp equals hessian · v', () => {
    const v = point.map((_, i) => Math.cos(i + 1));
    const Hv = expected.map((row) => row.reduce((s, h, j) => s + h * v[j]!, 0));
    hvp(f, point, v).forEach((value, i) => expect(relErr(value, Hv[i]!)).toBeLessThan(1e-10));
  });
  test('valueGradHessian gives all three from one recording', () => {
    let calls = 0;
    const counted = (xs: Value[]) => {
      calls++;
      return f(xs);
    };
    const { value, gradient, hessian: h } = valueGradHessian(counted)(point);
    expect(calls).toBe(1);
    expect(value).toBe(f(point) as number);
    expect(gradient).toEqual(grad(f)(point));
    expectMatrixClose(h, expected, 1e-10);
  });
});

test('hessian records f once and sweeps n times (forward-over-reverse)', () => {
  let calls = 0;
  hessian((x: Value[]) => {
    calls++;
    return rosenbrock(x);
  })([1, 2, 3, 4]);
  expect(calls).toBe(1);
});

test("Newton's method with valueGradHessian converges on Rosenbrock", () => {
  let x = [-1.2, 1];
  for (let k = 0; k < 25; k++) {
    const { gradient: g, hessian: H } = valueGradHessian(rosenbrock)(x);
    const [[a, b], [c, d]] = H as [[number, number], [number, number]];
    const det = a * d - b * c;
    x = [x[0]! - (d * g[0]! - b * g[1]!) / det, x[1]! - (a * g[1]! - c * g[0]!) / det];
  }
  expect(x[0]).toBeCloseTo(1, 12);
  expect(x[1]).toBeCloseTo(1, 12);
});

test('second-order transformations nest: third derivatives from hessian and hvp', () => {
  const f = (x: Value[]) => mul(sin(x[0]!), exp(x[1]!));
  const x = [0.4, -0.3];
  // d/dx0 of H[0][0] = d³f/dx0³ = -cos(x0) e^x1; d/dx1 of it = -sin(x0) e^x1
  const g = grad((p: Value[]) => hessian(f)(p)[0]![0]!)(x);
  expect(relErr(g[0]!, -Math.cos(0.4) * Math.exp(-0.3))).toBeLessThan(1e-13);
  expect(relErr(g[1]!, -Math.sin(0.4) * Math.exp(-0.3))).toBeLessThan(1e-13);
  const J = jacfwd((p: Value[]) => hvp(f, p, [1, 0]))(x);
  expect(relErr(J[0]![0]!, -Math.cos(0.4) * Math.exp(-0.3))).toBeLessThan(1e-13);
  // d/dx1 of H[1][0] = d/dx1 (cos x0 e^x1) = cos x0 e^x1
  expect(relErr(J[1]![1]!, Math.cos(0.4) * Math.exp(-0.3))).toBeLessThan(1e-13);
});

test('bad input to the second-order functions', () => {
  expect(() => hessian((x: Value[]) => [x[0]!] as never)([1])).toThrow(/hessian: f must return a single number/);
  expect(() => hvp(rosenbrock, [1, 2], [1])).toThrow(/hvp: v must have length 2, got length 1/);
  expect(() => valueGradHessian(3 as never)).toThrow(/valueGradHessian: f must be a function/);
});

test('chunked hessian sweeps equal one-direction sweeps, bit for bit', () => {
  const x = Array.from({ length: 11 }, (_, i) => Math.sin(i));
  const one = hessian(rosenbrock, { chunkSize: 1 })(x);
  for (const chunkSize of [2, 4, 11, 32]) expect(hessian(rosenbrock, { chunkSize })(x)).toEqual(one);
  expect(hessian(rosenbrock)(x)).toEqual(one);
  expect(valueGradHessian(rosenbrock, { chunkSize: 3 })(x).hessian).toEqual(one);
  expect(() => hessian(rosenbrock, { chunkSize: -1 })).toThrow(/hessian: options.chunkSize must be a positive integer/);
});
