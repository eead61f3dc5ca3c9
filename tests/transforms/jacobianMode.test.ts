// jacobian 'auto' chooses by the modelled cost of each mode (chunked forward passes vs one recording and m sweeps).
import { add, chooseJacobianMode, jacobian, jacobianReport, mul, sin, type Value } from '../../src/index';
import { jacobianModeCost } from '../../src/transforms/jacobian';

describe('chooseJacobianMode', () => {
  test('n = m = 50: reverse (7 chunked passes cost more than one recording and 50 sweeps, as W4 measures)', () => {
    const c = jacobianModeCost(50, 50);
    expect([c.forwardPasses, c.chunkSize]).toEqual([7, 8]);
    expect(c.reverse).toBeLessThan(c.forward);
    expect(chooseJacobianMode(50, 50)).toBe('reverse');
  });
  // n >> m, and small shapes where one recording and m sweeps cost less than a chunked pass.
  test.each([[1000, 1], [200, 1], [100, 25], [4, 3], [2, 1]])('n = %i, m = %i: reverse', (n, m) => {
    expect(chooseJacobianMode(n, m)).toBe('reverse');
  });
  // m >> n, and a single input (one plain Dual pass).
  test.each([[1, 200], [2, 1250], [10, 250], [25, 100], [1, 3], [1, 1]])('n = %i, m = %i: forward', (n, m) => {
    expect(chooseJacobianMode(n, m)).toBe('forward');
  });
  test('one crossover in m at fixed n: reverse below it, forward from it on', () => {
    // n = 10 (two passes of 5 tangents) against one recording and m sweeps.
    const flip = Array.from({ length: 200 }, (_, m) => chooseJacobianMode(10, m + 1)).indexOf('forward') + 1;
    expect(flip).toBeGreaterThan(10);
    for (let m = 1; m <= 200; m++) expect(chooseJacobianMode(10, m)).toBe(m < flip ? 'reverse' : 'forward');
  });
  test('a smaller chunk makes forward dearer: one tangent per pass at n = m = 8', () => {
    expect(jacobianModeCost(8, 8, 1).forwardPasses).toBe(8);
    expect(jacobianModeCost(8, 8, 1).forward).toBeGreaterThan(jacobianModeCost(8, 8).forward);
    expect(chooseJacobianMode(8, 8, 1)).toBe('reverse');
  });
  test('the choice is the cheaper modelled cost, ties to forward', () => {
    for (let n = 1; n <= 32; n++) for (let m = 1; m <= 64; m++) {
      const c = jacobianModeCost(n, m);
      expect(chooseJacobianMode(n, m)).toBe(c.forward <= c.reverse ? 'forward' : 'reverse');
    }
  });
});

describe("jacobian 'auto' runs the mode chooseJacobianMode picks", () => {
  // Forward passes call f once per chunk; reverse records once (plus the probe that learns m).
  let calls = 0;
  const sinSum = (m: number) => (x: Value[]): Value[] => {
    calls++;
    return Array.from({ length: m }, (_, i) => x.reduce((s: Value, xj, j) => add(s, sin(mul(1 + ((i + j) % 3), xj))), 0));
  };
  test.each([[50, 50], [2, 100], [100, 2]])('n = %i, m = %i', (n, m) => {
    const x = Array.from({ length: n }, (_, j) => 0.1 * j);
    calls = 0;
    const J = jacobian(sinSum(m), x);
    const expected = chooseJacobianMode(n, m) === 'forward' ? 1 + jacobianModeCost(n, m).forwardPasses : 2;
    expect(calls).toBe(expected);
    expect(J).toEqual(jacobian(sinSum(m), x, { mode: 'reverse' }));
  });
  test('a bad chunkSize is rejected whichever mode would run', () => {
    expect(() => jacobian(sinSum(1), [1, 2, 3], { chunkSize: 0 })).toThrow(/jacobian: .*chunkSize/);
  });
  test('jacobianReport states the modelled costs and agrees with the choice', () => {
    const r = jacobianReport(sinSum(50), Array.from({ length: 50 }, (_, j) => 0.1 * j));
    expect(r.auto.mode).toBe('reverse');
    expect(r.auto.reason).toMatch(/forward makes 7 passes of 8 tangents \(≈ [\d,]+ ns\), reverse one recording and 50 sweeps/);
    const tall = jacobianReport(sinSum(100), [0.5, 1]);
    expect(tall.auto.mode).toBe('forward');
    expect(tall.auto.reason).toMatch(/forward is cheaper/);
  });
});
