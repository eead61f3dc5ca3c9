// The computational graph of a recording, exported as Graphviz DOT or Mermaid text.
import { describe } from '../ops/value';
import type { VectorFunction } from '../internal/validate';
import { formatNumber } from './format';
import { forwardTrace, reverseTrace, type TraceNames } from './traces';

/** Options of {@link computationalGraph}. */
export interface GraphOptions extends TraceNames {
  /** Adds each node's tangent (forward mode, for `seed`), adjoint (reverse mode, for `yBar`), or both. */
  annotate?: 'none' | 'tangent' | 'adjoint' | 'both';
  /** Input tangent for `annotate: 'tangent'`; default e_1. */
  seed?: ArrayLike<number>;
  /** Output adjoint for `annotate: 'adjoint'`; default e_1. */
  yBar?: number | ArrayLike<number>;
  /** Decimals shown (default 3). */
  digits?: number;
}

/** One node of the graph: an input, a primitive, a constant, or an output. */
export interface GraphNode {
  /** Identifier safe for DOT and Mermaid (`n0`, `c0`, `y0`). */
  readonly id: string;
  readonly kind: 'input' | 'op' | 'constant' | 'output';
  /** `v-1`, `v1`, `y`, or the constant's value. */
  readonly name: string;
  /** The primitive's name for op nodes, the input's name for inputs. */
  readonly op: string;
  /** The defining expression (`ln v-1`). */
  readonly expression: string;
  readonly value: number;
  readonly tangent?: number;
  readonly adjoint?: number;
}

/** An edge from an argument to the node that uses it (`argument` is its position). */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly argument: number;
}

/** The recorded graph of f at x, as data (the Wengert list's entries as nodes, their arguments as edges). */
export interface ComputationalGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly digits: number;
}

/**
 * The computational graph of f at x, read from its Wengert list: a node per input,
 * primitive, constant and output, an edge per argument; optionally annotated with the
 * tangents and adjoints of the trace tables.
 *
 * @example
 * ```ts
 * import { computationalGraph, graphToMermaid, workedExample } from 'dualtape';
 * const g = computationalGraph(workedExample, [2, 5], { annotate: 'adjoint' });
 * g.nodes.length; // 8: 2 inputs, 5 primitives, 1 output
 * console.log(graphToMermaid(g));
 * ```
 */
export function computationalGraph(f: VectorFunction, x: ArrayLike<number>, options: GraphOptions = {}): ComputationalGraph {
  const annotate = options.annotate ?? 'none';
  if (!['none', 'tangent', 'adjoint', 'both'].includes(annotate)) {
    throw new RangeError(`computationalGraph: options.annotate must be 'none', 'tangent', 'adjoint' or 'both', got ${describe(annotate)}`);
  }
  const digits = options.digits ?? 3;
  const names = { inputNames: options.inputNames, outputNames: options.outputNames };
  const fwd = forwardTrace(f, x, { ...names, ...(options.seed === undefined ? {} : { seed: options.seed }) });
  const adjoints = new Map<number, number>();
  let yBar: readonly number[] = [];
  if (annotate === 'adjoint' || annotate === 'both') {
    const rev = reverseTrace(f, x, { ...names, ...(options.yBar === undefined ? {} : { yBar: options.yBar }) });
    // rows come in sweep order, so the last row of an entry holds its final adjoint
    for (const row of rev.rows) adjoints.set(row.index, row.value);
    yBar = rev.yBar;
  }
  const withTangent = annotate === 'tangent' || annotate === 'both';
  const withAdjoint = annotate === 'adjoint' || annotate === 'both';
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const constants = new Map<number, string>();
  const constantNode = (c: number): string => {
    const known = constants.get(c);
    if (known !== undefined) return known;
    const id = `c${constants.size}`;
    constants.set(c, id);
    const label = formatNumber(c, digits, false);
    nodes.push({ id, kind: 'constant', name: label, op: 'constant', expression: label, value: c });
    return id;
  };
  let outputCount = 0;
  for (const r of fwd.rows) {
    const isOutput = r.kind === 'output';
    const id = isOutput ? `y${outputCount}` : `n${r.index}`;
    const adjoint = isOutput ? (yBar[outputCount] ?? 0) : (adjoints.get(r.index) ?? 0);
    nodes.push({
      id, kind: isOutput ? 'output' : r.kind === 'input' ? 'input' : 'op', name: r.node,
      op: r.kind === 'input' ? r.expression : r.op, expression: r.expression, value: r.value,
      ...(withTangent ? { tangent: r.tangent } : {}),
      ...(withAdjoint ? { adjoint } : {}),
    });
    r.args.forEach((a, k) => edges.push({ from: 'entry' in a ? `n${a.entry}` : constantNode(a.constant), to: id, argument: k }));
    if (isOutput) outputCount += 1;
  }
  return { nodes, edges, digits };
}

function labelLines(node: GraphNode, digits: number): string[] {
  const fmt = (v: number) => formatNumber(v, digits, false);
  const lines = [node.kind === 'constant' ? node.name : `${node.name} = ${node.expression}`];
  // the trace tables' convention: computed values with all their decimals, inputs as given
  if (node.kind !== 'constant') lines.push(formatNumber(node.value, digits, node.kind !== 'input'));
  if (node.tangent !== undefined) lines.push(`${node.name}-dot = ${fmt(node.tangent)}`);
  if (node.adjoint !== undefined) lines.push(`${node.name}-bar = ${fmt(node.adjoint)}`);
  return lines;
}

/**
 * The graph as Graphviz DOT (render with `dot -Tsvg`). Inputs are boxes, primitives
 * ellipses, constants plain text, outputs double circles; edges run from arguments to uses.
 *
 * @example
 * ```ts
 * import { computationalGraph, graphToDot, workedExample } from 'dualtape';
 * graphToDot(computationalGraph(workedExample, [2, 5])); // 'digraph dualtape {\n  rankdir=LR; ...'
 * ```
 */
export function graphToDot(graph: ComputationalGraph): string {
  checkGraph('graphToDot', graph);
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const shape = { input: 'box', op: 'ellipse', constant: 'plaintext', output: 'doublecircle' } as const;
  const lines = ['digraph dualtape {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const node of graph.nodes) {
    lines.push(`  ${node.id} [shape=${shape[node.kind]}, label="${labelLines(node, graph.digits).map(esc).join('\\n')}"];`);
  }
  for (const e of graph.edges) lines.push(`  ${e.from} -> ${e.to};`);
  lines.push('}');
  return lines.join('\n');
}

/**
 * The graph as Mermaid flowchart text (GitHub renders it inside a ```` ```mermaid ```` block).
 *
 * @example
 * ```ts
 * import { computationalGraph, graphToMermaid, workedExample } from 'dualtape';
 * graphToMermaid(computationalGraph(workedExample, [2, 5])); // 'flowchart LR\n  n0["v-1 = x1<br/>2"]\n  ...'
 * ```
 */
export function graphToMermaid(graph: ComputationalGraph): string {
  checkGraph('graphToMermaid', graph);
  const esc = (s: string) => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  const open = { input: '[', op: '(', constant: '[/', output: '((' } as const;
  const close = { input: ']', op: ')', constant: '/]', output: '))' } as const;
  const lines = ['flowchart LR'];
  for (const node of graph.nodes) {
    lines.push(`  ${node.id}${open[node.kind]}"${labelLines(node, graph.digits).map(esc).join('<br/>')}"${close[node.kind]}`);
  }
  for (const e of graph.edges) lines.push(`  ${e.from} --> ${e.to}`);
  return lines.join('\n');
}

function checkGraph(api: string, graph: unknown): void {
  const g = graph as ComputationalGraph;
  if (typeof g !== 'object' || g === null || !Array.isArray(g.nodes) || !Array.isArray(g.edges)) {
    throw new TypeError(`${api}: graph must be the result of computationalGraph, got ${describe(graph)}`);
  }
}
