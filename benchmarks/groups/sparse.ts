// S: sparse Jacobians and Hessians (issue #12) against hand-written banded code, one fresh recording, the dense modes and jax-js.
import { add, compile, exp, grad, hessian, mul, record, sparseHessian, sparseJacobian, sub, type Value } from '../../src/index';
import { flat, type Bench, type Group } from '../bench';
import { rosenbrock } from '../workloads';

/** The Rosenbrock Hessian's 3n - 2 nonzeros, in row-then-column order, into `out` (the fastest straightforward code). */
function rosenbrockTridiagonal(x: Float64Array, out: Float64Array): Float64Array {
  const n = x.length;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    if (i > 0) out[k++] = -400 * x[i - 1]!;
    out[k++] = (i + 1 < n ? 1200 * xi * xi - 400 * x[i + 1]! + 2 : 0) + (i > 0 ? 200 : 0);
    if (i + 1 < n) out[k++] = -400 * xi;
  }
  return out;
}

/** F_i(u) = u_{i-1} - 2u_i + u_{i+1} + h²λ exp(u_i) with zero boundary values, λ = 2. */
const N_RD = 10_000;
const h2lambda = (1 / (N_RD + 1)) ** 2 * 2;
const reactionDiffusion = (u: Value[]): Value[] =>
  u.map((ui, i) => add(sub(add(i > 0 ? u[i - 1]! : 0, i < u.length - 1 ? u[i + 1]! : 0), mul(2, ui)), mul(h2lambda, exp(ui))));

function reactionDiffusionTridiagonal(u: Float64Array, out: Float64Array): Float64Array {
  const n = u.length;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) out[k++] = 1;
    out[k++] = -2 + h2lambda * Math.exp(u[i]!);
    if (i + 1 < n) out[k++] = 1;
  }
  return out;
}

const group: Group = {
  id: 'S',
  peers: true,
  async run(b: Bench) {
    {
      const n = 100;
      const L = 'S sparse Hessian, Rosenbrock n=100 (W5)';
      const x = rosenbrock.point(n);
      const xs = Array.from(x);
      const want = rosenbrockTridiagonal(x, new Float64Array(3 * n - 2));
      const out = new Float64Array(3 * n - 2);
      const hand = b.baseline(L, 'hand-written tridiagonal Hessian (3n - 2 values, preallocated)', () => rosenbrockTridiagonal(x, out), 'S.w5.hand');
      // Compiled first, as in W1, W2 and W4: the fresh rows' garbage slows what is timed after them.
      const c = compile(rosenbrock.f, xs);
      // Into an earlier result's values, as the hand-written code fills a preallocated array
      // (the other row allocates the 298 numbers' array each call, outside V8's heap).
      const into = { values: c.sparseHessian(xs).values };
      b.bench(L, 'dualtape compile(f, x).sparseHessian(x, { values }) (pattern and colouring reused, into a preallocated array)', hand, () => c.sparseHessian(xs, into), [() => c.sparseHessian(xs, into).values, want, 1e-12], 'S.w5.compiled.into');
      b.bench(L, 'dualtape compile(f, x).sparseHessian (pattern and colouring reused, a new array of values)', hand, () => c.sparseHessian(xs), [() => c.sparseHessian(xs).values, want, 1e-12], 'S.w5.compiled');
      const H = sparseHessian(rosenbrock.f, xs);
      b.bench(L, `dualtape sparseHessian (${H.colors} colours, nnz ${H.nnz}; called again on the same f, its plan reused)`, hand, () => sparseHessian(rosenbrock.f, xs), [() => sparseHessian(rosenbrock.f, xs).values, want, 1e-12], 'S.w5.sparse');
      // A new function object every call: the pattern and colouring are made every time.
      b.bench(L, 'dualtape sparseHessian, a new f every call (pattern and colouring made each time)', hand, () => sparseHessian((x) => rosenbrock.f(x), xs), [() => sparseHessian((x) => rosenbrock.f(x), xs).values, want, 1e-12], 'S.w5.sparse.new');
      const dense = hessian(rosenbrock.f);
      b.bench(L, 'dualtape dense hessian (for comparison)', hand, () => dense(xs), [() => flat(dense(xs)), flat(H.toDense()), 1e-12], 'S.w5.dense');
      const denseWant = flat(H.toDense());
      for (const peer of b.peers) {
        if (!peer.name.startsWith('jax-js (jit)')) continue;
        const prepared = await b.preparePeer(L, peer, () => peer.prepareHessian?.(n));
        if (prepared === undefined) continue;
        const ph = prepared.fn;
        b.bench(L, `${peer.name} hessian (dense)`, hand, () => ph(x), [() => flat(ph(x)), denseWant, 2e-3], 'S.w5.jaxJit');
      }
      // Two readings of the targets: the compiled Hessian (pattern and colouring made once and
      // reused, as issue #12's "Reuse" asks; jax-js's jit(hessian) is compiled once too), and the
      // one-shot call that records f, finds its pattern and colours it every time.
      b.target({ issue: 12, name: 'sparseHessian Rosenbrock n=100 ≤ 30× hand-written tridiagonal Hessian (compiled: pattern and colouring reused; both fill a preallocated array)', num: 'S.w5.compiled.into', den: 'S.w5.hand', limit: 30, better: 'below' });
      b.target({ issue: 12, name: 'sparseHessian Rosenbrock n=100 ≤ 30× hand-written tridiagonal Hessian (compiled: pattern and colouring reused; a new array of values each call)', num: 'S.w5.compiled', den: 'S.w5.hand', limit: 30, better: 'below' });
      b.target({ issue: 12, name: 'sparseHessian Rosenbrock n=100 at least 10× faster than jax-js jit(hessian) (jax-js / ours; compiled)', num: 'S.w5.jaxJit', den: 'S.w5.compiled', limit: 10, better: 'above' });
      b.target({ issue: 12, name: 'sparseHessian Rosenbrock n=100 ≤ 30× hand-written tridiagonal Hessian (a new f every call)', num: 'S.w5.sparse.new', den: 'S.w5.hand', limit: 30, better: 'below' });
      b.target({ issue: 12, name: 'sparseHessian Rosenbrock n=100 at least 10× faster than jax-js jit(hessian) (jax-js / ours; a new f every call)', num: 'S.w5.jaxJit', den: 'S.w5.sparse.new', limit: 10, better: 'above' });
    }
    {
      const n = 10_000;
      const L = 'S sparse Hessian, Rosenbrock n=1e4';
      const x = rosenbrock.point(n);
      const xs = Array.from(x);
      const want = rosenbrockTridiagonal(x, new Float64Array(3 * n - 2));
      const out = new Float64Array(3 * n - 2);
      const hand = b.baseline(L, 'hand-written tridiagonal Hessian (preallocated)', () => rosenbrockTridiagonal(x, out));
      const c = compile(rosenbrock.f, xs);
      b.bench(L, 'dualtape compile(f, x).sparseHessian', hand, () => c.sparseHessian(xs), [() => c.sparseHessian(xs).values, want, 1e-12]);
      const g = grad(rosenbrock.f);
      b.bench(L, 'dualtape one fresh grad (the yardstick of the target)', hand, () => g(xs), undefined, 'S.r4.grad');
      b.bench(L, 'dualtape sparseHessian (called again on the same f, its plan reused)', hand, () => sparseHessian(rosenbrock.f, xs), [() => sparseHessian(rosenbrock.f, xs).values, want, 1e-12], 'S.r4.sparse');
      b.bench(L, 'dualtape sparseHessian, a new f every call (pattern and colouring made each time)', hand, () => sparseHessian((x) => rosenbrock.f(x), xs), [() => sparseHessian((x) => rosenbrock.f(x), xs).values, want, 1e-12], 'S.r4.sparse.new');
      b.target({ issue: 12, name: 'sparseHessian Rosenbrock n=1e4 ≤ 20× one fresh grad (a new f every call)', num: 'S.r4.sparse.new', den: 'S.r4.grad', limit: 20, better: 'below' });
    }
    {
      const n = N_RD;
      const L = 'S sparse Jacobian, reaction-diffusion n=1e4';
      const u = Float64Array.from({ length: n }, (_, i) => Math.sin((Math.PI * (i + 1)) / (n + 1)));
      const us = Array.from(u);
      const want = reactionDiffusionTridiagonal(u, new Float64Array(3 * n - 2));
      const out = new Float64Array(3 * n - 2);
      const hand = b.baseline(L, 'hand-written tridiagonal Jacobian (preallocated)', () => reactionDiffusionTridiagonal(u, out));
      const c = compile(reactionDiffusion, us);
      for (const mode of ['forward', 'reverse'] as const) {
        b.bench(L, `dualtape compile(F, u).sparseJacobian ${mode}`, hand, () => c.sparseJacobian(us, { mode }), [() => c.sparseJacobian(us, { mode }).values, want, 1e-12]);
      }
      b.bench(L, 'dualtape one fresh recording of F (the yardstick of the target)', hand, () => record(reactionDiffusion, us), undefined, 'S.rd.record');
      for (const mode of ['forward', 'reverse', 'auto'] as const) {
        const J = sparseJacobian(reactionDiffusion, us, { mode });
        b.bench(L, `dualtape sparseJacobian ${mode} (${J.colors} colours; called again on the same F, its plan reused)`, hand, () => sparseJacobian(reactionDiffusion, us, { mode }), [() => sparseJacobian(reactionDiffusion, us, { mode }).values, want, 1e-12], `S.rd.${mode}`);
        const fresh = (u: Value[]) => reactionDiffusion(u);
        b.bench(L, `dualtape sparseJacobian ${mode}, a new F every call (pattern and colouring made each time)`, hand, () => sparseJacobian((u) => fresh(u), us, { mode }), [() => sparseJacobian((u) => fresh(u), us, { mode }).values, want, 1e-12], `S.rd.${mode}.new`);
        b.target({ issue: 12, name: `sparseJacobian (${mode}) reaction-diffusion n=1e4 ≤ 10× one fresh recording (a new F every call)`, num: `S.rd.${mode}.new`, den: 'S.rd.record', limit: 10, better: 'below' });
      }
    }
  },
};
export default group;
