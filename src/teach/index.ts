// The teaching API: trace tables, graphs, cost reports and gradient checks, all read from the modes' own records.
export {
  forwardTrace,
  reverseTrace,
  renderTrace,
  type ForwardTraceOptions,
  type ReverseTraceOptions,
  type TraceNames,
  type ForwardTraceRow,
  type ForwardTraceTable,
  type ReverseTraceRow,
  type ReverseTraceTable,
  type RowLatex,
  type RenderOptions,
} from './traces';
export { exprToText, exprToLatex, type Expr } from '../symbolic/index';
export type { TableFormat } from './format';
export {
  computationalGraph,
  graphToDot,
  graphToMermaid,
  type GraphOptions,
  type GraphNode,
  type GraphEdge,
  type ComputationalGraph,
} from './graph';
export {
  jacobianReport,
  renderJacobianReport,
  type JacobianReport,
  type ForwardPass,
  type ReverseSweep,
} from './jacobianReport';
export {
  checkGradient,
  renderGradientCheck,
  type CheckGradientOptions,
  type GradientCheck,
  type InputDiscrepancy,
} from './checkGradient';
export {
  checkpointCounts,
  checkpointReport,
  checkpointRun,
  checkpointSweepBound,
  renderCheckpointReport,
  type CheckpointReport,
  type CheckpointReportOptions,
  type CheckpointRun,
} from './checkpointReport';
