// The playground's layered layout: no overlaps, edges point forward, deterministic, few crossings.
import { layoutGraph, type LayoutEdge, type LayoutNode } from '../../src/playground/layout';

/** A random DAG of `size` nodes over `inputs` pinned sources, each node using 1-2 earlier ones (seeded). */
function randomDag(size: number, inputs: number, seed: number): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const nodes: LayoutNode[] = Array.from({ length: size }, (_, i) => ({ id: `n${i}`, pinned: i < inputs }));
  const edges: LayoutEdge[] = [];
  for (let i = inputs; i < size; i++) {
    const arity = rand() < 0.5 ? 1 : 2;
    const used = new Set<number>();
    for (let k = 0; k < arity; k++) used.add(Math.floor(rand() * i));
    for (const j of used) edges.push({ from: `n${j}`, to: `n${i}` });
  }
  return { nodes, edges };
}

const workedExample = {
  nodes: ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'y0'].map((id) => ({ id, pinned: id === 'n0' || id === 'n1' })),
  edges: [
    ['n0', 'n2'], ['n0', 'n3'], ['n1', 'n3'], ['n1', 'n4'], ['n2', 'n5'], ['n3', 'n5'], ['n5', 'n6'], ['n4', 'n6'], ['n6', 'y0'],
  ].map(([from, to]) => ({ from: from as string, to: to as string })),
};

describe('layoutGraph', () => {
  const cases = [
    ['worked example', workedExample],
    ...[1, 2, 3, 4, 5].map((seed) => [`random DAG #${seed} (40 nodes)`, randomDag(40, 3, seed)] as const),
  ] as const;

  describe.each(cases)('%s', (_name, g) => {
    const layout = layoutGraph(g.nodes, g.edges);
    const at = new Map(layout.nodes.map((n) => [n.id, n]));

    test('places every node once, inside the drawing', () => {
      expect(layout.nodes.map((n) => n.id)).toEqual(g.nodes.map((n) => n.id));
      for (const n of layout.nodes) {
        expect(n.x - layout.nodeWidth / 2).toBeGreaterThanOrEqual(0);
        expect(n.x + layout.nodeWidth / 2).toBeLessThanOrEqual(layout.width);
        expect(n.y - layout.nodeHeight / 2).toBeGreaterThanOrEqual(0);
        expect(n.y + layout.nodeHeight / 2).toBeLessThanOrEqual(layout.height);
      }
    });

    test('no two node boxes overlap', () => {
      const ns = layout.nodes;
      for (let i = 0; i < ns.length; i++)
        for (let j = i + 1; j < ns.length; j++) {
          const a = ns[i]!;
          const b = ns[j]!;
          const apart = Math.abs(a.x - b.x) >= layout.nodeWidth || Math.abs(a.y - b.y) >= layout.nodeHeight;
          expect({ a: a.id, b: b.id, apart }).toEqual({ a: a.id, b: b.id, apart: true });
        }
    });

    test('every edge points forward: to a later layer, x increasing along its points', () => {
      for (const e of layout.edges) {
        expect(at.get(e.to)!.layer).toBeGreaterThan(at.get(e.from)!.layer);
        for (let k = 1; k < e.points.length; k++) expect(e.points[k]!.x).toBeGreaterThan(e.points[k - 1]!.x);
        expect(e.path.startsWith('M ')).toBe(true);
      }
    });

    test('pinned inputs are the first layer', () => {
      for (const n of g.nodes.filter((n) => n.pinned)) expect(at.get(n.id)!.layer).toBe(0);
    });

    test('deterministic: the same input gives the same layout', () => {
      expect(layoutGraph(g.nodes, g.edges)).toEqual(layout);
    });
  });

  test('the worked example is drawn without crossings in 5 layers', () => {
    const layout = layoutGraph(workedExample.nodes, workedExample.edges);
    expect(layout.layerCount).toBe(5);
    expect(layout.crossings).toBe(0);
    const byLayer = new Map<number, string[]>();
    for (const n of layout.nodes) byLayer.set(n.layer, [...(byLayer.get(n.layer) ?? []), n.id]);
    expect(byLayer.get(0)?.sort()).toEqual(['n0', 'n1']);
  });

  test('barycentric sweeps untangle a crossed layer', () => {
    // a->d, b->c listed so that the initial order crosses
    const nodes = [{ id: 'a', pinned: true }, { id: 'b', pinned: true }, { id: 'd' }, { id: 'c' }];
    const edges = [{ from: 'b', to: 'c' }, { from: 'a', to: 'd' }];
    const layout = layoutGraph(nodes, edges);
    const y = new Map(layout.nodes.map((n) => [n.id, n.y]));
    expect(Math.sign(y.get('a')! - y.get('b')!)).toBe(Math.sign(y.get('d')! - y.get('c')!));
  });

  test('an unpinned source (a constant) sits just before its first use', () => {
    const nodes = [{ id: 'x', pinned: true }, { id: 's' }, { id: 't' }, { id: 'c' }, { id: 'u' }];
    const edges = [{ from: 'x', to: 's' }, { from: 's', to: 't' }, { from: 't', to: 'u' }, { from: 'c', to: 'u' }];
    const layer = new Map(layoutGraph(nodes, edges).nodes.map((n) => [n.id, n.layer]));
    expect(layer.get('c')).toBe(layer.get('u')! - 1);
  });

  test('long edges bend through one point per crossed layer', () => {
    const nodes = [{ id: 'x', pinned: true }, { id: 'a' }, { id: 'b' }, { id: 'c' }];
    const edges = [{ from: 'x', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'x', to: 'c' }];
    const long = layoutGraph(nodes, edges).edges.find((e) => e.from === 'x' && e.to === 'c')!;
    expect(long.points).toHaveLength(4);
  });

  test('rejects cycles and unknown nodes', () => {
    expect(() => layoutGraph([{ id: 'a' }, { id: 'b' }], [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }])).toThrow(/cycle/);
    expect(() => layoutGraph([{ id: 'a' }], [{ from: 'a', to: 'z' }])).toThrow(/unknown node/);
  });
});

describe('ranked nodes', () => {
  test('keep their order within their layer whatever the crossing minimisation prefers', () => {
    // a feeds y2 and b feeds y1: without ranks the fewest crossings put y2 above y1
    const edges = [{ from: 'a', to: 'u' }, { from: 'b', to: 'v' }, { from: 'u', to: 'y2' }, { from: 'v', to: 'y1' }];
    const ids = ['a', 'b', 'u', 'v', 'y1', 'y2'];
    const ranks: Record<string, number> = { a: 0, b: 1, y1: 0, y2: 1 };
    const y = (layout: ReturnType<typeof layoutGraph>, id: string) => layout.nodes.find((n) => n.id === id)!.y;
    const unranked = layoutGraph(ids.map((id) => ({ id, pinned: id === 'a' || id === 'b' })), edges);
    expect(y(unranked, 'y2')).toBeLessThan(y(unranked, 'y1'));
    const ranked = layoutGraph(ids.map((id) => ({ id, pinned: id === 'a' || id === 'b', rank: ranks[id] })), edges);
    expect(y(ranked, 'a')).toBeLessThan(y(ranked, 'b'));
    expect(y(ranked, 'y1')).toBeLessThan(y(ranked, 'y2'));
    expect(ranked.crossings).toBe(1);
  });
});
