// What each op's partials rule implies for sparsity: which arguments it depends on at first order, which pairs interact at second.
import { checkedPartials, type OpDef } from '../ops/opDef';
import { ADValue, nextLevel, type Trace, type Value } from '../ops/value';

/**
 * The sparsity structure of one primitive (at one point, or at every point).
 *
 * Invariants: `firstOrder[k]` is false only when ∂y/∂args[k] is identically 0 (a constant
 * 0 returned by the rule); `pairs` lists each unordered pair (k, l), k ≤ l, of arguments
 * with ∂²y/∂args[k]∂args[l] possibly nonzero, flattened as [k0, l0, k1, l1, ...];
 * `pointwise` is true when the rule looked at the numbers (branched on `primal(...)`), so the
 * structure holds only at the arguments it was derived at.
 */
export interface OpStructure {
  readonly firstOrder: readonly boolean[];
  readonly pairs: Int32Array;
  readonly pointwise: boolean;
}

/**
 * A value of the dependency-tracking trace: its number (for rules that branch on it) and the
 * set of the op's arguments it depends on, as a bit mask over argument positions.
 */
class DepValue extends ADValue {
  readonly #number: number;
  readonly deps: bigint;
  readonly trace: DepTrace;

  constructor(number: number, deps: bigint, trace: DepTrace) {
    super();
    this.#number = number;
    this.deps = deps;
    this.trace = trace;
  }

  /** Reading the number means the rule branches on it: the structure is then pointwise. */
  get value(): number {
    this.trace.valueRead = true;
    return this.#number;
  }

  /** The number, for the trace itself (not a branch of the rule). */
  get number(): number {
    return this.#number;
  }
}

/**
 * Runs the op table's own rules on dependency sets (SparseConnectivityTracer's idea, one level
 * down): the result of any primitive depends on the union of its arguments' dependencies.
 */
class DepTrace implements Trace {
  readonly level = nextLevel();
  readonly label = 'sparsity detection';
  active = true;
  valueRead = false;

  process(op: OpDef, args: readonly Value[]): Value {
    let deps = 0n;
    const numbers = new Array<number>(args.length);
    for (let k = 0; k < args.length; k++) {
      const a = args[k] as Value;
      if (a instanceof DepValue && a.trace === this) {
        deps |= a.deps;
        numbers[k] = a.number;
      } else {
        numbers[k] = a as number;
      }
    }
    return new DepValue(op.value(...numbers), deps, this);
  }
}

function conservative(arity: number): OpStructure {
  const pairs: number[] = [];
  for (let k = 0; k < arity; k++) for (let l = k; l < arity; l++) pairs.push(k, l);
  return { firstOrder: new Array<boolean>(arity).fill(true), pairs: Int32Array.from(pairs), pointwise: false };
}

/**
 * Derives the structure of `op` by running its partials rule once on dependency-tracking
 * values at `args` (numbers; `y` its value there). A rule that fails on such values (one that
 * uses JavaScript arithmetic on its arguments, say) gets the conservative answer: every
 * argument matters and every pair interacts.
 */
export function deriveOpStructure(op: OpDef, args: readonly number[], y: number): OpStructure {
  const trace = new DepTrace();
  const arity = op.arity;
  try {
    const xs = args.map((a, k) => new DepValue(a, 1n << BigInt(k), trace));
    const all = (1n << BigInt(arity)) - 1n;
    const partials = checkedPartials(op, xs, new DepValue(y, all, trace));
    const firstOrder = new Array<boolean>(arity);
    const pairs: number[] = [];
    const masks = partials.map((d, k) => {
      if (d instanceof DepValue && d.trace === trace) {
        firstOrder[k] = true;
        return d.deps;
      }
      if (typeof d === 'number') {
        firstOrder[k] = d !== 0;
        return 0n;
      }
      throw new TypeError('not a value of this trace');
    });
    // ∂²y/∂a_k∂a_l may be nonzero when ∂y/∂a_k depends on a_l (or the other way round).
    for (let k = 0; k < arity; k++) {
      for (let l = k; l < arity; l++) {
        const mk = masks[k] as bigint;
        const ml = masks[l] as bigint;
        if ((mk >> BigInt(l)) & 1n || (ml >> BigInt(k)) & 1n) pairs.push(k, l);
      }
    }
    return { firstOrder, pairs: Int32Array.from(pairs), pointwise: trace.valueRead };
  } catch {
    return conservative(arity);
  } finally {
    trace.active = false;
  }
}

const cache = new Map<OpDef, OpStructure>();
const conservativeCache = new Map<OpDef, OpStructure>();

/**
 * The structure of `op` at the arguments `argsAt()` gives (value y): derived once per op when
 * its rule never looks at the numbers; otherwise derived at these very arguments (`atPoint`)
 * or, for a pattern that must hold at every point (compiled reuse), the conservative one.
 */
export function opStructure(op: OpDef, argsAt: () => number[], y: number, atPoint: boolean): OpStructure {
  const known = cache.get(op);
  if (known !== undefined) return known;
  if (!atPoint) {
    const c = conservativeCache.get(op);
    if (c !== undefined) return c;
  }
  const s = deriveOpStructure(op, argsAt(), y);
  if (!s.pointwise) {
    cache.set(op, s);
    return s;
  }
  if (atPoint) return s;
  const c = conservative(op.arity);
  conservativeCache.set(op, c);
  return c;
}
