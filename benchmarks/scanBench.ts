// Reverse mode in bounded memory, measured: the W3 loop as a scan, with and without binomial checkpoints, against the plain recording and the hand-written forward recurrence.
//
// Each (method, K) runs in a child process of its own, so its peak resident set (maxRSS) is
// its own: the child first loads the library and warms the method up at a small K, notes its
// resident set there (the baseline: Node, the library, compiled code), then runs the gradient
// at K. Reported: median seconds, peak RSS, and peak RSS above the baseline (the memory the
// gradient itself took). K = 10^7 runs once per method, on the default Node heap, to show
// which complete. The children run the built library (dist/index.js, as users get it) when it
// is at least as new as src/ (else the sources through tsx, whose module getters make every
// primitive call several times dearer, which penalises the checkpointed scan's extra step
// evaluations: its time ratio is about 3× worse that way). Standalone: `npx tsx benchmarks/scanBench.ts` (SCAN_BENCH_1E7=0 skips
// 10^7); `runScanBench()` returns the rows and markdown for benchmarks/run.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Value } from '../src/index';
import { scalarLoop } from './workloads';

type Library = typeof import('../src/index');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** The built library if it is up to date with src/, else the sources. */
function libraryPath(): { file: string; built: boolean } {
  const dist = path.join(root, 'dist', 'index.js');
  if (process.env.SCAN_BENCH_LIB !== 'src' && fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newestMtime(path.join(root, 'src'))) {
    return { file: dist, built: true };
  }
  return { file: path.join(root, 'src', 'index.ts'), built: false };
}

type Method =
  | 'hand-written forward recurrence'
  | 'plain recording (loop)'
  | 'scan, every step recorded'
  | 'scan { checkpoints: 64 }'
  | 'scan { checkpoints: 64, block: 64 }';
const methods: readonly Method[] = [
  'hand-written forward recurrence', 'plain recording (loop)', 'scan, every step recorded', 'scan { checkpoints: 64 }', 'scan { checkpoints: 64, block: 64 }',
];

function gradientBy(lib: Library, method: Method, K: number): (x: Float64Array) => ArrayLike<number> {
  const { add, mul, sin, cos, grad, scan } = lib;
  const step = ([y, a, b]: Value[]) => [add(mul(sin(y!), a!), cos(mul(y!, b!))), a!, b!];
  switch (method) {
    case 'hand-written forward recurrence':
      return (x) => scalarLoop.gradient(K, x);
    case 'plain recording (loop)': {
      // W3 as benchmarks/workloads.ts writes it, with the library under test
      const g = grad((x: Value[]): Value => {
        let y: Value = x[0]!;
        for (let k = 0; k < K; k++) y = add(mul(sin(y), x[0]!), cos(mul(y, x[1]!)));
        return y;
      });
      return (x) => g(Array.from(x));
    }
    case 'scan, every step recorded': {
      const g = grad((x: Value[]) => scan(step, [x[0]!, x[0]!, x[1]!], K)[0]!);
      return (x) => g(Array.from(x));
    }
    case 'scan { checkpoints: 64 }': {
      const g = grad((x: Value[]) => scan(step, [x[0]!, x[0]!, x[1]!], K, { checkpoints: 64 })[0]!);
      return (x) => g(Array.from(x));
    }
    case 'scan { checkpoints: 64, block: 64 }': {
      // one block's recording (64 steps, 320 entries) is about the size of the 64 snapshots of 3 numbers
      const g = grad((x: Value[]) => scan(step, [x[0]!, x[0]!, x[1]!], K, { checkpoints: 64, block: 64 })[0]!);
      return (x) => g(Array.from(x));
    }
  }
}

interface ChildResult {
  seconds: number;
  baselineRss: number;
  peakRss: number;
  gradient: number[];
}

/** In the child: warm up, note the baseline resident set, run the gradient `repeats` times. */
function child(lib: Library, method: Method, K: number, repeats: number): ChildResult {
  const x = scalarLoop.point;
  const warm = gradientBy(lib, method, 1000);
  for (let i = 0; i < 20; i++) warm(x);
  const baselineRss = process.resourceUsage().maxRSS * 1024;
  const g = gradientBy(lib, method, K);
  const times: number[] = [];
  let gradient: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    gradient = Array.from(g(x));
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, baselineRss, peakRss: process.resourceUsage().maxRSS * 1024, gradient };
}

/** One measurement in a fresh process; an error or a crash (out of memory) is reported, not thrown. */
function measure(lib: string, method: Method, K: number, repeats: number): ChildResult | { failed: string } {
  const script = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, [...process.execArgv, script, '--child', lib, method, String(K), String(repeats)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    timeout: 600_000,
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (out.status === 0 && line !== undefined) return JSON.parse(line.slice(7)) as ChildResult;
  const why = out.error?.message ?? (/heap out of memory|Invalid array length|Array buffer allocation failed|RangeError[^\n]*/.exec(out.stderr)?.[0] ?? `exit ${String(out.status ?? out.signal)}`);
  return { failed: why };
}

/** One row of the table. */
export interface ScanBenchRow {
  K: number;
  method: Method;
  seconds?: number;
  peakRssMB?: number;
  aboveBaselineMB?: number;
  relativeError?: number;
  failed?: string;
}

const MB = 1024 * 1024;

/** Runs every method at K = 10^4 and 10^6 (and 10^7 unless SCAN_BENCH_1E7=0) and returns the rows and a markdown summary. */
export function runScanBench(options: { with1e7?: boolean; log?: (s: string) => void } = {}): { rows: ScanBenchRow[]; markdown: string } {
  const log = options.log ?? ((s: string) => console.log(s));
  const with1e7 = options.with1e7 ?? process.env.SCAN_BENCH_1E7 !== '0';
  const rows: ScanBenchRow[] = [];
  const lib = libraryPath();
  log(`library: ${path.relative(root, lib.file)}${lib.built ? '' : ' (dist/ missing or older than src/: run npm run build for the library as shipped)'}`);
  const sizes: [number, number][] = [[1e4, 7], [1e6, 3], ...(with1e7 ? ([[1e7, 1]] as [number, number][]) : [])];
  for (const [K, repeats] of sizes) {
    const want = scalarLoop.gradient(K, scalarLoop.point);
    for (const method of methods) {
      const r = measure(lib.file, method, K, repeats);
      const row: ScanBenchRow =
        'failed' in r
          ? { K, method, failed: r.failed }
          : {
              K, method, seconds: r.seconds, peakRssMB: r.peakRss / MB, aboveBaselineMB: (r.peakRss - r.baselineRss) / MB,
              relativeError: Math.max(...r.gradient.map((g, i) => Math.abs(g - want[i]!) / Math.max(1e-300, Math.abs(want[i]!)))),
            };
      rows.push(row);
      log(formatRow(row));
    }
  }
  return { rows, markdown: markdown(rows) };
}

function formatRow(r: ScanBenchRow): string {
  if (r.failed !== undefined) return `K=${r.K.toExponential(0)}  ${r.method.padEnd(36)} did not complete: ${r.failed}`;
  return (
    `K=${r.K.toExponential(0)}  ${r.method.padEnd(36)} ${r.seconds!.toFixed(3).padStart(8)} s  peak RSS ${r.peakRssMB!.toFixed(0).padStart(5)} MB` +
    `  (+${r.aboveBaselineMB!.toFixed(0)} MB over baseline)  rel. err ${r.relativeError!.toExponential(1)}`
  );
}

function markdown(rows: ScanBenchRow[]): string {
  const lines = [
    '| K | method | time | × plain recording | peak RSS | over baseline | × plain (over baseline) | rel. error vs hand |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const plain = rows.find((p) => p.K === r.K && p.method === 'plain recording (loop)' && p.failed === undefined);
    if (r.failed !== undefined) {
      lines.push(`| ${r.K.toExponential(0)} | ${r.method} | did not complete: ${r.failed} | | | | | |`);
      continue;
    }
    const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
    lines.push(
      `| ${r.K.toExponential(0)} | ${r.method} | ${r.seconds!.toFixed(3)} s | ${ratio(r.seconds, plain?.seconds)} | ${r.peakRssMB!.toFixed(0)} MB | ` +
        `${r.aboveBaselineMB!.toFixed(0)} MB | ${ratio(r.aboveBaselineMB, plain?.aboveBaselineMB)} | ${r.relativeError!.toExponential(1)} |`,
    );
  }
  return lines.join('\n');
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const lib = (await import(pathToFileURL(argv[1]!).href)) as Library;
  const result = child(lib, argv[2] as Method, Number(argv[3]), Number(argv[4]));
  console.log('RESULT ' + JSON.stringify(result));
} else if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { markdown: md } = runScanBench();
  console.log('\n' + md);
}
