// checkpoint(f) and scan(..., { checkpoints }): the gradients of the plain recording, in every engine and nesting, with their cost accounted.
import fc from 'fast-check';
import {
  add, binomialRecomputations, checkpoint, firstSnapshots, compile, cos, derivative, grad, hessian, jacfwd, jacrev, jvp, mul, record, scan, sin, tanh, taylor, vjp,
  lt, select, type Value,
} from '../../src/index';
import { engines as allEngines } from '../helpers/engines';

// compile's code generators (straight-line and re-rolled) run lists with call entries on the interpreter (tested below), so they are not more engines here.
const engines = allEngines.filter((e) => e.name !== 'codegen' && e.name !== 'rerolled');
import { type Program, pointArb, programArb, runs } from '../property/programs';

const seedOpt = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};
const params = (n: number): fc.Parameters<unknown[]> => ({ numRuns: runs(n), ...seedOpt });
const at = (p: Program, x: number[]) => x.slice(0, p.inputs);

/** Equal to 1e-13 relative (entry by entry; NaN matches NaN). */
function expectClose(got: readonly number[], want: readonly number[], tol = 1e-13): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (Number.isNaN(w)) expect(g).toBeNaN();
    else if (!Number.isFinite(w)) expect(g).toBe(w);
    else expect(Math.abs(g - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}

/** The W3 recurrence y ← sin(y)·a + cos(y·b), parameters carried along. */
const w3Step = ([y, a, b]: Value[]) => [add(mul(sin(y!), a!), cos(mul(y!, b!))), a!, b!];
const w3 = (K: number, checkpoints?: number) => (x: Value[]) =>
  scan(w3Step, [x[0]!, x[0]!, x[1]!], K, checkpoints === undefined ? undefined : { checkpoints })[0]!;
const w3Loop = (K: number) => (x: Value[]): Value => {
  let y: Value = x[0]!;
  for (let k = 0; k < K; k++) y = add(mul(sin(y), x[0]!), cos(mul(y, x[1]!)));
  return y;
};

/** A scan step made of a random program: each carry element moves by a bounded amount of one of its outputs. */
const programStep = (p: Program) => (c: Value[]) => {
  const out = p.f(c);
  return c.map((ci, j) => add(ci, mul(0.1, tanh(out[j % out.length]!))));
};

/** The Hessian of a scalar h at X by every mode pair (forward/reverse over reverse/forward) and by hessian. */
const secondOrderInEveryModePair = (X: number[]) => [
  (h: (x: Value[]) => Value) => jacfwd((x: Value[]) => grad(h)(x))(X),
  (h: (x: Value[]) => Value) => jacrev((x: Value[]) => grad(h)(x))(X),
  (h: (x: Value[]) => Value) => jacfwd((x: Value[]) => jacfwd(h)(x)[0]!)(X),
  (h: (x: Value[]) => Value) => jacrev((x: Value[]) => jacfwd(h)(x)[0]!)(X),
  (h: (x: Value[]) => Value) => hessian(h)(X),
];

describe('checkpoint(f)', () => {
  test('random programs: values and vjps equal the plain recording (every output, all engines)', () => {
    fc.assert(
      fc.property(programArb({ maxSteps: 25 }), pointArb(), pointArb(), (p, pt, pt2) => {
        const x = at(p, pt);
        const x2 = at(p, pt2);
        const ck = checkpoint(p.f);
        // checkpoint inside a larger function: the call's inputs and outputs mix with primitives around it
        const wrapped = (z: Value[]) => ck(z.map((zi) => mul(zi, 1.5))).map((y) => sin(y));
        const plain = (z: Value[]) => p.f(z.map((zi) => mul(zi, 1.5))).map((y) => sin(y));
        const seed = p.outputs.map((_, i) => 1 + i / 4);
        const want = record(plain, x2);
        const wantBar = want.backward(seed);
        const tape = record(wrapped, x2);
        expect(tape.output).toEqual(want.output);
        expectClose(tape.backward(seed), wantBar);
        for (const engine of engines) {
          const got = engine.vjp(wrapped, x, x2, seed);
          expect(got.output).toEqual(want.output);
          expectClose(got.adjoints, wantBar);
          if (engine.jvp !== undefined) {
            const v = x.map((_, j) => (j % 2 === 0 ? 1 : -0.5));
            expectClose(engine.jvp(wrapped, x, x2, v), jvp(plain, x2, v)[1]);
          }
        }
      }),
      params(40),
    );
  });

  test('one entry per output in the enclosing recording, f recomputed in the sweep', () => {
    const f = (x: Value[]) => [sin(mul(x[0]!, x[1]!)), add(x[0]!, x[1]!)];
    const block = checkpoint(f);
    const tape = record((x) => mul(block(x)[0]!, block(x)[1]!), [1, 2]);
    expect(tape.entries.map((e) => e.op)).toEqual(['input', 'input', 'checkpoint(f)[0]', 'checkpoint(f)[1]', 'checkpoint(f)[0]', 'checkpoint(f)[1]', 'mul']);
    expect(tape.entries[2]!.inputs).toEqual([0, 1]);
    const before = tape.cost;
    expect(before.calls).toBe(2);
    expect(before.sweepEvaluations).toBe(0);
    expect(before.forwardEvaluations).toBe(1 + 2 * 3);
    const want = grad((x) => mul(f(x)[0]!, f(x)[1]!))([1, 2]);
    expect(tape.backward(1)).toEqual(want);
    // each call re-records its 3 primitives once per sweep
    expect(tape.cost.sweepEvaluations).toBe(6);
    expect(tape.cost.stepsRecomputed).toBe(0);
  });

  test('a scalar f gives a scalar; a constant output and unused outputs have no effect', () => {
    const sq = checkpoint((x: Value[]) => mul(x[0]!, x[0]!));
    expect(grad((x) => sq(x) as Value)([3])).toEqual([6]);
    const two = checkpoint((x: Value[]) => [7, sin(x[0]!)]);
    expect(grad((x) => add(two(x)[0]!, mul(2, two(x)[1]!)))([0.3])).toEqual(grad((x) => mul(2, sin(x[0]!)))([0.3]));
    expect(grad((x) => two(x)[0]!)([0.3])).toEqual([0]);
  });

  test('outside a numeric recording it is f itself: forward mode, Taylor mode and every nesting', () => {
    const f = (x: Value[]) => mul(sin(mul(x[0]!, x[1]!)), add(x[0]!, cos(x[1]!)));
    const ck = checkpoint(f);
    const g = (x: Value[]) => ck(x) as Value;
    const X = [0.7, -1.3];
    expect(jvp(g, X, [1, 2])).toEqual(jvp(f, X, [1, 2]));
    expect(derivative((t: Value) => g([t, 2]))(0.4)).toBe(derivative((t: Value) => f([t, 2]))(0.4));
    expect(taylor(g, X, [1, 0.5], 4)).toEqual(taylor(f, X, [1, 0.5], 4));
    for (const H of secondOrderInEveryModePair(X)) expect(H(g)).toEqual(H(f));
  });

  test('a recording that becomes nested after the call sweeps the call with AD-valued adjoints', () => {
    const f = (x: Value[]) => [sin(mul(x[0]!, x[1]!)), cos(x[0]!)];
    const ck = checkpoint(f);
    // Inside grad the list records numbers until the call is made; the product with the
    // outer variable s (a Dual, then a TapeVar) lifts it afterwards.
    const outer = (h: (x: Value[]) => Value[]) => (s: Value[]) => grad((x: Value[]) => add(mul(h(x)[0]!, s[0]!), h(x)[1]!))([0.3, 0.9]);
    expectClose(jacfwd(outer(ck))([1.7]).flat(), jacfwd(outer(f))([1.7]).flat());
    expectClose(jacrev(outer(ck))([1.7]).flat(), jacrev(outer(f))([1.7]).flat());
  });

  test('vjp pullbacks and compile replay it at new points (branches inside f are taken afresh)', () => {
    const f = (x: Value[]) => select(lt(x[0]!, 0), mul(x[0]!, x[0]!), sin(x[0]!));
    const ck = checkpoint(f);
    const [y, pull] = vjp((x: Value[]) => ck(x) as Value, [0.5]);
    expect(y).toBe(Math.sin(0.5));
    expect(pull(2)).toEqual([2 * Math.cos(0.5)]);
    const c = compile((x: Value[]) => ck(x) as Value, [0.5]);
    expect(c.mode).toBe('interpreter');
    expect(compile((x: Value[]) => ck(x) as Value, [0.5], { engine: 'codegen' }).mode).toBe('interpreter');
    expect(compile((x: Value[]) => ck(x) as Value, [0.5], { engine: 'rerolled' }).mode).toBe('interpreter');
    expect(Array.from(c.gradient([-2]))).toEqual([-4]);
    expect(Array.from(c.gradient([1]))).toEqual([Math.cos(1)]);
  });

  test('errors name the argument', () => {
    expect(() => checkpoint(3 as never)).toThrow(TypeError);
    expect(() => checkpoint(3 as never)).toThrow(/checkpoint: f must be a function/);
    const ck = checkpoint((x: Value[]) => x[0]!);
    expect(() => ck(5 as never)).toThrow(/checkpoint\(.*\): x must be an array/);
    // a closure over a value being differentiated cannot be re-run from the call's inputs
    expect(() => grad((x: Value[]) => checkpoint((z: Value[]) => mul(z[0]!, x[1]!))([x[0]!]) as Value)([1, 2])).toThrow(/closure/);
  });
});

describe('scan', () => {
  test('without options it is the plain loop; length 0 returns init', () => {
    const X = [0.5, 0.3];
    expect(grad(w3(50))(X)).toEqual(grad(w3Loop(50))(X));
    expect(w3(50)(X)).toBe(w3Loop(50)(X));
    expect(scan(w3Step, [1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(scan(w3Step, [1, 2, 3], 0, { checkpoints: 2 })).toEqual([1, 2, 3]);
    expect(scan((c, i) => [add(c[0]!, i)], [0], 5)).toEqual([10]);
  });

  test.each([1, 2, 3, 7, 64, 1000])('W3 with %p checkpoints: the plain recording\'s gradient, bit for bit, and the binomial count of recomputed steps', (c) => {
    const X = [0.5, 0.3];
    const K = 300;
    const tape = record(w3(K, c), X);
    expect(tape.length).toBe(2 + 3);
    expect(tape.output).toBe(w3Loop(K)(X));
    // the forward run kept the carries of the first descent: at most c − 1, each 3 numbers
    const firsts = firstSnapshots(K, c);
    expect(firsts.length).toBeLessThanOrEqual(c - 1);
    expect(tape.cost.storedValues).toBe(5 + 3 * firsts.length);
    expect(tape.backward(1)).toEqual(grad(w3(K))(X));
    const cost = tape.cost;
    // revolve's count t(K, c) includes the forward run to the last first snapshot, which the recording already did
    const saved = firsts.at(-1) ?? 0;
    expect(cost.stepsRecomputed).toBe(binomialRecomputations(K, c) - saved);
    // every step recorded once by the sweep (5 primitives each), plus the advances on numbers
    expect(cost.sweepEvaluations).toBe(5 * (K + binomialRecomputations(K, c) - saved));
    expect(cost.forwardEvaluations).toBe(5 * K);
    // the kept carries were handed to the sweep and dropped with its snapshots
    expect(cost.storedValues).toBe(5);
    // a second sweep has no kept carries: it recomputes exactly revolve's count
    tape.backward(2);
    expect(tape.cost.stepsRecomputed - cost.stepsRecomputed).toBe(binomialRecomputations(K, c));
    // and a replay elsewhere gives the plain loop's gradient there
    tape.replay([0.6, 0.2]);
    expect(tape.backward(1)).toEqual(grad(w3(K))([0.6, 0.2]));
  });

  test.each([
    [4, 10],
    [2, 7],
    [64, 32],
    [3, 1000],
  ])('W3 with %p checkpoints over blocks of %p steps: the same gradient, the binomial count over blocks', (c, b) => {
    const X = [0.5, 0.3];
    const K = 300;
    const blocks = Math.ceil(K / b);
    const tape = record((x: Value[]) => scan(w3Step, [x[0]!, x[0]!, x[1]!], K, { checkpoints: c, block: b })[0]!, X);
    expect(tape.entries[2]!.op).toBe(`scan(w3Step, 300, { checkpoints: ${c}, block: ${b} })[0]`);
    expect(tape.output).toBe(w3Loop(K)(X));
    expect(tape.backward(1)).toEqual(grad(w3(K))(X));
    tape.backward(1);
    // the second sweep: revolve's count over blocks, each advance of whole blocks (the last one K - (blocks - 1)·b steps)
    const second = tape.cost.stepsRecomputed;
    expect(second > 0).toBe(blocks > 1);
    if (K % b === 0) {
      const firsts = firstSnapshots(blocks, c);
      expect(second).toBe(b * (2 * binomialRecomputations(blocks, c) - (firsts.at(-1) ?? 0)));
    }
    expect(tape.cost.sweepEvaluations).toBe(5 * (2 * K + second));
  });

  test('random programs as steps: gradients equal the plain loop for any c, in all engines', () => {
    fc.assert(
      fc.property(programArb({ maxSteps: 12 }), pointArb(), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 6 }), (p, pt, K, c) => {
        const x = at(p, pt);
        const step = programStep(p);
        const plain = (z: Value[]) => scan(step, z, K).map((v) => mul(v, v));
        const ck = (z: Value[]) => scan(step, z, K, { checkpoints: c, block: 1 + (K % 3) }).map((v) => mul(v, v));
        const seed = x.map((_, i) => 1 - i / 3);
        const want = record(plain, x);
        fc.pre(want.output instanceof Array && (want.output as number[]).every(Number.isFinite));
        const wantBar = want.backward(seed);
        const tape = record(ck, x);
        expect(tape.output).toEqual(want.output);
        expectClose(tape.backward(seed), wantBar);
        for (const engine of engines) expectClose(engine.vjp(ck, x, x, seed).adjoints, wantBar);
      }),
      params(40),
    );
  });

  test('nesting in every mode pair: Hessians through a checkpointed scan equal the plain loop\'s', () => {
    const X = [0.5, 0.3];
    const f = w3(20);
    const g = w3(20, 3);
    for (const H of secondOrderInEveryModePair(X)) expectClose(H(g).flat(), H(f).flat());
    expect(jvp(g, X, [1, -1])).toEqual(jvp(f, X, [1, -1]));
    // recorded as a call, then the list is lifted by an outer variable: the AD-valued sweep runs revolve too
    const outer = (ck?: number) => (s: Value[]) => grad((x: Value[]) => mul(w3(20, ck)(x), s[0]!))(X);
    expectClose(jacfwd(outer(3))([1.5]).flat(), jacfwd(outer())([1.5]).flat());
  });

  test('the tangent sweep of a list with a scan call (compile jvp) equals forward mode', () => {
    const c = compile(w3(40, 4), [0.5, 0.3]);
    const [y, t] = c.jvp([0.6, 0.2], [1, 0.5]) as [number, number];
    const [y2, t2] = jvp(w3Loop(40), [0.6, 0.2], [1, 0.5]);
    expect(y).toBe(y2);
    expectClose([t], [t2 as number]);
  });

  test('calls nest: checkpoint inside a checkpointed scan\'s step, and inside checkpoint', () => {
    const inner = checkpoint((c: Value[]) => w3Step(c));
    const nested = (x: Value[]) => scan((c) => inner(c), [x[0]!, x[0]!, x[1]!], 40, { checkpoints: 3 })[0]!;
    const X = [0.5, 0.3];
    expect(grad(nested)(X)).toEqual(grad(w3(40))(X));
    const twice = checkpoint((x: Value[]) => checkpoint((z: Value[]) => [sin(mul(z[0]!, z[1]!))])(x));
    expectClose(grad((x: Value[]) => twice(x)[0]!)(X), grad((x: Value[]) => sin(mul(x[0]!, x[1]!)))(X));
    expect(record(nested, X).cost.calls).toBe(1);
  });

  test('errors name the argument', () => {
    expect(() => scan(3 as never, [1], 2)).toThrow(/scan: step must be a function/);
    expect(() => scan(w3Step, 1 as never, 2)).toThrow(/scan: init must be an array/);
    expect(() => scan(w3Step, [1, 2, 3], 2.5)).toThrow(RangeError);
    expect(() => scan(w3Step, [1, 2, 3], -1)).toThrow(/scan: length must be a non-negative integer, got -1/);
    expect(() => scan(w3Step, [1, 2, 3], '3' as never)).toThrow(TypeError);
    expect(() => scan(w3Step, [1, 2, 3], 3, { checkpoints: 0 })).toThrow(/options.checkpoints must be an integer ≥ 1, got 0/);
    expect(() => scan(w3Step, [1, 2, 3], 3, { checkpoints: 1.5 })).toThrow(RangeError);
    expect(() => scan(w3Step, [1, 2, 3], 3, 5 as never)).toThrow(TypeError);
    expect(() => scan(w3Step, [1, 2, 3], 3, { checkpoints: 2, block: 0 })).toThrow(/options.block must be an integer ≥ 1, got 0/);
    expect(() => scan(w3Step, [1, 2, 3], 3, { block: 2 })).toThrow(/options.block needs options.checkpoints/);
    expect(() => scan((c) => [c[0]!], [1, 2], 3)).toThrow(/step must return a carry of length 2 \(the length of init\), but returned length 1 at step 0/);
    expect(() => grad((x: Value[]) => scan((c) => [c[0]!, c[1]!, 0], x, 3, { checkpoints: 2 })[0]!)([1, 2])).toThrow(RangeError);
    expect(() => scan(() => 5 as never, [1], 3)).toThrow(TypeError);
    expect(() => grad((x: Value[]) => scan((c) => [mul(c[0]!, x[1]!)], [x[0]!], 3, { checkpoints: 2 })[0]!)([1, 2])).toThrow(/closure/);
  });
});
