// Measures compile's re-rolled backend against the interpreter and the hand-written code (issue #11 item 1): ratios and compile times.
// Run: npx tsx benchmarks/tools/rerollProbe.ts [quick]
import { compile, record, type CompileMode } from '../../src/index';
import { findRuns, coverage } from '../../src/compile/reroll';
import { time } from '../harness';
import { rosenbrock, scalarLoop, sinSum } from '../workloads';

const quick = process.argv.includes('quick');
const only = process.argv.slice(2).filter((a) => a !== 'quick');
const wanted = (name: string) => only.length === 0 || only.some((o) => name.startsWith(o));
const opts = quick ? { samples: 5, batchMs: 20, warmupMs: 100, budgetMs: 1500 } : {};
const fmt = (s: number) => (s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : `${(s * 1e3).toFixed(2)} ms`);
const engines: CompileMode[] = ['rerolled', 'interpreter'];

function row(name: string, hand: () => unknown, compiled: (engine: CompileMode) => { run: () => unknown; compileMs: number; mode: string }): void {
  const h = time(hand, opts).median;
  const parts = [`${name}: hand ${fmt(h)}`];
  for (const e of engines) {
    const c = compiled(e);
    const t = time(c.run, opts).median;
    parts.push(`${c.mode} ${fmt(t)} = ${(t / h).toFixed(2)}× (compile ${c.compileMs.toFixed(1)} ms)`);
  }
  console.log(parts.join(' | '));
}

for (const n of !wanted('rosenbrock') ? [] : quick ? [1e4] : [1e4, 1e6]) {
  const x = rosenbrock.point(n);
  const tape = record(rosenbrock.f, Array.from(x));
  const flat = tape.flat();
  const t0 = performance.now();
  const runs = findRuns(flat);
  console.log(`rosenbrock n=${n}: ${flat.length} entries, run search ${(performance.now() - t0).toFixed(1)} ms, ${JSON.stringify(coverage(flat, runs))}`);
  row(`rosenbrock gradient n=${n}`, () => rosenbrock.gradient(x), (engine) => {
    const c0 = performance.now();
    const c = compile(tape, undefined, { engine });
    c.gradient(x);
    const compileMs = performance.now() - c0;
    return { run: () => c.gradient(x), compileMs, mode: c.mode };
  });
}
if (wanted('W3')) {
  const K = 1e4;
  const x = scalarLoop.point;
  row(`W3 scalar loop gradient K=${K}`, () => scalarLoop.gradient(K, x), (engine) => {
    const tape = record(scalarLoop.f(K), Array.from(x));
    const c0 = performance.now();
    const c = compile(tape, undefined, { engine });
    c.gradient(x);
    const compileMs = performance.now() - c0;
    return { run: () => c.gradient(x), compileMs, mode: c.mode };
  });
}
if (wanted('W4')) {
  const x = sinSum.point(50);
  row('W4 Jacobian 50x50', () => sinSum.jacobian(50, x), (engine) => {
    const tape = record(sinSum.f(50), Array.from(x));
    const c0 = performance.now();
    const c = compile(tape, undefined, { engine });
    c.jacobian(x);
    const compileMs = performance.now() - c0;
    return { run: () => c.jacobian(x), compileMs, mode: c.mode };
  });
}
