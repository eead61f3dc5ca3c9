// Teaching and tools: the sparsity report, its text, jacobianReport's sparsity section, the CLI command and the playground's spy plot data.
import { add, exp, jacobianReport, mul, renderJacobianReport, renderSparsityReport, sparsityReport, sub, workedExample, type Value } from '../../src/index';
import { sparsityReportOf } from '../../src/cli/sparsity';
import { formula } from '../../src/expr/index';
import { spyModel } from '../../src/playground/spyPlot';

const F = (u: Value[]) => u.map((ui, i) => add(sub(add(i > 0 ? u[i - 1]! : 0, i < u.length - 1 ? u[i + 1]! : 0), mul(2, ui)), mul(0.01, exp(ui))));

test('sparsityReport: pattern, both colourings, and passes compressed vs dense', () => {
  const r = sparsityReport(F, [1, 2, 3, 4, 5, 6]);
  expect(r.jacobian.pattern.nnz).toBe(16);
  expect([r.jacobian.forwardPasses, r.jacobian.reverseSweeps]).toEqual([3, 3]);
  expect(r.jacobian.densePasses).toEqual({ forward: 6, reverse: 6 });
  expect(r.jacobian.columnColors).toEqual([0, 1, 2, 0, 1, 2]);
  expect(r.hessian).toBeUndefined();
  const text = renderSparsityReport(r);
  expect(text).toContain('  y1 [  a  b  ·  ·  ·  · ]');
  expect(text).toContain('3 compressed passes instead of n = 6');
  expect(text).toContain('local to the branch');
});

test('for a scalar f the report adds the Hessian pattern and its star colouring', () => {
  const r = sparsityReport(workedExample, [2, 5]);
  expect(r.hessian?.pattern.toString()).toBe('●●\n●●');
  expect(r.hessian?.products).toBe(2);
  expect(() => renderSparsityReport(null as never)).toThrow(/renderSparsityReport: report must be the result of sparsityReport/);
});

test('jacobianReport carries the sparsity section and renders it', () => {
  const r = jacobianReport(F, [1, 2, 3, 4]);
  expect(r.sparsity.jacobian.forwardPasses).toBe(3);
  expect(r.sparsity.jacobian.densePasses.forward).toBe(4);
  const text = renderJacobianReport(r, { inputNames: ['a', 'b', 'c', 'd'] });
  expect(text).toMatch(/Jacobian pattern \(4 × 4, 10 structural nonzeros/);
  expect(text).toContain('forward mode: 3 colours of columns (a a, b b, c c, d a)');
});

test('the CLI command prints the pattern and colourings of a formula (its usage errors are in tests/cli)', () => {
  const at = (text: string) => formula(text).point({ x1: 1, x2: 2, x3: 3 });
  const vector = formula('x1*x2 - x1; sin(x2) + x3^2; exp(x3)');
  const out = sparsityReportOf(vector, at('x1*x2 - x1; sin(x2) + x3^2; exp(x3)'));
  expect(out).toContain('Jacobian pattern (3 × 3, 5 structural nonzeros');
  expect(out).toContain('  y2 [  ·  b  a ]');
  expect(out).toMatch(/2 compressed passes instead of n = 3/);
  const scalar = formula('x1^2*x2 + sin(x3)');
  expect(sparsityReportOf(scalar, at('x1^2*x2 + sin(x3)'))).toContain('Hessian pattern (3 × 3, 4 structural nonzeros');
});

test('the playground spy plot data: one cell per structural nonzero, coloured by column colour group', () => {
  const s = spyModel('x1*x2; x2 + x3; x3^2', [1, 2, 3]);
  expect([s.m, s.n]).toEqual([3, 3]);
  expect(s.cells.map((c) => [c.row, c.col])).toEqual([[0, 0], [0, 1], [1, 1], [1, 2], [2, 2]]);
  // columns sharing a row never share a colour
  const byRow = new Map<number, number[]>();
  for (const c of s.cells) byRow.set(c.row, [...(byRow.get(c.row) ?? []), c.color]);
  for (const colors of byRow.values()) expect(new Set(colors).size).toBe(colors.length);
  expect(s.forwardPasses).toBe(2);
});
