// Record once, replay fast: a Wengert list turned into reusable value/gradient/VJP/JVP functions.
import { checkedPartials, opByCode, type OpDef } from '../ops/opDef';
import { evaluateComparison } from '../ops/compare';
import { describe, type Value } from '../ops/value';
import { jvp as forwardJvp } from '../forward/api';
import { canGenerateCode, kernelOf, numberLiteral, partialsKernel, valueCode } from '../internal/kernels';
import { checkFunction, checkVector, type VectorFunction } from '../internal/validate';
import { branchChangedError, describeGuard, record, WengertList, type FlatList } from './wengertList';
import { switchKernels, type SwitchFallback } from './switchEngine';

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
   * Generate straight-line JavaScript from the list (`true`, the default where `new Function`
   * is allowed and the list has at most `codegenLimit` entries) or use the op-code
   * interpreter (`false`). Code generation falls back to the interpreter by itself where a
   * Content Security Policy forbids it.
   */
  codegen?: boolean;
  /**
   * Largest list (entries) to generate code for; longer lists are interpreted. Default 500:
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
   * RangeError (`'throw'`, the default) or record f again there and carry on (`'rerecord'`;
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
 * ```
 */
export interface CompiledFunction<F extends VectorFunction = VectorFunction> {
  /** `'codegen'` (generated JavaScript) or `'interpreter'` (a loop over the op codes). */
  readonly mode: 'codegen' | 'interpreter';
  /** The recording being replayed (a new one after a re-record). */
  readonly tape: WengertList;
  readonly inputCount: number;
  readonly outputCount: number;
  /** f(x), shaped like f's return: a number for a scalar f, a Float64Array for a vector f. */
  value(x: ArrayLike<number>): NumberOut<F>;
  value(x: ArrayLike<Value>): NumberOut<F> | Value | Value[];
  /** ∇f(x) for a scalar f. */
  gradient(x: ArrayLike<number>): Float64Array;
  gradient(x: ArrayLike<Value>): Float64Array | Value[];
  /** yBarᵀJ(x); yBar a number for a scalar f, an array otherwise. */
  vjp(x: ArrayLike<number>, yBar: number | ArrayLike<number>): Float64Array;
  vjp(x: ArrayLike<Value>, yBar: number | ArrayLike<number>): Float64Array | Value[];
  /** `[f(x), J(x)·v]`, by a forward sweep over the list (each output's tangent). */
  jvp(x: ArrayLike<number>, v: ArrayLike<number>): [NumberOut<F>, NumberOut<F>];
  jvp(x: ArrayLike<Value>, v: ArrayLike<Value>): [number | Float64Array, number | Float64Array] | [Value | Value[], Value | Value[]];
  /** The m × n Jacobian: m reverse sweeps, or n forward sweeps when n < m. */
  jacobian(x: ArrayLike<number>): Float64Array[];
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

/** The executable form of one list: forward values, guards, backward adjoints, forward tangents. */
interface Engine {
  readonly mode: 'codegen' | 'interpreter';
  forward(v: Float64Array): void;
  backward(v: Float64Array, a: Float64Array): void;
  tangents(v: Float64Array, t: Float64Array): void;
}

/**
 * Records f at x once and returns functions that evaluate f, its gradient, VJPs, JVPs and
 * Jacobian at new points from the recording alone (f is not called again). The list is
 * turned into generated JavaScript where allowed (straight-line code split into chunks,
 * derivatives from the op table's own partials rules), else run by an op-code interpreter.
 * Comparisons made with `lt`, `gt`, ... are checked at each new point: if one flips, the
 * recorded branch is wrong there, and compile throws or re-records (`onBranchChange`).
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
  if (onBranchChange === 'rerecord' && fn === undefined) {
    throw new TypeError("compile: onBranchChange 'rerecord' needs f; compile(f, x, options) rather than compile(tape)");
  }
  // The class has one signature per method; the interface's overloads narrow its results by input type.
  return new Compiled(tape, fn, options, onBranchChange) as unknown as CompiledFunction;
}

class Compiled {
  #tape!: WengertList;
  #flat!: FlatList;
  #engine!: Engine;
  #values!: Float64Array;
  #adjoints!: Float64Array;
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
    const wantCodegen = (this.#options.codegen ?? true) && flat.length <= (this.#options.codegenLimit ?? 500);
    const allowGenerated = this.#options.codegen ?? true;
    this.#engine =
      (wantCodegen && generate(flat, this.#options.chunkChars ?? 24_000)) ||
      (allowGenerated && switchInterpret(flat)) ||
      interpret(flat);
  }

  get mode(): 'codegen' | 'interpreter' {
    return this.#engine.mode;
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

  /** Loads x and runs the forward sweep; false when x holds AD values (callers then replay the tape). */
  #evaluate(api: string, x: ArrayLike<Value>): boolean {
    const flat = this.#flat;
    const n = flat.inputCount;
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) throw new TypeError(`${api}: x must be an array of numbers, got ${describe(x)}`);
    if (x.length !== n) throw new RangeError(`${api}: x must have length ${n}, got length ${x.length}`);
    if (flat.constantsLifted) return false;
    const v = this.#values;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      if (typeof xi !== 'number') {
        checkVector(api, 'x', x);
        return false;
      }
      v[i] = xi;
    }
    this.#engine.forward(v);
    const flipped = this.#flippedGuard();
    if (flipped !== undefined) {
      if (!this.#rerecord) throw branchChangedError(api, flipped);
      this.#load(record(this.#f as VectorFunction, Array.from(x as ArrayLike<number>)));
      return this.#evaluate(api, x);
    }
    return true;
  }

  #flippedGuard(): string | undefined {
    const guards = this.#flat.guards;
    if (guards.length === 0) return undefined;
    const v = this.#values;
    const c = this.#flat.constants;
    for (const g of guards) {
      const a = g.a >= 0 ? (v[g.a] as number) : (c[-1 - g.a] as number);
      const b = g.b >= 0 ? (v[g.b] as number) : (c[-1 - g.b] as number);
      if (evaluateComparison(g.kind, a, b) !== g.outcome) return describeGuard(g, a, b);
    }
    return undefined;
  }

  #out(r: number): number {
    return r >= 0 ? (this.#values[r] as number) : (this.#flat.constants[-1 - r] as number);
  }

  #outputs(): number | Float64Array {
    const outs = this.#flat.outputs;
    if (!this.#flat.outputIsArray) return this.#out(outs[0] as number);
    const y = new Float64Array(outs.length);
    for (let k = 0; k < outs.length; k++) y[k] = this.#out(outs[k] as number);
    return y;
  }

  /** Replays the tape itself (op table, any values): the nesting path. */
  #replayTape(x: ArrayLike<Value>): void {
    try {
      this.#tape.replay(x);
    } catch (e) {
      if (!(e instanceof RangeError) || !this.#rerecord || !/different branch/.test(e.message)) throw e;
      this.#load(record(this.#f as VectorFunction, x));
    }
  }

  value(x: ArrayLike<Value>): number | Float64Array | Value | Value[] {
    if (this.#evaluate('value', x)) return this.#outputs();
    this.#replayTape(x);
    return this.#tape.outputValue();
  }

  gradient(x: ArrayLike<Value>): Float64Array | Value[] {
    if (this.#flat.outputIsArray) {
      throw new TypeError(`gradient: f must return a single number, but it returned an array of ${this.outputCount}; use vjp or jacobian`);
    }
    return this.vjp(x, 1);
  }

  vjp(x: ArrayLike<Value>, yBar: number | ArrayLike<number>): Float64Array | Value[] {
    const seeds = this.#seedVector('vjp', yBar);
    if (!this.#evaluate('vjp', x)) {
      this.#replayTape(x);
      return this.#tape.inputAdjoints(this.#flat.outputIsArray ? seeds : (seeds[0] as number));
    }
    return this.#sweep(seeds);
  }

  #seedVector(api: string, yBar: unknown): number[] {
    if (!this.#flat.outputIsArray) {
      if (typeof yBar !== 'number') throw new TypeError(`${api}: f returned a single number, so yBar must be a number, got ${describe(yBar)}`);
      return [yBar];
    }
    const s = checkVector(api, 'yBar', yBar, this.outputCount);
    s.forEach((si, k) => {
      if (typeof si !== 'number') throw new TypeError(`${api}: yBar[${k}] must be a number, got ${describe(si)}`);
    });
    return s as number[];
  }

  /** Seeds the output adjoints and runs the backward sweep at the current values; the input adjoints. */
  #sweep(seeds: readonly number[]): Float64Array {
    const a = this.#adjoints;
    a.fill(0);
    const outs = this.#flat.outputs;
    for (let k = 0; k < outs.length; k++) {
      const r = outs[k] as number;
      if (r >= 0) a[r] += seeds[k] as number;
    }
    this.#engine.backward(this.#values, a);
    return a.slice(0, this.#flat.inputCount);
  }

  jvp(x: ArrayLike<Value>, v: ArrayLike<Value>): [number | Float64Array, number | Float64Array] | [Value | Value[], Value | Value[]] {
    const n = this.#flat.inputCount;
    const vs = checkVector('jvp', 'v', v, n);
    const numericV = vs.every((vi) => typeof vi === 'number');
    if (!numericV || !this.#evaluate('jvp', x)) {
      // Forward mode over the tape's replay: the nesting path.
      return forwardJvp((xs: Value[]) => this.#tape.replay(xs), checkVector('jvp', 'x', x), vs) as [Value | Value[], Value | Value[]];
    }
    const t = new Float64Array(this.#flat.length);
    for (let i = 0; i < n; i++) t[i] = vs[i] as number;
    this.#engine.tangents(this.#values, t);
    const outs = this.#flat.outputs;
    const tangentOf = (r: number) => (r >= 0 ? (t[r] as number) : 0);
    if (!this.#flat.outputIsArray) return [this.#outputs(), tangentOf(outs[0] as number)];
    return [this.#outputs(), Float64Array.from(outs, tangentOf)];
  }

  jacobian(x: ArrayLike<number>): Float64Array[] {
    if (!this.#evaluate('jacobian', x)) throw new TypeError('jacobian: x must hold plain numbers (for AD values, use jacfwd or jacrev)');
    const n = this.#flat.inputCount;
    const m = this.outputCount;
    const rows: Float64Array[] = Array.from({ length: m }, () => new Float64Array(n));
    if (n < m) {
      const t = new Float64Array(this.#flat.length);
      const outs = this.#flat.outputs;
      for (let j = 0; j < n; j++) {
        t.fill(0);
        t[j] = 1;
        this.#engine.tangents(this.#values, t);
        for (let i = 0; i < m; i++) {
          const r = outs[i] as number;
          (rows[i] as Float64Array)[j] = r >= 0 ? (t[r] as number) : 0;
        }
      }
    } else {
      const e = new Array<number>(m).fill(0);
      for (let i = 0; i < m; i++) {
        e[i] = 1;
        rows[i] = this.#sweep(e);
        e[i] = 0;
      }
    }
    return rows;
  }
}

function opsOf(flat: FlatList): OpDef[] {
  const ops = new Array<OpDef>(flat.length);
  for (let i = flat.inputCount; i < flat.length; i++) ops[i] = opByCode(flat.codes[i] as number);
  return ops;
}

/** Where each entry's argument references start in `refs` (inputs have none; entry i's end at refStart[i + 1]). */
function refStartsOf(flat: FlatList, ops: readonly OpDef[]): Int32Array {
  const refStart = new Int32Array(flat.length + 1);
  for (let i = flat.inputCount; i < flat.length; i++) refStart[i + 1] = (refStart[i] as number) + (ops[i] as OpDef).arity;
  return refStart;
}

/** The arguments of the entry whose references start at p, as numbers, at values v. */
function argumentsAt(flat: FlatList, v: Float64Array, p: number, arity: number): number[] {
  const args = new Array<number>(arity);
  for (let k = 0; k < arity; k++) {
    const r = flat.refs[p + k] as number;
    args[k] = r >= 0 ? (v[r] as number) : (flat.constants[-1 - r] as number);
  }
  return args;
}

// ----- the interpreter: tight loops over the typed arrays -----

function interpret(flat: FlatList): Engine {
  const { inputCount, length, refs, constants } = flat;
  const ops = opsOf(flat);
  const refStart = refStartsOf(flat, ops);
  const out = new Float64Array(2);
  const kernels = ops.map((op) => (op.arity <= 2 ? partialsKernel(op) : undefined));
  const read = (v: Float64Array, r: number) => (r >= 0 ? (v[r] as number) : (constants[-1 - r] as number));
  const argsAt = (v: Float64Array, p: number, arity: number) => argumentsAt(flat, v, p, arity);
  /** The partials of entry i at values v into `out` (arity ≤ 2) or as an array. */
  const partialsAt = (v: Float64Array, i: number, p: number, op: OpDef): readonly number[] | undefined => {
    const kernel = op.arity <= 2 ? partialsKernel(op) : undefined;
    if (kernel === undefined) return checkedPartials(op, argsAt(v, p, op.arity), v[i] as number) as readonly number[];
    kernel(read(v, refs[p] as number), op.arity === 2 ? read(v, refs[p + 1] as number) : 0, v[i] as number, out);
    return undefined;
  };
  return {
    mode: 'interpreter',
    forward(v) {
      let p = 0;
      for (let i = inputCount; i < length; i++) {
        const op = ops[i] as OpDef;
        const arity = op.arity;
        const r0 = refs[p] as number;
        const v0 = r0 >= 0 ? (v[r0] as number) : (constants[-1 - r0] as number);
        if (arity === 1) {
          v[i] = op.value(v0);
        } else if (arity === 2) {
          const r1 = refs[p + 1] as number;
          v[i] = op.value(v0, r1 >= 0 ? (v[r1] as number) : (constants[-1 - r1] as number));
        } else v[i] = op.value(...argsAt(v, p, arity));
        p += arity;
      }
    },
    backward(v, a) {
      // The same tight loop as the list's own numeric sweep: kernels on reused scratch, no arrays.
      for (let i = length - 1; i >= inputCount; i--) {
        const g = a[i] as number;
        if (g === 0) continue;
        const op = ops[i] as OpDef;
        const p = refStart[i] as number;
        const kernel = kernels[i];
        if (kernel !== undefined) {
          const r0 = refs[p] as number;
          const v0 = r0 >= 0 ? (v[r0] as number) : (constants[-1 - r0] as number);
          if (op.arity === 1) {
            kernel(v0, 0, v[i] as number, out);
            if (r0 >= 0) a[r0] += g * (out[0] as number);
          } else {
            const r1 = refs[p + 1] as number;
            kernel(v0, r1 >= 0 ? (v[r1] as number) : (constants[-1 - r1] as number), v[i] as number, out);
            if (r0 >= 0) a[r0] += g * (out[0] as number);
            if (r1 >= 0) a[r1] += g * (out[1] as number);
          }
          continue;
        }
        const d = partialsAt(v, i, p, op) ?? out;
        for (let k = 0; k < op.arity; k++) {
          const r = refs[p + k] as number;
          if (r >= 0) a[r] += g * (d[k] as number);
        }
      }
    },
    tangents(v, t) {
      for (let i = inputCount; i < length; i++) {
        const op = ops[i] as OpDef;
        const p = refStart[i] as number;
        let any = false;
        for (let k = 0; k < op.arity; k++) {
          const r = refs[p + k] as number;
          if (r >= 0 && t[r] !== 0) any = true;
        }
        if (!any) {
          t[i] = 0;
          continue;
        }
        const d = partialsAt(v, i, p, op) ?? out;
        // As in a forward pass: zero tangents are skipped (an infinite partial times 0 is not NaN).
        let ti = 0;
        for (let k = 0; k < op.arity; k++) {
          const r = refs[p + k] as number;
          const tk = r >= 0 ? (t[r] as number) : 0;
          if (tk === 0) continue;
          const term = (d[k] as number) * tk;
          ti = ti === 0 ? term : ti + term;
        }
        t[i] = ti;
      }
    },
  };
}

// ----- the interpreter with a generated dispatch loop (switchEngine.ts) -----

function switchInterpret(flat: FlatList): Engine | undefined {
  const kernels = switchKernels();
  if (kernels === undefined) return undefined;
  const { inputCount, length, refs, constants, codes } = flat;
  const ops = opsOf(flat);
  const refStart = refStartsOf(flat, ops);
  const out = new Float64Array(64);
  let current: Float64Array = new Float64Array(0);
  const argsAt = (i: number, p: number) => argumentsAt(flat, current, p, (ops[i] as OpDef).arity);
  // Ops without a generated case (user-defined rules, rules that branch on values) run as written.
  const slow: SwitchFallback = {
    value: (i, p) => (ops[i] as OpDef).value(...argsAt(i, p)),
    partials: (i, p, into) => {
      const d = checkedPartials(ops[i] as OpDef, argsAt(i, p), current[i] as number);
      for (let k = 0; k < d.length; k++) into[k] = d[k] as number;
    },
  };
  return {
    mode: 'interpreter',
    forward(v) {
      current = v;
      kernels.forward(v, codes, refs, refStart, constants, inputCount, length, slow);
    },
    backward(v, a) {
      current = v;
      kernels.backward(v, a, codes, refs, refStart, constants, inputCount, length, slow, out);
    },
    tangents(v, t) {
      current = v;
      kernels.tangents(v, t, codes, refs, refStart, constants, inputCount, length, slow, out);
    },
  };
}

// ----- code generation: straight-line JavaScript, chunked -----

/** Generated code for a list, or undefined where `new Function` is not allowed. */
function generate(flat: FlatList, chunkChars: number): Engine | undefined {
  if (!canGenerateCode()) return undefined;
  const { inputCount, length, refs, constants } = flat;
  const ops = opsOf(flat);
  const deps = new Map<string, unknown>();
  const arg = (r: number) => (r >= 0 ? `$v[${r}]` : numberLiteral(constants[-1 - r] as number));
  const fill = (text: string, args: string[], y: string) =>
    text.replace(/\$(\d+|y|t\d+)/g, (_, k: string) => (/^\d/.test(k) ? (args[Number(k)] as string) : k === 'y' ? y : `_${k}`));
  const valueText = (op: OpDef, args: string[]) => {
    const valueDeps = new Map<number, (...a: number[]) => number>();
    const text = kernelOf(op)?.value ?? valueCode(op, valueDeps);
    for (const [c, fn] of [...valueDeps, ...(kernelOf(op)?.deps ?? [])]) deps.set(`V${c}`, fn);
    return fill(text, args, '');
  };
  /** Statements computing entry i's partials as `_d0, _d1, ...` (derived text, or a call of the rule). */
  const partialsText = (op: OpDef, args: string[], y: string): string => {
    const kernel = kernelOf(op);
    if (kernel !== undefined) {
      for (const [c, fn] of kernel.deps) deps.set(`V${c}`, fn);
      return [...kernel.temps.map((s) => fill(s, args, y)), ...kernel.partials.map((d, k) => `const _d${k} = ${fill(d, args, y)};`)].join(' ');
    }
    deps.set(`P${op.code}`, op.partials);
    return `const _p = P${op.code}([${args.join(', ')}], ${y}); ${args.map((_, k) => `const _d${k} = _p[${k}];`).join(' ')}`;
  };

  // Each pass is generated on first use (a gradient never pays for the tangent code).
  type Emit = (i: number, op: OpDef, args: string[], refList: number[]) => string;
  const emitForward: Emit = (i, op, args) => `$v[${i}] = ${valueText(op, args)};`;
  const emitBackward: Emit = (i, op, args, refList) => {
    if (refList.every((r) => r < 0)) return '';
    const kernel = kernelOf(op);
    // A partial with no temporaries is inlined into the update; otherwise the block computes it once.
    if (kernel !== undefined && kernel.temps.length === 0) {
      for (const [c, fn] of kernel.deps) deps.set(`V${c}`, fn);
      const ups = refList.map((r, k) => (r >= 0 ? `$a[${r}] += g * ${fill(kernel.partials[k] as string, args, `$v[${i}]`)};` : '')).join(' ');
      return `g = $a[${i}]; if (g !== 0) { ${ups} }`;
    }
    const ups = refList.map((r, k) => (r >= 0 ? ` $a[${r}] += g * _d${k};` : '')).join('');
    return `g = $a[${i}]; if (g !== 0) { ${partialsText(op, args, `$v[${i}]`)}${ups} }`;
  };
  const emitTangent: Emit = (i, op, args, refList) => {
    const live = refList.map((r, k) => [r, k] as const).filter(([r]) => r >= 0);
    if (live.length === 0) return `$t[${i}] = 0;`;
    const reads = live.map(([r, k]) => `const _u${k} = $t[${r}];`).join(' ');
    const anyLive = live.map(([, k]) => `_u${k} !== 0`).join(' || ');
    const terms = live.map(([, k]) => `if (_u${k} !== 0) { const m = _d${k} * _u${k}; s = s === 0 ? m : s + m; }`).join(' ');
    return `{ ${reads} let s = 0; if (${anyLive}) { ${partialsText(op, args, `$v[${i}]`)} ${terms} } $t[${i}] = s; }`;
  };
  /** The pass as functions of at most about `chunkChars` characters each (so each still optimises), in list order. */
  const build = (emit: Emit, params: string, reverse: boolean): ((a: Float64Array, b: Float64Array) => void)[] => {
    const chunks: string[][] = [[]];
    let chars = 0;
    let p = 0;
    for (let i = inputCount; i < length; i++) {
      const op = ops[i] as OpDef;
      const refList: number[] = [];
      for (let k = 0; k < op.arity; k++) refList.push(refs[p + k] as number);
      p += op.arity;
      const line = emit(i, op, refList.map(arg), refList);
      if (line === '') continue;
      if (chars + line.length > chunkChars && chars > 0) {
        chunks.push([]);
        chars = 0;
      }
      (chunks[chunks.length - 1] as string[]).push(line);
      chars += line.length + 1;
    }
    const names = [...deps.keys()];
    const fns = chunks.map((c) => {
      const body = reverse ? `let g;\n${c.reverse().join('\n')}` : c.join('\n');
      return new Function(...names, `"use strict"; return function (${params}) {\n${body}\n};`)(...deps.values()) as (
        a: Float64Array,
        b: Float64Array,
      ) => void;
    });
    return reverse ? fns.reverse() : fns;
  };
  const lazy = (emit: Emit, params: string, reverse: boolean) => {
    let fns: ((a: Float64Array, b: Float64Array) => void)[] | undefined;
    return (a: Float64Array, b: Float64Array): void => {
      fns ??= build(emit, params, reverse);
      for (let k = 0; k < fns.length; k++) (fns[k] as (a: Float64Array, b: Float64Array) => void)(a, b);
    };
  };
  try {
    // Build the forward pass now, so a Content Security Policy shows up here and the interpreter takes over.
    const forward = build(emitForward, '$v', false);
    const backward = lazy(emitBackward, '$v, $a', true);
    const tangents = lazy(emitTangent, '$v, $t', false);
    return {
      mode: 'codegen',
      forward(v) {
        for (let k = 0; k < forward.length; k++) (forward[k] as (a: Float64Array) => void)(v);
      },
      backward,
      tangents,
    };
  } catch (e) {
    // A Content Security Policy can forbid new Function even after the first probe passed.
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}
