// Every ```ts block of the README runs as written, and every value its comments claim is what the code gives.
import * as ts from 'typescript';
import * as core from '../../src/index';
import * as expr from '../../src/expr/index';
import { instrument, mismatch, parseClaim, readmeBlocks, type Claim } from './readmeBlocks';

const blocks = readmeBlocks();

/** Runs a block (imports of dualtape and dualtape/expr served from the sources); returns each checked line's outcome. */
function run(code: string, count: number): { value?: unknown; error?: unknown }[] {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const outcomes: { value?: unknown; error?: unknown }[] = new Array(count);
  const load = (id: string) => {
    if (id === 'dualtape') return core;
    if (id === 'dualtape/expr') return expr;
    throw new Error(`README block imports '${id}', which is not dualtape`);
  };
  const check = (k: number, thunk: () => unknown) => {
    try {
      outcomes[k] = { value: thunk() };
    } catch (error) {
      outcomes[k] = { error };
    }
  };
  new Function('require', 'exports', '__check', js)(load, {}, check);
  return outcomes;
}

describe('README ```ts blocks', () => {
  test('there are blocks, and each imports what it uses from dualtape', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const b of blocks) expect(b.code).toMatch(/from 'dualtape(\/expr)?'/);
  });

  test.each(blocks.map((b) => [b.line, b] as const))('the block at README line %d runs and prints what it says', (_, block) => {
    const { code, checks } = instrument(block);
    const outcomes = run(code, checks.length);
    checks.forEach((c, k) => {
      const outcome = outcomes[k];
      const where = `README line ${c.line}: ${c.expression}`;
      if (outcome === undefined) throw new Error(`${where} never ran`);
      if (c.claim.kind === 'throws') {
        if (outcome.error === undefined) throw new Error(`${where} should throw a ${c.claim.name}`);
        expect([where, (outcome.error as Error).name]).toEqual([where, c.claim.name]);
        expect([where, (outcome.error as Error).message]).toEqual([where, expect.stringContaining(c.claim.message)]);
        return;
      }
      if (outcome.error !== undefined) throw new Error(`${where} threw ${String(outcome.error)}`);
      expect([where, mismatch(c.claim, outcome.value)]).toEqual([where, undefined]);
    });
  });
});

describe('reading claims', () => {
  const claim = (s: string) => parseClaim(s) as Claim;
  test('numbers to the digits shown', () => {
    expect(mismatch(claim('1.716...'), 1.7163378145367738)).toBeUndefined();
    expect(mismatch(claim('1.717...'), 1.7163378145367738)).toMatch(/does not start/);
    expect(mismatch(claim('[0.5, 0.5]'), [0.5000000000000275, 0.5])).toMatch(/\[0\]: 0.5000000000000275 is not exactly 0.5/);
    expect(mismatch(claim('~0.5'), 0.5000000000000275)).toBeUndefined();
    expect(mismatch(claim('Float64Array [3, 0]'), new Float64Array([3, 0]))).toBeUndefined();
    expect(mismatch(claim('Float64Array [3, 0]'), [3, 0])).toMatch(/Float64Array/);
    expect(mismatch(claim('[[5.5, 1.7163378145367738]]   2 forward passes'), [[5.5, 1.7163378145367738]])).toBeUndefined();
  });
  test('prose and expressions are not claims', () => {
    for (const s of ["'text' (aligned)", '-cos(0.5): third derivative', 'the Wengert list', "[{ index: 0, op: 'input' }]", 'f.variables: [1]']) {
      expect(parseClaim(s)).toBeUndefined();
    }
  });
  test('a line that claims a value it does not give fails', () => {
    const { code, checks } = instrument({ line: 1, code: "import { grad, mul } from 'dualtape';\ngrad((x) => mul(x[0], x[0]))([3]);   // [7]" });
    expect(checks).toHaveLength(1);
    expect(mismatch(checks[0]!.claim, run(code, 1)[0]!.value)).toMatch(/6 is not exactly 7/);
  });
});
