// The README's table of values at singular and non-differentiable points, point by point, in both modes.
import {
  abs, acosh, atan2, cbrt, ceil, expm1, floor, hypot, max, min, pow, relu, round, sigmoid, sign, sqrt, tanh, add,
  jacfwd, jacrev, grad, type Value,
} from '../../src/index';

interface Convention {
  what: string;
  f: (x: Value[]) => Value;
  at: number[];
  gradient: number[];
}

const conventions: Convention[] = [
  { what: "d|x|/dx at 0 is 0 (PyTorch, TensorFlow: 0; JAX: 1)", f: (x) => abs(x[0]!), at: [0], gradient: [0] },
  { what: "relu'(0) = 0", f: (x) => relu(x[0]!), at: [0], gradient: [0] },
  { what: 'd sqrt(x)/dx at 0 is +Infinity', f: (x) => sqrt(x[0]!), at: [0], gradient: [Infinity] },
  { what: 'd cbrt(x)/dx at 0 is +Infinity', f: (x) => cbrt(x[0]!), at: [0], gradient: [Infinity] },
  { what: 'd acosh(x)/dx at 1 is +Infinity', f: (x) => acosh(x[0]!), at: [1], gradient: [Infinity] },
  { what: 'd(x^y)/dx is 0 where y = 0, also at x = 0', f: (x) => pow(x[0]!, x[1]!), at: [0, 0], gradient: [0, 0] },
  { what: 'd(x^y)/dx is 0 where y = 0 (x = 3)', f: (x) => pow(x[0]!, x[1]!), at: [3, 0], gradient: [0, Math.log(3)] },
  { what: 'd(x^y)/dy at x = 0, y > 0 is 0', f: (x) => pow(x[0]!, x[1]!), at: [0, 2], gradient: [0, 0] },
  { what: 'd(x^y)/dy at x = 0 is 0 for every y (as JAX)', f: (x) => pow(x[0]!, x[1]!), at: [0, -1], gradient: [-Infinity, 0] },
  { what: 'd(x^y)/dx at x = 0, 0 < y < 1 is +Infinity', f: (x) => pow(x[0]!, x[1]!), at: [0, 0.5], gradient: [Infinity, 0] },
  { what: 'min ties split the derivative evenly (as JAX)', f: (x) => min(x[0]!, x[1]!), at: [2, 2], gradient: [0.5, 0.5] },
  { what: 'max ties split the derivative evenly (as JAX)', f: (x) => max(x[0]!, x[1]!), at: [2, 2], gradient: [0.5, 0.5] },
  { what: 'sign has derivative 0, also at its jump', f: (x) => sign(x[0]!), at: [0], gradient: [0] },
  { what: 'floor has derivative 0, also at its jump', f: (x) => floor(x[0]!), at: [1], gradient: [0] },
  { what: 'ceil has derivative 0, also at its jump', f: (x) => ceil(x[0]!), at: [1], gradient: [0] },
  { what: 'round has derivative 0, also at its jump', f: (x) => round(x[0]!), at: [0.5], gradient: [0] },
  { what: 'hypot at the origin has partials 0 (minimum norm, as |x|)', f: (x) => hypot(x[0]!, x[1]!), at: [0, 0], gradient: [0, 0] },
  { what: 'atan2 at the origin has partials 0', f: (x) => atan2(x[0]!, x[1]!), at: [0, 0], gradient: [0, 0] },
  { what: 'a zero tangent or adjoint never meets an infinite partial (no 0·∞ = NaN)', f: (x) => add(sqrt(x[0]!), x[1]!), at: [0, 1], gradient: [Infinity, 1] },
];

// Accuracy: these are where a careless rule cancels to 0 or overflows.
const accurate: Convention[] = [
  { what: "expm1'(-40) = e^-40, not 0", f: (x) => expm1(x[0]!), at: [-40], gradient: [4.248354255291589e-18] },
  { what: "tanh'(20) = sech²(20), not 0", f: (x) => tanh(x[0]!), at: [20], gradient: [4 / (Math.exp(20) + Math.exp(-20)) ** 2] },
  { what: "sigmoid'(40) = σ(40)σ(-40), not 0", f: (x) => sigmoid(x[0]!), at: [40], gradient: [Math.exp(-40) / (1 + Math.exp(-40)) ** 2] },
];

describe.each([...conventions, ...accurate])('$what', ({ f, at, gradient }) => {
  test('reverse mode (grad, jacrev)', () => {
    expectClose(grad(f)(at), gradient);
    expectClose(jacrev(f)(at)[0]!, gradient);
  });
  test('forward mode (jacfwd)', () => {
    expectClose(jacfwd(f)(at)[0]!, gradient);
  });
});

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    const ok = a === e || Math.abs(a - e) <= 1e-13 * Math.abs(e);
    if (!ok) throw new Error(`component ${i}: expected ${e}, got ${a}`);
  });
}
