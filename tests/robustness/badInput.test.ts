// Every public entry point rejects bad input with a TypeError/RangeError naming the argument and the expectation.
import {
  Dual, add, defineOp, derivative, grad, jacfwd, jacobian, jacobianColumn, jacobianRow, jacrev, jvp, mul, primal,
  record, sin, valueAndGrad, vjp, type Value,
} from '../../src/index';

const f = (x: Value[]) => mul(x[0]!, sin(x[1]!));
const vectorF = (x: Value[]) => [mul(x[0]!, x[1]!), sin(x[0]!)];
const X = [2, 5];

type Call = [what: string, call: () => unknown, error: typeof TypeError | typeof RangeError, message: RegExp];

/** A finished transformation's AD value, as user code can smuggle one out. */
function leakedTapeVar(): Value {
  let leaked: Value = 0;
  grad((x) => ((leaked = x[0]!), x[0]!))([1]);
  return leaked;
}
function leakedDual(): Value {
  let leaked: Value = 0;
  derivative((x) => ((leaked = x), x))(1);
  return leaked;
}

// Each row fails on the old behaviour unless marked (existing): it either passed silently,
// or threw an error that named neither the argument nor the expectation.
const calls: Call[] = [
  // x: not an array of numbers (name the bad index)
  // eslint-disable-next-line no-sparse-arrays -- a hole is the input under test
  ['x with a hole', () => grad(f)([1, , 3] as never), TypeError, /^grad: x\[1\] must be a number, got a hole \(a sparse array\)/],
  ['x a DataView', () => jvp(f, new DataView(new ArrayBuffer(16)) as never, X), TypeError, /^jvp: x must be an array of numbers, got an object \(DataView\)/],
  ['x an array-like object', () => jacrev(f)({ length: 2, 0: 1, 1: 2 } as never), TypeError, /^jacrev: x must be an array of numbers, got an object \(Object\)/],
  ['x with a nested array', () => jacfwd(f)([[1], 2] as never), TypeError, /^jacfwd: x\[0\] must be a number, got an array of length 1/],
  ['x with a bigint', () => vjp(f, [1, 2n] as never), TypeError, /^vjp: x\[1\] must be a number, got a bigint/],
  // Typed arrays skip the per-element check only where they cannot hold anything but numbers.
  ['x a BigInt64Array to jvp', () => jvp(f, BigInt64Array.of(1n, 2n) as never, X), TypeError, /^jvp: x\[0\] must be a number, got a bigint/],
  ['v a BigUint64Array to jvp', () => jvp(f, X, BigUint64Array.of(1n, 2n) as never), TypeError, /^jvp: v\[0\] must be a number, got a bigint/],
  ['x a BigInt64Array to grad', () => grad(f)(BigInt64Array.of(1n, 2n) as never), TypeError, /^grad: x\[0\] must be a number, got a bigint/],
  ['x a string', () => record(f, '12' as never), TypeError, /^record: x must be an array of numbers, got the string "12"/],
  ['x of a finished recording', () => grad(f)([leakedTapeVar(), 1]), TypeError, /^grad: x\[0\] is an AD value of a recording \(reverse mode\) that has already finished/],
  ['x of a finished forward pass', () => jvp(f, [1, leakedDual()], [1, 0]), TypeError, /^jvp: x\[1\] is an AD value of a forward pass \(derivative\) that has already finished/],
  ['scalar x of a finished pass', () => derivative(sin)(leakedTapeVar()), TypeError, /^derivative: x is an AD value of a recording/],
  ['x of a finished pass to jacobian', () => jacobian(f, [1, leakedDual()]), TypeError, /^jacobian: x\[1\] is an AD value/],
  // v and yBar: wrong length or shape
  ['v too long', () => jvp(f, X, [1, 0, 0]), RangeError, /^jvp: v must have length 2, got length 3/],
  ['v with a string', () => jvp(f, X, [1, 'a'] as never), TypeError, /^jvp: v\[1\] must be a number, got the string "a"/],
  ['yBar nested', () => vjp(vectorF, X)[1]([[1], 0] as never), TypeError, /^vjp pullback: yBar\[0\] must be a number, got an array of length 1/],
  ['yBar of a finished pass', () => vjp(vectorF, X)[1]([leakedDual(), 0]), TypeError, /^vjp pullback: yBar\[0\] is an AD value of a forward pass/],
  ['scalar yBar of a finished pass', () => vjp(f, X)[1](leakedTapeVar()), TypeError, /^vjp pullback: yBar is an AD value of a recording/],
  // indices
  ['column index NaN', () => jacobianColumn(f, X, NaN), TypeError, /^jacobianColumn: j must be an integer index, got NaN/],
  ['column index a string', () => jacobianColumn(f, X, '0' as never), TypeError, /^jacobianColumn: j must be an integer index, got the string "0"/],
  ['row index of a scalar f', () => jacobianRow(f, X, 1), RangeError, /^jacobianRow: i = 1 is out of range; f has 1 outputs \(0 to 0\)/],
  ['row index Infinity', () => jacobianRow(vectorF, X, Infinity), TypeError, /^jacobianRow: i must be an integer index, got Infinity/],
  ['column of f with no inputs', () => jacobianColumn(() => 1, [], 0), RangeError, /^jacobianColumn: j = 0 is out of range; f has 0 inputs/],
  // f itself
  ['async f to grad', () => grad((async () => 1) as never), TypeError, /^grad: f is an async function; async functions are not supported/],
  ['async f to derivative', () => derivative((async () => 1) as never), TypeError, /^derivative: f is an async function/],
  ['async f to record', () => record((async () => 1) as never, [1]), TypeError, /^record: f is an async function/],
  ['async generator f', () => jvp((async function* () { yield 1; }) as never, [1], [1]), TypeError, /^jvp: f is an async function/],
  ['f returns a thenable', () => jvp((() => ({ then: () => undefined })) as never, [1], [1]), TypeError, /^jvp: f returned a Promise; async functions are not supported/],
  ['f returns null', () => valueAndGrad((() => null) as never)([1]), TypeError, /^valueAndGrad: f must return a number or an array of numbers, got null/],
  ['f returns an empty array to grad', () => grad((() => []) as never)([1]), TypeError, /^grad: f must return a single number, but it returned an array of 0/],
  ['f returns a boolean inside an array', () => jacobianRow((() => [1, true]) as never, [1], 0), TypeError, /^jacobianRow: f must return a number or an array of numbers, but element 1 is a boolean/],
  ['f returns a value of another, finished recording', () => jvp(() => leakedTapeVar(), [1], [1]), TypeError, /^jvp: an AD value of a recording \(reverse mode\) that has already finished was used/],
  ['f returns a value of another, finished forward pass', () => vjp(() => [1, leakedDual()], [1]), TypeError, /^vjp: an AD value of a forward pass \(derivative\) that has already finished/],
  ['f changes its number of outputs between passes', () => { let k = 0; return jacfwd((x) => (k++ === 0 ? [x[0]!] : [x[0]!, x[1]!]), { chunkSize: 1 })(X); }, RangeError, /^jacfwd: f returned 1 output\(s\) in pass 1 but 2 in pass 2/],
  ['f changes its number of outputs between chunked passes', () => { let k = 0; return jacfwd((x) => (k++ === 0 ? [x[0]!] : [x[0]!, x[1]!]), { chunkSize: 2 })([1, 2, 3, 4]); }, RangeError, /^jacfwd: f returned 1 output\(s\) in pass 1 but 2 in pass 2/],
  // WengertList methods
  ['replay with too many inputs', () => record(f, X).replay([1, 2, 3]), RangeError, /^replay: x must have length 2, got length 3/],
  ['replay with a finished value', () => record(f, X).replay([1, leakedDual()]), TypeError, /^replay: x\[1\] is an AD value/],
  ['adjoints with a non-function observer', () => record(f, X).adjoints(1, 'log' as never), TypeError, /^adjoints: observe must be a function \(or omitted\), got the string "log"/],
  ['backward of a vector f with a number', () => record(vectorF, X).backward(1), TypeError, /^backward: yBar must be an array of numbers, got a number/],
  // primitives, primal, Dual, defineOp (existing behaviour, kept)
  ['primitive on an object', () => add({} as never, 1), TypeError, /^add: argument 1 must be a number or an AD value, got an object \(Object\)/],
  ['primitive on a finished value', () => sin(leakedDual()), TypeError, /^sin: an AD value of a forward pass \(derivative\) that has already finished/],
  ['primal of a string', () => primal('1' as never), TypeError, /^primal: x must be a number or an AD value, got the string "1"/],
  ['Dual without a tangent', () => new Dual(1, undefined as never), TypeError, /^Dual: tangent must be a number, got undefined/],
  ['defineOp with a bad name', () => defineOp({ name: '1x', arity: 1, value: (x: number) => x, partials: () => [1] }), TypeError, /^defineOp: spec.name must be an identifier-like string/],
  ['defineOp with no spec', () => defineOp(undefined as never), TypeError, /^defineOp: spec must be an object/],
  ['jacobian with options a string', () => jacobian(f, X, 'reverse' as never), TypeError, /^jacobian: options must be an object \{ mode \}/],
];

describe.each(calls)('%s', (_what, call, ErrorClass, message) => {
  test(`throws ${ErrorClass.name} naming the argument`, () => {
    expect(call).toThrow(ErrorClass);
    expect(call).toThrow(message);
  });
});

describe('legal edge cases are not errors', () => {
  test('x of length 0: an empty gradient and an m × 0 Jacobian', () => {
    expect(grad(() => 5)([])).toEqual([]);
    expect(jacfwd(() => [1, 2])([])).toEqual([[], []]);
    expect(jacrev(() => [1, 2])([])).toEqual([[], []]);
  });
  test('f returning an empty array gives a 0 × n Jacobian in both modes', () => {
    expect(jacfwd(() => [])(X)).toEqual([]);
    expect(jacrev(() => [])(X)).toEqual([]);
    expect(vjp(() => [], X)[1]([])).toEqual([0, 0]);
  });
  test('f returning a value of an outer, still running transformation: a constant to the inner one', () => {
    // d/dx [x · (derivative of a constant x w.r.t. y = 0) + x] = 1; the inner y = x has tangent 0.
    expect(grad((x) => add(x[0]!, jvp(() => x[0]!, [7], [1])[1] as Value))([3])).toEqual([1]);
    expect(grad((x) => jvp(() => x[0]!, [7], [1])[0] as Value)([3])).toEqual([1]);
    expect(derivative((x) => vjp(() => x, [7])[1](1)[0]!)(3)).toBe(0);
    expect(derivative((x) => vjp(() => mul(x, x), [7])[0] as Value)(3)).toBe(6);
  });
  test('NaN in yBar propagates; the pullback still works after other transformations ran', () => {
    const [, pullback] = vjp(vectorF, X);
    expect(pullback([NaN, 0])).toEqual([NaN, NaN]);
    grad(f)(X);
    jacfwd(vectorF)(X);
    expect(pullback([1, 0])).toEqual([5, 2]);
    expect(pullback([0, 1])).toEqual([Math.cos(2), 0]);
  });
  test('typed arrays are accepted for x, v and yBar', () => {
    expect(jvp(f, new Float64Array(X), new Float32Array([1, 0]))[1]).toBe(Math.sin(5));
    expect(vjp(vectorF, new Int32Array(X))[1](new Float64Array([1, 0]) as unknown as Value[])).toEqual([5, 2]);
  });
  test('a sync f returning a Promise: its later rejection is handled, so it cannot crash the process', () => {
    let onRejected: unknown;
    const thenable = { then: (_: unknown, rej: unknown) => void (onRejected = rej) };
    expect(() => grad((() => thenable) as never)([1])).toThrow(/returned a Promise/);
    expect(typeof onRejected).toBe('function');
  });
});
