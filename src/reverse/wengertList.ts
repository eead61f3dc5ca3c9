// Reverse mode's record: the Wengert list (evaluation trace) of one run of f, swept backward for adjoints.
import { add, mul } from '../ops/table';
import { apply, escapedError, opByCode, type OpDef } from '../ops/opDef';
import { ADValue, describe, nextLevel, primal, type Trace, type Value } from '../ops/value';
import { checkedPartials } from '../forward/dual';
import { checkFunction, checkOutputs, checkScalar, checkVector, type VectorFunction } from '../internal/validate';
import type { Widen } from '../internal/types';

/** One argument of a Wengert-list entry: an earlier entry, or a constant that no input influences. */
export type WengertArg = { readonly entry: number } | { readonly constant: number };

/** One row of the evaluation trace, as data. */
export interface WengertEntry {
  /** Position in the list; inputs are 0 .. inputCount - 1. */
  readonly index: number;
  /** The primitive's name, or `'input'`. */
  readonly op: string;
  readonly args: readonly WengertArg[];
  /** Its value in the latest evaluation (recording or replay). */
  readonly value: number;
}

/**
 * Reverse mode's AD value: a handle on one entry of a Wengert list being recorded.
 *
 * @example
 * ```ts
 * import { record, sin, TapeVar } from 'dualtape';
 * record((x) => { console.log(x[0] instanceof TapeVar); return sin(x[0]); }, [1]); // logs true
 * ```
 */
export class TapeVar extends ADValue {
  readonly value: Value;
  /** The entry of `trace` this value is. */
  readonly index: number;
  readonly trace: WengertList;

  /** @internal */
  constructor(value: Value, index: number, trace: WengertList) {
    super();
    this.value = value;
    this.index = index;
    this.trace = trace;
  }
}

const INITIAL_CAPACITY = 64;

/** Observes each adjoint update of a backward sweep, in the order it happens (for teaching output). */
export type AdjointObserver = (update: {
  /** The entry whose adjoint is being pushed to its arguments. */
  readonly from: number;
  /** The argument entry receiving the contribution. */
  readonly to: number;
  /** Which argument of `from` it is (0-based). */
  readonly argument: number;
  /** ∂v_from/∂v_to at the recorded values. */
  readonly partial: number;
  readonly contribution: number;
  /** The adjoint of `to` after adding the contribution. */
  readonly adjoint: number;
  /** True when `to` already had a nonzero adjoint: a second path meeting (fan-out). */
  readonly accumulated: boolean;
}) => void;

/**
 * The Wengert list: the evaluation trace of one run of f, entries in evaluation order
 * (so already topologically sorted), stored as flat data rather than closures.
 *
 * Invariants: entries 0 .. inputCount-1 are the inputs (arity 0, no op code); every
 * other entry i holds an op code, `arity` argument references at refs[p .. p+arity) (with
 * p the sum of the arities of the entries before it) and its value; a reference r >= 0
 * names entry r < i, a reference r < 0 names constants[-1 - r]. `values` holds the plain
 * numbers; when the record runs inside another transformation, `lifted` also keeps the
 * enclosing transformation's AD values (same indices), which the backward sweep then
 * differentiates through. The list is frozen once recording ends; `replay` only rewrites
 * values, never the structure.
 */
export class WengertList implements Trace {
  readonly level: number;
  readonly label = 'recording (reverse mode)';
  #active = true;
  #length = 0;
  #refCount = 0;
  #codes = new Uint16Array(INITIAL_CAPACITY);
  #refs = new Int32Array(INITIAL_CAPACITY * 2);
  #values = new Float64Array(INITIAL_CAPACITY);
  #lifted: Value[] | undefined;
  readonly #constants: Value[] = [];
  #outputs: number[] = [];
  #outputIsArray = false;
  /** Number of inputs (the first entries of the list). */
  readonly inputCount: number;

  /** @internal Use {@link record}. */
  constructor(x: readonly Value[]) {
    this.level = nextLevel();
    this.inputCount = x.length;
    for (const xi of x) this.#push(0, xi);
  }

  get active(): boolean {
    return this.#active;
  }

  /** Number of entries, inputs included. */
  get length(): number {
    return this.#length;
  }

  /** Number of outputs f returned (1 for a scalar f). */
  get outputCount(): number {
    return this.#outputs.length;
  }

  /** The output of the latest evaluation, shaped like f's return (a number or an array). */
  get output(): number | number[] {
    const ys = this.#outputs.map((r) => primal(this.#ref(r)));
    return this.#outputIsArray ? ys : (ys[0] as number);
  }

  /** The entries as data, for inspection and teaching tables. */
  get entries(): WengertEntry[] {
    const out = new Array<WengertEntry>(this.#length);
    let p = 0;
    for (let i = 0; i < this.#length; i++) {
      out[i] = this.#entryAt(i, p);
      p += this.#arity(i);
    }
    return out;
  }

  /** Whether f returned an array (results are then arrays) rather than one number. */
  get outputIsArray(): boolean {
    return this.#outputIsArray;
  }

  /**
   * The output of the latest evaluation as values, shaped like f's return; inside an
   * enclosing transformation these are its AD values (where `output` gives plain numbers).
   */
  outputValue(): Value | Value[] {
    const ys = this.#outputs.map((r) => this.#ref(r));
    return this.#outputIsArray ? ys : (ys[0] as Value);
  }

  /** The arguments f's outputs refer to, in order. */
  get outputRefs(): WengertArg[] {
    return this.#outputs.map((r) => this.#arg(r));
  }

  /** Bytes held by the record's typed arrays per entry (capacity, not just length). */
  get bytesPerEntry(): number {
    const bytes = this.#codes.byteLength + this.#refs.byteLength + this.#values.byteLength;
    return this.#length === 0 ? 0 : bytes / this.#length;
  }

  #arity(i: number): number {
    return i < this.inputCount ? 0 : opByCode(this.#codes[i] as number).arity;
  }

  #arg(r: number): WengertArg {
    return r >= 0 ? { entry: r } : { constant: primal(this.#constants[-1 - r] as Value) };
  }

  #entryAt(i: number, p: number): WengertEntry {
    const input = i < this.inputCount;
    const op = input ? undefined : opByCode(this.#codes[i] as number);
    const args: WengertArg[] = [];
    for (let k = 0; k < (op?.arity ?? 0); k++) args.push(this.#arg(this.#refs[p + k] as number));
    return { index: i, op: op?.name ?? 'input', args, value: this.#values[i] as number };
  }

  #ref(r: number): Value {
    if (r < 0) return this.#constants[-1 - r] as Value;
    return this.#lifted ? (this.#lifted[r] as Value) : (this.#values[r] as number);
  }

  #push(code: number, y: Value): number {
    const i = this.#length;
    if (i === this.#values.length) {
      const grownCodes = new Uint16Array(i * 2);
      grownCodes.set(this.#codes);
      this.#codes = grownCodes;
      const grownValues = new Float64Array(i * 2);
      grownValues.set(this.#values);
      this.#values = grownValues;
    }
    this.#codes[i] = code;
    if (typeof y === 'number') {
      this.#values[i] = y;
      if (this.#lifted) this.#lifted[i] = y;
    } else {
      this.#values[i] = primal(y);
      this.#lifted ??= Array.from(this.#values.subarray(0, i));
      this.#lifted[i] = y;
    }
    this.#length = i + 1;
    return i;
  }

  /** @internal Records one primitive applied to values of this list (and constants). */
  process(op: OpDef, args: readonly Value[]): Value {
    const arity = args.length;
    if (this.#refCount + arity > this.#refs.length) {
      const grown = new Int32Array(Math.max(this.#refs.length * 2, this.#refCount + arity));
      grown.set(this.#refs);
      this.#refs = grown;
    }
    const primals = new Array<Value>(arity);
    const base = this.#refCount;
    for (let k = 0; k < arity; k++) {
      const a = args[k] as Value;
      if (a instanceof TapeVar && a.trace === this) {
        this.#refs[base + k] = a.index;
        primals[k] = a.value;
      } else {
        this.#refs[base + k] = -1 - this.#constants.length;
        this.#constants.push(a);
        primals[k] = a;
      }
    }
    const y = apply(op, primals);
    this.#refCount = base + arity;
    const i = this.#push(op.code, y);
    return new TapeVar(y, i, this);
  }

  /** @internal Runs f on this list's inputs and closes the recording, whatever happens. */
  run(api: string, f: VectorFunction): void {
    try {
      const inputs = new Array<TapeVar>(this.inputCount);
      for (let i = 0; i < this.inputCount; i++) inputs[i] = new TapeVar(this.#ref(i), i, this);
      const outputs = checkOutputs(api, f(inputs));
      this.#outputIsArray = outputs.isArray;
      this.#outputs = outputs.values.map((o) => {
        if (o instanceof TapeVar && o.trace === this) return o.index;
        if (o instanceof ADValue && (!o.trace.active || o.trace.level > this.level)) throw escapedError(api, o.trace);
        this.#constants.push(o);
        return -this.#constants.length;
      });
    } finally {
      this.#active = false;
    }
  }

  #checkFinished(api: string): void {
    if (this.#active) throw new TypeError(`${api}: the recording is still running; call it after f has returned`);
  }

  /**
   * The backward sweep: seeds the outputs' adjoints with yBar and returns the adjoints of
   * every entry (summed over all paths). Entries whose adjoint is 0 are skipped, so an
   * infinite partial on a path that does not reach the outputs cannot turn into NaN.
   * The sweep is a plain loop from the last entry to the first (no recursion).
   *
   * @example
   * ```ts
   * import { record, mul } from 'dualtape';
   * const tape = record((x) => mul(x[0], x[1]), [2, 5]);
   * tape.adjoints(1); // [5, 2, 1]  (x1-bar, x2-bar, y-bar)
   * ```
   */
  adjoints(yBar: Value | ArrayLike<Value>, observe?: AdjointObserver): Value[] {
    this.#checkFinished('backward');
    if (observe !== undefined && typeof observe !== 'function') {
      throw new TypeError(`adjoints: observe must be a function (or omitted), got ${describe(observe)}`);
    }
    const seeds = this.#seeds(yBar);
    const numeric = this.#lifted === undefined && seeds.every((s) => typeof s === 'number') && !this.#constantsLifted();
    return numeric ? Array.from(this.#sweepNumbers(seeds as number[], observe)) : this.#sweepValues(seeds);
  }

  /**
   * Adjoints of the inputs for output adjoint yBar: the vector-Jacobian product yBarᵀJ.
   * yBar is a number when f returned a number, an array of outputCount numbers otherwise.
   *
   * @example
   * ```ts
   * import { record, mul, sin } from 'dualtape';
   * const tape = record((x) => [mul(x[0], x[1]), sin(x[0])], [0, 5]);
   * tape.backward([1, 0]); // [5, 0]: row 0 of J
   * ```
   */
  backward(yBar: Value | ArrayLike<Value>): number[] {
    return this.adjoints(yBar).slice(0, this.inputCount) as number[];
  }

  #seeds(yBar: unknown): Value[] {
    if (this.#outputIsArray) {
      return checkVector('backward', 'yBar', yBar, this.#outputs.length);
    }
    if (typeof yBar !== 'number' && !(yBar instanceof ADValue)) {
      throw new TypeError(`backward: f returned a single number, so yBar must be a number, got ${describe(yBar)}`);
    }
    return [checkScalar('backward', 'yBar', yBar)];
  }

  #constantsLifted(): boolean {
    return this.#constants.some((c) => typeof c !== 'number');
  }

  #sweepNumbers(seeds: readonly number[], observe?: AdjointObserver): Float64Array {
    const adj = new Float64Array(this.#length);
    this.#outputs.forEach((r, k) => {
      if (r >= 0) adj[r] += seeds[k] as number;
    });
    const refs = this.#refs;
    const values = this.#values;
    const constants = this.#constants as number[];
    let p = this.#refCount;
    for (let i = this.#length - 1; i >= this.inputCount; i--) {
      const op = opByCode(this.#codes[i] as number);
      const arity = op.arity;
      p -= arity;
      const a = adj[i] as number;
      if (a === 0) continue;
      const args = new Array<number>(arity);
      for (let k = 0; k < arity; k++) {
        const r = refs[p + k] as number;
        args[k] = r >= 0 ? (values[r] as number) : (constants[-1 - r] as number);
      }
      const partials = checkedPartials(op, args, values[i] as number);
      for (let k = 0; k < arity; k++) {
        const r = refs[p + k] as number;
        if (r < 0) continue;
        const d = partials[k];
        if (typeof d !== 'number') {
          throw new TypeError(`${op.name}: its partials rule returned an AD value on plain numbers; rules must not capture AD values`);
        }
        const before = adj[r] as number;
        // A zero partial contributes 0 even to an infinite adjoint, as a zero tangent does in forward mode.
        const contribution = d === 0 ? 0 : a * d;
        adj[r] = before + contribution;
        observe?.({ from: i, to: r, argument: k, partial: d, contribution, adjoint: adj[r] as number, accumulated: before !== 0 });
      }
    }
    return adj;
  }

  #sweepValues(seeds: readonly Value[]): Value[] {
    const adj = new Array<Value>(this.#length).fill(0);
    this.#outputs.forEach((r, k) => {
      if (r >= 0) adj[r] = add(adj[r] as Value, seeds[k] as Value);
    });
    let p = this.#refCount;
    for (let i = this.#length - 1; i >= this.inputCount; i--) {
      const op = opByCode(this.#codes[i] as number);
      const arity = op.arity;
      p -= arity;
      const a = adj[i] as Value;
      if (a === 0) continue;
      const args = new Array<Value>(arity);
      for (let k = 0; k < arity; k++) args[k] = this.#ref(this.#refs[p + k] as number);
      const partials = checkedPartials(op, args, this.#ref(i));
      for (let k = 0; k < arity; k++) {
        const r = this.#refs[p + k] as number;
        const d = partials[k] as Value;
        if (r >= 0 && d !== 0) adj[r] = add(adj[r] as Value, mul(a, d));
      }
    }
    return adj;
  }

  /**
   * Re-evaluates the same list of primitives at new inputs without calling f again, and
   * returns the new output (shaped like f's). A following `backward` differentiates at
   * the new point. The list does not re-record: where f branched on its inputs, the
   * branch taken at recording time is replayed.
   *
   * @example
   * ```ts
   * import { record, mul } from 'dualtape';
   * const tape = record((x) => mul(x[0], x[0]), [3]);
   * tape.replay([4]); // 16
   * tape.backward(1); // [8]
   * ```
   */
  replay<T extends Value>(x: ArrayLike<T>): Widen<T> | Widen<T>[] {
    this.#checkFinished('replay');
    const xs = checkVector('replay', 'x', x, this.inputCount);
    const numeric = xs.every((v) => typeof v === 'number') && !this.#constantsLifted();
    const recorded = this.#length;
    // If an op throws midway, the list goes back to its last complete evaluation; a list
    // left half-replayed would give silently wrong adjoints (outputs past its length).
    const savedValues = this.#values.slice(0, recorded);
    const savedLifted = this.#lifted;
    this.#lifted = numeric ? undefined : [];
    this.#length = 0;
    try {
      for (const xi of xs) this.#push(0, xi);
      let p = 0;
      for (let i = this.inputCount; i < recorded; i++) {
        const op = opByCode(this.#codes[i] as number);
        const args = new Array<Value>(op.arity);
        for (let k = 0; k < op.arity; k++) args[k] = this.#ref(this.#refs[p + k] as number);
        p += op.arity;
        this.#push(op.code, numeric ? op.value(...(args as number[])) : apply(op, args));
      }
    } catch (e) {
      this.#values.set(savedValues);
      this.#lifted = savedLifted;
      this.#length = recorded;
      throw e;
    }
    return this.outputValue() as Widen<T> | Widen<T>[];
  }
}

/**
 * Records the evaluation trace of f at x as a {@link WengertList}: one entry per input and
 * per primitive applied, with its arguments and value. The list can be printed, swept
 * backward for adjoints as often as needed, and replayed at new inputs.
 *
 * @example
 * ```ts
 * import { record, log, mul, sin, add, sub } from 'dualtape';
 * const tape = record((x) => sub(add(log(x[0]), mul(x[0], x[1])), sin(x[1])), [2, 5]);
 * tape.length; // 7: v-1, v0 and v1 .. v5
 * tape.backward(1); // [5.5, 1.7163378145367738]
 * ```
 */
export function record(f: VectorFunction, x: ArrayLike<Value>): WengertList {
  checkFunction('record', f);
  const tape = new WengertList(checkVector('record', 'x', x));
  tape.run('record', f);
  return tape;
}
