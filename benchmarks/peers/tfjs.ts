/**
 * Peer adapter: @tensorflow/tfjs-core 4.22.0 + @tensorflow/tfjs-backend-cpu 4.22.0 (pure-JS CPU backend).
 *
 * Depends on the two tfjs packages (devDependencies), node:module, and the shared workload definitions.
 *
 * Gradient registration workaround: the CommonJS Node bundle (dist/tf-core.node.js, what
 * `import '@tensorflow/tfjs-core'` resolves to in Node because the package has no "exports" map)
 * registers NO gradient functions, so tf.grad throws "gradient function not found". The gradient
 * configs live only in the unbundled ESM build. We load
 *   @tensorflow/tfjs-core/dist/register_all_gradients.js
 * through createRequire(): under tsx, require() transpiles those ESM files and resolves the
 * extension-less `./gradients` specifier to gradients.js (a plain ESM `import()` of the same path
 * fails with ERR_UNSUPPORTED_DIR_IMPORT because there is also a `dist/gradients/` directory).
 * The registrations land in the global (globalThis._tfGlobals) gradRegistry, which the CJS engine
 * reads, so the two module copies cooperate. Requires running under tsx (or a bundler).
 *
 * Precision: tfjs has no float64 dtype (DataType = float32|int32|bool|complex64|string); all
 * results are float32, converted to Float64Array on return.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The gradients live in a module of their own; the bench bundles tfjs's ES modules, so this is the same instance as tf.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Peer } from './peer';
import { w4A } from '../workloads';



function toTensor(x: Float64Array): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from(x), 'float32');
}

function readVec(t: tf.Tensor): Float64Array {
  return Float64Array.from(t.dataSync());
}

// ------------------------------------------------------------------ workload primals (tensor ops)
function w1(x: tf.Tensor): tf.Scalar {
  const x0 = tf.slice(x, [0], [1]);
  const x1 = tf.slice(x, [1], [1]);
  return tf.sum(tf.sub(tf.add(tf.log(x0), tf.mul(x0, x1)), tf.sin(x1)));
}

function rosenbrock(x: tf.Tensor): tf.Scalar {
  const n = x.shape[0];
  const a = tf.slice(x, [0], [n - 1]);
  const b = tf.slice(x, [1], [n - 1]);
  const t = tf.sub(b, tf.square(a));
  const u = tf.sub(tf.scalar(1), a);
  return tf.sum(tf.add(tf.mul(tf.scalar(100), tf.square(t)), tf.square(u)));
}

function makeW3(K: number): (x: tf.Tensor) => tf.Scalar {
  return (x) => {
    const x0 = tf.reshape(tf.slice(x, [0], [1]), []) as tf.Scalar;
    const x1 = tf.reshape(tf.slice(x, [1], [1]), []) as tf.Scalar;
    let y: tf.Scalar = x0;
    for (let k = 0; k < K; k++) y = tf.add(tf.mul(tf.sin(y), x0), tf.cos(tf.mul(y, x1)));
    return y;
  };
}

/**
 * A matrix row by row from a reverse pass seeded with each unit vector e_i (tfjs has no forward
 * mode): the Jacobian from grad of a vector f, the Hessian from grad of grad. The seeds are made
 * once, kept alive in `kept` until the peer is disposed.
 */
function rowsBySeeds(
  grad: (x: tf.Tensor, dy?: tf.Tensor) => tf.Tensor,
  rowCount: number,
  kept: tf.Tensor[],
): (x: Float64Array) => Float64Array[] {
  const seeds: tf.Tensor1D[] = [];
  for (let i = 0; i < rowCount; i++) {
    const e = new Float32Array(rowCount);
    e[i] = 1;
    const t = tf.tensor1d(e, 'float32');
    seeds.push(t);
    kept.push(t);
  }
  return (x) => {
    const xt = toTensor(x);
    const rows: Float64Array[] = [];
    for (let i = 0; i < rowCount; i++) {
      const r = tf.tidy(() => grad(xt, seeds[i]));
      rows.push(readVec(r));
      r.dispose();
    }
    xt.dispose();
    return rows;
  };
}

// ------------------------------------------------------------------ peer
export async function createPeer(): Promise<Peer> {
  tf.env().set('PROD', true); // no debug checks, silences the "install tfjs-node" banner
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new Error('tfjs cpu backend failed to initialise');
  await tf.ready();

  const kept: tf.Tensor[] = [];

  const gradOf = (f: (x: tf.Tensor) => tf.Scalar): ((x: Float64Array) => Float64Array) => {
    const g = tf.grad(f);
    return (x) => {
      const out = tf.tidy(() => g(toTensor(x)));
      const r = readVec(out);
      out.dispose();
      return r;
    };
  };

  const peer: Peer = {
    name: 'tfjs-core (cpu)',
    notes: [
      'float32 only (tfjs has no float64 dtype); compare with a loose tolerance.',
      'Gradients registered by importing @tensorflow/tfjs-core/dist/register_all_gradients (tfjs bundled from its ES modules: one instance).',
      'tf.env().set("PROD", true) set (skips debug checks, silences the tfjs-node banner).',
      'Each derivative call re-runs the forward pass under the tape (tfjs has no graph/JIT for grad).',
      'Jacobian: m reverse passes, tf.grad(f)(x, dy = e_i) per output row (no jvp/forward mode, no reusable vjp closure).',
      'Hessian: grad-of-grad, n reverse-over-reverse passes tf.grad(x => tf.grad(f)(x))(x, e_i).',
      'W3: K-step loop on scalar tensors, 4K taped kernel calls per gradient.',
    ],

    async prepareGradient(workload, n) {
      switch (workload) {
        case 'W1':
          return gradOf(w1);
        case 'W2':
          return n >= 2 ? gradOf(rosenbrock) : undefined;
        case 'W3':
          return gradOf(makeW3(n));
        default:
          return undefined;
      }
    },

    async prepareJacobian(n, m) {
      const aData = new Float32Array(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) aData[i * n + j] = w4A(i, j);
      const A = tf.tensor2d(aData, [m, n], 'float32');
      kept.push(A);
      const f = (x: tf.Tensor): tf.Tensor1D => tf.sum(tf.sin(tf.mul(A, tf.reshape(x, [1, n]))), 1) as tf.Tensor1D;
      return rowsBySeeds(tf.grad(f), m, kept);
    },

    async prepareHessian(n) {
      if (n < 2) return undefined;
      const inner = tf.grad(rosenbrock);
      return rowsBySeeds(tf.grad((x: tf.Tensor) => inner(x)), n, kept);
    },

    dispose() {
      for (const t of kept) t.dispose();
      kept.length = 0;
    },
  };
  return peer;
}
