// Forward mode's value: a dual number carrying a primal and a tangent through the op table.
import { apply, escapedError, type OpDef } from '../ops/opDef';
import { add, mul } from '../ops/table';
import { ADValue, describe, nextLevel, type Trace, type Value } from '../ops/value';

/**
 * One forward pass (one level of forward mode). Its duals carry tangents with respect to
 * this pass only; values of other passes are constants here, which is what keeps nested
 * derivatives from confusing their perturbations.
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

/** @internal Runs an op's partials rule and checks it kept its promise of one partial per argument. */
export function checkedPartials(op: OpDef, args: readonly Value[], y: Value): readonly Value[] {
  const partials = op.partials(args, y);
  if (!Array.isArray(partials) || partials.length !== op.arity) {
    throw new TypeError(
      `${op.name}: its partials rule must return an array of ${op.arity} partial derivative(s), got ${describe(partials)}`,
    );
  }
  return partials;
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
