// Draws the computational graph as inline SVG from the layout, and marks the nodes and edges of the current steps.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { layoutGraph } from './layout';
import type { PlaygroundModel } from './model';
import { fmt } from './steps';

const SVG = 'http://www.w3.org/2000/svg';

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
  const layout = layoutGraph(
    g.nodes.map((n) => ({ id: n.id, pinned: n.kind === 'input' })),
    g.edges.map((e) => ({ from: e.from, to: e.to })),
    { nodeWidth: 104, nodeHeight: 64, layerGap: 136, nodeGap: 76 },
  );
  const svg = el('svg', {
    viewBox: `0 0 ${layout.width} ${layout.height}`, width: layout.width, height: layout.height,
    role: 'img', 'aria-labelledby': 'graph-svg-title', class: 'graph',
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
      group.append(el('text', { class: 'name', y: -21 }, `${n.name}  ${what}`));
      group.append(el('text', { class: 'value', y: -7 }, fmt(n.value)));
      group.append(el('text', { class: 'tangent', y: 8 }, ''));
      group.append(el('text', { class: 'adjoint', y: 22 }, ''));
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
