// The scan panel's model: a step formula in carry variables, run as the real scan(step, init, k, { checkpoints: c }) under a recording, and the memory/recomputation each c measured.
import { binomialRecomputations, record, scan, type RecordingCost, type ScanStep, type Value } from '../index';
import { formula, FormulaError } from '../expr/index';

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

/** A step formula made into a scan step: the carry is the carry variables then the parameters (carried unchanged). */
export interface ParsedStep {
  readonly carry: readonly string[];
  readonly parameters: readonly string[];
  /** carry then parameters: the order of init and of the gradient. */
  readonly variables: readonly string[];
  readonly step: ScanStep;
}

/** An error, and the field it belongs to (the step with a 0-based `position`, one variable's initial value, the length, or c). */
export interface ScanError {
  readonly ok: false;
  readonly field: 'step' | 'init' | 'length' | 'checkpoints';
  readonly message: string;
  readonly position?: number | undefined;
  readonly variable?: string;
}

const ASSIGN = /^(\s*)([A-Za-z_]\w*)\s*=(?!=)/;

/**
 * Parses `y = sin(y)*a + cos(y*b)` (several assignments separated by `;` or new lines): the
 * assigned names are the carry, every other variable a parameter. Every right-hand side reads
 * the carry before the step (the assignments are simultaneous).
 *
 * @example
 * ```ts
 * const p = parseStep('x = x + h*v; v = v - h*x');
 * if (p.ok) p.step.variables; // ['x', 'v', 'h']
 * ```
 */
export function parseStep(text: string): { readonly ok: true; readonly step: ParsedStep } | ScanError {
  const fail = (message: string, position?: number): ScanError => ({ ok: false, field: 'step', message, position });
  const carry: string[] = [];
  const rhs: { text: string; at: number }[] = [];
  let at = 0;
  for (const part of text.split(/[;\n]/)) {
    const start = at;
    at += part.length + 1;
    if (part.trim() === '') continue;
    const m = ASSIGN.exec(part);
    if (m === null) {
      return fail(`each statement of the step assigns a carry variable, as y = sin(y)*a + cos(y*b); '${part.trim()}' assigns none`, start + part.length - part.trimStart().length);
    }
    const name = m[2] as string;
    if (carry.includes(name)) return fail(`the step assigns ${name} twice; write one assignment per carry variable`, start + (m[1] as string).length);
    carry.push(name);
    rhs.push({ text: part.slice(m[0].length), at: start + m[0].length });
  }
  if (carry.length === 0) return fail('the step is empty: write the new carry, as y = sin(y)*a + cos(y*b)', 0);
  const joined = rhs.map((r) => r.text).join(';');
  // a position in the joined right-hand sides, back in the text the user typed
  const back = (p: number): number => {
    let offset = 0;
    for (const r of rhs) {
      if (p <= offset + r.text.length) return r.at + (p - offset);
      offset += r.text.length + 1;
    }
    return text.length;
  };
  try {
    const free = formula(joined).variables;
    const parameters = free.filter((v) => !carry.includes(v));
    const variables = [...carry, ...parameters];
    const fn = formula(joined, { variables }).fn;
    const nc = carry.length;
    const step: ScanStep = (s) => {
      const out = fn(s);
      const next = nc === 1 ? [out as Value] : (out as Value[]);
      return parameters.length === 0 ? next : [...next, ...s.slice(nc)];
    };
    return { ok: true, step: { carry, parameters, variables, step } };
  } catch (err) {
    if (err instanceof FormulaError) {
      // the parser saw only the right-hand sides: say where in the step as typed
      const position = err.position > 0 ? back(err.position - 1) : undefined;
      const message = err.message.replace(/ at position \d+/, position === undefined ? '' : ` at position ${position + 1}`).replace(` in '${joined}'`, ` in '${text}'`);
      return fail(message, position);
    }
    if (err instanceof TypeError) return fail(err.message);
    throw err;
  }
}

/** What one run measured: the recording's own cost accounting, the value and the gradient. */
export interface ScanMeasurement {
  /** Snapshots, or null for the plain loop (every step recorded). */
  readonly checkpoints: number | null;
  readonly value: number;
  readonly gradient: readonly number[];
  /**
   * The cost as the forward run left it, before the sweep: what the recording stores then
   * (`storedValues` counts the carries a checkpointed scan keeps for its sweep, which the
   * sweep uses up).
   */
  readonly recorded: RecordingCost;
  /** The cost after the backward sweep: what the sweep re-ran, and its peak bytes. */
  readonly cost: RecordingCost;
  /** Primitive evaluations in all: the forward run and the sweep's re-runs. */
  readonly evaluations: number;
  readonly milliseconds: number;
}

const now = () => globalThis.performance.now();

/**
 * Records the real `scan(step, init, length, { checkpoints })` (first carry component as the
 * output), sweeps it backward once (what `grad` does), and reads the recording's cost.
 *
 * @example
 * ```ts
 * const p = parseStep('y = sin(y)*a + cos(y*b)');
 * if (p.ok) measureScan(p.step.step, [0.5, 0.5, 0.3], 1000, 16).cost.stepsRecomputed;
 * ```
 */
export function measureScan(step: ScanStep, init: readonly number[], length: number, checkpoints: number | null): ScanMeasurement {
  const t0 = now();
  const tape = record((x) => scan(step, x, length, checkpoints === null ? undefined : { checkpoints })[0] as Value, init);
  try {
    const value = tape.output as number;
    const recorded = tape.cost;
    const gradient = tape.backward(1);
    const cost = tape.cost;
    return { checkpoints, value, gradient, recorded, cost, evaluations: cost.forwardEvaluations + cost.sweepEvaluations, milliseconds: now() - t0 };
  } finally {
    tape.release();
  }
}

/** The sweep's predicted re-run primitive evaluations for c snapshots (the schedule's steps plus one recorded run of each). */
function predictedSweep(length: number, c: number, perStep: number): number {
  return (binomialRecomputations(length, c) + length) * Math.max(1, perStep);
}

const isStackOverflow = (err: unknown) => err instanceof RangeError && /call stack/i.test(err.message);

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
    plain = measureScan(parsed.step.step, init, k, null);
  } catch (err) {
    return { ok: false, field: 'step', message: (err as Error).message };
  }
  const perStep = plain.cost.forwardEvaluations / k;
  let chosen = plain;
  if (c !== null) {
    const predicted = predictedSweep(k, c, perStep);
    if (predicted > SWEEP_BUDGET) {
      return {
        ok: false, field: 'checkpoints',
        message: `c = ${c} with k = ${k} would re-run ${binomialRecomputations(k, c).toLocaleString('en-US')} steps in the sweep ` +
          `(${predicted.toLocaleString('en-US')} primitive evaluations); this page runs at most ${SWEEP_BUDGET.toLocaleString('en-US')}: raise c or lower k`,
      };
    }
    try {
      chosen = measureScan(parsed.step.step, init, k, c);
    } catch (err) {
      if (isStackOverflow(err)) {
        return { ok: false, field: 'checkpoints', message: `c = ${c}: dualtape's revolve schedule recursed deeper than this browser's call stack allows (it nests once per snapshot); choose a smaller c` };
      }
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

/**
 * The snapshot counts the plot measures: 1, 2, 4, ... below k, then k.
 *
 * @example
 * ```ts
 * curveCheckpoints(10); // [1, 2, 4, 8, 10]
 * ```
 */
export function curveCheckpoints(length: number): number[] {
  const cs: number[] = [];
  for (let c = 1; c < length; c *= 2) cs.push(c);
  cs.push(length);
  return cs;
}

/**
 * Measures the plain recording and every c of {@link curveCheckpoints} (plus `extra`, the
 * chosen c), leaving out those over the sweep budget or that overflow the call stack.
 *
 * @example
 * ```ts
 * const a = analyzeScan(DEFAULT_SCAN);
 * if (a.ok) tradeoffCurve(a.model).points.length; // 11: the plain recording and c = 1, 2, 4, ..., 256, 500
 * ```
 */
export function tradeoffCurve(model: ScanModel, extra: readonly number[] = []): TradeoffCurve {
  const k = model.input.length;
  const cs = [...new Set([...curveCheckpoints(k), ...extra.filter((c) => Number.isInteger(c) && c >= 1 && c <= k)])].sort((a, b) => a - b);
  const points: ScanMeasurement[] = [model.plain];
  const skipped: { checkpoints: number; reason: string }[] = [];
  for (const c of cs) {
    if (model.chosen.checkpoints === c) {
      points.push(model.chosen);
      continue;
    }
    const predicted = predictedSweep(k, c, model.perStep);
    if (predicted > SWEEP_BUDGET) {
      skipped.push({ checkpoints: c, reason: `over the page's budget: ${predicted.toLocaleString('en-US')} primitive evaluations to re-run` });
      continue;
    }
    try {
      points.push(measureScan(model.parsed.step, model.init, k, c));
    } catch (err) {
      if (!isStackOverflow(err)) throw err;
      skipped.push({ checkpoints: c, reason: 'the schedule recursed deeper than the call stack allows' });
    }
  }
  return { points, skipped };
}
