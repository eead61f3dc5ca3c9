// Custom derivatives defined inside the function being differentiated: nothing kept per call, right in every mode.
import {
  add, compile, cos, customDerivative, customJvp, customVjp, defineOp, exp, forwardTrace, grad, hessian, jacfwd, jacobianReport, jacrev, jvp,
  listOps, log, mul, reverseTrace, sin, sub, taylor, vjp, type Value,
} from '../../src/index';
import { centralDiffColumn, centralDiffJacobian, relErr, rng } from '../helpers/numeric';

/** log Σ w_i exp(x_i) on numbers: the reference. */
const lseOf = (x: readonly number[], w: readonly number[]) => Math.log(x.reduce((s, xi, i) => s + w[i]! * Math.exp(xi), 0));

/**
 * F(x) = x_0 · log Σ w_i exp(x_i), with the weighted logSumExp a custom derivative made on
 * every call of F, closing over that call's weights (the natural way to write it).
 */
function lossWith(w: readonly number[], name?: string) {
  return (x: Value[]): Value => {
    const lse = customDerivative(
      (v) => lseOf(v, w),
      (v, y) => v.map((vi, i) => mul(w[i]!, exp(sub(vi, y)))),
      name === undefined ? {} : { name },
    );
    return mul(x[0]!, lse(x));
  };
}
const lossOf = (x: readonly number[], w: readonly number[]) => x[0]! * lseOf(x, w);
/** ∂F/∂x_j = x_0 · w_j exp(x_j - L) + δ_j0 · L, in closed form. */
const gradientOf = (x: readonly number[], w: readonly number[]) => {
  const L = lseOf(x, w);
  return x.map((xj, j) => x[0]! * w[j]! * Math.exp(xj - L) + (j === 0 ? L : 0));
};

const close = (a: readonly number[], b: readonly number[], tol: number) => a.forEach((v, i) => expect(relErr(v, b[i]!)).toBeLessThan(tol));
const random = rng(10);
const point = (n: number) => Array.from({ length: n }, () => 4 * random() - 2);
const weights = (n: number) => Array.from({ length: n }, () => 0.1 + random());

describe.each([
  ['unnamed', undefined],
  ['named', 'perCallLse'],
])('a customDerivative made inside f (%s)', (_label, name) => {
  test('1,000 calls of grad(f), each with its own data, add no op after the first, and each gradient is right', () => {
    grad(lossWith(weights(3), name))(point(3));
    const ops = listOps().length;
    for (let k = 0; k < 1000; k++) {
      const w = weights(3);
      const x = point(3);
      close(grad(lossWith(w, name))(x), gradientOf(x, w), 1e-13);
    }
    expect(listOps().length).toBe(ops);
  });

  test('forward mode, reverse mode and finite differences agree, call after call', () => {
    jacfwd(lossWith(weights(4), name))(point(4)); // one op per arity: x of length 4 is new to this definition
    const ops = listOps().length;
    for (let k = 0; k < 20; k++) {
      const w = weights(4);
      const x = point(4);
      const f = lossWith(w, name);
      const fd = centralDiffJacobian((p) => [lossOf(p, w)], x)[0]!;
      close(grad(f)(x), fd, 1e-8);
      close(jacfwd(f)(x)[0]!, fd, 1e-8);
      close(jacrev(f)(x)[0]!, fd, 1e-8);
      const t = point(4);
      expect(relErr(jvp(f, x, t)[1] as number, fd.reduce((s, d, i) => s + d * t[i]!, 0))).toBeLessThan(1e-8);
    }
    expect(listOps().length).toBe(ops);
  });

  test('nested: Hessians forward-over-reverse and reverse-over-reverse match differences of the gradient', () => {
    const ops = listOps().length;
    for (let k = 0; k < 5; k++) {
      const w = weights(3);
      const x = point(3);
      const f = lossWith(w, name);
      const fd = x.map((_, j) => centralDiffColumn((p) => gradientOf(p, w), x, j));
      for (const H of [hessian(f)(x), jacfwd((p: Value[]) => grad(f)(p))(x), jacrev((p: Value[]) => grad(f)(p))(x)]) {
        H.forEach((row, i) => close(row, fd.map((column) => column[i]!), 1e-7));
      }
    }
    expect(listOps().length).toBe(ops);
  });
});

test('two definitions made at the same place in one call of f, with different data, each keep their own rule', () => {
  const make = (w: readonly number[]) =>
    customDerivative(
      (v) => lseOf(v, w),
      (v, y) => v.map((vi, i) => mul(w[i]!, exp(sub(vi, y)))),
    );
  const f = (w1: number[], w2: number[]) => (x: Value[]) => add(make(w1)(x), mul(2, make(w2)(x)));
  const grads = (x: number[], w1: number[], w2: number[]) => {
    const softmax = (w: number[]) => x.map((xi, i) => w[i]! * Math.exp(xi - lseOf(x, w)));
    const [a, b] = [softmax(w1), softmax(w2)];
    return a.map((ai, i) => ai + 2 * b[i]!);
  };
  grad(f([1, 1], [2, 3]))([0, 1]);
  const ops = listOps().length;
  for (let k = 0; k < 50; k++) {
    const [w1, w2, x] = [weights(2), weights(2), point(2)];
    close(grad(f(w1, w2))(x), grads(x, w1, w2), 1e-13);
    close(jacfwd(f(w1, w2))(x)[0]!, grads(x, w1, w2), 1e-13);
  }
  expect(listOps().length).toBe(ops);
});

test('f making 50 definitions per call needs 50 ops, on the first call and on every later one', () => {
  const f = (c: number) => (x: Value[]) => {
    let s: Value = 0;
    for (let i = 0; i < 50; i++) {
      const scaledSin = customDerivative((v) => (c + i) * Math.sin(v[0]!), (v) => [mul(c + i, cos(v[0]!))]);
      s = add(s, scaledSin(x));
    }
    return s;
  };
  const ops = listOps().length;
  for (let k = 0; k < 20; k++) {
    const c = random();
    const x = point(1);
    expect(relErr(grad(f(c))(x)[0]!, (50 * c + 1225) * Math.cos(x[0]!))).toBeLessThan(1e-13);
    expect(listOps().length).toBe(ops + 50);
  }
});

test('customJvp and customVjp made inside f add no op per call either', () => {
  const f = (c: number) => (x: Value[]) => {
    const scaled = customJvp(
      (v) => c * Math.sin(v[0]!),
      (v, t) => [mul(c, sin(v[0]!)), mul(mul(c, cos(v[0]!)), t[0]!)],
    );
    const square = customVjp(
      (v) => v[0]! * v[0]!,
      (v) => [mul(v[0]!, v[0]!), v[0]!],
      (r: Value, yBar) => [mul(2, mul(r, yBar))],
    );
    return add(scaled(x), square(x));
  };
  grad(f(1))([0.5]);
  const ops = listOps().length;
  for (let k = 0; k < 200; k++) {
    const c = random();
    const x = point(1);
    expect(relErr(grad(f(c))(x)[0]!, c * Math.cos(x[0]!) + 2 * x[0]!)).toBeLessThan(1e-14);
    expect(relErr(jacfwd(f(c))(x)[0]![0]!, c * Math.cos(x[0]!) + 2 * x[0]!)).toBeLessThan(1e-14);
  }
  expect(listOps().length).toBe(ops);
});

test('Taylor mode through a custom derivative made inside f', () => {
  const w = [0.5, 2];
  const g = (t: Value) => lossWith(w)([t, mul(2, t)]);
  const naive = (t: Value) => mul(t, log(add(mul(w[0]!, exp(t)), mul(w[1]!, exp(mul(2, t))))));
  close(taylor(g, 0.3, 1, 4), taylor(naive, 0.3, 1, 4), 1e-12);
});

test('trace tables read the per-call op like any other', () => {
  const w = [1, 2];
  const x = [0.5, -0.25];
  const f = lossWith(w, 'perCallLse');
  const r = reverseTrace(f, x);
  close(r.gradient, gradientOf(x, w), 1e-14);
  // the definition met x of length 3 first, so length 2 is its second op (one per arity)
  expect(forwardTrace(f, x).rows.map((row) => row.op)).toEqual(['input', 'input', 'perCallLse_2', 'mul', 'output']);
  close(forwardTrace(f, x, { seed: [0, 1] }).outputTangent, [gradientOf(x, w)[1]!], 1e-14);
});

test('recordings kept for later (compile, a vjp pullback) replay the rule they were made with', () => {
  const w = [0.7, 1.3];
  const f = lossWith(w);
  const c = compile(f, [0.1, 0.2]);
  const [, pullback] = vjp(f, [0.4, -0.3]);
  const x1 = [-0.6, 0.9];
  close(Array.from(c.gradient(x1) as Float64Array), gradientOf(x1, w), 1e-13);
  grad(f)(x1); // another call defines the rule again, with the same data
  close(pullback(1) as number[], gradientOf([0.4, -0.3], w), 1e-13);
  close(Array.from(c.gradient(x1) as Float64Array), gradientOf(x1, w), 1e-13);
});

test.each([
  ['unnamed', undefined],
  ['named', 'keptLse'],
])('recordings kept for later keep their own call\'s closure when later calls capture other data (%s)', (_label, name) => {
  const w1 = [0.7, 1.3];
  const w2 = [2.5, 0.1];
  const x0 = [0.4, -0.3];
  const [, pullback1] = vjp(lossWith(w1, name), x0);
  const c1 = compile(lossWith(w1, name), [0.1, 0.2]);
  // later calls at the same place with other data, kept and not kept
  const [, pullback2] = vjp(lossWith(w2, name), x0);
  for (let k = 0; k < 3; k++) grad(lossWith(weights(2), name))(point(2));
  const x1 = [-0.6, 0.9];
  close(pullback1(1) as number[], gradientOf(x0, w1), 1e-13);
  close(pullback2(1) as number[], gradientOf(x0, w2), 1e-13);
  close(Array.from(c1.gradient(x1) as Float64Array), gradientOf(x1, w1), 1e-13);
  expect(c1.value(x1)).toBeCloseTo(lossOf(x1, w1), 12);
});

test('a definition made outside the transformations keeps its own op: later definitions at the same place never take it', () => {
  const make = (w: readonly number[]) =>
    customDerivative(
      (v) => lseOf(v, w),
      (v, y) => v.map((vi, i) => mul(w[i]!, exp(sub(vi, y)))),
    );
  const w1 = [1, 3];
  const kept = make(w1);
  const c = compile((x) => kept(x), [0, 0]);
  for (let k = 0; k < 5; k++) grad((x) => make(weights(2))(x))(point(2)); // same place, other data, inside f
  const x1 = [0.2, -0.4];
  const expected = x1.map((xi, i) => w1[i]! * Math.exp(xi - lseOf(x1, w1)));
  close(Array.from(c.gradient(x1) as Float64Array), expected, 1e-13);
  close(grad((x) => kept(x))(x1), expected, 1e-13);
});

describe('names stand for one function', () => {
  test('the same name with other code is a conflict, with a clear error', () => {
    grad(lossWith([1, 1], 'perCallLse'))([0, 0]);
    expect(() => customDerivative((x) => x[0]!, () => [1], { name: 'perCallLse' })).toThrow(
      /customDerivative: options.name 'perCallLse' is already defined by a different custom derivative/,
    );
    expect(() => customJvp((x) => x[0]!, (x, t) => [x[0]!, t[0]!], { name: 'perCallLse' })).toThrow(/already defined/);
    expect(() => customDerivative((x) => x[0]!, () => [1], { name: 'sin' })).toThrow(/'sin' is already defined as an op of the table/);
    expect(() => customDerivative((x) => x[0]!, () => [1], { name: 'not a name' })).toThrow(/options.name must be an identifier-like string/);
  });
  test('defineOp still rejects any second definition of a name', () => {
    const spec = { name: 'definedOnce', arity: 1, value: (x: number) => 2 * x, partials: () => [2] };
    defineOp(spec);
    expect(() => defineOp(spec)).toThrow(/defineOp: an op named 'definedOnce' is already defined/);
    expect(() => defineOp({ ...spec, name: 'perCallLse' })).toThrow(/already defined/);
  });
});

test('teaching reports close their recordings: repeated reports of an f making a custom derivative add no op', () => {
  const f = lossWith([0.5, 2]);
  jacobianReport(f, [0.1, 0.2]);
  reverseTrace(f, [0.1, 0.2]);
  const ops = listOps().length;
  for (let k = 0; k < 20; k++) {
    jacobianReport(f, [0.1 * k, 0.2]);
    forwardTrace(f, [0.1 * k, 0.2]);
    reverseTrace(f, [0.1 * k, 0.2]);
  }
  expect(listOps().length).toBe(ops);
});
