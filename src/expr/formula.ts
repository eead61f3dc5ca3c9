// Turns a formula string into a dualtape function of named variables, through mathjs's parser.
import { parse, type MathNode } from './mathjs';
import { apply, getOp, log, type OpDef, type Value } from '../index';

/**
 * A formula that cannot be turned into a dualtape function: a parse error, an unknown
 * function or symbol, or unsupported syntax. `position` is the 1-based column of the
 * offending token in the formula (0 when it cannot be located).
 *
 * @example
 * ```ts
 * import { formula, FormulaError } from 'dualtape/expr';
 * try { formula('foo(x) + 1'); } catch (e) { (e as FormulaError).position; } // 1
 * ```
 */
export class FormulaError extends SyntaxError {
  readonly position: number;
  readonly token: string | undefined;

  constructor(message: string, position: number, token?: string) {
    super(message);
    this.name = 'FormulaError';
    this.position = position;
    this.token = token;
  }
}

/**
 * Options of {@link formula}.
 *
 * @example
 * ```ts
 * import { formula } from 'dualtape/expr';
 * formula('a*b + c', { variables: ['c', 'b', 'a'] }).variables; // ['c', 'b', 'a']
 * ```
 */
export interface FormulaOptions {
  /**
   * The variables, in the order the function takes them. Default: every free symbol of the
   * formula, sorted naturally (x1, x2, ..., x10; then alphabetically). When given, any other
   * symbol is an error.
   */
  variables?: readonly string[];
}

/**
 * What every parsed formula has, whatever its number of outputs.
 *
 * @example
 * ```ts
 * import { formula, type FormulaBase } from 'dualtape/expr';
 * const f: FormulaBase = formula('x*y; x+y');
 * f.variables; // ['x', 'y']
 * ```
 */
export interface FormulaBase {
  readonly text: string;
  /** The variables, in the order `fn` takes them. */
  readonly variables: readonly string[];
  /** One per `;`-separated expression. */
  readonly outputCount: number;
  /** True when the formula has several `;`-separated outputs: `fn` then returns an array. */
  readonly isVector: boolean;
  /** The formula as a dualtape function: usable with every transformation (`grad`, `jvp`, `record`, ...). */
  readonly fn: (x: Value[]) => Value | Value[];
  /** The point in `variables` order from named values; every variable must be given, and nothing else. */
  point(values: Readonly<Record<string, number>>): number[];
  /** @internal The parsed outputs (mathjs nodes), for the symbolic cross-check. */
  readonly nodes: readonly MathNode[];
}

/**
 * A formula with one output: `fn` returns one value, so `grad`, `hessian` and the other
 * scalar transformations take it directly.
 *
 * @example
 * ```ts
 * import { formula, type ScalarFormula } from 'dualtape/expr';
 * import { grad } from 'dualtape';
 * const f: ScalarFormula = formula('ln(x1) + x1*x2 - sin(x2)');
 * grad(f.fn)(f.point({ x1: 2, x2: 5 })); // [5.5, 1.7163378145367738]
 * ```
 */
export interface ScalarFormula extends FormulaBase {
  readonly isVector: false;
  readonly fn: (x: Value[]) => Value;
}

/**
 * A formula with several `;`-separated outputs: `fn` returns an array of values.
 *
 * @example
 * ```ts
 * import { formula, type VectorFormula } from 'dualtape/expr';
 * import { jacrev } from 'dualtape';
 * const f: VectorFormula = formula('x*y; x+y');
 * jacrev(f.fn)([2, 3]); // [[3, 2], [1, 1]]
 * ```
 */
export interface VectorFormula extends FormulaBase {
  readonly isVector: true;
  readonly fn: (x: Value[]) => Value[];
}

/**
 * A parsed formula: a dualtape function of its variables, and what it was made from.
 * `isVector` tells the two kinds apart, so a formula whose text is only known at run time
 * narrows with `if (!f.isVector) grad(f.fn)`.
 *
 * @example
 * ```ts
 * import { formula, type Formula } from 'dualtape/expr';
 * import { grad, jacrev } from 'dualtape';
 * const f: Formula = formula(String('x*y'));
 * if (!f.isVector) grad(f.fn)([1, 2]); // [2, 1]
 * jacrev(f.fn)([1, 2]); // [[2, 1]]: every transformation that takes a vector function takes either kind
 * ```
 */
export type Formula = ScalarFormula | VectorFormula;

/** True for a string that is only spaces, tabs and line breaks. */
type Blank<S extends string> = S extends ''
  ? true
  : S extends ` ${infer R}` | `\t${infer R}` | `\n${infer R}` | `\r${infer R}` ? Blank<R> : false;
/** The non-blank `;`- or line-separated parts of a formula text, as mathjs splits it into outputs. */
type Outputs<S extends string> = S extends `${infer A};${infer B}`
  ? [...Outputs<A>, ...Outputs<B>]
  : S extends `${infer A}\n${infer B}`
    ? [...Outputs<A>, ...Outputs<B>]
    : Blank<S> extends true ? [] : [S];

/**
 * The formula type {@link formula} returns for a text type: for a literal text, scalar or
 * vector by its number of outputs, so `grad(formula('x*y').fn)` type-checks; for a text
 * known only at run time, {@link Formula} (narrow it on `isVector`).
 *
 * @example
 * ```ts
 * import type { FormulaOf } from 'dualtape/expr';
 * type A = FormulaOf<'x*y'>; // ScalarFormula
 * type B = FormulaOf<'x*y; x+y'>; // VectorFormula
 * type C = FormulaOf<string>; // Formula
 * ```
 */
export type FormulaOf<T extends string> = string extends T
  ? Formula
  : Outputs<T>['length'] extends 0 | 1 ? ScalarFormula : VectorFormula;

const CONSTANTS: Record<string, number> = { pi: Math.PI, PI: Math.PI, e: Math.E, E: Math.E, tau: 2 * Math.PI };
const OPERATORS: Record<string, string> = {
  add: 'add', subtract: 'sub', multiply: 'mul', divide: 'div', pow: 'pow', unaryMinus: 'neg',
};
/** Function names that are spelled differently in formulas than in the op table. */
const ALIASES: Record<string, string> = { ln: 'log' };

/** One node of the formula's DAG; identical subexpressions are one node. */
type DagNode =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'op'; readonly op: OpDef; readonly args: readonly DagNode[]; readonly level: number; readonly order: number };

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** @internal The 1-based column of the first occurrence of identifier `name` in `text` (as a call when `call`). */
export function positionOf(text: string, name: string, call = false): number {
  const escaped = name.replace(/[$]/g, '\\$');
  const re = new RegExp(`(?<![\\w.$])${escaped}(?![\\w$])${call ? '(?=\\s*\\()' : ''}`);
  const m = re.exec(text);
  return m ? m.index + 1 : 0;
}

function freeSymbols(nodes: readonly MathNode[]): string[] {
  const found = new Set<string>();
  const callees = new Set<MathNode>();
  for (const root of nodes) {
    root.traverse((node) => {
      if (node.type === 'FunctionNode') callees.add((node as unknown as { fn: MathNode }).fn);
    });
    root.traverse((node) => {
      if (node.type === 'SymbolNode' && !callees.has(node)) {
        const name = (node as unknown as { name: string }).name;
        // a function name used without a call is an error reported by build, not a variable
        if (!(name in CONSTANTS) && getOp(ALIASES[name] ?? name) === undefined) found.add(name);
      }
    });
  }
  return [...found].sort(naturalCompare);
}

/**
 * Parses a formula (mathjs syntax; `ln` is the natural log, as is `log(x)`; `log(x, b)` is
 * the base-b log) into a dualtape function of its named variables. Every function of the
 * op table can be called by name (`sin`, `sqrt`, `exp`, `abs`, `pow`, `atan2`, `sigmoid`, ...),
 * with `+ - * / ^`, unary minus and the constants `pi` and `e`. Several outputs are
 * separated by `;`.
 *
 * The primitives run in the order that reproduces a hand-written evaluation trace: by
 * depth (an operation runs one level after its deepest operand; inputs are level 0),
 * ties left to right, and an identical subexpression is computed once.
 *
 * @example
 * ```ts
 * import { formula } from 'dualtape/expr';
 * import { grad } from 'dualtape';
 * const f = formula('ln(x1) + x1*x2 - sin(x2)');
 * f.variables; // ['x1', 'x2']
 * grad(f.fn)(f.point({ x1: 2, x2: 5 })); // [5.5, 1.7163378145367738]
 * ```
 */
export function formula<const T extends string>(text: T, options: FormulaOptions = {}): FormulaOf<T> {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new TypeError(`formula: text must be a non-empty formula string, got ${typeof text === 'string' ? 'an empty string' : typeof text}`);
  }
  let root: MathNode;
  try {
    root = parse(text);
  } catch (e) {
    const char = (e as { char?: number }).char;
    const pos = typeof char === 'number' ? Math.min(char, text.length + 1) : 0;
    const reason = (e as Error).message.replace(/\s*\(char \d+\)\s*$/, '');
    throw new FormulaError(`formula: ${reason}${pos > 0 ? ` at position ${pos}` : ''} in '${text}'`, pos);
  }
  const outputs = root.type === 'BlockNode'
    ? (root as unknown as { blocks: { node: MathNode }[] }).blocks.map((b) => b.node)
    : [root];
  const given = options.variables;
  if (given !== undefined) {
    if (!Array.isArray(given) || !given.every((v) => typeof v === 'string' && /^[A-Za-z_]\w*$/.test(v))) {
      throw new TypeError('formula: options.variables must be an array of identifiers');
    }
    const dup = given.find((v, i) => given.indexOf(v) !== i);
    if (dup !== undefined) throw new TypeError(`formula: options.variables names '${dup}' twice`);
  }
  const variables = given ? [...given] : freeSymbols(outputs);
  const indexOf = new Map(variables.map((v, i) => [v, i]));

  const memo = new Map<string, DagNode>();
  const inputs = variables.map((_, index): DagNode => ({ kind: 'input', index }));
  let order = 0;
  const keyOf = (d: DagNode): string =>
    d.kind === 'input' ? `x${d.index}` : d.kind === 'const' ? `#${d.value}` : `n${d.order}`;
  const make = (op: OpDef, args: DagNode[]): DagNode => {
    if (args.every((a) => a.kind === 'const')) {
      return { kind: 'const', value: op.value(...args.map((a) => (a as { value: number }).value)) };
    }
    const key = `${op.name}(${args.map(keyOf).join(',')})`;
    const known = memo.get(key);
    if (known) return known;
    const level = 1 + Math.max(...args.map((a) => (a.kind === 'op' ? a.level : 0)));
    const node: DagNode = { kind: 'op', op, args, level, order: order++ };
    memo.set(key, node);
    return node;
  };
  const opNamed = (name: string): OpDef => getOp(name) as OpDef;

  const build = (node: MathNode): DagNode => {
    switch (node.type) {
      case 'ParenthesisNode':
        return build((node as unknown as { content: MathNode }).content);
      case 'ConstantNode': {
        const value = (node as unknown as { value: unknown }).value;
        if (typeof value !== 'number') {
          throw new FormulaError(`formula: only numbers are supported as constants, got ${JSON.stringify(value)}`, 0);
        }
        return { kind: 'const', value };
      }
      case 'SymbolNode': {
        const name = (node as unknown as { name: string }).name;
        const i = indexOf.get(name);
        if (i !== undefined) return inputs[i] as DagNode;
        if (name in CONSTANTS) return { kind: 'const', value: CONSTANTS[name] as number };
        const pos = positionOf(text, name);
        if (getOp(ALIASES[name] ?? name)) {
          throw new FormulaError(`formula: '${name}' at position ${pos} is a function; call it as ${name}(...)`, pos, name);
        }
        throw new FormulaError(
          `formula: unknown symbol '${name}' at position ${pos}; the variables are ${variables.join(', ') || '(none)'}`, pos, name,
        );
      }
      case 'OperatorNode': {
        const { fn, op, args } = node as unknown as { fn: string; op: string; args: MathNode[] };
        if (fn === 'unaryPlus') return build(args[0] as MathNode);
        const name = OPERATORS[fn];
        if (name === undefined) {
          const pos = text.indexOf(op) + 1;
          throw new FormulaError(`formula: unsupported operator '${op}' at position ${pos}`, pos, op);
        }
        return make(opNamed(name), args.map(build));
      }
      case 'FunctionNode': {
        const { fn, args } = node as unknown as { fn: MathNode & { name?: string }; args: MathNode[] };
        const name = fn.name;
        if (fn.type !== 'SymbolNode' || name === undefined) {
          throw new FormulaError('formula: only named functions can be called', 0);
        }
        const pos = positionOf(text, name, true);
        if (name === 'log' && args.length === 2) {
          // log(x, b) = ln x / ln b
          return make(opNamed('div'), [make(log.op, [build(args[0] as MathNode)]), make(log.op, [build(args[1] as MathNode)])]);
        }
        const op = getOp(ALIASES[name] ?? name);
        if (op === undefined) throw new FormulaError(`formula: unknown function '${name}' at position ${pos}`, pos, name);
        if (args.length !== op.arity) {
          throw new FormulaError(
            `formula: ${name} at position ${pos} takes ${op.arity} argument(s), got ${args.length}`, pos, name,
          );
        }
        return make(op, args.map(build));
      }
      default: {
        throw new FormulaError(`formula: unsupported syntax (${node.type}) in '${node.toString()}'`, 0);
      }
    }
  };
  const results = outputs.map(build);
  const schedule = [...memo.values()]
    .filter((d): d is Extract<DagNode, { kind: 'op' }> => d.kind === 'op')
    .sort((a, b) => a.level - b.level || a.order - b.order);
  const slot = new Map(schedule.map((d, k) => [d, k]));
  const isVector = outputs.length > 1;

  const fn = (x: Value[]): Value | Value[] => {
    if (!Array.isArray(x) || x.length !== variables.length) {
      throw new RangeError(
        `formula '${text}': x must be an array of ${variables.length} value(s) (${variables.join(', ')}), got ${Array.isArray(x) ? `length ${x.length}` : typeof x}`,
      );
    }
    const vals = new Array<Value>(schedule.length);
    const valueOf = (d: DagNode): Value =>
      d.kind === 'input' ? (x[d.index] as Value) : d.kind === 'const' ? d.value : (vals[slot.get(d) as number] as Value);
    schedule.forEach((d, k) => {
      vals[k] = apply(d.op, d.args.map(valueOf));
    });
    const ys = results.map(valueOf);
    return isVector ? ys : (ys[0] as Value);
  };

  const point = (values: Readonly<Record<string, number>>): number[] => {
    if (typeof values !== 'object' || values === null) throw new TypeError('point: values must be an object { name: number }');
    for (const name of Object.keys(values)) {
      if (!indexOf.has(name)) {
        throw new RangeError(`point: '${name}' is not a variable of the formula; the variables are ${variables.join(', ') || '(none)'}`);
      }
    }
    return variables.map((v) => {
      const value = values[v];
      if (typeof value !== 'number') throw new RangeError(`point: no value given for variable '${v}'`);
      return value;
    });
  };

  return { text, variables, outputCount: outputs.length, isVector, fn, point, nodes: outputs } as FormulaBase as FormulaOf<T>;
}
