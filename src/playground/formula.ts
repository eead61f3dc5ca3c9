// Temporary stand-in for `dualtape/expr` (issue #4): a mathjs formula turned into a dualtape function of named variables.
// Replace with src/expr once `teach` ships it; the playground only uses `compileFormula` through model.ts.
// eslint-disable-next-line no-restricted-imports -- the playground is a front-end, like the CLI
import { create, parseDependencies, type MathNode } from 'mathjs';
import { apply, getOp, type Value } from '../index';

/** A formula that failed to parse or names something unknown; `position` is the 0-based character it points at. */
export class FormulaError extends Error {
  readonly position: number | undefined;
  constructor(message: string, position?: number) {
    super(message);
    this.name = 'FormulaError';
    this.position = position;
  }
}

/** A formula compiled to a dualtape function: inputs are `variables` in order; returns one value or, for `[a, b]`, several. */
export interface CompiledFormula {
  readonly variables: readonly string[];
  readonly outputCount: number;
  readonly outputIsArray: boolean;
  readonly f: (x: Value[]) => Value | Value[];
}

// Only the parser's factories: bundling all of mathjs would quadruple the page script.
const { parse } = create({ parseDependencies });

const OPERATORS: Record<string, string> = { add: 'add', subtract: 'sub', multiply: 'mul', divide: 'div', pow: 'pow', unaryMinus: 'neg' };
const ALIASES: Record<string, string> = { ln: 'log', sqr: 'square' };
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, PI: Math.PI, E: Math.E };

/**
 * Compiles a mathjs-syntax formula to a dualtape function. Variables are the free symbols
 * in order of first appearance; functions are the op table's primitives (`ln` = `log`).
 *
 * @throws {FormulaError} on a syntax error or an unknown function, naming it and its position.
 * @example
 * ```ts
 * const c = compileFormula('ln(x1) + x1*x2 - sin(x2)');
 * c.variables; // ['x1', 'x2']
 * ```
 */
export function compileFormula(text: string): CompiledFormula {
  if (text.trim() === '') throw new FormulaError('the formula is empty', 0);
  let root: MathNode;
  try {
    root = parse(text);
  } catch (err) {
    const e = err as Error & { char?: number };
    throw new FormulaError(e.message, typeof e.char === 'number' ? Math.max(0, e.char - 1) : undefined);
  }
  const variables: string[] = [];
  const where = (name: string) => {
    const m = new RegExp(`\\b${name.replace(/[^\w]/g, '')}\\b`).exec(text);
    return m ? m.index : undefined;
  };
  type Compiled = (x: Value[]) => Value;
  const compile = (node: MathNode): Compiled => {
    const n = node as MathNode & Record<string, unknown>;
    switch (node.type) {
      case 'ConstantNode': {
        const v = Number(n['value']);
        if (!Number.isFinite(v)) throw new FormulaError(`'${String(n['value'])}' is not a number`, where(String(n['value'])));
        return () => v;
      }
      case 'ParenthesisNode':
        return compile(n['content'] as MathNode);
      case 'SymbolNode': {
        const name = n['name'] as string;
        if (name in CONSTANTS) {
          const c = CONSTANTS[name] as number;
          return () => c;
        }
        let k = variables.indexOf(name);
        if (k < 0) k = variables.push(name) - 1;
        return (x) => x[k] as Value;
      }
      case 'OperatorNode': {
        const fn = n['fn'] as string;
        const args = (n['args'] as MathNode[]).map(compile);
        if (fn === 'unaryPlus') return args[0] as Compiled;
        const opName = OPERATORS[fn];
        if (opName === undefined) throw new FormulaError(`the operator '${String(n['op'])}' is not supported`, where(String(n['op'])));
        const op = getOp(opName)!;
        return (x) => apply(op, args.map((a) => a(x)));
      }
      case 'FunctionNode': {
        const name = (n['fn'] as { name?: string }).name ?? '';
        const op = getOp(ALIASES[name] ?? name);
        if (op === undefined) throw new FormulaError(`unknown function '${name}'`, where(name));
        const args = (n['args'] as MathNode[]).map(compile);
        if (args.length !== op.arity) {
          throw new FormulaError(`${name} takes ${op.arity} argument(s), got ${args.length}`, where(name));
        }
        return (x) => apply(op, args.map((a) => a(x)));
      }
      default:
        throw new FormulaError(`'${node.toString()}' (${node.type}) is not supported in a formula`, where(node.toString()));
    }
  };
  if (root.type === 'ArrayNode') {
    const items = ((root as MathNode & { items: MathNode[] }).items).map(compile);
    return { variables, outputCount: items.length, outputIsArray: true, f: (x) => items.map((g) => g(x)) };
  }
  const g = compile(root);
  return { variables, outputCount: 1, outputIsArray: false, f: (x) => g(x) };
}
