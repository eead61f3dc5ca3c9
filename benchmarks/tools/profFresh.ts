// Profiles a fresh grad or jvp of Rosenbrock n=1e4: node --import tsx --cpu-prof benchmarks/tools/profFresh.ts grad|jvp
import { jvp, grad } from '../../src/index';
import { rosenbrock } from '../workloads';
const x = Array.from(rosenbrock.point(1e4));
const v = new Array(1e4).fill(0); v[0] = 1;
const mode = process.argv[2];
const g = grad(rosenbrock.f);
const t0 = performance.now();
for (let k = 0; k < 300; k++) {
  if (mode === 'grad') g(x);
  else jvp(rosenbrock.f, x, v);
}
console.log(((performance.now() - t0) / 300).toFixed(3), 'ms');
