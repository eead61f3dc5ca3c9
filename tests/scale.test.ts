// Very deep and very wide traces differentiate in both modes without a stack overflow.
import { add, grad, jvp, mul, record, sin, type Value } from '../src/index';

test('a chain of 10^6 primitives, both modes', () => {
  const N = 1_000_000;
  const chain = (x: Value[]) => {
    let y: Value = x[0]!;
    for (let i = 0; i < N; i++) y = mul(y, 1.0000001);
    return y;
  };
  const expected = Math.pow(1.0000001, N);
  expect(grad(chain)([1])[0]).toBeCloseTo(expected, 6);
  expect(jvp(chain, [1], [1])[1]).toBeCloseTo(expected, 6);
});

test('a fan-in of 10^5 inputs into one sum and a fan-out of one input into 10^5 uses', () => {
  const n = 100_000;
  const x = Array.from({ length: n }, (_, i) => i / n);
  const g = grad((xs: Value[]) => xs.reduce((s: Value, xi) => add(s, sin(xi)), 0))(x);
  expect(g[n - 1]).toBeCloseTo(Math.cos(x[n - 1]!), 14);
  const tape = record((xs: Value[]) => {
    let s: Value = 0;
    for (let i = 0; i < n; i++) s = add(s, mul(xs[0]!, i));
    return s;
  }, [2]);
  expect(tape.backward(1)[0]).toBe((n * (n - 1)) / 2);
});
