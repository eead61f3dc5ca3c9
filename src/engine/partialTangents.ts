// Each built-in op's partials differentiated along k directions, as generated code: the tangent program of its partials rule's tree.
//
// Why: the second-order sweep needs, per entry, the tangent of every partial along every
// direction. Running the rule on chunked duals does it for any op, but allocates per entry.
// Here the rule's expression tree (recorded once on symbols, src/symbolic/) is printed as a
// forward pass: each node's value, its own partials (that node op's derived kernel text), and
// inside a loop over the directions its tangent, summed through accumulate.ts's addTangent
// exactly as a chunked dual pass sums it (same products, same order, same zero skips), so
// both routes give the same numbers bit for bit (tests/engine/secondOrder.test.ts).
import { getOp, type OpDef } from '../ops/opDef';
import { canGenerateCode, kernelOf, numberLiteral, partialsTree, valueCode, type Expr } from '../symbolic/index';
import { addTangentCode } from './accumulate';

/**
 * Writes the tangents of an entry's partials into dd[q·k + c] (partial q, direction c): `a0`,
 * `a1` its argument values, `y` its value, `t[c]` every entry's tangent along direction c,
 * `r0`, `r1` its argument references (negative: a constant, tangent 0), `i` the entry.
 */
export type PartialTangents = (a0: number, a1: number, y: number, t: readonly Float64Array[], r0: number, r1: number, i: number, dd: Float64Array) => void;

const cache = new Map<OpDef, PartialTangents | null>();

/** The generated partial tangents of `op` (built-in, arity ≤ 2, a rule with one tree), or undefined: then run the rule on chunked duals. */
export function partialTangentsKernel(op: OpDef): PartialTangents | undefined {
  const hit = cache.get(op);
  if (hit !== undefined) return hit ?? undefined;
  let fn: PartialTangents | null = null;
  if (op.builtin && op.arity <= 2 && canGenerateCode() && kernelOf(op) !== undefined) {
    try {
      fn = generate(op);
    } catch {
      // A node of the rule's tree has no derived kernel (its own rule branches on values): the chunked-dual route serves.
      fn = null;
    }
  }
  cache.set(op, fn);
  return fn ?? undefined;
}

/** The generated source of `op`'s partial tangents (for reading and tests); throws where there is none. */
export function partialTangentsSource(op: OpDef): string {
  return build(op).source;
}

function generate(op: OpDef): PartialTangents {
  const { source, deps } = build(op);
  return new Function(...deps.keys(), `"use strict"; return ${source};`)(...deps.values()) as PartialTangents;
}

function build(op: OpDef): { source: string; deps: Map<string, unknown> } {
  const symbols = Array.from({ length: op.arity }, (_, k) => ({ expr: { kind: 'var', name: `$${k}` } as Expr }));
  const trees = partialsTree(op, symbols, { expr: { kind: 'var', name: '$y' } }, false);
  const deps = new Map<string, unknown>();
  const once: string[] = [];
  const loop: string[] = [];
  const seen = new Map<Expr, { value: string; tangent: string }>();
  let count = 0;
  const visit = (e: Expr): { value: string; tangent: string } => {
    const hit = seen.get(e);
    if (hit !== undefined) return hit;
    let out: { value: string; tangent: string };
    if (e.kind === 'num') out = { value: numberLiteral(e.value), tangent: '0' };
    else if (e.kind === 'var') out = e.name === '$y' ? { value: 'y', tangent: 'uy' } : { value: `a${e.name.slice(1)}`, tangent: `u${e.name.slice(1)}` };
    else if (e.kind === 'op') {
      const node = opOf(e.op);
      const args = e.args.map(visit);
      const j = count++;
      const name = `n${j}`;
      const fill = (text: string) =>
        text.replace(/\$(\d+|y|t\d+)/g, (_, s: string) => (/^\d/.test(s) ? (args[Number(s)] as { value: string }).value : s === 'y' ? name : `${name}_${s}`));
      const valueDeps = new Map<number, (...a: number[]) => number>();
      once.push(`const ${name} = ${fill(valueCode(node, valueDeps))};`);
      for (const [c, f] of valueDeps) deps.set(`V${c}`, f);
      const live = args.flatMap((a, k) => (a.tangent === '0' ? [] : [k]));
      if (live.length === 0) {
        out = { value: name, tangent: '0' };
      } else {
        const kernel = kernelOf(node);
        if (kernel === undefined) throw new TypeError(`${node.name} has no derived partials`);
        for (const [c, f] of kernel.deps) deps.set(`V${c}`, f);
        once.push(...kernel.temps.map(fill));
        live.forEach((k) => once.push(`const ${name}_d${k} = ${fill(kernel.partials[k] as string)};`));
        loop.push(`let ${name}_u = 0;`);
        live.forEach((k) => loop.push(addTangentCode(`${name}_u`, (args[k] as { tangent: string }).tangent, `${name}_d${k}`)));
        out = { value: name, tangent: `${name}_u` };
      }
    } else throw new TypeError(`partial tangents: a '${e.kind}' node is not a computation`);
    seen.set(e, out);
    return out;
  };
  const roots = trees.map(visit);
  const reads = [
    ...Array.from({ length: op.arity }, (_, q) => `const u${q} = r${q} >= 0 ? tc[r${q}] : 0;`),
    'const uy = tc[i];',
  ];
  const source = `function partialTangents_${op.name}(a0, a1, y, t, r0, r1, i, dd) {
  const k = t.length;
  ${once.join('\n  ')}
  for (let c = 0; c < k; c++) {
    const tc = t[c];
    ${reads.join(' ')}
    ${loop.join('\n    ')}
    ${roots.map((r, q) => `dd[${q} * k + c] = ${r.tangent};`).join(' ')}
  }
}`;
  return { source, deps };
}

function opOf(name: string): OpDef {
  const op = getOp(name);
  if (op === undefined) throw new TypeError(`partial tangents: unknown op '${name}'`);
  return op;
}
