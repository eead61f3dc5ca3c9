// The memory/recomputation trade-off of a checkpointed scan, measured: the recording's own accounting for the plain loop and for several snapshot counts.
import { binomialRecomputations } from '../checkpoint/revolve';
import { scan, type ScanStep } from '../checkpoint/checkpoint';
import { describe, type Value } from '../ops/value';
import { record, type RecordingCost } from '../reverse/wengertList';
import { checkFunction, checkVector } from '../internal/validate';
import { formatNumber } from './format';

/**
 * One measured gradient of `scan(step, init, length, { checkpoints })[0]`: the recording's
 * cost accounting when the forward run ended and after its one backward sweep.
 *
 * @example
 * ```ts
 * import { checkpointRun, add, mul, sin, cos, type Value } from 'dualtape';
 * const step = ([y, a, b]: Value[]) => [add(mul(sin(y), a), cos(mul(y, b))), a, b];
 * checkpointRun(step, [0.5, 0.5, 0.3], 1000, 16).cost.stepsRecomputed; // the steps the sweep re-ran
 * ```
 */
export interface CheckpointRun {
  /** Snapshots, or null for the plain loop (every step recorded). */
  readonly checkpoints: number | null;
  /** The first component of the final carry. */
  readonly value: number;
  /** Its gradient with respect to init. */
  readonly gradient: readonly number[];
  /** The accounting when the forward run ended (values stored then include the carries kept for the sweep). */
  readonly recorded: RecordingCost;
  /** The accounting after the backward sweep (peak bytes, re-run evaluations). */
  readonly cost: RecordingCost;
  /** Primitive evaluations in all: the forward run and the sweep's re-runs. */
  readonly evaluations: number;
  readonly milliseconds: number;
}

/**
 * Records `scan(step, init, length, { checkpoints })` (its first carry component as the
 * output), sweeps it backward once as `grad` does, and reads the recording's accounting
 * ({@link WengertList.cost}). `checkpoints` null runs the plain loop.
 *
 * @example
 * ```ts
 * import { checkpointRun, add, mul, sin, cos, type Value } from 'dualtape';
 * const step = ([y, a, b]: Value[]) => [add(mul(sin(y), a), cos(mul(y, b))), a, b];
 * const plain = checkpointRun(step, [0.5, 0.5, 0.3], 1000, null);
 * const c16 = checkpointRun(step, [0.5, 0.5, 0.3], 1000, 16);
 * c16.gradient; // the plain loop's gradient
 * c16.cost.peakBytes < plain.cost.peakBytes; // true
 * ```
 */
export function checkpointRun(step: ScanStep, init: ArrayLike<number>, length: number, checkpoints: number | null): CheckpointRun {
  const t0 = globalThis.performance.now();
  const options = checkpoints === null ? undefined : { checkpoints };
  const tape = record((x) => scan(step, x, length, options)[0] as Value, init);
  try {
    const value = tape.output as number;
    const recorded = tape.cost;
    const gradient = tape.backward(1);
    const cost = tape.cost;
    return { checkpoints, value, gradient, recorded, cost, evaluations: cost.forwardEvaluations + cost.sweepEvaluations, milliseconds: globalThis.performance.now() - t0 };
  } finally {
    tape.release();
  }
}

/**
 * The primitive evaluations a checkpointed scan's sweep re-runs at most for c snapshots: the
 * schedule's advances plus one recorded run of each step (the forward run's snapshots can
 * only save some), for steps of `perStep` primitives.
 *
 * @example
 * ```ts
 * import { checkpointSweepBound } from 'dualtape';
 * checkpointSweepBound(10, 1, 5); // 275: (45 advances + 10 turns) × 5 primitives
 * ```
 */
export function checkpointSweepBound(length: number, c: number, perStep: number): number {
  return (binomialRecomputations(length, c) + length) * Math.max(1, perStep);
}

/**
 * The snapshot counts a trade-off measures by default: 1, 2, 4, ... below `length`, then `length`.
 *
 * @example
 * ```ts
 * import { checkpointCounts } from 'dualtape';
 * checkpointCounts(10); // [1, 2, 4, 8, 10]
 * ```
 */
export function checkpointCounts(length: number): number[] {
  const cs: number[] = [];
  for (let c = 1; c < length; c *= 2) cs.push(c);
  cs.push(Math.max(1, length));
  return cs;
}

/**
 * Options of {@link checkpointReport}.
 *
 * @example
 * ```ts
 * import type { CheckpointReportOptions } from 'dualtape';
 * const options: CheckpointReportOptions = { checkpoints: [4, 16, 64], budget: 1e6 };
 * ```
 */
export interface CheckpointReportOptions {
  /** Snapshot counts to measure (integers from 1 to length); default {@link checkpointCounts}(length). */
  checkpoints?: readonly number[];
  /**
   * Largest {@link checkpointSweepBound} to run: counts whose sweep could re-run more
   * primitive evaluations are left out (listed in `skipped`). Default 3·10^7, a few seconds.
   */
  budget?: number;
  /** Runs already made with this step, init and length (the plain one, a chosen c): reused, not run again. */
  measured?: readonly CheckpointRun[];
}

/**
 * What {@link checkpointReport} measured.
 *
 * @example
 * ```ts
 * import { checkpointReport, add, mul, sin, cos, type Value } from 'dualtape';
 * const step = ([y, a, b]: Value[]) => [add(mul(sin(y), a), cos(mul(y, b))), a, b];
 * checkpointReport(step, [0.5, 0.5, 0.3], 100).runs[0].checkpoints; // null: the plain loop comes first
 * ```
 */
export interface CheckpointReport {
  readonly length: number;
  /** Primitives one recorded step has. */
  readonly perStep: number;
  /** The plain loop first, then each snapshot count in increasing order. */
  readonly runs: readonly CheckpointRun[];
  /** Counts left out, and why. */
  readonly skipped: readonly { readonly checkpoints: number; readonly reason: string }[];
}

/**
 * The memory/recomputation trade-off of reverse mode through `scan(step, init, length)`,
 * measured from the recordings' own accounting: the plain loop (every step recorded), then
 * the binomial (revolve) schedule with each snapshot count c. Fewer snapshots keep less and
 * re-run more; every run's gradient is the plain loop's. {@link renderCheckpointReport} prints it.
 *
 * @example
 * ```ts
 * import { checkpointReport, renderCheckpointReport, add, mul, sin, cos, type Value } from 'dualtape';
 * const step = ([y, a, b]: Value[]) => [add(mul(sin(y), a), cos(mul(y, b))), a, b];
 * const report = checkpointReport(step, [0.5, 0.5, 0.3], 1000, { checkpoints: [4, 16, 64] });
 * report.runs.map((r) => r.checkpoints); // [null, 4, 16, 64]
 * renderCheckpointReport(report); // a table: values stored, peak bytes, evaluations per c
 * ```
 */
export function checkpointReport(step: ScanStep, init: ArrayLike<number>, length: number, options: CheckpointReportOptions = {}): CheckpointReport {
  const api = 'checkpointReport';
  checkFunction(api, step, 'step');
  const x = checkVector(api, 'init', init);
  x.forEach((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`${api}: init[${i}] must be a number, got ${describe(v)}`);
  });
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 1) {
    throw new RangeError(`${api}: length must be a positive integer number of steps, got ${typeof length === 'number' ? String(length) : describe(length)}`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${api}: options must be an object, got ${describe(options)}`);
  const budget = options.budget ?? 3e7;
  if (typeof budget !== 'number' || !(budget > 0)) throw new RangeError(`${api}: options.budget must be a positive number, got ${typeof budget === 'number' ? String(budget) : describe(budget)}`);
  const wanted = options.checkpoints ?? checkpointCounts(length);
  if (!Array.isArray(wanted)) throw new TypeError(`${api}: options.checkpoints must be an array of snapshot counts, got ${describe(wanted)}`);
  for (const c of wanted) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > length) {
      throw new RangeError(`${api}: options.checkpoints must hold integers from 1 to length = ${length}, got ${typeof c === 'number' ? String(c) : describe(c)}`);
    }
  }
  const measured = options.measured ?? [];
  const runFor = (c: number | null) => measured.find((r) => r.checkpoints === c) ?? checkpointRun(step, x as number[], length, c);
  const plain = runFor(null);
  const perStep = plain.cost.forwardEvaluations / length;
  const runs: CheckpointRun[] = [plain];
  const skipped: { checkpoints: number; reason: string }[] = [];
  for (const c of [...new Set(wanted)].sort((a, b) => a - b)) {
    const bound = checkpointSweepBound(length, c, perStep);
    // A run already made is shown whatever its bound: it cost nothing more here.
    if (bound > budget && !measured.some((r) => r.checkpoints === c)) {
      skipped.push({ checkpoints: c, reason: `its sweep could re-run ${bound.toLocaleString('en-US')} primitive evaluations, over the budget of ${budget.toLocaleString('en-US')}` });
    } else runs.push(runFor(c));
  }
  return { length, perStep, runs, skipped };
}

/**
 * A checkpoint report as a text table: per run, values stored, peak bytes of the sweep, primitive
 * evaluations (forward and re-run in the sweep), steps re-run against the binomial schedule's
 * count, and whether the gradient equals the plain loop's.
 *
 * @example
 * ```ts
 * import { checkpointReport, renderCheckpointReport, add, mul, sin, cos, type Value } from 'dualtape';
 * const step = ([y, a, b]: Value[]) => [add(mul(sin(y), a), cos(mul(y, b))), a, b];
 * console.log(renderCheckpointReport(checkpointReport(step, [0.5, 0.5, 0.3], 1000), { variables: ['y', 'a', 'b'] }));
 * ```
 */
export function renderCheckpointReport(report: CheckpointReport, options: { variables?: readonly string[]; digits?: number } = {}): string {
  if (typeof report !== 'object' || report === null || !Array.isArray(report.runs) || report.runs.length === 0) {
    throw new TypeError(`renderCheckpointReport: report must be the result of checkpointReport, got ${describe(report)}`);
  }
  const digits = options.digits ?? 6;
  const plain = report.runs[0] as CheckpointRun;
  const name = (j: number) => options.variables?.[j] ?? `x${j + 1}`;
  const first = options.variables?.[0] ?? 'y';
  const same = (g: readonly number[]) => {
    if (g.every((v, j) => Object.is(v, plain.gradient[j]))) return 'yes, bit for bit';
    const scale = Math.max(...plain.gradient.map(Math.abs), Number.MIN_VALUE);
    const d = Math.max(...g.map((v, j) => Math.abs(v - (plain.gradient[j] as number)))) / scale;
    return `within ${d.toExponential(1)}`;
  };
  const head = ['snapshots c', 'values stored', 'peak bytes', 'evaluations', 're-run in sweep', 'steps re-run', 'binomial count', 'gradient = plain'];
  const rows = report.runs.map((r) => [
    r.checkpoints === null ? 'plain loop' : String(r.checkpoints),
    String(r.recorded.storedValues),
    String(r.cost.peakBytes),
    String(r.evaluations),
    String(r.cost.sweepEvaluations),
    r.checkpoints === null ? '-' : String(r.cost.stepsRecomputed),
    r.checkpoints === null ? '-' : String(binomialRecomputations(report.length, r.checkpoints)),
    r.checkpoints === null ? '-' : same(r.gradient),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ').trimEnd();
  const out = [
    `scan of ${report.length} steps, ${report.perStep} primitives per recorded step; ${first} after the last step = ${formatNumber(plain.value, digits, false)}`,
    `gradient (plain loop): ${plain.gradient.map((g, j) => `d/d${name(j)} = ${formatNumber(g, digits, false)}`).join(', ')}`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'values stored: numbers the recording keeps after the forward run; peak bytes: the most one backward sweep held;',
    'steps re-run: carries recomputed from snapshots (at most the binomial count: the forward run keeps the first snapshots).',
  ];
  for (const s of report.skipped) out.push(`c = ${s.checkpoints} not run: ${s.reason}`);
  return out.join('\n');
}
