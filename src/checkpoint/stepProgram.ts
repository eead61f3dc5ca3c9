// A scan's step recorded once and re-run from its recording: how a checkpointed scan's many re-runs of a step cost a sweep over a few entries instead of a call into user code.
//
// Why: binomial checkpointing runs each step about r + 1 times (r = 4 for 10^6 steps and 64
// snapshots) and records it once more in its turn. Run as user code, a step that V8 has seen
// with TapeVars (its first, recorded run) costs about twice what it did on numbers before (its
// array literals and calls turn polymorphic), and recording it afresh in every turn makes a
// handle per primitive: together five times the plain recording's time at 10^6 steps. A
// step's recording is the same list at every step when the step cannot see the step index
// and made no branch the list cannot check; then the engine's evaluate and backward sweeps over
// that list (compile's straight-line code, or the interpreter) stand in for the step, bit for bit.
// JAX's lax.scan goes further: it traces its body once, always.
import { flippedGuard } from '../engine/guards';
import { read } from '../engine/entries';
import { listSweeps, seedOutputs, type SweepList } from '../engine/sweeps';
import { interpreted, type Program } from '../compile/program';
import { straightLine } from '../compile/straightLine';
import type { Guard, RecordingCost } from '../reverse/entries';
import type { WengertList } from '../reverse/wengertList';

/** Source characters per generated function (compile's default): a step's list is far shorter. */
const CHUNK_CHARS = 24_000;
/** Longest step list run as straight-line code, compile's default: V8 leaves larger generated functions unoptimised, where the interpreter's loop is faster. */
const CODEGEN_LIMIT = 500;
// Taken when the module loads: code that replaces the global Function (a test's stand-in for a strict CSP) must not change what a source reads.
const sourceOf = Function.prototype.toString;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The parameters a function's source declares, as source texts, and where its parameter list
 * ends; undefined where the source is not a plain function, method or arrow function (native,
 * bound, async, generator, class) or cannot be read.
 */
function declaredParameters(fn: (...args: never[]) => unknown): { params: string[]; source: string; end: number } | undefined {
  let source: string;
  try {
    source = sourceOf.call(fn);
  } catch {
    return undefined;
  }
  if (source.includes('[native code]') || /^\s*(async\b|class\b|function\s*\*|\*)/.test(source)) return undefined;
  const single = /^\s*([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (single !== null) return { params: [single[1] as string], source, end: single[0].length };
  const open = source.indexOf('(');
  if (open < 0) return undefined;
  // The matching ')' at depth 0, skipping brackets of destructuring and default values, strings and comments.
  const params: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let p = open + 1; p < source.length; p++) {
    const ch = source[p] as string;
    if (ch === '"' || ch === "'" || ch === '`') {
      // A template's ${...} may hold anything: not worth reading, such a step takes the general path.
      if (ch === '`') return undefined;
      const close = source.indexOf(ch, p + 1);
      if (close < 0 || source.slice(p + 1, close).includes('\\')) return undefined;
      p = close;
    } else if (ch === '/' && (source[p + 1] === '/' || source[p + 1] === '*')) {
      const close = source[p + 1] === '/' ? source.indexOf('\n', p) : source.indexOf('*/', p + 2) + 1;
      if (close <= 0) return undefined;
      p = close;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
    } else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) {
        if (ch !== ')') return undefined;
        params.push(source.slice(start, p).trim());
        if (params.at(-1) === '') params.pop(); // a trailing comma, or no parameters
        return { params, source, end: p + 1 };
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      params.push(source.slice(start, p).trim());
      start = p + 1;
    }
  }
  return undefined;
}

/**
 * Whether `step` provably cannot see the step index a scan passes it: its source declares the
 * carry as its only parameter (or a second one it never names again), no rest parameter, and
 * it never names `arguments` or `eval`. Conservative: any doubt answers false.
 */
export function seesOnlyCarry(step: (...args: never[]) => unknown): boolean {
  const declared = declaredParameters(step);
  if (declared === undefined) return false;
  const { params, source, end } = declared;
  if (/(?<![\w$.])(arguments|eval)(?![\w$])/.test(source)) return false;
  if (params.length === 0 || params.length > 2 || params.some((p) => p.startsWith('...'))) return false;
  if (params.length === 1) return true;
  const index = params[1] as string;
  if (!IDENTIFIER.test(index) || index.includes('$')) return false;
  return !new RegExp(`(?<![\\w$])${index}(?![\\w$])`).test(source.slice(end));
}

/**
 * One step's recording, re-run on numbers: `advance` runs steps forward, `turn` pulls a
 * cotangent back through steps. At each step the recording's comparisons (its guards) are
 * checked; where one comes out differently the step takes another branch there, and the
 * caller runs the step itself (advance takes it as `runStep`; turn returns false).
 */
export class StepProgram {
  /** The carry's length (the list's inputs and outputs). */
  declare readonly n: number;
  /** What one step's recording holds and cost (the first step's recording, whose copy this is). */
  declare readonly stepCost: RecordingCost;
  declare readonly list: SweepList;
  declare readonly outputs: readonly number[];
  declare readonly guards: readonly Guard[];
  declare readonly program: Program;
  declare readonly values: Float64Array;
  declare readonly adjoints: Float64Array;
  /** The next carry, read from the outputs before it overwrites the inputs (an output may be an input). */
  declare readonly next: Float64Array;

  /** A copy of a finished list of plain numbers (n inputs, n outputs, no calls), which may be released afterwards. */
  constructor(recording: WengertList) {
    const flat = recording.flat();
    this.n = flat.inputCount;
    this.stepCost = recording.cost;
    this.list = {
      inputCount: flat.inputCount,
      length: flat.length,
      refCount: flat.refCount,
      codes: flat.codes.slice(0, flat.length),
      refs: flat.refs.slice(0, flat.refCount),
      constants: flat.constants.slice(0, flat.constantCount),
    };
    this.outputs = flat.outputs.slice();
    this.guards = flat.guards.slice();
    const generated = flat.length <= CODEGEN_LIMIT ? straightLine({ ...this.list, guards: this.guards, outputs: this.outputs }, CHUNK_CHARS) : undefined;
    this.program = generated ?? interpreted(this.list, listSweeps());
    this.values = new Float64Array(flat.length);
    this.adjoints = new Float64Array(flat.length);
    this.next = new Float64Array(this.n);
  }

  /**
   * Whether a step's recording (of plain numbers, the carry in and out, as scan makes it) can
   * stand in for the step: nothing read outside the primitives, and no calls.
   */
  static fits(recording: WengertList): boolean {
    const calls = recording.flat().calls;
    return recording.primalReads === 0 && (calls === undefined || calls.size === 0);
  }

  /** Puts carry s in the inputs' values. */
  #load(s: ArrayLike<number>): void {
    const v = this.values;
    for (let k = 0; k < this.n; k++) v[k] = s[k] as number;
  }

  /** The carry in the inputs' values, as a new array. */
  #carry(): number[] {
    const v = this.values;
    const carry = new Array<number>(this.n);
    for (let k = 0; k < this.n; k++) carry[k] = v[k] as number;
    return carry;
  }

  /** Evaluates the step at the carry in the inputs' values; false where a guard flips (the values are then of the recorded branch, not the step's). */
  #evaluate(): boolean {
    const v = this.values;
    this.program.evaluate(v);
    return this.guards.length === 0 || flippedGuard(this.guards, v, this.list.constants) === undefined;
  }

  /** Moves the outputs' values into the inputs: the carry of the next step. */
  #carryOn(): void {
    const v = this.values;
    const next = this.next;
    const outs = this.outputs;
    const constants = this.list.constants;
    const n = next.length;
    for (let k = 0; k < n; k++) next[k] = read(v, constants, outs[k] as number);
    // A loop, not v.set(next): TypedArray#set's checks cost more than copying a few numbers.
    for (let k = 0; k < n; k++) v[k] = next[k] as number;
  }

  /**
   * The carry after steps from .. to-1, from carry s (before step `from`). A step whose guards
   * flip is run by `runStep` (the user's step on numbers) instead.
   */
  advance(s: ArrayLike<number>, from: number, to: number, runStep: (carry: number[], i: number) => ArrayLike<number>): number[] {
    this.#load(s);
    for (let i = from; i < to; i++) {
      if (this.#evaluate()) this.#carryOn();
      else this.#load(runStep(this.#carry(), i));
    }
    return this.#carry();
  }

  /**
   * Pulls the cotangent `bar` of the carry after step to-1 back to the carry before step
   * `from`, in place, from carry s (before `from`); `carries` holds (to − from − 1)·n numbers
   * for the carries in between. False, with bar untouched, where a guard flips in one of
   * the steps (the caller records them instead).
   */
  turn(s: ArrayLike<number>, from: number, to: number, bar: number[], carries: Float64Array | undefined): boolean {
    const v = this.values;
    const a = this.adjoints;
    const n = this.n;
    this.#load(s);
    // Forward through the block, keeping the carry before each later step; the last step's values stay in v.
    for (let i = from; i < to; i++) {
      if (!this.#evaluate()) return false;
      if (i + 1 < to) {
        this.#carryOn();
        (carries as Float64Array).set(v.subarray(0, n), (i - from) * n);
      }
    }
    for (let i = to - 1; i >= from; i--) {
      if (i + 1 < to) {
        // The step's values again, from the carry before it (its guards held in the forward pass above).
        if (i === from) this.#load(s);
        else v.set((carries as Float64Array).subarray((i - from - 1) * n, (i - from) * n));
        this.program.evaluate(v);
      }
      // A recording's own sweep: adjoints from 0, the seeds added at the outputs, the engine's backward sweep.
      a.fill(0);
      seedOutputs(this.outputs, bar, a);
      this.program.backward(v, a);
      for (let k = 0; k < n; k++) bar[k] = a[k] as number;
    }
    return true;
  }
}
