// The fresh-path numbers of issue #10 in one process, rounds interleaved so load drifts hit every row alike:
// npx tsx benchmarks/tools/fresh.ts [rounds] [filter]. Each row prints its median over rounds of the
// harness's median, as ns per call (or per primitive for the chain rows) and × its hand-written code.
import { grad, jacfwd, jvp, mul, sin, add, record, type Value } from '../../src/index';
import { rosenbrock, scalarLoop, worked, workedX } from '../workloads';

const rounds = Number(process.argv[2] ?? 3);
const filter = new RegExp(process.argv[3] ?? '.');
// CPU time of this process (GC threads included), not wall time: on a shared machine another
// process's load then shifts every row much less.
function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
function time(fn: () => unknown): { median: number } {
  const w0 = cpu();
  let calls = 0;
  while (calls < 3 || cpu() - w0 < 0.2) {
    fn();
    calls++;
  }
  const reps = Math.max(1, Math.round((0.04 * calls) / (cpu() - w0)));
  const per: number[] = [];
  for (let s = 0; s < 7; s++) {
    const t0 = cpu();
    for (let i = 0; i < reps; i++) fn();
    per.push((cpu() - t0) / reps);
  }
  return { median: per.sort((a, b) => a - b)[3]! };
}

const K = 100_000;
const chain = (x: Value[]): Value => {
  let y: Value = x[0]!;
  for (let j = 1; j < x.length; j++) y = add(y, x[j]!);
  for (let k = 0; k < K; k++) y = mul(sin(y), 0.999);
  return y;
};
const x4 = rosenbrock.point(1e4);
const v4 = Float64Array.from({ length: 1e4 }, (_, i) => Math.cos(i));
const out2 = new Float64Array(2);
const out4 = new Float64Array(1e4);
const f3 = scalarLoop.f(1e4);
const vW = Float64Array.of(0.3, -0.7);

interface Row { name: string; run: () => unknown; hand?: () => unknown; per?: number }
const rows: Row[] = [
  { name: 'W1 grad', run: () => grad(worked.f)(workedX), hand: () => worked.gradientInto(workedX, out2) },
  { name: 'W1 jvp', run: () => jvp(worked.f, workedX, vW), hand: () => worked.directional(workedX, vW) },
  { name: 'W1 jacfwd', run: () => jacfwd(worked.f)(workedX), hand: () => worked.gradientInto(workedX, out2) },
  { name: 'W2 1e4 grad', run: () => grad(rosenbrock.f)(x4), hand: () => rosenbrock.gradientInto(x4, out4) },
  { name: 'W2 1e4 jvp', run: () => jvp(rosenbrock.f, x4, v4), hand: () => rosenbrock.directional(x4, v4) },
  { name: 'W3 grad', run: () => grad(f3)(scalarLoop.point), hand: () => scalarLoop.gradientInto(1e4, scalarLoop.point, out2) },
  { name: 'W3 jacfwd', run: () => jacfwd(f3)(scalarLoop.point), hand: () => scalarLoop.gradientInto(1e4, scalarLoop.point, out2) },
  { name: 'W3 jacfwd chunk 1', run: () => jacfwd(f3, { chunkSize: 1 })(scalarLoop.point), hand: () => scalarLoop.gradientInto(1e4, scalarLoop.point, out2) },
  { name: 'P Dual op (ns/prim)', run: () => jvp(chain, [0.7], [1]), per: 2 * K },
  { name: 'P chunk 2 op (ns/prim)', run: () => jacfwd(chain, { chunkSize: 2 })([0.35, 0.35]), per: 2 * K },
  { name: 'P chunk 8 op (ns/prim)', run: () => jacfwd(chain, { chunkSize: 8 })(new Array(8).fill(0.7 / 8)), per: 2 * K },
  { name: 'P record (ns/entry)', run: () => record(chain, [0.7]), per: 2 * K },
  { name: 'P grad (ns/entry)', run: () => grad(chain)([0.7]), per: 2 * K },
].filter((r) => filter.test(r.name));

const results = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const row of rows) {
    const t = time(row.run).median;
    const v = row.hand ? t / time(row.hand).median : (t / (row.per ?? 1)) * 1e9;
    (results.get(row.name) ?? results.set(row.name, []).get(row.name)!).push(row.hand ? v : v);
    if (row.hand) (results.get(row.name + ' ns') ?? results.set(row.name + ' ns', []).get(row.name + ' ns')!).push(t * 1e9);
  }
}
const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
for (const row of rows) {
  const v = med(results.get(row.name)!);
  if (row.hand) console.log(`${row.name.padEnd(24)} ${med(results.get(row.name + ' ns')!).toFixed(0).padStart(10)} ns ${v.toFixed(1).padStart(7)}×   [${results.get(row.name)!.map((q) => q.toFixed(1)).join(' ')}]`);
  else console.log(`${row.name.padEnd(24)} ${v.toFixed(1).padStart(10)} ns/op   [${results.get(row.name)!.map((q) => q.toFixed(1)).join(' ')}]`);
}
