// dualtape's public API: the op table's primitives, forward mode, reverse mode, and what is built on both.
export * from './ops/index';
export { Dual } from './forward/dual';
export { derivative, jvp, jacobianColumn, jacfwd } from './forward/api';
export {
  vjp,
  grad,
  valueAndGrad,
  jacobianRow,
  jacrev,
  record,
  WengertList,
  TapeVar,
  type WengertEntry,
  type WengertArg,
  type AdjointObserver,
} from './reverse/api';
export { jacobian, chooseJacobianMode, type JacobianOptions } from './transforms/jacobian';
export { hessian, hvp, valueGradHessian, type ValueGradHessian } from './transforms/hessian';
export { taylor, type TaylorOptions } from './taylor/api';
export { Jet } from './taylor/jet';
export { workedExample, workedExamplePoint, workedExampleFormula } from './teach/workedExample';
export * from './teach/index';
export type { Widen, Out } from './internal/types';
export type { VectorFunction } from './internal/validate';
