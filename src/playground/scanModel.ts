// The scan panel's model: a step formula in carry variables, run as the real scan(step, init, k, { checkpoints: c }) under a recording, and the memory/recomputation each c measured.
import { binomialRecomputations, checkpointCounts, checkpointReport, checkpointRun, checkpointSweepBound, type CheckpointRun } from '../index';
import { FormulaError, stepFormula, type StepFormula } from '../expr/index';

/** Longest scan the page runs (the plain recording of 10^4 W3 steps takes some 80 ms). */
export const MAX_LENGTH = 10_000;

/**
 * Most primitive evaluations one checkpointed run may re-do in its sweep, by the binomial
 * schedule's count: about a second in a browser. Fewer snapshots than that needs are refused
 * with a message on the field, and left out of the plot.
 */
export const SWEEP_BUDGET = 3_000_000;

/** What the user asked for: `checkpoints` null is the plain loop (every step recorded). */
export interface ScanInput {
  /** Assignments of the carry variables, `y = sin(y)*a + cos(y*b)` (several separated by `;`); other variables are parameters. */
  readonly step: string;
  /** Initial values by variable name (carry and parameters); missing ones default to 1. */
  readonly init: Readonly<Record<string, number>>;
  readonly length: number;
  readonly checkpoints: number | null;
}

/** A ready-made step to start from. */
export interface ScanPreset {
  readonly name: string;
  readonly step: string;
  readonly init: Readonly<Record<string, number>>;
}

/** The presets, W3 (the benchmarks' scalar loop) first: the page's default. */
export const SCAN_PRESETS: readonly ScanPreset[] = [
  { name: 'W3 loop', step: 'y = sin(y)*a + cos(y*b)', init: { y: 0.5, a: 0.5, b: 0.3 } },
  { name: 'logistic map', step: 'x = r*x*(1 - x)', init: { x: 0.2, r: 2.8 } },
  { name: 'oscillator, explicit Euler', step: 'x = x + h*v; v = v - h*x', init: { x: 1, v: 0, h: 0.01 } },
];

/** The page's first scan: W3, 500 steps (every c of the plot runs in well under a second), 8 snapshots. */
export const DEFAULT_SCAN: ScanInput = { step: SCAN_PRESETS[0]!.step, init: SCAN_PRESETS[0]!.init, length: 500, checkpoints: 8 };

/** A step formula made into a scan step (dualtape/expr's stepFormula): the carry is the carry variables then the parameters. */
export type ParsedStep = StepFormula;

/** An error, and the field it belongs to (the step with a 0-based `position`, one variable's initial value, the length, or c). */
export interface ScanError {
  readonly ok: false;
  readonly field: 'step' | 'init' | 'length' | 'checkpoints';
  readonly message: string;
  readonly position?: number | undefined;
  readonly variable?: string;
}

/**
 * Parses `y = sin(y)*a + cos(y*b)` (several assignments separated by `;` or new lines) with
 * dualtape/expr's stepFormula; an error comes back on the step field with its 0-based position.
 *
 * @example
 * ```ts
 * const p = parseStep('x = x + h*v; v = v - h*x');
 * if (p.ok) p.step.variables; // ['x', 'v', 'h']
 * ```
 */
export function parseStep(text: string): { readonly ok: true; readonly step: ParsedStep } | ScanError {
  try {
    return { ok: true, step: stepFormula(text) };
  } catch (err) {
    if (err instanceof FormulaError) return { ok: false, field: 'step', message: err.message, position: err.position > 0 ? err.position - 1 : undefined };
    if (err instanceof TypeError) return { ok: false, field: 'step', message: err.message };
    throw err;
  }
}

/** What one run measured: the library's checkpointRun (the recording's own cost accounting, the value and the gradient). */
export type ScanMeasurement = CheckpointRun;

/** The panel's numbers for the chosen c, next to the plain recording's. */
export interface ScanModel {
  readonly input: ScanInput;
  readonly parsed: ParsedStep;
  readonly init: readonly number[];
  /** Primitives one step records. */
  readonly perStep: number;
  readonly plain: ScanMeasurement;
  /** The chosen run (the plain one again when checkpoints is null). */
  readonly chosen: ScanMeasurement;
  /** Largest |chosen − plain| over the gradient, relative to the largest |plain| entry (0: bit for bit). */
  readonly gradientDifference: number;
  /** The binomial schedule's count of re-run steps for (k, c): the sweep's advances, those the forward run already made included. */
  readonly binomialBound: number | undefined;
}

/**
 * Checks the input, runs the plain loop and the chosen c, and compares their gradients.
 *
 * @example
 * ```ts
 * const a = analyzeScan(DEFAULT_SCAN);
 * if (a.ok) a.model.chosen.cost.peakBytes < a.model.plain.cost.peakBytes; // true
 * ```
 */
export function analyzeScan(input: ScanInput): { readonly ok: true; readonly model: ScanModel } | ScanError {
  const parsed = parseStep(input.step);
  if (!parsed.ok) return parsed;
  const { variables } = parsed.step;
  const init = variables.map((v) => input.init[v] ?? 1);
  const bad = variables.find((_, i) => !Number.isFinite(init[i]));
  if (bad !== undefined) return { ok: false, field: 'init', variable: bad, message: `the initial value of ${bad} must be a finite number, as 0.5 or -2 or 1e-3` };
  const k = input.length;
  if (!Number.isInteger(k) || k < 1 || k > MAX_LENGTH) {
    return { ok: false, field: 'length', message: `the length k must be a whole number of steps from 1 to ${MAX_LENGTH.toLocaleString('en-US')}, got ${Number.isNaN(k) ? 'no number' : String(k)}` };
  }
  const c = input.checkpoints;
  if (c !== null && (!Number.isInteger(c) || c < 1 || c > k)) {
    return { ok: false, field: 'checkpoints', message: `the checkpoints c must be a whole number from 1 to k = ${k}, got ${Number.isNaN(c) ? 'no number' : String(c)} (or tick "no checkpointing")` };
  }
  let plain: ScanMeasurement;
  try {
    plain = checkpointRun(parsed.step.step, init, k, null);
  } catch (err) {
    return { ok: false, field: 'step', message: (err as Error).message };
  }
  const perStep = plain.cost.forwardEvaluations / k;
  let chosen = plain;
  if (c !== null) {
    const predicted = checkpointSweepBound(k, c, perStep);
    if (predicted > SWEEP_BUDGET) {
      return {
        ok: false, field: 'checkpoints',
        message: `c = ${c} with k = ${k} would re-run ${binomialRecomputations(k, c).toLocaleString('en-US')} steps in the sweep ` +
          `(${predicted.toLocaleString('en-US')} primitive evaluations); this page runs at most ${SWEEP_BUDGET.toLocaleString('en-US')}: raise c or lower k`,
      };
    }
    try {
      chosen = checkpointRun(parsed.step.step, init, k, c);
    } catch (err) {
      return { ok: false, field: 'step', message: (err as Error).message };
    }
  }
  const scale = Math.max(...plain.gradient.map(Math.abs));
  const gradientDifference = Math.max(0, ...plain.gradient.map((g, i) => Math.abs(g - (chosen.gradient[i] as number)))) / (scale > 0 ? scale : 1);
  return {
    ok: true,
    model: {
      input, parsed: parsed.step, init, perStep, plain, chosen, gradientDifference,
      binomialBound: c === null ? undefined : binomialRecomputations(k, c),
    },
  };
}

/** The points of the memory/recomputation plot, and the c values left out (with why). */
export interface TradeoffCurve {
  readonly points: readonly ScanMeasurement[];
  readonly skipped: readonly { readonly checkpoints: number; readonly reason: string }[];
}

/** The snapshot counts the plot measures: 1, 2, 4, ... below k, then k (the library's checkpointCounts). */
export const curveCheckpoints = checkpointCounts;

/**
 * Measures the plain recording and every c of {@link curveCheckpoints} (plus `extra`, the
 * chosen c), reusing the model's runs and leaving out those over the sweep budget.
 *
 * @example
 * ```ts
 * const a = analyzeScan(DEFAULT_SCAN);
 * if (a.ok) tradeoffCurve(a.model).points.length; // 11: the plain recording and c = 1, 2, 4, ..., 256, 500
 * ```
 */
export function tradeoffCurve(model: ScanModel, extra: readonly number[] = []): TradeoffCurve {
  const k = model.input.length;
  const checkpoints = [...curveCheckpoints(k), ...extra.filter((c) => Number.isInteger(c) && c >= 1 && c <= k)];
  // The library's report (the one the CLI prints), with the runs the panel already made.
  const report = checkpointReport(model.parsed.step, model.init, k, { checkpoints, budget: SWEEP_BUDGET, measured: [model.plain, model.chosen] });
  return { points: report.runs, skipped: report.skipped };
}
