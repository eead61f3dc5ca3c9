// What every peer adapter offers the benchmark runner: derivative functions prepared outside timing.

/**
 * A peer AD library. Each prepare* does all setup (graph building, jit compilation, symbolic
 * differentiation) and returns a function computing the derivative at a point as plain
 * numbers, or undefined where the peer cannot do the workload (the reason is in `notes`).
 */
export interface Peer {
  name: string;
  prepareGradient?(workload: 'W1' | 'W2' | 'W3', n: number): Promise<((x: Float64Array) => Float64Array) | undefined>;
  /** Rows = outputs. */
  prepareJacobian?(n: number, m: number): Promise<((x: Float64Array) => Float64Array[]) | undefined>;
  prepareHessian?(n: number): Promise<((x: Float64Array) => Float64Array[]) | undefined>;
  notes: string[];
  dispose?(): void;
}
