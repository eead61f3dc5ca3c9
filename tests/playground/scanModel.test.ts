// The scan panel's model: the step formula, the measured costs of the real checkpointed scan, the plot's runs and geometry.
import { add, binomialRecomputations, cos, grad, mul, record, scan, sin, type Value } from '../../src/index';
import {
  analyzeScan, curveCheckpoints, DEFAULT_SCAN, MAX_LENGTH, parseStep, SCAN_PRESETS, SWEEP_BUDGET, tradeoffCurve, type ScanInput, type ScanModel,
} from '../../src/playground/scanModel';
import { compact, logAxis, tradeoffGeometry } from '../../src/playground/tradeoffPlot';
import { decodeScanState, decodeState, DEFAULT_INPUT, encodeState, withScanState } from '../../src/playground/urlState';

function model(input: ScanInput): ScanModel {
  const a = analyzeScan(input);
  if (!a.ok) throw new Error(a.message);
  return a.model;
}

/** W3 written out by hand with the library's ops: y ← sin(y)·a + cos(y·b), from (y0, a, b). */
const w3 = (k: number) => (x: Value[]): Value => {
  let y = x[0] as Value;
  for (let i = 0; i < k; i++) y = add(mul(sin(y), x[1] as Value), cos(mul(y, x[2] as Value)));
  return y;
};

describe('parseStep', () => {
  test('the assigned names are the carry, the other variables parameters, in that order', () => {
    const p = parseStep('y = sin(y)*a + cos(y*b)');
    expect(p.ok && [p.step.carry, p.step.parameters, p.step.variables]).toEqual([['y'], ['a', 'b'], ['y', 'a', 'b']]);
    const q = parseStep('x = x + h*v; v = v - h*x\n');
    expect(q.ok && q.step.variables).toEqual(['x', 'v', 'h']);
    // simultaneous: both right-hand sides read the carry before the step
    expect(q.ok && q.step.step([1, 2, 0.5], 0)).toEqual([2, 1.5, 0.5]);
  });

  test('errors name the problem and point into the step as typed', () => {
    const frob = parseStep('y = sin(y) + frob(a)');
    expect(frob).toEqual({ ok: false, field: 'step', position: 13, message: "formula: unknown function 'frob' at position 14" });
    const open = parseStep('y = 1; z = sin(y +');
    expect(open).toMatchObject({ ok: false, field: 'step', message: "formula: Unexpected end of expression at position 19 in 'y = 1; z = sin(y +'" });
    expect(parseStep('sin(y)')).toMatchObject({ ok: false, field: 'step', position: 0, message: expect.stringMatching(/assigns a carry variable.*'sin\(y\)' assigns none/) });
    expect(parseStep('y = y; y = 2*y')).toMatchObject({ ok: false, position: 7, message: expect.stringMatching(/assigns y twice/) });
    expect(parseStep(' ; ')).toMatchObject({ ok: false, message: expect.stringMatching(/empty/) });
    expect(parseStep('y == 2')).toMatchObject({ ok: false, message: expect.stringMatching(/assigns none/) });
  });
});

describe('analyzeScan on W3', () => {
  const k = 300;
  const m = model({ ...DEFAULT_SCAN, length: k, checkpoints: 8 });
  const init = [0.5, 0.5, 0.3];

  test('the gradient is the plain recording\'s bit for bit, and the hand-written loop\'s', () => {
    expect(m.init).toEqual(init);
    expect(m.chosen.gradient).toEqual(m.plain.gradient);
    expect(m.gradientDifference).toBe(0);
    const g = grad(w3(k))(init);
    m.plain.gradient.forEach((v, i) => expect(v).toBeCloseTo(g[i] as number, 12));
    expect(m.chosen.value).toBe(m.plain.value);
  });

  test('the counts are the recording\'s own, for the plain loop and for c = 8', () => {
    const step = ([y, a, b]: Value[]) => [add(mul(sin(y!), a!), cos(mul(y!, b!))), a!, b!];
    for (const [c, measured] of [[null, m.plain], [8, m.chosen]] as const) {
      const tape = record((x) => scan(step, x, k, c === null ? undefined : { checkpoints: c })[0]!, init);
      expect(measured.recorded).toEqual(tape.cost);
      tape.backward(1);
      expect(measured.cost).toEqual(tape.cost);
      tape.release();
    }
    expect(m.perStep).toBe(5);
    expect(m.plain.cost).toMatchObject({ storedValues: 5 * k + 3, forwardEvaluations: 5 * k, sweepEvaluations: 0, stepsRecomputed: 0 });
    expect(m.chosen.cost.forwardEvaluations).toBe(5 * k);
    // the list keeps the 3 inputs and 3 outputs; the forward run also keeps the schedule's first snapshots (at most c - 1 carries of 3) for the sweep, which uses them up
    expect(m.chosen.recorded.storedValues).toBeGreaterThan(6);
    expect(m.chosen.recorded.storedValues).toBeLessThanOrEqual(6 + 7 * 3);
    expect(m.chosen.cost.storedValues).toBe(6);
    expect(m.plain.recorded).toEqual(m.plain.cost);
    expect(m.chosen.cost.peakBytes).toBeLessThan(m.plain.cost.peakBytes / 20);
    expect(m.chosen.cost.sweepEvaluations).toBeGreaterThan(5 * k);
    // the forward run makes the schedule's first advances, the sweep the rest
    expect(m.binomialBound).toBe(binomialRecomputations(k, 8));
    expect(m.chosen.cost.stepsRecomputed).toBeLessThanOrEqual(m.binomialBound!);
    expect(m.chosen.cost.stepsRecomputed).toBeGreaterThanOrEqual(m.binomialBound! - k);
    expect(m.chosen.evaluations).toBe(m.chosen.cost.forwardEvaluations + m.chosen.cost.sweepEvaluations);
  });

  test('no checkpointing: the chosen run is the plain one', () => {
    const p = model({ ...DEFAULT_SCAN, length: 50, checkpoints: null });
    expect(p.chosen).toBe(p.plain);
    expect(p.binomialBound).toBeUndefined();
  });
});

test('two carries and a parameter (the oscillator): the gradient equals central differences of the loop on numbers', () => {
  const preset = SCAN_PRESETS.find((p) => p.name.startsWith('oscillator'))!;
  const k = 200;
  const m = model({ step: preset.step, init: preset.init, length: k, checkpoints: 5 });
  expect(m.parsed.variables).toEqual(['x', 'v', 'h']);
  const loop = ([x0, v0, h]: number[]) => {
    let x = x0!;
    let v = v0!;
    for (let i = 0; i < k; i++) [x, v] = [x + h! * v, v - h! * x];
    return x;
  };
  expect(m.chosen.value).toBeCloseTo(loop(m.init as number[]), 13);
  m.init.forEach((_, j) => {
    const e = 1e-6;
    const up = m.init.map((v, i) => (i === j ? v + e : v));
    const down = m.init.map((v, i) => (i === j ? v - e : v));
    expect(m.chosen.gradient[j]).toBeCloseTo((loop(up) - loop(down)) / (2 * e), 5);
  });
  expect(m.chosen.gradient).toEqual(m.plain.gradient);
});

describe('bad input names its field', () => {
  const base = { ...DEFAULT_SCAN, length: 20, checkpoints: 4 };
  test.each([
    [{ length: 0 }, 'length', /length k must be a whole number of steps from 1 to 10,000, got 0/],
    [{ length: MAX_LENGTH + 1 }, 'length', /got 10001/],
    [{ length: 2.5 }, 'length', /got 2.5/],
    [{ length: NaN }, 'length', /got no number/],
    [{ checkpoints: 0 }, 'checkpoints', /checkpoints c must be a whole number from 1 to k = 20, got 0/],
    [{ checkpoints: 21 }, 'checkpoints', /got 21/],
    [{ checkpoints: NaN }, 'checkpoints', /got no number/],
    [{ init: { y: 0.5, a: NaN, b: 1 } }, 'init', /initial value of a must be a finite number/],
    [{ step: 'y = sin(y' }, 'step', /position/],
  ] as const)('%o', (change, field, message) => {
    const a = analyzeScan({ ...base, ...change });
    expect(a).toMatchObject({ ok: false, field, message: expect.stringMatching(message) });
    if (field === 'init') expect(a).toMatchObject({ variable: 'a' });
  });

  test('a c whose schedule would re-run more than the page\'s budget is refused, with the count', () => {
    const a = analyzeScan({ ...DEFAULT_SCAN, length: 10_000, checkpoints: 1 });
    expect(a).toMatchObject({ ok: false, field: 'checkpoints', message: expect.stringMatching(/c = 1 with k = 10000 would re-run 49,995,000 steps.*at most 3,000,000: raise c or lower k/) });
  });

  test('a missing initial value defaults to 1', () => {
    expect(model({ ...base, init: { y: 0.5 } }).init).toEqual([0.5, 1, 1]);
  });
});

describe('the plot', () => {
  test('curveCheckpoints: powers of two below k, then k', () => {
    expect(curveCheckpoints(10)).toEqual([1, 2, 4, 8, 10]);
    expect(curveCheckpoints(8)).toEqual([1, 2, 4, 8]);
    expect(curveCheckpoints(1)).toEqual([1]);
  });

  const m = model({ ...DEFAULT_SCAN, length: 200, checkpoints: 12 });
  const curve = tradeoffCurve(m, [12]);

  test('measures the plain recording and each c: fewer checkpoints, less memory and more work', () => {
    expect(curve.points.map((p) => p.checkpoints)).toEqual([null, 1, 2, 4, 8, 12, 16, 32, 64, 128, 200]);
    expect(curve.skipped).toEqual([]);
    expect(curve.points.find((p) => p.checkpoints === 12)).toBe(m.chosen);
    const runs = curve.points.slice(1);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]!.cost.peakBytes).toBeGreaterThan(runs[i - 1]!.cost.peakBytes);
      expect(runs[i]!.evaluations).toBeLessThanOrEqual(runs[i - 1]!.evaluations);
    }
    for (const p of runs) expect(p.gradient).toEqual(m.plain.gradient);
    expect(runs[0]!.cost.stepsRecomputed).toBe(binomialRecomputations(200, 1));
  });

  test('runs over the budget are left out, and said so', () => {
    const big = model({ ...DEFAULT_SCAN, length: 10_000, checkpoints: 64 });
    const cs = curveCheckpoints(10_000).filter((c) => (binomialRecomputations(10_000, c) + 10_000) * big.perStep > SWEEP_BUDGET);
    expect(cs).toEqual([1, 2]);
    const skipped = tradeoffCurve({ ...big, input: { ...big.input, length: 10_000 } }, []).skipped;
    expect(skipped.slice(0, 2).map((s) => [s.checkpoints, s.reason])).toEqual([[1, expect.stringMatching(/budget/)], [2, expect.stringMatching(/budget/)]]);
    // the rest ran, however many snapshots (the schedule keeps its pending ranges off the call stack)
    expect(skipped).toHaveLength(2);
  });

  test('geometry: log-log, the plain recording leftmost and highest', () => {
    const g = tradeoffGeometry(curve.points);
    const plain = g.points.find((p) => p.m.checkpoints === null)!;
    for (const p of g.points) {
      expect(plain.cx).toBeLessThanOrEqual(p.cx);
      expect(plain.cy).toBeLessThanOrEqual(p.cy); // SVG y grows downwards
    }
    const one = g.points.find((p) => p.m.checkpoints === 1)!;
    expect(Math.max(...g.points.map((p) => p.cx))).toBe(one.cx);
    expect(g.x.ticks.length).toBeGreaterThanOrEqual(2);
    expect(g.y.ticks.length).toBeGreaterThanOrEqual(2);
  });

  test('axes and labels', () => {
    const a = logAxis(100, 10_000, 0, 200);
    expect(a.ticks.map((t) => t.label)).toEqual(['100', '200', '500', '1k', '2k', '5k', '10k']);
    expect(a.at(1000) - a.at(100)).toBeCloseTo(a.at(10_000) - a.at(1000), 9);
    expect(logAxis(10, 1e6, 0, 100).ticks.map((t) => t.label)).toEqual(['10', '100', '1k', '10k', '100k', '1M']);
    expect([compact(132060), compact(999), compact(1500), compact(2e6)]).toEqual(['132k', '999', '1.5k', '2M']);
  });
});

describe('the scan panel in the link', () => {
  test('round trip, next to the formula\'s state', () => {
    const scan: ScanInput = { step: 'x = x + h*v; v = v - h*x', init: { x: 1, v: 0, h: 0.01 }, length: 250, checkpoints: 7 };
    const hash = withScanState(encodeState(DEFAULT_INPUT), scan);
    expect(decodeScanState(hash)).toEqual(scan);
    expect(decodeState(hash)).toEqual(DEFAULT_INPUT);
    expect(decodeScanState(withScanState(hash, { ...scan, checkpoints: null })).checkpoints).toBeNull();
  });

  test('the default scan adds nothing, and replaces what was there', () => {
    const base = encodeState(DEFAULT_INPUT);
    expect(withScanState(base, DEFAULT_SCAN)).toBe(base);
    expect(withScanState(withScanState(base, { ...DEFAULT_SCAN, length: 9 }), DEFAULT_SCAN)).toBe(base);
    expect(decodeScanState(base)).toEqual(DEFAULT_SCAN);
  });

  test('missing parts fall back to the default; a value the page rejects is kept for its field to report', () => {
    expect(decodeScanState('#s=x+%3D+2*x')).toEqual({ ...DEFAULT_SCAN, step: 'x = 2*x', init: {} });
    expect(decodeScanState('#k=0&c=abc')).toEqual({ ...DEFAULT_SCAN, length: 0 });
    expect(decodeScanState('#si=y:2,1bad:3,a:x')).toEqual({ ...DEFAULT_SCAN, init: { y: 2 } });
  });
});
