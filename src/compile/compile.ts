// Record once, replay fast: a Wengert list turned into reusable value/gradient/VJP/JVP functions, run by one of the engine's backends.
import { read } from '../engine/entries';
import { describe, type Value } from '../ops/value';
import { jvp as forwardJvp } from '../forward/api';
import { checkFunction, checkValues, checkVector, type VectorFunction } from '../internal/validate';
import { record, WengertList, type FlatList } from '../reverse/wengertList';
import { generatedInterpreter, plainInterpreter, seedOutputs } from '../engine/sweeps';
import { BranchChangedError, flippedGuard } from '../engine/guards';
import { straightLine } from './straightLine';
import { rerolled } from './reroll';
import { coverage, findRuns, STRAIGHT_LIMIT } from './loopRuns';
import { interpreted, type CompileMode, type FusedVjp, type Program } from './program';
import { hessianColumns, hessianProducts, KeptSecondOrderArrays } from '../engine/secondOrder';
import { uncheckedAdjointsExact } from '../engine/accumulate';
import { defaultChunkSize } from '../forward/chunk';
import { forwardIsCheaper, jacobianCost, type JacobianCost } from './jacobianCost';
import { derivativeSource, type SourceMode } from './source';
import { compiledHessianPlan, compiledSparseHessian, compiledSparseJacobian } from '../sparse/compiled';
import { forwardCompressed, hessianValues, reverseCompressed, type Plan, type SparseHessianOptions, type SparseJacobianOptions } from '../sparse/compressed';
import type { Coloring } from '../sparse/coloring';
import type { SparseMatrix } from '../sparse/sparseMatrix';
import { allNumbers, rowsOf, toArray } from '../internal/arrays';

export type { CompileMode } from './program';

/** @internal Every engine compile can run, in the order tests go through them. */
export const compileModes: readonly CompileMode[] = ['codegen', 'rerolled', 'interpreter', 'plain interpreter'];

/**
 * Options of {@link compile}.
 *
 * @example
 * ```ts
 * import { compile, lt, select, type CompileOptions } from 'dualtape';
 * const options: CompileOptions = { codegen: false, onBranchChange: 'rerecord' };
 * const relu = compile((x) => select(lt(x[0], 0), 0, x[0]), [-1.3], options);
 * relu.gradient([1.34]); // [1]: the branch flipped, so f was recorded again there
 * ```
 */
export interface CompileOptions {
  /**
   * Generate JavaScript from the list (`true`, the default where `new Function` is allowed:
   * straight-line code up to `codegenLimit` entries, re-rolled loops above that where the
   * list's loops cover all but a couple of thousand entries) or use the op-code
   * interpreter (`false`). Where a Content Security Policy forbids `new Function`, the plain
   * interpreter runs instead, by itself; `mode` says which engine runs.
   */
  codegen?: boolean;
  /**
   * Run this engine whatever the list's size (overrides `codegen` and `codegenLimit`):
   * `'codegen'`, `'rerolled'`, `'interpreter'` or `'plain interpreter'` (see {@link CompileMode}).
   * The three generated ones fall back to the plain interpreter where `new Function` is forbidden.
   */
  engine?: CompileMode;
  /**
   * Largest list (entries) to generate straight-line code for; longer lists are re-rolled
   * into loops, or interpreted where they have few. Default 500:
   * measured on Node 20, generated code wins on small lists (per-call overhead, 2-3× over
   * the interpreter) but V8 leaves large straight-line functions unoptimised, where the
   * interpreter's tight loop is several times faster.
   */
  codegenLimit?: number;
  /**
   * Characters of source per generated function: large lists are split into many functions
   * because V8 does not optimise very large ones. Default 24,000.
   */
  chunkChars?: number;
  /**
   * At a point where a recorded comparison (`lt`, `gt`, ...) comes out differently, throw a
   * {@link BranchChangedError} (`'throw'`, the default) or record f again there and carry on (`'rerecord'`;
   * needs f, so not for a compiled list).
   */
  onBranchChange?: 'throw' | 'rerecord';
}

/**
 * A recording compiled for reuse at new points without calling f again. Methods take points
 * as arrays or typed arrays of numbers and return Float64Arrays (plain numbers for a scalar
 * value). Given AD values (nesting), they replay the list through the ordinary op table
 * instead, so they compose with the other transformations.
 *
 * @example
 * ```ts
 * import { compile, workedExample, type CompiledFunction } from 'dualtape';
 * const c: CompiledFunction = compile(workedExample, [2, 5]);
 * c.gradient([3, 1]); // Float64Array [1.3333333333333333, 2.4596976941318602]
 * c.hessian([3, 1]); // [[-0.1111111111111111, 1], [1, 0.8414709848078965]]
 * c.source('reverse'); // the adjoint program: '... v0_bar += v3_bar * Math.cos(v0); ...'
 * ```
 */
export interface CompiledFunction<F extends VectorFunction = VectorFunction> {
  /** The engine that really runs (see {@link CompileMode}); it can change only by a re-record. */
  readonly mode: CompileMode;
  /** The recording being replayed (a new one after a re-record). */
  readonly tape: WengertList;
  readonly inputCount: number;
  readonly outputCount: number;
  /** f(x), shaped like f's return: a number for a scalar f, a Float64Array for a vector f. */
  value(x: ArrayLike<number>): NumberOut<F>;
  value(x: ArrayLike<Value>): NumberOut<F> | Value | Value[];
  /**
   * ∇f(x) for a scalar f. With `out` (a Float64Array of length inputCount, which may be x
   * itself) the gradient is written into it and out is returned: no array is allocated per
   * call, as ReverseDiff.jl's `gradient!(result, tape, x)` (an optimiser's loop). `out` takes
   * numbers only, so x must hold numbers then.
   */
  gradient(x: ArrayLike<number>, out?: Float64Array): Float64Array;
  gradient(x: ArrayLike<Value>): Float64Array | Value[];
  /** yBarᵀJ(x); yBar a number for a scalar f, an array otherwise. `out` as for {@link CompiledFunction.gradient}. */
  vjp(x: ArrayLike<number>, yBar: number | ArrayLike<number>, out?: Float64Array): Float64Array;
  vjp(x: ArrayLike<Value>, yBar: number | ArrayLike<number>): Float64Array | Value[];
  /** `[f(x), J(x)·v]`, by a forward sweep over the list (each output's tangent). */
  jvp(x: ArrayLike<number>, v: ArrayLike<number>): [NumberOut<F>, NumberOut<F>];
  jvp(x: ArrayLike<Value>, v: ArrayLike<Value>): [number | Float64Array, number | Float64Array] | [Value | Value[], Value | Value[]];
  /**
   * The m × n Jacobian, by n tangent sweeps or m backward sweeps, whichever costs less:
   * each sweep is counted as the entries it really computes (a tangent sweep those that
   * depend on its input, a backward sweep those its output depends on), summed over the n
   * (m) sweeps, plus what every sweep pays anyway (passing over all L entries, a tenth of
   * computing one each, and a fixed cost); counted once per recording with one bit per input
   * (output) per entry, and as n·L against m·L for lists too large to count. Ties go to reverse.
   * Rows of more than 8 numbers are views of one Float64Array of m·n numbers; shorter rows are arrays of their own.
   */
  jacobian(x: ArrayLike<number>): Float64Array[];
  /**
   * The n × n Hessian of a scalar f, forward-over-reverse on the compiled list: per chunk of
   * up to 8 directions, a tangent sweep each, then one second-order sweep (the backward
   * sweep differentiated along them, src/engine/secondOrder.ts) giving H times them. The
   * directions are the e_j, or, when the Hessian's sparsity pattern (read once from the list,
   * valid on its whole recorded branch) star-colours with fewer colours than inputs, the
   * colour groups, each nonzero read back from its group (as `sparseHessian`). f is not called.
   */
  hessian(x: ArrayLike<number>): number[][];
  /** The Hessian-vector product H(x)·v of a scalar f: one tangent sweep along v and one second-order sweep. */
  hvp(x: ArrayLike<number>, v: ArrayLike<number>): Float64Array;
  /**
   * The tangent (`'forward'`) or adjoint (`'reverse'`) program of the recording as readable
   * JavaScript, one statement per entry, named as the trace tables name them (v_1 for v-1),
   * the adjoint statements in the backward sweep's accumulation order. The text is a function
   * body over the inputs `x1 .. xn` (plus `x1_dot .. xn_dot` for the tangent program, and
   * `y1_bar .. ym_bar` for the adjoint program of a vector f; a scalar f's adjoint is seeded
   * with 1) that declares every variable it assigns and returns nothing: evaluate it as
   * `new Function('x1', 'x2', src + 'return [v_1_bar, v0_bar]')`. It is the calculus of the
   * op table, printed without the engine's zero-skip tests (a zero adjoint times an infinite
   * partial is NaN here, 0 in the engine); a rule that branches on values prints its branch at
   * the recorded point, marked by a comment.
   */
  source(mode: SourceMode): string;
  /** J(x) as a SparseMatrix by compressed passes; pattern and colouring are found on the first call and reused (see sparseJacobian). */
  sparseJacobian(x: ArrayLike<number>, options?: SparseJacobianOptions): SparseMatrix;
  /** The Hessian of a scalar f at x as a SparseMatrix, pattern and star colouring reused (see sparseHessian). */
  sparseHessian(x: ArrayLike<number>, options?: SparseHessianOptions): SparseMatrix;
}

/**
 * What a compiled f gives per output at number inputs: a number for a scalar f, a
 * Float64Array for a vector f (either, when f's type does not say).
 *
 * @example
 * ```ts
 * import { compile, mul, type Value } from 'dualtape';
 * compile((x: Value[]) => mul(x[0], x[1]), [1, 2]).value([3, 4]); // 12, typed number
 * compile((x: Value[]) => [x[0], x[1]], [1, 2]).value([3, 4]); // Float64Array [3, 4]
 * ```
 */
export type NumberOut<F> = F extends (x: Value[]) => infer R
  ? [R] extends [readonly unknown[]] ? Float64Array : [R] extends [Value] ? number : number | Float64Array
  : number | Float64Array;

/**
 * Records f at x once and returns functions that evaluate f, its gradient, VJPs, JVPs and
 * Jacobian at new points from the recording alone (f is not called again). The list is
 * run by one of the engine's backends (src/engine/; `mode` names it): straight-line
 * JavaScript generated from the op table's own rules for small lists, an op-code
 * interpreter with a generated dispatch loop for large ones, a plain interpreter where a
 * Content Security Policy forbids generated code. Comparisons made with `lt`, `gt`, ... are
 * checked at each new point: if one flips, the recorded branch is wrong there, and compile
 * throws a {@link BranchChangedError} or re-records (`onBranchChange`).
 * A compiled list (`compile(tape)`) can only throw.
 *
 * @example
 * ```ts
 * import { compile, mul, sin, type Value } from 'dualtape';
 * const c = compile((x: Value[]) => mul(sin(x[0]), x[1]), [1, 2]);
 * c.gradient([0, 3]); // Float64Array [3, 0]
 * c.value([0, 3]); // 0
 * ```
 */
export function compile<F extends VectorFunction>(f: F, x: ArrayLike<number>, options?: CompileOptions): CompiledFunction<F>;
export function compile(f: WengertList, options?: CompileOptions): CompiledFunction;
export function compile(f: WengertList, x: undefined, options?: CompileOptions): CompiledFunction;
export function compile(f: VectorFunction | WengertList, x?: ArrayLike<number> | CompileOptions, options: CompileOptions = {}): CompiledFunction {
  let fn: VectorFunction | undefined;
  let tape: WengertList;
  if (f instanceof WengertList) {
    tape = f;
    if (x !== undefined && !Array.isArray(x) && !ArrayBuffer.isView(x)) options = x as CompileOptions;
    if (tape.active) throw new TypeError('compile: the recording is still running; compile it after f has returned');
  } else {
    checkFunction('compile', f);
    fn = f;
    tape = record(f, checkVector('compile', 'x', x as ArrayLike<number>));
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`compile: options must be an object, got ${describe(options)}`);
  const onBranchChange = options.onBranchChange ?? 'throw';
  if (onBranchChange !== 'throw' && onBranchChange !== 'rerecord') {
    throw new RangeError(`compile: options.onBranchChange must be 'throw' or 'rerecord', got ${describe(onBranchChange)}`);
  }
  if (options.engine !== undefined && !compileModes.includes(options.engine)) {
    throw new RangeError(`compile: options.engine must be one of ${compileModes.map((m) => `'${m}'`).join(', ')}, got ${describe(options.engine)}`);
  }
  if (onBranchChange === 'rerecord' && fn === undefined) {
    throw new TypeError("compile: onBranchChange 'rerecord' needs f; compile(f, x, options) rather than compile(tape)");
  }
  // The class has one signature per method; the interface's overloads narrow its results by input type.
  return new Compiled(tape, fn, options, onBranchChange) as unknown as CompiledFunction;
}

class Compiled {
  #tape!: WengertList;
  #flat!: FlatList;
  #program!: Program;
  #values!: Float64Array;
  #adjoints!: Float64Array;
  /** The tangents of jvp and of a forward jacobian, made on first use. */
  #tangents: Float64Array | undefined;
  /** The arrays of second-order calls (adjoints of their own, apart from #adjoints: they are cleared differently). */
  #secondOrderArrays: KeptSecondOrderArrays | undefined;
  /** Whether #adjoints is 0 wherever the program's backward sweep reads (see Program.clearsAdjoints). */
  #adjointsClear = false;
  /**
   * The caller's x while a gradient's sweeps read the inputs from it instead of from the values
   * (set by #evaluate, taken by the #sweep that follows; nothing keeps it after).
   */
  #inputs: Float64Array | undefined;
  /** Which backward sweeps were readied (Program.prepareBackward): bit 1 the unchecked one, bit 2 the checked one. */
  #backwardPrepared = 0;
  /** Whether no output is an input (each output's seed then lies outside the inputs' adjoints, see Program.backwardUncheckedInto). */
  #outputsApart = true;
  /** The program's fused VJP (null: it has none), made on the first gradient or vjp. */
  #fused: FusedVjp | null | undefined;
  #cost: JacobianCost | undefined;
  readonly #f: VectorFunction | undefined;
  readonly #options: CompileOptions;
  readonly #rerecord: boolean;

  constructor(tape: WengertList, f: VectorFunction | undefined, options: CompileOptions, onBranchChange: 'throw' | 'rerecord') {
    this.#f = f;
    this.#options = options;
    this.#rerecord = onBranchChange === 'rerecord';
    this.#load(tape);
  }

  #load(tape: WengertList): void {
    this.#tape = tape;
    const flat = tape.flat();
    this.#flat = flat;
    this.#values = flat.values.slice(0, flat.length);
    this.#adjoints = new Float64Array(flat.length);
    this.#adjointsClear = true;
    this.#secondOrderArrays = undefined;
    this.#tangents = undefined;
    this.#fused = undefined;
    this.#backwardPrepared = 0;
    this.#outputsApart = flat.outputs.every((r) => r < 0 || r >= flat.inputCount);
    this.#cost = undefined;
    const options = this.#options;
    let wanted: CompileMode =
      options.engine ?? ((options.codegen ?? true) ? (flat.length <= (options.codegenLimit ?? 500) ? 'codegen' : 'rerolled') : 'interpreter');
    // Re-rolling pays where loops cover the list; a large list that is mostly irregular keeps the interpreter.
    const runs = wanted === 'rerolled' ? findRuns(flat) : [];
    if (wanted === 'rerolled' && options.engine === undefined && (runs.length === 0 || coverage(flat, runs).straight > STRAIGHT_LIMIT)) wanted = 'interpreter';
    const generated = wanted === 'plain interpreter' ? undefined : generatedInterpreter();
    const chunkChars = options.chunkChars ?? 24_000;
    this.#program =
      (wanted === 'codegen' ? straightLine(flat, chunkChars) : wanted === 'rerolled' ? rerolled(flat, runs, chunkChars) : undefined) ??
      interpreted(flat, generated ?? plainInterpreter);
  }

  get mode(): CompileMode {
    return this.#program.mode;
  }
  get tape(): WengertList {
    return this.#tape;
  }
  get inputCount(): number {
    return this.#flat.inputCount;
  }
  get outputCount(): number {
    return this.#flat.outputs.length;
  }

  /** Checks x's shape (errors name `api`); false when the list holds AD constants (callers then replay the tape). */
  #checkPoint(api: string, x: ArrayLike<Value>): boolean {
    const n = this.#flat.inputCount;
    if (!(x instanceof Float64Array) && !Array.isArray(x) && !ArrayBuffer.isView(x)) throw new TypeError(`${api}: x must be an array of numbers, got ${describe(x)}`);
    if (x.length !== n) throw new RangeError(`${api}: x must have length ${n}, got length ${x.length}`);
    return !this.#flat.constantsLifted;
  }

  /**
   * Loads x and runs the forward sweep; false when x holds AD values (callers then replay the
   * tape). `forBackward`: only a backward sweep reads the values next (the lean forward sweep may run).
   */
  #evaluate(api: string, x: ArrayLike<Value>, forBackward = false): boolean {
    const flat = this.#flat;
    const n = flat.inputCount;
    if (!this.#checkPoint(api, x)) return false;
    const v = this.#values;
    const program = this.#program;
    this.#inputs = undefined;
    if (x instanceof Float64Array && n > SMALL) {
      // Numbers by construction. For a gradient without guards the sweeps read x itself (see
      // Program.evaluateForBackward); else one memcpy instead of a checked loop.
      if (forBackward && program.evaluateForBackward !== undefined && flat.guards.length === 0) {
        this.#inputs = x;
        program.evaluateForBackward(v, x);
        return true;
      }
      v.set(x);
    } else {
      for (let i = 0; i < n; i++) {
        const xi = x[i];
        if (typeof xi !== 'number') {
          checkVector(api, 'x', x);
          return false;
        }
        v[i] = xi;
      }
    }
    if (forBackward && program.evaluateForBackward !== undefined) program.evaluateForBackward(v);
    else program.evaluate(v);
    const flipped = flat.guards.length === 0 || this.#program.guardsHold?.(v) === true ? undefined : flippedGuard(flat.guards, v, flat.constants);
    if (flipped !== undefined) {
      if (!this.#rerecord) throw new BranchChangedError(api, flipped);
      this.#load(record(this.#f as VectorFunction, Array.from(x as ArrayLike<number>)));
      return this.#evaluate(api, x, forBackward);
    }
    return true;
  }

  #out(r: number): number {
    return read(this.#values, this.#flat.constants, r);
  }

  #outputs(): number | Float64Array {
    const outs = this.#flat.outputs;
    if (!this.#flat.outputIsArray) return this.#out(outs[0] as number);
    const y = new Float64Array(outs.length);
    for (let k = 0; k < outs.length; k++) y[k] = this.#out(outs[k] as number);
    return y;
  }

  /** Replays the tape itself (op table, any values): the nesting path. Errors name `api`, what the user called. */
  #replayTape(api: string, x: ArrayLike<Value>): void {
    try {
      this.#tape.replay(x);
    } catch (e) {
      if (!(e instanceof BranchChangedError)) throw e;
      if (!this.#rerecord) throw new BranchChangedError(api, e.comparison);
      this.#load(record(this.#f as VectorFunction, x));
    }
  }

  value(x: ArrayLike<Value>): number | Float64Array | Value | Value[] {
    if (this.#evaluate('value', x)) return this.#outputs();
    this.#replayTape('value', x);
    return this.#tape.outputValue();
  }

  gradient(x: ArrayLike<Value>, out?: Float64Array): Float64Array | Value[] {
    if (this.#flat.outputIsArray) {
      throw new TypeError(`gradient: f must return a single number, but it returned an array of ${this.outputCount}; use vjp or jacobian`);
    }
    return this.#vjp('gradient', x, UNIT_SEED, out);
  }

  vjp(x: ArrayLike<Value>, yBar: number | ArrayLike<number>, out?: Float64Array): Float64Array | Value[] {
    return this.#vjp('vjp', x, this.#seedVector('vjp', yBar), out);
  }

  #vjp(api: string, x: ArrayLike<Value>, seeds: readonly number[], out: Float64Array | undefined): Float64Array | Value[] {
    if (out !== undefined) this.#checkOut(api, out);
    let fused = this.#fused;
    if (fused === undefined) fused = this.#fused = this.#program.fuseVjp?.() ?? null;
    if (fused !== null && this.#checkPoint(api, x)) {
      const into = out ?? new Float64Array(this.#flat.inputCount);
      const done = fused(x, seeds[0] as number, into);
      if (done === 1) return into;
      // Not exact: the ordinary path's tested sweep.
      if (done === 2 && this.#evaluate(api, x, true)) {
        try {
          return this.#rerun(seeds, undefined, undefined, into);
        } finally {
          this.#inputs = undefined;
        }
      }
    }
    if (!this.#evaluate(api, x, true)) {
      if (out !== undefined) {
        throw new TypeError(`${api}: out receives numbers, but x holds AD values (a nested transformation); omit out there`);
      }
      this.#replayTape(api, x);
      return this.#tape.inputAdjoints(this.#flat.outputIsArray ? seeds : (seeds[0] as number), api);
    }
    try {
      return this.#sweep(seeds, undefined, undefined, out);
    } finally {
      this.#inputs = undefined;
    }
  }

  #checkOut(api: string, out: unknown): void {
    const n = this.#flat.inputCount;
    if (!(out instanceof Float64Array)) throw new TypeError(`${api}: out must be a Float64Array of length ${n} (or omitted), got ${describe(out)}`);
    if (out.length !== n) throw new RangeError(`${api}: out must have length ${n} (one entry per input), got length ${out.length}`);
  }

  #seedVector(api: string, yBar: unknown): readonly number[] {
    if (!this.#flat.outputIsArray) {
      if (typeof yBar !== 'number') throw new TypeError(`${api}: f returned a single number, so yBar must be a number, got ${describe(yBar)}`);
      // gradient's seed is shared: for a small f, an array per call was a tenth of the call.
      return yBar === 1 ? UNIT_SEED : [yBar];
    }
    const s = checkVector(api, 'yBar', yBar, this.outputCount);
    s.forEach((si, k) => {
      if (typeof si !== 'number') throw new TypeError(`${api}: yBar[${k}] must be a number, got ${describe(si)}`);
    });
    return s as readonly number[];
  }

  /** Readies the (un)checked backward sweep before its first use (Program.prepareBackward); the adjoints are clear here. */
  #prepareBackward(unchecked: boolean): void {
    const bit = unchecked ? 1 : 2;
    if ((this.#backwardPrepared & bit) !== 0) return;
    this.#backwardPrepared |= bit;
    const a = this.#adjoints;
    // Clear where the sweeps read, not necessarily everywhere (Program.clearsAdjoints): all 0 for this once.
    a.fill(0);
    this.#program.prepareBackward?.(this.#values, a, unchecked);
  }

  /** Seeds the output adjoints and runs the backward sweep at the current values; the input adjoints. */
  #sweep(seeds: readonly number[], lo?: number, hi?: number, out?: Float64Array): Float64Array {
    const a = this.#adjoints;
    const program = this.#program;
    const n = this.#flat.inputCount;
    const unchecked = program.backwardUnchecked !== undefined;
    if (!this.#adjointsClear) a.fill(0);
    this.#prepareBackward(unchecked);
    // Cleared again only once the sweep has run to the end (a throwing user rule leaves it dirty).
    this.#adjointsClear = false;
    seedOutputs(this.#flat.outputs, seeds, a);
    const inputs = this.#inputs;
    const clears = program.clearsAdjoints === true;
    // The inputs' adjoints straight into the array returned, where the engine can (no copy out of a, no clearing there).
    // Not when out shares memory with the x the sweep reads (gradient(x, x)): zeroing out would zero x.
    const apart = out === undefined || inputs === undefined || out.buffer !== inputs.buffer;
    if (unchecked && clears && apart && this.#outputsApart && program.backwardUncheckedInto !== undefined) {
      const into = out === undefined ? new Float64Array(n) : out.fill(0);
      if (program.backwardUncheckedInto(this.#values, a, lo, hi, inputs, into)) {
        if (uncheckedAdjointsExact(into, n)) {
          this.#adjointsClear = true;
          return into;
        }
        return this.#rerun(seeds, lo, hi, into);
      }
    }
    // The tested sweep reads the inputs from the values.
    if (!unchecked && inputs !== undefined) this.#values.set(inputs);
    if (unchecked) program.backwardUnchecked?.(this.#values, a, lo, hi, inputs);
    else program.backward(this.#values, a, lo, hi);
    if (unchecked && !uncheckedAdjointsExact(a, n)) return this.#rerun(seeds, lo, hi, out);
    const inputAdjoints = takeInputAdjoints(a, n, clears, out);
    this.#adjointsClear = clears;
    return inputAdjoints;
  }

  /** The tested backward sweep, after an unchecked one whose input adjoints were not exact; into `out` if given. */
  #rerun(seeds: readonly number[], lo: number | undefined, hi: number | undefined, out: Float64Array | undefined): Float64Array {
    const a = this.#adjoints;
    const program = this.#program;
    // A zero met an ∞ or NaN somewhere: the tested sweep gives the conventions' numbers.
    const inputs = this.#inputs;
    if (inputs !== undefined) this.#values.set(inputs);
    a.fill(0);
    // Cleared again only once the sweep has run to the end (a throwing user rule leaves it dirty).
    this.#adjointsClear = false;
    this.#prepareBackward(false);
    seedOutputs(this.#flat.outputs, seeds, a);
    program.backward(this.#values, a, lo, hi);
    const clears = program.clearsAdjoints === true;
    const inputAdjoints = takeInputAdjoints(a, this.#flat.inputCount, clears, out);
    this.#adjointsClear = clears;
    return inputAdjoints;
  }

  jvp(x: ArrayLike<Value>, v: ArrayLike<Value>): [number | Float64Array, number | Float64Array] | [Value | Value[], Value | Value[]] {
    const n = this.#flat.inputCount;
    // Checked in place (read once below): copying v cost a tenth of a jvp at n = 10^4.
    const vs = checkValues('jvp', 'v', v, n);
    if (!allNumbers(vs) || !this.#evaluate('jvp', x)) {
      // Forward mode over the tape's replay: the nesting path.
      try {
        return forwardJvp((xs: Value[]) => this.#tape.replay(xs), checkVector('jvp', 'x', x), toArray(vs)) as [Value | Value[], Value | Value[]];
      } catch (e) {
        throw e instanceof BranchChangedError ? new BranchChangedError('jvp', e.comparison) : e;
      }
    }
    // Kept from call to call: the sweep writes every entry's tangent, so only the inputs' are set.
    const t = (this.#tangents ??= new Float64Array(this.#flat.length));
    for (let i = 0; i < n; i++) t[i] = vs[i] as number;
    this.#program.tangent(this.#values, t);
    const outs = this.#flat.outputs;
    const tangentOf = (r: number) => (r >= 0 ? (t[r] as number) : 0);
    if (!this.#flat.outputIsArray) return [this.#outputs(), tangentOf(outs[0] as number)];
    const dy = new Float64Array(outs.length);
    for (let i = 0; i < outs.length; i++) dy[i] = tangentOf(outs[i] as number);
    return [this.#outputs(), dy];
  }

  jacobian(x: ArrayLike<number>): Float64Array[] {
    const n = this.#flat.inputCount;
    const m = this.outputCount;
    this.#cost ??= jacobianCost(this.#flat, this.#flat.outputs);
    const forward = forwardIsCheaper(this.#cost, n, m, this.#flat.length);
    // Backward sweeps read only some values (a sine's adjoint needs its argument, not the sine): the lean forward sweep.
    if (!this.#evaluate('jacobian', x, !forward)) throw new TypeError('jacobian: x must hold plain numbers (for AD values, use jacfwd or jacrev)');
    // Rows of more than 8 numbers are views of one block: an array of its own each (an
    // allocation outside V8's heap) cost more than W4's whole 50 × 50 Jacobian. Up to 8 numbers
    // an array lives on V8's heap and costs a third of a view (W4 1 × 200: 200 views were half of it).
    const rows = new Array<Float64Array>(m);
    if (n <= 8) {
      for (let i = 0; i < m; i++) rows[i] = new Float64Array(n);
    } else {
      const block = new Float64Array(m * n);
      for (let i = 0; i < m; i++) rows[i] = block.subarray(i * n, (i + 1) * n);
    }
    if (forward) {
      const t = (this.#tangents ??= new Float64Array(this.#flat.length));
      const outs = this.#flat.outputs;
      t.fill(0, 0, n);
      for (let j = 0; j < n; j++) {
        // The sweep writes every other entry's tangent: only the inputs' are reset.
        if (j > 0) t[j - 1] = 0;
        t[j] = 1;
        this.#program.tangent(this.#values, t);
        for (let i = 0; i < m; i++) {
          const r = outs[i] as number;
          (rows[i] as Float64Array)[j] = r >= 0 ? (t[r] as number) : 0;
        }
      }
    } else {
      const e = new Array<number>(m).fill(0);
      const { coneStarts } = this.#cost;
      const outs = this.#flat.outputs;
      try {
        for (let i = 0; i < m; i++) {
          const r = outs[i] as number;
          if (r < 0) continue; // a constant output: a row of zeros
          e[i] = 1;
          // Row i's sweep covers output i's cone only: its first entry up to the output's own.
          this.#sweep(e, coneStarts?.[i] ?? this.#flat.inputCount, r, rows[i]);
          e[i] = 0;
        }
      } finally {
        this.#inputs = undefined;
      }
    }
    return rows;
  }

  hessian(x: ArrayLike<number>): number[][] {
    this.#secondOrderInput('hessian', x);
    const n = this.#flat.inputCount;
    const H = rowsOf(n, n, 0);
    // Fewer colours than inputs (a sparse Hessian): the compressed products give every nonzero,
    // and the pattern holds on the whole recorded branch, which the guards keep us on.
    const plan = compiledHessianPlan(this as unknown as CompiledFunction);
    if (plan.coloring.count < n) {
      const values = this.hessianValues(plan);
      const { rows, cols } = plan;
      for (let e = 0; e < values.length; e++) (H[rows[e] as number] as number[])[cols[e] as number] = values[e] as number;
      return H;
    }
    return hessianColumns(H, defaultChunkSize(n), (seeds) => this.#secondOrder(seeds));
  }

  /**
   * @internal A Jacobian compressed along a colouring, at the values of the last full evaluation:
   * `'forward'`, B = J·S (m × p) by one tangent sweep per column colour; `'reverse'`, C = Sᵀ·J
   * (p × n) by one backward sweep per row colour. The forward sweep is not run again per colour,
   * as a jvp or vjp per colour would.
   */
  compressedJacobian(kind: 'forward' | 'reverse', coloring: Coloring): Float64Array {
    const flat = this.#flat;
    if (kind === 'forward') return forwardCompressed(coloring, flat.outputs, flat.length, (t) => this.#program.tangent(this.#values, t));
    try {
      return reverseCompressed(coloring, this.outputCount, flat.inputCount, (seeds, into) => {
        this.#sweep(seeds, undefined, undefined, into);
      });
    } finally {
      this.#inputs = undefined;
    }
  }

  /** @internal A Hessian plan's nonzeros (see hessianValues in src/sparse/compressed.ts), at the values of the last evaluation, into `into` if given. */
  hessianValues(plan: Plan, into?: Float64Array): Float64Array {
    return hessianValues(plan, (seeds) => this.#secondOrder(seeds), defaultChunkSize(plan.coloring.count), into);
  }

  hvp(x: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
    this.#secondOrderInput('hvp', x);
    const n = this.#flat.inputCount;
    const vs = checkVector('hvp', 'v', v, n);
    vs.forEach((vi, i) => {
      if (typeof vi !== 'number') throw new TypeError(`hvp: v[${i}] must be a number, got ${describe(vi)}`);
    });
    const at = this.#secondOrder([(t) => t.set(vs as number[])]);
    return (at[0] as Float64Array).slice(0, n);
  }

  /** Checks a second-order call's f and x and runs the forward sweep at x. */
  #secondOrderInput(api: string, x: ArrayLike<number>): void {
    if (this.#flat.outputIsArray) {
      throw new TypeError(`${api}: f must return a single number, but it returned an array of ${this.outputCount}; take jacobian of a compiled gradient per output`);
    }
    if (!this.#evaluate(api, x)) throw new TypeError(`${api}: x must hold plain numbers (for AD values, use the ${api} transformation)`);
  }

  /** One tangent sweep per direction (each `seed` fills the inputs' tangents), then the second-order sweep; the adjoint tangents. */
  #secondOrder(seeds: ((t: Float64Array) => void)[]): Float64Array[] {
    // Reused from call to call: every caller reads the products before the next one.
    this.#secondOrderArrays ??= new KeptSecondOrderArrays(this.#flat.length);
    return hessianProducts(this.#flat, this.#values, this.#program, seeds, this.#secondOrderArrays);
  }

  source(mode: SourceMode): string {
    if (mode !== 'forward' && mode !== 'reverse') throw new RangeError(`source: mode must be 'forward' or 'reverse', got ${describe(mode)}`);
    return derivativeSource(this.#tape, mode);
  }

  sparseJacobian(x: ArrayLike<number>, options?: SparseJacobianOptions): SparseMatrix {
    return compiledSparseJacobian(this as unknown as CompiledFunction, x, options);
  }

  sparseHessian(x: ArrayLike<number>, options?: SparseHessianOptions): SparseMatrix {
    return compiledSparseHessian(this as unknown as CompiledFunction, x, options);
  }
}

const UNIT_SEED: readonly number[] = Object.freeze([1]);

/** Up to this many inputs, element loops beat the builtins (set, slice, fill), whose calls cost more than a few elements. */
const SMALL = 32;

/** The first n adjoints (the inputs') copied into `into` (or a new array), zeroed in `a` if `clear`. */
function takeInputAdjoints(a: Float64Array, n: number, clear: boolean, into?: Float64Array): Float64Array {
  if (n > SMALL) {
    let out: Float64Array;
    if (into === undefined) out = a.slice(0, n);
    else {
      out = into;
      out.set(a.subarray(0, n));
    }
    if (clear) a.fill(0, 0, n);
    return out;
  }
  const out = into ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = a[i] as number;
    if (clear) a[i] = 0;
  }
  return out;
}
