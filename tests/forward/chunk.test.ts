// Chunked forward mode: k tangents per pass give the same Jacobian as one-tangent passes and as reverse mode.
import {
  ADValue, ChunkDual, ChunkTrace, add, defaultChunkSize, grad, jacfwd, jacrev, mul, sin, sqrt, exp, hessian, type Value,
} from '../../src/index';
import fc from 'fast-check';
import { relErr } from '../helpers/numeric';
import { pointArb, programArb } from '../property/programs';

test('every chunk size gives the same Jacobian as one-tangent passes and as jacrev (random programs)', () => {
  fc.assert(fc.property(programArb({ maxSteps: 30 }), pointArb(), (p, pt) => {
    const x = pt.slice(0, p.inputs);
    const one = jacfwd(p.f, { chunkSize: 1 })(x);
    const R = jacrev(p.f)(x);
    for (const chunkSize of [2, 3, 8, undefined]) {
      const C = jacfwd(p.f, chunkSize === undefined ? {} : { chunkSize })(x);
      // the same arithmetic per direction, so the same bits
      expect(C).toEqual(one);
      C.forEach((row, i) => row.forEach((v, j) => expect(relErr(v, R[i]![j]!)).toBeLessThan(1e-12)));
    }
  }), { numRuns: 60, seed: 424242 });
});

test('ceil(n / k) passes: counted by the calls of f', () => {
  let calls = 0;
  const f = (x: Value[]) => {
    calls++;
    return x.reduce((s: Value, xi, i) => add(s, mul(i + 1, sin(xi))), 0);
  };
  const x = Array.from({ length: 20 }, (_, i) => i / 10);
  for (const [chunkSize, passes] of [[1, 20], [3, 7], [8, 3], [20, 1], [64, 1]] as const) {
    calls = 0;
    const J = jacfwd(f, { chunkSize })(x);
    expect(calls).toBe(passes);
    J[0]!.forEach((v, j) => expect(relErr(v, (j + 1) * Math.cos(x[j]!))).toBeLessThan(1e-15));
  }
  calls = 0;
  jacfwd(f)(x);
  expect(calls).toBe(Math.ceil(20 / defaultChunkSize(20)));
});

test('defaultChunkSize splits n into equal passes of at most 8', () => {
  expect([1, 5, 8, 9, 16, 17, 50, 200].map(defaultChunkSize)).toEqual([1, 5, 8, 5, 8, 6, 8, 8]);
});

test('chunks nest: jacfwd (chunked) over grad is the Hessian, and chunked jacfwd can be differentiated', () => {
  const f = (x: Value[]) => mul(exp(x[0]!), mul(x[1]!, sin(x[2]!)));
  const x = [0.3, -1.1, 0.8];
  const H = hessian(f)(x);
  const C = jacfwd((p: Value[]) => grad(f)(p), { chunkSize: 3 })(x);
  C.forEach((row, i) => row.forEach((v, j) => expect(relErr(v, H[i]![j]!)).toBeLessThan(1e-13)));
  const G = jacrev((p: Value[]) => jacfwd(f, { chunkSize: 2 })(p)[0]!)(x);
  G.forEach((row, i) => row.forEach((v, j) => expect(relErr(v, H[i]![j]!)).toBeLessThan(1e-13)));
});

test('zero tangents never meet infinite partials (no NaN), as in one-tangent mode', () => {
  const f = (x: Value[]) => add(sqrt(x[0]!), x[1]!);
  expect(jacfwd(f, { chunkSize: 2 })([0, 1])).toEqual([[Infinity, 1]]);
});

test('ChunkDual by hand, and bad input', () => {
  const pass = new ChunkTrace('test', 2);
  expect(Array.from((mul(new ChunkDual(3, [1, 0], pass), new ChunkDual(4, [0, 1], pass)) as ChunkDual).tangents)).toEqual([4, 3]);
  expect(() => new ChunkDual(1, [1], pass)).toThrow(/tangents must have length 2/);
  // An AD value like the others (its class is linked under ADValue without `extends`).
  const d = new ChunkDual(1, [1, 2], pass);
  expect(d instanceof ADValue && String(d) === 'ChunkDual(1, [1, 2])').toBe(true);
  expect(() => (d as unknown as number) * 2).toThrow(/used with a JavaScript operator/);
  pass.active = false;
  expect(() => jacfwd((x) => x[0]!, { chunkSize: 0 })).toThrow(/jacfwd: options.chunkSize must be a positive integer/);
  expect(() => jacfwd((x) => x[0]!, { chunkSize: 1.5 })).toThrow(RangeError);
});

test('results past many blocks of a pass keep their own tangents (the fast path writes them into shared blocks)', () => {
  // 3 tangents and 2,000 steps: the pass fills several blocks; every intermediate kept must still
  // read its own tangents, as the same steps with one tangent per pass give them.
  let kept: Value[] = [];
  const steps = (x: Value[]) => {
    kept = [];
    let y: Value = x[0]!;
    for (let k = 0; k < 2000; k++) {
      y = add(mul(sin(y), x[1]!), mul(0.5, x[2]!));
      if (k % 97 === 0) kept.push(y);
    }
    return [y, ...kept.map((v) => mul(v, 1))];
  };
  const x = [0.3, 0.9, -0.2];
  let views = false;
  const C = jacfwd((x) => {
    const out = steps(x);
    views = kept.every((v) => v instanceof ChunkDual && v.tangents instanceof Float64Array && v.tangents.length === 3);
    return out;
  }, { chunkSize: 3 })(x);
  expect(kept.length).toBe(21);
  expect(views).toBe(true);
  expect(C).toEqual(jacfwd(steps, { chunkSize: 1 })(x));
  // And a chunk dual built by hand with AD-valued tangents (nesting) is read as it was given.
  const outer = new ChunkTrace('outer', 1);
  const inner = new ChunkTrace('inner', 2);
  const nested = new ChunkDual(2, [new ChunkDual(1, [1], outer), 0], inner);
  expect(nested.tangents[1]).toBe(0);
  expect((mul(nested, nested) as ChunkDual).tangents[0]).toBeInstanceOf(ChunkDual);
  outer.active = false;
  inner.active = false;
});

describe("jacfwd's passes reuse the blocks of finished passes", () => {
  // Long enough that a pass fills many blocks larger than V8's on-heap typed arrays (the ones kept).
  const loop = (x: Value[]): Value[] => {
    let y: Value = x[0]!;
    let z: Value = x[2]!;
    for (let k = 0; k < 3000; k++) {
      y = add(mul(sin(y), x[0]!), exp(mul(-0.5, mul(y, x[1]!))));
      z = add(z, mul(y, 1e-3));
    }
    return [y, z];
  };

  test('later passes, on other inputs and nested, compute the same Jacobians as before any reuse', () => {
    const xa = [0.5, 0.3, 0.1];
    const xb = [0.7, -0.2, 0.4];
    const first = jacfwd(loop, { chunkSize: 2 })(xa);
    const other = jacfwd(loop, { chunkSize: 3 })(xb);
    expect(jacfwd(loop, { chunkSize: 2 })(xa)).toEqual(first);
    expect(jacfwd(loop, { chunkSize: 3 })(xb)).toEqual(other);
    // each pass against one-tangent passes and reverse mode (independent of any block)
    expect(jacfwd(loop, { chunkSize: 1 })(xa)).toEqual(first);
    const R = jacrev(loop)(xb);
    other.forEach((row, i) => row.forEach((v, j) => expect(relErr(v, R[i]![j]!)).toBeLessThan(1e-12)));
    // An inner jacfwd finishing (and giving its blocks back) while the outer pass still writes its own.
    const outer = jacfwd((x: Value[]) => [add(jacfwd(loop, { chunkSize: 2 })(x)[0]![0]!, mul(loop(x)[1]!, x[1]!))], { chunkSize: 3 })(xa);
    const byReverse = jacrev((x: Value[]) => [add(jacfwd(loop, { chunkSize: 2 })(x)[0]![0]!, mul(loop(x)[1]!, x[1]!))])(xa);
    outer[0]!.forEach((v, j) => expect(relErr(v, byReverse[0]![j]!)).toBeLessThan(1e-10));
  });

  test("a dual that escaped a jacfwd pass cannot read tangents another pass may have overwritten", () => {
    let escaped: Value = 0;
    jacfwd((x: Value[]) => {
      escaped = loop(x)[0]!;
      return [escaped];
    })([0.5, 0.3, 0.1]);
    jacfwd(loop)([0.1, 0.2, 0.3]);
    expect(escaped).toBeInstanceOf(ChunkDual);
    expect(() => (escaped as ChunkDual).tangents).toThrow(TypeError);
    expect(() => (escaped as ChunkDual).tangents).toThrow(/ChunkDual\.tangents: an AD value of a chunked forward pass \(jacfwd\) that has already finished was used/);
    expect(String(escaped)).toMatch(/^ChunkDual\(-?[\d.e-]+, \[tangents of a finished pass\]\)$/);
    // a pass made by hand keeps its blocks, so its duals stay readable after it ends
    const pass = new ChunkTrace('demo', 2);
    const d = sin(new ChunkDual(0, [1, 2], pass)) as ChunkDual;
    pass.active = false;
    expect(Array.from(d.tangents as Float64Array)).toEqual([1, 2]);
  });
});
