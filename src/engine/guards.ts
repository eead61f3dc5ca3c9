// The guard check of a replay: the recorded comparisons re-evaluated at the new values, and the error a flip raises.
import { comparisonSymbol, evaluateComparison, type ComparisonKind } from '../ops/compare';
import { read } from './entries';

/** A recorded comparison: references of its two arguments (as in a list's `refs`) and its outcome. */
export interface GuardRecord {
  readonly kind: ComparisonKind;
  readonly a: number;
  readonly b: number;
  readonly outcome: boolean;
}

/** The first guard whose comparison comes out differently at values v (constants c), described in words; else undefined. */
export function flippedGuard(guards: readonly GuardRecord[], v: Float64Array, c: Float64Array): string | undefined {
  for (let k = 0; k < guards.length; k++) {
    const g = guards[k] as GuardRecord;
    const a = read(v, c, g.a);
    const b = read(v, c, g.b);
    if (evaluateComparison(g.kind, a, b) !== g.outcome) return describeGuard(g, a, b);
  }
  return undefined;
}

/** A flipped guard in words. */
export function describeGuard(g: GuardRecord, a: number, b: number): string {
  const name = (r: number, v: number) => (r >= 0 ? `v${r} = ${v}` : String(v));
  return `${g.kind}(${name(g.a, a)}, ${name(g.b, b)}) (${comparisonSymbol[g.kind]}) was ${g.outcome} when recorded and is ${!g.outcome} here`;
}

/**
 * Thrown where a recording is replayed (`replay`, `compile(...)` methods) at a point where a
 * comparison f made (`lt`, `gt`, ...) comes out differently: the recorded branch, and so its
 * derivative, does not apply there. A RangeError, so `catch (e) { if (e instanceof RangeError) }`
 * sites keep working; `comparison` describes the flipped comparison.
 *
 * @example
 * ```ts
 * import { record, lt, select, BranchChangedError } from 'dualtape';
 * const tape = record((x) => select(lt(x[0], 0), 0, x[0]), [-1.3]);
 * try {
 *   tape.replay([1.34]);
 * } catch (e) {
 *   e instanceof BranchChangedError; // true
 *   (e as BranchChangedError).comparison; // 'lt(v0 = 1.34, 0) (<) was true when recorded and is false here'
 * }
 * ```
 */
export class BranchChangedError extends RangeError {
  /** The comparison that flipped, in words. */
  readonly comparison: string;

  /** @param api what the user called (the message starts with it); @param comparison the flipped comparison in words. */
  constructor(api: string, comparison: string) {
    super(
      `${api}: x takes a different branch than the recording: the comparison ${comparison}, ` +
        'so the recorded derivative does not apply here; record f again at this point ' +
        "(compile(f, x, { onBranchChange: 'rerecord' }) does it for you)",
    );
    this.name = 'BranchChangedError';
    this.comparison = comparison;
  }
}
