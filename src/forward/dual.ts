// Forward mode's value: a dual number carrying a primal and a tangent through the op table.
import { apply, checkedPartials, escapedError, type OpDef } from '../ops/opDef';
import { add, mul } from '../ops/table';
import { ADValue, describe, nextLevel, type Trace, type Value } from '../ops/value';
import { partialsKernel } from '../symbolic/index';

/** Scratch output of the partials kernels (read immediately after each call). */
const kernelOut = new Float64Array(2);

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
  readonly level: number;
  active = true;
  readonly label: string;

  constructor(label: string, level = nextLevel()) {
    this.label = label;
    this.level = level;
  }

  process(op: OpDef, args: readonly Value[]): Value {
    const arity = args.length;
    // The number-only path for arity 1 and 2: primals and tangents are plain numbers, the
    // partials come from the rule's derived kernel (no arrays). Same arithmetic, same order
    // and the same zero-tangent skips as the general path below.
    if (arity <= 2) {
      const a0 = args[0] as Value;
      const own0 = a0 instanceof Dual && a0.trace === this;
      const p0 = own0 ? a0.value : a0;
      const t0 = own0 ? a0.tangent : 0;
      let p1: Value = 0;
      let t1: Value = 0;
      if (arity === 2) {
        const a1 = args[1] as Value;
        const own1 = a1 instanceof Dual && a1.trace === this;
        p1 = own1 ? a1.value : a1;
        t1 = own1 ? a1.tangent : 0;
      }
      const kernel = partialsKernel(op);
      if (kernel !== undefined && typeof p0 === 'number' && typeof p1 === 'number' && typeof t0 === 'number' && typeof t1 === 'number') {
        const y = arity === 1 ? op.value(p0) : op.value(p0, p1);
        let tangent = 0;
        if (t0 !== 0 || t1 !== 0) {
          kernel(p0, p1, y, kernelOut);
          const d0 = kernelOut[0] as number;
          const d1 = kernelOut[1] as number;
          if (t0 !== 0 && d0 !== 0) tangent = d0 * t0;
          if (t1 !== 0 && d1 !== 0) {
            const term = d1 * t1;
            tangent = tangent === 0 ? term : tangent + term;
          }
        }
        return new Dual(y, tangent, this);
      }
    }
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
      // A zero tangent contributes nothing, even where the partial is infinite (√x at 0):
      // without this skip, 0 · ∞ = NaN would leak into directions that never touch x.
      if (t === 0) continue;
      partials ??= checkedPartials(op, primals, y);
      const d = partials[i] as Value;
      // Likewise a partial that is exactly the number 0 (a true constant, not an AD value
      // with primal 0): reverse mode skips it, and 0 · ∞ here would make the modes disagree.
      if (d === 0) continue;
      const term = mul(d, t);
      tangent = tangent === 0 ? term : add(tangent, term);
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
export class Dual extends ADValue {
  /** The primal: the value the computation would have without derivatives. */
  readonly value: Value;
  /** The tangent: the derivative of `value` along the pass's seed direction. */
  readonly tangent: Value;
  readonly trace: Trace;

  constructor(value: Value, tangent: Value, trace: Trace = handBuiltDuals) {
    super();
    if (typeof value !== 'number' && !(value instanceof ADValue)) {
      throw new TypeError(`Dual: value must be a number, got ${describe(value)}`);
    }
    if (typeof tangent !== 'number' && !(tangent instanceof ADValue)) {
      throw new TypeError(`Dual: tangent must be a number, got ${describe(tangent)}`);
    }
    this.value = value;
    this.tangent = tangent;
    this.trace = trace;
  }

  override toString(): string {
    return `Dual(${String(this.value)}, ${String(this.tangent)})`;
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
