// A failing f, op or replay leaves no active trace behind, and transformations are re-entrant.
import {
  add, cos, defineOp, derivative, exp, grad, jacfwd, jacobian, jacobianColumn, jacobianRow, jacrev, jvp, mul, primal,
  record, sin, valueAndGrad, vjp, type Value,
} from '../../src/index';

const f = (x: Value[]) => mul(x[0]!, sin(x[1]!));
const X = [2, 5];
const GRAD = [Math.sin(5), 2 * Math.cos(5)];

/** The perturbation-confusion check: d/dx [x · d/dy (x + y)] = 1; a stale level or trace gives 2. */
function confusionChecks(): number[] {
  return [
    derivative((x: Value) => mul(x, derivative((y: Value) => add(x, y))(1)))(3),
    grad((x: Value[]) => mul(x[0]!, grad((y: Value[]) => add(x[0]!, y[0]!))([1])[0]!))([3])[0]!,
    derivative((x: Value) => mul(x, grad((y: Value[]) => add(x, y[0]!))([1])[0]!))(3),
    grad((x: Value[]) => mul(x[0]!, derivative((y: Value) => add(x[0]!, y))(1)))([3])[0]!,
  ];
}

type Runner = (g: (x: Value[]) => Value | Value[]) => unknown;
const runners: [string, Runner][] = [
  ['grad', (g) => grad(g as never)(X)],
  ['valueAndGrad', (g) => valueAndGrad(g as never)(X)],
  ['vjp', (g) => vjp(g, X)],
  ['record', (g) => record(g, X)],
  ['jacrev', (g) => jacrev(g)(X)],
  ['jacobianRow', (g) => jacobianRow(g, X, 0)],
  ['jvp', (g) => jvp(g, X, [1, 0])],
  ['jacfwd', (g) => jacfwd(g)(X)],
  ['jacobianColumn', (g) => jacobianColumn(g, X, 1)],
  ['derivative', (g) => derivative((x: Value) => g([x, 5]) as Value)(2)],
  ['jacobian (forward)', (g) => jacobian(g, X, { mode: 'forward' })],
  ['jacobian (reverse)', (g) => jacobian(g, X, { mode: 'reverse' })],
];

describe.each(runners)('f throws midway through %s', (_name, run) => {
  const thrown = [new Error('boom'), new RangeError('range'), 42, undefined, { custom: true }];
  test.each(thrown.map((t) => [String(t), t]))('the thrown %s reaches the caller unchanged', (_label, t) => {
    let caught: unknown = 'nothing thrown';
    try {
      run((x) => {
        sin(mul(x[0]!, x[1]!));
        throw t;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(t);
  });

  test('no value of the failed call stays usable, and the next calls behave as if it never happened', () => {
    let partial: Value = 0;
    let input: Value = 0;
    expect(() =>
      run((x) => {
        input = x[0]!;
        partial = sin(mul(x[0]!, x[1]!));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    // A half-recorded tape or a still-open pass would accept these silently.
    expect(() => add(partial, 1)).toThrow(/that has already finished/);
    expect(() => mul(input, input)).toThrow(/that has already finished/);
    expect(() => grad(() => partial)([1])).toThrow(/that has already finished/);
    expect(confusionChecks()).toEqual([1, 1, 1, 1]);
    expect(grad(f)(X)).toEqual(GRAD);
    expect(jacfwd(f)(X)).toEqual([GRAD]);
  });

  test('a primitive that throws inside f (bad argument) closes the trace too', () => {
    let inside: Value = 0;
    expect(() =>
      run((x) => {
        inside = x[0]!;
        return add(x[0]!, 'two' as never);
      }),
    ).toThrow(/add: argument 2 must be a number/);
    expect(() => sin(inside)).toThrow(/that has already finished/);
    expect(confusionChecks()).toEqual([1, 1, 1, 1]);
  });
});

test('an inner transformation that fails leaves the outer one recording correctly (both modes, both orders)', () => {
  const failInner = (x: Value) => {
    try {
      return jvp(() => {
        sin(x);
        throw new Error('inner');
      }, [1], [1]);
    } catch {
      return undefined;
    }
  };
  // The outer keeps using values made before the failure; its derivatives are unaffected.
  expect(grad((x) => (failInner(x[0]!), mul(x[0]!, sin(x[0]!))))([2])[0]).toBeCloseToRel(Math.sin(2) + 2 * Math.cos(2));
  expect(derivative((x: Value) => (failInner(x), mul(x, sin(x))))(2)).toBeCloseToRel(Math.sin(2) + 2 * Math.cos(2));
  let innerValue: Value = 0;
  expect(() =>
    grad((x) => {
      try {
        grad((y) => {
          innerValue = mul(y[0]!, x[0]!);
          throw new Error('inner');
        })([1]);
      } catch {
        // swallowed on purpose: the outer goes on
      }
      return add(x[0]!, innerValue);
    })([3]),
  ).toThrow(/grad|add: an AD value of a recording \(reverse mode\) that has already finished/);
});

describe('a failing replay or backward sweep leaves the list as it was', () => {
  let armed = false;
  const fragile = defineOp({
    name: 'fragileTwice',
    arity: 1,
    value: (x: number) => {
      if (armed && x > 10) throw new Error('value failed');
      return 2 * x;
    },
    partials: ([x]) => {
      // Reading the primal first makes the rule value-dependent, so it is called on every
      // use rather than derived once into a kernel (rules are otherwise assumed pure).
      const v = primal(x!);
      if (armed && v > 10) throw new Error('partials failed');
      return [2];
    },
  });
  const g = (x: Value[]) => [mul(fragile(x[0]!), sin(x[1]!)), exp(x[0]!)];

  test('replay: output and adjoints are those of the last complete evaluation', () => {
    armed = false;
    const tape = record(g, [1, 2]);
    const before = { out: tape.output, bw: tape.backward([1, 1]), entries: tape.entries };
    armed = true;
    // Before the fix the list stayed half-replayed: backward then returned zeros.
    expect(() => tape.replay([20, 3])).toThrow('value failed');
    expect(tape.output).toEqual(before.out);
    expect(tape.backward([1, 1])).toEqual(before.bw);
    expect(tape.entries).toEqual(before.entries);
    expect(tape.replay([3, 4])).toEqual([6 * Math.sin(4), Math.exp(3)]);
    expect(tape.backward([1, 0])).toEqual([2 * Math.sin(4), 6 * Math.cos(4)]);
  });

  test('replay inside a transformation that fails, then outside it', () => {
    armed = false;
    const tape = record(g, [1, 2]);
    const before = tape.backward([1, 0]);
    const replayThenFail = (x: Value[]) => {
      tape.replay([x[0]!, 2]);
      return mul(x[0]!, 'bad' as never);
    };
    expect(() => grad(replayThenFail)([1])).toThrow(/mul: argument 2/);
    // the list now holds the replay's values lifted from the finished recording
    expect(() => tape.backward([1, 0])).toThrow(/that has already finished/);
    expect(tape.replay([1, 2])).toEqual(record(g, [1, 2]).output);
    expect(tape.backward([1, 0])).toEqual(before);
  });

  test('backward: a partials rule that throws leaves the list usable', () => {
    armed = false;
    const tape = record(g, [20, 2]);
    armed = true;
    expect(() => tape.backward([1, 0])).toThrow('partials failed');
    armed = false;
    expect(tape.backward([1, 0])).toEqual([2 * Math.sin(2), 40 * Math.cos(2)]);
  });
});

describe('re-entrant use', () => {
  test('f calls grad or jvp of an unrelated function on plain numbers (both modes)', () => {
    const h = (x: Value[]) => mul(x[0]!, x[0]!);
    const withInner = (x: Value[]) => {
      const c = grad(h)([3])[0]! + (jvp(h, [2], [1])[1] as number); // 6 + 4
      return mul(c, sin(x[0]!));
    };
    expect(grad(withInner)([1])).toEqual([10 * Math.cos(1)]);
    expect(jacfwd(withInner)([1])).toEqual([[10 * Math.cos(1)]]);
  });

  test('f calls jacfwd and jacrev of itself at a different point', () => {
    let depth = 0;
    const self = (x: Value[]): Value => {
      if (depth > 0) return mul(x[0]!, x[0]!);
      depth++;
      try {
        const at3 = jacfwd(self)([3])[0]![0]! + jacrev(self)([4])[0]![0]!; // 6 + 8, plain numbers
        return mul(at3, sin(x[0]!));
      } finally {
        depth--;
      }
    };
    expect(grad(self)([1])).toEqual([14 * Math.cos(1)]);
    expect(derivative((x: Value) => self([x]))(1)).toBe(14 * Math.cos(1));
  });

  test('a pullback called inside another grad is differentiated through (nesting)', () => {
    const [, pullback] = vjp((x) => [mul(x[0]!, x[1]!), sin(x[0]!)], [2, 5]);
    // s(w) = sum(pullback([w, w^2])) = w(5 + 2) + w^2 cos 2, so s'(w) = 7 + 2w cos 2
    const s = (w: Value[]) => pullback([w[0]!, mul(w[0]!, w[0]!)]).reduce((a: Value, b) => add(a, b), 0);
    expect(grad(s)([3])[0]).toBeCloseToRel(7 + 6 * Math.cos(2));
    expect(derivative((w: Value) => s([w]))(3)).toBeCloseToRel(7 + 6 * Math.cos(2));
  });

  test('a pullback made inside a transformation, used there, gives second derivatives', () => {
    // d/dx [d/dx (x^2 sin x)] = 2 sin x + 4x cos x - x^2 sin x
    const second = (x0: number) => 2 * Math.sin(x0) + 4 * x0 * Math.cos(x0) - x0 * x0 * Math.sin(x0);
    const inner = (x: Value[]) => mul(mul(x[0]!, x[0]!), sin(x[0]!));
    expect(grad((x) => vjp(inner, x)[1](1)[0]!)([0.7])[0]).toBeCloseToRel(second(0.7));
    expect(derivative((x: Value) => vjp(inner, [x])[1](1)[0]!)(0.7)).toBeCloseToRel(second(0.7));
  });

  test('three levels, mixed modes, each taking the others as constants', () => {
    // d/dx d/dy d/dz [x y z cos z] at z = 0 = 1 for every x, y
    const third = derivative((x: Value) =>
      grad((y: Value[]) => derivative((z: Value) => mul(mul(x, y[0]!), mul(z, cos(z))))(0))([2])[0]!,
    );
    expect(third(5)).toBe(1);
  });
});
