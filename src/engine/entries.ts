// Reading one entry of a flat Wengert list: the arity of each op code, an entry's value and partials by its op's own rules.
//
// These per-entry steps are what the plain interpreter runs for every entry, and what the
// generated engines fall back to for ops without derived code (user-defined ops, rules that
// branch on values such as pow or max): one implementation of "evaluate this entry".
import { checkedPartials, opByCode, opCount, type OpDef } from '../ops/opDef';
import { partialsKernel } from '../symbolic/index';

let arityByCode = new Uint8Array(256);
let known = 0;

/**
 * The arity of every op code defined so far (indexed by code; arities are at most 64). The
 * sweeps walk a list's argument references with it (p += arity[codes[i]]), so they need no
 * per-entry offsets table and no lookup of the op object. Extended when ops were added since.
 */
export function arities(): Uint8Array {
  // Every sweep calls this: the usual answer without reading past the registry's end.
  if (known === opCount()) return arityByCode;
  for (let op = opByCode(known); op !== undefined; op = opByCode(known)) {
    if (known === arityByCode.length) {
      const grown = new Uint8Array(arityByCode.length * 2);
      grown.set(arityByCode);
      arityByCode = grown;
    }
    arityByCode[known] = op.arity;
    known++;
  }
  return arityByCode;
}

/**
 * Where each entry's argument references start in a list's `refs` (index `length`: where they
 * end), for code that visits entries out of list order or more than once; a sweep walks them
 * with `p += arities()[code]` instead.
 */
export function refOffsets(list: { readonly inputCount: number; readonly length: number; readonly codes: ArrayLike<number> }): Int32Array {
  const ar = arities();
  const offsets = new Int32Array(list.length + 1);
  let p = 0;
  for (let i = list.inputCount; i < list.length; i++) {
    offsets[i] = p;
    p += ar[list.codes[i] as number] as number;
  }
  offsets[list.length] = p;
  return offsets;
}

/** The value of argument reference `r`: entry r of `v`, or constant -1 - r. */
export function read(v: Float64Array, c: Float64Array, r: number): number {
  return r >= 0 ? (v[r] as number) : (c[-1 - r] as number);
}

function argumentsAt(op: OpDef, p: number, refs: Int32Array, c: Float64Array, v: Float64Array): number[] {
  const args = new Array<number>(op.arity);
  for (let k = 0; k < op.arity; k++) args[k] = read(v, c, refs[p + k] as number);
  return args;
}

/** The value of an entry with op `code` whose references start at refs[p], at values v. */
export function entryValue(code: number, p: number, refs: Int32Array, c: Float64Array, v: Float64Array): number {
  const op = opByCode(code);
  if (op.arity === 1) return op.value(read(v, c, refs[p] as number));
  if (op.arity === 2) return op.value(read(v, c, refs[p] as number), read(v, c, refs[p + 1] as number));
  return op.value(...argumentsAt(op, p, refs, c, v));
}

/**
 * The partials of entry i (op `code`, references from refs[p]) at values v, into out[0 ..
 * arity): the op's derived kernel where it has one, else its rule as written.
 */
export function entryPartials(code: number, p: number, i: number, refs: Int32Array, c: Float64Array, v: Float64Array, out: Float64Array): void {
  const op = opByCode(code);
  const kernel = op.arity <= 2 ? partialsKernel(op) : undefined;
  if (kernel !== undefined) {
    kernel(read(v, c, refs[p] as number), op.arity === 2 ? read(v, c, refs[p + 1] as number) : 0, v[i] as number, out);
    return;
  }
  const d = numericPartials(code, argumentsAt(op, p, refs, c, v), v[i] as number);
  for (let k = 0; k < d.length; k++) out[k] = d[k] as number;
}

/** An op's partials rule run on numbers, checked to give one number per argument. */
export function numericPartials(code: number, args: readonly number[], y: number): readonly number[] {
  const op = opByCode(code);
  const d = checkedPartials(op, args, y);
  for (let k = 0; k < d.length; k++) {
    if (typeof d[k] !== 'number') {
      throw new TypeError(`${op.name}: its partials rule returned an AD value on plain numbers; rules must not capture AD values`);
    }
  }
  return d as readonly number[];
}

/** Scratch space for one entry's partials (arity is at most 64). */
export function partialsScratch(): Float64Array {
  return new Float64Array(64);
}
