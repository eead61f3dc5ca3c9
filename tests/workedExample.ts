// The seed notes' worked example, written so its primitives run in the notes' order (v1 .. v5).
import { add, log, mul, sin, sub, type Value } from '../src/index';

export const workedExample = (x: Value[]): Value => {
  const v1 = log(x[0]!);
  const v2 = mul(x[0]!, x[1]!);
  const v3 = sin(x[1]!);
  const v4 = add(v1, v2);
  return sub(v4, v3);
};

/** The same function as one expression (a different evaluation order, the same derivative). */
export const workedExampleInline = (x: Value[]): Value => sub(add(log(x[0]!), mul(x[0]!, x[1]!)), sin(x[1]!));

export const X0 = [2, 5];
export const Y0 = Math.log(2) + 10 - Math.sin(5);
export const GRADIENT = [5.5, 2 - Math.cos(5)];
