// Custom derivatives for whole user functions: each becomes one primitive, one op per place in the user's code, bound per call.
import { apply, defineOp, getOp, type OpDef } from './opDef';
import { ADValue, describe, nextLevel, type Trace, type Value } from './value';
import { toArray } from '../internal/arrays';

/**
 * The partials of a user function f: R^n -> R at x, one per input, written with dualtape
 * primitives (so they differentiate again under nesting). `y` is f(x).
 *
 * @example
 * ```ts
 * import { exp, sub, type CustomPartials } from 'dualtape';
 * const softmax: CustomPartials = (x, y) => x.map((xi) => exp(sub(xi, y)));
 * ```
 */
export type CustomPartials = (x: readonly Value[], y: Value) => readonly Value[];

/** One definition's rule: what a custom function computes and its partials. */
interface Binding {
  readonly name: string;
  readonly f: (x: number[]) => number;
  readonly partials: CustomPartials;
  /** When the definition was made, on the scale of trace levels (see below). */
  readonly bornAt: number;
  /** The slot it was last given, per arity (valid while that slot's binding is still this one). */
  readonly slots: Map<number, Slot>;
}

/**
 * One op of the table serving a family of definitions, bound to one of them at a time.
 *
 * Invariants: while any transformation that applied this op is running (`holders`), the
 * binding does not change, so every rule evaluated for it (forward passes now, backward
 * sweeps and Taylor expansions later in the same transformation, nested ones included)
 * is that definition's. A `pinned` slot is never rebound: its definition outlived the
 * transformations that used it (made outside them, or kept and used again), so a recording
 * of it may be replayed at any time.
 */
interface Slot {
  readonly op: OpDef;
  binding: Binding;
  holders: WeakRef<Trace>[];
  pinned: boolean;
}

/**
 * The definitions that may share ops: every definition with the same name (a name stands
 * for one function), or, unnamed, every definition with the same source text (one place in
 * the user's code, made again on each call of f with other captured data).
 */
interface Family {
  readonly name: string;
  readonly named: boolean;
  /** The kind and source text of the definition, to tell a repeat from a conflict. */
  readonly source: string;
  /** Per arity: the slots that may be rebound, scanned next-fit from `cursor`, and how many ops were made. */
  readonly pools: Map<number, { readonly free: Slot[]; cursor: number; made: number }>;
}

const families = new Map<string, Family>();
let anonymous = 0;

const sourceOf = (kind: string, fns: readonly unknown[]): string =>
  [kind, ...fns.map((fn) => Function.prototype.toString.call(fn))].join('\u0000');

function familyFor(api: string, kind: string, name: unknown, fns: readonly unknown[]): Family {
  const source = sourceOf(kind, fns);
  if (name === undefined) {
    const key = `source:${source}`;
    let family = families.get(key);
    if (family === undefined) {
      family = { name: `${kind}${++anonymous}`, named: false, source, pools: new Map() };
      families.set(key, family);
    }
    return family;
  }
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) {
    throw new TypeError(`${api}: options.name must be an identifier-like string, got ${describe(name)}`);
  }
  const family = families.get(`name:${name}`);
  if (family !== undefined) {
    if (family.source !== source) {
      throw new TypeError(
        `${api}: options.name '${name}' is already defined by a different custom derivative (other code for f or its rule); ` +
          'a name stands for one function: defining it again with the same code (inside f, on every call) reuses it, other code needs another name',
      );
    }
    return family;
  }
  if (getOp(name) !== undefined) {
    throw new TypeError(`${api}: options.name '${name}' is already defined as an op of the table (built in or by defineOp); choose a new name`);
  }
  const created: Family = { name, named: true, source, pools: new Map() };
  families.set(`name:${name}`, created);
  return created;
}

/**
 * A slot is in use while a transformation that applied it is running, or has finished but
 * can still evaluate it (a recording kept for a pullback, a replay or compile): rebinding
 * it then would make that recording compute with another call's closure.
 */
const running = (slot: Slot): boolean =>
  slot.holders.some((h) => {
    const t = h.deref();
    return t !== undefined && (t.active || t.mayReplay === true);
  });

function holds(slot: Slot, t: Trace): boolean {
  for (const h of slot.holders) if (h.deref() === t) return true;
  return false;
}

/**
 * How far a new binding looks for a slot that no running transformation holds before making
 * one. Slots are taken in turn (next fit), so after a call of f has finished, the next call
 * finds its slots free in the same order: one probe each, however many definitions f makes.
 */
const PROBES = 8;

/** The op that applies `binding` to `args`: its own slot, a free one rebound, or a new one. */
function opFor(family: Family, binding: Binding, args: readonly Value[]): OpDef {
  const n = args.length;
  let pool = family.pools.get(n);
  if (pool === undefined) {
    pool = { free: [], cursor: 0, made: 0 };
    family.pools.set(n, pool);
  }
  let slot = binding.slots.get(n);
  if (slot?.binding !== binding) {
    slot = undefined;
    for (let k = 0; k < Math.min(PROBES, pool.free.length); k++) {
      const candidate = pool.free[pool.cursor % pool.free.length] as Slot;
      pool.cursor = (pool.cursor + 1) % pool.free.length;
      if (!running(candidate)) {
        slot = candidate;
        break;
      }
    }
    slot ??= newSlot(family, n, pool, binding);
    slot.binding = binding;
    slot.holders = [];
    binding.slots.set(n, slot);
  }
  // Every transformation this application runs under (each argument's trace and those of
  // the values inside it) holds the slot. Weakly: a finished recording must not be kept
  // alive by the op table. Pruned only when one joins, so repeated use costs a lookup.
  let perCall = false;
  let pruned = false;
  for (const a of args) {
    for (let v: Value = a; v instanceof ADValue; v = v.value) {
      const t = v.trace;
      // Made inside the outermost transformation it is used in: a closure of one call of f.
      if (binding.bornAt > t.level) perCall = true;
      if (holds(slot, t)) continue;
      if (!pruned) {
        slot.holders = slot.holders.filter((h) => {
          const held = h.deref();
          return held !== undefined && (held.active || held.mayReplay === true);
        });
        pruned = true;
      }
      slot.holders.push(new WeakRef(t));
    }
  }
  // A closure of one call may give its op to the next call once this call's transformations
  // have finished; any other definition outlives them (unless a name promises one function),
  // so its slot stays with it.
  if (!perCall && !family.named && !slot.pinned) {
    slot.pinned = true;
    pool.free.splice(pool.free.indexOf(slot), 1);
  }
  return slot.op;
}

function newSlot(family: Family, n: number, pool: { free: Slot[]; made: number }, binding: Binding): Slot {
  // The first arity a family meets keeps its plain name (what traces show for the common case).
  const arityName = n === family.pools.keys().next().value ? family.name : `${family.name}_${n}`;
  pool.made += 1;
  const slot: Slot = {
    op: defineOp({
      name: pool.made === 1 ? arityName : `${arityName}$${pool.made}`,
      arity: n,
      value: (...x: number[]) => {
        const y = slot.binding.f(x);
        if (typeof y !== 'number') throw new TypeError(`${slot.binding.name}: f must return a number, got ${describe(y)}`);
        return y;
      },
      partials: (x, y) => slot.binding.partials(x, y),
    }).op,
    binding,
    holders: [],
    pinned: false,
  };
  pool.free.push(slot);
  return slot;
}

/**
 * Gives a scalar user function f its own derivative, as JAX's custom_jvp does: the result
 * behaves as one primitive (one entry in a Wengert list, one row of a trace), whose value
 * is f on plain numbers and whose partials are yours. Use it for numerical stability
 * (logSumExp), for speed (a closed-form gradient), or to replace a derivative that the
 * chain rule gets wrong. Works in forward mode, reverse mode, Taylor mode and nested.
 *
 * Defining it inside the function you differentiate (a closure over that call's data) is
 * fine and costs nothing per call: the op table gets one op per place in your code (or per
 * `name`), which each call binds to its own closure while its transformations run. A
 * recording kept for later (a `vjp` pullback, `compile`, `record`) keeps its closure's op
 * for as long as the recording can be used (until it is garbage), so it always computes
 * with its own call's data; transformations that keep nothing (`grad`, `jvp`, `jacfwd`,
 * `jacrev`, `hessian`) give the op back when they return. A name stands for one
 * function: the same name with other code is an error.
 *
 * @example
 * ```ts
 * import { customDerivative, exp, div, sub, grad } from 'dualtape';
 * // log Σ exp(x_i), computed stably; its partials are the softmax
 * const logSumExp = customDerivative(
 *   (x: number[]) => {
 *     const m = Math.max(...x);
 *     return m + Math.log(x.reduce((s, xi) => s + Math.exp(xi - m), 0));
 *   },
 *   (x, y) => x.map((xi) => exp(sub(xi, y))),
 *   { name: 'logSumExp' },
 * );
 * grad((x) => logSumExp(x))([1000, 1000]); // [0.5, 0.5]  (no overflow)
 * ```
 */
export function customDerivative(
  f: (x: number[]) => number,
  partials: CustomPartials,
  options: { name?: string } = {},
): (x: ArrayLike<Value>) => Value {
  return defineCustom('customDerivative', 'custom', f, partials, options.name, [f, partials]);
}

/** The one implementation behind customDerivative, customJvp and customVjp; `sources` are the user's functions that define it. */
function defineCustom(
  api: string,
  kind: string,
  f: (x: number[]) => number,
  partials: CustomPartials,
  name: unknown,
  sources: readonly unknown[],
): (x: ArrayLike<Value>) => Value {
  if (typeof f !== 'function') throw new TypeError(`${api}: f must be a function, got ${describe(f)}`);
  if (typeof partials !== 'function') {
    throw new TypeError(`${api}: partials must be a function (x, y) => [∂y/∂x_0, ...], got ${describe(partials)}`);
  }
  const family = familyFor(api, kind, name, sources);
  const binding: Binding = { name: family.name, f, partials, bornAt: nextLevel(), slots: new Map() };
  const custom = (x: ArrayLike<Value>): Value => {
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) {
      throw new TypeError(`${family.name}: x must be an array of numbers, got ${describe(x)}`);
    }
    const args = toArray(x as ArrayLike<Value>);
    if (args.length === 0) throw new RangeError(`${family.name}: x must have at least one element`);
    if (args.every((a) => typeof a === 'number')) return f(args as number[]);
    return apply(opFor(family, binding, args), args);
  };
  Object.defineProperty(custom, 'name', { value: family.name });
  return custom;
}

/**
 * JAX's `custom_jvp` for a scalar user function: `jvp(primals, tangents)` returns
 * `[y, ẏ]`, with ẏ linear in the tangents and written with dualtape primitives. Both modes
 * use it: the partials it implies (ẏ at each unit tangent) are what reverse mode sweeps
 * with, so one rule serves jvp, grad, nesting and Taylor mode alike.
 *
 * @example
 * ```ts
 * import { customJvp, grad, add, mul, sqrt, div } from 'dualtape';
 * // |x| as sqrt(x²) has no derivative at 0; give it the minimum-norm one instead
 * const norm2 = customJvp(
 *   (x) => Math.hypot(...x),
 *   (x, t) => {
 *     const y = sqrt(x.reduce((s, xi) => add(s, mul(xi, xi)), 0));
 *     const yDot = x.reduce((s, xi, i) => add(s, mul(div(xi, y), t[i])), 0);
 *     return [y, yDot];
 *   },
 * );
 * grad((x) => norm2(x))([3, 4]); // [0.6, 0.8]
 * ```
 */
export function customJvp(
  f: (x: number[]) => number,
  jvp: (primals: readonly Value[], tangents: readonly Value[]) => readonly [Value, Value],
  options: { name?: string } = {},
): (x: ArrayLike<Value>) => Value {
  if (typeof jvp !== 'function') {
    throw new TypeError(`customJvp: jvp must be a function (primals, tangents) => [y, yDot], got ${describe(jvp)}`);
  }
  return defineCustom(
    'customJvp',
    'customJvp',
    f,
    (x) =>
      x.map((_, i) => {
        const unit = x.map((__, k) => (k === i ? 1 : 0));
        const out = jvp(x, unit);
        if (!Array.isArray(out) || out.length !== 2) {
          throw new TypeError(`customJvp: jvp must return [y, yDot], got ${describe(out)}`);
        }
        return out[1] as Value;
      }),
    options.name,
    [f, jvp],
  );
}

/**
 * JAX's `custom_vjp` for a scalar user function: `fwd(x)` returns `[y, residuals]` and
 * `bwd(residuals, yBar)` the cotangents of the inputs, written with dualtape primitives.
 * Unlike JAX, forward mode works too: the partials are `bwd(residuals, 1)`, which both modes
 * use.
 *
 * @example
 * ```ts
 * import { customVjp, add, div, exp, grad, log1p, mul, neg } from 'dualtape';
 * // softplus with a gradient that reuses the forward pass's sigmoid
 * const softplus1 = customVjp(
 *   (x) => Math.log1p(Math.exp(x[0])),
 *   (x) => { const s = div(1, add(1, exp(neg(x[0])))); return [log1p(exp(x[0])), s]; },
 *   (s, yBar) => [mul(yBar, s)],
 * );
 * grad((x) => softplus1(x))([0]); // [0.5]
 * ```
 */
export function customVjp<R>(
  f: (x: number[]) => number,
  fwd: (x: readonly Value[]) => readonly [Value, R],
  bwd: (residuals: R, yBar: Value) => readonly Value[],
  options: { name?: string } = {},
): (x: ArrayLike<Value>) => Value {
  if (typeof fwd !== 'function') throw new TypeError(`customVjp: fwd must be a function x => [y, residuals], got ${describe(fwd)}`);
  if (typeof bwd !== 'function') {
    throw new TypeError(`customVjp: bwd must be a function (residuals, yBar) => cotangents, got ${describe(bwd)}`);
  }
  return defineCustom(
    'customVjp',
    'customVjp',
    f,
    (x) => {
      const out = fwd(x);
      if (!Array.isArray(out) || out.length !== 2) throw new TypeError(`customVjp: fwd must return [y, residuals], got ${describe(out)}`);
      return bwd(out[1] as R, 1);
    },
    options.name,
    [f, fwd, bwd],
  );
}
