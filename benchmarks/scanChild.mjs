// One measurement of benchmarks/scanBench.ts in a process of its own, in plain JavaScript on the built library.
//
// Why plain JavaScript: the peak resident set is the measurement, and a TypeScript loader (tsx)
// adds about 30 MB of its own to every child, a third of the baseline, which hid how small the
// checkpointed gradient's memory is next to the whole process. The hand-written recurrence
// below is benchmarks/workloads.ts's scalarLoop.gradientInto; the parent checks every child's
// gradient against that one, so the two cannot drift apart unnoticed.
//
// Usage: node benchmarks/scanChild.mjs <library file> <method> <K> <repeats>; prints `RESULT {json}`.
import { pathToFileURL } from 'node:url';

const [libraryFile, method, K, repeats] = process.argv.slice(2);
const lib = await import(pathToFileURL(libraryFile).href);
const point = Float64Array.of(0.5, 0.3);

function handWritten(steps, x) {
  const x0 = x[0];
  const x1 = x[1];
  let y = x0;
  let d0 = 1;
  let d1 = 0;
  for (let k = 0; k < steps; k++) {
    const s = Math.sin(y);
    const c = Math.cos(y);
    const u = Math.sin(y * x1);
    const n0 = c * d0 * x0 + s - u * x1 * d0;
    const n1 = c * d1 * x0 - u * (x1 * d1 + y);
    y = s * x0 + Math.cos(y * x1);
    d0 = n0;
    d1 = n1;
  }
  return [d0, d1];
}

function gradientBy(name, steps) {
  const { add, mul, sin, cos, grad, scan } = lib;
  const step = ([y, a, b]) => [add(mul(sin(y), a), cos(mul(y, b))), a, b];
  const viaScan = (options) => grad((x) => scan(step, [x[0], x[0], x[1]], steps, options)[0]);
  switch (name) {
    case 'hand-written forward recurrence':
      return (x) => handWritten(steps, x);
    case 'plain recording (loop)': {
      // W3 as benchmarks/workloads.ts writes it
      const g = grad((x) => {
        let y = x[0];
        for (let k = 0; k < steps; k++) y = add(mul(sin(y), x[0]), cos(mul(y, x[1])));
        return y;
      });
      return (x) => g(Array.from(x));
    }
    case 'scan, every step recorded':
      return wrap(viaScan(undefined));
    case 'scan { checkpoints: 64 }':
      return wrap(viaScan({ checkpoints: 64 }));
    case 'scan { checkpoints: 64, block: 64 }':
      // one block's recording (64 steps, 320 entries) is about the size of the 64 snapshots of 3 numbers
      return wrap(viaScan({ checkpoints: 64, block: 64 }));
    default:
      throw new Error(`unknown method ${name}`);
  }
}

const wrap = (g) => (x) => g(Array.from(x));

// Warm up at a small K, note the resident set there (the baseline: Node, the library, compiled code), then measure at K.
const warm = gradientBy(method, 1000);
for (let i = 0; i < 20; i++) warm(point);
const baselineRss = process.resourceUsage().maxRSS * 1024;
const g = gradientBy(method, Number(K));
const times = [];
let gradient = [];
for (let r = 0; r < Number(repeats); r++) {
  const t0 = performance.now();
  gradient = Array.from(g(point));
  times.push((performance.now() - t0) / 1000);
}
times.sort((a, b) => a - b);
const seconds = times[Math.floor(times.length / 2)];
console.log('RESULT ' + JSON.stringify({ seconds, baselineRss, peakRss: process.resourceUsage().maxRSS * 1024, gradient }));
