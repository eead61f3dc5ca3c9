// Measures compile's re-rolled backend against the op-code interpreter and the hand-written code (issue #11 item 1).
//
// Run: npx tsx benchmarks/tools/rerollProbe.ts [quick] [rosenbrock|W3|W4 ...]
// On a machine shared with other work, medians drift with the load from one second to the
// next, so each contender runs in short batches interleaved with the others, and the best
// batch of each is reported (the ratio of two minima taken at the same time). The
// benchmarks/harness.ts `time()` medians (npm run bench) are the numbers of record.
import { compile, record, type CompileMode, type WengertList } from '../../src/index';
import { coverage, findRuns } from '../../src/compile/loopRuns';
import { rosenbrock, scalarLoop, sinSum } from '../workloads';

const args = process.argv.slice(2);
const quick = args.includes('quick');
const only = args.filter((a) => a !== 'quick');
const wanted = (name: string) => only.length === 0 || only.some((o) => name.startsWith(o));
const engines: CompileMode[] = ['rerolled', 'interpreter'];
const fmt = (s: number) => (s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : `${(s * 1e3).toFixed(2)} ms`);

/** Best seconds per call of each function, over `rounds` interleaved batches of about batchMs. */
function interleaved(fns: Record<string, () => unknown>, rounds: number, batchMs = 5): Record<string, number> {
  const reps: Record<string, number> = {};
  const best: Record<string, number> = {};
  for (const [name, fn] of Object.entries(fns)) {
    const t0 = performance.now();
    let calls = 0;
    while (calls < 3 || performance.now() - t0 < 200) {
      fn();
      calls++;
    }
    reps[name] = Math.max(1, Math.round((calls * batchMs) / (performance.now() - t0)));
    best[name] = Infinity;
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      const k = reps[name] as number;
      const t0 = performance.now();
      for (let i = 0; i < k; i++) fn();
      best[name] = Math.min(best[name] as number, (performance.now() - t0) / 1000 / k);
    }
  }
  return best;
}

function row(name: string, tape: WengertList, hand: () => unknown, call: (c: ReturnType<typeof compile>) => unknown): void {
  const fns: Record<string, () => unknown> = { hand };
  const notes: string[] = [];
  for (const engine of engines) {
    const t0 = performance.now();
    const c = compile(tape, undefined, { engine });
    const compileMs = performance.now() - t0;
    call(c);
    const firstMs = performance.now() - t0;
    fns[c.mode] = () => call(c);
    notes.push(`${c.mode}: compile ${compileMs.toFixed(1)} ms, with first call ${firstMs.toFixed(1)} ms`);
  }
  const best = interleaved(fns, quick ? 10 : 40);
  const h = best['hand'] as number;
  console.log(`${name}: ${Object.entries(best).map(([k, s]) => `${k} ${fmt(s)} (${(s / h).toFixed(2)}×)`).join(' | ')}`);
  console.log(`    ${notes.join('; ')}`);
}

for (const n of !wanted('rosenbrock') ? [] : quick ? [1e4] : [1e4, 1e6]) {
  const x = rosenbrock.point(n);
  const tape = record(rosenbrock.f, Array.from(x));
  const flat = tape.flat();
  const t0 = performance.now();
  const runs = findRuns(flat);
  console.log(`rosenbrock n=${n}: ${flat.length} entries, run search ${(performance.now() - t0).toFixed(1)} ms, ${JSON.stringify(coverage(flat, runs))}`);
  row(`rosenbrock gradient n=${n}`, tape, () => rosenbrock.gradient(x), (c) => c.gradient(x));
}
if (wanted('W3')) {
  const K = 1e4;
  const x = scalarLoop.point;
  row(`W3 scalar loop gradient K=${K}`, record(scalarLoop.f(K), Array.from(x)), () => scalarLoop.gradient(K, x), (c) => c.gradient(x));
}
if (wanted('W4')) {
  const x = sinSum.point(50);
  row('W4 Jacobian 50x50', record(sinSum.f(50), Array.from(x)), () => sinSum.jacobian(50, x), (c) => c.jacobian(x));
}
