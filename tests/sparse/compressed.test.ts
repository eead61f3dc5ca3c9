// Compressed sparse Jacobians and Hessians: equal to the dense ones, few passes, reusable through compile.
import fc from 'fast-check';
import {
  add, max, jacrev, checkColoring, compile, defineOp, exp, gt, hessian, hessianSparsity, jacfwd, jacobianSparsity, mul, select, sin, sparseHessian, sparseJacobian,
  square, sub, SparseMatrix, type Value,
} from '../../src/index';
import { type Program, magnitude, pointArb, programArb, runs } from '../property/programs';
import { closeRel } from '../setup';
import { compileModes } from '../../src/compile/compile';

const rosenbrock = (x: Value[]): Value => {
  let s: Value = 0;
  for (let i = 0; i + 1 < x.length; i++) s = add(s, add(mul(100, square(sub(x[i + 1]!, square(x[i]!)))), square(sub(1, x[i]!))));
  return s;
};

/** F_i(u) = u_{i-1} - 2u_i + u_{i+1} + h²λ exp(u_i), zero boundary values. */
const h2lambda = 1e-4 * 2;
const reactionDiffusion = (u: Value[]): Value[] =>
  u.map((ui, i) => add(sub(add(i > 0 ? u[i - 1]! : 0, i < u.length - 1 ? u[i + 1]! : 0), mul(2, ui)), mul(h2lambda, exp(ui))));

/** The hand-written tridiagonal Jacobian of reactionDiffusion, as sorted coordinates. */
function handJacobian(u: number[]): { rows: number[]; cols: number[]; values: number[] } {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < u.length; i++) {
    const add = (j: number, v: number) => {
      rows.push(i);
      cols.push(j);
      values.push(v);
    };
    if (i > 0) add(i - 1, 1);
    add(i, -2 + h2lambda * Math.exp(u[i]!));
    if (i < u.length - 1) add(i + 1, 1);
  }
  return { rows, cols, values };
}

function expectMatrix(S: SparseMatrix, D: ArrayLike<ArrayLike<number>>, relTol = 1e-12): void {
  expect(S.toDense()).toAllBeCloseTo(Array.from(D, (r) => Array.from(r)), relTol);
}

function expectSorted(S: SparseMatrix): void {
  for (let k = 1; k < S.nnz; k++) {
    const before = S.rows[k - 1]! < S.rows[k]! || (S.rows[k - 1] === S.rows[k] && S.cols[k - 1]! < S.cols[k]!);
    if (!before) throw new Error(`entries ${k - 1} and ${k} out of order`);
  }
}

describe('Rosenbrock Hessian (W5, n = 100)', () => {
  const n = 100;
  const x = Array.from({ length: n }, (_, i) => Math.cos(i) * 1.5);
  test('equals the dense Hessian, nnz = 3n - 2, at most 3 colours, sorted, both triangles', () => {
    const H = sparseHessian(rosenbrock, x);
    expect(H.shape).toEqual([n, n]);
    expect(H.nnz).toBe(3 * n - 2);
    expect(H.colors).toBeLessThanOrEqual(3);
    expect(checkColoring(hessianSparsity(rosenbrock, x), H.coloring)).toBeUndefined();
    expectMatrix(H, hessian(rosenbrock)(x) as number[][]);
    expectSorted(H);
    expect(H.get(3, 4)).toBe(H.get(4, 3));
    expect(H.get(3, 4)).toBeCloseToRel(-400 * x[3]!);
    expect(H.get(3, 5)).toBe(0);
  });
  test.each(['natural', 'largest-first', 'smallest-last'] as const)('every colouring order gives the same matrix (%s)', (order) => {
    const H = sparseHessian(rosenbrock, x, { order });
    expect(H.colors).toBeLessThanOrEqual(3);
    expectMatrix(H, hessian(rosenbrock)(x) as number[][]);
  });
});

describe('reaction-diffusion Jacobian (n = 10^4)', () => {
  const n = 10_000;
  const u = Array.from({ length: n }, (_, i) => Math.sin((Math.PI * i) / n));
  const hand = handJacobian(u);
  test.each(['forward', 'reverse', 'auto'] as const)('%s mode equals the hand-written tridiagonal Jacobian with at most 3 colours', (mode) => {
    const J = sparseJacobian(reactionDiffusion, u, { mode });
    expect(J.colors).toBeLessThanOrEqual(3);
    expect(J.coloring.kind).toBe(mode === 'forward' ? 'column' : mode === 'reverse' ? 'row' : J.coloring.kind);
    expect(Array.from(J.rows)).toEqual(hand.rows);
    expect(Array.from(J.cols)).toEqual(hand.cols);
    for (let k = 0; k < J.nnz; k++) if (!closeRel(J.values[k]!, hand.values[k]!, 1e-14)) throw new Error(`entry ${k}: ${J.values[k]} vs ${hand.values[k]}`);
  });
});

describe('random programs', () => {
  const at = (p: Program, x: number[]) => x.slice(0, p.inputs);
  test('sparseJacobian in each mode equals jacfwd', () => {
    fc.assert(
      fc.property(programArb({ maxSteps: 30 }), pointArb(), fc.constantFrom('forward', 'reverse', 'auto' as const), (p, pt, mode) => {
        const x = at(p, pt);
        fc.pre(Number.isFinite(magnitude(p, x)));
        const J = sparseJacobian(p.f, x, { mode });
        expectSorted(J);
        const D = jacfwd(p.f)(x) as number[][];
        expectMatrix(J, D, 1e-12);
      }),
      { numRuns: runs(150) },
    );
  });
  test('sparseHessian equals hessian', () => {
    fc.assert(
      fc.property(programArb({ maxSteps: 25, maxOutputs: 1 }), pointArb(), (p, pt) => {
        const x = at(p, pt);
        fc.pre(Number.isFinite(magnitude(p, x)) && magnitude(p, x) < 1e6);
        const f = (xs: Value[]) => p.f(xs)[0]!;
        const D = hessian(f)(x) as number[][];
        fc.pre(D.every((r) => r.every(Number.isFinite)));
        expectMatrix(sparseHessian(f, x), D, 1e-9);
      }),
      { numRuns: runs(150) },
    );
  });
});

test('user-defined ops (arity 3, rule run as written) and repeated arguments in the compressed Hessian sweep', () => {
  const prod3 = defineOp({
    name: 'sparseProd3', arity: 3, value: (a, b, c) => a * b * c,
    partials: ([a, b, c]) => [mul(b!, c!), mul(a!, c!), mul(a!, b!)],
  });
  const f = (x: Value[]) => add(prod3(x[0]!, x[1]!, x[0]!), add(mul(x[2]!, x[2]!), prod3(x[3]!, 2, sin(x[3]!))));
  const x = [0.7, -1.3, 2.1, 0.4];
  expectMatrix(sparseHessian(f, x), hessian(f)(x) as number[][], 1e-12);
  expect(sparseHessian(f, x).toDense()[1]![1]).toBe(0);
});

describe('compile: pattern and colouring once, compressed passes at each point', () => {
  test('sparseJacobian and sparseHessian at new points equal fresh dense ones', () => {
    const n = 30;
    const x0 = Array.from({ length: n }, (_, i) => i / n);
    const c = compile(reactionDiffusion, x0);
    const ch = compile(rosenbrock, x0);
    for (const s of [0.3, -1.1, 2]) {
      const x = x0.map((v, i) => v * s + Math.sin(i));
      for (const mode of ['forward', 'reverse'] as const) expectMatrix(c.sparseJacobian(x, { mode }), jacfwd(reactionDiffusion)(x) as number[][]);
      const H = ch.sparseHessian(x);
      expect(H.colors).toBeLessThanOrEqual(3);
      expectMatrix(H, hessian(rosenbrock)(x) as number[][]);
    }
    // A scalar f has a 1 × n Jacobian (its gradient).
    expectMatrix(ch.sparseJacobian(x0), [Array.from(ch.gradient(x0) as Float64Array)]);
  });
  // The compressed passes run on each engine's own sweeps after one evaluation at x (a
  // tangent sweep per column colour, a backward sweep per row colour): the numbers of a fresh
  // sparseJacobian, bit for bit, on every engine.
  test.each(compileModes)('engine %s: compiled sparseJacobian in both modes equals the fresh one bit for bit', (engine) => {
    const n = 40;
    const x0 = Array.from({ length: n }, (_, i) => Math.cos(i));
    const c = compile(reactionDiffusion, x0, { engine });
    expect(c.mode).toBe(engine);
    for (const s of [1, -0.7]) {
      const x = x0.map((v, i) => v * s + Math.sin(3 * i));
      for (const mode of ['forward', 'reverse'] as const) {
        const J = c.sparseJacobian(x, { mode });
        const fresh = sparseJacobian(reactionDiffusion, x, { mode });
        expect(J.colors).toBe(3);
        expect(Array.from(J.values)).toEqual(Array.from(fresh.values));
        expect(Array.from(J.rows)).toEqual(Array.from(fresh.rows));
      }
    }
  });
  // More colours than one sweep takes (compile's chunks hold up to 8 directions): the nonzeros
  // are read from each chunk's products in turn, fresh and compiled, on every engine.
  test.each(compileModes)('engine %s: a Hessian with 12 colours (two chunks of directions) equals the dense one', (engine) => {
    const n = 12;
    // Every pair of inputs interacts: (Σ x_i)² · sin(x_0) has a full Hessian.
    const f = (x: Value[]) => {
      let s: Value = 0;
      for (const xi of x) s = add(s, xi);
      return mul(mul(s, s), sin(x[0]!));
    };
    const x = Array.from({ length: n }, (_, i) => 0.1 * (i + 1));
    const dense = hessian(f)(x) as number[][];
    const fresh = sparseHessian(f, x);
    expect(fresh.colors).toBe(n);
    expectMatrix(fresh, dense, 1e-12);
    const compiled = compile(f, x, { engine }).sparseHessian(x);
    expect(compiled.colors).toBe(n);
    expectMatrix(compiled, dense, 1e-12);
  });
  test('the reusable pattern keeps what a pointwise rule may turn on elsewhere', () => {
    const f = (x: Value[]) => [mul(x[0]!, x[0]!), sub(x[1]!, x[0]!)];
    const c = compile((x: Value[]) => [add(sin(x[0]!), mul(x[1]!, 0)), ...f(x)], [1, 2]);
    expectMatrix(c.sparseJacobian([3, 4]), jacfwd((x: Value[]) => [add(sin(x[0]!), mul(x[1]!, 0)), ...f(x)])([3, 4]) as number[][]);
  });
  test('a branch change throws, or re-detects the pattern with onBranchChange: rerecord', () => {
    // x0 > 0: f = [x0·x1, x1]; otherwise f = [x1, x1²] (another pattern)
    const f = (x: Value[]) => (gt(x[0]!, 0) ? [mul(x[0]!, x[1]!), x[1]!] : [x[1]!, square(x[1]!)]);
    expect(() => compile(f, [1, 2]).sparseJacobian([-1, 2])).toThrow(/sparseJacobian: x takes a different branch/);
    const c = compile(f, [1, 2], { onBranchChange: 'rerecord' });
    expect(c.sparseJacobian([1, 3]).toDense()).toEqual([[3, 1], [0, 1]]);
    expect(c.sparseJacobian([-1, 3]).toDense()).toEqual([[0, 1], [0, 6]]);
    const g = (x: Value[]) => select(gt(x[0]!, 0), mul(x[0]!, x[1]!), square(x[0]!));
    const cg = compile(g, [1, 2], { onBranchChange: 'rerecord' });
    expect(cg.sparseHessian([1, 2]).toDense()).toEqual([[0, 1], [1, 0]]);
    expect(cg.sparseHessian([-1, 2]).toDense()).toEqual([[2, 0], [0, 0]]);
  });
});

describe('options.values: the nonzeros written into an array of the caller', () => {
  test('an earlier result\'s values are reused, compiled and one-shot, in every mode', () => {
    const n = 20;
    const x0 = Array.from({ length: n }, (_, i) => Math.cos(i));
    const x1 = x0.map((v, i) => 0.5 * v + Math.sin(i));
    const ch = compile(rosenbrock, x0);
    const H0 = ch.sparseHessian(x0);
    const H1 = ch.sparseHessian(x1, { values: H0.values });
    expect(H1.values).toBe(H0.values);
    expect(Array.from(H1.values)).toEqual(Array.from(sparseHessian(rosenbrock, x1).values));
    const once = sparseHessian(rosenbrock, x0, { values: H1.values });
    expect(once.values).toBe(H0.values);
    expect(Array.from(once.values)).toEqual(Array.from(compile(rosenbrock, x0).sparseHessian(x0).values));
    const cj = compile(reactionDiffusion, x0);
    for (const mode of ['forward', 'reverse'] as const) {
      const J0 = cj.sparseJacobian(x0, { mode });
      const J1 = cj.sparseJacobian(x1, { mode, values: J0.values });
      expect(J1.values).toBe(J0.values);
      expect(Array.from(J1.values)).toEqual(Array.from(sparseJacobian(reactionDiffusion, x1, { mode }).values));
      const J2 = sparseJacobian(reactionDiffusion, x0, { mode, values: J1.values });
      expect(J2.values).toBe(J0.values);
      expect(Array.from(J2.values)).toEqual(Array.from(cj.sparseJacobian(x0, { mode }).values));
    }
  });
  test('an array of another length or type is refused before anything is written', () => {
    const x = [0.5, 1, 1.5, 2];
    const ch = compile(rosenbrock, x);
    const nnz = ch.sparseHessian(x).nnz;
    const short = new Float64Array(nnz - 1).fill(7);
    expect(() => ch.sparseHessian(x, { values: short })).toThrow(RangeError);
    expect(() => ch.sparseHessian(x, { values: short })).toThrow(`sparseHessian: options.values must hold nnz = ${nnz} numbers, got a Float64Array of ${nnz - 1}`);
    expect(Array.from(short).every((v) => v === 7)).toBe(true);
    expect(() => sparseHessian(rosenbrock, x, { values: new Array(nnz).fill(0) as unknown as Float64Array })).toThrow(
      new TypeError(`sparseHessian: options.values must be a Float64Array of ${nnz} numbers (nnz), got an array of length ${nnz}`),
    );
    expect(() => sparseJacobian(reactionDiffusion, x, { values: new Float32Array(10) as unknown as Float64Array })).toThrow(TypeError);
    expect(() => compile(reactionDiffusion, x).sparseJacobian(x, { values: new Float64Array(3) })).toThrow(/sparseJacobian: options.values must hold nnz = 10 numbers/);
  });
});

describe('bad input', () => {
  test('clear errors naming the argument', () => {
    expect(() => sparseJacobian(reactionDiffusion, 5 as unknown as number[])).toThrow(/sparseJacobian: x must be an array of numbers, got a number/);
    expect(() => sparseJacobian(reactionDiffusion, [1, 'a'] as unknown as number[])).toThrow(/sparseJacobian: x\[1\] must be a number, got the string "a"/);
    expect(() => sparseJacobian(reactionDiffusion, [1, 2], { mode: 'sideways' as 'forward' })).toThrow(RangeError);
    expect(() => sparseJacobian(reactionDiffusion, [1, 2], { mode: 'sideways' as 'forward' })).toThrow(/options.mode must be 'forward', 'reverse' or 'auto'/);
    expect(() => sparseHessian((x) => [x[0]!] as unknown as Value, [1, 2])).toThrow(
      /sparseHessian: f must return a single number, but it returned an array of 1/,
    );
    expect(() => sparseHessian(rosenbrock, { length: 2 } as unknown as number[])).toThrow(/sparseHessian: x must be an array of numbers, got an object/);
    expect(() => sparseHessian(rosenbrock, [1, 2], { order: 'random' as 'natural' })).toThrow(/sparseHessian: options.order must be/);
    expect(() => sparseJacobian(3 as unknown as (x: Value[]) => Value, [1])).toThrow(/sparseJacobian: f must be a function/);
    const c = compile(reactionDiffusion, [1, 2]);
    expect(() => c.sparseJacobian([1, 2, 3])).toThrow(/sparseJacobian: x must have length 2, got length 3/);
    expect(() => c.sparseHessian([1, 2])).toThrow(/sparseHessian: f must return a single number/);
    expect(() => jacobianSparsity(reactionDiffusion, null as unknown as number[])).toThrow(/jacobianSparsity: x must be an array of numbers, got null/);
  });
  test('AD values are refused (sparse derivatives do not nest)', () => {
    expect(() => jacfwd((x: Value[]) => sparseJacobian(reactionDiffusion, x as number[]).values[0]!)([1, 2])).toThrow(
      /sparseJacobian: x\[0\] must be a plain number, got an AD value/,
    );
  });
});

describe('a later call on the same f reuses the plan only for the same list, free of rules that read the numbers', () => {
  const rosen = (x: Value[]): Value => {
    let s: Value = 0;
    for (let i = 0; i + 1 < x.length; i++) s = add(s, add(mul(100, square(sub(x[i + 1]!, square(x[i]!)))), square(sub(1, x[i]!))));
    return s;
  };
  test('the same f at new points, and at another length (another list)', () => {
    for (const n of [6, 6, 9, 6]) {
      const x = Array.from({ length: n }, (_, i) => Math.sin(i + n));
      const H = sparseHessian(rosen, x);
      expect(H.toDense()).toEqual(hessian(rosen)(x));
      expect(H.nnz).toBe(3 * n - 2);
    }
  });
  test('max reads its arguments to decide its structure, so each point gets its own pattern', () => {
    const f = (x: Value[]): Value => add(mul(max(x[0]!, x[1]!), x[2]!), square(x[3]!));
    const F = (x: Value[]): Value[] => [mul(max(x[0]!, x[1]!), x[2]!), square(x[3]!)];
    for (const x of [[2, 1, 3, 4], [1, 2, 3, 4], [2, 1, 3, 4]]) {
      const H = sparseHessian(f, x);
      expect(H.toDense()).toEqual(hessian(f)(x));
      expect(Array.from(H.rows)).toEqual(Array.from(hessianSparsity(f, x).rowIndices()));
      expect(Array.from(H.cols)).toEqual(Array.from(hessianSparsity(f, x).cols));
      const J = sparseJacobian(F, x);
      expect(J.toDense()).toEqual(jacrev(F)(x));
      expect(J.nnz).toBe(jacobianSparsity(F, x).nnz);
    }
  });
});

test("'auto' takes the mode with fewer colours, whether or not it colours both ways (a dense row: reverse; a dense column: forward)", () => {
  const denseRow = (x: Value[]): Value[] => [x.reduce((s: Value, xj) => add(s, xj), 0), ...x.slice(1)];
  const denseColumn = (x: Value[]): Value[] => x.map((xi) => mul(x[0]!, xi));
  const x = Array.from({ length: 12 }, (_, i) => 0.5 + i / 10);
  for (const [f, fewer] of [[denseRow, 'reverse'], [denseColumn, 'forward']] as const) {
    const forward = sparseJacobian(f, x, { mode: 'forward' });
    const reverse = sparseJacobian(f, x, { mode: 'reverse' });
    const auto = sparseJacobian(f, x, { mode: 'auto' });
    expect(auto.colors).toBe(Math.min(forward.colors, reverse.colors));
    expect(auto.colors).toBe((fewer === 'forward' ? forward : reverse).colors);
    expect(auto.colors).toBeLessThan(Math.max(forward.colors, reverse.colors));
    expect(auto.toDense()).toEqual(forward.toDense());
  }
});
