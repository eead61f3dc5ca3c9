// Computes J both ways and accounts for what each mode paid: passes, primitive evaluations, values stored.
import { jacobianColumn } from '../forward/api';
import { describe } from '../ops/value';
import { record, type RecordingCost } from '../reverse/wengertList';
import { chooseJacobianMode, jacobianModeCost } from '../transforms/jacobian';
import { defaultChunkSize } from '../forward/chunk';
import { checkFunction, checkVector, type VectorFunction } from '../internal/validate';
import { formatNumber } from './format';
import { renderSparsityReport, sparsityOfRecording, type SparsityReport } from '../sparse/sparsityReport';

/**
 * One forward pass: the seed it ran with and the Jacobian column it produced.
 *
 * @example
 * ```ts
 * import { jacobianReport, workedExample } from 'dualtape';
 * jacobianReport(workedExample, [2, 5]).forward.passList[0]; // { pass: 1, seed: [1, 0], column: 0, values: [5.5] }
 * ```
 */
export interface ForwardPass {
  /** 1-based pass number. */
  readonly pass: number;
  /** The input tangent e_j. */
  readonly seed: readonly number[];
  /** The input j (0-based) whose column this pass gives. */
  readonly column: number;
  readonly values: readonly number[];
}

/**
 * One backward sweep: the output adjoint it ran with and the Jacobian row it produced.
 *
 * @example
 * ```ts
 * import { jacobianReport, workedExample } from 'dualtape';
 * jacobianReport(workedExample, [2, 5]).reverse.sweeps[0].values; // [5.5, 1.7163378145367738]: row 0
 * ```
 */
export interface ReverseSweep {
  /** 1-based sweep number. */
  readonly sweep: number;
  /** The output adjoint e_i. */
  readonly yBar: readonly number[];
  /** The output i (0-based) whose row this sweep gives. */
  readonly row: number;
  readonly values: readonly number[];
  /** Primitives whose partials this sweep evaluated (entries with a zero adjoint are skipped). */
  readonly primitivesSwept: number;
}

/**
 * What {@link jacobianReport} returns.
 *
 * @example
 * ```ts
 * import { jacobianReport, workedExample } from 'dualtape';
 * const r = jacobianReport(workedExample, [2, 5]);
 * [r.forward.passes, r.reverse.passes]; // [2, 1]: n columns vs m rows
 * ```
 */
export interface JacobianReport {
  /** Inputs. */
  readonly n: number;
  /** Outputs. */
  readonly m: number;
  /** Primitives in one evaluation of f (Wengert-list entries that are not inputs). */
  readonly primitives: number;
  readonly forward: {
    readonly jacobian: readonly (readonly number[])[];
    /** n: one per input. */
    readonly passes: number;
    readonly passList: readonly ForwardPass[];
    /** n × primitives: every pass evaluates every primitive with its tangent. */
    readonly primitiveEvaluations: number;
    /** Values kept for later: none (a pass forgets each value once its users have run). */
    readonly valuesStored: number;
    /**
     * What `jacfwd` actually does by default: ceil(n / chunkSize) passes, each carrying
     * chunkSize tangents, so each primitive's partials are evaluated once per chunk.
     */
    readonly chunked: { readonly chunkSize: number; readonly passes: number };
  };
  readonly reverse: {
    readonly jacobian: readonly (readonly number[])[];
    /** m: one backward sweep per output (after one recording). */
    readonly passes: number;
    readonly sweeps: readonly ReverseSweep[];
    /** The recording's primitives plus the primitives each sweep differentiated. */
    readonly primitiveEvaluations: number;
    /** Wengert-list entries (inputs included) kept until the last sweep: reverse mode's memory. */
    readonly valuesStored: number;
    /**
     * The recording's own account after the sweeps: values and bytes stored, and what the
     * sweeps recomputed (nonzero where f uses `checkpoint` or a checkpointed `scan`).
     */
    readonly recording: RecordingCost;
  };
  /** Largest |J_forward - J_reverse| over all entries. */
  readonly maxDifference: number;
  /** The mode `jacobian(f, x)` picks by default, and why. */
  readonly auto: { readonly mode: 'forward' | 'reverse'; readonly reason: string };
  /** The sparsity pattern read from the recording, its colourings, and the passes compressed vs dense (see sparseJacobian); undefined where f made checkpointed calls, whose insides the recording does not keep. */
  readonly sparsity: SparsityReport | undefined;
}

/**
 * Computes the Jacobian of f at x in both modes and accounts for the cost of each: passes,
 * primitive evaluations and values stored; also which column each forward pass produced,
 * which row each backward sweep produced, and which mode `jacobian` picks and why.
 *
 * @example
 * ```ts
 * import { jacobianReport, workedExample } from 'dualtape';
 * const r = jacobianReport(workedExample, [2, 5]);
 * r.forward.passes; // 2 (n = 2 inputs)
 * r.reverse.passes; // 1 (m = 1 output)
 * r.auto.mode; // 'reverse'
 * r.reverse.valuesStored; // 7
 * ```
 */
export function jacobianReport(f: VectorFunction, x: ArrayLike<number>): JacobianReport {
  checkFunction('jacobianReport', f);
  const xs = checkVector('jacobianReport', 'x', x).map((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`jacobianReport: x[${i}] must be a plain number, got ${describe(v)}`);
    return v;
  });
  const tape = record(f, xs);
  const n = tape.inputCount;
  const m = tape.outputCount;
  // Primitives inside checkpointed calls count too (the list stores only the calls' outputs).
  const primitives = tape.cost.forwardEvaluations;

  const passList: ForwardPass[] = [];
  const Jf: number[][] = Array.from({ length: m }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const col = jacobianColumn(f, xs, j) as number[];
    col.forEach((v, i) => {
      (Jf[i] as number[])[j] = v;
    });
    passList.push({ pass: j + 1, seed: xs.map((_, k) => (k === j ? 1 : 0)), column: j, values: col });
  }

  const sweeps: ReverseSweep[] = [];
  for (let i = 0; i < m; i++) {
    const yBar = Array.from({ length: m }, (_, k) => (k === i ? 1 : 0));
    const swept = new Set<number>();
    const adj = tape.adjoints(tape.outputIsArray ? yBar : 1, (u) => swept.add(u.from));
    sweeps.push({ sweep: i + 1, yBar, row: i, values: (adj.slice(0, n) as number[]), primitivesSwept: swept.size });
  }
  const Jr = sweeps.map((s) => [...s.values]);

  let maxDifference = 0;
  Jf.forEach((row, i) => row.forEach((v, j) => {
    maxDifference = Math.max(maxDifference, Math.abs(v - ((Jr[i] as number[])[j] as number)));
  }));

  const mode = chooseJacobianMode(n, m);
  const cost = jacobianModeCost(n, m);
  const ns = (v: number) => `${Math.round(v * primitives).toLocaleString('en-US')} ns`;
  const reason =
    `forward makes ${count(cost.forwardPasses, 'pass', 'passes')} of ${count(cost.chunkSize, 'tangent')} (≈ ${ns(cost.forward)}), ` +
    `reverse one recording and ${count(m, 'sweep')} over ${count(tape.length, 'value')} (≈ ${ns(cost.reverse)}), ` +
    `modelled from measured per-primitive costs; ${mode} is cheaper${cost.forward === cost.reverse ? ' (forward wins ties)' : ''}`;
  const report: JacobianReport = {
    n, m, primitives,
    forward: {
      jacobian: Jf, passes: n, passList, primitiveEvaluations: n * primitives, valuesStored: 0,
      chunked: { chunkSize: defaultChunkSize(n), passes: Math.ceil(n / defaultChunkSize(n)) },
    },
    reverse: {
      jacobian: Jr, passes: m, sweeps,
      primitiveEvaluations: primitives + sweeps.reduce((s, w) => s + w.primitivesSwept, 0) + tape.cost.sweepEvaluations,
      valuesStored: tape.length,
      recording: tape.cost,
    },
    maxDifference,
    auto: { mode, reason },
    // A recording with checkpointed calls does not keep their insides: no pattern to read.
    sparsity: tape.flat().calls?.size ? undefined : sparsityOfRecording(tape),
  };
  // The report keeps numbers only; closing the recording gives back what it holds (a custom
  // derivative made inside f keeps its op only while a recording may replay it).
  tape.release();
  return report;
}

/**
 * The report as plain text for a terminal: both Jacobians, the cost table, the pass-by-pass
 * columns and rows, and the `'auto'` choice.
 *
 * @example
 * ```ts
 * import { jacobianReport, renderJacobianReport, workedExample } from 'dualtape';
 * console.log(renderJacobianReport(jacobianReport(workedExample, [2, 5]), { inputNames: ['x1', 'x2'] }));
 * ```
 */
export function renderJacobianReport(
  report: JacobianReport,
  options: { inputNames?: readonly string[]; outputNames?: readonly string[]; digits?: number } = {},
): string {
  if (typeof report !== 'object' || report === null || typeof report.n !== 'number') {
    throw new TypeError(`renderJacobianReport: report must be the result of jacobianReport, got ${describe(report)}`);
  }
  const digits = options.digits ?? 6;
  const fmt = (v: number) => formatNumber(v, digits, false);
  const xName = (j: number) => options.inputNames?.[j] ?? `x${j + 1}`;
  const yName = (i: number) => options.outputNames?.[i] ?? (report.m === 1 ? 'y' : `y${i + 1}`);
  const matrix = (J: readonly (readonly number[])[]) => {
    const cells = J.map((row) => row.map(fmt));
    const w = Math.max(1, ...cells.flat().map((c) => c.length));
    return cells.map((row, i) => `  ${yName(i).padEnd(6)} [ ${row.map((c) => c.padStart(w)).join('  ')} ]`);
  };
  const cost = [
    ['', 'forward', 'reverse'],
    ['passes for J', `${report.forward.passes} (n)`, `${report.reverse.passes} (m) + 1 recording`],
    ['one pass gives', 'a column (J v)', 'a row (u^T J)'],
    ['primitive evaluations', String(report.forward.primitiveEvaluations), String(report.reverse.primitiveEvaluations)],
    ['values stored', String(report.forward.valuesStored), `${report.reverse.valuesStored} (the Wengert list)`],
  ];
  // Checkpointed calls trade stored values for recomputation in the sweeps: shown only where f has them.
  const rec = report.reverse.recording;
  if (rec.calls > 0) {
    cost.push(['recomputed in sweeps', '0', `${count(rec.sweepEvaluations, 'primitive evaluation')} (${count(rec.calls, 'checkpointed call')})`]);
    cost.push(['peak bytes of a sweep', '-', String(rec.peakBytes)]);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...cost.map((r) => (r[c] as string).length)));
  return [
    `f: R^${report.n} -> R^${report.m}, ${count(report.primitives, 'primitive')} per evaluation`,
    '',
    `Jacobian (rows = outputs, columns = ${Array.from({ length: report.n }, (_, j) => xName(j)).join(', ')}):`,
    ...matrix(report.forward.jacobian),
    `forward and reverse agree to ${report.maxDifference === 0 ? 'the last bit' : `within ${report.maxDifference.toExponential(2)}`}`,
    '',
    ...cost.map((r) => r.map((c, k) => c.padEnd(widths[k] as number)).join('   ').trimEnd()),
    '',
    ...report.forward.passList.map((p) => `forward pass ${p.pass}, seed x-dot = [${p.seed.join(', ')}]  -> column ${p.column + 1} (d/d${xName(p.column)}): [${p.values.map(fmt).join(', ')}]`),
    ...report.reverse.sweeps.map((s) => `reverse sweep ${s.sweep}, seed y-bar = [${s.yBar.join(', ')}]  -> row ${s.row + 1} (d${yName(s.row)}/dx): [${s.values.map(fmt).join(', ')}]`),
    '',
    `jacobian(f, x) with mode 'auto' picks ${report.auto.mode}: ${report.auto.reason}`,
    `(the table counts one tangent per forward pass, as the textbook does; jacfwd by default carries up to ` +
      `${count(report.forward.chunked.chunkSize, 'tangent')} per pass, so it makes ${count(report.forward.chunked.passes, 'pass', 'passes')} here)`,
    ...(report.sparsity === undefined ? [] : ['', renderSparsityReport(report.sparsity, { inputNames: report.forward.passList.map((p) => xName(p.column)) })]),
  ].join('\n');
}

/** `1 pass`, `2 passes`, `0 passes`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
