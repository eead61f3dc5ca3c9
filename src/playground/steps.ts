// What each step of a sweep shows: the highlighted node, edge and table row, the running tangents/adjoints, the announcement.
import type { PlaygroundModel } from './model';

/** Which sweep a step belongs to. */
export type Sweep = 'forward' | 'reverse';

/** One step of a sweep: the table row it is, the graph node (and, in reverse, edge) it touches. */
export interface Step {
  readonly row: number;
  /** Graph node id (`n3`, `y0`). */
  readonly node: string;
  /** The edge along which an adjoint flows back (reverse updates only), as graph node ids. */
  readonly edge: { readonly from: string; readonly to: string } | undefined;
  /** True for a reverse update that adds to an adjoint another path already reached (fan-out). */
  readonly accumulated: boolean;
  /** Spoken and shown: what this step computes. */
  readonly text: string;
}

/** Display format of the page: three decimals, as the seed notes print, trailing zeros dropped. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = v.toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/**
 * The forward sweep's steps, one per forward-trace row, from the inputs out to the outputs.
 *
 * @example
 * ```ts
 * forwardSteps(model)[2].text; // 'v1 = ln v-1 = 0.693; tangent v-1-dot / v-1 = 0.5'
 * ```
 */
export function forwardSteps(model: PlaygroundModel): Step[] {
  let outputs = 0;
  return model.forward.rows.map((r, row) => {
    const node = r.kind === 'output' ? `y${outputs++}` : `n${r.index}`;
    const text = `${r.node} = ${r.expression} = ${fmt(r.value)}; tangent ${r.tangentRule} = ${fmt(r.tangent)}`;
    return { row, node, edge: undefined, accumulated: false, text };
  });
}

/**
 * The reverse sweep's steps, one per reverse-trace row (seeds, then every adjoint update
 * in the order the library's backward sweep made it), from the output back to the inputs.
 *
 * @example
 * ```ts
 * reverseSteps(model).at(-1)?.text; // 'v-1-bar = v-1-bar + v1-bar / v-1 = 5.5 (accumulates a second path)'
 * ```
 */
export function reverseSteps(model: PlaygroundModel): Step[] {
  return model.reverse.rows.map((r, row) => {
    const node = `n${r.index}`;
    const edge = r.from === null ? undefined : { from: node, to: `n${r.from}` };
    const text = `${r.adjoint} = ${r.rule} = ${fmt(r.value)}${r.accumulated ? ' (accumulates a second path)' : ''}`;
    return { row, node, edge, accumulated: r.accumulated, text };
  });
}

/**
 * Running adjoints after `upTo` reverse steps (rows 0 .. upTo-1), by graph node id: each node
 * shows the adjoint its latest update left, so accumulations change a node twice.
 *
 * @example
 * ```ts
 * runningAdjoints(model, 7).get('n1'); // -0.284: v0-bar before the product's path adds in
 * ```
 */
export function runningAdjoints(model: PlaygroundModel, upTo: number): Map<string, number> {
  const out = new Map<string, number>();
  model.reverse.rows.slice(0, upTo).forEach((r) => out.set(`n${r.index}`, r.value));
  const outputEntries = model.forward.rows.filter((r) => r.kind === 'output');
  if (upTo > 0) outputEntries.forEach((_, k) => out.set(`y${k}`, model.reverse.yBar[k] ?? 0));
  return out;
}

/**
 * Tangents known after `upTo` forward steps, by graph node id.
 *
 * @example
 * ```ts
 * runningTangents(model, 3).get('n2'); // 0.5
 * ```
 */
export function runningTangents(model: PlaygroundModel, upTo: number): Map<string, number> {
  const out = new Map<string, number>();
  forwardSteps(model)
    .slice(0, upTo)
    .forEach((s) => out.set(s.node, model.forward.rows[s.row]!.tangent));
  return out;
}
