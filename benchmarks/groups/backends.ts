// B: what a WebAssembly backend would give compile() (issue #11, "decide by measurement"): the Rosenbrock gradient's sweeps as Wasm, next to the re-rolled JavaScript backend.
//
// The Wasm modules come from benchmarks/tools/wasmProbe.ts (a small emitter of our own): the
// statements the re-rolled backend ran on 2026-12-01, then the same with only cross-repetition
// values stored, then also without the zero-skip tests. Since 2026-12-02 the re-rolled JavaScript
// itself runs without the tests first (exact where its results are finite, else the tested sweep
// reruns), keeps carried adjoints in locals and stores only what the backward loop reads: it now
// runs as fast as the fastest Wasm variant (which drops the tests too) and beats the others, at
// both sizes (2026-12-02), so no Wasm backend was built.
import { compile } from '../../src/index';
import type { Bench, Group } from '../bench';
import { rosenbrock } from '../workloads';
import { rosenbrockWasmGradient, type WasmVariant } from '../tools/wasmProbe';

const group: Group = {
  id: 'B',
  peers: false,
  run(b: Bench) {
    for (const n of [10_000, 1_000_000]) {
      const L = `B backends: Rosenbrock gradient n=${n === 10_000 ? '1e4' : '1e6'}`;
      const x = rosenbrock.point(n);
      const want = rosenbrock.gradient(x);
      const out = new Float64Array(n);
      const hand = b.baseline(L, 'hand-written gradient (into a preallocated array)', () => rosenbrock.gradientInto(x, out));
      const c = compile(rosenbrock.f, x);
      b.bench(L, `compiled gradient (${c.mode} JavaScript)`, hand, () => c.gradient(x), [() => c.gradient(x) as Float64Array, want, 1e-13]);
      const variants: [WasmVariant, string][] = [
        ['same statements', 'WebAssembly, the same statements'],
        ['values recomputed', 'WebAssembly, values recomputed in the backward loop'],
        ['recomputed, no zero tests', 'WebAssembly, recomputed, without the zero-skip tests (and without the tested rerun)'],
      ];
      for (const [variant, label] of variants) {
        const g = rosenbrockWasmGradient(n, variant);
        b.bench(L, label, hand, () => g(x), [() => g(x), want, 1e-13]);
      }
    }
  },
};
export default group;
