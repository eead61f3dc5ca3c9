// The code view's model: the tangent and adjoint programs that compile(f, x).source() prints, each line tied to the recording's entry it comes from, and the lines each trace step is.
import { compile, type VectorFunction } from '../index';
import { jsNodeName } from '../compile/source';
import type { ForwardTraceTable, ReverseTraceTable } from '../index';

/**
 * One line of a generated program, with what it computes. `entry` is the recording's entry
 * index (0 .. entries-1, inputs first) the line assigns (`primal`, `tangent`) or adds to (`seed`,
 * `adjoint`); an adjoint line's `from` is the entry whose adjoint it pulls back. `outputs` is
 * the tangent program's closing comment naming the outputs; `other` is a comment, declaration
 * or helper.
 */
export interface ProgramLine {
  readonly text: string;
  readonly role: 'primal' | 'tangent' | 'seed' | 'adjoint' | 'outputs' | 'other';
  readonly entry?: number;
  readonly from?: number;
}

/** Both programs of one recording, or why they could not be printed (the rest of the page still works). */
export type Programs =
  | { readonly ok: true; readonly forward: readonly ProgramLine[]; readonly reverse: readonly ProgramLine[] }
  | { readonly ok: false; readonly message: string };

const NAME = String.raw`v_?\d+`;

/**
 * Splits a program printed by `compile(f, x).source(mode)` into lines and ties each to its
 * entry by the names the printer gives (v-1 is `v_1`), so the page shows exactly the library's
 * text and nothing here generates code.
 *
 * @example
 * ```ts
 * const lines = programLines(compile(workedExample, [2, 5]).source('reverse'), 2, 7);
 * lines.find((l) => l.text === 'v0_bar += v3_bar * Math.cos(v0);'); // { role: 'adjoint', entry: 1, from: 4, ... }
 * ```
 */
export function programLines(source: string, inputCount: number, entryCount: number): ProgramLine[] {
  const index = new Map<string, number>();
  for (let i = 0; i < entryCount; i++) index.set(jsNodeName(i, inputCount), i);
  const text = source.endsWith('\n') ? source.slice(0, -1) : source;
  return text.split('\n').map((line): ProgramLine => {
    const assign = new RegExp(`^(${NAME})(_dot|_bar)? ([-+]?)= (.*)$`).exec(line);
    const entry = assign === null ? undefined : index.get(assign[1] as string);
    if (assign === null || entry === undefined) {
      return { text: line, role: /^\/\/ y\w* = /.test(line) ? 'outputs' : 'other' };
    }
    const suffix = assign[2];
    if (suffix === undefined) return { text: line, role: 'primal', entry };
    if (suffix === '_dot') return { text: line, role: 'tangent', entry };
    // v_k_bar += <v_i_bar times a partial>: the adjoint of entry i pulled back to k; without a v…_bar on the right, an output's seed.
    const source = new RegExp(`\\b(${NAME})_bar\\b`).exec(assign[4] as string);
    const from = source === null ? undefined : index.get(source[1] as string);
    return from === undefined ? { text: line, role: 'seed', entry } : { text: line, role: 'adjoint', entry, from };
  });
}

/**
 * The tangent and adjoint programs of f at the point, as `compile(f, x).source(...)` prints them.
 *
 * @example
 * ```ts
 * const p = derivativePrograms(workedExample, [2, 5]);
 * if (p.ok) p.forward[7]!.text; // 'v1_dot = v_1_dot / v_1;'
 * ```
 */
export function derivativePrograms(f: VectorFunction, point: readonly number[], entryCount: number): Programs {
  try {
    const compiled = compile(f, point);
    return {
      ok: true,
      forward: programLines(compiled.source('forward'), point.length, entryCount),
      reverse: programLines(compiled.source('reverse'), point.length, entryCount),
    };
  } catch (err) {
    return { ok: false, message: `the derivative programs cannot be printed for this formula: ${(err as Error).message}` };
  }
}

/**
 * For each forward-trace row, the tangent program's lines it is: an entry's `v = …` and
 * `v_dot = …`; an output row, the closing line that names the outputs.
 *
 * @example
 * ```ts
 * forwardStepLines(lines, model.forward)[2]; // [6, 7]: 'v1 = Math.log(v_1);' and 'v1_dot = v_1_dot / v_1;'
 * ```
 */
export function forwardStepLines(lines: readonly ProgramLine[], trace: ForwardTraceTable): number[][] {
  const at = (keep: (l: ProgramLine) => boolean) => lines.flatMap((l, k) => (keep(l) ? [k] : []));
  return trace.rows.map((r) =>
    r.kind === 'output' ? at((l) => l.role === 'outputs') : at((l) => (l.role === 'primal' || l.role === 'tangent') && l.entry === r.index),
  );
}

/** What a reverse step lights up in the adjoint program: its own statement(s), and every statement of the entry being pulled back. */
export interface ReverseStepLines {
  readonly current: readonly number[];
  readonly entry: readonly number[];
}

/**
 * For each reverse-trace row, the adjoint program's lines: a seed row is its output's seed
 * statement (`v5_bar += 1`); an update row (entry i's adjoint pulled back to its argument k)
 * is the statement adding to k's adjoint from i's, and all of entry i's statements form its
 * group. `args` gives each entry's arguments (the forward trace's rows), so an entry used twice
 * by one op (x * x) finds its own one of the two statements.
 *
 * @example
 * ```ts
 * reverseStepLines(lines, model.reverse, model.forward)[5]; // { current: [16], entry: [16] }: 'v0_bar += v3_bar * Math.cos(v0);'
 * ```
 */
export function reverseStepLines(lines: readonly ProgramLine[], trace: ReverseTraceTable, forward: ForwardTraceTable): ReverseStepLines[] {
  const argsOf = new Map<number, readonly ({ entry: number } | { constant: number })[]>();
  for (const r of forward.rows) if (r.kind !== 'output') argsOf.set(r.index, r.args);
  const seedLines = lines.flatMap((l, k) => (l.role === 'seed' ? [k] : []));
  let seeds = 0;
  return trace.rows.map((r) => {
    if (r.kind === 'seed' || r.from === null) {
      // the trace and the program both seed the outputs that are entries, in output order
      const k = seedLines[seeds++];
      return { current: k === undefined ? [] : [k], entry: [] };
    }
    const from = r.from;
    const group = lines.flatMap((l, k) => (l.role === 'adjoint' && l.from === from ? [k] : []));
    const same = group.filter((k) => lines[k]!.entry === r.index);
    // which of several statements adding to the same adjoint (an argument used twice) this argument's is
    const args = argsOf.get(from) ?? [];
    const nth = args.slice(0, r.argument ?? 0).filter((a) => 'entry' in a && a.entry === r.index).length;
    const own = same[nth];
    return { current: own === undefined ? same : [own], entry: group };
  });
}
