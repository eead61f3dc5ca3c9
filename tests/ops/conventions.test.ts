// The README's table of values at singular and non-differentiable points, point by point, in both modes.
import {
  abs, acosh, atan, atan2, cbrt, ceil, exp, expm1, floor, hypot, log2, max, min, mul, pow, relu, round, sigmoid, sign,
  sin, sqrt, sub, tanh, add, derivative, jacfwd, jacrev, jvp, grad, vjp, type Value,
} from '../../src/index';
import { engines } from '../helpers/engines';

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

// The same table through every engine that sweeps a list: the list's own sweep and each of
// compile's backends, recorded a little away from the point and replayed there, so the
// evaluate sweep runs too. The gradient comes from the backward sweep, and J's columns from
// the tangent sweep where the engine has one.
describe.each(engines)('engine: $name', (engine) => {
  test.each([...conventions, ...accurate].map((c) => [c.what, c] as const))('%s', (_, { f, at, gradient }) => {
    const recordedAt = at.map((v) => v + 0.375);
    expectClose(engine.vjp(f, recordedAt, at, 1).adjoints, gradient);
    if (engine.jvp === undefined) return;
    const columns = at.map((_, j) => engine.jvp!(f, recordedAt, at, at.map((_, k) => (k === j ? 1 : 0)))[0]!);
    expectClose(columns, gradient);
  });
  test.each([
    // An exactly-zero partial meets an infinite adjoint: floor'(0.5) = 0, √' at floor(0.5) = 0 is ∞.
    ['√⌊x⌋ at 0.5: 0 (compile gave NaN before the one engine)', (x: Value[]) => sqrt(floor(x[0]!)), [0.5], [0]],
    // An exactly-zero partial meets an infinite tangent: √'(0) = ∞, floor' = 0.
    ['⌊√x⌋ at 0: 0', (x: Value[]) => floor(sqrt(x[0]!)), [0], [0]],
    ['√x · sin(y) at (0, 0)', (x: Value[]) => mul(sqrt(x[0]!), sin(x[1]!)), [0, 0], [0, 0]],
    ['√x · 0 at 0', (x: Value[]) => mul(sqrt(x[0]!), 0), [0], [0]],
    ['atan(log2 x) at 0', (x: Value[]) => atan(log2(x[0]!)), [0], [0]],
    ['x · y at (∞, 0)', (x: Value[]) => mul(x[0]!, x[1]!), [Infinity, 0], [0, Infinity]],
    ['relu at NaN: 0', (x: Value[]) => relu(x[0]!), [NaN], [0]],
    ['sin at NaN: NaN', (x: Value[]) => sin(x[0]!), [NaN], [NaN]],
  ] as [string, (x: Value[]) => Value, number[], number[]][])('zero partials and IEEE values: %s', (_, f, at, gradient) => {
    expectClose(engine.vjp(f, at, at, 1).adjoints, gradient);
    if (engine.jvp === undefined) return;
    expectClose(at.map((_, j) => engine.jvp!(f, at, at, at.map((_, k) => (k === j ? 1 : 0)))[0]!), gradient);
  });
  test('known asymmetry, the same in every engine: cbrt(x − x) at 0 is NaN backward, 0 by tangents', () => {
    const f = (x: Value[]) => cbrt(sub(x[0]!, x[0]!));
    expect(engine.vjp(f, [0], [0], 1).adjoints).toEqual([NaN]);
    if (engine.jvp !== undefined) expect(engine.jvp(f, [0], [0], [1])).toEqual([0]);
  });
});

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    const ok = a === e || Math.abs(a - e) <= 1e-13 * Math.abs(e) || (Number.isNaN(a) && Number.isNaN(e));
    if (!ok) throw new Error(`component ${i}: expected ${e}, got ${a}`);
  });
}

// ----- second order: the same conventions, differentiated again, in every nesting of the two modes -----
type Scalar = (x: Value) => Value;
const nestings: [string, (f: Scalar, x: number) => number][] = [
  ['forward over forward', (f, x) => derivative((y: Value) => derivative(f)(y) as Value)(x) as number],
  ['forward over reverse', (f, x) => derivative((y: Value) => grad((z: Value[]) => f(z[0]!))([y])[0]!)(x) as number],
  ['reverse over forward', (f, x) => grad((y: Value[]) => derivative(f)(y[0]!) as Value)([x])[0]!],
  ['reverse over reverse', (f, x) => grad((y: Value[]) => grad((z: Value[]) => f(z[0]!))([y[0]!])[0]!)([x])[0]!],
];
interface SecondOrder {
  what: string;
  f: Scalar;
  at: number;
  second: number;
}
const secondOrder: SecondOrder[] = [
  // JAX: _abs_jvp_rule is select(x >= 0, g, -g) (lax.py), so d|x|/dx(0) = 1 and, the select
  // being piecewise constant, d²|x|/dx²(0) = 0. PyTorch: abs backward is grad * self.sgn()
  // (derivatives.yaml), 0 at 0, and sgn's derivative is 0. All three give 0 here.
  { what: 'd²|x|/dx² at 0 is 0 (JAX, PyTorch: 0)', f: (x) => abs(x), at: 0, second: 0 },
  // JAX: relu.defjvps(select(x > 0, g, 0)) (jax/_src/nn/functions.py); PyTorch:
  // threshold_backward(grad, result, 0); both piecewise constant, so relu'' = 0.
  { what: "relu''(0) = 0 (JAX, PyTorch: 0)", f: (x) => relu(x), at: 0, second: 0 },
  // JAX's max_p jvp uses _balanced_eq (½ to each side at a tie, lax.py); PyTorch's
  // maximum backward is where(self == other, grad / 2, grad) (derivatives.yaml): the same ½,
  // and the ½ is a constant, so the second derivative at the tie is 0.
  { what: 'max(x, 2) at the tie x = 2: second derivative 0', f: (x) => max(x, 2), at: 2, second: 0 },
  { what: 'min(x, x²) at the tie x = 1: ½·0 + ½·2 = 1', f: (x) => min(x, mul(x, x)), at: 1, second: 1 },
  { what: 'd²√x/dx² at 0 is −∞ (the one-sided limit)', f: (x) => sqrt(x), at: 0, second: -Infinity },
  { what: 'd² acosh(x)/dx² at 1 is −∞ (the one-sided limit; reverse mode gave NaN before zero partials were skipped)', f: (x) => acosh(x), at: 1, second: -Infinity },
  // −2/(9 x^(5/3)) has no limit at 0 (+∞ from the left, −∞ from the right). The rule
  // 1/(3y²) differentiates y² as 2y·y' = 0·∞, and a zero partial contributes 0 in both
  // modes, so every nesting gives 0 (all four gave NaN before that convention).
  { what: 'd²∛x/dx² at 0 is 0 (no two-sided limit; the zero-partial convention)', f: (x) => cbrt(x), at: 0, second: 0 },
  { what: 'd²(x²)/dx² at 0 is 2 (pow with p = 2)', f: (x) => pow(x, 2), at: 0, second: 2 },
  { what: 'd²(x¹)/dx² at 0 is 0 (pow with p = 1: the x^0 inside has derivative 0 at 0)', f: (x) => pow(x, 1), at: 0, second: 0 },
  { what: 'd²(x⁰)/dx² at 0 is 0', f: (x) => pow(x, 0), at: 0, second: 0 },
  { what: 'd²(x^0.5)/dx² at 0 is −∞, as for sqrt', f: (x) => pow(x, 0.5), at: 0, second: -Infinity },
  { what: 'd²(0^y)/dy² at y = 2 is 0 (d/dy is 0 at x = 0 for every y)', f: (y) => pow(0, y), at: 2, second: 0 },
  { what: 'hypot(x, 0) at the origin: second derivative 0', f: (x) => hypot(x, 0), at: 0, second: 0 },
  { what: 'atan2(x, 0) at the origin: second derivative 0', f: (x) => atan2(x, 0), at: 0, second: 0 },
  { what: 'sign, floor: second derivative 0 at their jumps', f: (x) => add(sign(x), floor(add(x, 1))), at: 0, second: 0 },
];
describe.each(secondOrder)('$what', ({ f, at, second }) => {
  test.each(nestings)('%s', (_, d2) => {
    expectClose([d2(f, at)], [second]);
  });
});

// The same second derivatives by every compiled engine's Hessian (a second-order sweep over
// the list, recorded at the point), and the list's Hessian of the pow case below.
describe.each(engines.filter((e) => e.hessian !== undefined))('second order, engine: $name', (engine) => {
  test.each(secondOrder.map((c) => [c.what, c] as const))('%s', (_, { f, at, second }) => {
    expectClose(engine.hessian!((x) => f(x[0]!), [at], [at])[0]!, [second]);
  });
  test('the Hessian of x^y at (0, 1): [[0, 1], [0, 0]]', () => {
    const H = engine.hessian!((x) => pow(x[0]!, x[1]!), [0, 1], [0, 1]);
    expectClose(H.flat(), [0, 1, 0, 0]);
  });
  test.each([
    // Each term of the adjoint tangent is skipped on its own zero factor, as first-order terms are.
    ['√⌊x⌋ at 0.5: 0 (a zero partial meets infinite adjoints)', (x: Value[]) => sqrt(floor(x[0]!)), [0.5], [0]],
    ['⌊√x⌋ at 0: 0', (x: Value[]) => floor(sqrt(x[0]!)), [0], [0]],
    ['√x · 0 at 0', (x: Value[]) => mul(sqrt(x[0]!), 0), [0], [0]],
    ['√x + y² at (0, 1): ∂²/∂x² = −∞, the rest exact', (x: Value[]) => add(sqrt(x[0]!), mul(x[1]!, x[1]!)), [0, 1], [-Infinity, 0, 0, 2]],
    ['x · y at (∞, 0): mixed partials 1', (x: Value[]) => mul(x[0]!, x[1]!), [Infinity, 0], [0, 1, 1, 0]],
  ] as [string, (x: Value[]) => Value, number[], number[]][])('zero partials and IEEE values: %s', (_, f, at, hessian) => {
    expectClose(engine.hessian!(f, at, at).flat(), hessian);
  });
});

// The mixed partials of x^y at x = 0 are not symmetric: d/dy of ∂/∂x = x^(y-1)(1 + y ln x) has
// no limit there, and the convention d(x^y)/dy = 0 at x = 0 makes one order 0. Every mode
// pair gives the same matrix, which is what is checked.
test('the Hessian of x^y at (0, 1) is the same in every mode pair: [[0, 1], [0, 0]]', () => {
  const f = (x: Value[]) => pow(x[0]!, x[1]!);
  const expected = [[0, 1], [0, 0]];
  expect(jacfwd((x: Value[]) => grad(f)(x))([0, 1])).toEqual(expected);
  expect(jacrev((x: Value[]) => grad(f)(x))([0, 1])).toEqual(expected);
  expect(jacfwd((x: Value[]) => jacfwd(f)(x)[0]!)([0, 1])).toEqual(expected);
  expect(jacrev((x: Value[]) => jacfwd(f)(x)[0]!)([0, 1])).toEqual(expected);
});

describe('a zero partial contributes 0, also against an infinite tangent or adjoint, in both modes', () => {
  test.each([
    // d/dx [√x · sin y] at (0, 0): forward mode gave NaN (∞ · 0), reverse mode 0
    ['√x · sin(y) at (0, 0)', (x: Value[]) => mul(sqrt(x[0]!), sin(x[1]!)), [0, 0], [0, 0]],
    ['√x · 0 at 0', (x: Value[]) => mul(sqrt(x[0]!), 0), [0], [0]],
    ['atan(log2 x) at 0', (x: Value[]) => atan(log2(x[0]!)), [0], [0]],
  ] as [string, (x: Value[]) => Value, number[], number[]][])('%s', (_, f, at, gradient) => {
    expectClose(jacfwd(f)(at)[0]!, gradient);
    expectClose(jacrev(f)(at)[0]!, gradient);
  });
  // The limit differs in order: forward sums the tangents 1 − 1 = 0 before ∛'s infinite
  // partial meets them; reverse multiplies the adjoint by ∞ first, then adds ∞ − ∞ = NaN.
  test('known asymmetry: cbrt(x − x) at 0 gives 0 forward and NaN reverse; √x − √x the other way round', () => {
    const f = (x: Value[]) => cbrt(sub(x[0]!, x[0]!));
    expect(jacfwd(f)([0])).toEqual([[0]]);
    expect(jacrev(f)([0])).toEqual([[NaN]]);
    const g = (x: Value[]) => {
      const r = sqrt(x[0]!);
      return sub(r, r);
    };
    expect(jacfwd(g)([0])).toEqual([[NaN]]);
    expect(jacrev(g)([0])).toEqual([[0]]);
  });
});

describe('NaN and ±Infinity inputs propagate as IEEE arithmetic says, in both modes', () => {
  test('relu(NaN) is NaN, as Math.max(NaN, 0) (it was 0)', () => {
    expect(relu(NaN)).toBeNaN();
    expect(jvp((x) => relu(x[0]!), [NaN], [1])[0]).toBeNaN();
    expect(vjp((x) => relu(x[0]!), [NaN])[0]).toBeNaN();
  });
  // JAX's relu rule select(x > 0, g, 0) also gives 0 at NaN; PyTorch's
  // threshold_backward(grad, result, 0) zeroes only where result <= 0, so it passes 1.
  test("relu'(NaN) is 0, as JAX (PyTorch passes the gradient: 1)", () => {
    expect(grad((x) => relu(x[0]!))([NaN])).toEqual([0]);
    expect(jacfwd((x) => relu(x[0]!))([NaN])).toEqual([[0]]);
  });
  test.each([
    ['sin at NaN', (x: Value[]) => sin(x[0]!), [NaN], [NaN]],
    ['exp at −∞: value 0, derivative 0', (x: Value[]) => exp(x[0]!), [-Infinity], [0]],
    ['atan at +∞: derivative 0', (x: Value[]) => atan(x[0]!), [Infinity], [0]],
    ['x · y at (∞, 0): ∂/∂x = 0, ∂/∂y = ∞', (x: Value[]) => mul(x[0]!, x[1]!), [Infinity, 0], [0, Infinity]],
    ['abs at NaN: NaN (sign(NaN) is NaN)', (x: Value[]) => abs(x[0]!), [NaN], [NaN]],
  ] as [string, (x: Value[]) => Value, number[], number[]][])('%s', (_, f, at, gradient) => {
    expectClose(jacfwd(f)(at)[0]!, gradient);
    expectClose(grad(f)(at), gradient);
  });
});
