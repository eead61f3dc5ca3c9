// The derivative program as code: a Wengert list printed as a readable tangent program and adjoint program (what Tapenade prints).
//
// Every statement comes from the op table through src/symbolic/: an entry's value is its op's
// own value text (valueCode), its partials are the trees its partials rule records when run on
// symbols (withSymbolicPartials), combined with dualtape's own add and mul inside that run and
// simplified for readers. Nothing here knows a derivative.
import { getOp, type OpDef } from '../ops/opDef';
import { mul } from '../ops/table';
import type { Value } from '../ops/value';
import type { WengertEntry, WengertList } from '../reverse/wengertList';
import { NotSymbolic, simplified, valueCode, withSymbolicPartials, type Expr, type SymbolicArg } from '../symbolic/index';

/**
 * Which program {@link CompiledFunction.source} prints: the tangent (forward-mode) program,
 * or the adjoint (reverse-mode) program.
 *
 * @example
 * ```ts
 * import { type SourceMode } from 'dualtape';
 * const mode: SourceMode = 'reverse';
 * ```
 */
export type SourceMode = 'forward' | 'reverse';

/** The seed notes' name of entry i as a JavaScript identifier: v-1 is `v_1`. */
export function jsNodeName(i: number, inputCount: number): string {
  return `v${i - inputCount + 1}`.replace('-', '_');
}

const variable = (name: string): Expr => ({ kind: 'var', name });

/** One entry's partials, each already multiplied (by dualtape's own mul) with `factor(k)`, simplified; plus whether they hold only on the recorded branch. */
function scaledPartials(op: OpDef, e: WengertEntry, entries: readonly WengertEntry[], n: number, factor: (k: number) => Expr | undefined) {
  const args = (atPoint: boolean): SymbolicArg[] =>
    e.args.map((a) =>
      'entry' in a
        ? { expr: variable(jsNodeName(a.entry, n)), value: atPoint ? (entries[a.entry] as WengertEntry).value : undefined }
        : { expr: { kind: 'num', value: a.constant }, value: a.constant, constant: true },
    );
  const run = (atPoint: boolean) =>
    withSymbolicPartials(op, args(atPoint), { expr: variable(jsNodeName(e.index, n)), value: atPoint ? e.value : undefined }, atPoint, (partials, trace) =>
      partials.map((d, k) => {
        const f = factor(k);
        if (f === undefined) return undefined;
        const value = atPoint ? 1 : undefined;
        return simplified(trace.exprOf(mul(trace.symbol({ expr: f, value }), d as Value)));
      }),
    );
  try {
    return { terms: run(false), branch: false };
  } catch (err) {
    // A rule that branches on its arguments' values (pow, max, relu, ...) has no single tree:
    // print the branch it takes at the recorded point, and say so.
    if (!(err instanceof NotSymbolic)) throw err;
    return { terms: run(true), branch: true };
  }
}

/** Prints expression trees as JavaScript expressions, each op by its own value text; helpers it needs are collected in `helpers`. */
class JsPrinter {
  readonly helpers = new Map<string, string>();

  print(e: Expr, min = 0): string {
    const [text, prec] = this.#print(e);
    return prec < min ? `(${text})` : text;
  }

  #print(e: Expr): [string, number] {
    switch (e.kind) {
      case 'num':
        return Object.is(e.value, -0) ? ['-0', 3] : [String(e.value), e.value < 0 ? 3 : 5];
      case 'var':
        return [e.name, 5];
      case 'op': {
        const op = getOp(e.op);
        if (op === undefined) throw new TypeError(`source: unknown op '${e.op}'`);
        const deps = new Map<number, (...args: number[]) => number>();
        const text = valueCode(op, deps);
        // The four arithmetic ops and neg print as operators where their value is exactly that operator.
        // (However the library was built: a minifier drops the spaces of `(a, b) => a * b`.)
        const infix = /^\(\(\$0\)\s*([-+*/])\s*\(\$1\)\)$/.exec(text);
        if (infix) {
          const prec = infix[1] === '+' || infix[1] === '-' ? 1 : 2;
          // JS evaluates left to right; a right operand of equal precedence keeps its parentheses, so the grouping (and rounding) is the rule's.
          return [`${this.print(e.args[0] as Expr, prec)} ${infix[1] as string} ${this.print(e.args[1] as Expr, prec + 1)}`, prec];
        }
        if (/^\(-\s*\(\$0\)\)$/.test(text)) return [`-${this.print(e.args[0] as Expr, 4)}`, 3];
        if (deps.size > 0) {
          // A value function that is not one expression: the program defines it once, by its own source.
          const source = Function.prototype.toString.call(op.value);
          if (/^(function\b|\(|[\w$]+\s*=>)/.test(source)) this.helpers.set(op.name, `const ${op.name} = ${source};`);
          else this.helpers.set(op.name, `// ${op.name}: dualtape's ${op.name} (its value function is not printable here)`);
          return [`${op.name}(${e.args.map((a) => this.print(a)).join(', ')})`, 5];
        }
        const args = e.args.map((a) => this.print(a));
        // A call's own argument needs no parentheses of its own, nor a whole value that is one call.
        const bare = text.replace(/(?<=[(,]\s*)\(\$(\d+)\)(?=\s*[,)])/g, '$$$1').replace(/^\((Math\.\w+\([^()]*\))\)$/, '$1');
        const filled = bare.replace(/\$(\d+)/g, (_, k: string) => args[Number(k)] as string);
        // ($k) around a plain name or number is noise once filled in.
        return [filled.replace(/(?<![\w$.])\((-?[\w$.]+)\)/g, (m, inner: string) => (inner.startsWith('-') ? m : inner)), 5];
      }
      default:
        throw new TypeError(`source: a '${e.kind}' node is notation for readers, not a computation`);
    }
  }
}

/**
 * The tangent or adjoint program of a recording as JavaScript: one statement per entry, named
 * as the trace tables name them (v_1 for v-1). The text is a function body: its free variables
 * are the inputs `x1 .. xn` and, for the tangent program, their tangents `x1_dot .. xn_dot`;
 * for the adjoint program of a vector f, the output adjoints `y1_bar .. ym_bar` (a scalar f's
 * output adjoint is seeded with 1). It declares every `v…`, `v…_dot` or `v…_bar` it assigns
 * and returns nothing, so append the return you want:
 * `new Function('x1', 'x2', src + 'return [v_1_bar, v0_bar]')`.
 */
export function derivativeSource(tape: WengertList, mode: SourceMode): string {
  const n = tape.inputCount;
  const entries = tape.entries;
  const name = (i: number) => jsNodeName(i, n);
  const printer = new JsPrinter();
  const lines: string[] = [];
  const outputs = tape.outputRefs;
  const vector = tape.outputIsArray;
  const outputName = (k: number) => (vector ? `y${k + 1}` : 'y');
  const forward = mode === 'forward';
  const primal = entries.map((e) => {
    if (e.index < n) return `${name(e.index)} = x${e.index + 1};`;
    const expr: Expr = { kind: 'op', op: e.op, args: e.args.map((a) => ('entry' in a ? variable(name(a.entry)) : { kind: 'num', value: a.constant })) };
    return `${name(e.index)} = ${printer.print(expr)};`;
  });
  const opOf = (e: WengertEntry): OpDef => {
    const op = getOp(e.op);
    if (op === undefined) throw new TypeError(`source: the recording names an unknown op '${e.op}'`);
    return op;
  };
  const body: string[] = [];
  if (forward) {
    body.push(`let ${entries.flatMap((e) => [name(e.index), `${name(e.index)}_dot`]).join(', ')};`);
    for (const e of entries) {
      body.push(primal[e.index] as string);
      if (e.index < n) {
        body.push(`${name(e.index)}_dot = x${e.index + 1}_dot;`);
        continue;
      }
      const { terms, branch } = scaledPartials(opOf(e), e, entries, n, (k) => {
        const a = e.args[k] as WengertEntry['args'][number];
        return 'entry' in a ? variable(`${name(a.entry)}_dot`) : undefined;
      });
      // Σ_k v_k_dot · ∂v_i/∂v_k, added in argument order as the tangent sweep adds them.
      let sum: Expr | undefined;
      for (const t of terms) {
        if (t === undefined || (t.kind === 'num' && t.value === 0)) continue;
        sum = sum === undefined ? t : { kind: 'op', op: 'add', args: [sum, t] };
      }
      body.push(`${name(e.index)}_dot = ${sum === undefined ? '0' : printer.print(simplified(sum))};${branch ? ` // ${e.op}: the branch taken at the recorded point` : ''}`);
    }
    const ends = outputs.map((r, k) => ('entry' in r ? `${outputName(k)} = ${name(r.entry)}, ${outputName(k)}_dot = ${name(r.entry)}_dot` : `${outputName(k)} = ${r.constant}, ${outputName(k)}_dot = 0`));
    lines.push(`// Tangent program (forward mode), generated by dualtape from the Wengert list. Inputs x1 .. x${n}, tangents x1_dot .. x${n}_dot.`);
    lines.push(...printer.helpers.values(), ...body, `// ${ends.join('; ')}`);
    return `${lines.join('\n')}\n`;
  }
  body.push(`let ${entries.map((e) => name(e.index)).join(', ')};`, ...primal);
  body.push(`let ${entries.map((e) => `${name(e.index)}_bar = 0`).join(', ')};`);
  outputs.forEach((r, k) => {
    if ('entry' in r) body.push(`${name(r.entry)}_bar += ${vector ? `${outputName(k)}_bar` : '1'};`);
  });
  for (let i = entries.length - 1; i >= n; i--) {
    const e = entries[i] as WengertEntry;
    const { terms, branch } = scaledPartials(opOf(e), e, entries, n, (k) => ('entry' in (e.args[k] as object) ? variable(`${name(i)}_bar`) : undefined));
    terms.forEach((t, k) => {
      const a = e.args[k] as WengertEntry['args'][number];
      if (t === undefined || !('entry' in a) || (t.kind === 'num' && t.value === 0)) return;
      const target = `${name(a.entry)}_bar`;
      const note = branch ? ` // ${e.op}: the branch taken at the recorded point` : '';
      if (t.kind === 'op' && t.op === 'neg') body.push(`${target} -= ${printer.print(t.args[0] as Expr, 2)};${note}`);
      else body.push(`${target} += ${printer.print(t)};${note}`);
    });
  }
  const grads = Array.from({ length: n }, (_, j) => `${name(j)}_bar`).join(', ');
  lines.push(
    `// Adjoint program (reverse mode), generated by dualtape from the Wengert list: the primal sweep, then the adjoint sweep in the backward sweep's order.`,
    `// Inputs x1 .. x${n}${vector ? `, output adjoints ${outputs.map((_, k) => `${outputName(k)}_bar`).join(', ')}` : ' (y_bar = 1)'}; the gradient is [${grads}].`,
  );
  lines.push(...printer.helpers.values(), ...body);
  return `${lines.join('\n')}\n`;
}
