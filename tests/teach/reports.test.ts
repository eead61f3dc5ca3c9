// Graph export, the Jacobian cost report and the gradient check, on the worked example and a vector function.
import {
  add, checkGradient, chooseJacobianMode, computationalGraph, div, graphToDot, graphToMermaid, jacfwd, jacobianReport, mul, renderGradientCheck,
  renderJacobianReport, sin, workedExample, type Value, binomialRecomputations, checkpointCounts, checkpointReport, cos, record,
  renderCheckpointReport, scan,
} from '../../src/index';

const X = [2, 5];
const g = (x: Value[]) => [mul(x[0]!, x[1]!), sin(x[0]!), add(x[0]!, 1)];

describe('computational graph', () => {
  test('nodes and edges are the Wengert list’s entries and arguments', () => {
    const graph = computationalGraph(workedExample, X);
    expect(graph.nodes.map((n) => `${n.id}:${n.name}=${n.expression}`)).toEqual([
      'n0:v-1=x1', 'n1:v0=x2', 'n2:v1=ln v-1', 'n3:v2=v-1 * v0', 'n4:v3=sin v0', 'n5:v4=v1 + v2', 'n6:v5=v4 - v3', 'y0:y=v5',
    ]);
    expect(graph.edges.map((e) => `${e.from}->${e.to}`)).toEqual([
      'n0->n2', 'n0->n3', 'n1->n3', 'n1->n4', 'n2->n5', 'n3->n5', 'n5->n6', 'n4->n6', 'n6->y0',
    ]);
  });
  test('annotations carry the trace tables’ tangents and final adjoints', () => {
    const graph = computationalGraph(workedExample, X, { annotate: 'both' });
    expect(graph.nodes.map((n) => n.tangent)).toEqual([1, 0, 0.5, 5, 0, 5.5, 5.5, 5.5]);
    expect(graph.nodes.map((n) => n.adjoint)).toEqual([5.5, 2 - Math.cos(5), 1, 1, -1, 1, 1, 1]);
  });
  test('DOT and Mermaid text', () => {
    const graph = computationalGraph(workedExample, X, { annotate: 'adjoint' });
    const dot = graphToDot(graph);
    expect(dot).toMatch(/^digraph dualtape \{/);
    expect(dot).toContain('n4 [shape=ellipse, label="v3 = sin v0\\n-0.959\\nv3-bar = -1"];');
    expect(dot).toContain('  n6 -> y0;');
    const mermaid = graphToMermaid(computationalGraph(workedExample, X));
    expect(mermaid.split('\n').slice(0, 4)).toEqual(['flowchart LR', '  n0["v-1 = x1<br/>2"]', '  n1["v0 = x2<br/>5"]', '  n2("v1 = ln v-1<br/>0.693")']);
    expect(mermaid).toContain('  n3 --> n5');
  });
  test('constants become nodes; bad input is named', () => {
    const graph = computationalGraph((x: Value[]) => mul(x[0]!, 3), [2]);
    expect(graph.nodes.find((n) => n.kind === 'constant')).toMatchObject({ id: 'c0', value: 3 });
    expect(graph.edges).toContainEqual({ from: 'c0', to: 'n1', argument: 1 });
    expect(() => computationalGraph(workedExample, X, { annotate: 'x' as never })).toThrow(RangeError);
    expect(() => graphToDot({} as never)).toThrow(/computationalGraph/);
  });
});

describe('Jacobian report', () => {
  test('worked example: 2 forward passes, 1 sweep, reverse chosen', () => {
    const r = jacobianReport(workedExample, X);
    expect([r.n, r.m, r.primitives]).toEqual([2, 1, 5]);
    expect(r.forward.jacobian).toEqual([[5.5, 2 - Math.cos(5)]]);
    expect(r.reverse.jacobian).toEqual(r.forward.jacobian);
    expect(r.forward).toMatchObject({ passes: 2, primitiveEvaluations: 10, valuesStored: 0 });
    expect(r.reverse).toMatchObject({ passes: 1, primitiveEvaluations: 10, valuesStored: 7 });
    expect(r.auto.mode).toBe('reverse');
    expect(r.forward.passList[1]).toMatchObject({ pass: 2, seed: [0, 1], column: 1, values: [2 - Math.cos(5)] });
  });
  test('R^2 -> R^3: the cheaper mode chosen; pass j gives column j, sweep i gives row i', () => {
    const r = jacobianReport(g, X);
    expect(r.auto.mode).toBe(chooseJacobianMode(2, 3));
    expect(r.auto.reason).toMatch(/forward makes 1 pass of 2 tangents .*reverse one recording and 3 sweeps/);
    expect(r.forward.jacobian).toEqual(jacfwd(g)(X));
    r.forward.passList.forEach((p) => expect(p.values).toEqual(r.forward.jacobian.map((row) => row[p.column])));
    r.reverse.sweeps.forEach((s) => expect(s.values).toEqual(r.reverse.jacobian[s.row]));
    expect(r.maxDifference).toBe(0);
    // sweep 3 (y3 = x1 + 1) differentiates only the add
    expect(r.reverse.sweeps.map((s) => s.primitivesSwept)).toEqual([1, 1, 1]);
    const text = renderJacobianReport(r);
    expect(text).toContain('forward pass 2, seed x-dot = [0, 1]  -> column 2 (d/dx2): [2, 0, 0]');
    expect(text).toContain(`mode 'auto' picks ${chooseJacobianMode(2, 3)}: forward makes 1 pass of`);
  });
});

describe('checkGradient', () => {
  test('forward, reverse and central differences agree per input', () => {
    const c = checkGradient(workedExample, X);
    expect(c.forward).toEqual(c.reverse);
    c.inputs.forEach((d) => {
      expect(d.forwardVsReverse).toBe(0);
      expect(d.forwardVsFiniteDifference).toBeLessThan(1e-8);
    });
    expect(c.steps[1]).toBeCloseTo(Math.cbrt(Number.EPSILON) * 5, 15);
    expect(renderGradientCheck(c).split('\n')[0]).toMatch(/^input\s+forward\s+reverse\s+central FD/);
  });
  test('a user-chosen step is used and validated', () => {
    const c = checkGradient((x: Value[]) => mul(x[0]!, x[0]!), [3], { step: 1e-3 });
    expect(c.steps).toEqual([1e-3]);
    expect(c.inputs[0]!.forwardVsFiniteDifference).toBeLessThan(1e-9);
    expect(() => checkGradient(workedExample, X, { step: -1 })).toThrow(RangeError);
  });
  test('at a pole both modes give Infinity and agree; finite differences are marked unreliable, not compared', () => {
    const c = checkGradient((x: Value[]) => div(x[0]!, x[1]!), [1, 0]);
    expect(c.forward).toEqual([[Infinity, -Infinity]]);
    expect(c.inputs.map((d) => [d.forwardVsReverse, d.finiteDifferenceReliable])).toEqual([[0, false], [0, false]]);
    const text = renderGradientCheck(c, { inputNames: ['x', 'y'] });
    expect(text).toMatch(/^x +Infinity +Infinity +unreliable +0 +n\/a +n\/a$/m);
    expect(text).toContain('finite differences are unreliable for x, y');
    expect(checkGradient(workedExample, X).inputs.every((d) => d.finiteDifferenceReliable)).toBe(true);
  });
});

describe('checkpointReport: the memory/recomputation trade-off of a checkpointed scan, from the recordings\' own accounting', () => {
  const step = ([y, a, b]: Value[]) => [add(mul(sin(y!), a!), cos(mul(y!, b!))), a!, b!];
  const init = [0.5, 0.5, 0.3];
  test('each run is the accounting of record(scan) itself, and every gradient is the plain loop\'s', () => {
    const report = checkpointReport(step, init, 300, { checkpoints: [64, 1, 8] });
    expect(report.runs.map((r) => r.checkpoints)).toEqual([null, 1, 8, 64]);
    expect(report.perStep).toBe(5);
    for (const run of report.runs) {
      const tape = record((x) => scan(step, x, 300, run.checkpoints === null ? undefined : { checkpoints: run.checkpoints })[0]!, init);
      expect(run.recorded).toEqual(tape.cost);
      expect(run.gradient).toEqual(tape.backward(1));
      expect(run.cost).toEqual(tape.cost);
      expect(run.evaluations).toBe(tape.cost.forwardEvaluations + tape.cost.sweepEvaluations);
      expect(run.gradient).toEqual(report.runs[0]!.gradient);
    }
    // fewer snapshots: less kept, more recomputed; c = 1 re-runs every carry from the start
    const [, c1, c8, c64] = report.runs;
    expect(c1!.cost.peakBytes).toBeLessThan(c8!.cost.peakBytes);
    expect(c8!.cost.peakBytes).toBeLessThan(c64!.cost.peakBytes);
    expect(c64!.cost.peakBytes).toBeLessThan(report.runs[0]!.cost.peakBytes);
    expect(c1!.cost.stepsRecomputed).toBe(binomialRecomputations(300, 1));
    expect(c8!.cost.stepsRecomputed).toBeLessThanOrEqual(binomialRecomputations(300, 8));
    const text = renderCheckpointReport(report, { variables: ['y', 'a', 'b'] });
    expect(text).toContain('scan of 300 steps, 5 primitives per recorded step');
    expect(text).toMatch(/\n1 +6 +\d+ +\d+ +\d+ +44850 +44850 +yes, bit for bit\n/);
  });
  test('counts over the budget are left out and named; the default counts are 1, 2, 4, ... then k', () => {
    expect(checkpointCounts(10)).toEqual([1, 2, 4, 8, 10]);
    const report = checkpointReport(step, init, 1000, { budget: 1e6 });
    expect(report.skipped.map((s) => s.checkpoints)).toEqual([1]);
    expect(report.skipped[0]!.reason).toContain('2,502,500 primitive evaluations');
    expect(report.runs.map((r) => r.checkpoints)).toEqual([null, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000]);
  });
  test('runs already made are reused, not run again, even over the budget', () => {
    const plain = checkpointReport(step, init, 50, { checkpoints: [] }).runs[0]!;
    const c1 = checkpointReport(step, init, 50, { checkpoints: [1] }).runs[1]!;
    const report = checkpointReport(step, init, 50, { checkpoints: [1, 4], budget: 10, measured: [plain, c1] });
    expect(report.runs[0]).toBe(plain);
    expect(report.runs[1]).toBe(c1);
    expect(report.runs.map((r) => r.checkpoints)).toEqual([null, 1]);
    expect(report.skipped.map((s) => s.checkpoints)).toEqual([4]);
  });
  test('bad input: clear errors naming the argument', () => {
    expect(() => checkpointReport(step, init, 0)).toThrow(new RangeError('checkpointReport: length must be a positive integer number of steps, got 0'));
    expect(() => checkpointReport(step, init, 10, { checkpoints: [11] })).toThrow(/options.checkpoints must hold integers from 1 to length = 10, got 11/);
    expect(() => checkpointReport('step' as never, init, 10)).toThrow(TypeError);
    expect(() => checkpointReport(step, [0.5, 'a' as never, 1], 10)).toThrow(/init\[1\] must be a number/);
    expect(() => renderCheckpointReport({} as never)).toThrow(/report must be the result of checkpointReport/);
  });
});
