// Reverse mode in bounded memory: checkpoint(f) and scan(step, init, length, { checkpoints }), recorded as call entries that the backward sweep re-runs.
//
// Where it runs: inside a recording of plain numbers (the case whose memory grows with the
// length of the computation), a call is stored as its inputs and outputs only (one call
// entry group, src/engine/calls.ts) and the backward sweep re-runs it recorded. Everywhere
// else (forward mode, Taylor mode, a recording nested in another transformation) it simply
// calls f: values and derivatives are then those of f itself, and nothing is stored anyway.
import { ADValue, describe, type Value } from '../ops/value';
import { jvp as forwardJvp } from '../forward/api';
import { checkFunction, checkOutputs, checkVector, type VectorFunction } from '../internal/validate';
import { allNumbers } from '../internal/arrays';
import { TapeVar, WengertList } from '../reverse/wengertList';
import type { CallCost, CallRecord } from '../engine/calls';
import { firstSnapshots, revolve } from './revolve';
import { seesOnlyCarry, StepProgram } from './stepProgram';

let inlining = 0;

/**
 * @internal Runs fn with checkpoint and scan calling their function directly (every step
 * recorded): what a trace shows when asked to expand its calls.
 */
export function withCallsInlined<T>(fn: () => T): T {
  inlining++;
  try {
    return fn();
  } finally {
    inlining--;
  }
}

/** The recording of plain numbers that every AD value of xs belongs to, if there is one (else calls are not recorded). */
function numericRecording(xs: readonly Value[]): WengertList | undefined {
  if (inlining > 0) return undefined;
  let list: WengertList | undefined;
  for (const v of xs) {
    if (typeof v === 'number') continue;
    if (!(v instanceof TapeVar) || !v.trace.active || !v.trace.recordsNumbers) return undefined;
    if (list === undefined) list = v.trace;
    else if (list !== v.trace) return undefined;
  }
  return list;
}

function referencesOf(list: WengertList, xs: readonly Value[]): Int32Array {
  return Int32Array.from(xs, (v) => (typeof v === 'number' ? list.constantRef(v) : (v as TapeVar).index));
}

function primalsOf(list: WengertList, xs: readonly Value[]): number[] {
  return xs.map((v) => (typeof v === 'number' ? v : list.numberAt((v as TapeVar).index)));
}

function closureError(api: string): TypeError {
  return new TypeError(
    `${api}: the function used a value being differentiated that it did not receive as an argument (a closure over ` +
      'an AD value); a checkpointed call is re-run from its arguments alone, so pass such values in (e.g. in the carry)',
  );
}

function newCost(): CallCost {
  return { forwardEvaluations: 0, sweepEvaluations: 0, stepsRecomputed: 0, stepsRecorded: 0, peakValues: 0, peakBytes: 0, sweeps: 0, keptValues: 0 };
}

/** Records `fn` at x in a recording of its own (nested in whatever x belongs to) and returns it; fn returns an array. */
function recordAt(api: string, fn: (x: Value[]) => readonly Value[], x: readonly Value[]): WengertList {
  const inner = new WengertList(x);
  inner.run(api, fn);
  return inner;
}

/**
 * Adds one re-run in a sweep to the call's counts: `evaluations` primitives over `steps` steps,
 * a recording (or a step's replayed one) of `values` numbers and `bytes` held beside
 * `heldValues` numbers of the caller's.
 */
function countRerun(cost: CallCost, evaluations: number, steps: number, heldValues: number, values: number, bytes: number): void {
  cost.sweepEvaluations += evaluations;
  cost.stepsRecorded += steps;
  cost.peakValues = Math.max(cost.peakValues, heldValues + values);
  cost.peakBytes = Math.max(cost.peakBytes, 8 * heldValues + bytes);
}

/** Adds one sweep's re-recording to the call's counts. */
function countRecording(cost: CallCost, inner: WengertList, heldValues: number, steps = 1): void {
  const c = inner.cost;
  countRerun(cost, c.forwardEvaluations + c.sweepEvaluations, steps, heldValues, c.storedValues, c.peakBytes);
}

const carryOnly = new WeakMap<ScanStep, boolean>();

/** seesOnlyCarry, once per step function (it reads the function's source). */
function onlyCarry(step: ScanStep): boolean {
  let only = carryOnly.get(step);
  if (only === undefined) carryOnly.set(step, (only = seesOnlyCarry(step)));
  return only;
}

/**
 * Returns f with the same signature (inputs array → a value or an array) whose intermediate
 * values an enclosing recording does not keep: the recording stores f's inputs and outputs
 * as one entry (`checkpoint(f)` in traces; one entry per output), and the backward sweep
 * runs f again, recorded, at the stored inputs to pull the cotangents through it. Memory
 * for f's part of a gradient drops to its inputs and outputs, at the price of evaluating f
 * twice (JAX's `jax.checkpoint`, PyTorch's `torch.utils.checkpoint`).
 *
 * Outside a recording of plain numbers (forward mode, Taylor mode, nested transformations)
 * it calls f directly, so values and derivatives are f's own. f must be a pure function of
 * its inputs: values being differentiated that it captures from outside are an error (pass
 * them in). A replay re-runs f at the new inputs, so branches inside f are taken afresh.
 *
 * @example
 * ```ts
 * import { checkpoint, grad, mul, sin, add, type Value } from 'dualtape';
 * const block = checkpoint((x) => [sin(mul(x[0], x[1])), add(x[0], x[1])]);
 * grad((x) => { const [a, b] = block(x) as [Value, Value]; return mul(a, b); })([1, 2]);
 * // the same gradient as without checkpoint; block's intermediates are recomputed in the sweep
 * ```
 */
export function checkpoint<F extends VectorFunction>(f: F): F {
  checkFunction('checkpoint', f);
  const name = f.name === '' ? 'f' : f.name;
  const api = `checkpoint(${name})`;
  const pure = (x: Value[]): readonly Value[] => checkOutputs(api, f(x)).values;
  const call = (x: unknown): Value | readonly Value[] => {
    const xs = checkVector(api, 'x', x);
    const list = numericRecording(xs);
    if (list === undefined) return f(xs);
    const before = list.length;
    const primals = primalsOf(list, xs);
    const first = new WengertList(primals);
    first.run(api, f);
    if (list.length !== before || first.flat().constantsLifted) throw closureError(api);
    const y = checkOutputs(api, first.output).values as number[];
    const isArray = first.outputIsArray;
    const cost = newCost();
    cost.forwardEvaluations = first.cost.forwardEvaluations;
    first.release();
    if (y.length === 0) return [];
    const m = y.length;
    const record: CallRecord = {
      name: api,
      refs: referencesOf(list, xs),
      outputCount: m,
      cost,
      value: (x) => checkCount(api, pure(x.slice()), m),
      vjp(x, yBar) {
        const inner = recordAt(api, (z) => checkCount(api, pure(z), m), x);
        const bar = inner.inputAdjoints(yBar, api);
        cost.sweeps += 1;
        countRecording(cost, inner, 0);
        inner.release();
        return bar;
      },
      jvp: (x, t) => forwardJvp((z) => checkCount(api, pure(z), m), x, t)[1] as number[],
    };
    const outs = list.recordCall(record, y);
    return isArray ? outs : (outs[0] as TapeVar);
  };
  Object.defineProperty(call, 'name', { value: api });
  return call as unknown as F;
}

function checkCount(api: string, ys: readonly Value[], m: number): Value[] {
  if (ys.length !== m) throw new RangeError(`${api}: f returned ${ys.length} value(s) here but ${m} when it was recorded`);
  return ys as Value[];
}

/**
 * Options of {@link scan}.
 *
 * @example
 * ```ts
 * import type { ScanOptions } from 'dualtape';
 * const options: ScanOptions = { checkpoints: 64 };
 * ```
 */
export interface ScanOptions {
  /**
   * Differentiate in bounded memory: at most this many carry snapshots (the initial carry
   * included) plus one step's recording are alive during the backward sweep, and the
   * sweep recomputes carries by the binomial (revolve) schedule, at most r extra runs of
   * each step where C(c + r, c) ≥ length. An integer ≥ 1; omitted, every step is recorded.
   */
  checkpoints?: number;
  /**
   * With `checkpoints`: steps recorded together in one turn of the schedule (default 1, one
   * step's recording alive at a time). The schedule then runs over ceil(length / block)
   * blocks, so it recomputes less and pays the cost of a turn once per block: a block whose
   * recording is about the size of the snapshots (block · primitives per step ≈ checkpoints ·
   * carry length) keeps the same order of memory. Where the step's recording is replayed
   * (see {@link scan}) a turn is cheap and a block gains about a tenth; where the step is
   * called every time, several times.
   */
  block?: number;
}

/**
 * A scan's step: the next carry (same length) from the carry and the step index.
 *
 * @example
 * ```ts
 * import { add, mul, type ScanStep } from 'dualtape';
 * const euler: ScanStep = ([x, v]) => [add(x, mul(0.01, v)), add(v, mul(-0.01, x))];
 * ```
 */
export type ScanStep = (carry: Value[], i: number) => readonly Value[];

/**
 * Whether a step returned a carry of n numbers (what every unrecorded step of a checkpointed
 * scan returns), tested apart from checkStepResult: that also sees the recorded steps' carries
 * of TapeVars, and V8's feedback for it, made generic by both, slowed every step.
 */
function isNumberCarry(out: unknown, n: number): out is number[] {
  return Array.isArray(out) && out.length === n && allNumbers(out);
}

function checkStepResult(api: string, out: unknown, n: number, i: number): Value[] {
  // The common case is checked without copying (a loop of 10^6 steps would copy 10^6 carries).
  if (Array.isArray(out) && out.length === n) {
    let ok = true;
    for (let k = 0; k < n; k++) {
      const v: unknown = out[k];
      if (typeof v !== 'number' && !(v instanceof ADValue)) ok = false;
    }
    if (ok) return out as Value[];
  }
  if (!Array.isArray(out) && !ArrayBuffer.isView(out)) {
    throw new TypeError(`${api}: step must return the next carry, an array of ${n} value(s), but returned ${describe(out)} at step ${i}`);
  }
  const carry = checkVector(api, `the carry returned by step ${i}`, out);
  if (carry.length !== n) {
    throw new RangeError(`${api}: step must return a carry of length ${n} (the length of init), but returned length ${carry.length} at step ${i}`);
  }
  return carry;
}

function checkLength(api: string, length: unknown): number {
  if (typeof length !== 'number') throw new TypeError(`${api}: length must be a number of steps, got ${describe(length)}`);
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`${api}: length must be a non-negative integer, got ${String(length)}`);
  return length;
}

function checkCheckpoints(api: string, options: unknown): number | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${api}: options must be an object { checkpoints } (or omitted), got ${describe(options)}`);
  }
  const c = (options as ScanOptions).checkpoints;
  const block = (options as ScanOptions).block;
  if (block !== undefined && c === undefined) throw new TypeError(`${api}: options.block needs options.checkpoints (a plain loop records every step anyway)`);
  if (c === undefined) return undefined;
  if (typeof c !== 'number') throw new TypeError(`${api}: options.checkpoints must be a number of snapshots, got ${describe(c)}`);
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`${api}: options.checkpoints must be an integer ≥ 1, got ${String(c)}`);
  return c;
}

function checkBlock(api: string, options: ScanOptions | undefined): number {
  const b = options?.block;
  if (b === undefined) return 1;
  if (typeof b !== 'number') throw new TypeError(`${api}: options.block must be a number of steps, got ${describe(b)}`);
  if (!Number.isInteger(b) || b < 1) throw new RangeError(`${api}: options.block must be an integer ≥ 1, got ${String(b)}`);
  return b;
}

/**
 * Runs `carry = step(carry, i)` for i = 0 .. length − 1 from `init` (an array of values)
 * and returns the final carry, as JAX's `lax.scan` without per-step outputs. Without
 * options it is a plain loop: a recording keeps every step. With `{ checkpoints: c }`, a
 * recording of plain numbers keeps only the initial and final carries (one call entry),
 * and its backward sweep reverses the steps with the binomial (revolve) schedule: at most
 * c carry snapshots and one step's recording alive at any time, each step re-run at most r
 * times where C(c + r, c) ≥ length (see {@link binomialRecomputations}). Gradients are those
 * of the plain loop. Elsewhere (forward mode, nesting) it is the plain loop. The step must
 * be a pure function of the carry and i: parameters go in the carry.
 *
 * A step that cannot see i (it declares the carry as its only parameter, or never names its
 * second) is recorded once, at step 0, and on numbers its recording stands in for it in the
 * forward run, the sweep's re-runs and its turns, as `lax.scan` traces its body once: the
 * step is then called once, not once per evaluation. Its comparisons (`lt`, `gt`, ...) are
 * checked at every step, and a step where one comes out differently is run by calling the
 * step itself; a step that reads a value outside the primitives (`primal(x)`, printing one)
 * branches where no recording can see, so it is called every time, as is one that takes i.
 *
 * @example
 * ```ts
 * import { scan, grad, add, mul, sin, cos, type Value } from 'dualtape';
 * // the W3 recurrence y ← sin(y)·a + cos(y·b), with the parameters a, b carried along
 * const step = ([y, a, b]: Value[]) => [add(mul(sin(y), a), cos(mul(y, b))), a, b];
 * grad((x) => scan(step, [x[0], x[0], x[1]], 10000, { checkpoints: 64 })[0])([0.5, 0.3]);
 * // the same gradient as the plain loop, in memory for 64 carries instead of 60,000 entries
 * ```
 */
export function scan(step: ScanStep, init: ArrayLike<Value>, length: number, options?: ScanOptions): Value[] {
  checkFunction('scan', step, 'step');
  const stepName = step.name === '' ? 'step' : step.name;
  let carry = checkVector('scan', 'init', init);
  const k = checkLength('scan', length);
  const c = checkCheckpoints('scan', options);
  const b = checkBlock('scan', options);
  const n = carry.length;
  const list = c === undefined || k === 0 ? undefined : numericRecording(carry);
  if (list === undefined || c === undefined) {
    for (let i = 0; i < k; i++) carry = checkStepResult('scan', step(carry, i), n, i);
    return carry;
  }
  const api = `scan(${stepName}, ${k}, { checkpoints: ${c}${b === 1 ? '' : `, block: ${b}`} })`;
  // The schedule runs over blocks of b steps (the last one may be shorter); block j is steps jb .. min(jb + b, k) - 1.
  const blocks = Math.ceil(k / b);
  const stepOf = (j: number) => Math.min(j * b, k);
  // The step a turn records: one closure for the whole sweep (a turn sets which step), not one per turn.
  let turning = 0;
  const turningStep = (x: Value[]) => checkStepResult(api, step(x, turning), n, turning);
  // The step where its recording's guards flip: numbers in, numbers out (else it closed over a value being differentiated).
  const stepOnNumbers = (carry: number[], i: number): number[] => {
    const out = step(carry, i);
    if (isNumberCarry(out, n)) return out;
    const checked = checkStepResult(api, out, n, i);
    if (!allNumbers(checked)) throw closureError(api);
    return checked as number[];
  };
  // Set once step 0 is recorded: its recording, standing in for the step on numbers where it provably can (see stepProgram.ts).
  let program: StepProgram | undefined;
  const run = (x: readonly Value[], from: number, to: number): Value[] => {
    if (program !== undefined && allNumbers(x)) return program.advance(x as number[], from, to, stepOnNumbers);
    let s = x.slice();
    for (let i = from; i < to; i++) {
      const out = step(s, i);
      s = isNumberCarry(out, n) ? out : checkStepResult(api, out, n, i);
    }
    return s;
  };
  // Step 0 is recorded (its size is the per-step count of primitives, and a closure over
  // the enclosing recording shows there); the others run on plain numbers.
  const before = list.length;
  const primals = primalsOf(list, carry);
  const first = recordAt(api, turningStep, primals);
  if (first.flat().constantsLifted) throw closureError(api);
  const perStep = first.cost.forwardEvaluations;
  const y1 = first.output as number[];
  if (k > 1 && onlyCarry(step) && StepProgram.fits(first)) program = new StepProgram(first);
  first.release();
  // The forward run keeps the carries where the first sweep's schedule takes its first
  // snapshots: that sweep then does not run those k − 1 steps again (the forward run is
  // revolve's first advance), and at most c carries are still alive at any time.
  const kept = new Map<number, Value[]>();
  // Increasing positions, met in order by one pointer (a set lookup per step showed in profiles).
  const positions = firstSnapshots(blocks, c).map(stepOf);
  let next = 0;
  let y: Value[] = y1;
  if (program !== undefined) {
    let at = 1;
    for (const p of positions) {
      y = program.advance(y as number[], at, p, stepOnNumbers);
      kept.set(p / b, y);
      at = p;
    }
    y = program.advance(y as number[], at, k, stepOnNumbers);
  } else {
    for (let i = 1; i < k; i++) {
      if (i === positions[next]) {
        kept.set(i / b, y.slice());
        next++;
      }
      y = checkStepResult(api, step(y, i), n, i);
    }
  }
  if (list.length !== before || y.some((v) => typeof v !== 'number')) throw closureError(api);
  const cost = newCost();
  cost.forwardEvaluations = k * perStep;
  cost.keptValues = kept.size * n;
  const record: CallRecord = {
    name: api,
    refs: referencesOf(list, carry),
    outputCount: n,
    cost,
    value: (x) => run(x, 0, k),
    vjp(x, yBar) {
      let bar: Value[] = yBar.slice();
      let alive = 0;
      cost.sweeps += 1;
      // The kept carries are those of the recorded inputs; a replay elsewhere or AD-valued inputs cannot use them.
      const useKept = x.length === primals.length && x.every((v, j) => Object.is(v, primals[j]));
      // Turns replay the step's recording when everything is a number (a nested replay's AD values take the recording path).
      const replay = program !== undefined && allNumbers(x) && allNumbers(yBar) ? program : undefined;
      const carries = replay !== undefined && b > 1 ? new Float64Array((b - 1) * n) : undefined;
      revolve<Value[]>(blocks, c, x.slice(), {
        advance: (s, fromBlock, toBlock) => {
          const from = stepOf(fromBlock);
          const to = stepOf(toBlock);
          const ready = useKept && kept.size > 0 ? kept.get(toBlock) : undefined;
          if (ready !== undefined) {
            // Handed to the schedule as its snapshot (dropped with it): kept carries serve one sweep.
            kept.delete(toBlock);
            cost.keptValues -= n;
            return ready;
          }
          cost.stepsRecomputed += to - from;
          cost.sweepEvaluations += (to - from) * perStep;
          return run(s, from, to);
        },
        turn: (s, j) => {
          const from = stepOf(j);
          const to = stepOf(j + 1);
          // The carry being advanced is held too (one more than the snapshots), and any kept carry not yet used.
          const held = (alive + 1) * n + cost.keptValues;
          if (replay !== undefined && replay.turn(s as number[], from, to, bar as number[], carries)) {
            // One step's recording, and the carries of the block's later steps.
            const one = replay.stepCost;
            countRerun(cost, (to - from) * perStep, to - from, held + (to - from - 1) * n, one.storedValues, one.peakBytes);
            return;
          }
          turning = from;
          const inner = recordAt(api, b === 1 ? turningStep : (z) => run(z, from, to), s);
          bar = inner.inputAdjoints(bar, api);
          countRecording(cost, inner, held, to - from);
          inner.release();
        },
        snapshots: (delta) => {
          alive += delta;
        },
      });
      kept.clear();
      cost.keptValues = 0;
      return bar;
    },
    jvp: (x, t) => forwardJvp((z) => run(z, 0, k), x, t)[1] as number[],
  };
  return list.recordCall(record, y as number[]);
}

