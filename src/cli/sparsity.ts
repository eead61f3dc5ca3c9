// The CLI's `sparsity` command: the Jacobian (and, for one output, Hessian) pattern of a formula and its colourings.
import { renderSparsityReport, sparsityReport } from '../index';
import type { Formula } from '../expr/index';

export const SPARSITY_HELP = `usage: dualtape sparsity "<f1>; <f2>; ..." --at x1=2,x2=5 [--vars x1,x2]

  the sparsity pattern of J read from one recording (a spy plot, each nonzero shown by the
  letter of its column's colour), the column colouring (forward mode) and row colouring
  (reverse mode) with the compressed passes each needs against n and m; for one output,
  also the Hessian's pattern and star colouring. Patterns hold for the branch taken at --at.`;

/** What `dualtape sparsity "<f1>; <f2>" --at ...` prints for a parsed formula at its point. */
export function sparsityReportOf(f: Formula, x: number[]): string {
  return renderSparsityReport(sparsityReport(f.fn, x), { inputNames: f.variables });
}
