// The cost of ONE primitive in each path, in ns, next to a plain Math call: a long sin/mul chain amortises per-call overhead.
import { compile, defaultChunkSize, grad, jacfwd, jacrev, jvp, mul, record, sin, add, type Value } from '../../src/index';
import type { Bench, Group } from '../bench';
import { sinSum } from '../workloads';
import { time } from '../harness';

/** Steps of the chain; each step is two primitives, sin and mul. */
const K = 100_000;
const C = 0.999;

/** y = x0 + ... + x_{w-1}, then K steps of y = sin(y) * C: one pass of jacfwd carries w tangents. */
const chain = (x: Value[]): Value => {
  let y: Value = x[0]!;
  for (let j = 1; j < x.length; j++) y = add(y, x[j]!);
  for (let k = 0; k < K; k++) y = mul(sin(y), C);
  return y;
};
const plain = (x0: number): number => {
  let y = x0;
  for (let k = 0; k < K; k++) y = Math.sin(y) * C;
  return y;
};
const plainDerivative = (x0: number): number => {
  let y = x0;
  let d = 1;
  for (let k = 0; k < K; k++) {
    d = Math.cos(y) * C * d;
    y = Math.sin(y) * C;
  }
  return d;
};

const group: Group = {
  id: 'P',
  run(b: Bench) {
    const opts = { samples: 7 };
    const prims = 2 * K;
    const x = [0.7];
    const want = plainDerivative(0.7);
    const close = (got: number) => Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want));
    const ns = (s: number, per = prims) => (s / per) * 1e9;
    const rows: [string, number, string][] = [];
    // Only in its own table: a ratio to the hand-written code means nothing per primitive.
    const add = (path: string, s: number, note: string) => {
      rows.push([path, ns(s), note]);
      console.error(`  P | ${path} | ${ns(s).toFixed(1)} ns`);
    };

    const math = time(() => plain(0.7), opts).fastest; // the reference, as every baseline: its fastest batch
    add('plain Math (y = Math.sin(y) * c)', math, 'the primal loop, no derivative');
    add('hand-written value + derivative', time(() => plainDerivative(0.7), opts).median, 'one fused loop');

    if (!close(jvp(chain, x, [1])[1] as number)) throw new Error('primitives: jvp check failed');
    add('fresh forward: one Dual op (jvp)', time(() => jvp(chain, x, [1]), opts).median, 'one tangent');
    const dualOp = rows[rows.length - 1]![1];
    const chunked: number[] = [];
    for (const w of [2, 8]) {
      const xw = Array.from({ length: w }, () => 0.7 / w);
      const J = jacfwd(chain, { chunkSize: w });
      add(`fresh forward: one chunked Dual op, ${w} tangents (jacfwd, 1 pass)`, time(() => J(xw), opts).median, `calibrates jacobian 'auto'`);
      chunked.push(rows[rows.length - 1]![1]);
    }
    const [chunk2, chunk8] = chunked as [number, number];
    const perTangent = Math.max(0, (chunk8 - chunk2) / 6);

    const tape = record(chain, x);
    const entries = tape.length;
    add('fresh recording: one recorded op (record)', time(() => record(chain, x), opts).median, `${entries.toLocaleString('en-US')} entries`);
    if (!close(tape.backward(1)[0] as number)) throw new Error('primitives: backward check failed');
    add('backward sweep, per entry (tape.backward)', time(() => tape.backward(1), opts).median, 'adjoints of every entry');
    if (!close(grad(chain)(x)[0] as number)) throw new Error('primitives: grad check failed');
    add('fresh grad: record + backward, per entry', time(() => grad(chain)(x), opts).median, '');

    const c = compile(chain, x);
    add(`compiled replay, value only (${c.mode})`, time(() => c.value(x), opts).median, 'per entry');
    if (!close(c.gradient(x)[0] as number)) throw new Error('primitives: compiled gradient check failed');
    add(`compiled replay, value and gradient (${c.mode})`, time(() => c.gradient(x), opts).median, 'per entry');

    // The same costs inside full Jacobians of W4 (each output depends on 1/m of the list, so a
    // reverse sweep skips most entries): what jacobian 'auto' is calibrated on.
    const calib: string[][] = [];
    let sweep50 = NaN;
    let record50 = NaN;
    for (const [n, m] of [[50, 50], [1250, 2], [2, 1250]] as const) {
      const xw = sinSum.point(n);
      const f = sinSum.f(m);
      const P = record(f, xw).length;
      const rec = time(() => record(f, xw), opts).median;
      const rev = time(() => jacrev(f)(xw), opts).median;
      const chunk = defaultChunkSize(n);
      const passes = Math.ceil(n / chunk);
      const fwd = time(() => jacfwd(f)(xw), opts).median;
      if (n === 50) [record50, sweep50] = [(rec / P) * 1e9, ((rev - rec) / (m * P)) * 1e9];
      calib.push([`${n}×${m}`, String(P), ((rec / P) * 1e9).toFixed(1), (((rev - rec) / (m * P)) * 1e9).toFixed(1), `${passes} × ${chunk}`, ((fwd / (passes * P)) * 1e9).toFixed(1)]);
    }
    b.table({
      title: "Costs inside full Jacobians (W4), as jacobian 'auto' models them",
      intro: [
        "Per list entry, in ns: a recording; one of jacrev's m sweeps (most entries have a zero adjoint there);",
        'one jacfwd pass of `chunk` tangents. src/transforms/jacobian.ts `chooseJacobianMode` is calibrated on these;',
        `this run suggests its COST = { dualOp: ${dualOp.toFixed(0)}, chunkOp: ${(chunk2 - 2 * perTangent).toFixed(0)}, chunkOpPerTangent: ${perTangent.toFixed(1)}, record: ${record50.toFixed(0)}, sweep: ${sweep50.toFixed(0)} }`,
        '(chunkOp and chunkOpPerTangent from the chain with 2 and 8 tangents; record and sweep from W4 50×50).',
      ],
      head: ['n×m', 'entries', 'record, ns/entry', 'one sweep, ns/entry', 'jacfwd passes × chunk', 'one pass, ns/entry'],
      rows: calib,
    });
    b.table({
      title: 'Cost of one primitive in each path',
      intro: [
        `A chain of ${K.toLocaleString('en-US')} steps y = sin(y)·c (${prims.toLocaleString('en-US')} primitives, ${entries.toLocaleString('en-US')} list entries),`,
        'so the per-call overhead is amortised; ns per primitive (per list entry for the sweeps), median of 7.',
      ],
      head: ['path', 'ns per primitive', '× plain Math', 'note'],
      rows: rows.map(([p, v, note]) => [p, v.toFixed(1), (v / ns(math)).toFixed(1), note]),
    });
    b.data.primitives = Object.fromEntries(rows.map(([p, v]) => [p, v]));
  },
};
export default group;
