// Layered (Sugiyama-style) layout of a small DAG for the playground's SVG graph: layers, ordering, coordinates, curved edges.

/** A node to lay out. `pinned` sources (the inputs) stay in the first layer; other sources move next to their first use. */
export interface LayoutNode {
  readonly id: string;
  readonly pinned?: boolean;
  /**
   * Nodes with a rank keep that order (top to bottom) among the ranked nodes of their layer,
   * whatever the crossing minimisation prefers: inputs x1 above x2, outputs y1 above y2.
   */
  readonly rank?: number;
}

/** A directed edge (data flows from `from` to `to`). */
export interface LayoutEdge {
  readonly from: string;
  readonly to: string;
}

/** Spacing of the layout, in SVG user units. */
export interface LayoutOptions {
  /** Width of a node box (default 96). */
  nodeWidth?: number;
  /** Height of a node box (default 56). */
  nodeHeight?: number;
  /** Distance between the centres of neighbouring layers (default 150). */
  layerGap?: number;
  /** Distance between the centres of neighbouring nodes of one layer (default 80). */
  nodeGap?: number;
  /** Barycentric sweeps (down and up count as one each; default 8). */
  sweeps?: number;
}

/** A point in SVG user units. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A placed node: its centre, its layer (column) and its position within the layer. */
export interface PlacedNode extends Point {
  readonly id: string;
  readonly layer: number;
  readonly order: number;
}

/** A routed edge: from the source's right side to the target's left side, through one bend point per layer it crosses. */
export interface RoutedEdge {
  readonly from: string;
  readonly to: string;
  readonly points: readonly Point[];
  /** An SVG path (`M ... C ...`) through `points`, horizontal at every point. */
  readonly path: string;
}

/**
 * The result of {@link layoutGraph}. Invariants: every edge goes from a lower layer to a
 * higher one (x strictly increases along its points); nodes of one layer share an x and
 * are `nodeGap` apart in y; the same input always gives the same layout.
 */
export interface GraphLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly RoutedEdge[];
  readonly width: number;
  readonly height: number;
  readonly layerCount: number;
  /** Edge crossings between neighbouring layers (bend points included) after ordering. */
  readonly crossings: number;
  readonly nodeWidth: number;
  readonly nodeHeight: number;
}

interface Slot {
  readonly id: string;
  /** Real node, or a bend point of a long edge. */
  readonly dummy: boolean;
  layer: number;
  /** Neighbours in the previous and next layer. */
  readonly up: Slot[];
  readonly down: Slot[];
  order: number;
}

/**
 * Lays out a DAG left to right: longest-path layering from the sources (inputs first),
 * unpinned sources (constants) pulled next to their first user, long edges split into
 * bend points, barycentric ordering sweeps to reduce crossings, evenly spaced
 * coordinates, and edges as cubic curves.
 *
 * @throws {RangeError} if an edge names an unknown node or the graph has a cycle.
 * @example
 * ```ts
 * const g = layoutGraph([{ id: 'a', pinned: true }, { id: 'b' }], [{ from: 'a', to: 'b' }]);
 * g.nodes[1]; // { id: 'b', layer: 1, order: 0, x: 198, y: 40 }
 * ```
 */
export function layoutGraph(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions = {},
): GraphLayout {
  const nodeWidth = options.nodeWidth ?? 96;
  const nodeHeight = options.nodeHeight ?? 56;
  const layerGap = Math.max(options.layerGap ?? 150, nodeWidth + 20);
  const nodeGap = Math.max(options.nodeGap ?? 80, nodeHeight + 12);
  const sweeps = options.sweeps ?? 8;

  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (index.has(n.id)) throw new RangeError(`layoutGraph: duplicate node id '${n.id}'`);
    index.set(n.id, i);
  });
  const succ: number[][] = nodes.map(() => []);
  const pred: number[][] = nodes.map(() => []);
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined) throw new RangeError(`layoutGraph: edge ${e.from} -> ${e.to} names an unknown node`);
    succ[a]!.push(b);
    pred[b]!.push(a);
  }

  // Kahn's algorithm, always taking the smallest ready index: deterministic, no recursion.
  const indegree = pred.map((p) => p.length);
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  const topo: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift() as number;
    topo.push(i);
    for (const j of succ[i]!) if (--indegree[j]! === 0) ready.push(j);
  }
  if (topo.length !== nodes.length) throw new RangeError('layoutGraph: the graph has a cycle');

  // Longest path from the sources gives each node the earliest layer after all its arguments.
  const layer = new Array<number>(nodes.length).fill(0);
  for (const i of topo) for (const j of succ[i]!) layer[j] = Math.max(layer[j]!, layer[i]! + 1);
  // A constant used by v7 belongs beside v7, not in the inputs' column with a long edge.
  for (let i = 0; i < nodes.length; i++) {
    if (pred[i]!.length === 0 && !nodes[i]!.pinned && succ[i]!.length > 0) {
      layer[i] = Math.max(0, Math.min(...succ[i]!.map((j) => layer[j]!)) - 1);
    }
  }
  const layerCount = nodes.length === 0 ? 0 : Math.max(...layer) + 1;

  // Slots: real nodes plus one dummy per layer crossed by a long edge.
  const slots: Slot[] = nodes.map((n, i) => ({ id: n.id, dummy: false, layer: layer[i]!, up: [], down: [], order: 0 }));
  const chains: Slot[][] = [];
  for (const e of edges) {
    const a = slots[index.get(e.from)!]!;
    const b = slots[index.get(e.to)!]!;
    const chain: Slot[] = [a];
    for (let l = a.layer + 1; l < b.layer; l++) {
      const d: Slot = { id: `${e.from}->${e.to}@${l}`, dummy: true, layer: l, up: [], down: [], order: 0 };
      slots.push(d);
      chain.push(d);
    }
    chain.push(b);
    for (let k = 0; k + 1 < chain.length; k++) {
      chain[k]!.down.push(chain[k + 1]!);
      chain[k + 1]!.up.push(chain[k]!);
    }
    chains.push(chain);
  }

  const layers: Slot[][] = Array.from({ length: layerCount }, () => []);
  // Initial order: topological order of the real nodes, dummies after their source.
  const rank = new Map<Slot, number>();
  topo.forEach((i, r) => rank.set(slots[i]!, r));
  for (const s of slots) layers[s.layer]!.push(s);
  const initialKey = (s: Slot): number => (s.dummy ? rank.get(s.up[0]!)! + 0.5 : rank.get(s)!);
  for (const l of layers) {
    l.sort((a, b) => initialKey(a) - initialKey(b));
    l.forEach((s, k) => (s.order = k));
  }

  const crossings = (): number => {
    let total = 0;
    for (let l = 0; l + 1 < layers.length; l++) {
      const pairs: [number, number][] = [];
      for (const s of layers[l]!) for (const t of s.down) pairs.push([s.order, t.order]);
      for (let p = 0; p < pairs.length; p++)
        for (let q = p + 1; q < pairs.length; q++) {
          const [a1, b1] = pairs[p]!;
          const [a2, b2] = pairs[q]!;
          if ((a1 - a2) * (b1 - b2) < 0) total++;
        }
    }
    return total;
  };

  // Barycentric sweeps; keep the best ordering seen (a sweep can make things worse).
  let best = layers.map((l) => [...l]);
  let bestCrossings = crossings();
  for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
    const downward = s % 2 === 0;
    const range = downward ? [...layers.keys()].slice(1) : [...layers.keys()].reverse().slice(1);
    for (const l of range) {
      const layerSlots = layers[l]!;
      const key = new Map<Slot, number>();
      for (const slot of layerSlots) {
        const nbrs = downward ? slot.up : slot.down;
        key.set(slot, nbrs.length === 0 ? slot.order : nbrs.reduce((sum, n) => sum + n.order, 0) / nbrs.length);
      }
      // Array.prototype.sort is stable, so ties keep the previous order: deterministic.
      layerSlots.sort((a, b) => key.get(a)! - key.get(b)!);
      layerSlots.forEach((slot, k) => (slot.order = k));
    }
    const c = crossings();
    if (c < bestCrossings) {
      bestCrossings = c;
      best = layers.map((l) => [...l]);
    }
  }
  best.forEach((l, li) => {
    layers[li] = l;
    l.forEach((slot, k) => (slot.order = k));
  });
  // Ranked nodes take the places the ranked nodes of their layer hold, in rank order.
  const rankOf = new Map(nodes.map((n, i) => [slots[i]!, n.rank]));
  for (const l of layers) {
    const ranked = l.filter((slot) => rankOf.get(slot) !== undefined);
    const places = ranked.map((slot) => slot.order).sort((a, b) => a - b);
    ranked.sort((a, b) => rankOf.get(a)! - rankOf.get(b)!).forEach((slot, k) => (slot.order = places[k]!));
    l.sort((a, b) => a.order - b.order);
  }
  if (nodes.some((n) => n.rank !== undefined)) bestCrossings = crossings();

  // Evenly spaced coordinates, each layer centred on the tallest one.
  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const height = tallest * nodeGap;
  const width = Math.max(1, layerCount) * layerGap - layerGap + nodeWidth + 20;
  const pos = new Map<Slot, Point>();
  layers.forEach((l, li) => {
    const top = (height - l.length * nodeGap) / 2 + nodeGap / 2;
    l.forEach((slot, k) => pos.set(slot, { x: 10 + nodeWidth / 2 + li * layerGap, y: top + k * nodeGap }));
  });

  const placed: PlacedNode[] = nodes.map((n, i) => {
    const s = slots[i]!;
    const p = pos.get(s)!;
    return { id: n.id, layer: s.layer, order: s.order, x: p.x, y: p.y };
  });
  const routed: RoutedEdge[] = chains.map((chain, k) => {
    const e = edges[k]!;
    const pts: Point[] = chain.map((s) => pos.get(s)!);
    const first = pts[0]!;
    const last = pts[pts.length - 1]!;
    const points = [
      { x: first.x + nodeWidth / 2, y: first.y },
      ...pts.slice(1, -1),
      { x: last.x - nodeWidth / 2, y: last.y },
    ];
    return { from: e.from, to: e.to, points, path: curveThrough(points) };
  });
  return { nodes: placed, edges: routed, width, height, layerCount, crossings: bestCrossings, nodeWidth, nodeHeight };
}

/** A smooth SVG path through the points, leaving and entering each one horizontally. */
function curveThrough(points: readonly Point[]): string {
  const r = (v: number) => Math.round(v * 10) / 10;
  let d = `M ${r(points[0]!.x)} ${r(points[0]!.y)}`;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1]!;
    const b = points[k]!;
    const mx = (a.x + b.x) / 2;
    d += ` C ${r(mx)} ${r(a.y)}, ${r(mx)} ${r(b.y)}, ${r(b.x)} ${r(b.y)}`;
  }
  return d;
}
