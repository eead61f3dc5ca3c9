// Every engine that sweeps a Wengert list, behind one interface, so a test can run over all of them (describe.each).
import { compile, jvp, record, type Value } from '../../src/index';
import { compileModes } from '../../src/compile/compile';

type F = (x: Value[]) => Value | Value[];
const asArray = (y: unknown): number[] => (typeof y === 'number' ? [y] : Array.from(y as ArrayLike<number>));

export interface EngineUnderTest {
  readonly name: string;
  /** f's outputs and the adjoints yBarᵀJ at x, from a list recorded at `recordedAt` (so the evaluate sweep runs too). */
  vjp(f: F, recordedAt: number[], x: number[], yBar: number | number[]): { output: number[]; adjoints: number[] };
  /** The tangents J v at x by this engine's tangent sweep; absent where the engine has none (the list's own). */
  jvp?(f: F, recordedAt: number[], x: number[], v: number[]): number[];
  /** The Hessian of a scalar f at x by this engine's second-order sweep; absent where the engine has none (the list's own). */
  hessian?(f: F, recordedAt: number[], x: number[]): number[][];
}

const listSweep: EngineUnderTest = {
  name: 'list sweep',
  vjp(f, recordedAt, x, yBar) {
    const tape = record(f, recordedAt);
    const output = asArray(tape.replay(x));
    return { output, adjoints: tape.backward(yBar) };
  },
};

const compiled = compileModes.map(
  (engine): EngineUnderTest => ({
    name: engine,
    vjp(f, recordedAt, x, yBar) {
      const c = compile(f, recordedAt, { engine });
      if (c.mode !== engine) throw new Error(`asked for the ${engine} engine, ${c.mode} runs`);
      const output = asArray(c.value(x));
      return { output, adjoints: Array.from(c.vjp(x, yBar) as Float64Array) };
    },
    jvp(f, recordedAt, x, v) {
      const c = compile(f, recordedAt, { engine });
      return asArray(c.jvp(x, v)[1]);
    },
    hessian(f, recordedAt, x) {
      return compile(f, recordedAt, { engine }).hessian(x);
    },
  }),
);

/** The list's own sweep, then compile's engines: 'codegen', 'rerolled', 'interpreter', 'plain interpreter'. */
export const engines: readonly EngineUnderTest[] = [listSweep, ...compiled];

/**
 * The engine replayed at x2 (recorded at x) gives exactly what a fresh recording at x2 gives,
 * outputs and adjoints for `seed`, and, where it has a tangent sweep, exactly a fresh forward pass.
 */
export function expectReplayLikeFresh(engine: EngineUnderTest, f: (x: Value[]) => Value[], x: number[], x2: number[], seed: number[]): void {
  const fresh = record(f, x2);
  const got = engine.vjp(f, x, x2, seed);
  expect(got.output).toEqual(fresh.output);
  expect(got.adjoints).toEqual(fresh.backward(seed));
  if (engine.jvp !== undefined) {
    const v = x.map((_, j) => (j % 2 === 0 ? 1 : -0.5));
    expect(engine.jvp(f, x, x2, v)).toEqual(jvp(f, x2, v)[1]);
  }
}
