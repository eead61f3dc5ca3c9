// The op table: every built-in primitive, its value on numbers and its partials, defined once.
//
// Each rule's comment gives the differential it encodes. Partials are written with the
// generic primitives below, so they differentiate again under nesting (d²/dx² for free).
// Rules branch on primal(...) only at points where the function is not differentiable or
// where a closed form would lose accuracy; every such choice is in the README's table of
// conventions and tested point by point.
import { defineOp, sealBuiltins, type Primitive1, type Primitive2 } from './opDef';
import { primal } from './value';

const LN2 = Math.LN2;
const LN10 = Math.LN10;

// ----- arithmetic -----

/** a + b. @example add(2, 3) // 5 */
export const add: Primitive2 = defineOp({
  name: 'add', arity: 2, infix: '+',
  value: (a, b) => a + b,
  // d(a + b) = da + db
  partials: () => [1, 1],
});

/** a - b. @example sub(5, 3) // 2 */
export const sub: Primitive2 = defineOp({
  name: 'sub', arity: 2, infix: '-',
  value: (a, b) => a - b,
  // d(a - b) = da - db
  partials: () => [1, -1],
});

/** a * b. @example mul(2, 3) // 6 */
export const mul: Primitive2 = defineOp({
  name: 'mul', arity: 2, infix: '*',
  value: (a, b) => a * b,
  // d(ab) = b da + a db
  partials: ([a, b]) => [b, a],
});

/** a / b. @example div(6, 3) // 2 */
export const div: Primitive2 = defineOp({
  name: 'div', arity: 2, infix: '/',
  value: (a, b) => a / b,
  // d(a/b) = da/b - (a/b)/b db; written with y = a/b rather than a/b² so that a tiny b does
  // not overflow b² before the division (as ForwardDiff.jl does for its dual division)
  partials: ([, b], y) => [div(1, b), neg(div(y, b))],
});

/** -x. @example neg(2) // -2 */
export const neg: Primitive1 = defineOp({
  name: 'neg', arity: 1,
  value: (x) => -x,
  // d(-x) = -dx
  partials: () => [-1],
});

/**
 * x to the power p. d/dx is 0 wherever p = 0 (also at x = 0, where p·x^(p-1) would be
 * 0·∞ = NaN); d/dp is 0 at x = 0 (where y·ln x would be 0·(-∞) = NaN for p > 0; as JAX).
 * @example pow(2, 10) // 1024
 */
export const pow: Primitive2 = defineOp({
  name: 'pow', arity: 2, infix: '^',
  value: (x, p) => Math.pow(x, p),
  // d(x^p) = p x^(p-1) dx + x^p ln(x) dp
  partials: ([x, p], y) => {
    const xv = primal(x);
    const pv = primal(p);
    // Only at x = 0 does p·x^(p-1) need help; elsewhere it is 0 for p = 0 by itself, and
    // keeping the expression lets a nested derivative see d/dp of it.
    const dx = pv === 0 && xv === 0 ? 0 : mul(p, pow(x, sub(p, 1)));
    const dp = xv === 0 ? 0 : mul(y, log(x));
    return [dx, dp];
  },
});

/** x². @example square(3) // 9 */
export const square: Primitive1 = defineOp({
  name: 'square', arity: 1,
  value: (x) => x * x,
  // d(x²) = 2x dx
  partials: ([x]) => [mul(2, x)],
});

/** Square root; its derivative at 0 is +Infinity. @example sqrt(9) // 3 */
export const sqrt: Primitive1 = defineOp({
  name: 'sqrt', arity: 1,
  value: Math.sqrt,
  // d√x = dx / (2√x)
  partials: (_, y) => [div(0.5, y)],
});

/** Cube root (real, also for negative x); its derivative at 0 is +Infinity. @example cbrt(-8) // -2 */
export const cbrt: Primitive1 = defineOp({
  name: 'cbrt', arity: 1,
  value: Math.cbrt,
  // d∛x = dx / (3 ∛x²)
  partials: (_, y) => [div(1, mul(3, square(y)))],
});

// ----- exponentials and logarithms -----

/** e^x. @example exp(0) // 1 */
export const exp: Primitive1 = defineOp({
  name: 'exp', arity: 1,
  value: Math.exp,
  // d eˣ = eˣ dx
  partials: (_, y) => [y],
});

/** e^x - 1, accurate near 0. @example expm1(1e-10) // 1.00000000005e-10 */
export const expm1: Primitive1 = defineOp({
  name: 'expm1', arity: 1,
  value: Math.expm1,
  // d(eˣ - 1) = eˣ dx; from exp(x), not y + 1, which cancels to 0 for x below about -37
  partials: ([x]) => [exp(x)],
});

/** Natural logarithm. @example log(Math.E) // 1 */
export const log: Primitive1 = defineOp({
  name: 'log', arity: 1,
  value: Math.log,
  // d ln x = dx / x
  partials: ([x]) => [div(1, x)],
});

/** ln(1 + x), accurate near 0. @example log1p(0) // 0 */
export const log1p: Primitive1 = defineOp({
  name: 'log1p', arity: 1,
  value: Math.log1p,
  // d ln(1 + x) = dx / (1 + x)
  partials: ([x]) => [div(1, add(1, x))],
});

/** Base-2 logarithm. @example log2(8) // 3 */
export const log2: Primitive1 = defineOp({
  name: 'log2', arity: 1,
  value: Math.log2,
  // d log₂x = dx / (x ln 2)
  partials: ([x]) => [div(1, mul(x, LN2))],
});

/** Base-10 logarithm. @example log10(1000) // 3 */
export const log10: Primitive1 = defineOp({
  name: 'log10', arity: 1,
  value: Math.log10,
  // d log₁₀x = dx / (x ln 10)
  partials: ([x]) => [div(1, mul(x, LN10))],
});

// ----- trigonometric -----

/** Sine. @example sin(0) // 0 */
export const sin: Primitive1 = defineOp({
  name: 'sin', arity: 1,
  value: Math.sin,
  // d sin x = cos x dx
  partials: ([x]) => [cos(x)],
});

/** Cosine. @example cos(0) // 1 */
export const cos: Primitive1 = defineOp({
  name: 'cos', arity: 1,
  value: Math.cos,
  // d cos x = -sin x dx
  partials: ([x]) => [neg(sin(x))],
});

/** Tangent. @example tan(0) // 0 */
export const tan: Primitive1 = defineOp({
  name: 'tan', arity: 1,
  value: Math.tan,
  // d tan x = (1 + tan²x) dx
  partials: (_, y) => [add(1, square(y))],
});

/** Arcsine. @example asin(1) // π/2 */
export const asin: Primitive1 = defineOp({
  name: 'asin', arity: 1,
  value: Math.asin,
  // d asin x = dx / √(1 - x²); (1 - x)(1 + x) keeps the digits 1 - x² loses near |x| = 1
  partials: ([x]) => [div(1, sqrt(mul(sub(1, x), add(1, x))))],
});

/** Arccosine. @example acos(1) // 0 */
export const acos: Primitive1 = defineOp({
  name: 'acos', arity: 1,
  value: Math.acos,
  // d acos x = -dx / √(1 - x²)
  partials: ([x]) => [neg(div(1, sqrt(mul(sub(1, x), add(1, x)))))],
});

/** Arctangent. @example atan(1) // π/4 */
export const atan: Primitive1 = defineOp({
  name: 'atan', arity: 1,
  value: Math.atan,
  // d atan x = dx / (1 + x²)
  partials: ([x]) => [div(1, add(1, square(x)))],
});

/**
 * Two-argument arctangent atan2(y, x), the angle of the point (x, y). At the origin both
 * partials are 0 (a choice: the function has no limit there).
 * @example atan2(1, 1) // π/4
 */
export const atan2: Primitive2 = defineOp({
  name: 'atan2', arity: 2,
  value: Math.atan2,
  // d atan2(y, x) = (x dy - y dx) / (x² + y²); divided by r twice so that x² + y² cannot overflow
  partials: ([y, x]) => {
    if (primal(y) === 0 && primal(x) === 0) return [0, 0];
    const r = hypot(y, x);
    return [div(div(x, r), r), neg(div(div(y, r), r))];
  },
});

// ----- hyperbolic -----

/** Hyperbolic sine. @example sinh(0) // 0 */
export const sinh: Primitive1 = defineOp({
  name: 'sinh', arity: 1,
  value: Math.sinh,
  // d sinh x = cosh x dx
  partials: ([x]) => [cosh(x)],
});

/** Hyperbolic cosine. @example cosh(0) // 1 */
export const cosh: Primitive1 = defineOp({
  name: 'cosh', arity: 1,
  value: Math.cosh,
  // d cosh x = sinh x dx
  partials: ([x]) => [sinh(x)],
});

/** Hyperbolic tangent. @example tanh(0) // 0 */
export const tanh: Primitive1 = defineOp({
  name: 'tanh', arity: 1,
  value: Math.tanh,
  // d tanh x = sech²x dx; not 1 - tanh²x, which rounds to 0 once tanh x rounds to ±1 (|x| > 19)
  partials: ([x]) => [square(div(1, cosh(x)))],
});

/** Inverse hyperbolic sine. @example asinh(0) // 0 */
export const asinh: Primitive1 = defineOp({
  name: 'asinh', arity: 1,
  value: Math.asinh,
  // d asinh x = dx / √(x² + 1); hypot(x, 1) so that x² cannot overflow
  partials: ([x]) => [div(1, hypot(x, 1))],
});

/** Inverse hyperbolic cosine (x ≥ 1); its derivative at 1 is +Infinity. @example acosh(1) // 0 */
export const acosh: Primitive1 = defineOp({
  name: 'acosh', arity: 1,
  value: Math.acosh,
  // d acosh x = dx / √(x² - 1), as √((x - 1)(x + 1)) to keep the digits near x = 1
  partials: ([x]) => [div(1, sqrt(mul(sub(x, 1), add(x, 1))))],
});

/** Inverse hyperbolic tangent (|x| < 1). @example atanh(0) // 0 */
export const atanh: Primitive1 = defineOp({
  name: 'atanh', arity: 1,
  value: Math.atanh,
  // d atanh x = dx / (1 - x²), as (1 - x)(1 + x) to keep the digits near |x| = 1
  partials: ([x]) => [div(1, mul(sub(1, x), add(1, x)))],
});

// ----- piecewise -----

/** |x|; its derivative at 0 is 0 (the minimum-norm subgradient, as PyTorch and TensorFlow). @example abs(-2) // 2 */
export const abs: Primitive1 = defineOp({
  name: 'abs', arity: 1,
  value: Math.abs,
  // d|x| = sign(x) dx, and sign(0) = 0
  partials: ([x]) => [sign(x)],
});

/** The sign of x (-1, 0 or 1); derivative 0 everywhere. @example sign(-3) // -1 */
export const sign: Primitive1 = defineOp({
  name: 'sign', arity: 1,
  value: Math.sign,
  // d sign x = 0 (almost everywhere; 0 by convention at the jump)
  partials: () => [0],
});

/** The smaller of a and b; at a tie the derivative is split evenly (as JAX). @example min(2, 3) // 2 */
export const min: Primitive2 = defineOp({
  name: 'min', arity: 2,
  value: Math.min,
  // d min(a, b) = da where a < b, db where b < a, (da + db)/2 at a tie
  partials: ([a, b]) => {
    const av = primal(a);
    const bv = primal(b);
    return av < bv ? [1, 0] : bv < av ? [0, 1] : [0.5, 0.5];
  },
});

/** The larger of a and b; at a tie the derivative is split evenly (as JAX). @example max(2, 3) // 3 */
export const max: Primitive2 = defineOp({
  name: 'max', arity: 2,
  value: Math.max,
  // d max(a, b) = da where a > b, db where b > a, (da + db)/2 at a tie
  partials: ([a, b]) => {
    const av = primal(a);
    const bv = primal(b);
    return av > bv ? [1, 0] : bv > av ? [0, 1] : [0.5, 0.5];
  },
});

/** √(a² + b²) without overflow; both partials are 0 at the origin. @example hypot(3, 4) // 5 */
export const hypot: Primitive2 = defineOp({
  name: 'hypot', arity: 2,
  value: Math.hypot,
  // d hypot(a, b) = (a da + b db) / hypot(a, b); 0 at the origin (minimum-norm, as for |x|)
  partials: ([a, b], y) => (primal(y) === 0 ? [0, 0] : [div(a, y), div(b, y)]),
});

/** max(x, 0); its derivative at 0 is 0. @example relu(-1) // 0 */
export const relu: Primitive1 = defineOp({
  name: 'relu', arity: 1,
  // NaN propagates (as Math.max(x, 0), PyTorch and JAX); x > 0 alone would turn it into 0
  value: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  // d relu x = dx where x > 0, else 0
  partials: ([x]) => [primal(x) > 0 ? 1 : 0],
});

/** Largest integer ≤ x; derivative 0. @example floor(1.5) // 1 */
export const floor: Primitive1 = defineOp({
  name: 'floor', arity: 1,
  value: Math.floor,
  // d floor x = 0 (almost everywhere; 0 by convention at the jumps)
  partials: () => [0],
});

/** Smallest integer ≥ x; derivative 0. @example ceil(1.5) // 2 */
export const ceil: Primitive1 = defineOp({
  name: 'ceil', arity: 1,
  value: Math.ceil,
  // d ceil x = 0 (almost everywhere; 0 by convention at the jumps)
  partials: () => [0],
});

/** Nearest integer (halves round up, as Math.round); derivative 0. @example round(1.5) // 2 */
export const round: Primitive1 = defineOp({
  name: 'round', arity: 1,
  value: Math.round,
  // d round x = 0 (almost everywhere; 0 by convention at the jumps)
  partials: () => [0],
});

// ----- activations -----

/** The logistic function 1 / (1 + e^-x), without overflow for large |x|. @example sigmoid(0) // 0.5 */
export const sigmoid: Primitive1 = defineOp({
  name: 'sigmoid', arity: 1,
  value: (x) => {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  // d σ(x) = σ(x) σ(-x) dx; not σ(1 - σ), which rounds to 0 for x above about 37
  partials: ([x], y) => [mul(y, sigmoid(neg(x)))],
});

/** ln(1 + e^x), without overflow for large x. @example softplus(0) // ln 2 */
export const softplus: Primitive1 = defineOp({
  name: 'softplus', arity: 1,
  value: (x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0),
  // d softplus x = σ(x) dx
  partials: ([x]) => [sigmoid(x)],
});

// ----- structural -----

/**
 * The value passes through; no derivative flows through it, in forward and reverse mode
 * alike and at every nesting level (so jacfwd and jacrev agree, unlike PyTorch's no_grad).
 * @example stopGradient(3) // 3
 */
export const stopGradient: Primitive1 = defineOp({
  name: 'stopGradient', arity: 1,
  value: (x) => x,
  // d stopGradient(x) = 0, and so are all its higher derivatives
  partials: () => [0],
});

sealBuiltins();
