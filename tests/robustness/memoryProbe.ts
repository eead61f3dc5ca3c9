// Run by memory.test.ts under `node --expose-gc`: how much memory a 10^6-entry recording holds, and whether dropping it frees it.
import { grad, jvp, mul, record, type Value } from '../../src/index';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const used = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const N = 1_000_000;
const chain = (x: Value[]) => {
  let y: Value = x[0]!;
  for (let i = 0; i < N; i++) y = mul(y, 1.0000001);
  return y;
};

// Spare buffers handed from one sweep or recording to the next are held through WeakRefs,
// which by the language's rules stay alive until the current job ends: each measurement is
// taken in a later job.
const nextJob = () => new Promise<void>((resolve) => setImmediate(resolve));

void (async () => {
  const base = used();
  let held = 0;
  // the recording lives only inside this call: the caller drops it by returning
  (() => {
    const tape = record(chain, [0.3]);
    held = used() - base;
    tape.backward(1);
    tape.replay([0.4]);
  })();
  await nextJob();
  const afterDrop = used() - base;
  // transformations that keep nothing: their recordings must not accumulate either
  for (let k = 0; k < 2; k++) grad(chain)([0.3]);
  jvp(chain, [0.3], [1]);
  await nextJob();
  const afterMore = used() - base;
  process.stdout.write(JSON.stringify({ held, afterDrop, afterMore }));
})();
