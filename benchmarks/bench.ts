// What a workload group gets from the runner: timed rows checked against the hand-written result, targets, extra tables, peers.
//
// A group runs in its own child process (benchmarks/child.ts) and hands back a GroupResult as
// JSON; benchmarks/run.ts merges the results of all groups into one table. Ratios are always
// to a hand-written baseline timed in the same process.
import type { Peer } from './peers/peer';
import { time } from './harness';

/** One measured (or skipped) method of one workload. */
export interface ResultRow {
  workload: string;
  method: string;
  /** Median seconds per call; undefined when not timed (see note). */
  seconds?: number;
  /** Seconds of the hand-written baseline this row is compared with (its fastest batch). */
  baseline?: number;
  /** A stable name that targets refer to, e.g. 'W2.1e4.grad'. */
  key?: string;
  note?: string;
}

/**
 * One target of an issue. Its value is `value` if given, else seconds(num) / seconds(den)
 * (keys of rows, possibly of another group's process), else seconds(num) / num's baseline.
 */
export interface TargetDef {
  issue: number;
  name: string;
  limit: number;
  better: 'below' | 'above';
  value?: number;
  num?: string;
  den?: string;
  /**
   * The same ratio for the plain prototypes of benchmarks/floor.ts (keys of their rows; den as
   * above): what the design of one object per primitive costs by itself, shown beside the value.
   */
  floor?: { num: string; den?: string };
}

/** An extra table printed after the main one (e.g. the per-primitive costs). */
export interface ExtraTable {
  title: string;
  intro?: string[];
  head: string[];
  rows: string[][];
}

export interface GroupResult {
  id: string;
  rows: ResultRow[];
  targets: TargetDef[];
  tables: ExtraTable[];
  /** Named data for the report (e.g. 'crossover' points for the SVG plot). */
  data: Record<string, unknown>;
  peerNotes: Record<string, string[]>;
  seconds: number;
}

/**
 * A workload group: one file in benchmarks/groups/ whose default export is this, plus one
 * line in benchmarks/groups/index.ts.
 */
export interface Group {
  id: string;
  /** Load the peer libraries (tfjs-core, jax-js, mathjs) into this group's process. */
  peers?: boolean;
  run(b: Bench): Promise<void> | void;
}

/** A check: the result of the method, the hand-written result, and the relative tolerance. */
export type Check = [() => ArrayLike<number>, ArrayLike<number>, number];

/** Largest absolute difference relative to the largest |want| entry. */
export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs((got[i] as number) - (want[i] as number));
    if (!(d <= num)) num = d;
    den = Math.max(den, Math.abs(want[i] as number));
  }
  return num / Math.max(den, 1e-300);
}

/** Rows of a matrix, flattened (for checks). */
export const flat = (rows: ArrayLike<ArrayLike<number>>): number[] => Array.from(rows, (r) => Array.from(r)).flat();

/** Central differences of a scalar f: 2n evaluations. */
export function centralDiff(f: (x: Float64Array) => number, x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  const xs = x.slice();
  for (let j = 0; j < x.length; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[j]!));
    xs[j] = x[j]! + h;
    const fp = f(xs);
    xs[j] = x[j]! - h;
    const fm = f(xs);
    xs[j] = x[j]!;
    g[j] = (fp - fm) / (2 * h);
  }
  return g;
}

/**
 * Which rows a group's process times. A group with peers runs twice (run.ts): its library
 * rows in a process without the peers, then its peer rows in one with them (with the
 * hand-written baselines again, so each peer's ratio is to code timed in its own process).
 * Why: loading a peer (jax-js's WebAssembly memory) invalidates V8's ArrayBufferDetaching
 * protector for the whole process, after which every typed-array access checks for a
 * detached buffer; dualtape's compiled W4 Jacobian measured 1.6× slower in such a process.
 */
export type BenchPart = 'all' | 'library' | 'peers';

export class Bench {
  readonly rows: ResultRow[] = [];
  readonly targets: TargetDef[] = [];
  readonly tables: ExtraTable[] = [];
  readonly data: Record<string, unknown> = {};
  readonly peers: Peer[] = [];

  constructor(readonly part: BenchPart = 'all') {}

  /** Whether `method` is timed in this process (peer rows only in the peers' process, and only there). */
  private wanted(method: string): boolean {
    if (this.part === 'all') return true;
    const isPeer = this.peers.some((p) => method.startsWith(p.name));
    return this.part === 'peers' ? isPeer : !isPeer;
  }

  /** Times the hand-written baseline of a workload (ratio 1) and returns its fastest batch's seconds per call. */
  baseline(workload: string, method: string, fn: () => unknown, key?: string): number {
    // The fastest batch, where every other method gets its median: the hand-written code is the
    // practical limit, and noise only slows it. A slowed baseline flattered every ratio of its
    // workload (one run measured the same Rosenbrock loop at 10 µs in one process, 37 µs in another).
    const s = time(fn).fastest;
    // The peers' process times it again for their ratios; the table keeps the library process's row.
    if (this.part !== 'peers') this.push({ workload, method, seconds: s, baseline: s, key });
    return s;
  }

  /**
   * Times fn after checking the method's result against the hand-written one; a failed check
   * (or a throw) is reported, not timed. Returns the median seconds.
   */
  bench(workload: string, method: string, baseline: number, fn: () => unknown, check?: Check, key?: string): number | undefined {
    if (!this.wanted(method)) return undefined;
    if (check) {
      let err: number;
      try {
        err = relErr(check[0](), check[1]);
      } catch (e) {
        this.push({ workload, method, baseline, key, note: `threw: ${(e as Error).message.slice(0, 80)}` });
        return undefined;
      }
      if (!(err <= check[2])) {
        this.push({ workload, method, baseline, key, note: `wrong result (relative error ${err.toExponential(1)}), not timed` });
        return undefined;
      }
    }
    const s = time(fn).median;
    this.push({ workload, method, seconds: s, baseline, key });
    return s;
  }

  /** A row measured outside `time` (a single long run, a memory figure). */
  record(row: ResultRow): void {
    if (this.wanted(row.method)) this.push(row);
  }

  skip(workload: string, method: string, note: string, key?: string): void {
    if (this.wanted(method)) this.push({ workload, method, note, key });
  }

  target(t: TargetDef): void {
    if (this.part !== 'peers') this.targets.push(t);
  }

  table(t: ExtraTable): void {
    if (this.part !== 'peers') this.tables.push(t);
  }

  /**
   * Runs one peer's prepare step (outside timing) and returns its derivative function with the
   * setup time, or undefined after recording why the peer is skipped for this workload.
   */
  async preparePeer<F>(workload: string, peer: Peer, prepare: () => Promise<F | undefined> | undefined): Promise<{ fn: F; setupMs: number } | undefined> {
    const t0 = performance.now();
    let fn: F | undefined;
    try {
      fn = await prepare();
    } catch (e) {
      this.skip(workload, peer.name, `failed: ${(e as Error).message.slice(0, 80)}`);
      return undefined;
    }
    if (fn === undefined) {
      this.skip(workload, peer.name, 'not available (see peer notes)');
      return undefined;
    }
    return { fn, setupMs: performance.now() - t0 };
  }

  /** Times every peer's gradient of a W1/W2/W3 workload, keyed `${keyPrefix}.${peer}`. */
  async peerGradients(workload: 'W1' | 'W2' | 'W3', n: number, label: string, x: Float64Array, want: Float64Array, hand: number, keyPrefix: string, tol = 2e-3): Promise<void> {
    for (const peer of this.peers) {
      const prepared = await this.preparePeer(label, peer, () => peer.prepareGradient?.(workload, n));
      if (prepared === undefined) continue;
      const { fn: g, setupMs } = prepared;
      const setup = setupMs > 1000 ? ` (setup ${(setupMs / 1000).toFixed(1)} s)` : '';
      this.bench(label, `${peer.name}${setup}`, hand, () => g(x), [() => g(x), want, tol], `${keyPrefix}.${peerKey(peer)}`);
    }
  }

  private push(row: ResultRow): void {
    this.rows.push(row);
    // Progress on stderr, so a long run shows where it is.
    const t = row.seconds === undefined ? row.note ?? '' : `${(row.seconds * 1e6).toPrecision(4)} µs`;
    console.error(`  ${row.workload} | ${row.method} | ${t}`);
  }
}

/** A short key for a peer: 'tfjs', 'jaxEager', 'jaxJit', 'mathjs'. */
export function peerKey(peer: Peer): string {
  if (peer.name.startsWith('tfjs')) return 'tfjs';
  if (peer.name.startsWith('jax-js (jit)')) return 'jaxJit';
  if (peer.name.startsWith('jax-js')) return 'jaxEager';
  return peer.name.split(/\s/)[0]!;
}

/** Loads the peers that install and initialise; a failing peer is reported on stderr and left out. */
export async function loadPeers(): Promise<Peer[]> {
  const peers: Peer[] = [];
  const loaders: [string, () => Promise<Peer[]>][] = [
    ['tfjs-core', async () => [await (await import('./peers/tfjs')).createPeer()]],
    ['jax-js', async () => {
      const m = await import('./peers/jax');
      return [await m.createEagerPeer(), await m.createPeer()];
    }],
    ['mathjs', async () => [await (await import('./peers/mathjs')).createPeer()]],
  ];
  for (const [name, load] of loaders) {
    try {
      peers.push(...(await load()));
    } catch (e) {
      console.error(`peer ${name} unavailable: ${(e as Error).message}`);
    }
  }
  return peers;
}

/** '1e4' for 10000. */
export const sci = (n: number): string => n.toExponential().replace('e+', 'e');
