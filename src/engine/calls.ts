// Call entries: a whole function (checkpoint(f), a checkpointed scan) stored in a list as its inputs and outputs only, re-run by the sweeps.
//
// A call with m outputs is m consecutive entries with op code CALL_CODE and no argument
// references of their own; the list's side table (`calls`, keyed by the index of the first
// of them) holds the call: its argument references and the functions that evaluate it and
// pull cotangents through it. The sweeps meet the m entries one by one; only the first does
// the work (forward sweeps write all m values there; the backward sweep reaches it last,
// when every output's adjoint is complete, since only later entries can read them).
import type { Value } from '../ops/value';
import { addAdjoint, addTangent } from './accumulate';
import { read } from './entries';

/** The op code of a call's output entries: outside the op table's range (codes count up from 0). */
export const CALL_CODE = 0xffffffff;

/**
 * What one call did: its evaluations on numbers, its re-recordings and the memory they took (counts add up over sweeps).
 * A list's `cost` (RecordingCost) sums them.
 *
 * @example
 * ```ts
 * import type { CallCost } from 'dualtape';
 * const none: CallCost = { forwardEvaluations: 0, sweepEvaluations: 0, stepsRecomputed: 0, stepsRecorded: 0, peakValues: 0, peakBytes: 0, sweeps: 0, keptValues: 0 };
 * ```
 */
export interface CallCost {
  /** Primitive evaluations when the call was made (measured where recorded, else steps × primitives per step). */
  forwardEvaluations: number;
  /** Primitive evaluations the backward sweeps re-did (recomputation and re-recording). */
  sweepEvaluations: number;
  /** Steps of the function re-run without recording during sweeps (revolve's advances; 0 for checkpoint(f)). */
  stepsRecomputed: number;
  /** Steps re-run recorded during sweeps (one per step per sweep). */
  stepsRecorded: number;
  /** Most values held at once during a sweep: carry snapshots plus one step's recording. */
  peakValues: number;
  /** Most bytes held at once during a sweep (snapshots, the step's recording and its adjoints). */
  peakBytes: number;
  /** Backward sweeps through the call so far. */
  sweeps: number;
  /** Values the call keeps between the recording and its first sweep (a checkpointed scan's first snapshots). */
  keptValues: number;
}

/**
 * One recorded call. `value`, `vjp` and `jvp` take the call's argument values (numbers in a
 * numeric sweep, an enclosing transformation's AD values when nested) and give its outputs,
 * its input cotangents for output cotangents `yBar`, and its output tangents.
 */
export interface CallRecord {
  /** How traces print it, e.g. `checkpoint(f)` or `scan(step, 1000, { checkpoints: 8 })`. */
  readonly name: string;
  /** Argument references (as in a list's `refs`: an entry r >= 0 or constant -1 - r). */
  readonly refs: Int32Array;
  readonly outputCount: number;
  value(x: readonly Value[]): Value[];
  vjp(x: readonly Value[], yBar: readonly Value[]): Value[];
  jvp(x: readonly number[], tangents: readonly number[]): number[];
  readonly cost: CallCost;
}

/** A list's call side table, keyed by the index of each call's first output entry. */
export type CallTable = ReadonlyMap<number, CallRecord>;

function argumentsOf(call: CallRecord, c: Float64Array, v: Float64Array): number[] {
  const x = new Array<number>(call.refs.length);
  for (let k = 0; k < x.length; k++) x[k] = read(v, c, call.refs[k] as number);
  return x;
}

/** Forward step of entry i (code CALL_CODE): at a call's first entry, its outputs into v[i ..]. */
export function callValue(calls: CallTable | undefined, i: number, c: Float64Array, v: Float64Array): void {
  const call = calls?.get(i);
  if (call === undefined) return;
  const y = call.value(argumentsOf(call, c, v));
  for (let k = 0; k < call.outputCount; k++) v[i + k] = y[k] as number;
}

/** Observes one argument's contribution from a call (teaching output): argument k of the call at entry i, adjoint `before` of entry `to`. */
export type CallObserver = (i: number, to: number, k: number, contribution: number, before: number) => void;

/** Backward step of entry i: at a call's first entry, its output adjoints pulled through it to its arguments. */
export function callBackward(calls: CallTable | undefined, i: number, c: Float64Array, v: Float64Array, a: Float64Array, observe?: CallObserver): void {
  const call = calls?.get(i);
  if (call === undefined) return;
  const seeds = new Array<number>(call.outputCount);
  let live = false;
  for (let k = 0; k < seeds.length; k++) {
    seeds[k] = a[i + k] as number;
    if (seeds[k] !== 0) live = true;
  }
  if (!live) return;
  const bar = call.vjp(argumentsOf(call, c, v), seeds);
  for (let k = 0; k < call.refs.length; k++) {
    const r = call.refs[k] as number;
    // The call's vjp already summed its paths; its sum joins the argument's adjoint as one contribution.
    if (r < 0) continue;
    const before = a[r] as number;
    addAdjoint(a, r, 1, bar[k] as number);
    if (bar[k] !== 0) observe?.(i, r, k, bar[k] as number, before);
  }
}

/** Tangent step of entry i: at a call's first entry, its outputs' tangents from its arguments'. */
export function callTangent(calls: CallTable | undefined, i: number, c: Float64Array, v: Float64Array, t: Float64Array): void {
  const call = calls?.get(i);
  if (call === undefined) return;
  const u = new Array<number>(call.refs.length);
  let live = false;
  for (let k = 0; k < u.length; k++) {
    const r = call.refs[k] as number;
    u[k] = r >= 0 ? (t[r] as number) : 0;
    if (u[k] !== 0) live = true;
  }
  const dy = live ? call.jvp(argumentsOf(call, c, v), u) : undefined;
  for (let k = 0; k < call.outputCount; k++) t[i + k] = dy === undefined ? 0 : addTangent(0, dy[k] as number, 1);
}
