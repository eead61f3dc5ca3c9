// Compiled replay (generated code and interpreter), interpreted replay and fresh recording agree; guards catch branch flips.
import {
  compile, grad, jacfwd, jvp, record, lt, gt, ge, le, eq, ne, select, ifElse, add, mul, sin, cos, log, pow, max, exp, div, sqrt,
  atan2, relu, defineOp, floor, sign, jacrev, sub, type Value,
} from '../../src/index';
import { compileModes } from '../../src/compile/compile';
import { straightLine } from '../../src/compile/straightLine';
import { withoutNewFunction } from '../helpers/csp';
import { BranchChangedError } from '../../src/index';

const f = (x: Value[]): Value => {
  let y: Value = x[0]!;
  for (let k = 0; k < 5; k++) y = add(mul(sin(y), x[0]!), cos(mul(y, x[1]!)));
  return add(add(y, div(pow(x[1]!, 3), max(x[0]!, x[2]!))), add(log(sqrt(add(1, mul(x[2]!, x[2]!)))), atan2(x[0]!, relu(x[1]!))));
};
const vf = (x: Value[]): Value[] => [mul(x[0]!, x[1]!), exp(sin(x[2]!)), 3];
const x0 = [0.7, 1.3, -0.4];
const x1 = [1.1, 0.2, 0.9];

describe.each([true, false])('compile with codegen %s', (codegen) => {
  test('gradient, value, vjp and jvp agree bit for bit with a fresh recording and forward mode', () => {
    const c = compile(f, x0, { codegen });
    expect(c.mode).toBe(codegen ? 'codegen' : 'interpreter');
    for (const x of [x0, x1]) {
      expect(Array.from(c.gradient(x) as Float64Array)).toEqual(grad(f)(x));
      expect(c.value(x)).toBe(record(f, x).output);
      const [y, yDot] = c.jvp(x, [1, -2, 0.5]);
      const [y2, yDot2] = jvp(f, x, [1, -2, 0.5]);
      expect(y).toBe(y2);
      expect(yDot).toBe(yDot2);
    }
  });
  test('interpreted replay of the same list agrees too', () => {
    const c = compile(f, x0, { codegen });
    const tape = record(f, x0);
    tape.replay(x1);
    expect(Array.from(c.gradient(x1) as Float64Array)).toEqual(tape.backward(1));
  });
  test('vector f: vjp, jvp and the Jacobian', () => {
    const c = compile(vf, x0, { codegen });
    expect(Array.from(c.vjp(x1, [1, 2, 3]) as Float64Array)).toEqual(record(vf, x1).backward([1, 2, 3]));
    expect(c.jacobian(x1).map((r) => Array.from(r))).toEqual(jacfwd(vf)(x1));
    expect(Array.from(c.value(x1) as Float64Array)).toEqual(record(vf, x1).output);
  });
  test('AD-value inputs replay the list through the op table (nesting)', () => {
    const c = compile(f, x0, { codegen });
    // d/dt of the gradient's first component along (1, 0, 0): a Hessian entry, by forward over the compiled gradient.
    const h = jvp((x: Value[]) => c.gradient(x) as Value[], x1, [1, 0, 0])[1] as number[];
    const fd = (grad(f)([x1[0]! + 1e-6, x1[1]!, x1[2]!])[0]! - grad(f)([x1[0]! - 1e-6, x1[1]!, x1[2]!])[0]!) / 2e-6;
    expect(h[0]).toBeCloseToRel(fd, 1e-6);
  });
});

test('a large list is chunked into many generated functions and still agrees', () => {
  const big = (x: Value[]) => {
    let s: Value = 0;
    for (let i = 0; i < 3000; i++) s = add(s, mul(sin(mul(x[i % 3]!, i / 3000)), x[(i + 1) % 3]!));
    return s;
  };
  const c = compile(big, x0, { codegen: true, codegenLimit: Infinity, chunkChars: 2000 });
  expect(c.mode).toBe('codegen');
  expect(Array.from(c.gradient(x1) as Float64Array)).toEqual(grad(big)(x1));
});

test('where new Function is forbidden (a strict CSP), compile and the list fall back to the plain interpreter', () => {
  withoutNewFunction(() => {
    const c = compile(f, x0);
    expect(c.mode).toBe('plain interpreter');
    expect(compile(f, x0, { engine: 'codegen' }).mode).toBe('plain interpreter');
    expect(compile(f, x0, { engine: 'rerolled' }).mode).toBe('plain interpreter');
    expect(record(f, x1).backward(1)).toEqual(grad(f)(x1));
    expect(Array.from(c.gradient(x1) as Float64Array)).toEqual(grad(f)(x1));
  });
  expect(grad(f)(x1)).toEqual(record(f, x1).backward(1));
});

describe('guarded replay: f(x) = x < 0 ? 0 : x recorded at -1.3', () => {
  const g = (x: Value[]) => select(lt(x[0]!, 0), 0, x[0]!);
  test('replayed at 1.34 throws by default (never the old branch silently)', () => {
    expect(() => compile(g, [-1.3]).gradient([1.34])).toThrow(RangeError);
    expect(() => compile(g, [-1.3], { codegen: false }).gradient([1.34])).toThrow(/different branch/);
    expect(() => compile(g, [-1.3]).gradient([1.34])).toThrow(BranchChangedError);
    expect(() => record(g, [-1.3]).replay([1.34])).toThrow(BranchChangedError);
    expect(() => record(g, [-1.3]).replay([1.34])).toThrow(/lt\(v0 = 1.34, 0\)/);
  });
  test("gives 1 with onBranchChange: 'rerecord', and 0 again back on the first branch", () => {
    const c = compile(g, [-1.3], { onBranchChange: 'rerecord' });
    expect(Array.from(c.gradient([1.34]) as Float64Array)).toEqual([1]);
    expect(Array.from(c.gradient([-2]) as Float64Array)).toEqual([0]);
  });
  test('the same side of the branch replays fine, and the guard is visible on the list', () => {
    const tape = record(g, [-1.3]);
    expect(tape.guards).toEqual([{ op: 'lt', args: [{ entry: 0 }, { constant: 0 }], outcome: true, after: 1 }]);
    expect(tape.replay([-5])).toBe(0);
    expect(Array.from(compile(g, [-1.3]).gradient([-7]) as Float64Array)).toEqual([0]);
  });
});

test('comparisons work on numbers and on every AD value, and ifElse runs only the taken branch', () => {
  expect([lt(1, 2), le(2, 2), gt(1, 2), ge(1, 2), eq(0, -0), ne(1, 1)]).toEqual([true, true, false, false, true, false]);
  const h = (x: Value[]) => ifElse(gt(x[0]!, 1), () => log(x[0]!), () => mul(x[0]!, x[0]!));
  expect(grad(h)([2])).toEqual([0.5]);
  expect(grad(h)([0.5])).toEqual([1]);
  expect(jvp(h, [2], [1])[1]).toBe(0.5);
  expect(() => select('yes' as unknown as boolean, 1, 2)).toThrow(TypeError);
  expect(() => lt({} as unknown as number, 1)).toThrow(/a must be a number/);
  // Nested recordings each keep the guard.
  const inner = (x: Value[]) => grad((y: Value[]) => select(ge(y[0]!, 0), mul(y[0]!, y[0]!), 0))(x)[0]!;
  const outer = record(inner, [3]);
  expect(outer.guards).toHaveLength(1);
  expect(() => outer.replay([-3])).toThrow(RangeError);
});

describe('the interpreter with a generated dispatch loop (lists past codegenLimit)', () => {
  // A user-defined op has no generated case: it takes the fallback, mixed with generated cases.
  const cube = defineOp({ name: 'switchCube', arity: 1, value: (x: number) => x * x * x, partials: ([x]) => [mul(3, mul(x!, x!))] });
  const g = (x: Value[]): Value[] => [f(x), cube(add(x[0]!, x[2]!)), mul(pow(x[1]!, 2), max(x[0]!, x[1]!))];
  test('agrees bit for bit with a fresh recording and forward mode, on random points', () => {
    const c = compile(g, x0, { engine: 'interpreter' });
    expect(c.mode).toBe('interpreter');
    const plain = compile(g, x0, { engine: 'plain interpreter' });
    expect(plain.mode).toBe('plain interpreter');
    for (const x of [x0, x1, [0.3, -0.8, 2.1]]) {
      const tape = record(g, x);
      expect(Array.from(c.value(x) as Float64Array)).toEqual(tape.output);
      expect(Array.from(c.vjp(x, [1, -1, 2]) as Float64Array)).toEqual(tape.backward([1, -1, 2]));
      expect(Array.from(c.vjp(x, [1, -1, 2]) as Float64Array)).toEqual(Array.from(plain.vjp(x, [1, -1, 2]) as Float64Array));
      const [, yDot] = c.jvp(x, [0.5, 1, -1]);
      const forward = jvp(g, x, [0.5, 1, -1])[1];
      Array.from(yDot as Float64Array).forEach((v, i) => expect(v).toBeCloseToRel(forward[i]!, 1e-14));
    }
  });
});

describe('errors name what the user called', () => {
  const g = (x: Value[]) => select(lt(x[0]!, 0), 0, x[0]!);
  test.each(['codegen', 'rerolled', 'interpreter', 'plain interpreter'] as const)('%s: gradient, vjp, value, jvp, jacobian', (engine) => {
    const c = compile(f, x0, { engine });
    expect(() => c.gradient([1, 2])).toThrow(/^gradient: x must have length 3, got length 2/);
    expect(() => c.gradient('abc' as never)).toThrow(/^gradient: x must be an array of numbers/);
    expect(() => c.vjp([1, 2], 1)).toThrow(/^vjp: x must have length 3/);
    expect(() => c.vjp(x0, [1] as never)).toThrow(/^vjp: f returned a single number, so yBar must be a number/);
    expect(() => c.value([1])).toThrow(/^value: x must have length 3/);
    expect(() => c.jvp(x0, [1])).toThrow(/^jvp: v must have length 3/);
    expect(() => c.jacobian([1])).toThrow(/^jacobian: x must have length 3/);
    const v = compile(vf, x0, { engine });
    expect(() => v.gradient(x0)).toThrow(/^gradient: f must return a single number/);
    expect(() => v.vjp(x0, [1, 2])).toThrow(/^vjp: yBar must have length 3, got length 2/);
    // A branch change names the method too, on the numeric path and on the nesting path (AD values replay the tape).
    const b = compile(g, [-1.3], { engine });
    for (const [method, call] of [
      ['gradient', () => b.gradient([1.34])],
      ['value', () => b.value([1.34])],
      ['vjp', () => b.vjp([1.34], 1)],
      ['jvp', () => b.jvp([1.34], [1])],
      ['jacobian', () => b.jacobian([1.34])],
      ['gradient', () => jvp((x: Value[]) => b.gradient(x) as Value[], [1.34], [1])],
      ['jvp', () => b.jvp([1.34], [jvp((x: Value[]) => x[0]!, [1], [1])[0] as number])],
    ] as [string, () => unknown][]) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(BranchChangedError);
      expect(caught).toBeInstanceOf(RangeError);
      expect((caught as Error).message.startsWith(`${method}: x takes a different branch`)).toBe(true);
      expect((caught as BranchChangedError).comparison).toMatch(/^lt\(v0 = 1.34, 0\)/);
    }
  });
  test('the nesting path of gradient names gradient, not backward', () => {
    const c = compile(f, x0);
    expect(() => jvp((x: Value[]) => c.gradient(x) as Value[], [1, 2], [1, 0])).toThrow(/^gradient: x must have length 3/);
  });
  test('options.engine is checked', () => {
    expect(() => compile(f, x0, { engine: 'wasm' as never })).toThrow(/^compile: options.engine must be one of 'codegen', 'rerolled', 'interpreter', 'plain interpreter', got the string "wasm"/);
  });
});

// The generated engines zero each adjoint as their backward sweep reads it, so compile reuses its
// adjoint array without clearing it (Program.clearsAdjoints). Every call must still start clean:
// calls interleaved at other points and seeds, after a Hessian (which fills every adjoint), with
// entries whose adjoints are never read (floor and sign push nothing) and an output that is an input.
describe.each(compileModes)('engine %s: one call leaves nothing for the next', (engine) => {
  const g = (x: Value[]): Value[] => {
    let s: Value = 0;
    for (let i = 0; i + 1 < x.length; i++) s = add(s, mul(sin(x[i]!), add(floor(x[i + 1]!), x[i + 1]!)));
    return [s, mul(sign(x[0]!), x[1]!), x[2]!, exp(s)];
  };
  const points = [
    Array.from({ length: 30 }, (_, i) => 0.3 + 0.1 * i),
    Array.from({ length: 30 }, (_, i) => Math.cos(i)),
    Array.from({ length: 30 }, (_, i) => -1 + 0.05 * i),
  ];
  const seeds = [[1, 0, 0, 0], [0, 2, -1, 0.5], [0, 0, 0, 1], [3, -1, 4, 0]];
  test('vjp, jacobian and hessian in turn equal a fresh recording', () => {
    const c = compile(g, points[0]!, { engine, codegenLimit: engine === 'codegen' ? 10_000 : undefined });
    expect(c.mode).toBe(engine);
    const scalar = compile((x: Value[]) => g(x)[3]!, points[0]!, { engine, codegenLimit: engine === 'codegen' ? 10_000 : undefined });
    for (let round = 0; round < 2; round++) {
      for (const x of points) {
        for (const yBar of seeds) expect(Array.from(c.vjp(x, yBar) as Float64Array)).toEqual(record(g, x).backward(yBar));
        expect(c.jacobian(x).map((row) => Array.from(row))).toEqual(jacrev(g)(x));
        expect(Array.from(scalar.gradient(x) as Float64Array)).toEqual(grad((z: Value[]) => g(z)[3]!)(x));
        scalar.hessian(x);
        expect(Array.from(scalar.gradient(x) as Float64Array)).toEqual(grad((z: Value[]) => g(z)[3]!)(x));
      }
    }
  });
});

// A Jacobian row's backward sweep covers that output's cone only (the re-rolled engine skips
// the functions and loop repetitions outside it): rows in any order, cones that overlap through a
// shared term, an output computed before another's cone, a constant output, calls in turn.
describe.each(compileModes)('engine %s: jacobian rows from one cone each', (engine) => {
  const n = 10;
  const m = 12;
  const f = (x: Value[]): Value[] => {
    const shared = sin(x[0]!);
    const rows: Value[] = [];
    for (let i = 0; i < m - 2; i++) {
      let s: Value = 0;
      for (let j = 0; j < n; j++) s = add(s, sin(mul(1 + ((7 * i + 3 * j) % 11) / 10, x[j]!)));
      rows.push(i % 3 === 0 ? add(s, shared) : s);
    }
    // the first output is computed last, one output is a constant
    return [mul(rows[0]!, rows[m - 3]!), ...rows.slice(1), 4];
  };
  test('equals jacrev at several points, called in turn with vjp', () => {
    const x0 = Array.from({ length: n }, (_, j) => 0.3 + 0.01 * j);
    const c = compile(f, x0, { engine, codegenLimit: engine === 'codegen' ? 10_000 : undefined });
    expect(c.mode).toBe(engine);
    for (const x of [x0, x0.map((v) => v * 1.7 - 0.2), x0.map((v, j) => Math.cos(v + j))]) {
      expect(c.jacobian(x).map((row) => Array.from(row))).toEqual(jacrev(f)(x));
      const yBar = Array.from({ length: m - 1 }, (_, i) => (i % 2 === 0 ? 1 : -0.5));
      expect(Array.from(c.vjp(x, yBar) as Float64Array)).toEqual(record(f, x).backward(yBar));
    }
  });
});

test('codegen: the gradient\'s lean forward sweep still computes what a guard compares, so a branch flip is seen', () => {
  // The product is read by the comparison only: the backward sweeps of sin and cos read x itself.
  const f = (x: Value[]): Value => select(gt(mul(x[0]!, x[1]!), 1), sin(x[0]!), cos(x[1]!));
  expect(() => compile(f, [2, 1], { engine: 'codegen' }).gradient([0.1, 0.1])).toThrow(BranchChangedError);
  const c = compile(f, [2, 1], { engine: 'codegen', onBranchChange: 'rerecord' });
  expect(c.mode).toBe('codegen');
  expect(c.gradient([2, 1])).toEqual(Float64Array.from(record(f, [2, 1]).backward(1)));
  // 0.1 · 0.1 < 1: the other branch, recorded again.
  expect(c.gradient([0.1, 0.1])).toEqual(Float64Array.from(record(f, [0.1, 0.1]).backward(1)));
  expect(Array.from(c.gradient([0.1, 0.1]))).toEqual([0, -Math.sin(0.1)]);
});

describe('gradient and vjp into a preallocated array (out)', () => {
  const wide = (x: Value[]): Value => {
    let s: Value = 0;
    for (let i = 0; i + 1 < x.length; i++) s = add(s, mul(sin(x[i]!), x[i + 1]!));
    return s;
  };
  const x40 = Array.from({ length: 40 }, (_, i) => 0.3 + 0.02 * i);
  test.each(['codegen', 'rerolled', 'interpreter', 'plain interpreter'] as const)('%s: writes the same numbers as a fresh array, returns out, and keeps no state between calls', (engine) => {
    // Small (element loop) and large (builtin copy) input counts, a scalar and a vector f.
    for (const [fn, at, yBar] of [[f, x0, 1], [wide, x40, 1], [vf, x0, [1, -2, 0.5]]] as const) {
      const c = compile(fn, at, { engine });
      const fresh = (x: number[]) => (c.outputCount === 1 ? c.gradient(x) : c.vjp(x, yBar));
      const into = (x: number[], out: Float64Array) => (c.outputCount === 1 ? c.gradient(x, out) : c.vjp(x, yBar, out));
      const out = new Float64Array(at.length).fill(NaN);
      for (const x of [at, at.map((v) => v * 1.5), at]) {
        expect(into(x, out)).toBe(out);
        expect(out).toEqual(fresh(x));
        expect(Array.from(out)).toEqual(record(fn, x).backward(yBar));
      }
      // out may be x itself: x is read before anything is written.
      const aliased = Float64Array.from(at);
      expect(into(aliased as never, aliased)).toEqual(fresh(at));
    }
  });

  test('the unchecked sweep\'s rerun (a zero met an infinity) lands in out too', () => {
    const g = (x: Value[]): Value => mul(sqrt(floor(x[0]!)), x[1]!);
    const c = compile(g, [2.5, 1], { engine: 'codegen' });
    const out = new Float64Array(2).fill(7);
    expect(Array.from(c.gradient([0.5, 3], out))).toEqual(record(g, [0.5, 3]).backward(1));
    expect(Array.from(out)).toEqual([0, 0]);
  });

  test('a wrong out is a clear TypeError or RangeError naming out; AD values in x cannot go into out', () => {
    const c = compile(f, x0);
    expect(() => c.gradient(x0, [0, 0, 0] as never)).toThrow(TypeError);
    expect(() => c.gradient(x0, [0, 0, 0] as never)).toThrow(/^gradient: out must be a Float64Array of length 3 \(or omitted\), got/);
    expect(() => c.gradient(x0, new Float32Array(3) as never)).toThrow(/^gradient: out must be a Float64Array/);
    expect(() => c.gradient(x0, new Float64Array(2))).toThrow(RangeError);
    expect(() => c.vjp(x0, 1, new Float64Array(4))).toThrow(/^vjp: out must have length 3 \(one entry per input\), got length 4/);
    expect(() => grad((x: Value[]) => { const out = new Float64Array(3); return (c.gradient(x as never, out) as unknown as Value[])[0]!; })(x0)).toThrow(
      /^gradient: out receives numbers, but x holds AD values/,
    );
    // Nothing was half-done: the next call is right.
    expect(Array.from(c.gradient(x0, new Float64Array(3)))).toEqual(grad(f)(x0));
  });
});

describe("codegen: a small scalar f's VJP as one fused function (locals for its values and adjoints)", () => {
  const worked = (x: Value[]): Value => add(sub(log(x[0]!), sin(x[1]!)), mul(x[0]!, x[1]!));
  test('gives the unchecked sweep\'s numbers where they are exact, 2 where they are not, 0 for what it does not take', () => {
    const program = straightLine(record(worked, [2, 5]).flat(), 24_000)!;
    const out = new Float64Array(2);
    for (const at of [[2, 5], [0.5, -3], [1e-300, 1e300], [-0, 0]]) {
      const done = program.fuseVjp!()!(at, 1, out);
      const fresh = record(worked, at).backward(1);
      if (fresh.every(Number.isFinite)) {
        expect(done).toBe(1);
        expect(Array.from(out)).toEqual(fresh);
      } else expect(done).toBe(2);
    }
    expect(program.fuseVjp!()!([2, 5], -2.5, out)).toBe(1);
    expect(Array.from(out)).toEqual(record(worked, [2, 5]).backward(-2.5));
    expect(program.fuseVjp!()!([2, 'five'], 1, out)).toBe(0);
    // A guard needs the ordinary path (it may throw or re-record), and so does a vector f.
    const guarded = straightLine(record((x: Value[]) => select(lt(x[0]!, 1), x[0]!, x[1]!), [2, 5]).flat(), 24_000)!;
    expect(guarded.fuseVjp!()).toBeUndefined();
    expect(straightLine(record(vf, x0).flat(), 24_000)!.fuseVjp!()).toBeUndefined();
  });

  test('compile(f).gradient and vjp take it and agree with a fresh recording at IEEE special points, fresh array or out', () => {
    const c = compile(worked, [2, 5]);
    expect(c.mode).toBe('codegen');
    const special = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-308, 1e308];
    const out = new Float64Array(2);
    for (const a of special) {
      for (const b of special) {
        const fresh = record(worked, [a, b]).backward(1);
        expect(Array.from(c.gradient([a, b]))).toEqual(fresh);
        expect(Array.from(c.gradient([a, b], out))).toEqual(fresh);
        expect(Array.from(c.vjp([a, b], 3))).toEqual(record(worked, [a, b]).backward(3));
      }
    }
  });
});
