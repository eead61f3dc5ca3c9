// The scan panel's plot: peak memory against primitive evaluations as the number of checkpoints varies, log-log, from measured counts.
/// <reference lib="dom" />
import type { ScanMeasurement } from './scanModel';

/** Drawing area in SVG user units (the SVG scales to its box through its viewBox). */
const W = 460;
const H = 300;
const MARGIN = { left: 62, right: 20, top: 14, bottom: 48 };

/** A log-scale axis: where a value goes, and its ticks. */
export interface LogAxis {
  readonly at: (v: number) => number;
  readonly ticks: readonly { readonly value: number; readonly position: number; readonly label: string }[];
}

/**
 * A short label: 1500 → '1.5k', 2e6 → '2M'.
 *
 * @example
 * ```ts
 * compact(132060); // '132k'
 * ```
 */
export function compact(v: number): string {
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) if (v >= size) return `${Number((v / size).toPrecision(3))}${suffix}`;
  return String(Number(v.toPrecision(3)));
}

/**
 * A log axis from `lo` to `hi` (padded by a fifth of a decade each side) mapped onto
 * [from, to]; ticks at 1, 2 and 5 times the powers of ten when the range spans under three
 * decades, else at the powers of ten.
 *
 * @example
 * ```ts
 * logAxis(100, 10000, 0, 200).ticks.map((t) => t.label); // ['100', '200', '500', '1k', ...]
 * ```
 */
export function logAxis(lo: number, hi: number, from: number, to: number): LogAxis {
  const a = Math.log10(Math.max(lo, 1e-300)) - 0.2;
  const b = Math.log10(Math.max(hi, lo, 1e-300)) + 0.2;
  const at = (v: number) => from + ((Math.log10(v) - a) / (b - a)) * (to - from);
  const steps = b - a < 3 ? [1, 2, 5] : [1];
  const ticks: { value: number; position: number; label: string }[] = [];
  for (let e = Math.floor(a); e <= Math.ceil(b); e++) {
    for (const s of steps) {
      const value = s * 10 ** e;
      const l = Math.log10(value);
      if (l >= a && l <= b) ticks.push({ value, position: at(value), label: compact(value) });
    }
  }
  return { at, ticks };
}

/** Where each measurement goes: x = primitive evaluations in all, y = peak bytes. */
export interface TradeoffGeometry {
  readonly x: LogAxis;
  readonly y: LogAxis;
  readonly points: readonly { readonly m: ScanMeasurement; readonly cx: number; readonly cy: number }[];
}

/**
 * Lays out the measurements on log-log axes (the plain recording included).
 *
 * @example
 * ```ts
 * tradeoffGeometry(curve.points).points[0].cx; // the plain recording: fewest evaluations, leftmost
 * ```
 */
export function tradeoffGeometry(points: readonly ScanMeasurement[]): TradeoffGeometry {
  const xs = points.map((p) => Math.max(1, p.evaluations));
  const ys = points.map((p) => Math.max(1, p.cost.peakBytes));
  const x = logAxis(Math.min(...xs), Math.max(...xs), MARGIN.left, W - MARGIN.right);
  const y = logAxis(Math.min(...ys), Math.max(...ys), H - MARGIN.bottom, MARGIN.top);
  return { x, y, points: points.map((m, i) => ({ m, cx: x.at(xs[i] as number), cy: y.at(ys[i] as number) })) };
}

const NS = 'http://www.w3.org/2000/svg';
function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The plot as an SVG: the checkpointed runs joined in order of c, the plain recording as a
 * square, the chosen run (`current`: a number of checkpoints, or null for the plain one) ringed.
 *
 * @example
 * ```ts
 * document.body.append(renderTradeoffPlot(curve.points, 16));
 * ```
 */
export function renderTradeoffPlot(points: readonly ScanMeasurement[], current: number | null): SVGSVGElement {
  const g = tradeoffGeometry(points);
  const chosen = points.find((p) => p.checkpoints === current);
  const svg = el('svg', {
    id: 'tradeoff-plot', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `peak bytes against primitive evaluations for ${points.length - 1} numbers of checkpoints and the plain recording` +
      (chosen === undefined ? '' : `; the chosen ${current === null ? 'plain recording' : `c = ${current}`}: ${chosen.cost.peakBytes} bytes, ${chosen.evaluations} evaluations`),
  });
  const bottom = H - MARGIN.bottom;
  for (const t of g.x.ticks) {
    svg.append(el('line', { class: 'grid', x1: t.position, x2: t.position, y1: MARGIN.top, y2: bottom }));
    svg.append(el('text', { class: 'tick', x: t.position, y: bottom + 18, 'text-anchor': 'middle' }, t.label));
  }
  for (const t of g.y.ticks) {
    svg.append(el('line', { class: 'grid', x1: MARGIN.left, x2: W - MARGIN.right, y1: t.position, y2: t.position }));
    svg.append(el('text', { class: 'tick', x: MARGIN.left - 6, y: t.position + 4, 'text-anchor': 'end' }, t.label));
  }
  svg.append(el('rect', { class: 'frame', x: MARGIN.left, y: MARGIN.top, width: W - MARGIN.left - MARGIN.right, height: bottom - MARGIN.top }));
  svg.append(el('text', { class: 'axis', x: (MARGIN.left + W - MARGIN.right) / 2, y: H - 8, 'text-anchor': 'middle' }, 'primitive evaluations (forward run + sweep)'));
  svg.append(el('text', { class: 'axis', x: 14, y: (MARGIN.top + bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(MARGIN.top + bottom) / 2})` }, 'peak bytes'));
  const curve = g.points.filter((p) => p.m.checkpoints !== null).sort((a, b) => (a.m.checkpoints as number) - (b.m.checkpoints as number));
  svg.append(el('polyline', { class: 'curve', points: curve.map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(' ') }));
  for (const p of g.points) {
    const c = p.m.checkpoints;
    const isCurrent = c === current;
    const label = c === null ? 'plain' : `c=${c}`;
    const mark = c === null
      ? el('rect', { class: `point plain${isCurrent ? ' current' : ''}`, x: p.cx - 5, y: p.cy - 5, width: 10, height: 10, 'data-c': 'plain' })
      : el('circle', { class: `point${isCurrent ? ' current' : ''}`, cx: p.cx, cy: p.cy, r: isCurrent ? 7 : 4.5, 'data-c': c });
    mark.append(el('title', {}, `${c === null ? 'plain recording' : `c = ${c} checkpoints`}: ${p.m.cost.peakBytes.toLocaleString('en-US')} peak bytes, ` +
      `${p.m.evaluations.toLocaleString('en-US')} primitive evaluations`));
    svg.append(mark);
    // labels sit right of the point, or left near the right edge
    const right = p.cx < W - MARGIN.right - 60;
    svg.append(el('text', { class: `label${isCurrent ? ' current' : ''}`, x: p.cx + (right ? 9 : -9), y: p.cy - 6, 'text-anchor': right ? 'start' : 'end' }, label));
  }
  return svg;
}
