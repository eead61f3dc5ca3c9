// The Wengert list as data: what its entries, arguments and guards look like to a reader, and its storage as compile and the sparse passes read it.
import type { ComparisonKind } from '../ops/compare';
import type { UpdateObserver } from '../engine/sweeps';
import type { CallRecord } from '../engine/calls';

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
  /** Call entries (checkpoint, checkpointed scan), keyed by the index of each call's first output entry. */
  readonly calls?: ReadonlyMap<number, CallRecord> | undefined;
}

/**
 * What a recording stored and what its backward sweeps recomputed: the memory/recomputation
 * trade-off of reverse mode, in measured counts. A plain recording stores every intermediate
 * value and recomputes nothing; `checkpoint(f)` and `scan(..., { checkpoints })` store a
 * call's inputs and outputs only and re-run it during the sweep.
 *
 * @example
 * ```ts
 * import { record, scan, add, mul, sin } from 'dualtape';
 * const tape = record((x) => scan((c) => [add(mul(sin(c[0]), c[1]), 1), c[1]], [x[0], x[1]], 100, { checkpoints: 4 })[0], [0.5, 0.9]);
 * tape.backward(1);
 * tape.cost.storedValues; // a dozen values, not 300
 * tape.cost.sweepEvaluations > 0; // true: the sweep re-ran steps
 * ```
 */
export interface RecordingCost {
  /** Entries of the list (inputs, primitives and call outputs). */
  readonly entries: number;
  /** Numbers the list keeps: one value per entry, its constants, and carries a checkpointed scan keeps for its first sweep. */
  readonly storedValues: number;
  /** Bytes the list uses (codes, references, values, constants; no spare capacity). */
  readonly storedBytes: number;
  /** Calls recorded as one entry group each (checkpoint, checkpointed scan). */
  readonly calls: number;
  /**
   * Primitive evaluations of the recording run: one per recorded primitive, plus those inside
   * calls (for a scan run on numbers: steps × the primitives one recorded step has).
   */
  readonly forwardEvaluations: number;
  /** Primitive evaluations re-done by the backward sweeps so far (recomputing and re-recording calls). */
  readonly sweepEvaluations: number;
  /** Steps of calls re-run without recording during the sweeps so far (revolve's advances). */
  readonly stepsRecomputed: number;
  /** Peak bytes of one backward sweep: the list, its adjoints, and the most a call held while it was re-run. */
  readonly peakBytes: number;
}
