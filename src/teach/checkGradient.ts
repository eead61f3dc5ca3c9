// Cross-checks a function's derivatives: forward mode vs reverse mode vs central finite differences.
import { jacfwd } from '../forward/api';
import { jacrev } from '../reverse/api';
import { describe } from '../ops/value';
import { checkFunction, checkVector, type VectorFunction } from '../internal/validate';
import { formatNumber } from './format';

/**
 * Options of {@link checkGradient}.
 *
 * @example
 * ```ts
 * import { checkGradient, workedExample } from 'dualtape';
 * checkGradient(workedExample, [2, 5], { step: 1e-5 }).steps; // [1e-5, 1e-5]
 * ```
 */
export interface CheckGradientOptions {
  /**
   * The finite-difference step h (the same for every input). Default: per input,
   * h_j = ∛ε · max(1, |x_j|) ≈ 6.06e-6 · max(1, |x_j|), which balances the O(h²) truncation
   * error of central differences against the O(ε/h) rounding error.
   */
  step?: number;
}

/**
 * The largest discrepancies over all outputs for one input (absolute differences of Jacobian entries).
 *
 * @example
 * ```ts
 * import { checkGradient, workedExample } from 'dualtape';
 * checkGradient(workedExample, [2, 5]).inputs[1].forwardVsReverse; // 0
 * ```
 */
export interface InputDiscrepancy {
  /** The input (0-based). */
  readonly input: number;
  readonly forwardVsReverse: number;
  readonly forwardVsFiniteDifference: number;
  readonly reverseVsFiniteDifference: number;
  /**
   * False where a derivative of this input is infinite or NaN (a singular point such as x/y
   * at y = 0), or the difference quotient is: a finite difference cannot approximate it
   * there, so its discrepancies say nothing about the modes.
   */
  readonly finiteDifferenceReliable: boolean;
}

/**
 * What {@link checkGradient} returns; Jacobians are m × n (rows = outputs).
 *
 * @example
 * ```ts
 * import { checkGradient, workedExample } from 'dualtape';
 * checkGradient(workedExample, [2, 5]).forward; // [[5.5, 1.7163378145367738]]
 * ```
 */
export interface GradientCheck {
  readonly forward: readonly (readonly number[])[];
  readonly reverse: readonly (readonly number[])[];
  readonly finiteDifference: readonly (readonly number[])[];
  /** The finite-difference step used for each input. */
  readonly steps: readonly number[];
  readonly inputs: readonly InputDiscrepancy[];
}

const CBRT_EPS = Math.cbrt(Number.EPSILON);

/**
 * Computes f's Jacobian at x by forward mode, by reverse mode and by central finite
 * differences (f(x + h e_j) - f(x - h e_j)) / 2h, and reports per input the largest
 * absolute discrepancy between each pair. Forward and reverse should agree to rounding;
 * finite differences to about 1e-8 relative (see {@link CheckGradientOptions.step}).
 *
 * @example
 * ```ts
 * import { checkGradient, workedExample } from 'dualtape';
 * const c = checkGradient(workedExample, [2, 5]);
 * c.inputs[0].forwardVsReverse; // 0
 * c.inputs[0].forwardVsFiniteDifference < 1e-8; // true
 * ```
 */
export function checkGradient(f: VectorFunction, x: ArrayLike<number>, options: CheckGradientOptions = {}): GradientCheck {
  checkFunction('checkGradient', f);
  const xs = checkVector('checkGradient', 'x', x).map((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`checkGradient: x[${i}] must be a plain number, got ${describe(v)}`);
    return v;
  });
  const { step } = options;
  if (step !== undefined && (typeof step !== 'number' || !(step > 0) || !Number.isFinite(step))) {
    throw new RangeError(`checkGradient: options.step must be a positive finite number, got ${String(step)}`);
  }
  const forward = jacfwd(f)(xs) as number[][];
  const reverse = jacrev(f)(xs) as number[][];
  const evaluate = (p: number[]): number[] => {
    const y = f(p);
    return (Array.isArray(y) ? y : [y]) as number[];
  };
  const steps = xs.map((xj) => step ?? CBRT_EPS * Math.max(1, Math.abs(xj)));
  const m = forward.length > 0 ? forward.length : evaluate(xs).length;
  const finiteDifference: number[][] = Array.from({ length: m }, () => new Array<number>(xs.length).fill(0));
  xs.forEach((xj, j) => {
    const h = steps[j] as number;
    const plus = [...xs];
    const minus = [...xs];
    plus[j] = xj + h;
    minus[j] = xj - h;
    // divide by the step actually taken: xj + h is rounded, and the rounding is part of the step
    const width = (plus[j] as number) - (minus[j] as number);
    const yp = evaluate(plus);
    const ym = evaluate(minus);
    yp.forEach((v, i) => {
      (finiteDifference[i] as number[])[j] = (v - (ym[i] as number)) / width;
    });
  });
  // equal values differ by 0, Infinity and NaN included: both modes giving Infinity at a pole agree
  const diff = (a: number, b: number) => (Object.is(a, b) || a === b ? 0 : Math.abs(a - b));
  const maxDiff = (A: number[][], B: readonly (readonly number[])[], j: number) =>
    A.reduce((mx, row, i) => Math.max(mx, diff(row[j] as number, (B[i] as number[])[j] as number)), 0);
  const column = (A: number[][], j: number) => A.map((row) => row[j] as number);
  const inputs = xs.map((_, j) => ({
    input: j,
    forwardVsReverse: maxDiff(forward, reverse, j),
    forwardVsFiniteDifference: maxDiff(forward, finiteDifference, j),
    reverseVsFiniteDifference: maxDiff(reverse, finiteDifference, j),
    finiteDifferenceReliable: [forward, reverse, finiteDifference].every((A) => column(A, j).every(Number.isFinite)),
  }));
  return { forward, reverse, finiteDifference, steps, inputs };
}

/**
 * A gradient check as a plain-text table: per input, the derivatives found (for a scalar
 * f) and the largest discrepancies. Extra columns (such as a symbolic reference) may be added.
 *
 * @example
 * ```ts
 * import { checkGradient, renderGradientCheck, workedExample } from 'dualtape';
 * console.log(renderGradientCheck(checkGradient(workedExample, [2, 5]), { inputNames: ['x1', 'x2'] }));
 * ```
 */
export function renderGradientCheck(
  check: GradientCheck,
  options: { inputNames?: readonly string[]; extra?: { header: string; values: readonly (number | null)[] }[] } = {},
): string {
  if (typeof check !== 'object' || check === null || !Array.isArray(check.inputs)) {
    throw new TypeError(`renderGradientCheck: check must be the result of checkGradient, got ${describe(check)}`);
  }
  const scalar = check.forward.length === 1;
  const e = (v: number | null) => (v === null ? 'n/a' : v === 0 ? '0' : v.toExponential(2));
  const headers = ['input', ...(scalar ? ['forward', 'reverse', 'central FD'] : []), '|fwd-rev|', '|fwd-FD|', '|rev-FD|',
    ...(options.extra ?? []).map((c) => c.header)];
  const rows = check.inputs.map((d) => [
    options.inputNames?.[d.input] ?? `x${d.input + 1}`,
    ...(scalar
      ? [check.forward, check.reverse, check.finiteDifference].map((J, k) =>
        k === 2 && d.finiteDifferenceReliable === false ? 'unreliable' : formatNumber((J[0] as number[])[d.input] as number, 10, false))
      : []),
    e(d.forwardVsReverse),
    ...(d.finiteDifferenceReliable === false ? ['n/a', 'n/a'] : [e(d.forwardVsFiniteDifference), e(d.reverseVsFiniteDifference)]),
    ...(options.extra ?? []).map((c) => e(c.values[d.input] ?? null)),
  ]);
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (r: string[]) => r.map((s, c) => (c === 0 ? s.padEnd(widths[c] as number) : s.padStart(widths[c] as number))).join('  ');
  const singular = check.inputs.filter((d) => d.finiteDifferenceReliable === false).map((d) => options.inputNames?.[d.input] ?? `x${d.input + 1}`);
  return [
    line(headers), ...rows.map(line),
    `(max over outputs of absolute differences; FD steps h = ${check.steps.map((h) => h.toExponential(2)).join(', ')})`,
    ...(singular.length > 0
      ? [`finite differences are unreliable for ${singular.join(', ')}: a derivative is infinite or NaN there (a singular point), which a difference quotient cannot approximate`]
      : []),
  ].join('\n');
}
