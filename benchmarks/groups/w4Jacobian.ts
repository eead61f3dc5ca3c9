// W4, full Jacobians of y_i = Σ_j sin(a_ij x_j) in both modes, at n×m = 200×1, 1×200 and 50×50.
import { chooseJacobianMode, compile, defaultChunkSize, jacfwd, jacobian, jacrev } from '../../src/index';
import { flat, type Bench, type Group } from '../bench';
import { sinSum } from '../workloads';

const group: Group = {
  id: 'W4',
  peers: true,
  async run(b: Bench) {
    for (const [n, m] of [[200, 1], [1, 200], [50, 50]] as const) {
      const L = `W4 Jacobian ${n}×${m} (n×m)`;
      const k = `W4.${n}x${m}`;
      const x = sinSum.point(n);
      const want = flat(sinSum.jacobian(m, x));
      const f = sinSum.f(m);
      const J = Array.from({ length: m }, () => new Float64Array(n));
      const hand = b.baseline(L, 'hand-written Jacobian (into preallocated rows)', () => sinSum.jacobianInto(x, J), `${k}.hand`);
      b.bench(L, 'hand-written Jacobian (m fresh rows, as dualtape returns)', hand, () => sinSum.jacobian(m, x), [() => flat(sinSum.jacobian(m, x)), want, 0]);
      b.bench(L, 'primal only', hand, () => sinSum.primal(m, x));
      // Compiled before the fresh paths, as in W2: their garbage slowed what was timed after them.
      const c = compile(f, x);
      b.bench(L, `dualtape compiled jacobian (${c.mode})`, hand, () => c.jacobian(x), [() => flat(c.jacobian(x)), want, 1e-13], `${k}.compiled`);
      const one = jacfwd(f, { chunkSize: 1 });
      b.bench(L, `dualtape jacfwd, one tangent (${n} forward passes)`, hand, () => one(x), [() => flat(one(x)), want, 1e-13]);
      const chunk = defaultChunkSize(n);
      const fwd = b.bench(L, `dualtape jacfwd, chunks of ${chunk} (${Math.ceil(n / chunk)} passes)`, hand, () => jacfwd(f)(x), [() => flat(jacfwd(f)(x)), want, 1e-13], `${k}.jacfwd`);
      const rev = b.bench(L, `dualtape jacrev (1 recording, ${m} sweeps)`, hand, () => jacrev(f)(x), [() => flat(jacrev(f)(x)), want, 1e-13], `${k}.jacrev`);
      const auto = chooseJacobianMode(n, m);
      b.bench(L, `dualtape jacobian 'auto' (picks ${auto})`, hand, () => jacobian(f, x), [() => flat(jacobian(f, x)), want, 1e-13], `${k}.auto`);
      if (fwd !== undefined && rev !== undefined) {
        // Within 15% counts as a tie: the machine's noise is larger than that.
        const faster = fwd <= rev ? 'forward' : 'reverse';
        b.target({ issue: 10, name: `W4 ${n}×${m}: jacobian 'auto' picks the faster mode (picks ${auto}; measured ${faster} faster by ${(Math.max(fwd, rev) / Math.min(fwd, rev)).toFixed(2)}×; 1 = right or within 15%)`, value: auto === faster || Math.max(fwd, rev) / Math.min(fwd, rev) < 1.15 ? 1 : 0, limit: 1, better: 'above' });
      }
      for (const peer of b.peers) {
        const prepared = await b.preparePeer(L, peer, () => peer.prepareJacobian?.(n, m));
        if (prepared === undefined) continue;
        const pj = prepared.fn;
        b.bench(L, peer.name, hand, () => pj(x), [() => flat(pj(x)), want, 2e-3]);
      }
    }
    b.target({ issue: 11, name: 'W4 50×50: compiled Jacobian ≤ 5× hand-written', num: 'W4.50x50.compiled', limit: 5, better: 'below' });
  },
};
export default group;
