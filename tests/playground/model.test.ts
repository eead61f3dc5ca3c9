// The playground's model, steps and URL state, checked against the library and the seed notes' tables.
import { add, exp, jacobian, jvp, mul, sin, vjp, type Value } from '../../src/index';
import { analyze, type PlaygroundModel } from '../../src/playground/model';
import { forwardSteps, reverseSteps, runningAdjoints, runningTangents } from '../../src/playground/steps';
import { decodeState, DEFAULT_INPUT, encodeState } from '../../src/playground/urlState';

function model(input = DEFAULT_INPUT): PlaygroundModel {
  const a = analyze(input);
  if (!a.ok) throw new Error(a.message);
  return a.model;
}

describe('analyze: the worked example', () => {
  const m = model();

  test('gradient 5.5 / 1.716 in reverse, 5.5 in forward, one 1 × 2 Jacobian', () => {
    expect(m.variables).toEqual(['x1', 'x2']);
    expect(m.reverse.gradient).toEqual([5.5, 2 - Math.cos(5)]);
    expect(m.forward.outputTangent).toEqual([5.5]);
    expect(m.jacobian).toEqual([[5.5, 2 - Math.cos(5)]]);
  });

  test('the seed notes\' adjoint trace: 9 rows, two accumulations', () => {
    // dualtape/expr evaluates by depth, so the formula reproduces the seed notes' numbering and sweep order
    expect(m.reverse.rows.map((r) => r.adjoint)).toEqual(['v5-bar', 'v4-bar', 'v3-bar', 'v1-bar', 'v2-bar', 'v0-bar', 'v-1-bar', 'v0-bar', 'v-1-bar']);
    expect(m.reverse.rows.map((r) => r.value.toFixed(3))).toEqual(['1.000', '1.000', '-1.000', '1.000', '1.000', '-0.284', '5.000', '1.716', '5.500']);
    expect(m.forward.rows.map((r) => r.expression)).toEqual(['x1', 'x2', 'ln v-1', 'v-1 * v0', 'sin v0', 'v1 + v2', 'v4 - v3', 'v5']);
    expect(m.reverse.rows.filter((r) => r.accumulated).map((r) => r.adjoint)).toEqual(['v0-bar', 'v-1-bar']);
  });

  test('cost: forward 2 passes, reverse 1, auto picks reverse', () => {
    expect(m.cost).toMatchObject({ n: 2, m: 1, primitives: 5, auto: 'reverse' });
    expect(m.cost.forward.passes).toBe(2);
    expect(m.cost.reverse).toMatchObject({ passes: 1, valuesStored: 7 });
  });

  test('forward steps walk inputs → output; reverse steps output → inputs', () => {
    expect(forwardSteps(m).map((s) => s.node)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'y0']);
    const rev = reverseSteps(m);
    expect(rev[0]!.node).toBe('n6');
    expect(rev.at(-1)).toMatchObject({ node: 'n0', accumulated: true });
    expect(rev.at(-1)!.edge).toEqual({ from: 'n0', to: 'n2' });
  });

  test('running adjoints show a fan-out adjoint before and after its second path adds in', () => {
    const rows = m.reverse.rows;
    const firstV0 = rows.findIndex((r) => r.adjoint === 'v0-bar');
    expect(runningAdjoints(m, firstV0 + 1).get('n1')).toBeCloseTo(-Math.cos(5), 12);
    expect(runningAdjoints(m, rows.length).get('n1')).toBe(2 - Math.cos(5));
    expect(runningAdjoints(m, 0).size).toBe(0);
    expect(runningTangents(m, 3).get('n2')).toBe(0.5);
  });
});

describe('analyze: any formula, checked against the library', () => {
  const f = (v: Value[]) => {
    const [x, y, z] = v as [Value, Value, Value];
    return [add(mul(x, y), exp(z)), mul(sin(x), z)];
  };
  const point = [0.5, -1.5, 2];

  test('a vector formula: Jacobian, JVP along a direction, VJP of the second output', () => {
    const m = model({
      formula: 'x*y + exp(z); sin(x)*z',
      point: { x: 0.5, y: -1.5, z: 2 },
      seed: { kind: 'direction', vector: [1, 2, 3] },
      output: 1,
    });
    expect(m.variables).toEqual(['x', 'y', 'z']);
    expect(m.outputNames).toEqual(['f1', 'f2']); // a variable is called y
    expect(m.jacobian).toEqual(jacobian(f, point));
    expect(m.forward.outputTangent).toEqual(jvp(f, point, [1, 2, 3])[1]);
    expect(m.reverse.gradient).toEqual(vjp(f, point)[1]([0, 1]));
    expect(m.cost).toMatchObject({ n: 3, m: 2, auto: 'reverse' });
  });

  test('errors name the problem and point at it', () => {
    const bad = analyze({ ...DEFAULT_INPUT, formula: 'sin(x1 +' });
    expect(bad.ok).toBe(false);
    const unknown = analyze({ ...DEFAULT_INPUT, formula: 'x1 + frob(x2)' });
    expect(unknown).toMatchObject({ ok: false, position: 5 });
    expect(!unknown.ok && unknown.message).toMatch(/frob/);
    expect(unknown).toMatchObject({ field: 'formula' });
    expect(analyze({ ...DEFAULT_INPUT, point: { x1: NaN, x2: 1 } })).toMatchObject({ ok: false, field: 'point', variable: 'x1' });
  });

  test('the direction is validated: one number per variable', () => {
    const dir = (vector: number[]) => analyze({ ...DEFAULT_INPUT, seed: { kind: 'direction', vector } });
    expect(dir([1])).toMatchObject({ ok: false, field: 'direction', message: expect.stringMatching(/needs 2 numbers, one per variable \(x1, x2\).*got 1$/) });
    expect(dir([1, 2, 3])).toMatchObject({ ok: false, field: 'direction', message: expect.stringMatching(/got 3$/) });
    expect(dir([1, NaN])).toMatchObject({ ok: false, field: 'direction', message: "the direction's entry 2 (for x2) is not a number" });
    const ok = dir([1, -2]);
    expect(ok.ok && ok.model.seedVector).toEqual([1, -2]);
  });

  test('outputs are named so that no variable has their name', () => {
    const withY = model({ ...DEFAULT_INPUT, formula: 'x*y', point: { x: 2, y: 3 } });
    expect(withY.outputNames).toEqual(['f']);
    expect(withY.forward.rows.at(-1)!.node).toBe('f');
    expect(withY.forward.rows.at(-1)!.tangentRule).toMatch(/^f-dot = /);
    expect(model({ ...DEFAULT_INPUT, formula: 'y1*y2; y1', point: { y1: 1, y2: 2 } }).outputNames).toEqual(['f1', 'f2']);
    expect(model({ ...DEFAULT_INPUT, formula: 'x*z; x', point: { x: 1, z: 2 } }).outputNames).toEqual(['y1', 'y2']);
    expect(model({ ...DEFAULT_INPUT, formula: 'x*y; x', point: { x: 1, y: 2 } }).outputNames).toEqual(['f1', 'f2']);
    expect(model({ ...DEFAULT_INPUT, formula: 'y*f + g', point: { y: 1, f: 2, g: 3 } }).outputNames).toEqual(['out']);
  });
});

describe('URL state', () => {
  test('round-trips formula, point and seeds', () => {
    const input = { formula: 'x^2 + y', point: { x: 3, y: -0.25 }, seed: { kind: 'direction' as const, vector: [1, -2] }, output: 0 };
    expect(decodeState(encodeState(input))).toEqual(input);
    expect(decodeState(encodeState(DEFAULT_INPUT))).toEqual(DEFAULT_INPUT);
  });

  test('an empty or malformed hash falls back to the worked example', () => {
    expect(decodeState('')).toEqual(DEFAULT_INPUT);
    expect(decodeState('#x=a:b,c:1&seed=-3&out=x')).toMatchObject({ point: { c: 1 }, seed: DEFAULT_INPUT.seed, output: 0 });
  });
});
