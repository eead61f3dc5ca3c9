// Every transformation accepts AD values, so any of them can be differentiated again, in both modes.
import {
  derivative, grad, hessian, hvp, jacfwd, jacobian, jacobianColumn, jacobianRow, jacrev, jvp, taylor, valueAndGrad,
  valueGradHessian, vjp, mul, sin, exp, add, primal, type Value,
} from '../../src/index';
import { relErr } from '../helpers/numeric';

// f: R^2 -> R^2, smooth, with nonzero third derivatives.
const f = (x: Value[]): Value[] => [mul(sin(x[0]!), exp(x[1]!)), mul(x[0]!, mul(x[1]!, x[1]!))];
const f0 = (x: Value[]): Value => f(x)[0]!;
const u = [0.3, -0.8];

/** Each transformation's result collapsed to one scalar, as a function of the point. */
const transformations: [string, (x: Value[]) => Value][] = [
  ['derivative', (x) => derivative((t: Value) => f0([t, x[1]!]))(x[0]!)],
  ['jvp', (x) => jvp(f, x, u)[1][1]!],
  ['vjp', (x) => vjp(f, x)[1](u)[0]!],
  ['grad', (x) => grad(f0)(x)[1]!],
  ['valueAndGrad', (x) => add(valueAndGrad(f0)(x)[0], valueAndGrad(f0)(x)[1][0]!)],
  ['jacobianColumn', (x) => jacobianColumn(f, x, 1)[0]!],
  ['jacobianRow', (x) => jacobianRow(f, x, 1)[0]!],
  ['jacfwd', (x) => jacfwd(f)(x)[0]![1]!],
  ['jacrev', (x) => jacrev(f)(x)[1]![1]!],
  ['jacobian auto', (x) => jacobian(f, x)[0]![0]!],
  ['jacobian reverse', (x) => jacobian(f, x, { mode: 'reverse' })[0]![0]!],
  ['hessian', (x) => hessian(f0)(x)[0]![1]!],
  ['hvp', (x) => hvp(f0, x, u)[0]!],
  ['valueGradHessian', (x) => valueGradHessian(f0)(x).hessian[1]![1]!],
  ['taylor', (x) => taylor(f0, x, u, 3)[3]!],
];

const x0 = [0.7, -0.4];

describe.each(transformations)('%s accepts AD values', (_, T) => {
  const plain = (x: number[]) => primal(T(x));
  const fd = x0.map((_, j) => {
    const h = 1e-5;
    const p = x0.slice();
    const m = x0.slice();
    p[j]! += h;
    m[j]! -= h;
    return (plain(p) - plain(m)) / (2 * h);
  });
  test('grad of it (reverse over it) matches finite differences', () => {
    grad(T)(x0).forEach((g, j) => expect(relErr(g, fd[j]!)).toBeLessThan(1e-7));
  });
  test('jacfwd of it (forward over it) matches grad of it', () => {
    const forward = jacfwd(T)(x0)[0]!;
    grad(T)(x0).forEach((g, j) => expect(relErr(forward[j]!, g)).toBeLessThan(1e-12));
  });
});
