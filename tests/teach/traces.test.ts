// Golden tables of the seed notes' worked example, and the traces' agreement with the modes they describe.
import {
  add, defineOp, forwardTrace, grad, jvp, mul, renderTrace, reverseTrace, sin, sqrt, vjp, workedExample, type Value,
} from '../../src/index';

const X = [2, 5];

// Pasted from the seed notes (../shared/seed-notes.md), unchanged.
const SEED_FORWARD = `| node | primal | value | tangent | value |
|---|---|---|---|---|
| v-1 | x1 | 2 | x1-dot | 1 |
| v0 | x2 | 5 | x2-dot | 0 |
| v1 | ln v-1 | 0.693 | v-1-dot / v-1 | 0.5 |
| v2 | v-1 * v0 | 10.000 | v-1-dot * v0 + v0-dot * v-1 | 5 |
| v3 | sin v0 | -0.959 | v0-dot * cos v0 | 0 |
| v4 | v1 + v2 | 10.693 | v1-dot + v2-dot | 5.5 |
| v5 | v4 - v3 | 11.652 | v4-dot - v3-dot | 5.5 |
| y | v5 | 11.652 | y-dot = v5-dot | **5.5** |`;

const SEED_REVERSE = `| adjoint | rule | value |
|---|---|---|
| v5-bar | y-bar | 1 |
| v4-bar | v5-bar * dv5/dv4 | 1 |
| v3-bar | v5-bar * dv5/dv3 | -1 |
| v1-bar | v4-bar * dv4/dv1 | 1 |
| v2-bar | v4-bar * dv4/dv2 | 1 |
| v0-bar | v3-bar * cos v0 | -0.284 |
| v-1-bar | v2-bar * v0 | 5 |
| v0-bar | v0-bar + v2-bar * v-1 | 1.716 |
| v-1-bar | v-1-bar + v1-bar / v-1 | 5.5 |`;

const cells = (md: string) => md.split('\n').slice(2).map((l) => l.split(' | ').map((c) => c.replace(/^\| |\|$| \|$/g, '').trim()));

describe('the worked example reproduces the seed notes', () => {
  test('forward trace, row by row', () => {
    const md = renderTrace(forwardTrace(workedExample, X), 'markdown');
    expect(cells(md)).toEqual(cells(SEED_FORWARD));
    expect(md).toBe(SEED_FORWARD);
  });
  test('reverse trace, row by row, in sweep order with the accumulations', () => {
    const md = renderTrace(reverseTrace(workedExample, X), 'markdown');
    expect(cells(md)).toEqual(cells(SEED_REVERSE));
    expect(md).toBe(SEED_REVERSE);
  });
  test('structured rows carry the rules and full-precision values', () => {
    const t = forwardTrace(workedExample, X);
    expect(t.rows.map((r) => r.node)).toEqual(['v-1', 'v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'y']);
    expect(t.rows[3]).toMatchObject({ kind: 'intermediate', op: 'mul', index: 3, expression: 'v-1 * v0', value: 10, tangent: 5 });
    expect(t.outputTangent).toEqual([5.5]);
    const r = reverseTrace(workedExample, X);
    expect(r.gradient).toEqual([5.5, 2 - Math.cos(5)]);
    expect(r.rows.filter((row) => row.accumulated).map((row) => row.adjoint)).toEqual(['v0-bar', 'v-1-bar']);
    expect(r.rows[5]).toMatchObject({ kind: 'update', from: 4, index: 1, argument: 0, rule: 'v3-bar * cos v0' });
    expect(r.rows[5]!.partial).toBe(Math.cos(5));
  });
  test('plain text is aligned and LaTeX is a tabular', () => {
    const text = renderTrace(forwardTrace(workedExample, X));
    expect(text.split('\n')[5]).toBe('v2    v-1 * v0  10.000  v-1-dot * v0 + v0-dot * v-1      5');
    const tex = renderTrace(reverseTrace(workedExample, X), 'latex');
    expect(tex).toMatch(/^\\begin\{tabular\}\{llr\}/);
    expect(tex).toContain('$\\bar{v}_{0}$ & $\\bar{v}_{0} + \\bar{v}_{2} \\cdot v_{-1}$ & $1.716$ \\\\');
    expect(renderTrace(forwardTrace(workedExample, X), 'latex')).toContain('$\\dot{v}_{-1} / v_{-1}$');
  });
});

const g = (x: Value[]) => [mul(sin(x[0]!), x[1]!), add(sqrt(x[1]!), mul(x[0]!, x[0]!)), x[1]!];

describe('traces are the modes’ own computations', () => {
  test.each([[[1, 0, 0]], [[0, 1, 0]], [[0.3, -2, 0]]])('forward tangents equal jvp (seed %j)', (seed) => {
    const f3 = (x: Value[]) => [...g(x), mul(x[2]!, 2)];
    const t = forwardTrace(f3, [0.7, 2, 3], { seed });
    expect(t.outputTangent).toEqual(jvp(f3, [0.7, 2, 3], seed)[1]);
  });
  test.each([[[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]], [[2, -1, 0.5]]])('reverse adjoints equal vjp (yBar %j)', (yBar) => {
    const t = reverseTrace(g, [0.7, 2], { yBar });
    expect(t.gradient).toEqual(vjp(g, [0.7, 2])[1](yBar));
    // the last row of each input adjoint is its final value
    t.gradient.forEach((v, i) => {
      const last = [...t.rows].reverse().find((r) => r.index === i);
      if (last) expect(last.value).toBe(v);
    });
  });
  test('an output used elsewhere accumulates its seed', () => {
    const t = reverseTrace((x: Value[]) => [x[0]!, mul(x[0]!, x[0]!)], [3], { yBar: [1, 1] });
    expect(t.rows.map((r) => `${r.adjoint} = ${r.rule}`)).toEqual([
      'v0-bar = y1-bar', 'v1-bar = y2-bar', 'v0-bar = v0-bar + v1-bar * v0', 'v0-bar = v0-bar + v1-bar * v0',
    ]);
    expect(t.gradient).toEqual(grad((x: Value[]) => add(x[0]!, mul(x[0]!, x[0]!)))([3]));
  });
  test('changing an op’s rule changes the traces (values and rule text)', () => {
    let slope: Value = 2;
    // a deliberately adjustable rule: the traces must follow whatever it says
    const scaled = defineOp({ name: 'teachScaled', arity: 1, value: (x: number) => 3 * x, partials: ([x]) => [mul(slope, sin(x!))] });
    const f = (x: Value[]) => scaled(x[0]!);
    const before = forwardTrace(f, [1]);
    expect(before.rows[1]!.tangentRule).toBe('v0-dot * 2 * sin v0');
    expect(before.outputTangent[0]).toBeCloseTo(2 * Math.sin(1), 14);
    slope = 5;
    const after = forwardTrace(f, [1]);
    expect(after.rows[1]!.tangentRule).toBe('v0-dot * 5 * sin v0');
    expect(after.outputTangent[0]).toBeCloseTo(5 * Math.sin(1), 14);
    const rev = reverseTrace(f, [1]);
    expect(rev.rows[1]!.rule).toBe('v1-bar * 5 * sin v0');
    expect(rev.gradient[0]).toBeCloseTo(5 * Math.sin(1), 14);
  });
  test('custom names, constants and errors', () => {
    const t = forwardTrace((x: Value[]) => mul(x[0]!, 3), [2], { inputNames: ['a'], outputNames: ['out'] });
    expect(t.rows.map((r) => [r.node, r.expression, r.tangentRule])).toEqual([
      ['v0', 'a', 'a-dot'], ['v1', 'v0 * 3', 'v0-dot * 3'], ['out', 'v1', 'out-dot = v1-dot'],
    ]);
    expect(() => forwardTrace(workedExample, X, { seed: [1] })).toThrow(RangeError);
    expect(() => forwardTrace(workedExample, X, { inputNames: ['a'] })).toThrow(/inputNames/);
    expect(() => renderTrace(forwardTrace(workedExample, X), 'html' as never)).toThrow(RangeError);
    expect(() => reverseTrace(3 as never, X)).toThrow(TypeError);
  });
});
