// Times a fresh grad or jvp of the worked example in a tight loop, for profiling: node --import tsx --cpu-prof benchmarks/tools/w1prof.ts grad|jvp
import { grad, jvp } from '../../src/index';
import { worked } from '../workloads';
const g = grad(worked.f);
const mode = process.argv[2];
let s = 0;
const t0 = performance.now();
for (let k = 0; k < 2e6; k++) { if (mode === 'grad') s += (g([2, 5]) as number[])[0]!; else s += (jvp(worked.f, [2, 5], [1, 0])[1] as number); }
console.log(((performance.now() - t0) / 2e6 * 1e6).toFixed(0), 'ns', s);
