// Small arrays made with plain loops: V8 (Node 20) runs Array.from({ length }, fn), Array.from(typedArray)
// and TypedArray.from(array, fn) on a generic iteration path costing about 200 ns plus 40 ns per
// element, which was three quarters of jacfwd of the worked example.

/** m rows of n elements, each `fill` (holes, to be written, where fill is undefined). */
export function rowsOf<T>(m: number, n: number, fill?: T): T[][] {
  const rows = new Array<T[]>(m);
  for (let i = 0; i < m; i++) rows[i] = fill === undefined ? new Array<T>(n) : new Array<T>(n).fill(fill);
  return rows;
}

/** Whether every element of x is a plain number (a Float64Array is without looking). */
export function allNumbers(x: ArrayLike<unknown>): boolean {
  if (x instanceof Float64Array) return true;
  for (let k = 0; k < x.length; k++) if (typeof x[k] !== 'number') return false;
  return true;
}

/** The elements of x in a new array. */
export function toArray<T>(x: ArrayLike<T>): T[] {
  const out = new Array<T>(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] as T;
  return out;
}
