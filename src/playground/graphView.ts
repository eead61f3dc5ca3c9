// Draws the computational graph as inline SVG from the layout, and marks the nodes and edges of the current steps.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { layoutGraph } from './layout';
import type { PlaygroundModel } from './model';
import { fmt } from './steps';

const SVG = 'http://www.w3.org/2000/svg';
/** Node boxes, in SVG units: at scale 1 their 13 px text reads like the tables'. */
const NODE_WIDTH = 124;
const NODE_HEIGHT = 72;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// operator symbols and the seed notes' spelling (ln), so the graph reads like the tables
const OP_SYMBOL: Record<string, string> = { add: '+', sub: '−', mul: '×', div: '÷', neg: '−x', pow: '^', log: 'ln' };

/** What the graph should mark: node tangents/adjoints known so far and the current step of each sweep. */
export interface GraphMarks {
  readonly tangents: ReadonlyMap<string, number>;
  readonly adjoints: ReadonlyMap<string, number>;
  readonly forwardNode: string | undefined;
  readonly reverseNode: string | undefined;
  readonly reverseEdge: { readonly from: string; readonly to: string } | undefined;
  readonly accumulated: boolean;
}

/**
 * Builds the graph's SVG (nodes = inputs, primitives, constants and outputs; edges = data
 * flow, with arrowheads). Node groups carry `data-node` ids so marks can be updated later.
 *
 * @example
 * ```ts
 * container.replaceChildren(renderGraph(model));
 * ```
 */
export function renderGraph(model: PlaygroundModel): SVGSVGElement {
  const g = model.graph;
  // inputs in variable order and outputs in output order, top to bottom (ids n0.., y0.. are in that order)
  const inputs = g.nodes.filter((n) => n.kind === 'input').map((n) => n.id);
  const outputs = g.nodes.filter((n) => n.kind === 'output').map((n) => n.id);
  const layout = layoutGraph(
    g.nodes.map((n) => ({
      id: n.id, pinned: n.kind === 'input',
      rank: n.kind === 'input' ? inputs.indexOf(n.id) : n.kind === 'output' ? outputs.indexOf(n.id) : undefined,
    })),
    g.edges.map((e) => ({ from: e.from, to: e.to })),
    { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, layerGap: 160, nodeGap: 88 },
  );
  // the drawing's own size; the page scales it to its panel through the viewBox (see GraphViewport)
  const svg = el('svg', {
    viewBox: `0 0 ${layout.width} ${layout.height}`, 'data-width': layout.width, 'data-height': layout.height,
    preserveAspectRatio: 'xMidYMid meet', role: 'img', 'aria-labelledby': 'graph-svg-title', class: 'graph',
  });
  svg.append(el('title', { id: 'graph-svg-title' }, `Computational graph of ${model.formula}: ${g.nodes.length} nodes, ${g.edges.length} edges`));
  const defs = el('defs', {});
  for (const [id, color] of [['arrow', '#8c959f'], ['arrow-back', '#c2410c']] as const) {
    const marker = el('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: color }));
    defs.append(marker);
  }
  svg.append(defs);
  const edges = el('g', { class: 'edges' });
  for (const e of layout.edges) {
    edges.append(el('path', { class: 'edge', d: e.path, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }));
  }
  svg.append(edges);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const nodes = el('g', { class: 'nodes' });
  const w = layout.nodeWidth;
  const h = layout.nodeHeight;
  for (const p of layout.nodes) {
    const n = byId.get(p.id)!;
    const group = el('g', { class: `node ${n.kind}`, 'data-node': n.id, transform: `translate(${p.x} ${p.y})` });
    group.append(el('rect', { x: -w / 2, y: -h / 2, width: w, height: h, rx: 8 }));
    if (n.kind === 'constant') {
      group.append(el('text', { class: 'name', y: 0 }, n.name));
    } else {
      const what = n.kind === 'input' ? n.op : n.kind === 'output' ? `= ${n.expression}` : (OP_SYMBOL[n.op] ?? n.op);
      group.append(el('text', { class: 'name', y: -24 }, `${n.name}  ${what}`));
      group.append(el('text', { class: 'value', y: -8 }, fmt(n.value)));
      group.append(el('text', { class: 'tangent', y: 8 }, ''));
      group.append(el('text', { class: 'adjoint', y: 24 }, ''));
    }
    group.append(el('title', {}, `${n.name} = ${n.expression} = ${n.value}`));
    nodes.append(group);
  }
  svg.append(nodes);
  return svg;
}

/**
 * Updates the marks of a graph drawn by {@link renderGraph}: tangents and running adjoints
 * on the nodes, the current node of each sweep, and the edge an adjoint is flowing back along.
 *
 * @example
 * ```ts
 * markGraph(svg, { tangents, adjoints, forwardNode: 'n2', reverseNode: undefined, reverseEdge: undefined, accumulated: false });
 * ```
 */
export function markGraph(svg: SVGSVGElement, marks: GraphMarks): void {
  for (const group of svg.querySelectorAll<SVGGElement>('g.node')) {
    const id = group.dataset['node'] ?? '';
    const t = marks.tangents.get(id);
    const a = marks.adjoints.get(id);
    const tangent = group.querySelector('.tangent');
    const adjoint = group.querySelector('.adjoint');
    if (tangent) tangent.textContent = t === undefined ? '' : `dot ${fmt(t)}`;
    if (adjoint) adjoint.textContent = a === undefined ? '' : `bar ${fmt(a)}`;
    group.classList.toggle('fwd-current', id === marks.forwardNode);
    group.classList.toggle('rev-current', id === marks.reverseNode);
    group.classList.toggle('acc', id === marks.reverseNode && marks.accumulated);
  }
  for (const path of svg.querySelectorAll<SVGPathElement>('path.edge')) {
    const back = marks.reverseEdge !== undefined && path.dataset['from'] === marks.reverseEdge.from && path.dataset['to'] === marks.reverseEdge.to;
    path.classList.toggle('back', back);
    path.classList.toggle('acc', back && marks.accumulated);
    // the adjoint flows against the data: draw its arrowhead at the argument's end
    if (back) {
      path.setAttribute('marker-start', 'url(#arrow-back)');
      path.removeAttribute('marker-end');
    } else {
      path.setAttribute('marker-end', 'url(#arrow)');
      path.removeAttribute('marker-start');
    }
  }
}

/** A rectangle of the drawing, in SVG user units. */
interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The visible part of a graph drawn by {@link renderGraph}: the whole drawing scaled to fit
 * its panel (the default), or a zoomed region the user pans by dragging. It only changes
 * the SVG's viewBox, so every drawn detail stays crisp at any zoom.
 *
 * @example
 * ```ts
 * const view = new GraphViewport(svg, container);
 * view.fit();
 * view.zoom(2);
 * view.focus('n3');
 * ```
 */
export class GraphViewport {
  readonly #svg: SVGSVGElement;
  readonly #container: HTMLElement;
  readonly #full: Box;
  #box: Box;

  constructor(svg: SVGSVGElement, container: HTMLElement) {
    this.#svg = svg;
    this.#container = container;
    this.#full = { x: 0, y: 0, w: Number(svg.dataset['width']), h: Number(svg.dataset['height']) };
    this.#box = { ...this.#full };
    this.#enablePanning();
  }

  /** Screen pixels per SVG unit when the whole drawing fits the panel's width (capped at 1: no blowing up small graphs). */
  get fitScale(): number {
    const width = Math.max(1, this.#container.clientWidth);
    return Math.min(1, width / this.#full.w, this.#maxHeight() / this.#full.h);
  }

  /** Screen pixels per SVG unit now. */
  get scale(): number {
    return Math.max(1, this.#container.clientWidth) / this.#box.w;
  }

  /** True when the whole drawing is in view. */
  get fitted(): boolean {
    const b = this.#box;
    return b.x <= this.#full.x && b.y <= this.#full.y && b.x + b.w >= this.#full.w && b.y + b.h >= this.#full.h;
  }

  /** The whole drawing, as large as the panel allows. */
  fit(): void {
    const s = this.fitScale;
    this.#show({ ...this.#full }, Math.max(120, Math.ceil(this.#full.h * s)));
  }

  /** Zooms by `factor` (> 1 in) about the centre of the view, or about a point of the drawing. */
  zoom(factor: number, about?: { x: number; y: number }): void {
    const b = this.#box;
    const c = about ?? { x: b.x + b.w / 2, y: b.y + b.h / 2 };
    const w = Math.min(this.#full.w * 4, Math.max(80, b.w / factor));
    const h = (w * b.h) / b.w;
    this.#show({ x: c.x - ((c.x - b.x) * w) / b.w, y: c.y - ((c.y - b.y) * h) / b.h, w, h });
  }

  /** Centres a node at scale 1 (its labels at their natural size); the whole drawing when it fits so. */
  focus(id: string): void {
    const group = this.#svg.querySelector<SVGGElement>(`g.node[data-node="${id}"]`);
    const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(group?.getAttribute('transform') ?? '');
    if (m === null) return;
    const width = Math.max(1, this.#container.clientWidth);
    if (this.fitScale >= 0.999) return this.fit();
    const height = Math.min(this.#maxHeight(), Math.max(240, this.#full.h));
    const w = width;
    const h = height;
    this.#show({ x: Number(m[1]) - w / 2, y: Number(m[2]) - h / 2, w, h }, height);
  }

  #maxHeight(): number {
    return Math.max(240, Math.round(0.7 * (globalThis.innerHeight || 800)));
  }

  #show(box: Box, height?: number): void {
    this.#box = box;
    this.#svg.setAttribute('viewBox', `${box.x} ${box.y} ${box.w} ${box.h}`);
    if (height !== undefined) this.#svg.style.height = `${height}px`;
    this.#svg.classList.toggle('zoomed', !this.fitted);
    this.#container.dispatchEvent(new CustomEvent('viewchange'));
  }

  #enablePanning(): void {
    let drag: { x: number; y: number; box: Box } | undefined;
    this.#svg.addEventListener('pointerdown', (e) => {
      if (this.fitted) return;
      drag = { x: e.clientX, y: e.clientY, box: { ...this.#box } };
      this.#svg.setPointerCapture?.(e.pointerId);
    });
    this.#svg.addEventListener('pointermove', (e) => {
      if (drag === undefined) return;
      const k = drag.box.w / Math.max(1, this.#svg.clientWidth);
      this.#show({ ...drag.box, x: drag.box.x - (e.clientX - drag.x) * k, y: drag.box.y - (e.clientY - drag.y) * k });
    });
    const end = () => (drag = undefined);
    this.#svg.addEventListener('pointerup', end);
    this.#svg.addEventListener('pointercancel', end);
    // ctrl/cmd + wheel (and pinch, which browsers report so) zooms at the pointer; a plain wheel scrolls the page
    this.#svg.addEventListener('wheel', (e) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const r = this.#svg.getBoundingClientRect();
      const b = this.#box;
      const k = b.w / Math.max(1, r.width);
      this.zoom(e.deltaY < 0 ? 1.25 : 0.8, { x: b.x + (e.clientX - r.left) * k, y: b.y + (e.clientY - r.top) * k });
    }, { passive: false });
  }
}
