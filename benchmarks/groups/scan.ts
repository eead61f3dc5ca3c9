// C: the W3 loop written with scan, with and without binomial checkpointing (issue #13): time and peak resident memory, each in its own child process.
import { runScanBench, type ScanBenchRow } from '../scanBench';
import type { Bench, Group } from '../bench';

const group: Group = {
  id: 'C',
  peers: false,
  run(b: Bench) {
    // The 10^7-step runs take about a minute; SCAN_BENCH_1E7=0 leaves them out.
    const { rows } = runScanBench({ log: () => undefined });
    const find = (K: number, method: string): ScanBenchRow | undefined => rows.find((r) => r.K === K && r.method === method && r.failed === undefined);
    const cell = (v: number | undefined, digits: number, unit: string) => (v === undefined ? '—' : `${v.toFixed(digits)}${unit}`);
    b.table({
      title: 'Checkpointing: the W3 loop (y ← sin(y)·a + cos(y·b)) through scan',
      intro: [
        'Each method runs in its own child process on the built library (dist/); peak resident memory is the child\'s,',
        'and "over baseline" subtracts what the process held before the gradient (Node and the library themselves).',
      ],
      head: ['steps', 'method', 'time', '× plain recording', 'peak RSS', 'over baseline', '× plain (over baseline)', 'rel. error vs hand-written'],
      rows: rows.map((r) => {
        const plain = find(r.K, 'plain recording (loop)');
        if (r.failed !== undefined) return [r.K.toExponential(0), r.method, `did not complete: ${r.failed}`, '', '', '', '', ''];
        const ratio = (a?: number, z?: number) => (a === undefined || z === undefined ? '—' : `${(a / z).toFixed(2)}×`);
        return [
          r.K.toExponential(0), r.method, cell(r.seconds, 3, ' s'), ratio(r.seconds, plain?.seconds), cell(r.peakRssMB, 0, ' MB'),
          cell(r.aboveBaselineMB, 0, ' MB'), ratio(r.aboveBaselineMB, plain?.aboveBaselineMB), cell(r.relativeError, 1, ''),
        ];
      }),
    });
    const plain = find(1e6, 'plain recording (loop)');
    const ck = find(1e6, 'scan { checkpoints: 64 }');
    if (plain?.seconds !== undefined && ck?.seconds !== undefined) {
      b.target({ issue: 13, name: 'W3 1e6 steps: grad through scan { checkpoints: 64 } ≤ 4× the plain recording\'s time', value: ck.seconds / plain.seconds, limit: 4, better: 'below' });
      b.target({ issue: 13, name: 'W3 1e6 steps: peak RSS with { checkpoints: 64 } ≤ ¼ of the plain recording\'s (whole process)', value: ck.peakRssMB! / plain.peakRssMB!, limit: 0.25, better: 'below' });
      b.target({ issue: 13, name: 'W3 1e6 steps: the same, memory above the process baseline', value: ck.aboveBaselineMB! / plain.aboveBaselineMB!, limit: 0.25, better: 'below' });
    }
  },
};
export default group;
