// Sparse Jacobians and Hessians (issue #12) against hand-written banded code, dense modes and jax-js: `npx tsx benchmarks/sparseBench.ts`.
import { add, compile, exp, grad, hessian, mul, record, sparseHessian, sparseJacobian, sub, type Value } from '../src/index';
import { formatRatio, formatSeconds, maxRelDiff, time } from './harness';
import { rosenbrock } from './workloads';

interface Row {
  case: string;
  seconds: number;
  /** Ratio to the row it is compared with (label, seconds). */
  versus?: [string, number];
  note?: string;
}

const rows: Row[] = [];
function measure(label: string, fn: () => unknown, versus?: [string, number], note?: string): number {
  const { median } = time(fn);
  rows.push({ case: label, seconds: median, ...(versus ? { versus } : {}), ...(note ? { note } : {}) });
  return median;
}

// ----- the hand-written banded derivatives: preallocated output, one loop -----

/** The Rosenbrock Hessian's 3n - 2 nonzeros, in row-then-column order, into `out`. */
function rosenbrockTridiagonal(x: Float64Array, out: Float64Array): void {
  const n = x.length;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    if (i > 0) out[k++] = -400 * x[i - 1]!;
    out[k++] = (i + 1 < n ? 1200 * xi * xi - 400 * x[i + 1]! + 2 : 0) + (i > 0 ? 200 : 0);
    if (i + 1 < n) out[k++] = -400 * xi;
  }
}

/** F_i(u) = u_{i-1} - 2u_i + u_{i+1} + h²λ exp(u_i), zero boundary values. */
const N_RD = 10_000;
const h2lambda = (1 / (N_RD + 1)) ** 2 * 2;
const reactionDiffusion = (u: Value[]): Value[] =>
  u.map((ui, i) => add(sub(add(i > 0 ? u[i - 1]! : 0, i < u.length - 1 ? u[i + 1]! : 0), mul(2, ui)), mul(h2lambda, exp(ui))));

function reactionDiffusionTridiagonal(u: Float64Array, out: Float64Array): void {
  const n = u.length;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) out[k++] = 1;
    out[k++] = -2 + h2lambda * Math.exp(u[i]!);
    if (i + 1 < n) out[k++] = 1;
  }
}

function check(label: string, a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void {
  const d = maxRelDiff(a, b);
  if (!(d <= tol)) throw new Error(`${label}: results differ (max relative difference ${d})`);
}

async function main(): Promise<void> {
  // ----- W5: Rosenbrock Hessian, n = 100 -----
  {
    const n = 100;
    const x = rosenbrock.point(n);
    const xs = Array.from(x);
    const out = new Float64Array(3 * n - 2);
    rosenbrockTridiagonal(x, out);
    const H = sparseHessian(rosenbrock.f, xs);
    check('W5 sparseHessian vs hand-written', H.values, out);
    if (H.nnz !== 3 * n - 2 || H.colors > 3) throw new Error(`W5: nnz ${H.nnz}, ${H.colors} colours`);
    const hand = measure('W5 n=100: hand-written tridiagonal Hessian (preallocated)', () => rosenbrockTridiagonal(x, out));
    const sparse = measure(`W5 n=100: sparseHessian (${H.colors} colours)`, () => sparseHessian(rosenbrock.f, xs), ['hand-written', hand]);
    const c = compile(rosenbrock.f, xs);
    c.sparseHessian(xs);
    measure('W5 n=100: compile(f, x).sparseHessian(x) (pattern, colouring reused)', () => c.sparseHessian(xs), ['hand-written', hand]);
    const dense = measure('W5 n=100: dense hessian', () => hessian(rosenbrock.f)(xs), ['hand-written', hand]);
    rows.push({ case: 'W5 n=100: sparseHessian vs dense hessian', seconds: sparse, versus: ['dense hessian', dense] });
    try {
      const { createPeer } = await import('./peers/jax');
      const peer = await createPeer();
      const jaxHessian = await peer.prepareHessian!(n);
      if (jaxHessian !== undefined) {
        const J = jaxHessian(x);
        const dense = H.toDense();
        check('W5 jax-js vs sparseHessian', J.flatMap((r) => Array.from(r)), dense.flat(), 1e-6);
        const jaxTime = measure('W5 n=100: jax-js jit(hessian)', () => jaxHessian(x), ['hand-written', hand]);
        rows.push({ case: 'W5 n=100: jax-js jit(hessian) / sparseHessian', seconds: jaxTime, versus: ['sparseHessian', sparse], note: '> 1× means sparseHessian is faster' });
      }
      peer.dispose?.();
    } catch (e) {
      rows.push({ case: 'W5 n=100: jax-js jit(hessian)', seconds: NaN, note: `not run: ${(e as Error).message}` });
    }
  }

  // ----- Rosenbrock Hessian, n = 10^4 -----
  {
    const n = 10_000;
    const x = rosenbrock.point(n);
    const xs = Array.from(x);
    const out = new Float64Array(3 * n - 2);
    rosenbrockTridiagonal(x, out);
    const H = sparseHessian(rosenbrock.f, xs);
    check('Rosenbrock 1e4 sparseHessian vs hand-written', H.values, out);
    const g = grad(rosenbrock.f);
    const fresh = measure('Rosenbrock n=1e4: one fresh grad (record + sweep)', () => g(xs));
    measure('Rosenbrock n=1e4: hand-written tridiagonal Hessian', () => rosenbrockTridiagonal(x, out), ['one fresh grad', fresh]);
    measure(`Rosenbrock n=1e4: sparseHessian (${H.colors} colours)`, () => sparseHessian(rosenbrock.f, xs), ['one fresh grad', fresh]);
    const c = compile(rosenbrock.f, xs);
    c.sparseHessian(xs);
    measure('Rosenbrock n=1e4: compile(f, x).sparseHessian(x)', () => c.sparseHessian(xs), ['one fresh grad', fresh]);
  }

  // ----- reaction-diffusion Jacobian, n = 10^4 -----
  {
    const n = N_RD;
    const u = Float64Array.from({ length: n }, (_, i) => Math.sin((Math.PI * (i + 1)) / (n + 1)));
    const us = Array.from(u);
    const out = new Float64Array(3 * n - 2);
    reactionDiffusionTridiagonal(u, out);
    const fresh = measure('reaction-diffusion n=1e4: one fresh recording of F', () => record(reactionDiffusion, us));
    measure('reaction-diffusion n=1e4: hand-written tridiagonal Jacobian', () => reactionDiffusionTridiagonal(u, out), ['one fresh recording', fresh]);
    for (const mode of ['forward', 'reverse', 'auto'] as const) {
      const J = sparseJacobian(reactionDiffusion, us, { mode });
      check(`reaction-diffusion ${mode}`, J.values, out);
      if (J.colors > 3) throw new Error(`reaction-diffusion ${mode}: ${J.colors} colours`);
      measure(`reaction-diffusion n=1e4: sparseJacobian ${mode} (${J.colors} colours, ${J.coloring.kind})`, () => sparseJacobian(reactionDiffusion, us, { mode }), [
        'one fresh recording',
        fresh,
      ]);
    }
    const c = compile(reactionDiffusion, us);
    for (const mode of ['forward', 'reverse'] as const) {
      c.sparseJacobian(us, { mode });
      measure(`reaction-diffusion n=1e4: compile(F, u).sparseJacobian(u) ${mode}`, () => c.sparseJacobian(us, { mode }), ['one fresh recording', fresh]);
    }
  }

  console.log('| case | median | ratio | |');
  console.log('|---|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.versus ? `${formatRatio(r.seconds / r.versus[1])} ${r.versus[0]}` : '';
    console.log(`| ${r.case} | ${Number.isNaN(r.seconds) ? '-' : formatSeconds(r.seconds)} | ${ratio} | ${r.note ?? ''} |`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
