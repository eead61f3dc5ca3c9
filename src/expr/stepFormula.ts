// A scan's step written as a formula: `y = sin(y)*a + cos(y*b)`, one assignment per carry variable.
import type { ScanStep, Value } from '../index';
import { formula, FormulaError } from './formula';

/**
 * A scan step parsed from assignments: the assigned names are the carry, every other
 * variable a parameter that the step carries along unchanged.
 *
 * @example
 * ```ts
 * import { stepFormula } from 'dualtape/expr';
 * stepFormula('x = x + h*v; v = v - h*x').variables; // ['x', 'v', 'h']
 * ```
 */
export interface StepFormula {
  /** The assigned variables, in the order they are assigned. */
  readonly carry: readonly string[];
  /** The other free variables, in natural order: constant along the scan, differentiable like the carry. */
  readonly parameters: readonly string[];
  /** `carry` then `parameters`: the order of the scan's carry array (its init and its gradient). */
  readonly variables: readonly string[];
  /** The step for {@link scan}: the new carry from the old one, parameters passed through. */
  readonly step: ScanStep;
}

const ASSIGN = /^(\s*)([A-Za-z_]\w*)\s*=(?!=)/;

/**
 * Parses a scan step written as assignments, `y = sin(y)*a + cos(y*b)` (several separated by
 * `;` or new lines). The assignments are simultaneous: every right-hand side reads the carry
 * before the step. Bad input throws a {@link FormulaError} whose position (1-based, 0 when
 * unknown) points into `text`.
 *
 * @example
 * ```ts
 * import { stepFormula } from 'dualtape/expr';
 * import { grad, scan } from 'dualtape';
 * const { step } = stepFormula('y = sin(y)*a + cos(y*b)'); // carry [y, a, b]
 * grad((x) => scan(step, x, 1000, { checkpoints: 16 })[0])([0.5, 0.5, 0.3]); // d y_1000 / d (y0, a, b)
 * ```
 */
export function stepFormula(text: string): StepFormula {
  if (typeof text !== 'string') throw new TypeError(`stepFormula: text must be a string of assignments such as 'y = sin(y)*a', got ${typeof text}`);
  const carry: string[] = [];
  const rhs: { text: string; at: number }[] = [];
  let at = 0;
  for (const part of text.split(/[;\n]/)) {
    const start = at;
    at += part.length + 1;
    if (part.trim() === '') continue;
    const m = ASSIGN.exec(part);
    if (m === null) {
      throw new FormulaError(
        `each statement of the step assigns a carry variable, as y = sin(y)*a + cos(y*b); '${part.trim()}' assigns none`,
        start + part.length - part.trimStart().length + 1,
      );
    }
    const name = m[2] as string;
    if (carry.includes(name)) throw new FormulaError(`the step assigns ${name} twice; write one assignment per carry variable`, start + (m[1] as string).length + 1, name);
    carry.push(name);
    rhs.push({ text: part.slice(m[0].length), at: start + m[0].length });
  }
  if (carry.length === 0) throw new FormulaError('the step is empty: write the new carry, as y = sin(y)*a + cos(y*b)', 0);
  // The right-hand sides are parsed as one formula with several outputs; a position there maps back to the text as typed.
  const joined = rhs.map((r) => r.text).join(';');
  const back = (p: number): number => {
    let offset = 0;
    for (const r of rhs) {
      if (p <= offset + r.text.length) return r.at + (p - offset);
      offset += r.text.length + 1;
    }
    return text.length;
  };
  try {
    const parameters = formula(joined).variables.filter((v) => !carry.includes(v));
    const variables = [...carry, ...parameters];
    const fn = formula(joined, { variables }).fn;
    const nc = carry.length;
    const step: ScanStep = (s) => {
      const out = fn(s);
      const next = nc === 1 ? [out as Value] : (out as Value[]);
      return parameters.length === 0 ? next : [...next, ...s.slice(nc)];
    };
    return { carry, parameters, variables, step };
  } catch (err) {
    if (!(err instanceof FormulaError)) throw err;
    const position = err.position > 0 ? back(err.position - 1) + 1 : 0;
    const message = err.message.replace(/ at position \d+/, position === 0 ? '' : ` at position ${position}`).replace(` in '${joined}'`, ` in '${text}'`);
    throw new FormulaError(message, position, err.token);
  }
}
