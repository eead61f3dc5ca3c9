// Quick probe of the fresh-path targets of issue #10 (not the benchmark record: npm run bench is).
import { grad, jvp, jacfwd } from '../../src/index';
import { time } from '../harness';
import { rosenbrock, scalarLoop, worked, workedX } from '../workloads';

const which = process.argv[2] ?? 'all';
function row(name: string, ours: () => unknown, hand: () => unknown): void {
  const h = time(hand).median;
  const o = time(ours).median;
  console.log(`${name.padEnd(34)} ${(o * 1e6).toFixed(2).padStart(10)} µs  ${(o / h).toFixed(1).padStart(7)}×`);
}
const x4 = rosenbrock.point(1e4);
const x4a = Array.from(x4);
const v4 = new Float64Array(1e4).fill(0); v4[0] = 1; v4[1] = 0.5;
const v4a = Array.from(v4);
const gR = grad(rosenbrock.f);
if (which === 'all' || which === 'W2') {
  row('W2 1e4 grad fresh', () => gR(x4a), () => rosenbrock.gradient(x4));
  row('W2 1e4 jvp fresh', () => jvp(rosenbrock.f, x4a, v4a), () => rosenbrock.directional(x4, v4));
}
if (which === 'all' || which === 'W2big') {
  const x6 = Array.from(rosenbrock.point(1e6));
  const t4 = time(() => gR(x4a)).median;
  const t6 = time(() => gR(x6), { samples: 5 }).median;
  console.log(`scaling 1e6/1e4: ${(t6 / t4).toFixed(0)}`);
}
if (which === 'all' || which === 'W1') {
  const gW = grad(worked.f);
  const xw = Array.from(workedX);
  row('W1 grad fresh', () => gW(xw), () => worked.gradient(workedX));
  row('W1 jvp fresh', () => jvp(worked.f, xw, [1, 0]), () => { const x0 = workedX[0]!; const x1 = workedX[1]!; return 1 / x0 + x1 + 0 * (x0 - Math.cos(x1)); });
}
if (which === 'all' || which === 'W3') {
  const f3 = scalarLoop.f(1e4);
  const x3 = Array.from(scalarLoop.point);
  const g3 = grad(f3);
  const j3 = jacfwd(f3);
  row('W3 grad fresh', () => g3(x3), () => scalarLoop.gradient(1e4, scalarLoop.point));
  row('W3 jacfwd', () => j3(x3), () => scalarLoop.gradient(1e4, scalarLoop.point));
}
