// The playground's spy plot: J's sparsity pattern read from the recording, each nonzero coloured by its column's colour group.
/// <reference lib="dom" />
import { sparsityReport } from '../index';
import { formula } from '../expr/index';

/** Colour groups past the palette's length reuse it (the letter in each cell's title still tells them apart). */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** What the plot shows: one cell per structural nonzero, with its column's colour group. */
export interface SpyModel {
  readonly m: number;
  readonly n: number;
  readonly cells: readonly { readonly row: number; readonly col: number; readonly color: number }[];
  /** Compressed forward passes (column colours) and reverse sweeps (row colours). */
  readonly forwardPasses: number;
  readonly reverseSweeps: number;
}

/** The pattern and column colouring of the formula's Jacobian at the point (computed by the library, not the page). */
export function spyModel(formulaText: string, point: readonly number[]): SpyModel {
  const r = sparsityReport(formula(formulaText).fn, point).jacobian;
  const rows = r.pattern.rowIndices();
  const cells = Array.from(r.pattern.cols, (col, k) => ({ row: rows[k] as number, col, color: r.columnColors[col] as number }));
  return { m: r.pattern.shape[0], n: r.pattern.shape[1], cells, forwardPasses: r.forwardPasses, reverseSweeps: r.reverseSweeps };
}

/** The spy plot as a figure: an SVG grid (rows = outputs, columns = inputs) and a caption with the pass counts. */
export function renderSpyPlot(model: { formula: string; point: readonly number[]; variables: readonly string[]; outputNames: readonly string[] }): HTMLElement {
  const s = spyModel(model.formula, model.point);
  const size = Math.max(8, Math.min(28, Math.floor(240 / Math.max(s.m, s.n, 1))));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('id', 'spy-plot');
  svg.setAttribute('width', String(s.n * size + 2));
  svg.setAttribute('height', String(s.m * size + 2));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `sparsity pattern of J: ${s.cells.length} structural nonzeros of ${s.m * s.n}`);
  const frame = document.createElementNS(ns, 'rect');
  for (const [k, v] of Object.entries({ x: 0.5, y: 0.5, width: s.n * size + 1, height: s.m * size + 1, fill: 'none', stroke: '#999' })) frame.setAttribute(k, String(v));
  svg.append(frame);
  for (const c of s.cells) {
    const rect = document.createElementNS(ns, 'rect');
    const attrs = { x: 1 + c.col * size + 1, y: 1 + c.row * size + 1, width: size - 2, height: size - 2, fill: PALETTE[c.color % PALETTE.length] as string, 'data-color': c.color };
    for (const [k, v] of Object.entries(attrs)) rect.setAttribute(k, String(v));
    const title = document.createElementNS(ns, 'title');
    title.textContent = `∂${model.outputNames[c.row] ?? `y${c.row + 1}`}/∂${model.variables[c.col] ?? `x${c.col + 1}`}: colour group ${c.color + 1}`;
    rect.append(title);
    svg.append(rect);
  }
  const figure = document.createElement('figure');
  figure.setAttribute('id', 'spy');
  const caption = document.createElement('figcaption');
  caption.textContent =
    `Sparsity pattern of J, read from the Wengert list; columns of one colour share no row, so one compressed forward pass ` +
    `gives them all: ${s.forwardPasses} ${s.forwardPasses === 1 ? 'pass' : 'passes'} instead of n = ${s.n} ` +
    `(reverse: ${s.reverseSweeps} ${s.reverseSweeps === 1 ? 'sweep' : 'sweeps'} instead of m = ${s.m}).`;
  figure.append(svg, caption);
  return figure;
}
