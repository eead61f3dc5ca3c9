// The op-spec table: for every built-in primitive, points inside its domain where it is
// smooth. Typed over the table's export names, so a primitive added without a spec does
// not compile.
import type * as table from '../../src/ops/table';

export type BuiltinOpName = keyof typeof table;

export interface OpTestSpec {
  /** Points (one number per argument) where the op is differentiable, away from kinks and poles. */
  points: number[][];
  /** The derivative is 0 by definition, not the derivative of the value (stopGradient). */
  blocksDerivative?: true;
}

const unaryEverywhere = [[-2.3], [-0.7], [0.4], [1.9]];
const positive = [[0.05], [0.8], [3.7], [42]];

export const opSpecs: Record<BuiltinOpName, OpTestSpec> = {
  add: { points: [[1.5, -2], [0, 3], [-4.2, 0.1]] },
  sub: { points: [[1.5, -2], [0, 3], [-4.2, 0.1]] },
  mul: { points: [[1.5, -2], [0, 3], [-4.2, 0.1]] },
  div: { points: [[1.5, -2], [0, 3], [-4.2, 0.1], [1, 1e-3]] },
  neg: { points: unaryEverywhere },
  pow: { points: [[2, 3], [1.5, -0.5], [0.3, 2.5], [4, 0.5], [-2, 3], [7, 0]] },
  square: { points: unaryEverywhere },
  sqrt: { points: positive },
  cbrt: { points: [[-3.1], [0.2], [5]] },
  exp: { points: unaryEverywhere },
  expm1: { points: [[-3], [1e-3], [0.5], [2]] },
  log: { points: positive },
  log1p: { points: [[-0.9], [1e-4], [0.5], [12]] },
  log2: { points: positive },
  log10: { points: positive },
  sin: { points: unaryEverywhere },
  cos: { points: unaryEverywhere },
  tan: { points: [[-1.2], [0.3], [1.1]] },
  asin: { points: [[-0.9], [0.1], [0.6]] },
  acos: { points: [[-0.9], [0.1], [0.6]] },
  atan: { points: unaryEverywhere },
  atan2: { points: [[1, 2], [-1, 0.5], [0.3, -2], [-2, -1]] },
  sinh: { points: unaryEverywhere },
  cosh: { points: unaryEverywhere },
  tanh: { points: unaryEverywhere },
  asinh: { points: unaryEverywhere },
  acosh: { points: [[1.1], [2], [10]] },
  atanh: { points: [[-0.8], [0.1], [0.5]] },
  abs: { points: [[-2], [0.5], [3]] },
  sign: { points: [[-2], [0.5]] },
  min: { points: [[1, 2], [3, -1]] },
  max: { points: [[1, 2], [3, -1]] },
  hypot: { points: [[3, 4], [-1, 0.5], [0.2, -7]] },
  sigmoid: { points: [[-3], [0], [0.5], [4]] },
  relu: { points: [[-1], [2]] },
  softplus: { points: [[-3], [0], [2]] },
  floor: { points: [[-1.5], [2.3]] },
  ceil: { points: [[-1.5], [2.3]] },
  round: { points: [[-1.3], [2.3]] },
  stopGradient: { points: [[-1.3], [2.3]], blocksDerivative: true },
};
