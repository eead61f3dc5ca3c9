// npm run bench: dualtape against hand-written derivative code, as ratios of medians in one run.
import { grad, jvp } from '../src/index';
import { formatRatio, formatSeconds, maxRelDiff, time } from './harness';
import { rosenbrock, worked, workedX } from './workloads';
import os from 'node:os';

interface Row {
  workload: string;
  method: string;
  seconds: number;
  baseline: number;
}
const rows: Row[] = [];

function check(name: string, got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-10): void {
  const d = maxRelDiff(got, want);
  if (!(d <= tol)) throw new Error(`${name}: result differs from the hand-written derivative by ${d}`);
}

function bench(workload: string, method: string, fn: () => unknown, baseline: number): void {
  rows.push({ workload, method, seconds: time(fn).median, baseline });
}

// W1: the worked example (per-call overhead).
{
  const hand = time(() => worked.gradient(workedX)).median;
  check('W1 grad', grad(worked.f)(workedX), worked.gradient(workedX));
  check('W1 jvp', [jvp(worked.f, workedX, [1, 0])[1]], [worked.gradient(workedX)[0]!]);
  rows.push({ workload: 'W1 worked example', method: 'hand-written gradient', seconds: hand, baseline: hand });
  bench('W1 worked example', 'primal only', () => worked.primal(workedX), hand);
  bench('W1 worked example', 'dualtape grad', () => grad(worked.f)(workedX), hand);
  bench('W1 worked example', 'dualtape jvp (one column)', () => jvp(worked.f, workedX, [1, 0]), hand);
}

// W2: extended Rosenbrock, n = 10^4.
{
  const n = 10_000;
  const x = rosenbrock.point(n);
  const v = x.map((_, i) => Math.cos(i));
  const handGrad = time(() => rosenbrock.gradient(x)).median;
  const handDir = time(() => rosenbrock.directional(x, v)).median;
  check('W2 grad', grad(rosenbrock.f)(x), rosenbrock.gradient(x));
  check('W2 jvp', [jvp(rosenbrock.f, x, v)[1]], [rosenbrock.directional(x, v)]);
  rows.push({ workload: `W2 Rosenbrock n=${n}`, method: 'hand-written gradient', seconds: handGrad, baseline: handGrad });
  bench(`W2 Rosenbrock n=${n}`, 'primal only', () => rosenbrock.primal(x), handGrad);
  bench(`W2 Rosenbrock n=${n}`, 'dualtape grad (fresh recording)', () => grad(rosenbrock.f)(x), handGrad);
  rows.push({ workload: `W2 Rosenbrock n=${n}`, method: 'hand-written directional derivative', seconds: handDir, baseline: handDir });
  bench(`W2 Rosenbrock n=${n}`, 'dualtape jvp (directional)', () => jvp(rosenbrock.f, x, v), handDir);
}

console.log(`dualtape benchmarks, ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, Node ${process.version}`);
console.log('(median of 11 batches; ratio = time / the hand-written derivative of the same workload)\n');
const header = ['workload', 'method', 'median per call', 'ratio'];
const table = rows.map((r) => [r.workload, r.method, formatSeconds(r.seconds), formatRatio(r.seconds / r.baseline)]);
const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
table.forEach((r) => console.log(line(r)));
