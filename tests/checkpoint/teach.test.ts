// Teaching output for checkpointed calls: one collapsed node in both traces (or expanded on request), and the cost in jacobianReport.
import {
  add, checkpoint, forwardTrace, jacobianReport, mul, renderJacobianReport, reverseTrace, renderTrace, scan, sin, sparseJacobian, type Value,
} from '../../src/index';

const block = checkpoint(function block(x: Value[]) {
  return [sin(mul(x[0]!, x[1]!)), add(x[0]!, x[1]!)];
});
const f = (x: Value[]) => {
  const [a, b] = block(x);
  return mul(a!, b!);
};
const plain = (x: Value[]) => mul(sin(mul(x[0]!, x[1]!)), add(x[0]!, x[1]!));

test('the forward trace shows the call as one node per output with its inputs, and its JVP', () => {
  const t = forwardTrace(f, [1, 2]);
  expect(t.rows.map((r) => r.expression)).toEqual(['x1', 'x2', 'checkpoint(block)[0](v-1, v0)', 'checkpoint(block)[1](v-1, v0)', 'v1 * v2', 'v3']);
  expect(t.rows[2]!.tangentRule).toBe('jvp checkpoint(block)[0](v-1-dot, v0-dot)');
  const want = forwardTrace(plain, [1, 2]);
  expect(t.outputTangent[0]).toBeCloseTo(want.outputTangent[0]!, 14);
  expect(renderTrace(t)).toContain('checkpoint(block)[1](v-1, v0)');
});

test('the reverse trace pulls the outputs\' adjoints through the call in one step per argument', () => {
  const t = reverseTrace(f, [1, 2]);
  expect(t.rows.map((r) => r.rule)).toEqual([
    'y-bar', 'v3-bar * v2', 'v3-bar * v1', 'vjp[0] checkpoint(block)(v1-bar, v2-bar)', 'vjp[1] checkpoint(block)(v1-bar, v2-bar)',
  ]);
  const want = reverseTrace(plain, [1, 2]);
  t.gradient.forEach((g, j) => expect(g).toBeCloseTo(want.gradient[j]!, 14));
});

test('expandCalls shows the primitives inside, as without checkpoint', () => {
  expect(reverseTrace(f, [1, 2], { expandCalls: true }).rows.map((r) => r.rule)).toEqual(reverseTrace(plain, [1, 2]).rows.map((r) => r.rule));
  expect(forwardTrace(f, [1, 2], { expandCalls: true }).rows.map((r) => r.expression)).toEqual(forwardTrace(plain, [1, 2]).rows.map((r) => r.expression));
});

test('jacobianReport counts the primitives inside calls and what the sweep recomputed', () => {
  const step = ([y, a]: Value[]) => [add(mul(sin(y!), a!), 0.1), a!];
  const g = (x: Value[]) => scan(step, [x[0]!, x[1]!], 50, { checkpoints: 3 })[0]!;
  const r = jacobianReport(g, [1, 2]);
  expect(r.primitives).toBe(150);
  expect(r.reverse.valuesStored).toBe(4);
  expect(r.reverse.recording.calls).toBe(1);
  expect(r.reverse.recording.sweepEvaluations).toBe(3 * (50 + r.reverse.recording.stepsRecomputed));
  expect(renderJacobianReport(r)).toContain('recomputed in sweeps');
  // no calls: the report is as before
  expect(renderJacobianReport(jacobianReport(plain, [1, 2]))).not.toContain('recomputed');
});

test('sparsity patterns are refused, with a clear error, for a recording whose checkpointed calls hide their insides', () => {
  const f = (x: Value[]) => checkpoint((y: Value[]) => [mul(y[0]!, y[1]!)])(x);
  expect(() => sparseJacobian(f, [1, 2])).toThrow(/checkpointed calls/);
  expect(jacobianReport(f, [1, 2]).sparsity).toBeUndefined();
});
