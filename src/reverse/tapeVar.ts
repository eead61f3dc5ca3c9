// Reverse mode's AD value: a small handle on one entry of a list being recorded.
import { adValueClass, type ADValue, type Value } from '../ops/value';
import type { WengertList } from './wengertList';

/**
 * Reverse mode's AD value: a handle on one entry of a Wengert list being recorded. It holds
 * only the entry's index and its list (its value lives in the list's typed arrays), which
 * keeps the one object made per recorded primitive small.
 *
 * @example
 * ```ts
 * import { record, sin, TapeVar } from 'dualtape';
 * record((x) => { console.log(x[0] instanceof TapeVar); return sin(x[0]); }, [1]); // logs true
 * ```
 */
export class TapeVar implements ADValue {
  /** The entry of `trace` this value is. */
  declare readonly index: number;
  declare readonly trace: WengertList;
  declare [Symbol.toPrimitive]: ADValue[typeof Symbol.toPrimitive];
  declare toString: ADValue['toString'];

  /** @internal */
  constructor(index: number, trace: WengertList) {
    this.index = index;
    this.trace = trace;
  }

  /** The entry's value in the latest evaluation (an enclosing transformation's AD value when nested). */
  get value(): Value {
    return this.trace.valueAt(this.index);
  }
}

// One handle is made per recorded primitive: a plain constructor (see adValueClass).
adValueClass(TapeVar);
