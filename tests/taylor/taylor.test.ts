// Taylor mode: the first K derivatives in one pass, against known series and nested derivatives.
import {
  acosh, add, atan, customDerivative, derivative, div, exp, grad, listOps, log, mul, pow, sin, sqrt, sub, taylor, tan,
  type Value,
} from '../../src/index';
import { relErr } from '../helpers/numeric';
import { opSpecs, type BuiltinOpName } from '../ops/opSpecs';
import * as table from '../../src/ops/table';

test('known series: exp, sin, 1/(1-x)', () => {
  const e = taylor((x) => exp(x[0]!), [0], [1], 8, { scale: 'coefficients' });
  let factorial = 1;
  e.forEach((c, k) => {
    if (k > 0) factorial *= k;
    expect(relErr(c, 1 / factorial)).toBeLessThan(1e-15);
  });
  expect(taylor((x) => sin(x[0]!), [0], [1], 7)).toEqual([0, 1, 0, -1, 0, 1, 0, -1]);
  expect(taylor((x) => div(1, sub(1, x[0]!)), [0], [1], 10, { scale: 'coefficients' })).toEqual(new Array(11).fill(1));
});

/** The first K derivatives by nesting `derivative` K times (the slow, obvious way). */
function nestedDerivatives(f: (x: Value) => Value, x: number, K: number): number[] {
  const out: number[] = [];
  let d = f;
  for (let k = 0; k <= K; k++) {
    out.push(d(x) as number);
    const previous = d;
    d = (t: Value) => derivative(previous)(t) as Value;
  }
  return out;
}

test.each(Object.keys(opSpecs) as BuiltinOpName[])('every primitive: Taylor coefficients of %s equal nested derivatives', (name) => {
  const prim = table[name] as unknown as (...a: Value[]) => Value;
  const arity = (prim as unknown as { op: { arity: number } }).op.arity;
  const point = opSpecs[name].points[0]!;
  // Along the line x + t·v through the op's smooth point, as a function of t.
  const v = [0.7, -0.4].slice(0, arity);
  const along = (t: Value) => prim(...point.map((p, i) => add(p, mul(v[i]!, t))));
  const K = 4;
  const expected = nestedDerivatives(along, 0, K);
  const got = taylor((x) => prim(...x), point, v, K);
  got.forEach((d, k) => {
    if (!(relErr(d, expected[k]!) < 1e-9)) throw new Error(`order ${k}: ${d} vs nested ${expected[k]}`);
  });
  expect(listOps().some((op) => op.name === name)).toBe(true);
});

test('a composite function along a direction, order 6, equals nested derivatives', () => {
  const f = (x: Value[]) => mul(tan(x[0]!), sqrt(pow(x[1]!, 2.5)));
  const x = [0.7, 1.3];
  const v = [1, -0.5];
  const along = (t: Value) => f([add(x[0]!, mul(v[0]!, t)), add(x[1]!, mul(v[1]!, t))]);
  const expected = nestedDerivatives(along, 0, 6);
  taylor(f, x, v, 6).forEach((d, k) => expect(relErr(d, expected[k]!)).toBeLessThan(1e-9));
});

test('high orders stay fast (jets are shared, not rebuilt per order)', () => {
  const t0 = performance.now();
  const d = taylor((x) => atan(log(acosh(add(2, x[0]!)))), [0.3], [1], 24);
  expect(d).toHaveLength(25);
  expect(d.every(Number.isFinite)).toBe(true);
  expect(performance.now() - t0).toBeLessThan(5000);
});

test('a vector f gives one series per output; custom ops and nesting work', () => {
  const s = taylor((x) => [exp(x[0]!), sin(x[0]!)], [0], [1], 3);
  expect(s).toEqual([
    [1, 1, 1, 1],
    [0, 1, 0, -1],
  ]);
  const softsq = customDerivative((x) => x[0]! * x[0]!, (x) => [mul(2, x[0]!)], { name: 'taylorSquare' });
  expect(taylor((x) => softsq(x), [3], [1], 3)).toEqual([9, 6, 2, 0]);
  // grad of a Taylor coefficient: d/dx of (d³/dt³ sin(x + t)) = d/dx(-cos x) = sin x
  expect(relErr(grad((x: Value[]) => taylor((y) => sin(y[0]!), x, [1], 3)[3]!)([0.5])[0]!, Math.sin(0.5))).toBeLessThan(1e-14);
});

test('bad input', () => {
  expect(() => taylor((x) => x[0]!, [1], [1], -1)).toThrow(/taylor: order must be an integer from 0 to 100/);
  expect(() => taylor((x) => x[0]!, [1], [1, 2], 2)).toThrow(/taylor: v must have length 1/);
});
