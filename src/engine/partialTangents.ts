// Each built-in op's partials differentiated along a direction, as code: the tangent program of its partials rule's tree.
//
// Why: the second-order sweep needs, per entry, the tangent of every partial along every
// direction. Running the rule on chunked duals does it for any op, but allocates per entry.
// Here the rule's expression tree (recorded once on symbols, src/symbolic/) is printed as a
// forward pass: each node's value, its own partials (that node op's derived kernel text), and,
// per direction, its tangent, summed through accumulate.ts's addTangent exactly as a chunked
// dual pass sums it (same products, same order, same zero skips), so both routes give the same
// numbers bit for bit (tests/engine/secondOrder.test.ts).
import { getOp, type OpDef } from '../ops/opDef';
import { kernelOf, numberLiteral, partialsTree, valueCode, type Expr } from '../symbolic/index';
import { addTangentCode } from './accumulate';

/**
 * The tangent program of an op's partials as statements over `a0`, `a1` (the arguments), `y`
 * (the value) and, per direction, `u0`, `u1`, `uy` (their tangents): `once` runs first (node
 * values and node partials, shared by every direction), `loop` per direction, after which
 * `roots[q]` is an expression for the tangent of partial q. `deps` are the functions it calls.
 */
export interface PartialTangentParts {
  readonly once: readonly string[];
  readonly loop: readonly string[];
  /**
   * `loop` without its zero-skip tests (each node's tangent the plain sum of its terms, in the
   * same order), for the unchecked second-order sweep (see secondOrderEntryUnchecked).
   */
  readonly loopUnchecked: readonly string[];
  readonly roots: readonly string[];
  /**
   * Per root, the tangents it is computed from: of which arguments (`args`), and whether of the
   * value (`y`). A sweep needs an entry's tangent only where some root that is used reads it.
   */
  readonly rootUses: readonly { readonly args: readonly number[]; readonly y: boolean }[];
  readonly deps: ReadonlyMap<string, unknown>;
}

const cache = new Map<OpDef, PartialTangentParts | null>();

/**
 * The tangent program of `op`'s partials, or undefined: for ops that are not built-in, whose
 * rule has no single tree (it branches on values), or a node of whose tree has none.
 */
export function partialTangentsParts(op: OpDef): PartialTangentParts | undefined {
  const hit = cache.get(op);
  if (hit !== undefined) return hit ?? undefined;
  let parts: PartialTangentParts | null = null;
  if (op.builtin && kernelOf(op) !== undefined) {
    try {
      parts = build(op);
    } catch {
      // A node of the tree has no derived partials: the op's entries take the chunked-dual route.
      parts = null;
    }
  }
  cache.set(op, parts);
  return parts ?? undefined;
}

interface Node {
  readonly value: string;
  readonly tangent: string;
}

function build(op: OpDef): PartialTangentParts {
  const symbols = Array.from({ length: op.arity }, (_, k) => ({ expr: { kind: 'var', name: `$${k}` } as Expr }));
  const trees = partialsTree(op, symbols, { expr: { kind: 'var', name: '$y' } }, false);
  const deps = new Map<string, unknown>();
  const once: string[] = [];
  const loop: string[] = [];
  const loopUnchecked: string[] = [];
  const seen = new Map<Expr, Node>();
  let count = 0;
  const visit = (e: Expr): Node => {
    const hit = seen.get(e);
    if (hit !== undefined) return hit;
    let node: Node;
    if (e.kind === 'num') node = { value: numberLiteral(e.value), tangent: '0' };
    else if (e.kind === 'var') node = e.name === '$y' ? { value: 'y', tangent: 'uy' } : { value: `a${e.name.slice(1)}`, tangent: `u${e.name.slice(1)}` };
    else if (e.kind === 'op') {
      const nodeOp = getOp(e.op);
      if (nodeOp === undefined) throw new TypeError(`partial tangents: unknown op '${e.op}'`);
      const args = e.args.map(visit);
      const name = `n${count++}`;
      const fill = (text: string) =>
        text.replace(/\$(\d+|y|t\d+)/g, (_, s: string) => (/^\d/.test(s) ? (args[Number(s)] as Node).value : s === 'y' ? name : `${name}_${s}`));
      const valueDeps = new Map<number, (...a: number[]) => number>();
      once.push(`const ${name} = ${fill(valueCode(nodeOp, valueDeps))};`);
      for (const [c, f] of valueDeps) deps.set(`V${c}`, f);
      // Constants have no tangent: as a dual pass, only arguments that can move take part.
      const live = args.flatMap((a, k) => (a.tangent === '0' ? [] : [k]));
      if (live.length === 0) {
        node = { value: name, tangent: '0' };
      } else {
        const kernel = kernelOf(nodeOp);
        if (kernel === undefined) throw new TypeError(`${nodeOp.name} has no derived partials`);
        for (const [c, f] of kernel.deps) deps.set(`V${c}`, f);
        once.push(...kernel.temps.map(fill));
        live.forEach((k) => once.push(`const ${name}_d${k} = ${fill(kernel.partials[k] as string)};`));
        loop.push(`let ${name}_u = 0;`);
        live.forEach((k) => loop.push(addTangentCode(`${name}_u`, (args[k] as Node).tangent, `${name}_d${k}`)));
        loopUnchecked.push(`const ${name}_u = ${live.map((k) => `${name}_d${k} * ${(args[k] as Node).tangent}`).join(' + ')};`);
        node = { value: name, tangent: `${name}_u` };
      }
    } else throw new TypeError(`partial tangents: a '${e.kind}' node is not a computation`);
    seen.set(e, node);
    return node;
  };
  const roots = trees.map((tree) => visit(tree).tangent);
  return { once, loop, loopUnchecked, roots, rootUses: roots.map((r) => tangentUses(r, loopUnchecked)), deps };
}

/** The argument tangents (`u0`, `u1`, ...) and value tangent (`uy`) that tangent expression `root` reads, through the node tangents it names. */
function tangentUses(root: string, loop: readonly string[]): { args: number[]; y: boolean } {
  const definitions = new Map<string, string>();
  for (const statement of loop) {
    const m = /^const (\w+) = (.*);$/.exec(statement);
    if (m !== null) definitions.set(m[1] as string, m[2] as string);
  }
  const args = new Set<number>();
  let y = false;
  const seen = new Set<string>();
  const visit = (text: string): void => {
    for (const [name] of text.matchAll(/\b(?:u\d+|uy|n\d+_u)\b/g)) {
      if (name === 'uy') y = true;
      else if (/^u\d+$/.test(name)) args.add(Number(name.slice(1)));
      else if (!seen.has(name)) {
        seen.add(name);
        visit(definitions.get(name) ?? '');
      }
    }
  };
  visit(root);
  return { args: [...args].sort((a, b) => a - b), y };
}
