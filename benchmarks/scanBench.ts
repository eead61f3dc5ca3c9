// Reverse mode in bounded memory, measured: the W3 loop as a scan, with and without binomial checkpoints, against the plain recording and the hand-written forward recurrence.
//
// Each (method, K) runs in a child process of its own (benchmarks/scanChild.mjs, plain Node on
// the built library dist/index.js, as users get it), so its peak resident set (maxRSS) is its
// own: the child first warms the method up at a small K, notes its resident set there (the
// baseline: Node, the library, compiled code), then runs the gradient at K. Reported: median
// seconds, peak RSS, and peak RSS above the baseline (the memory the gradient itself took).
// K = 10^7 runs once per method, on the default Node heap, to show which complete.
// Standalone: `npm run build && npx tsx benchmarks/scanBench.ts` (SCAN_BENCH_1E7=0 skips 10^7);
// `runScanBench()` returns the rows and markdown for benchmarks/run.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scalarLoop } from './workloads';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** The built library; it must be at least as new as src/ (npm run bench builds it first). */
function libraryPath(): string {
  const dist = path.join(root, 'dist', 'index.js');
  if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < newestMtime(path.join(root, 'src'))) {
    throw new Error('scanBench: dist/ is missing or older than src/; run `npm run build` first (npm run bench does)');
  }
  return dist;
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

interface ChildResult {
  seconds: number;
  baselineRss: number;
  peakRss: number;
  gradient: number[];
}

/**
 * One measurement in a fresh process; an error or a crash (out of memory) is reported, not
 * thrown. `capMB`: the child's address space is capped (`ulimit -v`), as a browser tab or a
 * container caps memory. Node's own heap limit does not stop a list whose typed arrays live
 * outside the heap, so this is how "the plain recording cannot" shows.
 */
function measure(lib: string, method: Method, K: number, repeats: number, capMB?: number): ChildResult | { failed: string } {
  const script = path.join(root, 'benchmarks', 'scanChild.mjs');
  const args = [script, lib, method, String(K), String(repeats)];
  const [command, argv] =
    capMB === undefined
      ? [process.execPath, args]
      : ['bash', ['-c', `ulimit -v ${capMB * 1024} && exec "$0" "$@"`, process.execPath, ...args]];
  const out = spawnSync(command, argv, {
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
  /** The child's address space was capped at this many MB. */
  capMB?: number;
  seconds?: number;
  peakRssMB?: number;
  aboveBaselineMB?: number;
  relativeError?: number;
  failed?: string;
}

const MB = 1024 * 1024;
/** The address-space cap of the capped 10^7 runs: 1 GB, a browser tab's order of magnitude. */
export const MEMORY_CAP_MB = 1024;

/** A row's method, with the memory cap it ran under. */
export function methodLabel(r: ScanBenchRow): string {
  return r.capMB === undefined ? r.method : `${r.method}, address space capped at ${r.capMB} MB (ulimit -v)`;
}

/** Runs every method at K = 10^4 and 10^6 (and 10^7 unless SCAN_BENCH_1E7=0) and returns the rows and a markdown summary. */
export function runScanBench(options: { with1e7?: boolean; log?: (s: string) => void } = {}): { rows: ScanBenchRow[]; markdown: string } {
  const log = options.log ?? ((s: string) => console.log(s));
  const with1e7 = options.with1e7 ?? process.env.SCAN_BENCH_1E7 !== '0';
  const rows: ScanBenchRow[] = [];
  const lib = libraryPath();
  const sizes: [number, number][] = [[1e4, 7], [1e6, 3], ...(with1e7 ? ([[1e7, 1]] as [number, number][]) : [])];
  const run = (K: number, method: Method, repeats: number, capMB?: number) => {
    const want = scalarLoop.gradient(K, scalarLoop.point);
    const r = measure(lib, method, K, repeats, capMB);
    const row: ScanBenchRow =
      'failed' in r
        ? { K, method, capMB, failed: r.failed }
        : {
            K, method, capMB, seconds: r.seconds, peakRssMB: r.peakRss / MB, aboveBaselineMB: (r.peakRss - r.baselineRss) / MB,
            relativeError: Math.max(...r.gradient.map((g, i) => Math.abs(g - want[i]!) / Math.max(1e-300, Math.abs(want[i]!)))),
          };
    rows.push(row);
    log(formatRow(row));
  };
  for (const [K, repeats] of sizes) for (const method of methods) run(K, method, repeats);
  if (with1e7 && process.platform === 'linux') {
    for (const method of ['plain recording (loop)', 'scan { checkpoints: 64 }'] as const) run(1e7, method, 1, MEMORY_CAP_MB);
  }
  return { rows, markdown: markdown(rows) };
}

function formatRow(r: ScanBenchRow): string {
  if (r.failed !== undefined) return `K=${r.K.toExponential(0)}  ${methodLabel(r).padEnd(36)} did not complete: ${r.failed}`;
  return (
    `K=${r.K.toExponential(0)}  ${methodLabel(r).padEnd(36)} ${r.seconds!.toFixed(3).padStart(8)} s  peak RSS ${r.peakRssMB!.toFixed(0).padStart(5)} MB` +
    `  (+${r.aboveBaselineMB!.toFixed(0)} MB over baseline)  rel. err ${r.relativeError!.toExponential(1)}`
  );
}

function markdown(rows: ScanBenchRow[]): string {
  const lines = [
    '| K | method | time | × plain recording | peak RSS | over baseline | × plain (over baseline) | rel. error vs hand |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const plain = rows.find((p) => p.K === r.K && p.method === 'plain recording (loop)' && p.capMB === undefined && p.failed === undefined);
    if (r.failed !== undefined) {
      lines.push(`| ${r.K.toExponential(0)} | ${methodLabel(r)} | did not complete: ${r.failed} | | | | | |`);
      continue;
    }
    const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
    lines.push(
      `| ${r.K.toExponential(0)} | ${methodLabel(r)} | ${r.seconds!.toFixed(3)} s | ${ratio(r.seconds, plain?.seconds)} | ${r.peakRssMB!.toFixed(0)} MB | ` +
        `${r.aboveBaselineMB!.toFixed(0)} MB | ${ratio(r.aboveBaselineMB, plain?.aboveBaselineMB)} | ${r.relativeError!.toExponential(1)} |`,
    );
  }
  return lines.join('\n');
}

// Run as a script (tsx benchmarks/scanBench.ts), not when bundled into a group's child (whose own file is also argv[1]).
if (process.argv[1] !== undefined && /scanBench\.ts$/.test(process.argv[1]) && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { markdown: md } = runScanBench();
  console.log('\n' + md);
}
