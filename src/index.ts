// dualtape's public API: the op table's primitives, forward mode, reverse mode, and what is built on both.
export * from './ops/index';
export { Dual, ForwardTrace } from './forward/dual';
export { ChunkDual, ChunkTrace, defaultChunkSize } from './forward/chunk';
export { derivative, jvp, jacobianColumn, jacfwd, type JacfwdOptions } from './forward/api';
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
  type WengertGuard,
  compile,
  type CompileOptions,
  type CompiledFunction,
  type CompileMode,
  BranchChangedError,
  type NumberOut,
  type AdjointObserver,
} from './reverse/api';
export { jacobian, chooseJacobianMode, type JacobianOptions } from './transforms/jacobian';
export { hessian, hvp, valueGradHessian, type ValueGradHessian, type HessianOptions } from './transforms/hessian';
export { SparsityPattern, jacobianSparsity, hessianSparsity } from './sparse/pattern';
export {
  columnColoring,
  rowColoring,
  starColoring,
  checkColoring,
  type Coloring,
  type ColoringOrder,
  type ColoringOptions,
} from './sparse/coloring';
export { SparseMatrix } from './sparse/sparseMatrix';
export { sparsityReport, renderSparsityReport, type SparsityReport } from './sparse/sparsityReport';
export { sparseJacobian, sparseHessian, type SparseJacobianOptions, type SparseHessianOptions } from './sparse/compressed';
export { checkpoint, scan, type ScanOptions, type ScanStep } from './checkpoint/checkpoint';
export { binomialRecomputations, firstSnapshots, revolve, type RevolveActions } from './checkpoint/revolve';
export type { RecordingCost } from './reverse/wengertList';
export type { CallCost } from './engine/calls';
export { taylor, type TaylorOptions } from './taylor/api';
export { Jet, TaylorTrace } from './taylor/jet';
export { workedExample, workedExamplePoint, workedExampleFormula } from './teach/workedExample';
export * from './teach/index';
export type { SourceMode } from './compile/source';
export type { Widen, Out } from './internal/types';
export type { VectorFunction, ScalarFunction } from './internal/validate';
