// `dualtape code` in process (the built CLI is run end to end in cli.test.ts).
import { code } from '../../src/cli/code';
import { UsageError } from '../../src/cli/args';
import { FormulaError } from '../../src/expr/index';
import { compile, workedExample } from '../../src/index';

const WORKED = 'ln(x1) + x1*x2 - sin(x2)';

test("the issue's command prints the adjoint program of compile(f, x).source('reverse')", () => {
  const out = code([WORKED, '--at', 'x1=2,x2=5', '--mode', 'reverse']);
  expect(`${out}\n`).toBe(compile(workedExample, [2, 5]).source('reverse'));
  const gradient = new Function('x1', 'x2', `${out}\nreturn [v_1_bar, v0_bar];`) as (a: number, b: number) => number[];
  expect(gradient(2, 5)).toEqual([5.5, 1.7163378145367738]);
});

test('--mode forward, and both by default; variables other than x1 .. xn are named in a comment', () => {
  expect(code([WORKED, '--at', 'x1=2,x2=5', '--mode', 'forward'])).toContain('v1_dot = v_1_dot / v_1;');
  const both = code(['x*y; sin(x)', '--at', 'x=1,y=2']);
  expect(both.split('\n')[0]).toBe("// the formula's variables: x1 is x, x2 is y");
  expect(both).toContain('// Tangent program');
  expect(both).toContain('// Adjoint program');
  expect(both).toContain('v1_bar += y1_bar;');
});

test.each([
  [[WORKED, '--at', 'x1=2,x2=5', '--mode', 'sideways'], UsageError, /bad --mode 'sideways'/],
  [[WORKED], UsageError, /code needs --at x1=1,x2=2/],
  [[WORKED, 'extra', '--at', 'x1=2,x2=5'], UsageError, /code takes one formula \(in quotes\), got 2 arguments/],
  [['foo(x1)', '--at', 'x1=1'], FormulaError, /unknown function 'foo' at position 1/],
  [[WORKED, '--at', 'x1=2,x2=5', '--seed', 'x1'], UsageError, /unknown option --seed/],
] as [string[], new (...a: never[]) => Error, RegExp][])('bad input %j', (argv, kind, message) => {
  expect(() => code(argv)).toThrow(kind);
  expect(() => code(argv)).toThrow(message);
});
