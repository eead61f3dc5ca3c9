// W2 at n = 10^6, in its own process: the scaling of a fresh grad, compiled gradient against jax-js, list memory.
import { record } from '../../src/index';
import type { Bench, Group } from '../bench';
import { rosenbrock } from '../workloads';
import { rosenbrockCase } from './w2Rosenbrock';

const group: Group = {
  id: 'W2big',
  peers: true,
  async run(b: Bench) {
    const ms = await rosenbrockCase(b, 1_000_000);
    // The recording's own account of its memory (allocated and used), if this build keeps one.
    const tape = record(rosenbrock.f, rosenbrock.point(1_000_000)) as unknown as { length: number; bytesPerEntry?: number; usedBytesPerEntry?: number };
    if (typeof tape.bytesPerEntry === 'number') {
      b.record({ workload: 'W2 Rosenbrock n=1e6', method: `list memory (its own account): ${tape.length.toLocaleString('en-US')} entries`, note: `${tape.bytesPerEntry.toFixed(1)} B/entry allocated (${tape.usedBytesPerEntry?.toFixed(1)} used) + 8 B/entry of adjoints in a sweep` });
    }
    b.target({ issue: 10, name: 'fresh grad scaling: time(n=1e6) / time(n=1e4) ≤ 120 (linear: 100)', num: 'W2.1e6.grad', den: 'W2.1e4.grad', limit: 120, better: 'below', floor: { num: 'W2.1e6.floorGrad', den: 'W2.1e4.floorGrad' } });
    b.target({ issue: 11, name: 'Rosenbrock n=1e6: compiled gradient ≤ 3× hand-written (both into a preallocated array)', num: 'W2.1e6.compiledInto', limit: 3, better: 'below' });
    b.target({ issue: 11, name: 'Rosenbrock n=1e6: the same, both returning a fresh array (ours / hand-written fresh)', num: 'W2.1e6.compiled', den: 'W2.1e6.handFresh', limit: 3, better: 'below' });
    b.target({ issue: 11, name: 'Rosenbrock n=1e6: compiled gradient (fresh array) faster than jax-js jit(grad) (ours / jax-js)', num: 'W2.1e6.compiled', den: 'W2.1e6.jaxJit', limit: 1, better: 'below' });
    b.target({ issue: 11, name: 'compile time ≤ 100 ms per 1e5 entries (Rosenbrock n=1e6)', value: ms, limit: 100, better: 'below' });
  },
};
export default group;
