/**
 * Benchmark workloads W1..W5 in plain JS numbers: primal, hand-written derivative,
 * deterministic input point. Self-contained, no dependencies.
 *
 * Size parameter convention (shared with the peer adapters):
 *   W1: n is ignored (always 2 inputs).
 *   W2: n = dimension of the chained Rosenbrock.
 *   W3: n = K, the number of loop iterations (the benchmark uses K = 1e4).
 *   W4: (n, m) = (#inputs, #outputs).
 *   W5: n = dimension of the Rosenbrock whose Hessian is taken (benchmark: 100).
 */

export type GradWorkload = 'W1' | 'W2' | 'W3';

// ---------------------------------------------------------------- W1
export const W1_POINT: readonly number[] = [2, 5];

export function w1Primal(x: ArrayLike<number>): number {
  return Math.log(x[0]) + x[0] * x[1] - Math.sin(x[1]);
}

export function w1Gradient(x: ArrayLike<number>): Float64Array {
  return Float64Array.of(1 / x[0] + x[1], x[0] - Math.cos(x[1]));
}

/** Expression string (mathjs syntax) for W1, variables x0, x1. */
export const W1_EXPR = 'log(x0) + x0 * x1 - sin(x1)';

// ---------------------------------------------------------------- W2
export function w2Point(n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.5 + 0.5 * Math.sin(i);
  return x;
}

export function w2Primal(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    const u = 1 - x[i];
    s += 100 * t * t + u * u;
  }
  return s;
}

export function w2Gradient(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    g[i] += -400 * x[i] * t - 2 * (1 - x[i]);
    g[i + 1] += 200 * t;
  }
  return g;
}

/** Expression string (mathjs syntax) for W2, variables x0..x{n-1}. */
export function w2Expr(n: number): string {
  const terms: string[] = [];
  for (let i = 0; i < n - 1; i++) {
    terms.push(`100 * (x${i + 1} - x${i}^2)^2 + (1 - x${i})^2`);
  }
  return terms.join(' + ');
}

// ---------------------------------------------------------------- W3
export const W3_K = 10_000;
export const W3_POINT: readonly number[] = [0.5, 0.3];

export function w3Primal(x: ArrayLike<number>, K: number = W3_K): number {
  const x0 = x[0];
  const x1 = x[1];
  let y = x0;
  for (let k = 0; k < K; k++) y = Math.sin(y) * x0 + Math.cos(y * x1);
  return y;
}

/** Forward recurrence of (dy/dx0, dy/dx1). */
export function w3Gradient(x: ArrayLike<number>, K: number = W3_K): Float64Array {
  const x0 = x[0];
  const x1 = x[1];
  let y = x0;
  let d0 = 1; // dy/dx0 (y starts as x0)
  let d1 = 0; // dy/dx1
  for (let k = 0; k < K; k++) {
    const s = Math.sin(y);
    const c = Math.cos(y);
    const sy1 = Math.sin(y * x1);
    const cy1 = Math.cos(y * x1);
    // y' = sin(y) x0 + cos(y x1)
    const nd0 = c * d0 * x0 + s - sy1 * x1 * d0;
    const nd1 = c * d1 * x0 - sy1 * (d1 * x1 + y);
    y = s * x0 + cy1;
    d0 = nd0;
    d1 = nd1;
  }
  return Float64Array.of(d0, d1);
}

// ---------------------------------------------------------------- W4
export function w4A(i: number, j: number): number {
  return 1 + ((7 * i + 3 * j) % 11) / 10;
}

/** Row-major m x n coefficient matrix a_ij. */
export function w4Matrix(n: number, m: number): Float64Array {
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) a[i * n + j] = w4A(i, j);
  return a;
}

export function w4Point(n: number): Float64Array {
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = 0.3 + 0.01 * j;
  return x;
}

export function w4Primal(x: ArrayLike<number>, m: number): Float64Array {
  const n = x.length;
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.sin(w4A(i, j) * x[j]);
    y[i] = s;
  }
  return y;
}

/** Jacobian rows (one Float64Array of length n per output). */
export function w4Jacobian(x: ArrayLike<number>, m: number): Float64Array[] {
  const n = x.length;
  const J: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const a = w4A(i, j);
      row[j] = a * Math.cos(a * x[j]);
    }
    J.push(row);
  }
  return J;
}

/** Expression strings (mathjs syntax) for W4 outputs, variables x0..x{n-1}. */
export function w4Exprs(n: number, m: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < m; i++) {
    const terms: string[] = [];
    for (let j = 0; j < n; j++) terms.push(`sin(${w4A(i, j)} * x${j})`);
    out.push(terms.join(' + '));
  }
  return out;
}

export const W4_SIZES: ReadonlyArray<readonly [number, number]> = [
  [200, 1],
  [1, 200],
  [50, 50],
];

// ---------------------------------------------------------------- W5
export const W5_N = 100;
export const w5Point = w2Point;
export const w5Primal = w2Primal;

/** Dense Hessian of the chained Rosenbrock (tridiagonal), rows. */
export function w5Hessian(x: ArrayLike<number>): Float64Array[] {
  const n = x.length;
  const H: Float64Array[] = [];
  for (let i = 0; i < n; i++) H.push(new Float64Array(n));
  for (let i = 0; i < n - 1; i++) {
    // term 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2
    H[i][i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
    H[i + 1][i + 1] += 200;
    H[i][i + 1] += -400 * x[i];
    H[i + 1][i] += -400 * x[i];
  }
  return H;
}

// ---------------------------------------------------------------- helpers
/** max_i |a_i - b_i| / max(max_i |b_i|, 1e-300)  (normwise relative error). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= num)) num = Number.isNaN(d) ? Infinity : d;
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-300);
}

export function relErrRows(a: ReadonlyArray<ArrayLike<number>>, b: ReadonlyArray<ArrayLike<number>>): number {
  if (a.length !== b.length) return Infinity;
  const fa: number[] = [];
  const fb: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return Infinity;
    for (let j = 0; j < a[i].length; j++) {
      fa.push(a[i][j]);
      fb.push(b[i][j]);
    }
  }
  return relErr(fa, fb);
}

// ---------------------------------------------------------------- peer interface
export interface Peer {
  name: string;
  prepareGradient?(workload: GradWorkload, n: number): Promise<((x: Float64Array) => Float64Array) | undefined>;
  prepareJacobian?(n: number, m: number): Promise<((x: Float64Array) => Float64Array[]) | undefined>;
  prepareHessian?(n: number): Promise<((x: Float64Array) => Float64Array[]) | undefined>;
  notes: string[];
  dispose?(): void;
}
