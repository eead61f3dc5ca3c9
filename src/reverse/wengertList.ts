// Reverse mode's record: the Wengert list (evaluation trace) of one run of f, swept backward for adjoints.
import { add, mul } from '../ops/table';
import { apply, checkedPartials, escapedError, opByCode, type OpDef } from '../ops/opDef';
import { ADValue, describe, nextLevel, primal, type Trace, type Value } from '../ops/value';
import type { ComparisonKind } from '../ops/compare';
import { listSweeps, plainBackward, seedOutputs, type UpdateObserver } from '../engine/sweeps';
import { contributes } from '../engine/accumulate';
import { BranchChangedError, flippedGuard } from '../engine/guards';
import { registerFastPath, type OpText } from '../ops/fastPath';
import { checkFunction, checkOutputs, checkScalar, checkVector, type VectorFunction } from '../internal/validate';
import type { Widen } from '../internal/types';

/**
 * One argument of a Wengert-list entry: an earlier entry, or a constant that no input influences.
 *
 * @example
 * ```ts
 * import { record, mul } from 'dualtape';
 * record((x) => mul(x[0], 3), [2]).entries[1].args; // [{ entry: 0 }, { constant: 3 }]
 * ```
 */
export type WengertArg = { readonly entry: number } | { readonly constant: number };

/**
 * A comparison (`lt`, `gt`, ...) made during the recording, kept so replays can check it.
 *
 * @example
 * ```ts
 * import { record, lt, select } from 'dualtape';
 * record((x) => select(lt(x[0], 0), 0, x[0]), [-1.3]).guards[0].outcome; // true
 * ```
 */
export interface WengertGuard {
  /** Which comparison. */
  readonly op: ComparisonKind;
  readonly args: readonly [WengertArg, WengertArg];
  /** Its outcome when recorded. */
  readonly outcome: boolean;
  /** How many entries the list had when the comparison was made. */
  readonly after: number;
}

/**
 * One row of the evaluation trace, as data.
 *
 * @example
 * ```ts
 * import { record, sin } from 'dualtape';
 * record((x) => sin(x[0]), [0]).entries[1]; // { index: 1, op: 'sin', args: [{ entry: 0 }], inputs: [0], value: 0 }
 * ```
 */
export interface WengertEntry {
  /** Position in the list; inputs are 0 .. inputCount - 1. */
  readonly index: number;
  /** The primitive's name, or `'input'`. */
  readonly op: string;
  /** Its arguments in order: earlier entries or constants. */
  readonly args: readonly WengertArg[];
  /** The indices of the entries it reads (its inputs in the graph), in argument order; constants are not entries. */
  readonly inputs: readonly number[];
  /** Its value in the latest evaluation (recording or replay). */
  readonly value: number;
}

/**
 * Reverse mode's AD value: a handle on one entry of a Wengert list being recorded. It holds
 * only the entry's index and its list (its value lives in the list's typed arrays), which
 * keeps the one object made per recorded primitive small.
 *
 * @example
 * ```ts
 * import { record, sin, TapeVar } from 'dualtape';
 * record((x) => { console.log(x[0] instanceof TapeVar); return sin(x[0]); }, [1]); // logs true
 * ```
 */
export class TapeVar extends ADValue {
  /** The entry of `trace` this value is. */
  readonly index: number;
  readonly trace: WengertList;

  /** @internal */
  constructor(index: number, trace: WengertList) {
    super();
    this.index = index;
    this.trace = trace;
  }

  /** The entry's value in the latest evaluation (an enclosing transformation's AD value when nested). */
  get value(): Value {
    return this.trace.valueAt(this.index);
  }
}

// Typed arrays of at most 64 bytes live on V8's heap and cost about as little as an object;
// larger ones take an external allocation (around a microsecond each). Small lists (the
// per-call overhead case) therefore start with in-heap arrays and grow by doubling.
const INITIAL_CAPACITY = 8;

/**
 * Observes each adjoint update of a backward sweep, in the order it happens (for teaching output).
 *
 * @example
 * ```ts
 * import { record, mul } from 'dualtape';
 * record((x) => mul(x[0], x[0]), [3]).adjoints(1, (u) => console.log(u.to, u.adjoint, u.accumulated));
 * // 0 3 false, then 0 6 true: x feeds the product twice, so its adjoint accumulates
 * ```
 */
export type AdjointObserver = UpdateObserver;

/** @internal A recorded comparison: references of its two arguments and its outcome. */
export interface Guard {
  readonly kind: ComparisonKind;
  readonly a: number;
  readonly b: number;
  readonly outcome: boolean;
  readonly after: number;
}

/** @internal The list's storage, read by compile(): the arrays themselves, not copies. */
export interface FlatList {
  readonly length: number;
  readonly inputCount: number;
  readonly refCount: number;
  readonly codes: Uint32Array;
  readonly refs: Int32Array;
  readonly values: Float64Array;
  readonly constants: Float64Array;
  readonly constantCount: number;
  /** True when some constant is an enclosing transformation's AD value (no numeric replay then). */
  readonly constantsLifted: boolean;
  readonly outputs: readonly number[];
  readonly outputIsArray: boolean;
  readonly guards: readonly Guard[];
}

/**
 * Starting capacities for the next recording: the sizes the last one ended with. Code that
 * records the same function again and again (an optimiser loop) then never grows its arrays,
 * which otherwise cost a dozen copies for a list of 10^5 entries. A much smaller recording
 * resets the estimate, so one big list does not make every later small one allocate big.
 */
const sizeHint = { entries: INITIAL_CAPACITY, refs: INITIAL_CAPACITY * 2, constants: INITIAL_CAPACITY };
const MAX_HINT = 1 << 22;

function nextHint(previous: number, used: number): number {
  return Math.min(MAX_HINT, Math.max(INITIAL_CAPACITY, used < previous / 4 ? used : Math.max(previous, used)));
}

/** The four typed arrays of a list. */
interface Storage {
  readonly codes: Uint32Array;
  readonly refs: Int32Array;
  readonly values: Float64Array;
  readonly constants: Float64Array;
}

// Making even four small typed arrays costs more than recording a small function, so the
// storage of a finished recording is kept for the next one. Small storage (up to about a
// megabyte) is kept as is; larger storage only through a WeakRef, so a loop of gradients
// reuses it while one big gradient does not pin its memory after the loop is over.
const STRONG_MAX_ENTRIES = 1 << 15;
let spare: Storage | WeakRef<Storage> | undefined;
const released: Storage = {
  codes: new Uint32Array(0),
  refs: new Int32Array(0),
  values: new Float64Array(0),
  constants: new Float64Array(0),
};

/** Reuse is for the same size again: capacity from the hint up to 4× it (so bytesPerEntry stays honest). */
function fits(capacity: number, hint: number): boolean {
  return capacity >= hint && capacity <= 4 * hint;
}

function takeStorage(): Storage {
  const s = spare instanceof WeakRef ? spare.deref() : spare;
  if (s !== undefined && fits(s.values.length, sizeHint.entries) && fits(s.refs.length, sizeHint.refs) && s.constants.length >= sizeHint.constants) {
    spare = undefined;
    return s;
  }
  return {
    codes: new Uint32Array(sizeHint.entries),
    refs: new Int32Array(sizeHint.refs),
    values: new Float64Array(sizeHint.entries),
    constants: new Float64Array(sizeHint.constants),
  };
}

function giveStorage(s: Storage): void {
  spare = s.values.length <= STRONG_MAX_ENTRIES ? s : new WeakRef(s);
}

function growFloat64(a: Float64Array, min: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(Math.max(a.length * 2, min));
  grown.set(a);
  return grown;
}

/**
 * The Wengert list: the evaluation trace of one run of f, entries in evaluation order
 * (so already topologically sorted), stored as flat data rather than closures or one
 * object per entry.
 *
 * Invariants: entries 0 .. inputCount-1 are the inputs (arity 0, code 0 unused); every
 * other entry i holds an op code in codes[i], `arity` argument references at
 * refs[p .. p+arity) (with p the sum of the arities of the entries before it) and its
 * value in values[i]; a reference r >= 0 names entry r < i, a reference r < 0 names
 * constant -1 - r, whose number is constants[-1 - r]. When the record runs inside another
 * transformation, `lifted` (entries) and `liftedConstants` also keep the enclosing
 * transformation's AD values (same indices; `values`/`constants` then hold their primals),
 * which the backward sweep then differentiates through. Guards are the comparisons made
 * on the list's values (two references each, and the recorded outcome). The list is
 * frozen once recording ends; `replay` only rewrites values, never the structure.
 * Storage: 4 (code) + 8 (value) bytes per entry, 4 per argument reference, 8 per constant;
 * arrays grow by doubling.
 *
 * @example
 * ```ts
 * import { record, workedExample } from 'dualtape';
 * const tape = record(workedExample, [2, 5]);
 * tape.entries.map((e) => e.op); // ['input', 'input', 'log', 'mul', 'sin', 'add', 'sub']
 * tape.backward(1); // [5.5, 1.7163378145367738]
 * ```
 */
export class WengertList implements Trace {
  readonly level: number;
  readonly label = 'recording (reverse mode)';
  #active = true;
  #length = 0;
  #refCount = 0;
  #constantCount = 0;
  #codes: Uint32Array;
  #refs: Int32Array;
  #values: Float64Array;
  #constants: Float64Array;
  #released = false;
  #lifted: Value[] | undefined;
  #liftedConstants: Value[] | undefined;
  #outputs: number[] = [];
  #outputIsArray = false;
  readonly #guards: Guard[] = [];
  /** Number of inputs (the first entries of the list). */
  readonly inputCount: number;
  /**
   * @internal True while the list is recording and every value in it is a plain number: the
   * primitives' generated fast paths (see {@link registerFastPath}) may then record directly.
   */
  recordsNumbers = true;

  /** @internal Use {@link record}. */
  constructor(x: readonly Value[]) {
    this.level = nextLevel();
    this.inputCount = x.length;
    const storage = takeStorage();
    this.#codes = storage.codes;
    this.#refs = storage.refs;
    this.#values = storage.values;
    this.#constants = storage.constants;
    for (const xi of x) this.#push(0, xi);
  }

  /**
   * @internal Closes a finished recording that nobody can reach any more (a `grad` that
   * has read its result): it may no longer be swept or replayed, and its storage goes to
   * the next recording. Reusing it spares the next
   * recording of the same size its allocation and the page faults of fresh memory, which
   * at 10^6 entries and more cost as much as the recording itself.
   */
  release(): void {
    if (this.#active || this.#released) return;
    this.#released = true;
    // A list that held an enclosing transformation's values may share nothing; it is only closed.
    if (this.#lifted !== undefined || this.#liftedConstants !== undefined) return;
    giveStorage({ codes: this.#codes, refs: this.#refs, values: this.#values, constants: this.#constants });
    this.#codes = released.codes;
    this.#refs = released.refs;
    this.#values = released.values;
    this.#constants = released.constants;
  }

  get active(): boolean {
    return this.#active;
  }

  /** A finished list can still be swept and replayed, until a transformation that owns it releases it. */
  get mayReplay(): boolean {
    return !this.#released;
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

  /** The entries as data, for inspection and teaching tables (a view built from the typed arrays). */
  get entries(): WengertEntry[] {
    const out = new Array<WengertEntry>(this.#length);
    let p = 0;
    for (let i = 0; i < this.#length; i++) {
      out[i] = this.#entryAt(i, p);
      p += this.#arity(i);
    }
    return out;
  }

  /** The comparisons (`lt`, `gt`, ...) f made on recorded values, in order. */
  get guards(): WengertGuard[] {
    return this.#guards.map((g) => ({ op: g.kind, args: [this.#arg(g.a), this.#arg(g.b)], outcome: g.outcome, after: g.after }));
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

  /**
   * Bytes held by the record's typed arrays per entry (capacity, not just length: growth by
   * doubling can leave up to half unused). A backward sweep adds 8 per entry for adjoints.
   */
  get bytesPerEntry(): number {
    const bytes = this.#codes.byteLength + this.#refs.byteLength + this.#values.byteLength + this.#constants.byteLength;
    return this.#length === 0 ? 0 : bytes / this.#length;
  }

  /** Bytes per entry actually used (no spare capacity): codes, references, values and constants. */
  get usedBytesPerEntry(): number {
    const bytes = 4 * this.#length + 4 * this.#refCount + 8 * this.#length + 8 * this.#constantCount;
    return this.#length === 0 ? 0 : bytes / this.#length;
  }

  /** @internal The value of entry i in the latest evaluation (what a TapeVar reads). */
  valueAt(i: number): Value {
    if (this.#released) throw escapedError('primal', this);
    return this.#lifted === undefined ? (this.#values[i] as number) : (this.#lifted[i] as Value);
  }

  /** @internal The storage itself, for compile(). */
  flat(): FlatList {
    return {
      length: this.#length,
      inputCount: this.inputCount,
      refCount: this.#refCount,
      codes: this.#codes,
      refs: this.#refs,
      values: this.#values,
      constants: this.#constants,
      constantCount: this.#constantCount,
      constantsLifted: this.#liftedConstants !== undefined,
      outputs: this.#outputs,
      outputIsArray: this.#outputIsArray,
      guards: this.#guards,
    };
  }

  #arity(i: number): number {
    return i < this.inputCount ? 0 : opByCode(this.#codes[i] as number).arity;
  }

  #arg(r: number): WengertArg {
    return r >= 0 ? { entry: r } : { constant: this.#constants[-1 - r] as number };
  }

  #entryAt(i: number, p: number): WengertEntry {
    const input = i < this.inputCount;
    const op = input ? undefined : opByCode(this.#codes[i] as number);
    const args: WengertArg[] = [];
    for (let k = 0; k < (op?.arity ?? 0); k++) args.push(this.#arg(this.#refs[p + k] as number));
    const inputs = args.flatMap((a) => ('entry' in a ? [a.entry] : []));
    return { index: i, op: op?.name ?? 'input', args, inputs, value: this.#values[i] as number };
  }

  #ref(r: number): Value {
    if (r < 0) return this.#liftedConstants === undefined ? (this.#constants[-1 - r] as number) : (this.#liftedConstants[-1 - r] as Value);
    return this.#lifted === undefined ? (this.#values[r] as number) : (this.#lifted[r] as Value);
  }

  #push(code: number, y: Value): number {
    const i = this.#length;
    if (i === this.#values.length) this.#growEntries(i * 2);
    this.#codes[i] = code;
    if (typeof y === 'number') {
      this.#values[i] = y;
      if (this.#lifted !== undefined) this.#lifted[i] = y;
    } else {
      this.#values[i] = primal(y);
      this.recordsNumbers = false;
      this.#lifted ??= Array.from(this.#values.subarray(0, i));
      this.#lifted[i] = y;
    }
    this.#length = i + 1;
    return i;
  }

  #growEntries(min: number): void {
    const grownCodes = new Uint32Array(Math.max(this.#codes.length * 2, min));
    grownCodes.set(this.#codes);
    this.#codes = grownCodes;
    this.#values = growFloat64(this.#values, min);
  }

  #growRefs(min: number): void {
    const grown = new Int32Array(Math.max(this.#refs.length * 2, min));
    grown.set(this.#refs);
    this.#refs = grown;
  }

  /** Adds a constant (a number, or a value of an enclosing transformation) and returns its reference. */
  #constant(c: Value): number {
    const k = this.#constantCount;
    if (k === this.#constants.length) this.#constants = growFloat64(this.#constants, k + 1);
    if (typeof c === 'number') {
      this.#constants[k] = c;
      if (this.#liftedConstants !== undefined) this.#liftedConstants[k] = c;
    } else {
      this.#constants[k] = primal(c);
      this.#liftedConstants ??= Array.from(this.#constants.subarray(0, k));
      this.#liftedConstants[k] = c;
    }
    this.#constantCount = k + 1;
    return -1 - k;
  }

  /** Writes the reference for argument `a` at refs[slot] and returns the value one level down. */
  #argument(a: Value, slot: number): Value {
    if (a instanceof TapeVar && a.trace === this) {
      this.#refs[slot] = a.index;
      return this.valueAt(a.index);
    }
    this.#refs[slot] = this.#constant(a);
    return a;
  }

  /** @internal Records one primitive applied to values of this list (and constants). */
  process(op: OpDef, args: readonly Value[]): Value {
    const arity = args.length;
    const base = this.#refCount;
    if (base + arity > this.#refs.length) this.#growRefs(base + arity);
    let y: Value;
    // Arity 1 and 2 (every built-in) without the argument arrays of the general path.
    if (arity === 1) {
      const p0 = this.#argument(args[0] as Value, base);
      y = typeof p0 === 'number' ? op.value(p0) : apply(op, [p0]);
    } else if (arity === 2) {
      const p0 = this.#argument(args[0] as Value, base);
      const p1 = this.#argument(args[1] as Value, base + 1);
      y = typeof p0 === 'number' && typeof p1 === 'number' ? op.value(p0, p1) : apply(op, [p0, p1]);
    } else {
      const primals = new Array<Value>(arity);
      for (let k = 0; k < arity; k++) primals[k] = this.#argument(args[k] as Value, base + k);
      y = apply(op, primals);
    }
    this.#refCount = base + arity;
    return new TapeVar(this.#push(op.code, y), this);
  }

  /** @internal The number held by entry i (only while {@link recordsNumbers}). */
  numberAt(i: number): number {
    return this.#values[i] as number;
  }

  /** @internal A reference to a new constant c (the fast paths' constant arguments). */
  constantRef(c: number): number {
    return this.#constant(c);
  }

  /** @internal Records a unary op already evaluated on numbers: one reference, one value, one handle. */
  record1(code: number, y: number, r0: number): TapeVar {
    const p = this.#refCount;
    if (p + 1 > this.#refs.length) this.#growRefs(p + 1);
    this.#refs[p] = r0;
    this.#refCount = p + 1;
    return new TapeVar(this.#pushNumber(code, y), this);
  }

  /** @internal Records a binary op already evaluated on numbers. */
  record2(code: number, y: number, r0: number, r1: number): TapeVar {
    const p = this.#refCount;
    if (p + 2 > this.#refs.length) this.#growRefs(p + 2);
    this.#refs[p] = r0;
    this.#refs[p + 1] = r1;
    this.#refCount = p + 2;
    return new TapeVar(this.#pushNumber(code, y), this);
  }

  #pushNumber(code: number, y: number): number {
    const i = this.#length;
    if (i === this.#values.length) this.#growEntries(i * 2);
    this.#codes[i] = code;
    this.#values[i] = y;
    this.#length = i + 1;
    return i;
  }

  /** @internal Keeps a comparison made on this list's values as a guard for replays. */
  recordComparison(kind: ComparisonKind, a: Value, b: Value, outcome: boolean): void {
    const ref = (v: Value): number => {
      for (let w: Value = v; w instanceof ADValue; w = w.value) {
        if (w instanceof TapeVar && w.trace === this) return w.index;
      }
      return this.#constant(v);
    };
    const ra = ref(a);
    const rb = ref(b);
    // A comparison of two constants cannot change when this list is replayed.
    if (ra >= 0 || rb >= 0) this.#guards.push({ kind, a: ra, b: rb, outcome, after: this.#length });
  }

  /** @internal Runs f on this list's inputs and closes the recording, whatever happens. */
  run(api: string, f: VectorFunction): void {
    try {
      const inputs = new Array<TapeVar>(this.inputCount);
      for (let i = 0; i < this.inputCount; i++) inputs[i] = new TapeVar(i, this);
      const outputs = checkOutputs(api, f(inputs));
      this.#outputIsArray = outputs.isArray;
      this.#outputs = outputs.values.map((o) => {
        if (o instanceof TapeVar && o.trace === this) return o.index;
        if (o instanceof ADValue && (!o.trace.active || o.trace.level > this.level)) throw escapedError(api, o.trace);
        return this.#constant(o);
      });
    } finally {
      this.#active = false;
      this.recordsNumbers = false;
      sizeHint.entries = nextHint(sizeHint.entries, this.#length);
      sizeHint.refs = nextHint(sizeHint.refs, this.#refCount);
      sizeHint.constants = nextHint(sizeHint.constants, this.#constantCount);
    }
  }

  #checkFinished(api: string): void {
    if (this.#active) throw new TypeError(`${api}: the recording is still running; call it after f has returned`);
    if (this.#released) throw new TypeError(`${api}: this recording was closed by the transformation that made it`);
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
    this.#checkFinished('adjoints');
    if (observe !== undefined && typeof observe !== 'function') {
      throw new TypeError(`adjoints: observe must be a function (or omitted), got ${describe(observe)}`);
    }
    const seeds = this.#seeds('adjoints', yBar);
    return this.#numeric(seeds) ? Array.from(this.#sweepNumbers(seeds as number[], observe)) : this.#sweepValues(seeds, observe);
  }

  /**
   * @internal The adjoints of the inputs only (yBarᵀJ), without converting every entry's
   * adjoint. `api` is what the user called, for error messages.
   */
  inputAdjoints(yBar: Value | ArrayLike<Value>, api = 'backward'): Value[] {
    this.#checkFinished(api);
    const seeds = this.#seeds(api, yBar);
    if (!this.#numeric(seeds)) return this.#sweepValues(seeds).slice(0, this.inputCount);
    const adj = this.#sweepNumbers(seeds as number[]);
    const out = new Array<number>(this.inputCount);
    for (let i = 0; i < this.inputCount; i++) out[i] = adj[i] as number;
    return out;
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
    return this.inputAdjoints(yBar) as number[];
  }

  #numeric(seeds: readonly Value[]): boolean {
    return this.#lifted === undefined && this.#liftedConstants === undefined && seeds.every((s) => typeof s === 'number');
  }

  #seeds(api: string, yBar: unknown): Value[] {
    if (this.#outputIsArray) {
      return checkVector(api, 'yBar', yBar, this.#outputs.length);
    }
    if (typeof yBar !== 'number' && !(yBar instanceof ADValue)) {
      throw new TypeError(`${api}: f returned a single number, so yBar must be a number, got ${describe(yBar)}`);
    }
    return [checkScalar(api, 'yBar', yBar)];
  }

  #sweepNumbers(seeds: readonly number[], observe?: AdjointObserver): Float64Array {
    const adj = new Float64Array(this.#length);
    seedOutputs(this.#outputs, seeds, adj);
    // The engine's sweep (src/engine/); an observer needs the plain one, which reports each update.
    if (observe === undefined) listSweeps().backward(this.flat(), this.#values, adj);
    else plainBackward(this.flat(), this.#values, adj, observe);
    return adj;
  }

  #sweepValues(seeds: readonly Value[], observe?: AdjointObserver): Value[] {
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
        if (r < 0 || !contributes(a, d)) continue;
        const before = adj[r] as Value;
        const contribution = mul(a, d);
        adj[r] = add(before, contribution);
        // Observers see plain numbers; the AD values of the enclosing transformation stay inside.
        observe?.({
          from: i, to: r, argument: k, partial: primal(d), contribution: primal(contribution),
          adjoint: primal(adj[r] as Value), accumulated: before !== 0,
        });
      }
    }
    return adj;
  }

  /**
   * Re-evaluates the same list of primitives at new inputs without calling f again, and
   * returns the new output (shaped like f's). A following `backward` differentiates at
   * the new point. The list does not re-record: where f branched through dualtape's
   * comparisons (`lt`, `gt`, ...; see {@link WengertList.guards}) and one of them comes out
   * differently at x, replay throws a {@link BranchChangedError} (a RangeError) instead of silently returning the old
   * branch (the list then holds the values at x). Branches on `primal(...)` cannot be seen.
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
    const numeric = this.#liftedConstants === undefined && xs.every((v) => typeof v === 'number');
    const recorded = this.#length;
    // If an op throws midway, the list goes back to its last complete evaluation; a list
    // left half-replayed would give silently wrong adjoints (outputs past its length).
    const savedValues = this.#values.slice(0, recorded);
    const savedLifted = this.#lifted;
    this.#lifted = numeric ? undefined : [];
    this.#length = 0;
    try {
      for (const xi of xs) this.#push(0, xi);
      if (numeric) {
        this.#replayNumbers(recorded);
      } else {
        let p = 0;
        for (let i = this.inputCount; i < recorded; i++) {
          const op = opByCode(this.#codes[i] as number);
          const args = new Array<Value>(op.arity);
          for (let k = 0; k < op.arity; k++) args[k] = this.#ref(this.#refs[p + k] as number);
          p += op.arity;
          this.#push(op.code, apply(op, args));
        }
      }
    } catch (e) {
      this.#values.set(savedValues);
      this.#lifted = savedLifted;
      this.#length = recorded;
      throw e;
    }
    const flipped = this.flippedGuard();
    if (flipped !== undefined) throw new BranchChangedError('replay', flipped);
    return this.outputValue() as Widen<T> | Widen<T>[];
  }

  #replayNumbers(recorded: number): void {
    this.#length = recorded;
    listSweeps().evaluate(this.flat(), this.#values);
  }

  /** @internal The first guard whose comparison comes out differently at the current values, described; else undefined. */
  flippedGuard(): string | undefined {
    // `values` and `constants` hold primals also when entries are lifted, which is what guards compare.
    return flippedGuard(this.#guards, this.#values, this.#constants);
  }
}

/**
 * Reverse mode's fast path inside each primitive's generated function: handles of one list
 * that records plain numbers (mixed with numbers) are recorded in place, as
 * {@link WengertList.process} would: argument references in order (a number becomes a
 * constant), the value computed on numbers, one entry and one handle.
 */
function emitRecordingFastPath(op: OpText, kind: number): string {
  if (op.arity === 1) {
    return `if (k0 === ${kind}) {
  const L = x0.trace;
  if (L.recordsNumbers) { const r0 = x0.index; const p0 = L.numberAt(r0); return L.record1(${op.code}, ${op.value(['p0'])}, r0); }
}`;
  }
  return `if ((k0 === ${kind} && (k1 === 0 || (k1 === ${kind} && x1.trace === x0.trace))) || (k0 === 0 && k1 === ${kind})) {
  const L = k0 === 0 ? x1.trace : x0.trace;
  if (L.recordsNumbers) {
    let r0, p0, r1, p1;
    if (k0 === 0) { p0 = x0; r0 = L.constantRef(x0); } else { r0 = x0.index; p0 = L.numberAt(r0); }
    if (k1 === 0) { p1 = x1; r1 = L.constantRef(x1); } else { r1 = x1.index; p1 = L.numberAt(r1); }
    return L.record2(${op.code}, ${op.value(['p0', 'p1'])}, r0, r1);
  }
}`;
}

registerFastPath({ name: 'reverse', valueClass: TapeVar, deps: {}, emit: emitRecordingFastPath });

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
