// The benchmark workloads: each as a dualtape function, a plain primal, and hand-written derivative code.
import { add, cos, log, mul, sin, square, sub, type Value } from '../src/index';

export const workedX = [2, 5];
export const worked = {
  f: (x: Value[]): Value => sub(add(log(x[0]!), mul(x[0]!, x[1]!)), sin(x[1]!)),
  primal: (x: ArrayLike<number>): number => Math.log(x[0]!) + x[0]! * x[1]! - Math.sin(x[1]!),
  gradient: (x: ArrayLike<number>): number[] => [1 / x[0]! + x[1]!, x[0]! - Math.cos(x[1]!)],
};

/** The extended (chained) Rosenbrock function, as scipy.optimize.rosen. */
export const rosenbrock = {
  point: (n: number): number[] => Array.from({ length: n }, (_, i) => 0.5 + 0.5 * Math.sin(i)),
  f: (x: Value[]): Value => {
    let s: Value = 0;
    for (let i = 0; i + 1 < x.length; i++) {
      s = add(s, add(mul(100, square(sub(x[i + 1]!, square(x[i]!)))), square(sub(1, x[i]!))));
    }
    return s;
  },
  primal: (x: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i + 1 < x.length; i++) {
      const a = x[i + 1]! - x[i]! * x[i]!;
      const b = 1 - x[i]!;
      s += 100 * a * a + b * b;
    }
    return s;
  },
  gradient: (x: ArrayLike<number>): Float64Array => {
    const g = new Float64Array(x.length);
    for (let i = 0; i + 1 < x.length; i++) {
      const a = x[i + 1]! - x[i]! * x[i]!;
      g[i]! += -400 * x[i]! * a - 2 * (1 - x[i]!);
      g[i + 1]! += 200 * a;
    }
    return g;
  },
  /** The directional derivative ∇f(x)·v, hand-written in one fused loop. */
  directional: (x: ArrayLike<number>, v: ArrayLike<number>): number => {
    let d = 0;
    for (let i = 0; i + 1 < x.length; i++) {
      const a = x[i + 1]! - x[i]! * x[i]!;
      const da = v[i + 1]! - 2 * x[i]! * v[i]!;
      d += 200 * a * da - 2 * (1 - x[i]!) * v[i]!;
    }
    return d;
  },
};

/** The scalar loop y = sin(y)·x1 + cos(y·x2), K times from y = x1. */
export const scalarLoop = {
  point: [0.5, 0.3],
  f: (K: number) => (x: Value[]): Value => {
    let y: Value = x[0]!;
    for (let k = 0; k < K; k++) y = add(mul(sin(y), x[0]!), cos(mul(y, x[1]!)));
    return y;
  },
  primal: (K: number, x: ArrayLike<number>): number => {
    let y = x[0]!;
    for (let k = 0; k < K; k++) y = Math.sin(y) * x[0]! + Math.cos(y * x[1]!);
    return y;
  },
  gradient: (K: number, x: ArrayLike<number>): number[] => {
    let y = x[0]!;
    let d0 = 1;
    let d1 = 0;
    for (let k = 0; k < K; k++) {
      const s = Math.sin(y * x[1]!);
      const c = Math.cos(y);
      const n0 = c * d0 * x[0]! + Math.sin(y) - s * x[1]! * d0;
      const n1 = c * d1 * x[0]! - s * (x[1]! * d1 + y);
      y = Math.sin(y) * x[0]! + Math.cos(y * x[1]!);
      d0 = n0;
      d1 = n1;
    }
    return [d0, d1];
  },
};
