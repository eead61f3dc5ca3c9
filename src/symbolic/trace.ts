// The symbolic trace: runs an op's own partials rule on symbols and records the expression tree it computes.
//
// Why a trace: the rules are written with dualtape's generic primitives, so a rule run on
// values of this trace hands every primitive it calls to `process`, which records a node
// instead of computing a number. The tree is then printed as rule text (teaching) or as
// JavaScript (kernels); no second copy of the calculus exists anywhere.
import { type OpDef } from '../ops/opDef';
import { ADValue, describe, nextLevel, primal, type Trace, type Value } from '../ops/value';
import { num, opNode, type Expr } from './tree';

/**
 * Thrown when a rule has no single expression over its symbols: it asked for the number
 * of a symbol that stands for every point (it branches on a value: |x|, pow at 0), or it
 * used an AD value from outside the rule. Callers then use the rule on numbers instead.
 * @internal
 */
export class NotSymbolic extends Error {}

/**
 * A value of the symbolic trace: the expression it stands for, and, when the trace runs
 * at a point, the number it has there. That number is what `primal` returns, so a rule
 * that branches on a value takes the same branch as the numeric modes did; a symbol
 * without a number (a kernel's `$0`, valid at every point) throws {@link NotSymbolic}.
 * @internal
 */
export class SymbolicValue extends ADValue {
  readonly #value: number | undefined;
  constructor(
    readonly expr: Expr,
    value: number | undefined,
    readonly trace: SymbolicTrace,
  ) {
    super();
    this.#value = value;
  }

  get value(): Value {
    if (this.#value === undefined) throw new NotSymbolic();
    return this.#value;
  }
}

/**
 * Invariant: a node is recorded exactly as the rule computed it (no simplification, no
 * folding), so a printer that evaluates the tree reproduces the rule's arithmetic bit for
 * bit; simplification for readers is the printer's business (`simplified` in tree.ts).
 * @internal
 */
export class SymbolicTrace implements Trace {
  readonly level = nextLevel();
  active = true;

  /**
   * @param atPoint the symbols carry their numbers (teaching); without, they stand for every
   *   point (kernels), so an AD value of an enclosing transformation cannot be frozen into the
   *   tree as a constant.
   */
  constructor(
    readonly label: string,
    readonly atPoint: boolean,
  ) {}

  process(op: OpDef, args: readonly Value[]): Value {
    const children = args.map((a) => this.exprOf(a));
    const value = this.atPoint ? op.value(...args.map(primal)) : undefined;
    return new SymbolicValue(opNode(op.name, children), value, this);
  }

  /** The expression of any value the rule handles: a recorded node, a constant, or (at a point) an outside value's number. */
  exprOf(v: Value): Expr {
    if (typeof v === 'number') return num(v);
    if (v instanceof SymbolicValue && v.trace === this) return v.expr;
    if (this.atPoint) return num(primal(v));
    throw new NotSymbolic();
  }

  /** A symbol of this trace: a name for an argument or the op's output (a constant enters as its number). */
  symbol(a: SymbolicArg): Value {
    if (a.constant) {
      if (a.value === undefined) throw new TypeError('symbol: a constant needs its value');
      return a.value;
    }
    return new SymbolicValue(a.expr, this.atPoint ? a.value : undefined, this);
  }
}

/** A symbolic argument: its expression (a variable) and, at a point, its value there. */
export interface SymbolicArg {
  readonly expr: Expr;
  readonly value?: number;
  /** A constant of the recording: it enters the rule as the plain number `value`. */
  readonly constant?: boolean;
}

/**
 * Runs `op`'s own partials rule on symbolic arguments and hands each partial, with the
 * trace's `symbol` maker, to `build`, which may combine them with dualtape primitives
 * (they record nodes too while the trace runs). `atPoint` as for {@link SymbolicTrace}.
 * @internal
 */
export function withSymbolicPartials<T>(
  op: OpDef,
  args: readonly SymbolicArg[],
  y: SymbolicArg,
  atPoint: boolean,
  build: (partials: readonly Value[], trace: SymbolicTrace) => T,
): T {
  const trace = new SymbolicTrace(atPoint ? 'symbolic rule evaluation (teaching output)' : 'kernel derivation', atPoint);
  try {
    const partials = op.partials(
      args.map((a) => trace.symbol(a)),
      trace.symbol(y),
    );
    if (!Array.isArray(partials) || partials.length !== op.arity) {
      throw new TypeError(`${op.name}: its partials rule must return an array of ${op.arity} partial derivative(s), got ${describe(partials)}`);
    }
    return build(partials, trace);
  } finally {
    trace.active = false;
  }
}

/**
 * The partials of `op` as expression trees over the given symbols.
 * @internal
 */
export function partialsTree(op: OpDef, args: readonly SymbolicArg[], y: SymbolicArg, atPoint: boolean): Expr[] {
  return withSymbolicPartials(op, args, y, atPoint, (partials, trace) => partials.map((d) => trace.exprOf(d)));
}
