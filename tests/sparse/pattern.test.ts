// Sparsity patterns: exact on hand-written structures, and checked against dense derivatives of random programs.
import fc from 'fast-check';
import {
  add, cos, defineOp, div, exp, floor, hessian, hessianSparsity, jacfwd, jacobianSparsity, mul, neg, pow, record, relu, sin,
  square, stopGradient, sub, SparsityPattern, type Value,
} from '../../src/index';
import { EdgeList, hessianPattern, jacobianDependencies, jacobianPatternOf } from '../../src/sparse/pattern';
import { deriveOpStructure } from '../../src/sparse/opStructure';
import { type Program, magnitude, pointArb, programArb, runs } from '../property/programs';
import type { BuiltinOpName } from '../ops/opSpecs';

const dense = (p: SparsityPattern) => p.toDense().map((r) => r.map((b) => (b ? 1 : 0)));

describe('what each rule implies (derived from the op table)', () => {
  const structure = (op: { op: Parameters<typeof deriveOpStructure>[0] }, args: number[]) => {
    const s = deriveOpStructure(op.op, args, op.op.value(...args));
    return { firstOrder: s.firstOrder, pairs: Array.from(s.pairs), pointwise: s.pointwise };
  };
  test('linear ops interact with nothing; mul only across its arguments; unary smooth ops with themselves', () => {
    expect(structure(add, [1, 2])).toEqual({ firstOrder: [true, true], pairs: [], pointwise: false });
    expect(structure(sub, [1, 2]).pairs).toEqual([]);
    expect(structure(neg, [1]).pairs).toEqual([]);
    expect(structure(mul, [1, 2]).pairs).toEqual([0, 1]);
    expect(structure(sin, [1]).pairs).toEqual([0, 0]);
    expect(structure(exp, [1]).pairs).toEqual([0, 0]);
    expect(structure(div, [1, 2]).pairs).toEqual([0, 1, 1, 1]);
    expect(structure(square, [3]).pairs).toEqual([0, 0]);
  });
  test('zero partials drop the argument; rules that branch on numbers are pointwise', () => {
    expect(structure(floor, [1.5])).toEqual({ firstOrder: [false], pairs: [], pointwise: false });
    expect(structure(stopGradient, [1]).firstOrder).toEqual([false]);
    expect(structure(relu, [2])).toEqual({ firstOrder: [true], pairs: [], pointwise: true });
    expect(structure(relu, [-2]).firstOrder).toEqual([false]);
    expect(structure(pow, [2, 3]).pointwise).toBe(true);
    expect(structure(pow, [2, 3]).pairs).toEqual([0, 0, 0, 1, 1, 1]);
  });
  test('user-defined ops: derived when the rule uses dualtape primitives, conservative when it cannot run on tracked values', () => {
    const cube = defineOp({ name: 'sparseCube', arity: 2, value: (x, c) => c * x ** 3, partials: ([x, c]) => [mul(3, mul(c!, mul(x!, x!))), mul(x!, mul(x!, x!))] });
    expect(structure(cube, [2, 1]).pairs).toEqual([0, 0, 0, 1]);
    const opaque = defineOp({ name: 'sparseOpaque', arity: 2, value: (a, b) => a + b, partials: ([a]) => [Math.cos(a as number), 1] });
    expect(structure(opaque, [1, 2])).toEqual({ firstOrder: [true, true], pairs: [0, 0, 0, 1, 1, 1], pointwise: false });
  });
});

describe('patterns of hand-written functions', () => {
  test('the Jacobian pattern of neighbour couplings is banded; constants and zero-derivative ops add nothing', () => {
    const p = jacobianSparsity((x: Value[]) => [sub(x[1]!, x[0]!), mul(x[2]!, 3), add(floor(x[0]!), x[3]!), 7], [1, 2, 3, 4]);
    expect(p.shape).toEqual([4, 4]);
    expect(dense(p)).toEqual([[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]);
    expect(p.nnz).toBe(4);
    expect(p.toString()).toBe('●●··\n··●·\n···●\n····');
    expect(dense(p.transpose())).toEqual([[1, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
  });
  test('Hessian: add and scaling add no pairs, mul only the cross term, mul(a, a) the diagonal, sin(a·b) all of a·b', () => {
    expect(dense(hessianSparsity((x: Value[]) => add(mul(2, x[0]!), x[1]!), [1, 2]))).toEqual([[0, 0], [0, 0]]);
    expect(dense(hessianSparsity((x: Value[]) => mul(x[0]!, x[1]!), [1, 2]))).toEqual([[0, 1], [1, 0]]);
    expect(dense(hessianSparsity((x: Value[]) => mul(x[0]!, x[0]!), [1, 2]))).toEqual([[1, 0], [0, 0]]);
    expect(dense(hessianSparsity((x: Value[]) => add(sin(mul(x[0]!, x[1]!)), x[2]!), [1, 2, 3]))).toEqual([[1, 1, 0], [1, 1, 0], [0, 0, 0]]);
  });
  test('work that cannot reach the output (dead code, stopGradient) adds no Hessian pairs', () => {
    const p = hessianSparsity((x: Value[]) => {
      sin(mul(x[0]!, x[1]!)); // computed, never used
      return add(stopGradient(square(x[0]!)), square(x[2]!));
    }, [1, 2, 3]);
    expect(dense(p)).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 1]]);
  });
  test('Rosenbrock: tridiagonal, 3n - 2 entries', () => {
    const n = 7;
    const rosen = (x: Value[]) => {
      let s: Value = 0;
      for (let i = 0; i + 1 < n; i++) s = add(s, add(mul(100, square(sub(x[i + 1]!, square(x[i]!)))), square(sub(1, x[i]!))));
      return s;
    };
    const p = hessianSparsity(rosen, new Array<number>(n).fill(0.3));
    expect(p.nnz).toBe(3 * n - 2);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(p.has(i, j)).toBe(Math.abs(i - j) <= 1);
  });
  test('rules that branch on numbers are read at x (a local pattern); a pattern for reuse keeps every argument', () => {
    const f = (x: Value[]) => [relu(x[0]!), mul(x[1]!, x[1]!)];
    expect(dense(jacobianSparsity(f, [-1, 2]))).toEqual([[0, 0], [0, 1]]);
    expect(dense(jacobianSparsity(f, [1, 2]))).toEqual([[1, 0], [0, 1]]);
    const everywhere = jacobianPatternOf(jacobianDependencies(record(f, [-1, 2]).flat(), false));
    expect(dense(everywhere)).toEqual([[1, 0], [0, 1]]);
  });
  test('bad input gets clear errors', () => {
    expect(() => jacobianSparsity((x) => x[0]!, 3 as unknown as number[])).toThrow(/jacobianSparsity: x must be an array of numbers, got a number/);
    expect(() => hessianSparsity((x) => [x[0]!] as unknown as Value, [1])).toThrow(/hessianSparsity: f must return a single number, but it returned an array of 1/);
    expect(() => hessianSparsity('f' as unknown as (x: Value[]) => Value, [1])).toThrow(/hessianSparsity: f must be a function/);
  });
});

// ----- against dense derivatives of random programs -----

/** Ops whose derivative is identically 0: the reference reachability stops there. */
const ZERO_DERIVATIVE = new Set<BuiltinOpName>(['floor', 'ceil', 'round', 'sign', 'stopGradient']);

/** Which inputs each program value can depend on, from the program's own steps (no dualtape involved). */
function reach(p: Program): Set<number>[] {
  const sets: Set<number>[] = Array.from({ length: p.inputs }, (_, i) => new Set([i]));
  for (const s of p.steps) {
    const out = new Set<number>();
    if (!ZERO_DERIVATIVE.has(s.op)) for (const a of s.args) if (a >= 0) for (const j of sets[a]!) out.add(j);
    sets.push(out);
  }
  return sets;
}

const at = (p: Program, x: number[]) => x.slice(0, p.inputs);

test('Jacobian patterns contain every nonzero of the dense Jacobian (at x, and at other points for the reusable pattern) and nothing the program cannot couple', () => {
  fc.assert(
    fc.property(programArb({ maxSteps: 30 }), pointArb([0, 1, -1]), fc.array(pointArb(), { minLength: 2, maxLength: 2 }), (p, pt, others) => {
      const x = at(p, pt);
      const local = jacobianSparsity(p.f, x);
      const global = jacobianPatternOf(jacobianDependencies(record(p.f, x).flat(), false));
      const sets = reach(p);
      p.outputs.forEach((o, i) => {
        for (let j = 0; j < p.inputs; j++) {
          if (!sets[o]!.has(j)) {
            expect(global.has(i, j)).toBe(false);
            expect(local.has(i, j)).toBe(false);
          }
          if (local.has(i, j)) expect(global.has(i, j)).toBe(true);
        }
      });
      const check = (J: number[][], pattern: SparsityPattern, where: string) =>
        J.forEach((row, i) =>
          row.forEach((d, j) => {
            if (d !== 0 && !pattern.has(i, j)) throw new Error(`${where}: J[${i}][${j}] = ${d} is not in the pattern\n${pattern.toString()}`);
          }),
        );
      check(jacfwd(p.f)(x) as number[][], local, 'at x');
      for (const other of others) check(jacfwd(p.f)(at(p, other)) as number[][], global, 'elsewhere');
    }),
    { numRuns: runs(150) },
  );
});

test('Hessian patterns contain every nonzero of the dense Hessian and only pairs of inputs that reach the output', () => {
  fc.assert(
    fc.property(programArb({ maxSteps: 25, maxOutputs: 1 }), pointArb(), (p, pt) => {
      const x = at(p, pt);
      fc.pre(Number.isFinite(magnitude(p, x)) && magnitude(p, x) < 1e6);
      const f = (xs: Value[]) => p.f(xs)[0]!;
      const pattern = hessianSparsity(f, x);
      const global = hessianPattern(record(f, x).flat(), false);
      const sets = reach(p)[p.outputs[0]!]!;
      const H = hessian(f)(x) as number[][];
      for (let j = 0; j < p.inputs; j++) {
        for (let k = 0; k < p.inputs; k++) {
          expect(pattern.has(j, k)).toBe(pattern.has(k, j));
          if (!sets.has(j) || !sets.has(k)) expect(global.has(j, k)).toBe(false);
          if (pattern.has(j, k)) expect(global.has(j, k)).toBe(true);
          const h = H[j]![k]!;
          if (h !== 0 && Number.isFinite(h) && !pattern.has(j, k)) throw new Error(`H[${j}][${k}] = ${h} is not in the pattern\n${pattern.toString()}`);
        }
      }
    }),
    { numRuns: runs(150) },
  );
});

test('inputs that both reach the output need not interact: separable sums give a diagonal Hessian', () => {
  const p = hessianSparsity((x: Value[]) => add(add(sin(x[0]!), cos(x[1]!)), exp(x[2]!)), [1, 2, 3]);
  expect(dense(p)).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  expect(dense(hessianSparsity((x: Value[]) => mul(exp(x[0]!), x[1]!), [1, 2]))).toEqual([[1, 1], [1, 0]]);
});

test('the Hessian edge list drops repeated pairs when it fills up, and the pattern is the same', () => {
  const edges = new EdgeList(5, 8);
  const pairs: [number, number][] = [];
  for (let k = 0; k < 200; k++) pairs.push([k % 5, (k * 3) % 5]);
  for (const [a, b] of pairs) edges.add(a, b);
  const expected = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  for (const [a, b] of pairs) expected[a]![b] = expected[b]![a] = 1;
  expect(dense(edges.pattern())).toEqual(expected);
});
