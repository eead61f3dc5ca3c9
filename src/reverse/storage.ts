// A list's typed arrays: their starting sizes, their growth, and their reuse from one recording to the next.

// Typed arrays of at most 64 bytes live on V8's heap and cost about as little as an object;
// larger ones take an external allocation (around a microsecond each). Small lists (the
// per-call overhead case) therefore start with in-heap arrays and grow by doubling.
const INITIAL_CAPACITY = 8;

/**
 * Starting capacities for the next recording: the sizes the last one ended with. Code that
 * records the same function again and again (an optimiser loop) then never grows its arrays,
 * which otherwise cost a dozen copies for a list of 10^5 entries. A much smaller recording
 * resets the estimate, so one big list does not make every later small one allocate big.
 */
export const sizeHint = { entries: INITIAL_CAPACITY, refs: INITIAL_CAPACITY * 2, constants: INITIAL_CAPACITY };
// Up to 16M entries: a 10^7-entry recording made again then starts at its size. Capped at 4M,
// each one grew twice (copying 12M entries into fresh pages) and cost 1.35× per entry what a
// 10^6-entry one did; starting at its size, 1.18×.
const MAX_HINT = 1 << 24;

export function nextHint(previous: number, used: number): number {
  return Math.min(MAX_HINT, Math.max(INITIAL_CAPACITY, used < previous / 4 ? used : Math.max(previous, used)));
}

/** The four typed arrays of a list. */
export interface Storage {
  readonly codes: Uint32Array;
  readonly refs: Int32Array;
  readonly values: Float64Array;
  readonly constants: Float64Array;
}

// Making even four small typed arrays costs more than recording a small function, so the
// storage of a finished recording is kept for the next one, and so is a sweep's adjoint
// buffer. Small buffers (up to about a megabyte) are kept as they are; larger ones only
// through a WeakRef, so a loop of gradients reuses them while one big gradient does not pin
// its memory after the loop is over.
const STRONG_MAX_ENTRIES = 1 << 15;

/** One finished buffer kept for its next user. */
class Spare<T extends object> {
  // Two fields rather than one of either kind: the per-call path (small buffers) then needs no
  // instanceof test, which measured about a tenth of a small gradient.
  #strong: T | undefined;
  #weak: WeakRef<T> | undefined;

  /** The kept buffer if `fits(it, n)` accepts it (it is then no longer kept), else undefined. */
  take(fits: (t: T, n: number) => boolean, n: number): T | undefined {
    const t = this.#strong ?? this.#weak?.deref();
    if (t === undefined || !fits(t, n)) return undefined;
    this.#strong = undefined;
    this.#weak = undefined;
    return t;
  }

  /** Keeps `t`, which holds `entries` entries, in place of what was kept. */
  give(t: T, entries: number): void {
    if (entries <= STRONG_MAX_ENTRIES) {
      this.#strong = t;
      this.#weak = undefined;
    } else {
      this.#strong = undefined;
      this.#weak = new WeakRef(t);
    }
  }
}

const spareStorage = new Spare<Storage>();
export const released: Storage = {
  codes: new Uint32Array(0),
  refs: new Int32Array(0),
  values: new Float64Array(0),
  constants: new Float64Array(0),
};

/** Reuse is for the same size again: capacity from the hint up to 4× it (so bytesPerEntry stays honest). */
function fits(capacity: number, hint: number): boolean {
  return capacity >= hint && capacity <= 4 * hint;
}

const storageFits = (s: Storage): boolean =>
  fits(s.values.length, sizeHint.entries) && fits(s.refs.length, sizeHint.refs) && s.constants.length >= sizeHint.constants;

export function takeStorage(): Storage {
  const s = spareStorage.take(storageFits, 0);
  if (s !== undefined) return s;
  return {
    codes: new Uint32Array(sizeHint.entries),
    refs: new Int32Array(sizeHint.refs),
    values: new Float64Array(sizeHint.entries),
    constants: new Float64Array(sizeHint.constants),
  };
}

export function giveStorage(s: Storage): void {
  spareStorage.give(s, s.values.length);
}

export function growFloat64(a: Float64Array, min: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(Math.max(a.length * 2, min));
  grown.set(a);
  return grown;
}

// A sweep's adjoints are copied out before it returns, so one buffer serves every sweep in
// turn (a fresh one would cost, for a long list, an allocation and its page faults per call).
const spareAdjoints = new Spare<Float64Array>();
const adjointsFit = (a: Float64Array, length: number): boolean => a.length >= length && a.length <= 4 * length + 64;

/** A zeroed adjoint buffer with room for `length` entries (possibly longer: sweeps read only `length`). */
export function takeAdjoints(length: number): Float64Array {
  const a = spareAdjoints.take(adjointsFit, length);
  if (a === undefined) return new Float64Array(length);
  // TypedArray fill is a call into C++ (about 100 ns); a short list is cleared faster by a loop.
  if (length < 256) for (let i = 0; i < length; i++) a[i] = 0;
  else a.fill(0, 0, length);
  return a;
}

/** Hands a buffer from {@link takeAdjoints} back once its adjoints have been read. */
export function giveAdjoints(a: Float64Array): void {
  spareAdjoints.give(a, a.length);
}
