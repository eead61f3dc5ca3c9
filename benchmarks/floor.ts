// The plain prototypes: the plainest per-primitive AD that JavaScript allows (a dual number, a flat tape), timed beside dualtape's fresh paths.
//
// Why: issue #10 set its fresh-path targets from two calibration prototypes ("one class,
// per-op functions with typeof fast paths and a trace check, no argument arrays"; "a plain
// flat-typed-array tape") measured against a hand-written baseline that was later found to be
// timed 2-3× slow. These are such prototypes, as small as they can be and still be AD a user
// could call: numbers and one kind of AD value per mode, a check that a value belongs to the
// live pass or tape, arrays that grow, one switch loop for the sweep, reuse of the tape's
// arrays from call to call. No nesting, guards, custom rules, Taylor mode, teaching output or
// argument validation. What they cost per primitive is what any AD that makes one object per
// primitive pays on this machine, so the gap between them and the hand-written code is the
// part of a fresh path's ratio that no implementation of this design can remove.

type DualValue = number | FloorDual;
type TapeValue = number | FloorVar;

/** Row labels of the prototypes. */
export const PLAIN_TAPE = 'plain prototype: flat tape (benchmarks/floor.ts: no nesting, guards or checks)';
export const PLAIN_DUAL = 'plain prototype: dual number (benchmarks/floor.ts: no nesting or checks)';

// ----- forward mode: a dual number -----

// Fields declared and assigned, as dualtape's own values are: parameter properties or field
// initialisers compile to defines under ES2022, which made each `new` several times dearer.
class FloorDual {
  declare readonly value: number;
  declare readonly tangent: number;
  declare readonly pass: object;

  constructor(value: number, tangent: number, pass: object) {
    this.value = value;
    this.tangent = tangent;
    this.pass = pass;
  }
}

let livePass: object | undefined;

function liveDual(a: FloorDual): FloorDual {
  if (a.pass !== livePass) throw new TypeError('plain dual: a value of another pass');
  return a;
}

// ----- reverse mode: a flat tape -----

const enum Op {
  Input,
  Add,
  Sub,
  Mul,
  Square,
  Log,
  Sin,
  Cos,
}

class FloorTape {
  codes = new Uint8Array(64);
  refs = new Int32Array(128);
  values = new Float64Array(64);
  constants = new Float64Array(64);
  adjoints = new Float64Array(64);
  length = 0;
  refCount = 0;
  constantCount = 0;
  inputCount = 0;
  live = false;

  push(code: Op, y: number): FloorVar {
    const i = this.length;
    if (i === this.values.length) {
      const codes = new Uint8Array(2 * i);
      codes.set(this.codes);
      this.codes = codes;
      const values = new Float64Array(2 * i);
      values.set(this.values);
      this.values = values;
    }
    this.codes[i] = code;
    this.values[i] = y;
    this.length = i + 1;
    return new FloorVar(i, this);
  }

  ref(r: number): void {
    const p = this.refCount;
    if (p === this.refs.length) {
      const refs = new Int32Array(2 * p);
      refs.set(this.refs);
      this.refs = refs;
    }
    this.refs[p] = r;
    this.refCount = p + 1;
  }

  constant(c: number): number {
    const k = this.constantCount;
    if (k === this.constants.length) {
      const constants = new Float64Array(2 * k);
      constants.set(this.constants);
      this.constants = constants;
    }
    this.constants[k] = c;
    this.constantCount = k + 1;
    return -1 - k;
  }
}

class FloorVar {
  declare readonly index: number;
  declare readonly tape: FloorTape;

  constructor(index: number, tape: FloorTape) {
    this.index = index;
    this.tape = tape;
  }
}

function liveTape(a: FloorVar): FloorTape {
  if (!a.tape.live) throw new TypeError('plain tape: a value of a finished recording');
  return a.tape;
}

// ----- the primitives, each a function of its own per prototype -----
// Every case is written out: closures of one literal share V8's feedback, helpers shared by
// every op spend V8's inlining budget, and one function serving both prototypes sees both
// kinds of value; each measured 1.3-1.8× slower than this.

function addT(a: TapeValue, b: TapeValue): TapeValue {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a + b;
    const t = liveTape(b);
    const q = t.values[b.index]!;
    t.ref(t.constant(a));
    t.ref(b.index);
    return t.push(Op.Add, a + q);
  }
  const t = liveTape(a);
  const p = t.values[a.index]!;
  t.ref(a.index);
  if (typeof b === 'number') {
    t.ref(t.constant(b));
    return t.push(Op.Add, p + b);
  }
  if (b.tape !== t) throw new TypeError('plain tape: values of two recordings');
  t.ref(b.index);
  return t.push(Op.Add, p + t.values[b.index]!);
}

function subT(a: TapeValue, b: TapeValue): TapeValue {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a - b;
    const t = liveTape(b);
    const q = t.values[b.index]!;
    t.ref(t.constant(a));
    t.ref(b.index);
    return t.push(Op.Sub, a - q);
  }
  const t = liveTape(a);
  const p = t.values[a.index]!;
  t.ref(a.index);
  if (typeof b === 'number') {
    t.ref(t.constant(b));
    return t.push(Op.Sub, p - b);
  }
  if (b.tape !== t) throw new TypeError('plain tape: values of two recordings');
  t.ref(b.index);
  return t.push(Op.Sub, p - t.values[b.index]!);
}

function mulT(a: TapeValue, b: TapeValue): TapeValue {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a * b;
    const t = liveTape(b);
    const q = t.values[b.index]!;
    t.ref(t.constant(a));
    t.ref(b.index);
    return t.push(Op.Mul, a * q);
  }
  const t = liveTape(a);
  const p = t.values[a.index]!;
  t.ref(a.index);
  if (typeof b === 'number') {
    t.ref(t.constant(b));
    return t.push(Op.Mul, p * b);
  }
  if (b.tape !== t) throw new TypeError('plain tape: values of two recordings');
  t.ref(b.index);
  return t.push(Op.Mul, p * t.values[b.index]!);
}

function squareT(a: TapeValue): TapeValue {
  if (typeof a === 'number') return a * a;
  const t = liveTape(a);
  const p = t.values[a.index]!;
  t.ref(a.index);
  return t.push(Op.Square, p * p);
}

function logT(a: TapeValue): TapeValue {
  if (typeof a === 'number') return Math.log(a);
  const t = liveTape(a);
  const p = t.values[a.index]!;
  t.ref(a.index);
  return t.push(Op.Log, Math.log(p));
}

function sinT(a: TapeValue): TapeValue {
  if (typeof a === 'number') return Math.sin(a);
  const t = liveTape(a);
  const p = t.values[a.index]!;
  t.ref(a.index);
  return t.push(Op.Sin, Math.sin(p));
}

function cosT(a: TapeValue): TapeValue {
  if (typeof a === 'number') return Math.cos(a);
  const t = liveTape(a);
  const p = t.values[a.index]!;
  t.ref(a.index);
  return t.push(Op.Cos, Math.cos(p));
}

function addD(a: DualValue, b: DualValue): DualValue {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a + b;
    const y = liveDual(b);
    return new FloorDual(a + y.value, y.tangent, y.pass);
  }
  const x = liveDual(a);
  if (typeof b === 'number') return new FloorDual(x.value + b, x.tangent, x.pass);
  const y = liveDual(b);
  return new FloorDual(x.value + y.value, x.tangent + y.tangent, x.pass);
}

function subD(a: DualValue, b: DualValue): DualValue {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a - b;
    const y = liveDual(b);
    return new FloorDual(a - y.value, -y.tangent, y.pass);
  }
  const x = liveDual(a);
  if (typeof b === 'number') return new FloorDual(x.value - b, x.tangent, x.pass);
  const y = liveDual(b);
  return new FloorDual(x.value - y.value, x.tangent - y.tangent, x.pass);
}

function mulD(a: DualValue, b: DualValue): DualValue {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a * b;
    const y = liveDual(b);
    return new FloorDual(a * y.value, a * y.tangent, y.pass);
  }
  const x = liveDual(a);
  if (typeof b === 'number') return new FloorDual(x.value * b, x.tangent * b, x.pass);
  const y = liveDual(b);
  return new FloorDual(x.value * y.value, x.tangent * y.value + x.value * y.tangent, x.pass);
}

function squareD(a: DualValue): DualValue {
  if (typeof a === 'number') return a * a;
  const x = liveDual(a);
  return new FloorDual(x.value * x.value, 2 * x.value * x.tangent, x.pass);
}

function logD(a: DualValue): DualValue {
  if (typeof a === 'number') return Math.log(a);
  const x = liveDual(a);
  return new FloorDual(Math.log(x.value), x.tangent / x.value, x.pass);
}

function sinD(a: DualValue): DualValue {
  if (typeof a === 'number') return Math.sin(a);
  const x = liveDual(a);
  return new FloorDual(Math.sin(x.value), Math.cos(x.value) * x.tangent, x.pass);
}

function cosD(a: DualValue): DualValue {
  if (typeof a === 'number') return Math.cos(a);
  const x = liveDual(a);
  return new FloorDual(Math.cos(x.value), -Math.sin(x.value) * x.tangent, x.pass);
}

/** The backward sweep: one loop, one case per op. */
function sweep(tape: FloorTape, adjoints: Float64Array): void {
  const { codes, refs, values, constants } = tape;
  const arg = (r: number): number => (r >= 0 ? values[r]! : constants[-1 - r]!);
  let p = tape.refCount;
  for (let i = tape.length - 1; i >= tape.inputCount; i--) {
    const g = adjoints[i]!;
    switch (codes[i]) {
      case Op.Add: {
        p -= 2;
        const r0 = refs[p]!;
        const r1 = refs[p + 1]!;
        if (r0 >= 0) adjoints[r0] += g;
        if (r1 >= 0) adjoints[r1] += g;
        break;
      }
      case Op.Sub: {
        p -= 2;
        const r0 = refs[p]!;
        const r1 = refs[p + 1]!;
        if (r0 >= 0) adjoints[r0] += g;
        if (r1 >= 0) adjoints[r1] -= g;
        break;
      }
      case Op.Mul: {
        p -= 2;
        const r0 = refs[p]!;
        const r1 = refs[p + 1]!;
        if (r0 >= 0) adjoints[r0] += g * arg(r1);
        if (r1 >= 0) adjoints[r1] += g * arg(r0);
        break;
      }
      default: {
        p -= 1;
        const r0 = refs[p]!;
        if (r0 < 0) break;
        const a = values[r0]!;
        const code = codes[i];
        const d = code === Op.Square ? 2 * a : code === Op.Log ? 1 / a : code === Op.Sin ? Math.cos(a) : -Math.sin(a);
        adjoints[r0] += g * d;
      }
    }
  }
}

// One tape, reused by every call (dualtape keeps its arrays from one recording to the next too).
const tape = new FloorTape();

/** The gradient of a scalar f at x: record, one sweep, the inputs' adjoints (a fresh array, as dualtape returns). */
export function floorGrad(f: (x: TapeValue[]) => TapeValue, x: Float64Array): Float64Array {
  if (tape.live) throw new TypeError('plain tape: nested gradients are not supported');
  tape.length = 0;
  tape.refCount = 0;
  tape.constantCount = 0;
  tape.inputCount = x.length;
  tape.live = true;
  let y: TapeValue;
  try {
    const inputs = new Array<TapeValue>(x.length);
    for (let i = 0; i < x.length; i++) inputs[i] = tape.push(Op.Input, x[i]!);
    y = f(inputs);
  } finally {
    tape.live = false;
  }
  const g = new Float64Array(x.length);
  if (typeof y === 'number') return g;
  if (tape.adjoints.length < tape.length) tape.adjoints = new Float64Array(tape.values.length);
  const adjoints = tape.adjoints;
  adjoints.fill(0, 0, tape.length);
  adjoints[y.index] = 1;
  sweep(tape, adjoints);
  for (let i = 0; i < x.length; i++) g[i] = adjoints[i]!;
  return g;
}

/** [f(x), ∇f(x)·v] from one forward pass of duals. */
export function floorJvp(f: (x: DualValue[]) => DualValue, x: Float64Array, v: Float64Array): [number, number] {
  const pass = {};
  const outer = livePass;
  livePass = pass;
  try {
    const inputs = new Array<DualValue>(x.length);
    for (let i = 0; i < x.length; i++) inputs[i] = new FloorDual(x[i]!, v[i]!, pass);
    const y = f(inputs);
    return typeof y === 'number' ? [y, 0] : [y.value, y.tangent];
  } finally {
    livePass = outer;
  }
}

// The workloads of benchmarks/workloads.ts, once per prototype (one function literal for
// both would share V8's feedback between the two kinds of value).

export const floorWorkloads = {
  tape: {
    worked: (x: TapeValue[]): TapeValue => subT(addT(logT(x[0]!), mulT(x[0]!, x[1]!)), sinT(x[1]!)),
    rosenbrock: (x: TapeValue[]): TapeValue => {
      let s: TapeValue = 0;
      for (let i = 0; i + 1 < x.length; i++) s = addT(s, addT(mulT(100, squareT(subT(x[i + 1]!, squareT(x[i]!)))), squareT(subT(1, x[i]!))));
      return s;
    },
    scalarLoop:
      (K: number) =>
      (x: TapeValue[]): TapeValue => {
        let y: TapeValue = x[0]!;
        for (let k = 0; k < K; k++) y = addT(mulT(sinT(y), x[0]!), cosT(mulT(y, x[1]!)));
        return y;
      },
  },
  dual: {
    worked: (x: DualValue[]): DualValue => subD(addD(logD(x[0]!), mulD(x[0]!, x[1]!)), sinD(x[1]!)),
    rosenbrock: (x: DualValue[]): DualValue => {
      let s: DualValue = 0;
      for (let i = 0; i + 1 < x.length; i++) s = addD(s, addD(mulD(100, squareD(subD(x[i + 1]!, squareD(x[i]!)))), squareD(subD(1, x[i]!))));
      return s;
    },
    scalarLoop:
      (K: number) =>
      (x: DualValue[]): DualValue => {
        let y: DualValue = x[0]!;
        for (let k = 0; k < K; k++) y = addD(mulD(sinD(y), x[0]!), cosD(mulD(y, x[1]!)));
        return y;
      },
  },
};

/** The gradient by forward mode: one pass of the plain dual per input (the Jacobian's columns). */
export function floorJacfwd(f: (x: DualValue[]) => DualValue, x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  const e = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    e[j] = 1;
    g[j] = floorJvp(f, x, e)[1];
    e[j] = 0;
  }
  return g;
}
