/**
 * Peer adapter: @jax-js/jax 0.1.25 on the "wasm" device, float64.
 *
 * Exports two peers:
 *   createPeer()       -> 'jax-js (jit)'   : every derivative function wrapped in jit(), compiled
 *                                           (first call) inside prepare*, outside timing.
 *   createEagerPeer()  -> 'jax-js (eager)' : same transformations, no jit.
 *
 * Workarounds (jax-js 0.1.25 in Node 20):
 *   - `Float16Array` is not a global in Node 20 but jax-js evaluates `data instanceof Float16Array`
 *     in np.array(); a stub class is installed on globalThis before use (we never create float16).
 *   - `await init('wasm')` explicitly (the default init probes WebGPU via `navigator`, absent in Node 20).
 *   - jacrev is broken for non-square Jacobians (throws "Can't expand ..." or returns a wrong
 *     shape) and jacfwd returns the TRANSPOSE ([n, m] for f: R^n -> R^m). We use jacfwd + transpose
 *     when m >= n, and vmap over reverse rows (grad of <f(x), e_i>) when m < n.
 *   - Ownership: jax-js arrays are reference counted and every op consumes its inputs; `.ref`
 *     is used wherever a value is reused.
 *   - W3 (K-step scalar loop): there is no lax.scan/fori_loop, so the loop is unrolled into the
 *     trace. Eager grad is O(K^2) in time (~3.6 s at K=300, ~35 s at K=700) and at K=1000 throws
 *     RangeError (stack) after ~7 s; at K=1e4 it exhausts the 4 GB heap and kills the process (not
 *     catchable) - so the eager peer refuses K > EAGER_W3_MAX_K. jit(grad) works up to K=3000
 *     (~7 s compile) and throws RangeError while tracing at K=1e4: caught, prepareGradient
 *     returns undefined with a note. jax-js stays usable after the caught RangeError.
 * Precision: float64 dtype, but sin/cos on wasm are only ~1e-7 relative accurate (W1 grad[1]
 * differs from 2 - cos 5 by 8e-8 relative), so compare with ~1e-6.
 */
import * as jax from '@jax-js/jax';
import type { Peer } from './peer';
import { w4A } from '../workloads';


type Arr = jax.Array;
const { numpy: np } = jax;

/** Largest K the eager peer attempts for W3 (eager grad is quadratic in K and OOMs at 1e4). */
export const EAGER_W3_MAX_K = 300;

function installFloat16Stub(): void {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.Float16Array === 'undefined') {
    g.Float16Array = class Float16ArrayStub {};
  }
}

let initialised: Promise<void> | undefined;
function initJax(): Promise<void> {
  if (!initialised) {
    installFloat16Stub();
    initialised = jax.init('wasm').then((devices) => {
      if (!devices.includes('wasm')) throw new Error(`jax-js: wasm device unavailable (got ${devices.join(',')})`);
      jax.defaultDevice('wasm');
    });
  }
  return initialised;
}

const F64 = { dtype: np.float64 };
function arr(x: Float64Array): Arr {
  return np.array(x, F64);
}

/** Read a jax array as Float64Array (dataSync() consumes the reference). */
function take(a: Arr): Float64Array {
  const d = a.dataSync();
  return Float64Array.from(d);
}

function rowsOf(d: Float64Array, rows: number, cols: number, transposed: boolean): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < rows; i++) {
    const r = new Float64Array(cols);
    for (let j = 0; j < cols; j++) r[j] = transposed ? d[j * rows + i] : d[i * cols + j];
    out.push(r);
  }
  return out;
}

function isRangeError(e: unknown): e is RangeError {
  return e instanceof RangeError;
}

// ------------------------------------------------------------------ workload primals
function w1(x: Arr): Arr {
  const x0 = x.ref.slice(0);
  const x1 = x.slice(1);
  return np.log(x0.ref).add(x0.mul(x1.ref)).sub(np.sin(x1));
}

function rosenbrock(x: Arr): Arr {
  const n = x.shape[0];
  const a = x.ref.slice([0, n - 1]);
  const b = x.slice([1, n]);
  const t = b.sub(a.ref.mul(a.ref));
  const u = np.array(1, F64).sub(a);
  return t.ref.mul(t).mul(100).add(u.ref.mul(u)).sum();
}

function w3Step(y: Arr, x0: Arr, x1: Arr): Arr {
  return np.sin(y.ref).mul(x0).add(np.cos(y.mul(x1)));
}

function makeW3(K: number): (x: Arr) => Arr {
  return (x) => {
    const x0 = x.ref.slice(0);
    const x1 = x.slice(1);
    let y = x0.ref;
    for (let k = 0; k < K; k++) y = w3Step(y, x0.ref, x1.ref);
    x0.dispose();
    x1.dispose();
    return y;
  };
}

// ------------------------------------------------------------------ peer factory
type Wrap = <F extends (...args: never[]) => jax.JsTree<Arr>>(f: F) => F;

async function makePeer(useJit: boolean): Promise<Peer> {
  await initJax();
  const disposers: Array<() => void> = [];
  const wrap = ((f: (...args: Arr[]) => jax.JsTree<Arr>) => {
    if (!useJit) return f;
    const j = jax.jit(f);
    disposers.push(() => j.dispose());
    return j;
  }) as unknown as Wrap;

  const notes: string[] = [
    useJit
      ? 'jit(): each derivative function is jit-compiled (first call, at the input point) inside prepare*.'
      : 'eager: no jit, transformations traced on every call.',
    'float64 arrays on the wasm device; sin/cos only ~1e-7 relative accurate.',
    'Needs globalThis.Float16Array stub (Node 20) and await init("wasm").',
    'Jacobian: m >= n -> jacfwd (returns [n,m], transposed here); m < n -> vmap over e_i of grad(<f(x), e_i>). jacrev not used (broken for non-square).',
    'Hessian: jax hessian() (= jacfwd(grad f)), symmetric so its layout is irrelevant.',
  ];

  const gradFn = (f: (x: Arr) => Arr, warm: Float64Array): ((x: Float64Array) => Float64Array) => {
    const g = wrap(jax.grad(f) as (x: Arr) => Arr);
    const run = (x: Float64Array): Float64Array => take(g(arr(x)));
    run(warm); // compile (jit) / warm up outside timing
    return run;
  };

  const peer: Peer = {
    name: useJit ? 'jax-js (jit)' : 'jax-js (eager)',
    notes,

    async prepareGradient(workload, n) {
      if (workload === 'W1') return gradFn(w1, Float64Array.of(2, 5));
      if (workload === 'W2') {
        if (n < 2) return undefined;
        const warm = new Float64Array(n).fill(0.5);
        return gradFn(rosenbrock, warm);
      }
      // W3, n = K
      const K = n;
      const warm = Float64Array.of(0.5, 0.3);
      if (!useJit) {
        if (K > EAGER_W3_MAX_K) {
          notes.push(
            `W3 K=${K}: refused (eager grad of the unrolled loop is O(K^2): 3.6 s at K=300, 35 s at K=700; RangeError at K=1000; heap OOM crash at K=1e4).`,
          );
          return undefined;
        }
        return gradFn(makeW3(K), warm);
      }
      try {
        return gradFn(makeW3(K), warm);
      } catch (e) {
        if (!isRangeError(e)) throw e;
        notes.push(
          `W3 K=${K}: jit(grad) of the unrolled loop threw RangeError "${e.message}" while tracing (works up to K=3000, ~7 s compile); not supported. jax-js has no lax.scan/fori_loop; a per-step jitted vjp sweep costs ~1.6 ms per dispatch (> 30 s per gradient) so is not offered.`,
        );
        return undefined;
      }
    },

    async prepareJacobian(n, m) {
      const A = np.array(
        Float64Array.from({ length: m * n }, (_, k) => w4A(Math.floor(k / n), k % n)),
        F64,
      ).reshape([m, n]);
      disposers.push(() => A.dispose());
      const f = (x: Arr): Arr => np.sin(A.ref.mul(x.reshape([1, n]))).sum(1);
      const warm = new Float64Array(n).fill(0.5);
      if (m >= n) {
        const J = wrap(jax.jacfwd(f) as (x: Arr) => Arr);
        const run = (x: Float64Array): Float64Array[] => rowsOf(take(J(arr(x))), m, n, true);
        run(warm);
        return run;
      }
      const rowGrad = (x: Arr, e: Arr): Arr => jax.grad((xx: Arr) => f(xx).mul(e).sum())(x);
      const rowsFn = wrap(jax.vmap(rowGrad, [null, 0]) as (x: Arr, e: Arr) => Arr);
      const eye = np.eye(m, undefined, F64);
      disposers.push(() => eye.dispose());
      const run = (x: Float64Array): Float64Array[] => rowsOf(take(rowsFn(arr(x), eye.ref)), m, n, false);
      run(warm);
      return run;
    },

    async prepareHessian(n) {
      if (n < 2) return undefined;
      const H = wrap(jax.hessian(rosenbrock) as (x: Arr) => Arr);
      const run = (x: Float64Array): Float64Array[] => rowsOf(take(H(arr(x))), n, n, false);
      run(new Float64Array(n).fill(0.5));
      return run;
    },

    dispose() {
      for (const d of disposers.splice(0)) d();
    },
  };
  return peer;
}

export async function createPeer(): Promise<Peer> {
  return makePeer(true);
}

export async function createEagerPeer(): Promise<Peer> {
  return makePeer(false);
}
