// What compile runs: one list's sweeps, bound to that list, by whichever engine runs them.
import type { Sweeps, SweepList } from '../engine/sweeps';

/**
 * The engine a compiled function really runs: `'codegen'` (straight-line JavaScript generated
 * for the list), `'rerolled'` (the same code with each run of a loop's repetitions as a
 * JavaScript loop: large lists recorded from loops), `'interpreter'` (one loop over the op codes, its dispatch generated once from
 * the op table) or `'plain interpreter'` (the same loop calling each op's functions; needs no
 * `new Function`, for a strict Content Security Policy).
 *
 * @example
 * ```ts
 * import { compile, mul, type CompileMode } from 'dualtape';
 * const mode: CompileMode = compile((x) => mul(x[0], x[0]), [3]).mode; // 'codegen' (where new Function is allowed)
 * ```
 */
export type CompileMode = 'codegen' | 'rerolled' | 'interpreter' | 'plain interpreter';

/**
 * One list's sweeps: `v` its values (inputs filled in), `a` adjoints (outputs seeded, the rest
 * 0), `t` tangents (inputs seeded, the rest 0). After `backward`, `a` holds the inputs'
 * adjoints; callers must not read other entries' adjoints (the generated engines keep some
 * in locals and zero the rest, see `clearsAdjoints`).
 */
export interface Program {
  readonly mode: CompileMode;
  /**
   * The backward sweep zeroes each adjoint it reads as it reads it, so afterwards `a` is 0
   * everywhere it will ever read again, except at the inputs: a caller that zeroes the
   * inputs' adjoints after taking them may run the next sweep on `a` without clearing all
   * of it (for a list of 10^5 entries, clearing cost a quarter of a compiled gradient).
   * Entries whose adjoint is never read (no partials to push) may keep what was added to them.
   */
  readonly clearsAdjoints?: boolean;
  evaluate(v: Float64Array): void;
  /**
   * The forward sweep storing only the values `backward` (and `backwardUnchecked`) and the
   * guards read (not f's own value); other entries of `v` are left as they were. Engines
   * without it store everything. With `x` (the inputs, a Float64Array), v's input entries need
   * not hold them: the engine reads them from x or copies them in; the `backwardUnchecked`
   * that follows must then be given the same x (and `backward` needs them copied into v).
   */
  evaluateForBackward?(v: Float64Array, x?: Float64Array): void;
  /**
   * The backward sweep; with `lo`, `hi`: every adjoint outside the entries [lo, hi] is 0 and
   * stays 0 (one output's cone, seeded alone), so an engine may skip those entries (the
   * re-rolled one skips whole functions and repetitions; the others sweep everything).
   */
  backward(v: Float64Array, a: Float64Array, lo?: number, hi?: number): void;
  /**
   * `backward` without the zero-skip tests (generated engines only): its input adjoints are
   * exact where `uncheckedAdjointsExact` (src/engine/accumulate.ts) says so; else the caller
   * clears `a` and runs `backward`. Zeroes adjoints as it reads them, as `backward` does.
   */
  backwardUnchecked?(v: Float64Array, a: Float64Array, lo?: number, hi?: number, x?: Float64Array): void;
  /**
   * `backwardUnchecked` adding the inputs' adjoints into `g` (length inputCount, zeroed by the
   * caller) instead of into `a`, whose input entries it leaves alone; no output may be an
   * input. False, doing nothing, where this engine's sweep cannot.
   */
  backwardUncheckedInto?(v: Float64Array, a: Float64Array, lo: number | undefined, hi: number | undefined, x: Float64Array | undefined, g: Float64Array): boolean;
  /**
   * Tangents: `t` holds the inputs' tangents on entry, every entry's tangent on return. It
   * reads no other entry before writing it, so a caller reusing `t` resets only the inputs'.
   */
  tangent(v: Float64Array, t: Float64Array): void;
  /**
   * Readies `backward` (or `backwardUnchecked`) before its first sweep; `a` must be all 0, and
   * is left so. The re-rolled engine runs its loops' code around the loop once there (see
   * reroll.ts), so V8 knows its types before it optimises the sweep.
   */
  prepareBackward?(v: Float64Array, a: Float64Array, unchecked: boolean): void;
  /**
   * A scalar f's whole numeric VJP as one generated function (small straight-line lists,
   * where the calls between the sweeps cost more than the sweeps), made when asked; see
   * {@link FusedVjp}. Undefined where the list does not qualify.
   */
  fuseVjp?(): FusedVjp | undefined;
  /**
   * The second-order sweep along `t.length` directions (see src/engine/secondOrder.ts) as code
   * generated for this list, made on first use for each number of directions; false where
   * the list has an entry it cannot generate (the engine's generated loop runs instead).
   */
  secondOrder?(v: Float64Array, t: readonly Float64Array[], a: Float64Array, at: readonly Float64Array[]): boolean;
  /**
   * `secondOrder` without the zero-skip tests: exact where every input's adjoint tangent comes
   * out finite (src/engine/accumulate.ts); else the caller clears `a` and `at` and runs `secondOrder`.
   * Zeroes each adjoint and adjoint tangent it reads from `a` and `at` (as the backward sweeps
   * do, see clearsAdjoints): after it, they are 0 wherever its next run reads, but for the inputs'.
   */
  secondOrderUnchecked?(v: Float64Array, t: readonly Float64Array[], a: Float64Array, at: readonly Float64Array[]): boolean;
  /**
   * The tangent sweep along `t.length` directions at once, without zero-skip tests (for
   * `secondOrderUnchecked`, see tangentLanesTemplate): `t[c]` has the inputs' tangents of
   * direction c; the tangents a second-order sweep reads are written (tangentsNeeded in
   * src/engine/secondOrder.ts), the others left as they were. False, doing nothing, where it has no code.
   */
  tangentLanes?(v: Float64Array, t: readonly Float64Array[]): boolean;
  /** Whether the engine's loops may be generated code (false: the plain interpreter, for a strict CSP). */
  readonly generated?: boolean;
  /** Whether every recorded comparison comes out as recorded at values v (generated for re-rolled lists; else compile walks the guards). */
  guardsHold?(v: Float64Array): boolean;
}

/** An interpreter's sweeps bound to one list. */
export function interpreted(list: SweepList, sweeps: Sweeps): Program {
  return {
    mode: sweeps.mode,
    generated: sweeps.mode !== 'plain interpreter',
    evaluate: (v) => sweeps.evaluate(list, v),
    backward: (v, a) => sweeps.backward(list, v, a),
    tangent: (v, t) => sweeps.tangent(list, v, t),
  };
}

/**
 * Reads x, runs the forward sweep of what the backward sweep needs, adds `seed` to the
 * output's adjoint, runs the unchecked backward sweep, and where its input adjoints are exact
 * (all finite) writes them into `out`: returns 1. Returns 2 when they are not exact, 0 when an
 * element of x is not a number; it touches no state of the program's callers (they take the
 * ordinary path then).
 */
export type FusedVjp = (x: ArrayLike<unknown>, seed: number, out: Float64Array) => 0 | 1 | 2;
