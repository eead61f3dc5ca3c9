// `dualtape code` in process (the built CLI, with its bad-input exits, is run end to end in cli.test.ts).
import { codeOf } from '../../src/cli/code';
import { parseArgs, UsageError } from '../../src/cli/args';
import { formula } from '../../src/expr/index';
import { compile, workedExample } from '../../src/index';

const WORKED = 'ln(x1) + x1*x2 - sin(x2)';
const run = (text: string, at: Record<string, number>, flags: string[] = []) => {
  const f = formula(text);
  return codeOf(f, f.point(at), parseArgs(flags, ['mode']));
};

test("the issue's command prints the adjoint program of compile(f, x).source('reverse')", () => {
  const out = run(WORKED, { x1: 2, x2: 5 }, ['--mode', 'reverse']);
  expect(`${out}\n`).toBe(compile(workedExample, [2, 5]).source('reverse'));
  const gradient = new Function('x1', 'x2', `${out}\nreturn [v_1_bar, v0_bar];`) as (a: number, b: number) => number[];
  expect(gradient(2, 5)).toEqual([5.5, 1.7163378145367738]);
});

test('--mode forward, and both by default; variables other than x1 .. xn are named in a comment', () => {
  expect(run(WORKED, { x1: 2, x2: 5 }, ['--mode', 'forward'])).toContain('v1_dot = v_1_dot / v_1;');
  const both = run('x*y; sin(x)', { x: 1, y: 2 });
  expect(both.split('\n')[0]).toBe("// the formula's variables: x1 is x, x2 is y");
  expect(both).toContain('// Tangent program');
  expect(both).toContain('// Adjoint program');
  expect(both).toContain('v1_bar += y1_bar;');
});

test('a bad --mode is a UsageError naming it', () => {
  expect(() => run(WORKED, { x1: 2, x2: 5 }, ['--mode', 'sideways'])).toThrow(UsageError);
  expect(() => run(WORKED, { x1: 2, x2: 5 }, ['--mode', 'sideways'])).toThrow(/bad --mode 'sideways'/);
});
