// Memory of a recording, measured (retained heap + array buffers after a full GC), and a 10^7-entry recording.
import { record, sub, type Value } from '../../src/index';
import type { Bench, Group } from '../bench';
import { rosenbrock } from '../workloads';

const gc = (globalThis as { gc?: () => void }).gc;
function heapBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** y = x0 − 1e-7, L times: one entry per step. */
const chain = (L: number) => (x: Value[]): Value => {
  let y: Value = x[0]!;
  for (let i = 0; i < L; i++) y = sub(y, 1e-7);
  return y;
};

/** Records f at x, returning entries and the bytes per entry the recording retains. */
function retained(f: (x: Value[]) => Value, x: ArrayLike<number>): { entries: number; bytes: number; own?: string } {
  const m0 = heapBytes();
  const tape = record(f, x) as unknown as { length: number; bytesPerEntry?: number; usedBytesPerEntry?: number };
  const m1 = heapBytes();
  const own = typeof tape.bytesPerEntry === 'number' ? `its own account: ${tape.bytesPerEntry.toFixed(1)} B/entry allocated, ${tape.usedBytesPerEntry?.toFixed(1)} used` : undefined;
  return { entries: tape.length, bytes: (m1 - m0) / tape.length, own };
}

const group: Group = {
  id: 'M',
  run(b: Bench) {
    const L = 'M memory';
    if (!gc) b.skip(L, 'retained bytes per entry', 'needs node --expose-gc (run.ts passes it)');
    const x6 = rosenbrock.point(1_000_000);
    const r = retained(rosenbrock.f, x6);
    b.record({ workload: L, method: `Rosenbrock n=1e6 recording: ${r.entries.toLocaleString('en-US')} entries, retained`, note: `${r.bytes.toFixed(1)} B/entry (+ 8 B/entry of adjoints in a sweep)${r.own ? `; ${r.own}` : ''}` });
    if (gc) b.target({ issue: 10, name: 'memory ≤ 40 B/entry (Rosenbrock n=1e6, retained + 8 B adjoint)', value: r.bytes + 8, limit: 40, better: 'below' });

    const per: Record<number, number> = {};
    for (const len of [1_000_000, 10_000_000]) {
      const f = chain(len);
      let tape: ReturnType<typeof record> | undefined;
      let g: number[] = [];
      let dt = Infinity;
      const m0 = heapBytes();
      try {
        // Best of a few runs: one run of a long recording on a shared machine is mostly noise.
        for (let run = 0; run < (len <= 1_000_000 ? 3 : 2); run++) {
          tape = undefined;
          const t0 = performance.now();
          tape = record(f, [1]);
          g = tape.backward(1);
          dt = Math.min(dt, (performance.now() - t0) / 1000);
        }
      } catch (e) {
        tape = undefined;
        b.skip(L, `chain of ${len.toExponential()} entries: record + backward`, `failed: ${(e as Error).message.slice(0, 80)}`);
      }
      if (tape === undefined) continue;
      const bytes = (heapBytes() - m0) / tape.length;
      per[len] = dt / tape.length;
      b.record({
        workload: L,
        method: `chain of ${tape.length.toLocaleString('en-US')} entries: record + backward, best of ${len <= 1_000_000 ? 3 : 2} runs`,
        seconds: dt,
        key: `M.chain${len}`,
        note: `${(per[len]! * 1e9).toFixed(1)} ns/entry, ${bytes.toFixed(1)} B/entry retained after the sweep, gradient ${g[0]}`,
      });
      tape = undefined;
    }
    b.target({ issue: 10, name: '1e7-entry recording runs (record + backward; 1 = ran)', value: per[10_000_000] === undefined ? 0 : 1, limit: 1, better: 'above' });
    if (per[1_000_000] && per[10_000_000]) {
      b.target({ issue: 10, name: 'linear scaling to 1e7 entries: ns/entry at 1e7 ÷ at 1e6 ≤ 1.2 (limit set here; the issue says "linear")', value: per[10_000_000] / per[1_000_000], limit: 1.2, better: 'below' });
    }
  },
};
export default group;
