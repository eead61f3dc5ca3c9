// Reverse mode's part of each primitive's generated function: record a handle of a list of numbers in place.
import { registerFastPath, type OpText } from '../ops/fastPath';
import { TapeVar } from './tapeVar';

/**
 * Reverse mode's fast path inside each primitive's generated function: handles of one list
 * that records plain numbers (mixed with numbers) are recorded in place, as
 * {@link WengertList.process} would: argument references in order (a number becomes a
 * constant), the value computed on numbers, one entry and one handle.
 */
function emitRecordingFastPath(op: OpText, kind: number): string {
  if (op.arity === 1) {
    return `if (k0 === ${kind}) {
  const L = x0.trace;
  if (L.recordsNumbers) { const r0 = x0.index; const p0 = L.numberAt(r0); return L.record1(${op.code}, ${op.value(['p0'])}, r0); }
}`;
  }
  return `if ((k0 === ${kind} && (k1 === 0 || (k1 === ${kind} && x1.trace === x0.trace))) || (k0 === 0 && k1 === ${kind})) {
  const L = k0 === 0 ? x1.trace : x0.trace;
  if (L.recordsNumbers) {
    let r0, p0, r1, p1;
    if (k0 === 0) { p0 = x0; r0 = L.constantRef(x0); } else { r0 = x0.index; p0 = L.numberAt(r0); }
    if (k1 === 0) { p1 = x1; r1 = L.constantRef(x1); } else { r1 = x1.index; p1 = L.numberAt(r1); }
    return L.record2(${op.code}, ${op.value(['p0', 'p1'])}, r0, r1);
  }
}`;
}

registerFastPath({ name: 'reverse', valueClass: TapeVar, deps: {}, emit: emitRecordingFastPath });
