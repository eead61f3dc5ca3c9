// Test helpers: central finite differences and a seeded random number generator.

/** A small, seeded PRNG (mulberry32) so every random test is reproducible from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Step for a central difference at x: ∛ε scaled to x (floored), which balances truncation and rounding. */
export function fdStep(x: number): number {
  return 6e-6 * Math.max(1e-3, Math.abs(x));
}

/** ∂f/∂x_j by a central difference (f: R^n -> R^m, plain numbers). */
export function centralDiffColumn(f: (x: number[]) => number[], x: number[], j: number): number[] {
  const h = fdStep(x[j] as number);
  const plus = x.slice();
  const minus = x.slice();
  plus[j] = (x[j] as number) + h;
  minus[j] = (x[j] as number) - h;
  const fp = f(plus);
  const fm = f(minus);
  return fp.map((v, i) => (v - (fm[i] as number)) / (plus[j]! - minus[j]!));
}

/** The full Jacobian (rows = outputs) by central differences. */
export function centralDiffJacobian(f: (x: number[]) => number[], x: number[]): number[][] {
  const columns = x.map((_, j) => centralDiffColumn(f, x, j));
  const m = f(x).length;
  return Array.from({ length: m }, (_, i) => columns.map((c) => c[i] as number));
}

/** Relative difference with an absolute floor of 1, so values near 0 compare absolutely. */
export function relErr(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}
