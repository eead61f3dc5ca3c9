// W1, the worked example f(x1, x2) = ln(x1) + x1·x2 − sin(x2) at (2, 5): per-call overhead.
import { compile, grad, jacfwd, jvp } from '../../src/index';
import { centralDiff, type Bench, type Group } from '../bench';
import { worked, workedX } from '../workloads';
import { floorGrad, floorJvp, floorWorkloads, PLAIN_DUAL, PLAIN_TAPE } from '../floor';

const group: Group = {
  id: 'W1',
  peers: true,
  async run(b: Bench) {
    const L = 'W1 worked example';
    const x = workedX;
    const want = worked.gradient(x);
    const out = new Float64Array(2);
    const hand = b.baseline(L, 'hand-written gradient (into a preallocated array)', () => worked.gradientInto(x, out), 'W1.hand');
    b.bench(L, 'hand-written gradient (fresh Float64Array, as dualtape returns)', hand, () => worked.gradient(x), [() => worked.gradient(x), want, 0], 'W1.handFresh');
    b.bench(L, 'primal only', hand, () => worked.primal(x));
    // Compiled before the fresh paths, as in W2 and W4: their garbage slowed what was timed after them.
    const cg = compile(worked.f, x);
    const ci = compile(worked.f, x, { codegen: false });
    b.bench(L, `dualtape compiled gradient (${cg.mode})`, hand, () => cg.gradient(x), [() => cg.gradient(x) as Float64Array, want, 1e-14], 'W1.compiled');
    const into = new Float64Array(2);
    b.bench(L, `dualtape compiled gradient into out (${cg.mode}; a preallocated array, as the hand-written)`, hand, () => cg.gradient(x, into), [() => cg.gradient(x, into), want, 1e-14], 'W1.compiledInto');
    b.bench(L, 'dualtape compiled gradient (interpreter)', hand, () => ci.gradient(x), [() => ci.gradient(x) as Float64Array, want, 1e-14]);
    b.bench(L, 'dualtape grad (fresh recording)', hand, () => grad(worked.f)(x), [() => grad(worked.f)(x), want, 1e-14], 'W1.grad');
    b.bench(L, PLAIN_TAPE, hand, () => floorGrad(floorWorkloads.tape.worked, x), [() => floorGrad(floorWorkloads.tape.worked, x), want, 1e-14], 'W1.floorGrad');
    const v = Float64Array.of(0.3, -0.7);
    const handDir = b.baseline(L, 'hand-written directional derivative ∇f·v', () => worked.directional(x, v), 'W1.handDir');
    b.bench(L, 'dualtape jvp (fresh forward pass, one direction)', handDir, () => jvp(worked.f, x, v), [() => [jvp(worked.f, x, v)[1] as number], [worked.directional(x, v)], 1e-14], 'W1.jvp');
    b.bench(L, PLAIN_DUAL, handDir, () => floorJvp(floorWorkloads.dual.worked, x, v), [() => [floorJvp(floorWorkloads.dual.worked, x, v)[1]], [worked.directional(x, v)], 1e-14], 'W1.floorJvp');
    b.bench(L, 'dualtape jacfwd (fresh, 2 tangents in one pass)', hand, () => jacfwd(worked.f)(x), [() => jacfwd(worked.f)(x)[0] as number[], want, 1e-14], 'W1.jacfwd');
    b.bench(L, 'central differences', hand, () => centralDiff(worked.primal, x), [() => centralDiff(worked.primal, x), want, 1e-7]);
    await b.peerGradients('W1', 2, L, x, want, hand, 'W1');

    b.target({ issue: 10, name: 'worked example: fresh grad ≤ 20× hand-written', num: 'W1.grad', limit: 20, better: 'below', floor: { num: 'W1.floorGrad' } });
    b.target({ issue: 10, name: 'worked example: fresh jvp ≤ 15× hand-written (directional derivative)', num: 'W1.jvp', limit: 15, better: 'below', floor: { num: 'W1.floorJvp' } });
    b.target({ issue: 11, name: 'worked example: compiled gradient ≤ 3× hand-written (both into a preallocated array)', num: 'W1.compiledInto', limit: 3, better: 'below' });
    b.target({ issue: 11, name: 'worked example: the same, both returning a fresh array (ours / hand-written fresh)', num: 'W1.compiled', den: 'W1.handFresh', limit: 3, better: 'below' });
  },
};
export default group;
