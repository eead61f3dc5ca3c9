// Symbolic AD values: run an op's own partials rule on names instead of numbers, so rule text comes from the op table.
import { getOp, type OpDef } from '../ops/opDef';
import { ADValue, nextLevel, primal, type Trace, type Value } from '../ops/value';

/**
 * An expression tree for teaching output: the rule texts of the trace tables.
 *
 * - `num`: a constant; `var`: a named quantity (`v` with subscript `-1`, decorated with a
 *   tangent dot or an adjoint bar);
 * - `op`: a primitive of the op table applied to arguments (`name` is the op's name);
 * - `partial`: the symbol ∂`of`/∂`wrt` (how the seed notes write a constant partial);
 * - `eq`: `left = right` (the output rows, `y-dot = v5-dot`).
 */
export type Expr =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'var'; readonly name: string; readonly sub?: string; readonly deco?: 'dot' | 'bar' }
  | { readonly kind: 'op'; readonly op: string; readonly args: readonly Expr[] }
  | { readonly kind: 'partial'; readonly of: Expr; readonly wrt: Expr }
  | { readonly kind: 'eq'; readonly left: Expr; readonly right: Expr };

/** @internal */
export const num = (value: number): Expr => ({ kind: 'num', value });

/**
 * A named variable; a trailing number in `name` becomes its subscript (`x1` → x with subscript 1),
 * which is how the LaTeX output writes x_1.
 * @internal
 */
export function variable(name: string, deco?: 'dot' | 'bar'): Expr {
  const m = /^([A-Za-z_]\w*?)(-?\d+)$/.exec(name);
  const base = m ? { name: m[1] as string, sub: m[2] as string } : { name };
  return deco === undefined ? { kind: 'var', ...base } : { kind: 'var', ...base, deco };
}

/** @internal The same variable with a dot or a bar (v1 → v1-dot). */
export function decorate(v: Expr, deco: 'dot' | 'bar'): Expr {
  if (v.kind !== 'var') throw new TypeError('decorate: only variables can carry a dot or a bar');
  return { ...v, deco };
}

const isNum = (e: Expr, v?: number): e is { kind: 'num'; value: number } =>
  e.kind === 'num' && (v === undefined || e.value === v || (v === 0 && e.value === 0));

const node = (op: string, ...args: Expr[]): Expr => ({ kind: 'op', op, args });

/**
 * Builds `op(args)` with the local simplifications that make derived rules read as written
 * by hand: x·1 → x, x·(1/y) → x/y, x + (-y) → x - y, 0 terms dropped, constants folded.
 * Only identities that hold for every finite value are used.
 * @internal
 */
export function simplify(op: string, args: readonly Expr[]): Expr {
  const def = getOp(op);
  if (def && args.every((a) => a.kind === 'num')) {
    return num(def.value(...args.map((a) => (a as { value: number }).value)));
  }
  const [a, b] = args as [Expr, Expr];
  switch (op) {
    case 'add':
      if (isNum(a, 0)) return b;
      if (isNum(b, 0)) return a;
      if (b.kind === 'op' && b.op === 'neg') return simplify('sub', [a, b.args[0] as Expr]);
      if (isNum(b) && b.value < 0) return node('sub', a, num(-b.value));
      if (a.kind === 'op' && a.op === 'neg') return simplify('sub', [b, a.args[0] as Expr]);
      break;
    case 'sub':
      if (isNum(b, 0)) return a;
      if (isNum(a, 0)) return simplify('neg', [b]);
      if (b.kind === 'op' && b.op === 'neg') return simplify('add', [a, b.args[0] as Expr]);
      if (isNum(b) && b.value < 0) return node('add', a, num(-b.value));
      break;
    case 'mul':
      if (isNum(a, 0) || isNum(b, 0)) return num(0);
      if (isNum(a, 1)) return b;
      if (isNum(b, 1)) return a;
      if (isNum(a, -1)) return simplify('neg', [b]);
      if (isNum(b, -1)) return simplify('neg', [a]);
      // x · (1/y) → x / y, the way d ln x = dx / x is written
      if (b.kind === 'op' && b.op === 'div' && isNum(b.args[0] as Expr, 1)) return node('div', a, b.args[1] as Expr);
      if (a.kind === 'op' && a.op === 'div' && isNum(a.args[0] as Expr, 1)) return node('div', b, a.args[1] as Expr);
      if (b.kind === 'op' && b.op === 'neg') return simplify('neg', [simplify('mul', [a, b.args[0] as Expr])]);
      if (a.kind === 'op' && a.op === 'neg') return simplify('neg', [simplify('mul', [a.args[0] as Expr, b])]);
      break;
    case 'div':
      if (isNum(b, 1)) return a;
      if (b.kind === 'op' && b.op === 'neg') return simplify('neg', [simplify('div', [a, b.args[0] as Expr])]);
      if (a.kind === 'op' && a.op === 'neg') return simplify('neg', [simplify('div', [a.args[0] as Expr, b])]);
      break;
    case 'neg':
      if (a.kind === 'op' && a.op === 'neg') return a.args[0] as Expr;
      break;
    case 'pow':
      if (isNum(b, 1)) return a;
      if (isNum(b, 0)) return num(1);
      break;
  }
  return node(op, ...args);
}

/**
 * A symbolic AD value: an expression plus the number it stands for at the traced point.
 * The number is what `primal` returns, so rules that branch on a value (|x| at 0, pow at
 * x = 0) take the same branch as the numeric modes did.
 */
export class SymbolicValue extends ADValue {
  readonly value: number;
  readonly trace: Trace;
  readonly expr: Expr;

  constructor(expr: Expr, value: number, trace: Trace) {
    super();
    this.expr = expr;
    this.value = value;
    this.trace = trace;
  }
}

/** The trace that turns primitive calls on symbolic values into expression nodes. */
class SymbolicTrace implements Trace {
  readonly level = nextLevel();
  active = true;
  readonly label = 'symbolic rule evaluation (teaching output)';

  process(op: OpDef, args: readonly Value[]): Value {
    const exprs = args.map(toExpr);
    const value = op.value(...args.map(primal));
    const e = simplify(op.name, exprs);
    return e.kind === 'num' ? e.value : new SymbolicValue(e, value, this);
  }
}

/** @internal */
export function toExpr(v: Value): Expr {
  if (typeof v === 'number') return num(v);
  if (v instanceof SymbolicValue) return v.expr;
  return num(primal(v));
}

/** A symbolic argument: its expression (a variable of the trace) and its value at the point. */
export interface SymbolicArg {
  readonly expr: Expr;
  readonly value: number;
  /** A constant of the recording: it enters the rule as the plain number `value`. */
  readonly constant?: boolean;
}

/**
 * Runs `op`'s own partials rule on symbolic arguments and hands each partial, together
 * with the trace's values, to `build`, which may combine them with dualtape primitives
 * (they build expressions too while the symbolic trace is running).
 * @internal
 */
export function withSymbolicPartials<T>(
  op: OpDef,
  args: readonly SymbolicArg[],
  y: SymbolicArg,
  build: (partials: readonly Value[], lift: (a: SymbolicArg) => Value) => T,
): T {
  const trace = new SymbolicTrace();
  try {
    const lift = (a: SymbolicArg): Value => (a.constant ? a.value : new SymbolicValue(a.expr, a.value, trace));
    const partials = op.partials(args.map(lift), lift(y));
    if (!Array.isArray(partials) || partials.length !== op.arity) {
      throw new TypeError(`${op.name}: its partials rule must return an array of ${op.arity} partial derivative(s)`);
    }
    return build(partials, lift);
  } finally {
    trace.active = false;
  }
}

// ----- printing -----

const FUNCTION_NAMES: Record<string, string> = { log: 'ln' };
const LATEX_FUNCTIONS = new Set(['sin', 'cos', 'tan', 'sinh', 'cosh', 'tanh', 'exp', 'ln', 'log', 'min', 'max', 'arcsin', 'arccos', 'arctan']);
const LATEX_RENAME: Record<string, string> = { asin: 'arcsin', acos: 'arccos', atan: 'arctan', log: 'ln' };

/** Formats a number for rule text: at most 6 significant digits, no exponent for ordinary sizes. */
export function formatConstant(v: number): string {
  if (Object.is(v, -0)) return '0';
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

function isAtom(e: Expr): boolean {
  return e.kind === 'var' || e.kind === 'partial' || (e.kind === 'num' && e.value >= 0);
}

/** Precedence of how an expression prints: 1 sums, 2 products, 3 prefix minus and `cos v0`, 4 powers, 5 atoms. */
function precedence(e: Expr): number {
  if (e.kind === 'eq') return 0;
  if (e.kind === 'num') return e.value < 0 ? 3 : 5;
  if (e.kind !== 'op') return 5;
  const def = getOp(e.op);
  switch (e.op) {
    case 'add':
    case 'sub':
      return 1;
    case 'mul':
    case 'div':
      return 2;
    case 'neg':
      return 3;
    case 'pow':
      return 4;
  }
  if (def?.infix !== undefined && e.args.length === 2) return 2;
  return e.args.length === 1 && isAtom(e.args[0] as Expr) ? 3 : 5;
}

interface Printer {
  variable(e: Extract<Expr, { kind: 'var' }>): string;
  number(v: number): string;
  paren(s: string): string;
  infix(op: string, symbol: string, l: string, r: string): string;
  neg(s: string): string;
  fn(name: string, args: string[], juxtapose: boolean): string;
  partial(of: string, wrt: string): string;
  eq(l: string, r: string): string;
}

function print(e: Expr, p: Printer): string {
  const wrap = (child: Expr, min: number): string => {
    const s = print(child, p);
    return precedence(child) < min ? p.paren(s) : s;
  };
  switch (e.kind) {
    case 'num':
      return p.number(e.value);
    case 'var':
      return p.variable(e);
    case 'partial':
      return p.partial(print(e.of, p), print(e.wrt, p));
    case 'eq':
      return p.eq(print(e.left, p), print(e.right, p));
    case 'op': {
      const def = getOp(e.op);
      const prec = precedence(e);
      if (e.op === 'neg') return p.neg(wrap(e.args[0] as Expr, 3));
      if (def?.infix !== undefined && e.args.length === 2) {
        const [l, r] = e.args as [Expr, Expr];
        // + and * are associative, so a right operand of the same kind needs no parentheses
        const assoc = (e.op === 'add' && r.kind === 'op' && r.op === 'add') || (e.op === 'mul' && r.kind === 'op' && r.op === 'mul');
        if (e.op === 'pow') return p.infix(e.op, def.infix, wrap(l, 5), wrap(r, 4));
        return p.infix(e.op, def.infix, wrap(l, prec), wrap(r, assoc ? prec : prec + 1));
      }
      if (prec === 3) return p.fn(e.op, [print(e.args[0] as Expr, p)], true);
      return p.fn(e.op, e.args.map((a) => print(a, p)), false);
    }
  }
}

const textPrinter: Printer = {
  variable: (v) => `${v.name}${v.sub ?? ''}${v.deco ? `-${v.deco}` : ''}`,
  number: formatConstant,
  paren: (s) => `(${s})`,
  infix: (_op, symbol, l, r) => `${l} ${symbol} ${r}`,
  neg: (s) => `-${s}`,
  fn: (name, args, juxtapose) => {
    const shown = FUNCTION_NAMES[name] ?? name;
    return juxtapose ? `${shown} ${args[0]}` : `${shown}(${args.join(', ')})`;
  },
  partial: (of, wrt) => `d${of}/d${wrt}`,
  eq: (l, r) => `${l} = ${r}`,
};

function latexName(name: string): string {
  return name.length === 1 ? name : `\\mathit{${name.replace(/_/g, '\\_')}}`;
}

const latexPrinter: Printer = {
  variable: (v) => {
    const base = v.deco ? `\\${v.deco}{${latexName(v.name)}}` : latexName(v.name);
    return v.sub === undefined ? base : `${base}_{${v.sub}}`;
  },
  number: (v) => {
    const s = formatConstant(v);
    return s === 'Infinity' ? '\\infty' : s === '-Infinity' ? '-\\infty' : s;
  },
  paren: (s) => `\\left(${s}\\right)`,
  infix: (op, symbol, l, r) => {
    if (op === 'mul') return `${l} \\cdot ${r}`;
    if (op === 'pow') return `{${l}}^{${r}}`;
    return `${l} ${symbol} ${r}`;
  },
  neg: (s) => `-${s}`,
  fn: (name, args, juxtapose) => {
    const shown = LATEX_RENAME[name] ?? name;
    const cmd = LATEX_FUNCTIONS.has(shown) ? `\\${shown}` : `\\operatorname{${shown}}`;
    return juxtapose ? `${cmd} ${args[0]}` : `${cmd}\\left(${args.join(', ')}\\right)`;
  },
  partial: (of, wrt) => `\\partial ${of} / \\partial ${wrt}`,
  eq: (l, r) => `${l} = ${r}`,
};

/**
 * Prints an expression as plain text in the seed notes' notation (`v-1-dot / v-1`,
 * `v3-bar * cos v0`, `ln` for the natural log).
 *
 * @example
 * ```ts
 * import { exprToText } from 'dualtape';
 * exprToText({ kind: 'op', op: 'sin', args: [{ kind: 'var', name: 'v', sub: '0' }] }); // 'sin v0'
 * ```
 */
export function exprToText(e: Expr): string {
  return print(e, textPrinter);
}

/**
 * Prints an expression as LaTeX math (without the surrounding `$`).
 *
 * @example
 * ```ts
 * import { exprToLatex } from 'dualtape';
 * exprToLatex({ kind: 'var', name: 'v', sub: '-1', deco: 'dot' }); // '\\dot{v}_{-1}'
 * ```
 */
export function exprToLatex(e: Expr): string {
  return print(e, latexPrinter);
}
