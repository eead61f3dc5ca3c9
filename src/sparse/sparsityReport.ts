// The sparsity of f at x for teaching: patterns, colourings and the passes they save, as data and as text.
import { WengertList } from '../reverse/wengertList';
import { describe } from '../ops/value';
import type { VectorFunction } from '../internal/validate';
import { columnColoring, rowColoring, starColoring } from './coloring';
import { hessianPattern, jacobianDependencies, jacobianPatternOf, recordForSparsity, type SparsityPattern } from './pattern';

/**
 * The sparsity of f at x: the Jacobian's pattern with its column colouring (forward mode) and
 * row colouring (reverse mode), and for a scalar f the Hessian's pattern with its star
 * colouring; each with the passes it needs compressed and dense.
 *
 * @example
 * ```ts
 * import { sparsityReport, sub, type Value } from 'dualtape';
 * const r = sparsityReport((x: Value[]) => [sub(x[1], x[0]), sub(x[2], x[1])], [1, 2, 3]);
 * [r.jacobian.forwardPasses, r.jacobian.densePasses.forward]; // [2, 3]
 * ```
 */
export interface SparsityReport {
  readonly jacobian: {
    readonly pattern: SparsityPattern;
    /** Colour of each column (input) in forward mode; one compressed forward pass per colour. */
    readonly columnColors: readonly number[];
    /** Colour of each row (output) in reverse mode; one compressed backward sweep per colour. */
    readonly rowColors: readonly number[];
    readonly forwardPasses: number;
    readonly reverseSweeps: number;
    /** Without sparsity: n forward passes, m backward sweeps. */
    readonly densePasses: { readonly forward: number; readonly reverse: number };
  };
  /** For a scalar f: the Hessian's pattern, its star colouring, and Hessian-vector products compressed vs dense (n). */
  readonly hessian?: {
    readonly pattern: SparsityPattern;
    readonly colors: readonly number[];
    readonly products: number;
    readonly denseProducts: number;
  };
}

/** @internal The report of a finished recording (what jacobianReport reuses). */
export function sparsityOfRecording(tape: WengertList): SparsityReport {
  const flat = tape.flat();
  const pattern = jacobianPatternOf(jacobianDependencies(flat, true));
  const byColumns = columnColoring(pattern);
  const byRows = rowColoring(pattern);
  const report: SparsityReport = {
    jacobian: {
      pattern,
      columnColors: Array.from(byColumns.colors),
      rowColors: Array.from(byRows.colors),
      forwardPasses: byColumns.count,
      reverseSweeps: byRows.count,
      densePasses: { forward: pattern.shape[1], reverse: pattern.shape[0] },
    },
  };
  if (tape.outputIsArray) return report;
  const h = hessianPattern(flat, true);
  const star = starColoring(h);
  return { ...report, hessian: { pattern: h, colors: Array.from(star.colors), products: star.count, denseProducts: h.shape[0] } };
}

/**
 * Reads the sparsity of f at x from one recording: the Jacobian pattern and its colourings,
 * and for a scalar f the Hessian pattern and its star colouring. Patterns are local to the
 * branch f takes at x.
 *
 * @example
 * ```ts
 * import { sparsityReport, renderSparsityReport, mul, sin, type Value } from 'dualtape';
 * const r = sparsityReport((x: Value[]) => [mul(x[0], x[1]), sin(x[2])], [1, 2, 3]);
 * r.jacobian.forwardPasses; // 2
 * console.log(renderSparsityReport(r));
 * ```
 */
export function sparsityReport(f: VectorFunction, x: ArrayLike<number>): SparsityReport {
  return sparsityOfRecording(recordForSparsity('sparsityReport', f, x));
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const letter = (c: number) => (c < LETTERS.length ? LETTERS[c] as string : `(${c})`);

/** A spy plot: each nonzero shown as the colour letter of its column (or row), `·` for a structural zero. */
function spy(p: SparsityPattern, colourOf: (i: number, j: number) => number, rowName: (i: number) => string, colName: (j: number) => string): string[] {
  const [m, n] = p.shape;
  const cells = Array.from({ length: m }, () => new Array<string>(n).fill('·'));
  for (let i = 0; i < m; i++) {
    for (let s = p.rowStarts[i] as number; s < (p.rowStarts[i + 1] as number); s++) {
      const j = p.cols[s] as number;
      (cells[i] as string[])[j] = letter(colourOf(i, j));
    }
  }
  const w = Math.max(1, ...Array.from({ length: n }, (_, j) => colName(j).length));
  const rw = Math.max(...Array.from({ length: m }, (_, i) => rowName(i).length), 1);
  const header = `  ${''.padEnd(rw)}   ${Array.from({ length: n }, (_, j) => colName(j).padStart(w)).join(' ')}`;
  return [header, ...cells.map((row, i) => `  ${rowName(i).padEnd(rw)} [ ${row.map((c) => c.padStart(w)).join(' ')} ]`)];
}

/**
 * The report as text: spy plots of the patterns, each nonzero shown by its colour's letter,
 * and the passes compressed vs dense.
 *
 * @example
 * ```ts
 * import { sparsityReport, renderSparsityReport, sub, type Value } from 'dualtape';
 * console.log(renderSparsityReport(sparsityReport((x: Value[]) => [sub(x[1], x[0]), sub(x[2], x[1])], [1, 2, 3])));
 * ```
 */
export function renderSparsityReport(report: SparsityReport, options: { inputNames?: readonly string[]; outputNames?: readonly string[] } = {}): string {
  if (typeof report !== 'object' || report === null || typeof report.jacobian !== 'object') {
    throw new TypeError(`renderSparsityReport: report must be the result of sparsityReport, got ${describe(report)}`);
  }
  const J = report.jacobian;
  const [m, n] = J.pattern.shape;
  const xName = (j: number) => options.inputNames?.[j] ?? `x${j + 1}`;
  const yName = (i: number) => options.outputNames?.[i] ?? (m === 1 ? 'y' : `y${i + 1}`);
  const listing = (colors: readonly number[], name: (k: number) => string) => colors.map((c, k) => `${name(k)} ${letter(c)}`).join(', ');
  const lines = [
    `Jacobian pattern (${m} × ${n}, ${J.pattern.nnz} structural nonzeros; letter = the column's colour):`,
    ...spy(J.pattern, (_, j) => J.columnColors[j] as number, yName, xName),
    `forward mode: ${count(J.forwardPasses, 'colour')} of columns (${listing(J.columnColors, xName)}) -> ${count(J.forwardPasses, 'compressed pass', 'compressed passes')} instead of n = ${J.densePasses.forward}`,
    `reverse mode: ${count(J.reverseSweeps, 'colour')} of rows (${listing(J.rowColors, yName)}) -> ${count(J.reverseSweeps, 'compressed sweep')} instead of m = ${J.densePasses.reverse}`,
  ];
  if (report.hessian !== undefined) {
    const H = report.hessian;
    lines.push(
      '',
      `Hessian pattern (${H.denseProducts} × ${H.denseProducts}, ${H.pattern.nnz} structural nonzeros; letter = the column's star colour):`,
      ...spy(H.pattern, (_, j) => H.colors[j] as number, xName, xName),
      `star colouring: ${count(H.products, 'colour')} (${listing(H.colors, xName)}) -> ${count(H.products, 'Hessian-vector product')} instead of n = ${H.denseProducts}`,
    );
  }
  lines.push('(patterns are local to the branch f takes at this point)');
  return lines.join('\n');
}

/** `1 colour`, `2 colours`: counted nouns for the report's sentences. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
