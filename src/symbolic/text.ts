// Printers of the expression tree for people: rule text in the seed notes' notation, and LaTeX.
import { getOp } from '../ops/opDef';
import { type Expr, type VarExpr } from './tree';

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
  variable(e: VarExpr): string;
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
