// The expression tree printed as JavaScript: each op node one `const`, its text the op's own value function.
import { getOp, type OpDef } from '../ops/opDef';
import { type Expr, type VarExpr } from './tree';

const MATH_NAMES = new Set(Object.getOwnPropertyNames(Math).filter((k) => typeof (Math as unknown as Record<string, unknown>)[k] === 'function'));

/**
 * A JS literal for a number (negative numbers parenthesised so they can be substituted anywhere).
 * @internal
 */
export function numberLiteral(n: number): string {
  if (Object.is(n, -0)) return '(-0)';
  return n < 0 ? `(${String(n)})` : String(n);
}

/**
 * The value of `op` as an expression over `$0 ..`: `Math.sin($0)` when op.value is that very
 * Math function; the arrow's own body when op.value is a one-expression arrow of its
 * parameters only (so the text is the op's definition, not a copy); else a call `V<code>(...)`,
 * with the function put in `deps`.
 * @internal
 */
export function valueCode(op: OpDef, deps: Map<number, (...args: number[]) => number>): string {
  const args = Array.from({ length: op.arity }, (_, i) => `$${i}`);
  for (const name of MATH_NAMES) {
    if ((Math as unknown as Record<string, unknown>)[name] === op.value) return `Math.${name}(${args.join(', ')})`;
  }
  const inlined = inlineArrow(op.value, op.arity);
  if (inlined !== undefined) return inlined;
  deps.set(op.code, op.value);
  return `V${op.code}(${args.join(', ')})`;
}

function inlineArrow(fn: (...args: number[]) => number, arity: number): string | undefined {
  const src = Function.prototype.toString.call(fn);
  const m = /^\(?\s*([\w$]+(?:\s*,\s*[\w$]+)*)?\s*\)?\s*=>\s*([\s\S]+)$/.exec(src);
  if (!m) return undefined;
  const params = (m[1] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  const body = (m[2] as string).trim();
  if (params.length !== arity || body.startsWith('{') || /['"`{};]|=>|[^=!<>]=[^=]/.test(body)) return undefined;
  let ok = true;
  const out = body.replace(/\d[\w.]*|\.?[A-Za-z_$][\w$]*/g, (tok) => {
    if (/^\d/.test(tok) || tok.startsWith('.')) {
      if (tok.startsWith('.') && !MATH_NAMES.has(tok.slice(1))) ok = false;
      return tok;
    }
    const k = params.indexOf(tok);
    if (k >= 0) return `($${k})`;
    if (tok !== 'Math') ok = false;
    return tok;
  });
  return ok ? `(${out})` : undefined;
}

/** How a printed program names its variables (the tree's symbols) and its temporaries. */
export interface JsNames {
  variable(v: VarExpr): string;
  temp(k: number): string;
}

/** Straight-line JavaScript for some trees: `temps` (`const <temp> = ...;`) to run first, then one expression per root. */
export interface JsProgram {
  readonly temps: readonly string[];
  readonly roots: readonly string[];
}

/**
 * Prints trees as straight-line JavaScript. Every op node becomes one temporary (once, however
 * many parents share it), in an order where each is defined before use; a root that is a
 * symbol or a constant stays inline. Only nodes that reach a root are printed.
 * @internal
 */
export function toJavaScript(roots: readonly Expr[], names: JsNames, deps: Map<number, (...args: number[]) => number>): JsProgram {
  const temps: string[] = [];
  const printed = new Map<Expr, string>();
  const print = (e: Expr): string => {
    const hit = printed.get(e);
    if (hit !== undefined) return hit;
    let text: string;
    switch (e.kind) {
      case 'num':
        text = numberLiteral(e.value);
        break;
      case 'var':
        text = names.variable(e);
        break;
      case 'op': {
        const op = opOf(e.op);
        const args = e.args.map(print);
        const name = names.temp(temps.length);
        temps.push(`const ${name} = ${valueCode(op, deps).replace(/\$(\d+)/g, (_, k: string) => args[Number(k)] as string)};`);
        text = name;
        break;
      }
      default:
        throw new TypeError(`toJavaScript: a '${e.kind}' node is notation for readers, not a computation`);
    }
    printed.set(e, text);
    return text;
  };
  const out = roots.map(print);
  return { temps, roots: out };
}

/** @internal The op an `op` node names (the tree names ops, so a tree can be printed without the table in hand). */
export function opOf(name: string): OpDef {
  const op = getOp(name);
  if (op === undefined) throw new TypeError(`expression: unknown op '${name}'`);
  return op;
}
