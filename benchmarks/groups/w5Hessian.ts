// W5, the dense Hessian of Rosenbrock at n = 100 (tridiagonal, so the hand-written code is tiny).
import { compile, grad, hessian, jacfwd, jvp, defaultChunkSize, type Value } from '../../src/index';
import { flat, type Bench, type Group } from '../bench';
import { rosenbrock } from '../workloads';

const group: Group = {
  id: 'W5',
  peers: true,
  async run(b: Bench) {
    const n = 100;
    const L = 'W5 Hessian Rosenbrock n=100';
    const x = rosenbrock.point(n);
    const want = flat(rosenbrock.hessian(x));
    const H0 = Array.from({ length: n }, () => new Float64Array(n));
    const hand = b.baseline(L, 'hand-written Hessian (three bands into preallocated rows)', () => rosenbrock.hessianInto(x, H0), 'W5.hand');
    b.bench(L, 'hand-written Hessian (n fresh rows, as dualtape returns)', hand, () => rosenbrock.hessian(x), [() => flat(rosenbrock.hessian(x)), want, 0], 'W5.handAlloc');
    const H1 = hessian(rosenbrock.f, { chunkSize: 1 });
    b.bench(L, `dualtape hessian, one direction per sweep (1 recording, ${n} sweeps)`, hand, () => H1(x), [() => flat(H1(x)), want, 1e-12]);
    const H = hessian(rosenbrock.f);
    b.bench(L, `dualtape hessian (fresh), chunks of ${defaultChunkSize(n)} (1 recording, ${Math.ceil(n / defaultChunkSize(n))} sweeps)`, hand, () => H(x), [() => flat(H(x)), want, 1e-12], 'W5.fresh');
    const nested = jacfwd(grad(rosenbrock.f));
    b.bench(L, 'dualtape jacfwd(grad(f)) (nested, chunked)', hand, () => nested(x), [() => flat(nested(x)), want, 1e-12]);
    const c = compile(rosenbrock.f, x);
    // A compiled dense Hessian (issue #11) where this build has one; feature-detected so the runner works before and after.
    const compiledHessian = (c as unknown as { hessian?: (x: Float64Array) => ArrayLike<ArrayLike<number>> }).hessian;
    if (typeof compiledHessian === 'function') {
      const ch = (z: Float64Array) => compiledHessian.call(c, z);
      b.bench(L, `dualtape compiled hessian (${c.mode})`, hand, () => ch(x), [() => flat(ch(x)), want, 1e-12], 'W5.compiled');
    } else b.skip(L, 'dualtape compiled hessian', 'compile(f, x).hessian not in this build', 'W5.compiled');
    const hvpRows = () => Array.from({ length: n }, (_, j) => {
      const e = new Array<number>(n).fill(0);
      e[j] = 1;
      return jvp((z: Value[]) => c.gradient(z) as Value[], x, e)[1] as number[];
    });
    b.bench(L, 'dualtape forward over compiled gradient (list replay with Duals, n passes)', hand, hvpRows, [() => flat(hvpRows()), want, 1e-12]);
    for (const peer of b.peers) {
      const prepared = await b.preparePeer(L, peer, () => peer.prepareHessian?.(n));
      if (prepared === undefined) continue;
      const ph = prepared.fn;
      b.bench(L, peer.name, hand, () => ph(x), [() => flat(ph(x)), want, 2e-3], peer.name.startsWith('jax-js (jit)') ? 'W5.jaxJit' : undefined);
    }
    b.target({ issue: 11, name: 'W5: compiled dense Hessian faster than jax-js jit(hessian) (ours / jax-js)', num: 'W5.compiled', den: 'W5.jaxJit', limit: 1, better: 'below' });
  },
};
export default group;
