// The CLI's `sparsity` command: the Jacobian (and, for one output, Hessian) pattern of a formula and its colourings.
import { renderSparsityReport, sparsityReport } from '../index';
import { formula } from '../expr/index';
import { parseArgs, parseAssignments, UsageError } from './args';

export const SPARSITY_HELP = `usage: dualtape sparsity "<f1>; <f2>; ..." --at x1=2,x2=5 [--vars x1,x2]

  the sparsity pattern of J read from one recording (a spy plot, each nonzero shown by the
  letter of its column's colour), the column colouring (forward mode) and row colouring
  (reverse mode) with the compressed passes each needs against n and m; for one output,
  also the Hessian's pattern and star colouring. Patterns hold for the branch taken at --at.`;

/** `dualtape sparsity "<f1>; <f2>" --at ...`. */
export function sparsityCommand(argv: readonly string[]): string {
  const args = parseArgs(argv, ['at', 'vars']);
  if (args.positionals.length !== 1) {
    throw new UsageError(`sparsity takes one formula (in quotes, outputs separated by ';'), got ${args.positionals.length} arguments`);
  }
  const vars = args.flags.get('vars');
  const f = formula(args.positionals[0] as string, vars === undefined ? {} : { variables: vars.split(',').map((s) => s.trim()) });
  const at = args.flags.get('at');
  if (at === undefined) throw new UsageError(`sparsity needs --at ${f.variables.map((v, i) => `${v}=${i + 1}`).join(',') || '...'}`);
  const x = f.point(parseAssignments('at', at));
  return renderSparsityReport(sparsityReport(f.fn, x), { inputNames: f.variables });
}
