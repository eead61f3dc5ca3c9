// The second-order sweep: its generated loop and its plain loop give the same numbers bit for bit, and both agree with hessian().
import { add, compile, hessian, hvp, jvp, mul, sigmoid, tanh, workedExample, type Value } from '../../src/index';
import { secondOrderSource } from '../../src/engine/secondOrder';
import { partialTangentsParts } from '../../src/engine/partialTangents';
import { listOps } from '../../src/ops/opDef';
import fc from 'fast-check';
import { pointArb, programArb, runs } from '../property/programs';
import { withoutNewFunction } from '../helpers/csp';
import { relErr } from '../helpers/numeric';

const sum = (ys: Value[]): Value => ys.reduce((s: Value, y) => add(s, y), 0);

test('the generated loop compiles, with a case for every built-in op whose rule has one tree', () => {
  const deps = new Map<string, unknown>();
  const source = secondOrderSource(deps);
  expect(() => new Function(...deps.keys(), source)).not.toThrow();
  const withCase = listOps().filter((op) => op.builtin && partialTangentsParts(op) !== undefined).map((op) => op.name);
  // The arithmetic and the transcendental ops have their tangent programs; value-branching rules take the dual route.
  for (const name of ['add', 'mul', 'div', 'square', 'sqrt', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid']) expect(withCase).toContain(name);
  for (const name of ['pow', 'max', 'relu', 'atan2']) expect(withCase).not.toContain(name);
  for (const name of withCase) expect(source).toContain(`case ${listOps().find((op) => op.name === name)!.code}: {`);
});

// Random programs over every op: the generated loop (engine 'interpreter') against the plain
// loop (engine 'plain interpreter', chunked duals for every op), exactly; both against hessian().
test('random programs over every op: generated and plain loops agree bit for bit, and with hessian()', () => {
  fc.assert(
    fc.property(programArb({ maxSteps: 14 }), pointArb(), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }), (program, point, direction) => {
      const f = (x: Value[]) => sum(program.f(x));
      const x = point.slice(0, program.inputs);
      const generated = compile(f, x, { engine: 'interpreter' }).hessian(x);
      const plain = compile(f, x, { engine: 'plain interpreter' }).hessian(x);
      expect(generated).toEqual(plain);
      const fresh = hessian(f)(x) as number[][];
      generated.forEach((row, i) =>
        row.forEach((h, j) => {
          const e = fresh[i]![j]!;
          if (!(Number.isNaN(h) && Number.isNaN(e)) && h !== e) expect(relErr(h, e)).toBeLessThan(1e-9);
        }),
      );
      const v = direction.slice(0, program.inputs);
      expect(Array.from(compile(f, x, { engine: 'interpreter' }).hvp(x, v))).toEqual(Array.from(compile(f, x, { engine: 'plain interpreter' }).hvp(x, v)));
    }),
    { numRuns: runs(60), seed: 20261201 },
  );
});

// hessian and hvp of plain numbers run the list's own second-order sweep; inside a forward pass
// (inputs that are duals) they replay the list with duals through the op table instead. The
// primal parts of the second give the first's numbers exactly (NaN where it has NaN): the same
// rules, the same zero skips, the same order of additions. Only a zero's sign may differ: the
// sweep's sums start at +0 and only add, so an entry that is exactly 0 is +0 there.
const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));
test('random programs: hessian and hvp by the second-order sweep equal the duals\' replay exactly', () => {
  let compared = 0;
  fc.assert(
    fc.property(programArb({ maxSteps: 12 }), pointArb(), (program, point) => {
      const f = (x: Value[]) => sum(program.f(x));
      const x = point.slice(0, program.inputs);
      const v = x.map((_, j) => Math.cos(j + 1));
      const numeric = (hessian(f)(x) as number[][]).flat();
      const [viaDuals] = jvp((p: Value[]) => (hessian(f)(p) as Value[][]).flat(), x, x.map(() => 0)) as [number[], number[]];
      expect(numeric.every((h, k) => same(h, viaDuals[k]!))).toBe(true);
      const [hvpViaDuals] = jvp((p: Value[]) => hvp(f, p, v), x, x.map(() => 0)) as [number[], number[]];
      expect((hvp(f, x, v) as number[]).every((h, k) => same(h, hvpViaDuals[k]!))).toBe(true);
      compared++;
    }),
    { numRuns: runs(60), seed: 20261202 },
  );
  expect(compared).toBeGreaterThan(20);
});

test('under a strict Content Security Policy the plain loop runs, with the same Hessian', () => {
  const f = (x: Value[]) => add(workedExample(x), mul(sigmoid(x[0]!), tanh(x[1]!)));
  const expected = compile(f, [2, 5]).hessian([2, 5]);
  const underCsp = withoutNewFunction(() => {
    const c = compile(f, [2, 5]);
    expect(c.mode).toBe('plain interpreter');
    return c.hessian([2, 5]);
  });
  expect(underCsp).toEqual(expected);
  expect(expected[0]![0]).not.toBe(0);
});
