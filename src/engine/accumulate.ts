// The zero-skip conventions of every sweep, in one place: when a seed times a partial contributes, and how contributions add up.
import { add, mul } from '../ops/table';
import type { Value } from '../ops/value';
//
// Why one module: the rule "a zero tangent or adjoint contributes nothing, even times an
// infinite partial; an exactly-zero partial contributes nothing, even to an infinite or NaN
// adjoint" used to be hand-written in a dozen loops, and the copies disagreed (compile gave
// NaN for sqrt(floor(x)) at 0.5 where the list gave 0). As JAX's `add_tangents` skips its
// `Zero`, every engine here asks `contributes`: the interpreters call the functions, the
// code generators emit the `...Code` text, which is the same expression written once more
// right next to its function (tests/engine/accumulate.test.ts checks the pairs agree on
// every special value).

/**
 * Whether `seed · partial` takes part in a sum: both must be nonzero. A zero seed (tangent or
 * adjoint) then never meets an infinite partial (0·∞ = NaN), and an exactly-zero partial
 * never meets an infinite or NaN seed.
 *
 * @example
 * ```ts
 * contributes(0, Infinity); // false
 * contributes(NaN, 0); // false
 * contributes(NaN, 2); // true: NaN propagates where the partial is real
 * ```
 */
export function contributes(seed: number | Value, partial: number | Value): boolean {
  // For AD values (nesting) the same test: only the number 0 is known to be zero, an AD
  // value whose primal is 0 may still carry derivatives and is kept.
  return seed !== 0 && partial !== 0;
}

/** `contributes` as JavaScript source, for generated code (arguments are expressions without side effects). */
export function contributesCode(seed: string, partial: string): string {
  return `${seed} !== 0 && ${partial} !== 0`;
}

/**
 * Adds `seed · partial` to adjoint `r` of `a` where it contributes. Adjoints start at +0 and
 * only grow by `+=`, so they are never -0 and a skipped contribution equals adding 0.
 *
 * @example
 * ```ts
 * const a = new Float64Array([Infinity, 0]);
 * addAdjoint(a, 1, a[0], 0); // a[1] stays 0, not NaN
 * ```
 */
export function addAdjoint(a: Float64Array, r: number, seed: number, partial: number): void {
  if (contributes(seed, partial)) a[r] += seed * partial;
}

/** `addAdjoint` as a JavaScript statement: `target` is an assignable expression (`a[r0]`). */
export function addAdjointCode(target: string, seed: string, partial: string): string {
  return `if (${contributesCode(seed, partial)}) ${target} += ${seed} * ${partial};`;
}

/**
 * `addAdjointCode` without its test: `target += seed · partial` always. Generated backward
 * sweeps have an unchecked twin built from this, for the common case where every number is
 * finite, because the tests cost more than the arithmetic (1.5-2× on a re-rolled loop).
 *
 * Why it is safe when {@link uncheckedAdjointsExact} says so: the two sweeps differ only where a
 * product has a zero factor. With the other factor finite the product is ±0, and adding ±0 to
 * an adjoint changes nothing (adjoints start at +0 and only grow by `+=`, so none is -0).
 * With the other factor ∞ or NaN the product is NaN, which every later push carries on (NaN
 * times anything, even 0, is NaN) down to each input the entry depends on; an input
 * adjoint it never reaches is the same sum, in the same order, as in the tested sweep. So
 * where every input adjoint comes out finite, it equals the tested sweep's bit for bit; where
 * one does not, the caller runs the tested sweep.
 */
export function addAdjointUncheckedCode(target: string, seed: string, partial: string): string {
  return `${target} += ${seed} * ${partial};`;
}

/** Whether the first `n` adjoints of an unchecked sweep (see {@link addAdjointUncheckedCode}) are exact: all finite. */
export function uncheckedAdjointsExact(a: Float64Array, n: number): boolean {
  // x · 0 is ±0 for a finite x and NaN for ±∞ and NaN, and a NaN stays in a sum: four sums and
  // one test at the end ran this check in half the time of a test per element (a tenth of a
  // compiled Rosenbrock gradient at n = 10^4 had been this loop).
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (a[i] as number) * 0;
    s1 += (a[i + 1] as number) * 0;
    s2 += (a[i + 2] as number) * 0;
    s3 += (a[i + 3] as number) * 0;
  }
  for (; i < n; i++) s0 += (a[i] as number) * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/**
 * A tangent sum with `partial · tangent` added where it contributes. The first term replaces
 * the starting 0 rather than being added to it, so a sum of one -0 term is -0, exactly as a
 * forward pass over duals computes it.
 *
 * @example
 * ```ts
 * addTangent(0, Infinity, 0); // 0 (the partial is 0)
 * addTangent(0, -1, 0.5); // -0.5
 * ```
 */
export function addTangent(sum: number, tangent: number, partial: number): number {
  if (!contributes(tangent, partial)) return sum;
  const term = partial * tangent;
  return sum === 0 ? term : sum + term;
}

/**
 * {@link addTangent} over AD values (the traces' generic route, used under nesting): the
 * same rule and order, computed with the library's own primitives.
 *
 * @example
 * ```ts
 * addTangentValue(0, 0, Infinity); // 0 (the tangent is 0)
 * ```
 */
export function addTangentValue(sum: Value, tangent: Value, partial: Value): Value {
  if (!contributes(tangent, partial)) return sum;
  const term = mul(partial, tangent);
  return sum === 0 ? term : add(sum, term);
}

/** `addTangent` as JavaScript statements updating the variable `sum` in place. */
export function addTangentCode(sum: string, tangent: string, partial: string): string {
  return `if (${contributesCode(tangent, partial)}) { const m_ = ${partial} * ${tangent}; ${sum} = ${sum} === 0 ? m_ : ${sum} + m_; }`;
}

/**
 * The second-order sweep's update of an adjoint tangent: ȧ_r += ȧ_i·d + a_i·ḋ, with `seed`
 * ȧ_i, `partial` d, `adjoint` a_i and `partialTangent` ḋ (`moving`: whether ḋ was computed at
 * all). Each product is taken only where it contributes, and the two are summed as the tangent
 * of the product a_i·d is, then added once, like the first-order term.
 *
 * @example
 * ```ts
 * const at = new Float64Array([0, 0]);
 * addAdjointTangent(at, 0, 0, Infinity, 2, 3, true); // at[0] = 6: the zero seed meets no ∞
 * ```
 */
export function addAdjointTangent(target: Float64Array, r: number, seed: number, partial: number, adjoint: number, partialTangent: number, moving: boolean): void {
  const first = contributes(seed, partial);
  const second = moving && contributes(adjoint, partialTangent);
  if (first && second) target[r] += seed * partial + adjoint * partialTangent;
  else if (first) target[r] += seed * partial;
  else if (second) target[r] += adjoint * partialTangent;
}

/** `addAdjointTangent` as a JavaScript statement (arguments are expressions without side effects; `moving` a boolean one). */
export function addAdjointTangentCode(target: string, seed: string, partial: string, adjoint: string, partialTangent: string, moving: string): string {
  return `{ const first = ${contributesCode(seed, partial)}; const second = ${moving} && ${contributesCode(adjoint, partialTangent)}; ` +
    `if (first && second) ${target} += ${seed} * ${partial} + ${adjoint} * ${partialTangent}; else if (first) ${target} += ${seed} * ${partial}; ` +
    `else if (second) ${target} += ${adjoint} * ${partialTangent}; }`;
}

/**
 * `addAdjointTangentCode` without its tests, for the unchecked second-order sweep: both
 * products always, summed as the tested update sums them. Exact under the same condition as
 * {@link addAdjointUncheckedCode} (every adjoint tangent of the inputs comes out finite): a
 * product the tested sweep skips is ±0 where its other factor is finite, and adding it
 * changes nothing (adjoint tangents start at +0 and only grow by `+=`); where its other
 * factor is ∞ or NaN it is NaN, and a NaN in an adjoint or adjoint tangent reaches the adjoint
 * tangents of the inputs the entry depends on (NaN times a partial, even 0, is NaN). A
 * structurally zero partial tangent (`partialTangent` '0': the op's partial does not move)
 * is left out, as the tested sweep leaves it out.
 */
export function addAdjointTangentUncheckedCode(target: string, seed: string, partial: string, adjoint: string, partialTangent: string): string {
  return partialTangent === '0'
    ? `${target} += ${seed} * ${partial};`
    : `${target} += ${seed} * ${partial} + ${adjoint} * ${partialTangent};`;
}
