// W3, a scalar-heavy loop y ← sin(y)·x0 + cos(y·x1), K = 10^4 steps, two inputs.
import { compile, grad, jacfwd } from '../../src/index';
import { centralDiff, type Bench, type Group } from '../bench';
import { scalarLoop } from '../workloads';
import { floorGrad, floorJacfwd, floorWorkloads, PLAIN_DUAL, PLAIN_TAPE } from '../floor';

const group: Group = {
  id: 'W3',
  peers: true,
  async run(b: Bench) {
    const K = 10_000;
    const L = 'W3 scalar loop K=1e4';
    const x = scalarLoop.point;
    const want = scalarLoop.gradient(K, x);
    const f = scalarLoop.f(K);
    const out = new Float64Array(2);
    const hand = b.baseline(L, 'hand-written gradient (forward recurrence, into a preallocated array)', () => scalarLoop.gradientInto(K, x, out), 'W3.hand');
    b.bench(L, 'primal only', hand, () => scalarLoop.primal(K, x));
    b.bench(L, 'dualtape grad (fresh recording)', hand, () => grad(f)(x), [() => grad(f)(x), want, 1e-10], 'W3.grad');
    const floorF = floorWorkloads.tape.scalarLoop(K);
    b.bench(L, PLAIN_TAPE, hand, () => floorGrad(floorF, x), [() => floorGrad(floorF, x), want, 1e-10], 'W3.floorGrad');
    b.bench(L, 'dualtape jacfwd (fresh, 2 tangents in one pass)', hand, () => jacfwd(f)(x), [() => jacfwd(f)(x)[0]!, want, 1e-10], 'W3.jacfwd');
    const one = jacfwd(f, { chunkSize: 1 });
    b.bench(L, 'dualtape jacfwd (fresh, 2 passes of one tangent)', hand, () => one(x), [() => one(x)[0]!, want, 1e-10]);
    const floorDualF = floorWorkloads.dual.scalarLoop(K);
    b.bench(L, `${PLAIN_DUAL}, 2 passes`, hand, () => floorJacfwd(floorDualF, x), [() => floorJacfwd(floorDualF, x), want, 1e-10], 'W3.floorJacfwd');
    const c = compile(f, x);
    b.bench(L, `dualtape compiled gradient (${c.mode})`, hand, () => c.gradient(x), [() => c.gradient(x) as Float64Array, want, 1e-10], 'W3.compiled');
    b.bench(L, 'central differences', hand, () => centralDiff((z) => scalarLoop.primal(K, z), x), [() => centralDiff((z) => scalarLoop.primal(K, z), x), want, 1e-4]);
    await b.peerGradients('W3', K, L, x, want, hand, 'W3', 1e-2);
    b.target({ issue: 10, name: 'W3 (1e4 steps): fresh grad ≤ 5× hand-written', num: 'W3.grad', limit: 5, better: 'below', floor: { num: 'W3.floorGrad' } });
    b.target({ issue: 10, name: 'W3 (1e4 steps): fresh jacfwd ≤ 5× hand-written', num: 'W3.jacfwd', limit: 5, better: 'below', floor: { num: 'W3.floorJacfwd' } });
    b.target({ issue: 11, name: 'W3 (1e4 steps): compiled gradient ≤ 1.5× hand-written', num: 'W3.compiled', limit: 1.5, better: 'below' });
  },
};
export default group;
