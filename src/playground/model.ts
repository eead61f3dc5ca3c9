// The playground's one door into dualtape: formula + point + seeds in, every number the page shows out (the page computes none itself).
import {
  computationalGraph,
  forwardTrace,
  jacobianReport,
  reverseTrace,
  type ComputationalGraph,
  type ForwardTraceTable,
  type ReverseTraceTable,
} from '../index';
import { formula, FormulaError } from '../expr/index';
import { derivativePrograms, type Programs } from './programs';

/** The forward seed: the unit tangent of one input (a column of J), or any direction (a JVP). */
export type ForwardSeed = { readonly kind: 'input'; readonly index: number } | { readonly kind: 'direction'; readonly vector: readonly number[] };

/** What the user asked for. `point` maps variable names to values; missing ones default to 1. */
export interface PlaygroundInput {
  readonly formula: string;
  readonly point: Readonly<Record<string, number>>;
  readonly seed: ForwardSeed;
  /** The output whose adjoint is seeded with 1 (a row of J). */
  readonly output: number;
}

/** Cost of the full Jacobian in one mode. */
export interface ModeCost {
  readonly passes: number;
  readonly primitiveEvaluations: number;
  readonly valuesStored: number;
}

/** The analysis shown by the page; every number in it comes from the library. */
export interface PlaygroundModel {
  readonly formula: string;
  readonly variables: readonly string[];
  readonly point: readonly number[];
  readonly outputNames: readonly string[];
  /** The seed actually used (a unit seed is clamped to an existing input). */
  readonly seed: ForwardSeed;
  readonly seedVector: readonly number[];
  readonly output: number;
  readonly graph: ComputationalGraph;
  readonly forward: ForwardTraceTable;
  readonly reverse: ReverseTraceTable;
  /** The tangent and adjoint programs `compile(f, x).source(...)` prints, line by line (the code view). */
  readonly programs: Programs;
  /** The m × n Jacobian, rows = outputs. */
  readonly jacobian: readonly (readonly number[])[];
  readonly cost: {
    readonly n: number;
    readonly m: number;
    readonly primitives: number;
    readonly forward: ModeCost;
    readonly reverse: ModeCost;
    readonly auto: 'forward' | 'reverse';
    readonly reason: string;
  };
}

/**
 * A result of {@link analyze}: the model, or an error and the field it belongs to: the formula
 * (`position`: 0-based character), one variable's point value, or the direction.
 */
export type Analysis =
  | { readonly ok: true; readonly model: PlaygroundModel }
  | {
    readonly ok: false;
    readonly message: string;
    readonly field: 'formula' | 'point' | 'direction';
    readonly position?: number | undefined;
    /** For a point error: the variable whose value is wrong. */
    readonly variable?: string;
  };

/**
 * Output names that no variable has: y (y1, y2, ...) as the seed notes write them, unless a
 * variable is called y or y<digits>; then f, g, out, in that order.
 *
 * @example
 * ```ts
 * outputNamesFor(['x', 'y'], 2, true); // ['f1', 'f2']
 * ```
 */
export function outputNamesFor(variables: readonly string[], m: number, isVector: boolean): string[] {
  for (const base of ['y', 'f', 'g', 'out']) {
    // y1 next to a variable y reads as its component: keep clear of base and base + digits alike
    const taken = variables.some((v) => v === base || new RegExp(`^${base}\\d+$`).test(v));
    if (!taken) return isVector ? Array.from({ length: m }, (_, i) => `${base}${i + 1}`) : [base];
  }
  return Array.from({ length: m }, (_, i) => `output${i + 1}`);
}

/**
 * Runs the library on the user's formula: records it, builds both trace tables, the graph,
 * the Jacobian and the cost comparison.
 *
 * @example
 * ```ts
 * const a = analyze({ formula: 'ln(x1) + x1*x2 - sin(x2)', point: { x1: 2, x2: 5 }, seed: { kind: 'input', index: 0 }, output: 0 });
 * if (a.ok) a.model.reverse.gradient; // [5.5, 1.7163378145367738]
 * ```
 */
export function analyze(input: PlaygroundInput): Analysis {
  let compiled;
  try {
    compiled = formula(input.formula);
  } catch (err) {
    // FormulaError positions are 1-based columns (0 = unknown); the page's caret wants 0-based
    if (err instanceof FormulaError) {
      return { ok: false, field: 'formula', message: err.message, position: err.position > 0 ? err.position - 1 : undefined };
    }
    if (err instanceof TypeError) return { ok: false, field: 'formula', message: err.message, position: 0 };
    throw err;
  }
  const variables = compiled.variables;
  const n = variables.length;
  const point = variables.map((v) => input.point[v] ?? 1);
  const bad = variables.find((v, i) => !Number.isFinite(point[i]));
  if (bad !== undefined) {
    return { ok: false, field: 'point', variable: bad, message: `${bad} must be a finite number, as 2 or -0.5 or 1e-3` };
  }
  const f = compiled.fn;
  if (input.seed.kind === 'direction') {
    const v = input.seed.vector;
    if (v.length !== n) {
      return {
        ok: false, field: 'direction',
        message: `the direction needs ${n} number${n === 1 ? '' : 's'}, one per variable (${variables.join(', ')}), separated by commas; got ${v.length}`,
      };
    }
    const k = v.findIndex((e) => !Number.isFinite(e));
    if (k >= 0) return { ok: false, field: 'direction', message: `the direction's entry ${k + 1} (for ${variables[k]}) is not a number` };
  }
  const seed: ForwardSeed =
    input.seed.kind === 'input'
      ? { kind: 'input', index: Math.min(Math.max(0, input.seed.index), Math.max(0, n - 1)) }
      : { kind: 'direction', vector: [...input.seed.vector] };
  const seedVector = seed.kind === 'input' ? variables.map((_, i) => (i === seed.index ? 1 : 0)) : [...seed.vector];
  const m = compiled.outputCount;
  const output = Math.min(Math.max(0, input.output), m - 1);
  const yBar = compiled.isVector ? Array.from({ length: m }, (_, i) => (i === output ? 1 : 0)) : 1;
  try {
    const names = { inputNames: variables, outputNames: outputNamesFor(variables, m, compiled.isVector) };
    const forward = forwardTrace(f, point, { ...names, seed: seedVector });
    const reverse = reverseTrace(f, point, { ...names, yBar });
    const graph = computationalGraph(f, point, { ...names, annotate: 'both', seed: seedVector, yBar });
    // #4's report computes J both ways and counts what each mode paid
    const report = jacobianReport(f, point);
    const auto = report.auto.mode;
    const cost = {
      n: report.n, m: report.m, primitives: report.primitives,
      forward: { passes: report.forward.passes, primitiveEvaluations: report.forward.primitiveEvaluations, valuesStored: report.forward.valuesStored },
      reverse: { passes: report.reverse.passes, primitiveEvaluations: report.reverse.primitiveEvaluations, valuesStored: report.reverse.valuesStored },
      auto,
      reason: report.auto.reason,
    };
    const jacobian = auto === 'forward' ? report.forward.jacobian : report.reverse.jacobian;
    const programs = derivativePrograms(f, point, forward.rows.filter((r) => r.kind !== 'output').length);
    return {
      ok: true,
      model: {
        formula: input.formula, variables, point, outputNames: forward.outputNames, seed, seedVector, output,
        graph, forward, reverse, programs, jacobian, cost,
      },
    };
  } catch (err) {
    return { ok: false, field: 'formula', message: (err as Error).message };
  }
}
