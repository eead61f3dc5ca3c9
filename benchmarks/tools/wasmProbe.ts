// What a WebAssembly backend would give compile(), measured before building one (issue #11): the
// Rosenbrock gradient's two sweeps emitted as Wasm by a small emitter of our own, statement for
// statement what the re-rolled JavaScript backend runs (values stored in memory, in-repetition
// adjoints in locals, the same zero-skip tests), timed against compile(f, x).gradient (re-rolled)
// and the hand-written gradient in one process; and a variant that stores only the values other
// repetitions read and recomputes the rest in the backward loop (what a fused backend would do).
// Run: npx tsx benchmarks/tools/wasmProbe.ts [n]; benchmarks/groups/backends.ts (group B of npm run bench) times the same in the run.
import { compile } from '../../src/index';
import { rosenbrock } from '../workloads';

// ----- a minimal Wasm emitter: one module, one imported memory, exported functions -----
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const f64 = (x: number): number[] => Array.from(new Uint8Array(Float64Array.of(x).buffer));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(Buffer.from(s))];

const I32 = 0x7f;
const F64 = 0x7c;
const op = {
  get: (i: number) => [0x20, ...uleb(i)], set: (i: number) => [0x21, ...uleb(i)], tee: (i: number) => [0x22, ...uleb(i)],
  load: (offset: number) => [0x2b, 3, ...uleb(offset)], store: (offset: number) => [0x39, 3, ...uleb(offset)],
  f64: (x: number) => [0x44, ...f64(x)], i32: (x: number) => [0x41, ...sleb(x)],
  add: [0xa0], sub: [0xa1], mul: [0xa2], ne: [0x62], and: [0x71], iadd: [0x6a], isub: [0x6b], ilt: [0x48], ige: [0x4e],
  if: [0x04, 0x40], end: [0x0b], block: [0x02, 0x40], loop: [0x03, 0x40], br: (d: number) => [0x0c, ...uleb(d)], brIf: (d: number) => [0x0d, ...uleb(d)],
};

interface Fn { name: string; params: number[]; locals: number[]; body: number[] }
function moduleOf(fns: Fn[], pages: number): Uint8Array<ArrayBuffer> {
  const types = section(1, vec(fns.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0])));
  const imports = section(2, vec([[...name('m'), ...name('mem'), 0x02, 0x00, ...uleb(pages)]]));
  const funcs = section(3, vec(fns.map((_, i) => uleb(i))));
  const exports = section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])));
  const code = section(10, vec(fns.map((f) => {
    const body = [...vec(f.locals.map((t) => [1, t])), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  })));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...imports, ...funcs, ...exports, ...code]);
}

// ----- Rosenbrock's list, as compile records it: inputs 0..n-1, then per term i (8 entries)
// e0 = x_i², e1 = x_{i+1} − e0, e2 = e1², e3 = 100·e2, e4 = 1 − x_i, e5 = e4², e6 = e3 + e5, e7 = s + e6
// (s: the previous term's e7, or the constant 0 for i = 0). Memory: values at 0, adjoints at 8·L.
function rosenbrockModule(n: number, lean = false, zeroTests = true) {
  const L = n + 8 * (n - 1);
  const A = 8 * L; // byte offset of the adjoints
  // evaluate(): locals 0 i (term), 1 base (byte offset of e0), 2 x_i, 3 e0.. 10 e7, 11 s
  const xi = 2, e = (k: number) => 3 + k, s = 11;
  const ev: number[] = [
    ...op.f64(0), ...op.set(s), ...op.i32(0), ...op.set(0), ...op.i32(8 * n), ...op.set(1),
    ...op.block, ...op.loop,
    ...op.get(0), ...op.i32(n - 1), ...op.ige, ...op.brIf(1),
    // x_i = v[i]
    ...op.get(0), ...op.i32(3), 0x74, ...op.tee(12), ...op.load(0), ...op.set(xi),
    ...op.get(xi), ...op.get(xi), ...op.mul, ...op.set(e(0)),
    ...op.get(12), ...op.load(8), ...op.get(e(0)), ...op.sub, ...op.set(e(1)),
    ...op.get(e(1)), ...op.get(e(1)), ...op.mul, ...op.set(e(2)),
    ...op.f64(100), ...op.get(e(2)), ...op.mul, ...op.set(e(3)),
    ...op.f64(1), ...op.get(xi), ...op.sub, ...op.set(e(4)),
    ...op.get(e(4)), ...op.get(e(4)), ...op.mul, ...op.set(e(5)),
    ...op.get(e(3)), ...op.get(e(5)), ...op.add, ...op.set(e(6)),
    ...op.get(s), ...op.get(e(6)), ...op.add, ...op.set(e(7)), ...op.get(e(7)), ...op.set(s),
    // lean: only the value other repetitions read (e7) is stored; the backward sweep recomputes the rest
    ...(lean ? [7] : [0, 1, 2, 3, 4, 5, 6, 7]).flatMap((k) => [...op.get(1), ...op.get(e(k)), ...op.store(8 * k)]),
    ...op.get(0), ...op.i32(1), ...op.iadd, ...op.set(0),
    ...op.get(1), ...op.i32(64), ...op.iadd, ...op.set(1),
    ...op.br(0), ...op.end, ...op.end,
  ];
  // backward(): per term from the last, g = a[e7] (zeroed as read), adjoints of e0..e6 in locals,
  // each contribution tested as the JavaScript backend tests it (seed and partial both nonzero).
  // locals: 0 i, 1 base, 2 g, 3..9 a0..a6, 10 x_i byte offset, 11 d (a partial)
  const g = 2, a = (k: number) => 3 + k, xo = 10, d = 11;
  const addTo = (target: number[], load: number[], store: number[], seed: number, partial: number[]) =>
    zeroTests
      ? [
          ...op.get(seed), ...op.f64(0), ...op.ne, ...partial, ...op.tee(d), ...op.f64(0), ...op.ne, ...op.and, ...op.if,
          ...target, ...load, ...op.get(seed), ...op.get(d), ...op.mul, ...op.add, ...store, ...op.end,
        ]
      : [...target, ...load, ...op.get(seed), ...partial, ...op.mul, ...op.add, ...store];
  const toLocal = (k: number, seed: number, partial: number[]) =>
    addTo([], op.get(a(k)), op.set(a(k)), seed, partial);
  const toMem = (addr: number[], offset: number, seed: number, partial: number[]) =>
    addTo([...addr], [...addr, ...op.load(offset)], op.store(offset), seed, partial);
  const step = (k: number, body: number[]) =>
    zeroTests ? [...op.get(a(k)), ...op.set(g), ...op.get(g), ...op.f64(0), ...op.ne, ...op.if, ...body, ...op.end] : [...op.get(a(k)), ...op.set(g), ...body];
  const bw: number[] = [
    ...op.i32(n - 2), ...op.set(0),
    ...op.block, ...op.loop,
    ...op.get(0), ...op.i32(0), ...op.ilt, ...op.brIf(1),
    ...op.get(0), ...op.i32(64), 0x6c, ...op.i32(8 * n), ...op.iadd, ...op.set(1),
    ...op.get(0), ...op.i32(3), 0x74, ...op.set(xo),
    ...[0, 1, 2, 3, 4, 5, 6].flatMap((k) => [...op.f64(0), ...op.set(a(k))]),
    // e7 = s + e6: g from memory, zeroed
    ...op.get(1), ...op.load(A + 56), ...op.set(g),
    ...op.get(g), ...op.f64(0), ...op.ne, ...op.if,
    ...op.get(1), ...op.f64(0), ...op.store(A + 56),
    // the previous term's e7 (i > 0): a[base − 8] += g·1
    ...op.get(0), ...op.i32(0), 0x4a, ...op.if, ...toMem(op.get(1), A - 8, g, op.f64(1)), ...op.end,
    ...toLocal(6, g, op.f64(1)),
    ...op.end,
    ...step(6, [...toLocal(3, g, op.f64(1)), ...toLocal(5, g, op.f64(1))]),
    ...step(5, toLocal(4, g, [...op.f64(2), ...(lean ? [...op.f64(1), ...op.get(xo), ...op.load(0), ...op.sub] : [...op.get(1), ...op.load(32)]), ...op.mul])),
    ...step(4, toMem(op.get(xo), A, g, op.f64(-1))),
    ...step(3, toLocal(2, g, op.f64(100))),
    ...step(2, toLocal(1, g, [...op.f64(2), ...(lean ? [...op.get(xo), ...op.load(8), ...op.get(xo), ...op.load(0), ...op.get(xo), ...op.load(0), ...op.mul, ...op.sub] : [...op.get(1), ...op.load(8)]), ...op.mul])),
    ...step(1, [...toMem(op.get(xo), A + 8, g, op.f64(1)), ...toLocal(0, g, op.f64(-1))]),
    ...step(0, toMem(op.get(xo), A, g, [...op.f64(2), ...op.get(xo), ...op.load(0), ...op.mul])),
    ...op.get(0), ...op.i32(1), ...op.isub, ...op.set(0),
    ...op.br(0), ...op.end, ...op.end,
  ];
  return {
    L,
    bytes: moduleOf([
      { name: 'evaluate', params: [], locals: [I32, I32, ...Array(10).fill(F64), I32], body: ev },
      { name: 'backward', params: [], locals: [I32, I32, ...Array(8).fill(F64), I32, F64], body: bw },
    ], Math.ceil((16 * L) / 65536) + 1),
  };
}

/** The variants of the probe: what each Wasm module keeps in memory, and whether it tests for zeros. */
export type WasmVariant = 'same statements' | 'values recomputed' | 'recomputed, no zero tests';

/**
 * The Rosenbrock gradient at n by a Wasm module of the given variant: x copied in, the two
 * sweeps, the inputs' adjoints copied out (and cleared: every other adjoint is zeroed as read).
 * 'recomputed, no zero tests' is not a backend: an exactly-zero partial would meet an infinite
 * adjoint; it only measures what the zero tests cost.
 */
export function rosenbrockWasmGradient(n: number, variant: WasmVariant): (xs: Float64Array) => Float64Array {
  const { L, bytes } = rosenbrockModule(n, variant !== 'same statements', variant !== 'recomputed, no zero tests');
  const memory = new WebAssembly.Memory({ initial: Math.ceil((16 * L) / 65536) + 1 });
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem: memory } }).exports as { evaluate: () => void; backward: () => void };
  const mem = new Float64Array(memory.buffer);
  return (xs) => {
    mem.set(xs, 0);
    wasm.evaluate();
    mem[L + L - 1] = 1; // seed the output's adjoint (the last entry)
    wasm.backward();
    const g = mem.slice(L, L + n);
    mem.fill(0, L, L + n);
    return g;
  };
}

function main(): void {
  const n = Number(process.argv[2] ?? 1e4);
  // The workload and the hand-written gradient are benchmarks/workloads.ts's, as group B uses them.
  const x = rosenbrock.point(n);
  const c = compile(rosenbrock.f, x);
  const g = new Float64Array(n);
  const hand = (xs: Float64Array) => rosenbrock.gradientInto(xs, g);
  const variants: WasmVariant[] = ['same statements', 'values recomputed', 'recomputed, no zero tests'];
  const wasm = variants.map((v) => rosenbrockWasmGradient(n, v));
  const js = Array.from(c.gradient(x) as Float64Array);
  console.log(`n = ${n}; compile mode ${c.mode}; Wasm equals the compiled gradient bit for bit: ${wasm.map((w) => Array.from(w(x)).every((v, i) => Object.is(v, js[i]))).join(', ')}`);
  const time = (f: () => void, reps: number) => {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) f();
    return (performance.now() - t0) / reps;
  };
  const reps = Math.max(1, Math.round(2e6 / n));
  const rows: [string, () => void, number[]][] = [
    ['hand', () => hand(x), []],
    ['compiled (re-rolled JS)', () => c.gradient(x), []],
    ...variants.map((v, k): [string, () => void, number[]] => [`Wasm, ${v}`, () => wasm[k]!(x), []]),
  ];
  for (let round = 0; round < 9; round++) for (const [name, f, t] of rows) t.push(time(f, name === 'hand' ? reps * 4 : reps));
  const med = (v: number[]) => v.sort((p, q) => p - q)[v.length >> 1]!;
  const h = med(rows[0]![2]);
  for (const [k, , v] of rows) console.log(`${k.padEnd(36)} ${(med(v) * 1000).toFixed(1).padStart(9)} µs  ${(med(v) / h).toFixed(2)}× hand-written`);
}

if (process.argv[1] !== undefined && /wasmProbe\.ts$/.test(process.argv[1])) main();
