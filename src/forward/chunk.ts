// Chunked (multi-directional) forward mode: a dual carrying k tangents, so one pass gives k Jacobian columns.
import { apply, checkedPartials, escapedError, type OpDef } from '../ops/opDef';
import { ADValue, adValueClass, describe, nextLevel, type Trace, type Value } from '../ops/value';
import { registerFastPath, type OpText } from '../ops/fastPath';
import { addTangentCode, addTangentValue } from '../engine/accumulate';

/** Every pass starts without a block; its first primitive takes one. */
const NO_BLOCK = new Float64Array(0);

// Blocks of finished jacfwd passes, kept for the next pass: a fresh block of tens of kB is an
// external allocation whose pages then fault in (W3's jacfwd spent a tenth of its time making
// them). Only blocks larger than V8's on-heap typed arrays are kept, at most SPARE_BYTES.
const spareBlocks = new Map<number, Float64Array[]>();
let spareBytes = 0;
const SPARE_BYTES = 1 << 21;

/**
 * A forward pass whose duals carry `width` tangents at once (directions d_1 .. d_k). The
 * primal and every partial are computed once per primitive and shared by all k directions,
 * which is where a chunk beats k one-tangent passes.
 *
 * @example
 * ```ts
 * import { ChunkTrace, ChunkDual, mul } from 'dualtape';
 * const pass = new ChunkTrace('two directions', 2);
 * const x = new ChunkDual(3, [1, 0], pass);
 * const y = new ChunkDual(4, [0, 1], pass);
 * (mul(x, y) as ChunkDual).tangents; // Float64Array [4, 3]: both partials of x·y in one pass
 * pass.active = false;
 * ```
 */
export class ChunkTrace implements Trace {
  // Declared and assigned (see ForwardTrace): one pass is made per jacfwd chunk.
  declare readonly level: number;
  declare active: boolean;
  declare readonly label: string;
  declare readonly width: number;
  /**
   * @internal The block the fast paths write the next results' tangents into, and how much of
   * it is used. A typed array per primitive cost more than everything else the primitive
   * does (its allocation is a runtime call); one block serves hundreds of primitives.
   */
  declare block: Float64Array;
  /** @internal */
  declare used: number;
  /** Blocks taken so far (they grow with it). */
  declare private blocks: number;
  /** The blocks of external memory this pass took, for {@link releaseBlocks}. */
  declare private taken: Float64Array[] | undefined;
  /** @internal Set once {@link releaseBlocks} gave the pass's blocks to later passes. */
  declare blocksReleased: boolean;

  constructor(label: string, width: number) {
    this.level = nextLevel();
    this.active = true;
    this.label = label;
    this.width = width;
    this.block = NO_BLOCK;
    this.used = 0;
    this.blocks = 0;
    this.taken = undefined;
    this.blocksReleased = false;
  }

  /**
   * @internal A fresh block (the old one stays alive as long as duals in it do). The first
   * two hold 8 numbers (a typed array of up to 64 bytes lives on V8's heap; a larger one is a
   * malloc that would cost a short pass, such as jacfwd of the worked example, more than its
   * primitives); later ones double up to 4096 rows of tangents (W3's jacfwd, 10^5 tangents,
   * then takes 25 blocks rather than 100, 6% faster; a dual kept alive keeps its block alive,
   * at most 32 kB per direction).
   */
  nextBlock(): Float64Array {
    const w = this.width;
    const size = Math.max(w, this.blocks < 2 ? 8 : Math.min(4096 * w, 8 << Math.min(this.blocks - 1, 20)));
    this.blocks++;
    if (size <= 8) {
      this.block = new Float64Array(size);
    } else {
      // Every slot of a block is written before it is read, so a spare one needs no clearing.
      const spare = spareBlocks.get(size)?.pop();
      if (spare !== undefined) spareBytes -= spare.byteLength;
      this.block = spare ?? new Float64Array(size);
      (this.taken ??= []).push(this.block);
    }
    this.used = 0;
    return this.block;
  }

  /**
   * @internal Gives this finished pass's blocks to later passes. Only a transformation whose
   * duals cannot outlive the pass may call it (jacfwd's own passes): a dual of the pass that
   * escaped reads its tangents from a block another pass may overwrite, so `tangents` then
   * throws instead.
   */
  releaseBlocks(): void {
    this.blocksReleased = true;
    for (const b of this.taken ?? []) {
      if (spareBytes + b.byteLength > SPARE_BYTES) break;
      let spares = spareBlocks.get(b.length);
      if (spares === undefined) spareBlocks.set(b.length, (spares = []));
      spares.push(b);
      spareBytes += b.byteLength;
    }
    this.taken = undefined;
  }

  process(op: OpDef, args: readonly Value[]): Value {
    const arity = args.length;
    const k = this.width;
    const primals = new Array<Value>(arity);
    const tangents = new Array<Float64Array | Value[] | undefined>(arity);
    for (let i = 0; i < arity; i++) {
      const a = args[i] as Value;
      if (a instanceof ChunkDual && a.trace === this) {
        primals[i] = a.value;
        tangents[i] = a.tangents;
      } else {
        primals[i] = a;
      }
    }
    const y = apply(op, primals);
    const partials = checkedPartials(op, primals, y);
    const out: Value[] = new Array<Value>(k).fill(0);
    for (let i = 0; i < arity; i++) {
      const t = tangents[i];
      const d = partials[i] as Value;
      if (t === undefined) continue;
      for (let c = 0; c < k; c++) out[c] = addTangentValue(out[c] as Value, t[c] as Value, d);
    }
    // The constructor stores all-number tangents compactly, so pass them as they are.
    return new ChunkDual(y, out, this);
  }
}

/**
 * A dual number with k tangents: value + Σ_c tangents[c]·ε_c. Tangents are a Float64Array
 * when they are plain numbers (the compact case) and an array of AD values when nested.
 *
 * @example
 * ```ts
 * import { ChunkTrace, ChunkDual, sin } from 'dualtape';
 * const pass = new ChunkTrace('demo', 3);
 * (sin(new ChunkDual(0, [1, 2, 3], pass)) as ChunkDual).tangents; // Float64Array [1, 2, 3]
 * pass.active = false;
 * ```
 */
export class ChunkDual implements ADValue {
  declare readonly value: Value;
  declare readonly trace: ChunkTrace;
  /**
   * @internal Where the tangents live: numbers at data[offset .. offset + width) of a
   * Float64Array (a block shared with other duals of the pass, see ChunkTrace.block), or AD
   * values in an array, offset -1 (so the fast paths tell the two apart by one comparison).
   */
  declare readonly data: Float64Array | Value[];
  /** @internal */
  declare readonly offset: number;
  declare [Symbol.toPrimitive]: ADValue[typeof Symbol.toPrimitive];

  /** The `offset` form is internal: the fast paths' results, whose tangents sit in a shared block. */
  constructor(value: Value, tangents: ArrayLike<Value>, trace: ChunkTrace, offset?: number) {
    this.value = value;
    this.trace = trace;
    const data = offset === undefined ? ownTangents(tangents, trace) : (tangents as Float64Array);
    this.data = data;
    this.offset = offset ?? (data instanceof Float64Array ? 0 : -1);
  }

  /** The k tangents (a view of the dual's own numbers: read them, do not write them). */
  get tangents(): Float64Array | Value[] {
    if (this.trace.blocksReleased) throw escapedError('ChunkDual.tangents', this.trace);
    const { data, offset } = this;
    const k = this.trace.width;
    if (offset <= 0 && data.length === k) return data;
    // A view per read rather than a field kept for it: one field fewer in every dual a pass makes.
    return (data as Float64Array).subarray(offset, offset + k);
  }

  toString(): string {
    if (this.trace.blocksReleased) return `ChunkDual(${String(this.value)}, [tangents of a finished pass])`;
    return `ChunkDual(${String(this.value)}, [${Array.from(this.tangents as ArrayLike<Value>, String).join(', ')}])`;
  }
}

/** Checks hand-given tangents and stores all-number ones compactly. */
function ownTangents(tangents: ArrayLike<Value>, trace: ChunkTrace): Float64Array | Value[] {
  if (tangents.length !== trace.width) {
    throw new RangeError(`ChunkDual: tangents must have length ${trace.width} (the chunk width), got ${tangents.length}`);
  }
  if (tangents instanceof Float64Array) return tangents;
  // Loops, not Array.from / Float64Array.from (see src/internal/arrays.ts): this runs for every generic primitive of a pass.
  const k = tangents.length;
  for (let c = 0; c < k; c++) if (typeof tangents[c] !== 'number') return tangents as Value[];
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) out[c] = tangents[c] as number;
  return out;
}

// One chunk dual is made per primitive: a plain constructor (see adValueClass).
adValueClass(ChunkDual);

/** Splits one output of a chunked pass into (primal, k tangents); values the pass never touched have zero tangents. */
export function splitChunk(api: string, out: Value, trace: ChunkTrace): [Value, ArrayLike<Value>] {
  const k = trace.width;
  if (out instanceof ChunkDual && out.trace === trace) {
    const { data, offset } = out;
    if (offset <= 0 && data.length === k) return [out.value, data];
    // Read out of its block into a small array (a typed-array view costs a runtime call).
    const tangents = new Array<number>(k);
    for (let c = 0; c < k; c++) tangents[c] = data[offset + c] as number;
    return [out.value, tangents];
  }
  if (typeof out !== 'number' && (!out.trace.active || out.trace.level > trace.level)) throw escapedError(api, out.trace);
  return [out, new Array<number>(k).fill(0)];
}

/**
 * The chunk width `jacfwd` uses for n inputs when none is given: all of them up to 8,
 * otherwise the width that splits n into equal passes of at most 8 (ForwardDiff.jl's idea:
 * wider chunks amortise each primitive's partials over more columns, but past about 8 the
 * tangent arrays cost more than the shared work saves).
 *
 * @example
 * ```ts
 * import { defaultChunkSize } from 'dualtape';
 * defaultChunkSize(5); // 5
 * defaultChunkSize(50); // 8 (7 passes of at most 8)
 * ```
 */
export function defaultChunkSize(n: number): number {
  if (n <= 8) return Math.max(1, n);
  return Math.ceil(n / Math.ceil(n / 8));
}

/** @internal Checks a user-given chunk size. */
export function checkChunkSize(api: string, chunkSize: unknown): number | undefined {
  if (chunkSize === undefined) return undefined;
  if (typeof chunkSize !== 'number' || !Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`${api}: options.chunkSize must be a positive integer, got ${describe(chunkSize)}`);
  }
  return chunkSize;
}

/**
 * Chunked forward mode's fast path inside each primitive's generated function: chunk duals
 * of one live pass with number parts (mixed with numbers) are handled in place, with the
 * arithmetic, order and zero skips of {@link ChunkTrace.process}'s number-only path. The
 * result's tangents go to the pass's current block (see ChunkTrace.block).
 */
function emitChunkFastPath(op: OpText): string {
  // One argument's tangents into the result's slots of the block, each direction's sum in a
  // local stored once, two directions per turn of the loop: W3's jacfwd (two directions) ran
  // 10% faster than with one per turn adding into the block (which read each slot back).
  const lane1 = (k: number, c: string) => `{ let s = 0; const u = D${k}[o${k} + ${c}]; ${addTangentCode('s', 'u', `d${k}`)} B[o + ${c}] = s; }`;
  const accumulate = (k: number) =>
    `let c = 0; for (; c + 1 < w; c += 2) { ${lane1(k, 'c')} ${lane1(k, 'c + 1')} } if (c < w) ${lane1(k, 'c')}`;
  // Both arguments' in one loop, likewise: the same additions in the same order.
  const lane2 = (c: string) => `{ let s = 0; const u0 = D0[o0 + ${c}]; ${addTangentCode('s', 'u0', 'd0')} const u1 = D1[o1 + ${c}]; ${addTangentCode('s', 'u1', 'd1')} B[o + ${c}] = s; }`;
  const both = `let c = 0; for (; c + 1 < w; c += 2) { ${lane2('c')} ${lane2('c + 1')} } if (c < w) ${lane2('c')}`;
  const take = `const w = tr.width; let B = tr.block; let o = tr.used;
if (o + w > B.length) { B = tr.nextBlock(); o = 0; }
tr.used = o + w;`;
  if (op.arity === 1) {
    return `const tr = x0.trace; const p0 = x0.value; const D0 = x0.data; const o0 = x0.offset;
if (!tr.active || typeof p0 !== 'number' || o0 < 0) return generic(x0, x1);
const y = ${op.value(['p0'])};
${take}
${op.partials(['p0'], 'y')}
${accumulate(0)}
return new C(y, B, tr, o);`;
  }
  // One block per argument case (as the Dual path): a number's partial is then never used.
  const result = (accumulation: string) => `const y = ${op.value(['p0', 'p1'])};
  ${take}
  ${op.partials(['p0', 'p1'], 'y')}
  ${accumulation}
  return new C(y, B, tr, o);`;
  return `if (typeof x0 === 'number') {
  const tr = x1.trace; const p0 = x0; const p1 = x1.value; const D1 = x1.data; const o1 = x1.offset;
  if (!tr.active || typeof p1 !== 'number' || o1 < 0) return generic(x0, x1);
  ${result(accumulate(1))}
}
const tr = x0.trace; const p0 = x0.value; const D0 = x0.data; const o0 = x0.offset;
if (typeof x1 === 'number') {
  const p1 = x1;
  if (!tr.active || typeof p0 !== 'number' || o0 < 0) return generic(x0, x1);
  ${result(accumulate(0))}
}
if (!(x1 instanceof C) || x1.trace !== tr) return generic(x0, x1);
const p1 = x1.value; const D1 = x1.data; const o1 = x1.offset;
if (!tr.active || typeof p0 !== 'number' || typeof p1 !== 'number' || o0 < 0 || o1 < 0) return generic(x0, x1);
${result(both)}`;
}

registerFastPath({ name: 'chunked forward', valueClass: ChunkDual, deps: {}, emit: emitChunkFastPath });
