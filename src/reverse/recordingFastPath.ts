// Reverse mode's part of each primitive's generated function: record a handle of a list of numbers in place.
import { registerFastPath, type OpText } from '../ops/fastPath';
import { TapeVar } from './tapeVar';

/**
 * Reverse mode's fast path inside each primitive's generated function: handles of one list
 * that records plain numbers (mixed with numbers) are recorded in place, as
 * {@link WengertList.process} would: argument references in order (a number becomes a
 * constant), the value computed on numbers, one entry and one handle. Nothing is written
 * before the call is known to be claimed (a constant added and then handed to apply() would
 * be added twice).
 */
function emitRecordingFastPath(op: OpText): string {
  if (op.arity === 1) {
    return `const L = x0.trace;
if (!L.recordsNumbers) return generic(x0, x1);
const r0 = x0.index; const p0 = L.numberAt(r0);
return L.record1(${op.code}, ${op.value(['p0'])}, r0);`;
  }
  // One block per argument case, as the forward path does: no value is merged from two cases.
  const record = `return L.record2(${op.code}, ${op.value(['p0', 'p1'])}, r0, r1);`;
  return `if (typeof x0 === 'number') {
  const L = x1.trace;
  if (!L.recordsNumbers) return generic(x0, x1);
  const p0 = x0; const r0 = L.constantRef(x0); const r1 = x1.index; const p1 = L.numberAt(r1);
  ${record}
}
const L = x0.trace;
if (!L.recordsNumbers) return generic(x0, x1);
const r0 = x0.index; const p0 = L.numberAt(r0);
if (typeof x1 === 'number') { const p1 = x1; const r1 = L.constantRef(x1); ${record} }
if (!(x1 instanceof C) || x1.trace !== L) return generic(x0, x1);
const r1 = x1.index; const p1 = L.numberAt(r1);
${record}`;
}

registerFastPath({ name: 'reverse', valueClass: TapeVar, deps: {}, emit: emitRecordingFastPath });
