// Very wide traces (10^6 inputs, uses or outputs) in both modes, and memory released once a recording is dropped.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { add, grad, jvp, mul, record, sin, vjp, type Value } from '../../src/index';

const N = 1_000_000;
jest.setTimeout(60_000);

test('fan-in: 10^6 inputs into one sum, gradient in one sweep and a full directional derivative in one pass', () => {
  const x = Float64Array.from({ length: N }, (_, i) => i / N);
  const sum = (xs: Value[]) => {
    let s: Value = 0;
    for (let i = 0; i < xs.length; i++) s = add(s, sin(xs[i]!));
    return s;
  };
  const g = grad(sum)(x);
  expect(g).toHaveLength(N);
  expect(g[N - 1]).toBe(Math.cos(x[N - 1]!));
  expect(g[12345]).toBe(Math.cos(x[12345]!));
  // forward mode: one pass seeded with v gives J·v = Σ v_i for a plain sum
  const plainSum = (xs: Value[]) => xs.reduce((s: Value, xi) => add(s, xi), 0);
  const v = Float64Array.from({ length: N }, (_, i) => i % 3);
  expect(jvp(plainSum, x, v)[1]).toBe(v.reduce((s, vi) => s + vi, 0));
});

test('fan-out: one input used 10^6 times, adjoints accumulated in both modes', () => {
  const spread = (xs: Value[]) => {
    let s: Value = 0;
    for (let i = 0; i < N; i++) s = add(s, xs[0]!);
    return s;
  };
  expect(grad(spread)([2])).toEqual([N]);
  expect(jvp(spread, [2], [1])[1]).toBe(N);
});

test('10^6 outputs: one pullback with a 10^6-long yBar, one forward pass', () => {
  const many = (xs: Value[]) => Array.from({ length: N }, (_, i) => mul(xs[0]!, i % 5));
  const [y, pullback] = vjp(many, [3]);
  expect(y).toHaveLength(N);
  expect(pullback(new Array<number>(N).fill(1))).toEqual([2 * N]);
  const [, yDot] = jvp(many, [3], [1]);
  expect((yDot as number[])[N - 1]).toBe((N - 1) % 5);
});

test('a chain of 10^6 primitives: recorded once and replayed at a new point, and fresh in both modes', () => {
  const tape = record((xs: Value[]) => {
    let y: Value = xs[0]!;
    for (let i = 0; i < N; i++) y = mul(y, 1.0000001);
    return y;
  }, [1]);
  expect(tape.length).toBe(N + 1);
  expect(tape.replay([2])).toBeCloseToRel(2 * Math.pow(1.0000001, N), 1e-9);
  expect(tape.backward(1)[0]).toBeCloseToRel(Math.pow(1.0000001, N), 1e-9);
  // and fresh, in both modes (no recursion anywhere: a stack overflow would fail here)
  const chain = (xs: Value[]) => {
    let y: Value = xs[0]!;
    for (let i = 0; i < N; i++) y = mul(y, 1.0000001);
    return y;
  };
  expect(grad(chain)([1])[0]).toBeCloseToRel(Math.pow(1.0000001, N), 1e-9);
  expect(jvp(chain, [1], [1])[1]).toBeCloseToRel(Math.pow(1.0000001, N), 1e-9);
});

test('a dropped recording of 10^6 entries releases its memory (node --expose-gc)', () => {
  const script = path.join(__dirname, 'memoryProbe.ts');
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  const { held, afterDrop, afterMore } = JSON.parse(out) as Record<string, number>;
  // held: at least 8 bytes per entry for the value alone; after the drop, under 1 byte per entry remains
  expect(held).toBeGreaterThan(8 * N);
  expect(afterDrop).toBeLessThan(N);
  expect(afterMore).toBeLessThan(N);
});
