// Transformations nest: each level keeps its own perturbations (no perturbation confusion).
import { add, derivative, exp, grad, jacfwd, jacrev, jvp, mul, sin, cos, vjp, Dual, type Value } from '../../src/index';
import { workedExample, X0 } from '../workedExample';

// d/dx [ x * d/dy (x + y) |y=1 ] = 1 at every x; a confused implementation gives 2.
describe.each([-2, 0, 1, 3.5])('the perturbation-confusion test at x = %p', (x0) => {
  const inner = {
    forward: (x: Value) => derivative((y: Value) => add(x, y))(1),
    reverse: (x: Value) => grad((y: Value[]) => add(x, y[0]!))([1])[0]!,
  };
  test.each([
    ['forward over forward', (x: number) => derivative((x: Value) => mul(x, inner.forward(x)))(x)],
    ['forward over reverse', (x: number) => derivative((x: Value) => mul(x, inner.reverse(x)))(x)],
    ['reverse over forward', (x: number) => grad((x: Value[]) => mul(x[0]!, inner.forward(x[0]!)))([x])[0]!],
    ['reverse over reverse', (x: number) => grad((x: Value[]) => mul(x[0]!, inner.reverse(x[0]!)))([x])[0]!],
  ])('%s gives 1', (_, d) => {
    expect(d(x0)).toBe(1);
  });
});

test('third derivatives by triple nesting', () => {
  expect(derivative(derivative(derivative(sin)))(0.7)).toBeCloseTo(-Math.cos(0.7), 14);
  expect(derivative(derivative(derivative(exp)))(0.7)).toBeCloseTo(Math.exp(0.7), 13);
  const g3 = grad((x: Value[]) => grad((y: Value[]) => grad((z: Value[]) => sin(z[0]!))(y)[0]!)(x)[0]!);
  expect(g3([0.7])[0]).toBeCloseTo(-Math.cos(0.7), 14);
});

test('Hessians of the worked example in every mode pair agree with the analytic one', () => {
  const H = [
    [-1 / 4, 1],
    [1, Math.sin(5)],
  ];
  const g = (x: Value[]) => grad(workedExample)(x);
  for (const M of [jacfwd(g)(X0), jacrev(g)(X0), jacfwd((x: Value[]) => jacfwd(workedExample)(x)[0]!)(X0)]) {
    M.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(H[i]![j]!, 14)));
  }
  // jvp of a vjp: a Hessian-vector product
  const Hv = jvp((x: Value[]) => vjp(workedExample, x)[1](1), X0, [1, 2])[1];
  expect(Hv[0]).toBeCloseTo(-0.25 + 2, 14);
  expect(Hv[1]).toBeCloseTo(1 + 2 * Math.sin(5), 14);
});

test('a hand-built Dual is the outermost level: derivative of a derivative at a Dual point', () => {
  const d2 = derivative((x: Value) => mul(x, cos(x)))(new Dual(1, 1)) as Dual;
  expect(d2.value).toBeCloseTo(Math.cos(1) - Math.sin(1), 14);
  expect(d2.tangent).toBeCloseTo(-2 * Math.sin(1) - Math.cos(1), 14);
});
