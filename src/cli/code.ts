// `dualtape code`: the tangent and adjoint programs of a formula, as readable JavaScript (compile(f, x).source).
import { compile } from '../index';
import { formula } from '../expr/index';
import { choice, parseArgs, parseAssignments, UsageError } from './args';

/** The command's help text. */
export const CODE_HELP = `usage: dualtape code "<formula>" --at x1=2,x2=5 [--mode forward|reverse|both] [--vars x1,x2]

  prints the derivative program of the formula as JavaScript, one statement per entry of its
  Wengert list, named as the trace tables name them (v_1 for v-1): the tangent program
  (forward mode, inputs x1 .. xn and tangents x1_dot .. xn_dot) and/or the adjoint program
  (reverse mode: the primal sweep, then the adjoint sweep in the backward sweep's order).
  The formula is recorded at --at; a rule that branches on values prints the branch taken there.
  --mode forward|reverse|both  which program(s) (default both)`;

/** Runs `dualtape code` on its arguments (after the command name); the text to print. */
export function code(argv: readonly string[]): string {
  const args = parseArgs(argv, ['at', 'vars', 'mode']);
  if (args.positionals.length !== 1) throw new UsageError(`code takes one formula (in quotes), got ${args.positionals.length} arguments`);
  const vars = args.flags.get('vars');
  const f = formula(args.positionals[0] as string, vars === undefined ? {} : { variables: vars.split(',').map((s) => s.trim()) });
  const mode = choice('mode', args.flags.get('mode'), ['forward', 'reverse', 'both'] as const, 'both');
  const at = args.flags.get('at');
  if (at === undefined) throw new UsageError(`code needs --at ${f.variables.map((v, i) => `${v}=${i + 1}`).join(',') || '...'}`);
  const x = f.point(parseAssignments('at', at));
  const c = compile(f.fn, x);
  const out: string[] = [];
  const renamed = f.variables.some((v, j) => v !== `x${j + 1}`);
  if (renamed) out.push(`// the formula's variables: ${f.variables.map((v, j) => `x${j + 1} is ${v}`).join(', ')}`);
  if (mode !== 'reverse') out.push(c.source('forward'));
  if (mode !== 'forward') out.push(c.source('reverse'));
  return out.join('\n').trimEnd();
}
