// Taylor mode: truncated Taylor series (jets) pushed through the op table, every coefficient from the partials rules.
import { contributes } from '../engine/accumulate';
import { apply, checkedPartials, type OpDef } from '../ops/opDef';
import { add, div, mul } from '../ops/table';
import { ADValue, nextLevel, type Trace, type Value } from '../ops/value';

/**
 * A truncated Taylor series y(t) = Σ_k coefficient(k) t^k of a value along a curve
 * x(t) = x + v t. `value` is coefficient 0.
 *
 * Invariants: coefficient k is stored once computed and never changes; coefficients are
 * computed in order (all nodes get k before any gets k + 1), so no computation recurses.
 *
 * @example
 * ```ts
 * import { taylor, exp } from 'dualtape';
 * taylor((x) => exp(x[0]), [0], [1], 3); // [1, 1, 1, 1]: the derivatives of exp at 0
 * ```
 */
export class Jet extends ADValue {
  readonly trace: TaylorTrace;
  /** @internal coefficients computed so far */
  readonly coefficients: Value[];
  /** @internal the highest coefficient this jet is ever asked for */
  readonly order: number;
  /** @internal how the coefficients beyond 0 are made: an op applied to args, or a given input line */
  readonly op: OpDef | undefined;
  readonly args: readonly Value[];
  /** @internal ∂y/∂args, as jets (or constants), made on first need */
  partials: readonly Value[] | undefined;

  /** @internal */
  constructor(trace: TaylorTrace, value: Value, order: number, op?: OpDef, args: readonly Value[] = []) {
    super();
    this.trace = trace;
    this.coefficients = [value];
    this.order = order;
    this.op = op;
    this.args = args;
  }

  get value(): Value {
    return this.coefficients[0] as Value;
  }

  /** Coefficient k of the series (k ≤ the order it was computed to). */
  coefficient(k: number): Value {
    return k < this.coefficients.length ? (this.coefficients[k] as Value) : 0;
  }
}

let nextId = 0;

/**
 * One Taylor-mode evaluation, truncated at order K.
 *
 * Why this needs no per-primitive Taylor rule: for y = φ(a, b, ...), y'(t) = Σ_i ∂_iφ · a_i'(t),
 * so y_k = (1/k) Σ_i Σ_{j=1..k} j · a_i[j] · (∂_iφ)[k-j]. The partials ∂_iφ are the op
 * table's own rules, evaluated on jets (which makes them jets, one order lower), so every
 * primitive, user-defined ones included, gets Taylor mode from the table. {@link taylor}
 * makes and expands one for you.
 *
 * @example
 * ```ts
 * import { TaylorTrace, Jet, sin } from 'dualtape';
 * const pass = new TaylorTrace(3);
 * const y = sin(pass.input(0, 1)) as Jet;
 * pass.expand();
 * [0, 1, 2, 3].map((k) => y.coefficient(k)); // [0, 1, 0, -1/6]
 * pass.active = false;
 * ```
 */
export class TaylorTrace implements Trace {
  readonly level = nextLevel();
  active = true;
  readonly label = 'Taylor-mode evaluation';
  readonly maxOrder: number;
  /** Every jet in creation order: a topological order, as each jet's args exist before it. */
  readonly #jets: Jet[] = [];
  /** Orders of the jets made while a partials rule runs: one less than the jet it is for. */
  #budget: number;

  constructor(maxOrder: number) {
    this.maxOrder = maxOrder;
    this.#budget = maxOrder;
  }

  input(x: Value, v: Value): Jet {
    const jet = new Jet(this, x, this.maxOrder);
    if (this.maxOrder >= 1) jet.coefficients.push(v);
    for (let k = 2; k <= this.maxOrder; k++) jet.coefficients.push(0);
    return jet;
  }

  process(op: OpDef, args: readonly Value[]): Value {
    // Share jets of the same op on the same arguments. Partials rules reapply ops to the
    // same arguments at every order (d(1/b) = -(1/b)/b, ...); without sharing, each order
    // doubles the jets (2^K), with it they grow linearly.
    const key = this.#key(op, args);
    const shared = this.#shared.get(key);
    if (shared !== undefined && shared.order >= this.#budget) return shared;
    const primals = args.map((a) => (a instanceof Jet && a.trace === this ? a.value : a));
    const jet = new Jet(this, apply(op, primals), this.#budget, op, args);
    this.#jets.push(jet);
    this.#shared.set(key, jet);
    return jet;
  }

  readonly #shared = new Map<string, Jet>();
  readonly #ids = new WeakMap<object, number>();

  #key(op: OpDef, args: readonly Value[]): string {
    let key = String(op.code);
    for (const a of args) {
      if (typeof a === 'number') key += Object.is(a, -0) ? '|-0' : `|${a}`;
      else {
        let id = this.#ids.get(a);
        if (id === undefined) {
          id = nextId++;
          this.#ids.set(a, id);
        }
        key += `|#${id}`;
      }
    }
    return key;
  }

  /** Computes coefficients 1 .. maxOrder of every jet, order by order. */
  expand(): void {
    for (let k = 1; k <= this.maxOrder; k++) {
      // The list grows while we walk it: jets made by partials rules are expanded in the same pass.
      for (let n = 0; n < this.#jets.length; n++) {
        const jet = this.#jets[n] as Jet;
        if (jet.order >= k && jet.coefficients.length === k) jet.coefficients.push(this.#coefficient(jet, k));
      }
    }
  }

  #coefficient(jet: Jet, k: number): Value {
    const op = jet.op as OpDef;
    if (jet.partials === undefined) {
      const saved = this.#budget;
      this.#budget = jet.order - 1;
      try {
        jet.partials = checkedPartials(op, jet.args, jet);
      } finally {
        this.#budget = saved;
      }
    }
    let sum: Value = 0;
    jet.args.forEach((a, i) => {
      if (!(a instanceof Jet) || a.trace !== this) return;
      const d = (jet.partials as readonly Value[])[i] as Value;
      for (let j = 1; j <= k; j++) {
        const aj = a.coefficient(j);
        // A zero coefficient contributes nothing, even against an infinite partial (as in forward mode).
        if (aj === 0) continue;
        const dk = d instanceof Jet && d.trace === this ? d.coefficient(k - j) : k - j === 0 ? d : 0;
        if (!contributes(aj, dk)) continue;
        sum = add(sum, mul(j, mul(aj, dk)));
      }
    });
    return sum === 0 ? 0 : div(sum, k);
  }
}
