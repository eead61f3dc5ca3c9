// One workload group in its own process, started by run.ts: run.ts bundles an entry that
// imports the group and calls runChild, with the library taken from dist/ (the built package,
// what users run), and runs it with plain node.
//
// A fresh process per group keeps one workload's JIT feedback, inline caches and garbage
// out of the next one's timings.
import fs from 'node:fs';
import { Bench, loadPeers, type BenchPart, type Group, type GroupResult } from './bench';

/** Runs one group (the part of it BENCH_PART names, see BenchPart) and writes its result as JSON to `out`. */
export async function runChild(group: Group, out: string): Promise<void> {
  const started = performance.now();
  const part = (process.env.BENCH_PART ?? 'all') as BenchPart;
  const b = new Bench(part);
  // A group without peers has no peers' part: an empty result.
  if (part === 'peers' && !group.peers) {
    fs.writeFileSync(out, JSON.stringify({ id: group.id, rows: [], targets: [], tables: [], data: {}, peerNotes: {}, seconds: 0 } satisfies GroupResult));
    return;
  }
  if (group.peers && part !== 'library' && process.env.BENCH_PEERS !== '0') b.peers.push(...(await loadPeers()));
  try {
    await group.run(b);
  } catch (e) {
    // Keep what was measured before the failure; the report shows where it stopped.
    b.skip(group.id, 'the rest of this group', `stopped: ${(e as Error).message.slice(0, 100)}`);
    process.exitCode = 1;
  }
  for (const p of b.peers) p.dispose?.();
  const result: GroupResult = {
    id: group.id,
    rows: b.rows,
    targets: b.targets,
    tables: b.tables,
    data: b.data,
    peerNotes: Object.fromEntries(b.peers.map((p) => [p.name, p.notes])),
    seconds: (performance.now() - started) / 1000,
  };
  fs.writeFileSync(out, JSON.stringify(result));
}

