// npm run bench: runs each workload group in its own child process and merges their rows into one table of medians and ratios.
//
// Every method is checked against the hand-written derivative before it is timed, and every
// ratio is to a hand-written baseline timed in the same process. Prints the table; with
// --write also writes benchmarks/RESULTS.md (machine, Node, date, load average) and
// benchmarks/crossover.svg. `npm run bench -- W2` runs the groups whose id starts with W2;
// BENCH_PEERS=0 skips the peer libraries; BENCH_NODE_FLAGS passes V8 flags to each child
// (e.g. --trace-deopt; node refuses most of them in NODE_OPTIONS). Groups are listed in
// benchmarks/groups/index.ts.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchPart, GroupResult, ResultRow } from './bench';
import { formatRatio, formatSeconds } from './harness';
import { crossoverSvg, type CrossoverPoint } from './plot';
import { groups } from './groups/index';

const here = path.dirname(fileURLToPath(import.meta.url));

function selectGroups(args: string[]) {
  const wanted = args.filter((a) => !a.startsWith('--')).map((a) => a.toLowerCase());
  if (wanted.length === 0) return groups;
  const chosen = groups.filter((g) => wanted.some((w) => g.id.toLowerCase().startsWith(w)));
  if (chosen.length === 0) {
    console.error(`no benchmark group matches ${wanted.join(', ')}; groups: ${groups.map((g) => g.id).join(', ')}`);
    process.exit(2);
  }
  return chosen;
}

/**
 * Bundles one group's child (benchmarks/child.ts's runChild with the group) into one file,
 * with every import of the library (src/index) pointing at the built dist/index.js. Why: the
 * numbers are for the library as users run it. Run from src/ through tsx, the same fresh
 * gradient took 1.5× as long (427 against 282 ns for the worked example, 2026-12-02), and tsx's
 * loader detaches an ArrayBuffer at start-up, which makes V8 check every typed-array access
 * of the process for a detached buffer. The bundle sits in benchmarks/ (as the sources do), so
 * paths taken from import.meta.url still resolve.
 */
async function bundleGroup(id: string, file: string): Promise<string> {
  const outfile = path.join(here, `.bench-${id}.mjs`);
  const dist = path.join(here, '..', 'dist', 'index.js');
  await build({
    stdin: {
      contents: `import group from './groups/${file}';\nimport { runChild } from './child';\nawait runChild(group, process.argv[2]);\n`,
      resolveDir: here,
      loader: 'ts',
      sourcefile: `bench-${id}.ts`,
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // tfjs is bundled from its ES modules (one instance, gradients registered in it: plain node
    // cannot load those modules, whose imports have no file extensions); the other peers load as packages.
    external: ['@jax-js/jax', 'mathjs', 'esbuild'],
    mainFields: ['module', 'main'],
    // CommonJS inside the bundle (tfjs's) still calls require for node's own modules.
    banner: { js: "import { createRequire as createRequire_ } from 'node:module'; const require = createRequire_(import.meta.url);" },
    outfile,
    logLevel: 'error',
    plugins: [{
      name: 'library-from-dist',
      setup(build) {
        build.onResolve({ filter: /\/src\/index$/ }, () => ({ path: dist, external: true }));
      },
    }],
  });
  return outfile;
}

/** Runs one part of a group (see BenchPart) in a fresh plain `node` process and reads back its JSON result. */
function runPart(id: string, file: string, bundle: string, part: BenchPart): GroupResult {
  const out = path.join(os.tmpdir(), `dualtape-bench-${process.pid}-${id}-${part}.json`);
  const r = spawnSync(process.execPath, ['--expose-gc', ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean), bundle, out], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: path.join(here, '..'),
    env: { ...process.env, BENCH_PART: part },
  });
  if (!fs.existsSync(out)) {
    return { id, rows: [{ workload: id, method: `group ${file} (${part})`, note: `child process failed (exit ${r.status ?? r.signal})` }], targets: [], tables: [], data: {}, peerNotes: {}, seconds: 0 };
  }
  const result = JSON.parse(fs.readFileSync(out, 'utf8')) as GroupResult;
  fs.rmSync(out);
  return result;
}

/**
 * Runs one group in fresh plain `node` processes (its bundle, see bundleGroup): a group with
 * peers as two, its library rows without the peers loaded and its peer rows with them (see
 * BenchPart); each peer row is placed after the library rows of its workload.
 */
async function runGroup(id: string, file: string): Promise<GroupResult> {
  console.error(`[${id}] ${file}`);
  const bundle = await bundleGroup(id, file);
  try {
    if (process.env.BENCH_PEERS === '0') return runPart(id, file, bundle, 'all');
    const library = runPart(id, file, bundle, 'library');
    // A group without peers returns at once from this part (runChild).
    const others = runPart(id, file, bundle, 'peers');
    const rows = [...library.rows];
    for (const row of others.rows) {
      let at = rows.length;
      for (let i = rows.length - 1; i >= 0; i--) {
        if (rows[i]!.workload === row.workload) {
          at = i + 1;
          break;
        }
      }
      rows.splice(at, 0, row);
    }
    return { ...library, rows, peerNotes: others.peerNotes, seconds: library.seconds + others.seconds };
  } finally {
    fs.rmSync(bundle, { force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const started = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  const results: GroupResult[] = [];
  for (const g of selectGroups(args)) results.push(await runGroup(g.id, g.file));
  const total = (performance.now() - started) / 1000;

  const rows: ResultRow[] = results.flatMap((r) => r.rows);
  const byKey = new Map(rows.filter((r) => r.key !== undefined).map((r) => [r.key!, r]));
  const ratio = (numKey: string | undefined, denKey: string | undefined): number | undefined => {
    const num = numKey === undefined ? undefined : byKey.get(numKey);
    if (num?.seconds === undefined) return undefined;
    const den = denKey === undefined ? num.baseline : byKey.get(denKey)?.seconds;
    return den === undefined ? undefined : num.seconds / den;
  };
  const targets = results.flatMap((r) => r.targets).map((t) => {
    const value = t.value ?? ratio(t.num, t.den);
    const met = value !== undefined && (t.better === 'below' ? value <= t.limit : value >= t.limit);
    const floor = t.floor === undefined ? undefined : ratio(t.floor.num, t.floor.den);
    return [`#${t.issue}`, t.name, value === undefined ? 'n/a (not measured in this run)' : value.toPrecision(3), floor === undefined ? '' : floor.toPrecision(3), met ? 'met' : 'MISSED'];
  });
  const targetHead = ['issue', 'target', 'measured', 'plain prototype', ''];

  const cpus = os.cpus();
  const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores`;
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  const header = `${machine}; Node ${process.version}; ${when}; load average ${loadAtStart.toFixed(1)} at the start, ${load} at the end`;
  const busy = Math.max(loadAtStart, os.loadavg()[0]!) > cpus.length
    ? [`**The machine was busy (load average above its ${cpus.length} cores): these numbers validate the harness; they are not a record.**`, '']
    : [];

  const tableRows = rows.map((r) => [
    r.workload,
    r.method,
    r.seconds === undefined ? '–' : formatSeconds(r.seconds),
    r.seconds === undefined || r.baseline === undefined ? '' : formatRatio(r.seconds / r.baseline),
    r.note ?? '',
  ]);
  const head = ['workload', 'method', 'median per call', '× hand-written', 'note'];
  const text = (h: string[], body: string[][]) => {
    const widths = h.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    return [line(h), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  };
  const md = (h: string[], body: string[][]) => [`| ${h.join(' | ')} |`, `|${h.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)];
  const tables = results.flatMap((r) => r.tables);

  console.log(`\ndualtape benchmarks: ${header}; ${total.toFixed(0)} s`);
  console.log('(medians; the hand-written baseline its fastest batch; ratio = time / that baseline, timed in the same process)\n');
  console.log(text(head, tableRows));
  for (const t of tables) console.log(`\n${t.title}\n${text(t.head, t.rows)}`);
  console.log(`\nTargets\n${text(targetHead, targets)}`);
  console.log(`\ngroups: ${results.map((r) => `${r.id} ${r.seconds.toFixed(0)} s`).join(', ')}`);

  const partial = results.length < groups.length;
  if (args.includes('--write') && partial) console.log('--write ignored: only a run of every group writes RESULTS.md');
  if (args.includes('--write') && !partial) {
    const peerNotes = new Map<string, Set<string>>();
    for (const r of results) for (const [name, notes] of Object.entries(r.peerNotes)) {
      const s = peerNotes.get(name) ?? new Set<string>();
      notes.forEach((n) => s.add(n));
      peerNotes.set(name, s);
    }
    const doc = [
      '# Benchmark results',
      '',
      `Generated by \`npm run bench -- --write\` (groups ${results.map((r) => r.id).join(', ')}) on ${header}. Total run ${total.toFixed(0)} s.`,
      '',
      'The library measured is the built one (dist/, as users run it): each workload group is bundled against it and runs',
      'in its own plain Node process (benchmarks/child.ts), so one workload\'s JIT state and garbage do',
      'not leak into another\'s timings. Medians of repeated batches (for the hand-written baseline, its fastest batch:',
      'noise only slows it, and a slowed baseline would flatter every ratio of its workload); ratios are × the hand-written',
      'code of the same workload timed in the same process (lower is better). Each method runs in a timing loop of its own',
      '(made with new Function), so V8 inlines it, or not, as it does the baseline (a loop shared by every method inlined',
      'only the first one timed, usually the baseline, which earlier runs measured up to 2× slower than its best when it came later).',
      'The hand-written baselines are the fastest straightforward',
      'code: one fused loop, each input read once, output written into a preallocated array; the allocating variant',
      '(a fresh array per call, as dualtape returns) is listed beside it. Every method\'s result is checked against the',
      'hand-written one before it is timed. Expect ±30% noise on any single number on a shared machine (see load average).',
      '',
      ...busy,
      ...md(head, tableRows),
      '',
      ...tables.flatMap((t) => [`## ${t.title}`, '', ...(t.intro ?? []), ...(t.intro ? [''] : []), ...md(t.head, t.rows), '']),
      '## Peer notes',
      '',
      ...[...peerNotes].flatMap(([name, notes]) => [`**${name}**`, '', ...[...notes].map((n) => `- ${n}`), '']),
      '## Targets (issues #10, #11 and later)',
      '',
      'Each target as its issue states it; the value is the ratio (or figure) named in the target, from this run.',
      '"Plain prototype" is the same ratio for benchmarks/floor.ts, timed in the same processes: the plainest AD of one object',
      'per primitive (a dual number; a flat typed-array tape with one switch sweep), with no nesting, guards, custom rules or',
      'argument checks, as issue #10\'s calibration describes. What it costs is what the design costs before any feature.',
      '',
      ...md(targetHead, targets),
    ].join('\n');
    fs.writeFileSync(path.join(here, 'RESULTS.md'), doc.trimEnd() + '\n');
    const cross = results.find((r) => r.data.crossover)?.data.crossover as CrossoverPoint[] | undefined;
    if (cross) fs.writeFileSync(path.join(here, 'crossover.svg'), crossoverSvg(cross));
    console.log(`wrote benchmarks/RESULTS.md${cross ? ' and benchmarks/crossover.svg' : ''}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
