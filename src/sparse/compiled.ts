// Sparse Jacobians and Hessians of a compiled recording: pattern and colouring found once, compressed passes at each new point.
import type { CompiledFunction } from '../compile/compile';
import type { WengertList } from '../reverse/wengertList';
import { checkNumbers } from './checks';
import { checkJacobianOptions, checkOrder, decompress, hessianPlan, jacobianPlan, sparseMatrixOf, valuesInto, type Plan, type SparseJacobianOptions, type SparseHessianOptions } from './compressed';
import { checkScalarOutput, hessianPattern, jacobianDependencies, jacobianPatternOf } from './pattern';
import type { SparseMatrix } from './sparseMatrix';
import type { Coloring, ColoringOrder } from './coloring';

/**
 * Plans per compiled function, for the recording they were made from. Patterns here count
 * every rule that branches on the numbers (relu, min, max, ...) as depending on all its
 * arguments, so they hold at every point of the recorded branch, not just the recorded one.
 */
interface Plans {
  tape: WengertList;
  readonly jacobian: Map<string, Plan>;
  hessian: Map<string, Plan>;
}

const plansOf = new WeakMap<CompiledFunction, Plans>();

/** The plans for c's current recording (a re-record after a branch change starts afresh). */
function plans(c: CompiledFunction): Plans {
  let p = plansOf.get(c);
  if (p === undefined || p.tape !== c.tape) {
    p = { tape: c.tape, jacobian: new Map(), hessian: new Map() };
    plansOf.set(c, p);
  }
  return p;
}

/** Evaluates at x first: that checks the guards (and re-records on a branch change if compile was asked to). */
function evaluate(api: string, c: CompiledFunction, xs: ArrayLike<number>): void {
  try {
    c.value(xs);
  } catch (e) {
    // The error is compile's own; name the method the user called.
    if (e instanceof RangeError && e.message.startsWith('value: ')) throw new RangeError(`${api}: ${e.message.slice(7)}`, { cause: e });
    throw e;
  }
}

/** @internal compile(f, x).sparseJacobian(x2): compressed JVPs or VJPs of the compiled list. */
export function compiledSparseJacobian(c: CompiledFunction, x: ArrayLike<number>, options?: SparseJacobianOptions): SparseMatrix {
  const api = 'sparseJacobian';
  const { mode, order } = checkJacobianOptions(api, options);
  const xs = checkNumbers(api, 'x', x, c.inputCount);
  evaluate(api, c, xs);
  const p = plans(c);
  const key = `${mode}/${order ?? ''}`;
  let plan = p.jacobian.get(key);
  if (plan === undefined) {
    plan = jacobianPlan(jacobianPatternOf(jacobianDependencies(c.tape.flat(), false)), mode, order);
    p.jacobian.set(key, plan);
  }
  const into = valuesInto(api, options, plan);
  // The passes run on compile's own engine at the values evaluate left (guards were checked there).
  const engine = c as unknown as { compressedJacobian(kind: 'forward' | 'reverse', coloring: Coloring): Float64Array };
  return decompress(plan, engine.compressedJacobian(plan.kind === 'forward' ? 'forward' : 'reverse', plan.coloring), into);
}

/** @internal The Hessian plan of c's current recording for a colouring order (made once, then reused). */
export function compiledHessianPlan(c: CompiledFunction, order?: ColoringOrder): Plan {
  const p = plans(c);
  const key = order ?? '';
  let plan = p.hessian.get(key);
  if (plan === undefined) {
    plan = hessianPlan(hessianPattern(c.tape.flat(), false), order);
    p.hessian.set(key, plan);
  }
  return plan;
}

/** @internal compile(f, x).sparseHessian(x2): compressed Hessian-vector products over the compiled recording. */
export function compiledSparseHessian(c: CompiledFunction, x: ArrayLike<number>, options?: SparseHessianOptions): SparseMatrix {
  const api = 'sparseHessian';
  const xs = checkNumbers(api, 'x', x, c.inputCount);
  checkScalarOutput(api, c.tape);
  const order = checkOrder(api, options);
  evaluate(api, c, xs);
  const plan = compiledHessianPlan(c, order);
  const into = valuesInto(api, options, plan);
  // The products run on compile's own engine at the values evaluate left (guards were checked there).
  return sparseMatrixOf(plan, (c as unknown as { hessianValues(plan: Plan, into?: Float64Array): Float64Array }).hessianValues(plan, into));
}
