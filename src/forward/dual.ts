// Forward mode's value: a dual number carrying a primal and a tangent through the op table.
import { apply, checkedPartials, escapedError, type OpDef } from '../ops/opDef';
import { ADValue, adValueClass, describe, nextLevel, type Trace, type Value } from '../ops/value';
import { registerFastPath, type FastPathCases, type OpText } from '../ops/fastPath';
import { addTangentCode, addTangentValue } from '../engine/accumulate';

/**
 * One forward pass (one level of forward mode). Its duals carry tangents with respect to
 * this pass only; values of other passes are constants here, which is what keeps nested
 * derivatives from confusing their perturbations. Transformations make their own; build
 * one by hand only to drive duals yourself.
 *
 * @example
 * ```ts
 * import { Dual, ForwardTrace, mul } from 'dualtape';
 * const pass = new ForwardTrace('my pass');
 * const y = mul(new Dual(3, 1, pass), new Dual(4, 0, pass)) as Dual;
 * y.tangent; // 4
 * pass.active = false; // its duals may no longer be used
 * ```
 */
export class ForwardTrace implements Trace {
  // Fields are declared and assigned, not initialised in place: a class field is a define,
  // which made each pass (one per jvp call) measurably dearer to create on Node 20.
  declare readonly level: number;
  declare active: boolean;
  declare readonly label: string;
  /**
   * @internal Brands the fast path's check (a field load; `instanceof ForwardTrace` measured
   * about 15 ns per primitive on Node 20, as much as the rest of the primitive).
   */
  declare readonly isForwardPass: true;

  constructor(label: string, level = nextLevel()) {
    this.level = level;
    this.active = true;
    this.label = label;
    this.isForwardPass = true;
  }

  process(op: OpDef, args: readonly Value[]): Value {
    // Duals of this pass with number parts reach here only through apply() called directly:
    // primitives handle them in their generated fast path (see emitDualFastPath below).
    const arity = args.length;
    const primals = new Array<Value>(arity);
    for (let i = 0; i < arity; i++) {
      const a = args[i] as Value;
      primals[i] = a instanceof Dual && a.trace === this ? a.value : a;
    }
    const y = apply(op, primals);
    let tangent: Value = 0;
    let partials: readonly Value[] | undefined;
    for (let i = 0; i < arity; i++) {
      const a = args[i];
      if (!(a instanceof Dual) || a.trace !== this) continue;
      const t = a.tangent;
      // A zero tangent needs no partial (and must not meet an infinite one: √x at 0).
      if (t === 0) continue;
      partials ??= checkedPartials(op, primals, y);
      tangent = addTangentValue(tangent, t, partials[i] as Value);
    }
    return new Dual(y, tangent, this);
  }
}


/** Duals built by hand (`new Dual(x, 1)`) belong to this pass, below every transformation. */
const handBuiltDuals = new ForwardTrace('hand-built Dual', 0);

/**
 * A dual number value + tangent·ε (ε² = 0): forward mode's AD value. Every dualtape
 * primitive applied to a dual returns a dual whose tangent is the directional derivative.
 * Transformations (`jvp`, `derivative`, `jacfwd`) make and read duals for you; build one
 * by hand only to experiment.
 *
 * @example
 * ```ts
 * import { Dual, sin } from 'dualtape';
 * const y = sin(new Dual(0, 1)) as Dual;
 * [y.value, y.tangent]; // [0, 1]  (sin 0, cos 0)
 * ```
 */
export class Dual implements ADValue {
  /** The primal: the value the computation would have without derivatives. */
  declare readonly value: Value;
  /** The tangent: the derivative of `value` along the pass's seed direction. */
  declare readonly tangent: Value;
  declare readonly trace: Trace;
  declare [Symbol.toPrimitive]: ADValue[typeof Symbol.toPrimitive];

  constructor(value: Value, tangent: Value, trace: Trace = handBuiltDuals) {
    // The fast paths make one Dual per primitive: the checks of a hand-built one stay out of
    // line, so the constructor stays small enough for V8 to inline there.
    if (typeof value !== 'number' || typeof tangent !== 'number') checkParts(value, tangent);
    this.value = value;
    this.tangent = tangent;
    this.trace = trace;
  }

  toString(): string {
    return `Dual(${String(this.value)}, ${String(this.tangent)})`;
  }
}

// One Dual is made per primitive: a plain constructor (see adValueClass).
adValueClass(Dual);

function checkParts(value: unknown, tangent: unknown): void {
  if (typeof value !== 'number' && !(value instanceof ADValue)) {
    throw new TypeError(`Dual: value must be a number, got ${describe(value)}`);
  }
  if (typeof tangent !== 'number' && !(tangent instanceof ADValue)) {
    throw new TypeError(`Dual: tangent must be a number, got ${describe(tangent)}`);
  }
}

/**
 * Splits one output of a forward pass into (primal, tangent). A value the pass never
 * touched (a number, or a value of an enclosing transformation) has tangent 0.
 */
export function splitDual(api: string, out: Value, trace: ForwardTrace): [Value, Value] {
  if (typeof out === 'number') return [out, 0];
  if (out instanceof Dual && out.trace === trace) return [out.value, out.tangent];
  if (!out.trace.active || out.trace.level > trace.level) throw escapedError(api, out.trace);
  return [out, 0];
}

/**
 * Forward mode's fast path inside each primitive's generated function: a Dual of a live
 * forward pass with number parts (mixed with numbers, or with a Dual of the same pass) is
 * handled in place, with the same arithmetic, order and zero skips as
 * {@link ForwardTrace.process}: a zero tangent, or an exactly-zero partial, contributes
 * nothing (so an infinite partial on an untouched path is not 0·∞ = NaN).
 */
function emitDualFastPath(op: OpText): string | FastPathCases {
  const live = `tr.isForwardPass !== true || !tr.active`;
  if (op.arity === 1) {
    return `const tr = x0.trace; const p0 = x0.value; const t0 = x0.tangent;
if (${live} || typeof p0 !== 'number' || typeof t0 !== 'number') return generic(x0, x1);
const y = ${op.value(['p0'])};
let t = 0;
if (t0 !== 0) { ${op.partials(['p0'], 'y')} ${addTangentCode('t', 't0', 'd0')} }
return new C(y, t, tr);`;
  }
  // One function per case (a number and a Dual, a Dual and a number, two Duals), each with the
  // same arithmetic: a number's tangent is the constant 0 there, so V8 drops its partial.
  const body = `const y = ${op.value(['p0', 'p1'])};
  let t = 0;
  if (t0 !== 0 || t1 !== 0) {
    ${op.partials(['p0', 'p1'], 'y')}
    ${addTangentCode('t', 't0', 'd0')}
    ${addTangentCode('t', 't1', 'd1')}
  }
  return new C(y, t, tr);`;
  return {
    helpers: `function numberDual(x0, x1) {
  const tr = x1.trace; const p0 = x0; const t0 = 0; const p1 = x1.value; const t1 = x1.tangent;
  if (${live} || typeof p1 !== 'number' || typeof t1 !== 'number') return generic(x0, x1);
  ${body}
}
function dualNumber(x0, x1) {
  const tr = x0.trace; const p0 = x0.value; const t0 = x0.tangent; const p1 = x1; const t1 = 0;
  if (${live} || typeof p0 !== 'number' || typeof t0 !== 'number') return generic(x0, x1);
  ${body}
}
function dualDual(x0, x1) {
  const tr = x0.trace; const p0 = x0.value; const t0 = x0.tangent;
  if (!(x1 instanceof C) || x1.trace !== tr) return generic(x0, x1);
  const p1 = x1.value; const t1 = x1.tangent;
  if (${live} || typeof p0 !== 'number' || typeof t0 !== 'number' || typeof p1 !== 'number' || typeof t1 !== 'number') return generic(x0, x1);
  ${body}
}`,
    body: `if (typeof x0 === 'number') return numberDual(x0, x1);
if (typeof x1 === 'number') return dualNumber(x0, x1);
return dualDual(x0, x1);`,
  };
}

registerFastPath({ name: 'forward', valueClass: Dual, deps: {}, emit: emitDualFastPath });
