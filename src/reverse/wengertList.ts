// Reverse mode's record: the Wengert list (evaluation trace) of one run of f: recording, replay, and the sweeps (run by the engine).
import { add, mul } from '../ops/table';
import { apply, checkedPartials, escapedError, opByCode, type OpDef } from '../ops/opDef';
import { ADValue, describe, nextLevel, primal, readsAreGuarded, type Trace, type Value } from '../ops/value';
import type { ComparisonKind } from '../ops/compare';
import type { AdjointObserver, FlatList, Guard, RecordingCost, WengertArg, WengertEntry, WengertGuard } from './entries';
import { TapeVar } from './tapeVar';
import { giveAdjoints, giveStorage, growFloat64, nextHint, released, sizeHint, takeAdjoints, takeStorage, type Storage } from './storage';
import './recordingFastPath';
import { listSweeps, plainBackward, seedOutputs } from '../engine/sweeps';
import { contributes } from '../engine/accumulate';
import { BranchChangedError, flippedGuard } from '../engine/guards';
import { CALL_CODE, type CallRecord } from '../engine/calls';
import { checkFunction, checkOutputs, checkScalar, checkVector, type VectorFunction } from '../internal/validate';
import type { Widen } from '../internal/types';
import { allNumbers } from '../internal/arrays';

const NONE: readonly number[] = Object.freeze([]);
const NO_GUARDS = Object.freeze([]) as unknown as Guard[];

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
  /** The arrays this list started with (handed on as they are when it did not grow them). */
  #storage: Storage;
  #flatView: FlatList | undefined;
  #lifted: Value[] | undefined;
  #liftedConstants: Value[] | undefined;
  // Both start as shared empty arrays (most recordings make no comparison, and run() sets the
  // outputs): two arrays fewer per recording, which a fresh grad of a small f notices.
  #outputs: readonly number[] = NONE;
  #outputIsArray = false;
  #guards: Guard[] = NO_GUARDS;
  #calls: Map<number, CallRecord> | undefined;
  #primalReads = 0;
  /** Number of inputs (the first entries of the list). */
  readonly inputCount: number;
  /**
   * @internal True while the list is recording and every value in it is a plain number: the
   * primitives' generated fast paths (see {@link registerFastPath}) may then record directly.
   */
  recordsNumbers = true;

  /** @internal Use {@link record}. */
  constructor(x: ArrayLike<Value>) {
    this.level = nextLevel();
    this.inputCount = x.length;
    const storage = takeStorage();
    this.#storage = storage;
    this.#codes = storage.codes;
    this.#refs = storage.refs;
    this.#values = storage.values;
    this.#constants = storage.constants;
    for (let i = 0; i < x.length; i++) this.#push(0, x[i] as Value);
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
    this.#flatView = undefined;
    // A list that held an enclosing transformation's values may share nothing; it is only closed.
    if (this.#lifted !== undefined || this.#liftedConstants !== undefined) return;
    const start = this.#storage;
    const grown = start.codes !== this.#codes || start.refs !== this.#refs || start.values !== this.#values || start.constants !== this.#constants;
    giveStorage(grown ? { codes: this.#codes, refs: this.#refs, values: this.#values, constants: this.#constants } : start);
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
   * @internal Whether every value and constant of the list is a plain number (no AD value of an
   * enclosing transformation was recorded): the numeric sweeps of src/engine/ then apply.
   */
  get numeric(): boolean {
    return this.#lifted === undefined && this.#liftedConstants === undefined;
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

  /** @internal The value of entry i in the latest evaluation (what a TapeVar reads); counted in {@link primalReads} unless a comparison reads it. */
  valueAt(i: number): Value {
    if (this.#released) throw escapedError('primal', this);
    if (!readsAreGuarded()) this.#primalReads++;
    return this.#valueOf(i);
  }

  #valueOf(i: number): Value {
    return this.#lifted === undefined ? (this.#values[i] as number) : (this.#lifted[i] as Value);
  }

  /**
   * @internal How often code outside dualtape's primitives has read an entry's value
   * (`primal(x)`, `x.value`, printing) so far. A branch made on such a read is invisible to the
   * recording (comparisons through `lt`, `gt`, ... are kept as guards instead), so a list
   * with reads may only be replayed where f would read the same: a scan replays its step's
   * recording only when the step made none.
   */
  get primalReads(): number {
    return this.#primalReads;
  }

  // The list is itself a SweepList (src/engine/sweeps.ts) for its own sweeps: a view object per
  // sweep was one allocation of thirteen fields in every fresh gradient.
  /** @internal */
  get codes(): Uint32Array {
    return this.#codes;
  }
  /** @internal */
  get refs(): Int32Array {
    return this.#refs;
  }
  /** @internal */
  get constants(): Float64Array {
    return this.#constants;
  }
  /** @internal */
  get refCount(): number {
    return this.#refCount;
  }
  /** @internal */
  get calls(): ReadonlyMap<number, CallRecord> | undefined {
    return this.#calls;
  }

  /** @internal The storage itself, for compile(). */
  flat(): FlatList {
    // A finished list's arrays never change (replay rewrites values in place): one view serves every sweep.
    if (this.#flatView !== undefined) return this.#flatView;
    const view: FlatList = {
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
      calls: this.#calls,
    };
    if (!this.#active && !this.#released) this.#flatView = view;
    return view;
  }

  /** @internal Records a call (checkpoint, checkpointed scan) as `call.outputCount` entries with the outputs y; returns their handles. */
  recordCall(call: CallRecord, y: readonly number[]): TapeVar[] {
    this.#calls ??= new Map();
    this.#calls.set(this.#length, call);
    return y.map((yk) => new TapeVar(this.#pushNumber(CALL_CODE, yk), this));
  }

  /** @internal For a call's output entry i: the call's name, its first entry and its output count; else undefined. */
  callAt(i: number): { name: string; first: number; outputCount: number } | undefined {
    if (i < this.inputCount || i >= this.#length || this.#codes[i] !== CALL_CODE) return undefined;
    const { call, first } = this.#callAt(i);
    return { name: call.name, first, outputCount: call.outputCount };
  }

  /** The call entry i belongs to, and which of its outputs entry i is. */
  #callAt(i: number): { call: CallRecord; first: number } {
    let first = i;
    while (this.#calls?.has(first) !== true) first--;
    return { call: this.#calls.get(first) as CallRecord, first };
  }

  /**
   * What the recording stored and what its backward sweeps recomputed (see {@link RecordingCost}).
   *
   * @example
   * ```ts
   * import { record, workedExample } from 'dualtape';
   * record(workedExample, [2, 5]).cost.storedValues; // 7: every intermediate value is kept
   * ```
   */
  get cost(): RecordingCost {
    const calls = this.#calls === undefined ? [] : [...this.#calls.values()];
    let callEntries = 0;
    let inside = 0;
    let sweep = 0;
    let recomputed = 0;
    let peak = 0;
    let kept = 0;
    for (const call of calls) {
      kept += call.cost.keptValues;
      callEntries += call.outputCount;
      inside += call.cost.forwardEvaluations;
      sweep += call.cost.sweepEvaluations;
      recomputed += call.cost.stepsRecomputed;
      peak = Math.max(peak, call.cost.peakBytes);
    }
    const storedBytes = 12 * this.#length + 4 * this.#refCount + 8 * this.#constantCount + 8 * kept;
    return {
      entries: this.#length,
      storedValues: this.#length + this.#constantCount + kept,
      storedBytes,
      calls: calls.length,
      forwardEvaluations: this.#length - this.inputCount - callEntries + inside,
      sweepEvaluations: sweep,
      stepsRecomputed: recomputed,
      peakBytes: storedBytes + 8 * this.#length + peak,
    };
  }

  #arity(i: number): number {
    const code = this.#codes[i] as number;
    return i < this.inputCount || code === CALL_CODE ? 0 : opByCode(code).arity;
  }

  #arg(r: number): WengertArg {
    return r >= 0 ? { entry: r } : { constant: this.#constants[-1 - r] as number };
  }

  #entryAt(i: number, p: number): WengertEntry {
    const input = i < this.inputCount;
    if (!input && this.#codes[i] === CALL_CODE) {
      // A call's outputs are shown as the call of its arguments (output k of several as `name[k]`).
      const { call, first } = this.#callAt(i);
      const args = Array.from(call.refs, (r) => this.#arg(r));
      const name = call.outputCount === 1 ? call.name : `${call.name}[${i - first}]`;
      return { index: i, op: name, args, inputs: args.flatMap((a) => ('entry' in a ? [a.entry] : [])), value: this.#values[i] as number };
    }
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
      return this.#valueOf(a.index);
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
    if (ra >= 0 || rb >= 0) {
      if (this.#guards === NO_GUARDS) this.#guards = [];
      this.#guards.push({ kind, a: ra, b: rb, outcome, after: this.#length });
    }
  }

  /** @internal Runs f on this list's inputs and closes the recording, whatever happens. */
  run(api: string, f: VectorFunction): void {
    try {
      const inputs = new Array<TapeVar>(this.inputCount);
      for (let i = 0; i < this.inputCount; i++) inputs[i] = new TapeVar(i, this);
      const out: unknown = f(inputs);
      // A scalar f returning its own handle (a gradient's usual case) needs none of checkOutputs' arrays.
      if (out instanceof TapeVar && out.trace === this) {
        this.#outputs = [out.index];
        return;
      }
      let values: ArrayLike<unknown>;
      if (out instanceof TapeVar || typeof out === 'number') {
        values = [out];
        this.#outputIsArray = false;
      } else if (Array.isArray(out)) {
        values = out;
        this.#outputIsArray = true;
      } else {
        const checked = checkOutputs(api, out);
        values = checked.values;
        this.#outputIsArray = checked.isArray;
      }
      const refs = new Array<number>(values.length);
      for (let k = 0; k < values.length; k++) {
        const o = values[k];
        if (o instanceof TapeVar && o.trace === this) refs[k] = o.index;
        else if (o instanceof ADValue && (!o.trace.active || o.trace.level > this.level)) throw escapedError(api, o.trace);
        else if (typeof o === 'number' || o instanceof ADValue) refs[k] = this.#constant(o);
        else throw new TypeError(`${api}: f must return a number or an array of numbers, but element ${k} is ${describe(o)}`);
      }
      this.#outputs = refs;
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
    return this.#numeric(seeds) ? this.#sweepNumbers(seeds as number[], this.#length, observe) : this.#sweepValues(seeds, observe);
  }

  /**
   * @internal The adjoints of the inputs only (yBarᵀJ), without converting every entry's
   * adjoint. `api` is what the user called, for error messages.
   */
  inputAdjoints(yBar: Value | ArrayLike<Value>, api = 'backward'): Value[] {
    this.#checkFinished(api);
    // Numeric seeds of the right shape on a list of numbers (a gradient, a scan's step) need no checking or copying.
    if (this.#lifted === undefined && this.#liftedConstants === undefined) {
      if (typeof yBar === 'number' && !this.#outputIsArray) return this.#sweepNumbers(yBar, this.inputCount);
      if (this.#outputIsArray && Array.isArray(yBar) && yBar.length === this.#outputs.length && allNumbers(yBar)) {
        return this.#sweepNumbers(yBar as number[], this.inputCount);
      }
    }
    const seeds = this.#seeds(api, yBar);
    if (!this.#numeric(seeds)) return this.#sweepValues(seeds).slice(0, this.inputCount);
    return this.#sweepNumbers(seeds as number[], this.inputCount);
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
    return this.numeric && seeds.every((s) => typeof s === 'number');
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

  /** The adjoints of the first `count` entries, from one numeric backward sweep (seeds: one per output, or a number for one output). */
  #sweepNumbers(seeds: readonly number[] | number, count: number, observe?: AdjointObserver): number[] {
    const adj = takeAdjoints(this.#length);
    if (typeof seeds !== 'number') seedOutputs(this.#outputs, seeds, adj);
    else if ((this.#outputs[0] as number) >= 0) adj[this.#outputs[0] as number] += seeds;
    // The engine's sweep (src/engine/); an observer needs the plain one, which reports each update.
    if (observe === undefined) listSweeps().backward(this, this.#values, adj);
    else plainBackward(this, this.#values, adj, observe);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = adj[i] as number;
    giveAdjoints(adj);
    return out;
  }


  #sweepValues(seeds: readonly Value[], observe?: AdjointObserver): Value[] {
    const adj = new Array<Value>(this.#length).fill(0);
    this.#outputs.forEach((r, k) => {
      if (r >= 0) adj[r] = add(adj[r] as Value, seeds[k] as Value);
    });
    let p = this.#refCount;
    for (let i = this.#length - 1; i >= this.inputCount; i--) {
      if (this.#codes[i] === CALL_CODE) {
        this.#callBackwardValues(i, adj);
        continue;
      }
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

  /** The AD-valued backward step of a call entry (the engine's callBackward, on values of an enclosing transformation). */
  #callBackwardValues(i: number, adj: Value[]): void {
    const call = this.#calls?.get(i);
    if (call === undefined) return;
    const seeds = adj.slice(i, i + call.outputCount);
    if (seeds.every((s) => s === 0)) return;
    const bar = call.vjp(Array.from(call.refs, (r) => this.#ref(r)), seeds);
    call.refs.forEach((r, k) => {
      const d = bar[k] as Value;
      if (r >= 0 && d !== 0) adj[r] = add(adj[r] as Value, d);
    });
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
          if (this.#codes[i] === CALL_CODE) {
            const call = this.#calls?.get(i);
            if (call !== undefined) for (const y of call.value(Array.from(call.refs, (r) => this.#ref(r)))) this.#push(CALL_CODE, y);
            continue;
          }
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

export { TapeVar } from './tapeVar';
export type { AdjointObserver, FlatList, Guard, RecordingCost, WengertArg, WengertEntry, WengertGuard } from './entries';
