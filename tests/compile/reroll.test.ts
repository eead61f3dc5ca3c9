// The re-rolled backend on lists that have loops: runs are found, and every engine replays them bit for bit as a fresh recording does.
import fc from 'fast-check';
import { add, compile, floor, gt, lt, mul, record, select, sin, sqrt, sub, BranchChangedError, type Value } from '../../src/index';
import { rerolled } from '../../src/compile/reroll';
import { coverage, findRuns } from '../../src/compile/loopRuns';
import { findGuardRuns, guardCheck } from '../../src/compile/guardCheck';
import { straightLine } from '../../src/compile/straightLine';
import { hessianProducts, KeptSecondOrderArrays, secondOrderSweep } from '../../src/engine/secondOrder';
import { generatedInterpreter, plainInterpreter, seedOutputs } from '../../src/engine/sweeps';
import { interpreted } from '../../src/compile/program';
import { partialTangentsParts } from '../../src/engine/partialTangents';
import { opByCode } from '../../src/ops/opDef';
import { rosenbrock, scalarLoop, sinSum } from '../../benchmarks/workloads';
import { engines, expectReplayLikeFresh } from '../helpers/engines';
import { withoutNewFunction } from '../helpers/csp';
import { Program, pointArb, programArb, runs } from '../property/programs';

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 2];
const IEEE = [NaN, Infinity, -Infinity, 0, -0, 1e308, -1e-308];
const seed = process.env.DUALTAPE_SEED ? { seed: Number(process.env.DUALTAPE_SEED) } : {};

/**
 * A program whose body (a random program, then `add(its last value, state 0)`, which keeps a
 * chain of entries from one repetition to the next) runs `k` times: repetition t reads, in
 * place of the body's inputs, the last values of repetition t - 1 (the inputs themselves for
 * t = 0). With `strided`, each constant changes from one repetition to the next (W4's a_ij),
 * so the re-rolled loop reads it from the constants rather than as a literal.
 */
function looped(random: Program, k: number, strided: boolean): Program {
  const n = random.inputs;
  const body = [...random.steps, { op: 'add' as const, args: [n + random.steps.length - 1, 0] }];
  const S = body.length;
  const steps: Program['steps'][number][] = [];
  for (let t = 0; t < k; t++) {
    const base = n + t * S;
    const previous = n + (t - 1) * S;
    for (const s of body) {
      const args = s.args.map((a) => (a < 0 ? a : a >= n ? base + (a - n) : t === 0 ? a : previous + S - 1 - (a % S)));
      steps.push(s.constant === undefined ? { op: s.op, args } : { op: s.op, args, constant: strided ? s.constant + t / 8 : s.constant });
    }
  }
  const last = n + k * S - 1;
  return new Program(n, steps, [last, last - 1], random.guarded);
}

const loopedArb = fc
  .record({ body: programArb({ maxSteps: 8 }), k: fc.integer({ min: 7, max: 12 }), strided: fc.boolean() })
  .map(({ body, k, strided }) => looped(body, k, strided));
test('the run search finds the loop of a repeated body, and its runs cover whole repetitions', () => {
  fc.assert(
    fc.property(loopedArb, pointArb(), (p, pt) => {
      const flat = record(p.f, pt.slice(0, p.inputs)).flat();
      const found = findRuns(flat);
      // Repetitions 2 .. k-1 read the previous one at a constant stride (repetition 1 reads the inputs'
      // neighbourhood at a stride of its own): at least 5 repetitions of a loop.
      expect(found.length).toBeGreaterThan(0);
      // The loop's steady state reaches the end of the list: the last run ends less than a
      // period before it (a run may start mid-repetition, leaving part of one at the end).
      const lastRun = found[found.length - 1]!;
      expect(flat.length - (lastRun.start + lastRun.period * lastRun.reps)).toBeLessThan(lastRun.period);
      let end = flat.inputCount;
      for (const r of found) {
        expect(r.start).toBeGreaterThanOrEqual(end);
        expect(r.reps).toBeGreaterThanOrEqual(4);
        end = r.start + r.period * r.reps;
      }
      expect(end).toBeLessThanOrEqual(flat.length);
    }),
    { numRuns: runs(100), ...seed },
  );
});

describe.each(engines)('engine: $name, on programs with loops', (engine) => {
  test('replay == fresh recording (outputs, adjoints), tangents == a fresh forward pass', () => {
    fc.assert(
      fc.property(loopedArb, pointArb(SPECIAL), pointArb([...SPECIAL, ...IEEE]), (p, pt, pt2) => {
        const x = pt.slice(0, p.inputs);
        const x2 = pt2.slice(0, p.inputs);
        const seed = [1, 0.75];
        expectReplayLikeFresh(engine, p.f, x, x2, seed);
      }),
      { numRuns: runs(40), ...seed },
    );
  });
});

describe('the workloads the backend is for are re-rolled, not left to the interpreter', () => {
  test('Rosenbrock (n = 2000): compile picks the re-rolled engine by itself, one loop covers all but the first repetition', () => {
    const x = Array.from(rosenbrock.point(2000));
    const tape = record(rosenbrock.f, x);
    const flat = tape.flat();
    const found = findRuns(flat);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ period: 8, reps: 1998 });
    expect(coverage(flat, found).straight).toBeLessThan(16);
    const c = compile(rosenbrock.f, x);
    expect(c.mode).toBe('rerolled');
    const x2 = x.map((xi, i) => xi + Math.cos(i) / 4);
    const interpreted = compile(rosenbrock.f, x, { engine: 'interpreter' });
    expect(c.gradient(x2)).toEqual(interpreted.gradient(x2));
    expect(c.gradient(x2)).toEqual(Float64Array.from(record(rosenbrock.f, x2).backward(1)));
    const v = x.map((_, i) => (i % 3) - 1);
    expect(c.jvp(x2, v)).toEqual(interpreted.jvp(x2, v));
  });

  test('W3 and W4 (strided constants) are re-rolled and agree bit for bit with the interpreter', () => {
    const w3 = compile(scalarLoop.f(2000), Array.from(scalarLoop.point));
    expect(w3.mode).toBe('rerolled');
    expect(w3.gradient([0.4, 0.35])).toEqual(compile(scalarLoop.f(2000), Array.from(scalarLoop.point), { engine: 'interpreter' }).gradient([0.4, 0.35]));
    const x = Array.from(sinSum.point(30));
    // Nested loops: one outer run over the rows (3 entries per column), not 30 inner runs, so a Jacobian row's backward sweep skips the other rows.
    const rows = findRuns(record(sinSum.f(30), x).flat());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ period: 90, reps: 30 });
    const w4 = compile(sinSum.f(30), x);
    expect(w4.mode).toBe('rerolled');
    const x2 = x.map((xi) => xi * 1.5);
    expect(w4.jacobian(x2)).toEqual(compile(sinSum.f(30), x, { engine: 'interpreter' }).jacobian(x2));
  });

  test('a large list without loops keeps the interpreter', () => {
    const irregular = (x: Value[]): Value => {
      let s: Value = x[0]!;
      // Each step reads an earlier entry picked by a pseudo-random sequence: no constant stride.
      const pool: Value[] = [x[0]!, x[1]!];
      let r = 12345;
      for (let i = 0; i < 3000; i++) {
        r = (Math.imul(r, 1103515245) + 12345) >>> 0;
        const a = pool[r % pool.length]!;
        s = i % 3 === 0 ? add(s, sin(a)) : i % 3 === 1 ? mul(s, 0.999) : sub(a, s);
        pool.push(s);
      }
      return s;
    };
    expect(compile(irregular, [0.3, 0.7]).mode).toBe('interpreter');
  });
});

describe('guards inside re-rolled loops', () => {
  const clipped = (x: Value[]): Value => {
    let y: Value = x[0]!;
    for (let k = 0; k < 400; k++) y = select(lt(y, 2), add(mul(y, 1.001), x[1]!), sub(y, 1));
    return y;
  };
  // Two comparisons per iteration, one against a constant that changes every iteration (read from the constants).
  const twoGuards = (x: Value[]): Value => {
    let y: Value = x[0]!;
    for (let k = 0; k < 300; k++) {
      const up = gt(x[1]!, -1 - k / 100);
      y = select(lt(y, 3 + k / 50), add(mul(y, up ? 1.002 : 0.5), x[1]!), sub(y, 1));
    }
    return y;
  };

  test('the check is generated as loops over the guards, and a flip throws BranchChangedError as the interpreter does', () => {
    for (const [f, x, flips] of [
      [clipped, [0.5, 0.001], [[0.5, 0.0011], [0.5, 0.01], [2.5, 0.001]]],
      [twoGuards, [0.5, 0.001], [[0.5, 0.0011], [0.5, 0.02], [0.5, -3.5], [3.5, 0]]],
    ] as const) {
      const tape = record(f, [...x]);
      const guards = tape.flat().guards;
      const runs = findGuardRuns(guards);
      expect(runs.reduce((n, r) => n + r.period * r.reps, 0)).toBeGreaterThan(guards.length - 8);
      // At the recorded point every comparison holds; moving one compared value flips the check.
      const check = guardCheck(guards, tape.flat().constants) as (v: Float64Array) => boolean;
      const values = tape.flat().values.slice(0, tape.flat().length);
      expect(check(values)).toBe(true);
      const last = guards[guards.length - 1]!;
      const r = last.a >= 0 ? last.a : last.b;
      values[r] = last.outcome === (last.a >= 0) ? 1e9 : -1e9;
      expect(check(values)).toBe(false);
      const c = compile(f, [...x]);
      expect(c.mode).toBe('rerolled');
      const interpreted = compile(f, [...x], { engine: 'interpreter' });
      for (const at of flips) {
        const expected = (() => {
          try {
            return interpreted.gradient([...at]);
          } catch (e) {
            return e as Error;
          }
        })();
        if (expected instanceof Error) {
          expect(expected).toBeInstanceOf(BranchChangedError);
          expect(() => c.gradient([...at])).toThrow(expected.message);
        } else {
          expect(c.gradient([...at])).toEqual(expected);
          expect(c.gradient([...at])).toEqual(Float64Array.from(record(f, [...at]).backward(1)));
        }
      }
      // A point where some comparison flips: each of the test's functions has one.
      expect(flips.some((at) => { try { interpreted.value([...at]); return false; } catch { return true; } })).toBe(true);
    }
  });
});

test('where new Function is forbidden, the re-rolled engine falls back to the plain interpreter', () => {
  withoutNewFunction(() => {
    const x = Array.from(rosenbrock.point(200));
    const c = compile(rosenbrock.f, x, { engine: 'rerolled' });
    expect(c.mode).toBe('plain interpreter');
    expect(c.gradient(x)).toEqual(Float64Array.from(record(rosenbrock.f, x).backward(1)));
  });
});

// compile's generated second-order sweeps (straight-line and re-rolled, unrolled over the
// directions) are the engine's generated loop written for one list: the same statements, so
// the same bits, in every adjoint and adjoint tangent, on looped random programs.
test.each(['codegen', 'rerolled'] as const)('%s: the generated second-order sweep equals the engine loop bit for bit', (engine) => {
  let compared = 0;
  fc.assert(
    fc.property(loopedArb, pointArb(SPECIAL), fc.integer({ min: 1, max: 4 }), (p, pt, k) => {
      const x = pt.slice(0, p.inputs);
      const scalar = (z: Value[]) => p.f(z)[0]!;
      const flat = record(scalar, x).flat();
      const program = (engine === 'codegen' ? straightLine(flat, 24_000) : rerolled(flat, findRuns(flat), 24_000))!;
      expect(program.secondOrder).toBeDefined();
      const v = flat.values.slice(0, flat.length);
      const t = Array.from({ length: k }, (_, c) => {
        const tc = new Float64Array(flat.length);
        for (let j = 0; j < flat.inputCount; j++) tc[j] = Math.sin(1 + j + 3 * c);
        program.tangent(v, tc);
        return tc;
      });
      const seeded = () => {
        const a = new Float64Array(flat.length);
        seedOutputs(flat.outputs, [1], a);
        return a;
      };
      const a = seeded();
      const at = t.map(() => new Float64Array(flat.length));
      // Generated wherever every op has its partials' tangent program (a rule branching on values has none: the loop serves it)
      const generated = program.secondOrder!(v, t, a, at);
      let every = true;
      for (let i = flat.inputCount; i < flat.length; i++) if (partialTangentsParts(opByCode(flat.codes[i]!)) === undefined) every = false;
      expect(generated).toBe(every);
      if (!generated) return;
      const aRef = seeded();
      const atRef = t.map(() => new Float64Array(flat.length));
      secondOrderSweep(flat, v, t, aRef, atRef);
      // Object.is: signed zeros and NaNs too
      const same = (u: Float64Array, w: Float64Array) => u.every((ui, i) => Object.is(ui, w[i]));
      expect(same(a, aRef)).toBe(true);
      at.forEach((atc, c) => expect(same(atc, atRef[c]!)).toBe(true));
      compared++;
    }),
    { numRuns: runs(60), ...seed },
  );
  expect(compared).toBeGreaterThan(5);
});

// The unchecked route of the Hessian-vector products (every direction's tangents in one sweep,
// the second-order sweep without its zero tests, kept only where every input's adjoint tangent
// is finite) gives the tested route's numbers bit for bit; where a zero met ∞ or NaN it falls
// back to the tested sweeps, from a clean start.
test.each(['codegen', 'rerolled'] as const)('%s: the unchecked Hessian-vector products equal the tested ones bit for bit, IEEE values included', (engine) => {
  let kept = 0;
  let fellBack = 0;
  fc.assert(
    fc.property(loopedArb, pointArb(SPECIAL), pointArb([...SPECIAL, ...IEEE]), fc.integer({ min: 1, max: 4 }), fc.boolean(), (p, pt, special, k, atSpecial) => {
      const x = (atSpecial ? special : pt).slice(0, p.inputs);
      const scalar = (z: Value[]) => p.f(z)[0]!;
      const flat = record(scalar, x).flat();
      const program = (engine === 'codegen' ? straightLine(flat, 24_000) : rerolled(flat, findRuns(flat), 24_000))!;
      expect(program.secondOrderUnchecked).toBeDefined();
      expect(program.tangentLanes).toBeDefined();
      const v = flat.values.slice(0, flat.length);
      const seeds = Array.from({ length: k }, (_, c) => (t: Float64Array) => {
        for (let j = 0; j < flat.inputCount; j++) t[j] = c === 0 ? 1 : Math.sin(1 + j + 3 * c);
      });
      let tested = false;
      const spied = { ...program, secondOrder: (...args: Parameters<NonNullable<typeof program.secondOrder>>) => ((tested = true), program.secondOrder!(...args)) };
      const unchecked = hessianProducts(flat, v, spied, seeds);
      if (tested) fellBack++;
      else kept++;
      const reference = hessianProducts(flat, v, { tangent: program.tangent, secondOrder: program.secondOrder!, generated: true }, seeds);
      const same = (u: Float64Array, w: Float64Array) => u.every((ui, i) => i >= flat.inputCount || Object.is(ui, w[i]));
      unchecked.forEach((atc, c) => expect(same(atc, reference[c]!)).toBe(true));
    }),
    { numRuns: runs(80), ...seed },
  );
  expect(kept).toBeGreaterThan(5);
  expect(fellBack).toBeGreaterThan(0);
});

// Every engine's tangent sweep writes each entry's tangent before anything reads it, so compile
// keeps one tangent array (jvp, forward jacobian, sparse forward passes) and resets only the
// inputs' tangents: whatever the array held before, the tangents are the same, bit for bit.
test('every engine\'s tangent sweep reads only the inputs\' tangents from t (random looped programs)', () => {
  const generated = generatedInterpreter();
  fc.assert(
    fc.property(loopedArb, pointArb(SPECIAL), fc.constantFrom(NaN, Infinity, 7), (p, pt, junk) => {
      const flat = record((z: Value[]) => p.f(z), pt.slice(0, p.inputs)).flat();
      const programs = [straightLine(flat, 24_000)!, rerolled(flat, findRuns(flat), 24_000)!, interpreted(flat, generated!), interpreted(flat, plainInterpreter)];
      for (const program of programs) {
        const v = flat.values.slice(0, flat.length);
        const clean = new Float64Array(flat.length);
        const dirty = new Float64Array(flat.length).fill(junk);
        for (let j = 0; j < flat.inputCount; j++) clean[j] = dirty[j] = Math.cos(j);
        program.tangent(v, clean);
        program.tangent(v, dirty);
        expect(dirty.every((x, i) => Object.is(x, clean[i]))).toBe(true);
      }
    }),
    { numRuns: runs(40), ...seed },
  );
});

// A compiled function keeps its second-order arrays from call to call, and the unchecked sweep
// zeroes the adjoints it reads, so a later call clears only the inputs' entries. Whatever ran
// before (another number of directions, a fallback to the tested sweeps at a point where a zero
// met ∞ or NaN), each call gives what new arrays give, bit for bit.
test.each(['codegen', 'rerolled'] as const)('%s: second-order calls on kept arrays equal calls on new arrays bit for bit, whatever ran before', (engine) => {
  let calls = 0;
  fc.assert(
    fc.property(
      loopedArb,
      fc.array(fc.record({ k: fc.integer({ min: 1, max: 4 }), point: fc.oneof(pointArb(SPECIAL), pointArb([...SPECIAL, ...IEEE])) }), { minLength: 2, maxLength: 6 }),
      (p, sequence) => {
        const scalar = (z: Value[]) => p.f(z)[0]!;
        const flat = record(scalar, sequence[0]!.point.slice(0, p.inputs)).flat();
        const program = (engine === 'codegen' ? straightLine(flat, 24_000) : rerolled(flat, findRuns(flat), 24_000))!;
        const kept = new KeptSecondOrderArrays(flat.length);
        for (const { k, point } of sequence) {
          const v = flat.values.slice(0, flat.length);
          v.set(point.slice(0, p.inputs));
          program.evaluate(v);
          const seeds = Array.from({ length: k }, (_, c) => (t: Float64Array) => {
            for (let j = 0; j < flat.inputCount; j++) t[j] = Math.cos(1 + j * (c + 1));
          });
          const got = hessianProducts(flat, v, program, seeds, kept).map((atc) => atc.slice(0, flat.inputCount));
          const want = hessianProducts(flat, v, program, seeds).map((atc) => atc.slice(0, flat.inputCount));
          got.forEach((atc, c) => expect(atc.every((x, i) => Object.is(x, want[c]![i]))).toBe(true));
          calls++;
        }
      },
    ),
    { numRuns: runs(60), ...seed },
  );
  expect(calls).toBeGreaterThan(100);
});

// The unchecked second-order loop keeps adjoints where the first-order loop does: an
// accumulator's adjoint carried to the repetition before, the inputs read at stride 1 in a
// sliding window, each with one local per direction beside it. Rosenbrock's loop has both (its
// running sum; x[i] and x[i + 1]), W3's the carry, the row sum of sin(a·x) the window; each
// gives the tested sweep's numbers bit for bit, on kept arrays too, at ordinary and IEEE points.
test.each([
  ['Rosenbrock', rosenbrock.f, Array.from(rosenbrock.point(40))],
  ['W3', scalarLoop.f(60), Array.from(scalarLoop.point)],
  ['sum of sin(a·x)', (x: Value[]) => sinSum.f(1)(x)[0]!, Array.from(sinSum.point(30))],
] as const)('%s: the unchecked second-order loop (carry, window) equals the tested sweeps bit for bit', (_, f, x0) => {
  const flat = record(f, x0).flat();
  const program = rerolled(flat, findRuns(flat), 24_000)!;
  expect(program.secondOrderUnchecked).toBeDefined();
  const kept = new KeptSecondOrderArrays(flat.length);
  let exact = 0;
  for (const point of [x0, x0.map((v, j) => v - 0.3 * Math.sin(j)), x0.map((v, j) => (j === 1 ? Infinity : v)), x0.map((v, j) => (j === 0 ? NaN : v))]) {
    const v = flat.values.slice(0, flat.length);
    v.set(point);
    program.evaluate(v);
    for (let k = 1; k <= 4; k++) {
      const seeds = Array.from({ length: k }, (_, c) => (t: Float64Array) => {
        for (let j = 0; j < flat.inputCount; j++) t[j] = c === 0 ? 1 : Math.sin(1 + j + 3 * c);
      });
      let tested = false;
      const spied = { ...program, secondOrder: (...args: Parameters<NonNullable<typeof program.secondOrder>>) => ((tested = true), program.secondOrder!(...args)) };
      const unchecked = hessianProducts(flat, v, spied, seeds, kept);
      if (!tested) exact++;
      const reference = hessianProducts(flat, v, { tangent: program.tangent, secondOrder: program.secondOrder!, generated: true }, seeds);
      unchecked.forEach((atc, c) => {
        for (let j = 0; j < flat.inputCount; j++) expect(Object.is(atc[j], reference[c]![j])).toBe(true);
      });
    }
  }
  // The finite points (two of the four) took the unchecked route.
  expect(exact).toBeGreaterThanOrEqual(8);
});

// The backward loop keeps adjoints in locals where it can: an accumulator's running adjoint
// carried from one repetition to the one before, a sliding window over the inputs read at
// stride 1 (x[i], x[i + 1]), values computed again instead of stored, and the sweep run
// without its zero tests first (the tested one reruns where a number is not finite). Each must
// give the fresh recording's numbers bit for bit, on ordinary points and on IEEE special values.
describe('re-rolled backward loops with carried adjoints, input windows and the unchecked sweep', () => {
  // Over 32 inputs, so a Float64Array point takes the path where the sweeps read x itself.
  const n = 40;
  const shapes: Record<string, (x: Value[]) => Value | Value[]> = {
    'window from x[1], width 2 (Rosenbrock)': rosenbrock.f,
    'window from x[0], width 3': (x) => {
      let s: Value = 0;
      for (let i = 0; i + 2 < x.length; i++) s = add(s, sub(mul(x[i]!, x[i + 1]!), sin(x[i + 2]!)));
      return s;
    },
    'window over inputs that code after the loop also reads': (x) => add(rosenbrock.f(x), mul(x[3]!, sin(x[x.length - 2]!))),
    'a zero partial meeting an infinite adjoint (sqrt of floor): the tested sweep reruns': (x) => {
      let s: Value = 0;
      for (let i = 0; i + 1 < x.length; i++) s = add(s, mul(sqrt(floor(x[i]!)), x[i + 1]!));
      return s;
    },
    'x[0] read by every repetition as well (no window)': (x) => {
      let s: Value = 0;
      for (let i = 0; i + 1 < x.length; i++) s = add(s, mul(mul(x[i]!, x[0]!), x[i + 1]!));
      return s;
    },
    'stride 2': (x) => {
      let s: Value = 0;
      for (let i = 0; i + 1 < x.length; i += 2) s = add(s, mul(x[i]!, sub(x[i + 1]!, x[i]!)));
      return s;
    },
    'one output per repetition, the running sum an output too': (x) => {
      const out: Value[] = [];
      let s: Value = 0;
      for (let i = 0; i + 1 < x.length; i++) {
        s = add(s, mul(x[i]!, x[i + 1]!));
        out.push(s, sin(x[i]!));
      }
      return out;
    },
  };
  const ordinary = Array.from({ length: n }, (_, i) => 0.5 + 0.4 * Math.sin(3 * i));
  const special = (v: number, at: number) => ordinary.map((xi, i) => (i === at ? v : xi));
  const points = [ordinary, special(0, 5), special(-0, 0), special(Infinity, 7), special(NaN, 11), special(0, 23), special(-Infinity, 1)];

  test.each(Object.keys(shapes))('%s', (name) => {
    const f = shapes[name]!;
    const c = compile(f, ordinary, { engine: 'rerolled' });
    expect(c.mode).toBe('rerolled');
    for (const at of points) {
      const fresh = record(f, at);
      // A Float64Array (read in place) right after the plain array of the previous point (copied
      // into the values): a read of the values' stale inputs would show.
      for (const point of [Float64Array.from(at), at]) {
        if (c.outputCount === 1 && !Array.isArray(fresh.output)) {
          expect(c.gradient(point)).toEqual(Float64Array.from(fresh.backward(1)));
        } else {
          const yBar = Array.from({ length: c.outputCount }, (_, k) => (k % 3) - 0.5);
          expect(c.vjp(point, yBar)).toEqual(Float64Array.from(record(f, at).backward(yBar)));
          const rows = c.jacobian(point) as Float64Array[];
          rows.forEach((row, k) => expect(row).toEqual(Float64Array.from(record(f, at).backward(rows.map((_, j) => (j === k ? 1 : 0))))));
        }
      }
      // The lean forward sweep leaves the values other sweeps need to a full one: a JVP after a gradient still agrees.
      const v = at.map((_, i) => (i % 4) - 1.5);
      expect(c.jvp(at, v)).toEqual(compile(f, ordinary, { engine: 'interpreter' }).jvp(at, v));
    }
  });
});

describe("the gradient's lean forward sweep", () => {
  test('runs no loop whose values nothing reads (a sum of terms the backward loop computes again), and the gradient is exact', () => {
    const x = Array.from(rosenbrock.point(300));
    const flat = record(rosenbrock.f, x).flat();
    const program = rerolled(flat, findRuns(flat), 24_000)!;
    const v = new Float64Array(flat.length).fill(NaN);
    v.set(x);
    program.evaluateForBackward!(v);
    const [run] = findRuns(flat);
    // Not one value of the loop was computed: f's value (the last entry) is not needed for its gradient.
    for (let e = run!.start; e < flat.length; e++) expect(v[e]).toBeNaN();
    const a = new Float64Array(flat.length);
    seedOutputs(flat.outputs, [1], a);
    program.backward(v, a);
    expect(Array.from(a.slice(0, x.length))).toEqual(record(rosenbrock.f, x).backward(1));
  });

  test('still computes, inside a loop, what only a guard compares, so a branch flip is seen', () => {
    // x[i]² is read by the comparison only: the backward sweep of either branch reads x[i] itself.
    const f = (x: Value[]): Value => {
      let s: Value = 0;
      for (let i = 0; i < x.length; i++) s = add(s, select(gt(mul(x[i]!, x[i]!), 0.25), x[i]!, mul(3, x[i]!)));
      return s;
    };
    const x = Array.from({ length: 60 }, (_, i) => 0.6 + (i % 5) / 10);
    const c = compile(f, x, { engine: 'rerolled' });
    expect(c.mode).toBe('rerolled');
    expect(Array.from(c.gradient(x))).toEqual(x.map(() => 1));
    const flipped = x.map((xi, i) => (i === 41 ? 0.1 : xi));
    expect(() => c.gradient(flipped)).toThrow(BranchChangedError);
    const rerecorded = compile(f, x, { engine: 'rerolled', onBranchChange: 'rerecord' });
    expect(Array.from(rerecorded.gradient(flipped))).toEqual(x.map((_, i) => (i === 41 ? 3 : 1)));
  });
});

test("prepareBackward runs each loop's code around it on all-zero adjoints and leaves them all zero (and the values as they were)", () => {
  for (const [f, x] of [
    [rosenbrock.f, Array.from(rosenbrock.point(50))],
    [scalarLoop.f(200), Array.from(scalarLoop.point)],
    [(z: Value[]) => sinSum.f(6)(z).reduce((s: Value, y) => add(s, y), 0), Array.from(sinSum.point(9))],
  ] as const) {
    const flat = record(f as (x: Value[]) => Value, x as number[]).flat();
    const runsFound = findRuns(flat);
    expect(runsFound.length).toBeGreaterThan(0);
    const program = rerolled(flat, runsFound, 24_000)!;
    const v = flat.values.slice(0, flat.length);
    const before = v.slice();
    for (const unchecked of [true, false]) {
      const a = new Float64Array(flat.length);
      program.prepareBackward!(v, a, unchecked);
      expect(a.every((ai) => Object.is(ai, 0))).toBe(true);
      expect(v).toEqual(before);
      seedOutputs(flat.outputs, [1], a);
      (unchecked ? program.backwardUnchecked! : program.backward)(v, a);
      expect(Array.from(a.slice(0, flat.inputCount))).toEqual(record(f as (x: Value[]) => Value, x as number[]).backward(1));
    }
  }
});

test('with x given, the lean forward sweep and the unchecked backward sweep take the inputs from x, not from the values (random looped programs)', () => {
  fc.assert(
    fc.property(loopedArb, pointArb(SPECIAL), (p, pt) => {
      const x = pt.slice(0, p.inputs);
      const tape = record(p.f, x);
      const flat = tape.flat();
      for (const program of [rerolled(flat, findRuns(flat), 24_000), straightLine(flat, 24_000)]) {
        // Finite garbage where the values hold the inputs: a read of them would give finite wrong numbers.
        const v = new Float64Array(flat.length).fill(1234.5);
        const a = new Float64Array(flat.length);
        program!.evaluateForBackward!(v, Float64Array.from(x));
        const yBar = [1, 0.75];
        seedOutputs(flat.outputs, yBar, a);
        program!.backwardUnchecked!(v, a, undefined, undefined, Float64Array.from(x));
        const got = Array.from(a.slice(0, p.inputs));
        // Where the unchecked sweep's result is exact (all finite), it is the tested one's.
        if (got.every(Number.isFinite)) expect(got).toEqual(tape.backward(yBar));
      }
    }),
    { numRuns: runs(60), ...seed },
  );
});

test('the re-rolled gradient into out: out a view of the same memory as x, and an output that is an input, still give the fresh numbers', () => {
  const x = Array.from(rosenbrock.point(60));
  const c = compile(rosenbrock.f, x, { engine: 'rerolled' });
  const want = Float64Array.from(record(rosenbrock.f, x).backward(1));
  const buffer = new Float64Array(120);
  buffer.set(x);
  // x and out: two views of one buffer (x in place, out over the same numbers).
  expect(c.gradient(buffer.subarray(0, 60), buffer.subarray(0, 60))).toEqual(want);
  expect(buffer.subarray(0, 60)).toEqual(want);
  // An output that is an input entry: its seed is where the sweep reads it.
  const f = (z: Value[]): Value[] => {
    let s: Value = 0;
    for (let i = 0; i + 1 < z.length; i++) s = add(s, mul(z[i]!, z[i + 1]!));
    return [z[7]!, s];
  };
  const cf = compile(f, x, { engine: 'rerolled' });
  expect(cf.mode).toBe('rerolled');
  for (const yBar of [[1, 0], [0.5, 2]]) {
    expect(cf.vjp(Float64Array.from(x), yBar)).toEqual(Float64Array.from(record(f, x).backward(yBar)));
    expect(cf.vjp(Float64Array.from(x), yBar, new Float64Array(60).fill(9))).toEqual(Float64Array.from(record(f, x).backward(yBar)));
  }
});
