// The CLI's `code` command: the tangent and adjoint programs of a formula as readable JavaScript (compile(f, x).source).
import { compile } from '../index';
import type { Formula } from '../expr/index';
import { choice, type ParsedArgs } from './args';

export const CODE_HELP = `usage: dualtape code "<formula>" --at x1=2,x2=5 [--mode forward|reverse|both] [--vars x1,x2]

  the derivative program of the formula as JavaScript, one statement per entry of its
  Wengert list, named as the trace tables name them (v_1 for v-1): the tangent program
  (forward mode; inputs x1 .. xn, tangents x1_dot .. xn_dot) and/or the adjoint program
  (reverse mode: the primal sweep, then the adjoint sweep in the backward sweep's order).
  Each is a function body; e.g. new Function('x1', 'x2', src + 'return [v_1_bar, v0_bar]').
  The formula is recorded at --at; a rule that branches on values prints the branch taken there.
  --mode forward|reverse|both  which program(s) (default both)`;

/** What `dualtape code "<formula>" --at ... [--mode ...]` prints for a parsed formula at its point. */
export function codeOf(f: Formula, x: number[], args: ParsedArgs): string {
  const mode = choice('mode', args.flags.get('mode'), ['forward', 'reverse', 'both'] as const, 'both');
  const c = compile(f.fn, x);
  const out: string[] = [];
  if (f.variables.some((v, j) => v !== `x${j + 1}`)) out.push(`// the formula's variables: ${f.variables.map((v, j) => `x${j + 1} is ${v}`).join(', ')}`);
  if (mode !== 'reverse') out.push(c.source('forward'));
  if (mode !== 'forward') out.push(c.source('reverse'));
  return out.join('\n').trimEnd();
}
