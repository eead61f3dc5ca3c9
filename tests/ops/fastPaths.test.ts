// The primitives' generated fast paths compute bit for bit what the generic route (apply -> a trace's process) computes, in every mode.
import fc from 'fast-check';
import * as table from '../../src/ops/table';
import { ChunkDual, ChunkTrace, Dual, ForwardTrace, apply, grad, jacfwd, jacrev, jvp, primal, record, type Value } from '../../src/index';
import { setFastPaths } from '../../src/ops/fastPath';
import { kernelOf, resetKernels } from '../../src/symbolic/index';
import { opSpecs, type BuiltinOpName } from './opSpecs';
import { programArb, pointArb } from '../property/programs';

type Prim = ((...a: Value[]) => Value) & { op: import('../../src/index').OpDef };
const prims = Object.entries(table as unknown as Record<BuiltinOpName, Prim>);

afterEach(() => setFastPaths(true));

// Points inside each op's domain, plus the places where the zero-skip conventions decide the
// answer: 0 (sqrt's infinite partial), ±Infinity and NaN.
const EDGE = [0, -0, Infinity, -Infinity, NaN, 1];
function pointsOf(name: BuiltinOpName, arity: number): number[][] {
  const own = opSpecs[name].points;
  const edges = arity === 1 ? EDGE.map((e) => [e]) : EDGE.flatMap((a) => [[a, 0.5], [0.5, a], [a, a]]);
  return [...own, ...edges];
}
// Tangent seeds: zero (must contribute nothing, even times an infinite partial), one, and a mix.
const SEEDS = [[0, 0], [1, 0], [0, 1], [1, -2.5]];

function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b);
}

/** Runs `body` once with the fast paths and once without; both results. */
function bothRoutes<T>(body: () => T): [T, T] {
  setFastPaths(true);
  const fast = body();
  setFastPaths(false);
  const generic = body();
  setFastPaths(true);
  return [fast, generic];
}

describe.each(prims.filter(([, p]) => p.op.arity <= 2))('%s', (name, prim) => {
  const arity = prim.op.arity;
  const points = pointsOf(name as BuiltinOpName, arity);

  test('forward mode: every mix of Duals and numbers, with zero and nonzero tangents', () => {
    for (const pt of points) {
      for (const seed of SEEDS) {
        // Each argument either a Dual of the pass or a plain number.
        for (let mask = 1; mask < 1 << arity; mask++) {
          const [fast, generic] = bothRoutes(() => {
            const pass = new ForwardTrace('test');
            const args = pt.map((v, k) => (mask & (1 << k) ? new Dual(v, seed[k]!, pass) : v));
            const y = prim(...args);
            pass.active = false;
            return y instanceof Dual ? [y.value, y.tangent] : [y, 0];
          });
          expect([name, pt, seed, mask, fast.every((v, k) => same(v, generic[k]))]).toEqual([name, pt, seed, mask, true]);
        }
      }
    }
  });

  test('chunked forward mode: the same for chunk duals', () => {
    for (const pt of points) {
      for (let mask = 1; mask < 1 << arity; mask++) {
        const [fast, generic] = bothRoutes(() => {
          const pass = new ChunkTrace('test', 3);
          const args = pt.map((v, k) => (mask & (1 << k) ? new ChunkDual(v, [k === 0 ? 1 : 0, 0, k === 1 ? -2 : 0.5], pass) : v));
          const y = prim(...args);
          pass.active = false;
          return y instanceof ChunkDual ? [y.value, ...Array.from(y.tangents as ArrayLike<number>)] : [y];
        });
        expect([name, pt, mask, fast.length === generic.length && fast.every((v, k) => same(v, generic[k]))]).toEqual([name, pt, mask, true]);
      }
    }
  });

  test('reverse mode: the same entries, values and adjoints in a recording', () => {
    for (const pt of points) {
      for (let mask = 1; mask < 1 << arity; mask++) {
        const [fast, generic] = bothRoutes(() => {
          const tape = record((x) => prim(...pt.map((v, k) => (mask & (1 << k) ? x[k]! : v))), pt);
          return JSON.stringify([tape.entries, tape.backward(1).map(String)]);
        });
        expect([name, pt, mask, fast]).toEqual([name, pt, mask, generic]);
      }
    }
  });
});

test('fast paths leave apply() the cases they do not own: values of different passes (nesting)', () => {
  const outer = new ForwardTrace('outer');
  const inner = new ForwardTrace('inner');
  const y = table.mul(new Dual(3, 1, outer), new Dual(4, 1, inner)) as Dual;
  // The inner pass handles it and sees the outer dual as a constant: its tangent is 3 (d/dinner).
  expect(y.trace).toBe(inner);
  expect(primal(y)).toBe(12);
  expect((y.tangent as Dual).value).toBe(3);
  expect(apply(table.mul.op, [2, 5])).toBe(10);
  outer.active = false;
  inner.active = false;
});

test('a finished pass or recording is refused on the fast path too', () => {
  let escapedDual: Value = 0;
  let escapedVar: Value = 0;
  jvp((x) => ((escapedDual = x[0]!), x[0]!), [1], [1]);
  grad((x) => ((escapedVar = x[0]!), x[0]!))([1]);
  expect(() => table.sin(escapedDual)).toThrow(/already finished/);
  expect(() => table.mul(escapedDual, 2)).toThrow(/already finished/);
  expect(() => table.sin(escapedVar)).toThrow(/already finished/);
  expect(() => table.add(1, escapedVar)).toThrow(/already finished/);
  // grad hands its storage to the next recording: the escaped handle must not read that
  expect(() => primal(escapedVar)).toThrow(/already finished/);
});

test('random programs: jacfwd, jacrev, jvp and grad give bit-identical results with and without fast paths', () => {
  fc.assert(
    fc.property(programArb({ maxSteps: 40 }), pointArb([0, -0, 1, -1, 0.5, 2]), (p, pt) => {
      const x = pt.slice(0, p.inputs);
      const [fast, generic] = bothRoutes(() =>
        JSON.stringify([
          jacfwd(p.f)(x),
          jacfwd(p.f, { chunkSize: 2 })(x),
          jacrev(p.f)(x),
          jvp(p.f, x, x.map((_, i) => i - 0.5)),
          grad((xs) => p.f(xs)[0]!)(x),
        ].map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' ? String(v) : v)))),
      );
      expect(fast).toBe(generic);
    }),
    { numRuns: 60 },
  );
});

test('an op whose rule calls the op itself builds its fast path on first use without recursing (div, on a fresh start)', () => {
  resetKernels();
  setFastPaths(true);
  // d(a/b) = da/b - (a/b)/b db: deriving div's text runs div on symbols, inside div's first AD call
  const pass = new ForwardTrace('test');
  const y = table.div(new Dual(1, 1, pass), new Dual(2, 0, pass)) as Dual;
  pass.active = false;
  expect([y.value, y.tangent]).toEqual([0.5, 0.5]);
  expect(grad((x) => table.div(x[0]!, x[1]!))([1, 2])).toEqual([0.5, -0.25]);
  // A recursion caught inside the derivation would leave div without derived code (silently slow).
  expect(kernelOf(table.div.op)?.partials.length).toBe(2);
});
