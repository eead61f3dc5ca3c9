// Cross-checks a formula's derivatives against mathjs's symbolic derivative, on top of the core gradient check.
import { derivative, type MathNode } from './mathjs';
import { checkGradient, type CheckGradientOptions, type GradientCheck } from '../index';
import { formula as parseFormula, type Formula } from './formula';

/**
 * What {@link checkFormula} returns: the core check plus mathjs's symbolic Jacobian.
 *
 * @example
 * ```ts
 * import { checkFormula } from 'dualtape/expr';
 * checkFormula('x^2 * sin(x)', { x: 1.3 }).forwardVsSymbolic; // [~1e-16]
 * ```
 */
export interface FormulaCheck extends GradientCheck {
  readonly variables: readonly string[];
  /** ∂y_i/∂x_j from mathjs `derivative`, evaluated at the point; null where mathjs cannot differentiate. */
  readonly symbolic: readonly (readonly (number | null)[])[];
  /** Per input, the largest |forward - symbolic| over the outputs (null when no symbolic value exists). */
  readonly forwardVsSymbolic: readonly (number | null)[];
  /** Why symbolic entries are missing (a function mathjs cannot differentiate), if any. */
  readonly symbolicErrors: readonly string[];
}

/** mathjs's own spelling of our functions, so that its `derivative` knows them. */
function toMathjs(node: MathNode): MathNode {
  return node.transform((n) => {
    const fnNode = n as unknown as { type: string; fn?: { name?: string } };
    if (fnNode.type === 'FunctionNode' && fnNode.fn?.name === 'ln') {
      const clone = n.cloneDeep() as unknown as { fn: { name: string } };
      clone.fn.name = 'log';
      return clone as unknown as MathNode;
    }
    return n;
  });
}

/**
 * Checks a formula's Jacobian at a point four ways: forward mode, reverse mode, central
 * finite differences (see `checkGradient` in the core) and mathjs's symbolic `derivative`,
 * reporting the largest discrepancy per input.
 *
 * @example
 * ```ts
 * import { checkFormula } from 'dualtape/expr';
 * const c = checkFormula('ln(x1) + x1*x2 - sin(x2)', { x1: 2, x2: 5 });
 * c.forwardVsSymbolic; // [0, 2.2e-16] or so
 * ```
 */
export function checkFormula(
  f: string | Formula,
  at: Readonly<Record<string, number>>,
  options: CheckGradientOptions = {},
): FormulaCheck {
  const parsed = typeof f === 'string' ? parseFormula(f) : f;
  const x = parsed.point(at);
  const base = checkGradient(parsed.fn, x, options);
  const scope = Object.fromEntries(parsed.variables.map((v, j) => [v, x[j] as number]));
  const symbolicErrors: string[] = [];
  const symbolic = parsed.nodes.map((node) =>
    parsed.variables.map((v) => {
      try {
        const value = derivative(toMathjs(node), v).evaluate(scope) as unknown;
        return typeof value === 'number' ? value : null;
      } catch (e) {
        const msg = `mathjs cannot differentiate '${node.toString()}' by ${v}: ${(e as Error).message}`;
        if (!symbolicErrors.includes(msg)) symbolicErrors.push(msg);
        return null;
      }
    }),
  );
  const forwardVsSymbolic = parsed.variables.map((_, j) => {
    let worst: number | null = null;
    base.forward.forEach((row, i) => {
      const s = (symbolic[i] as (number | null)[])[j];
      if (s === null || s === undefined) return;
      const a = row[j] as number;
      // equal values differ by 0, infinite ones included (both give Infinity at a pole)
      worst = Math.max(worst ?? 0, a === s || Object.is(a, s) ? 0 : Math.abs(a - s));
    });
    return worst;
  });
  return { ...base, variables: parsed.variables, symbolic, forwardVsSymbolic, symbolicErrors };
}
