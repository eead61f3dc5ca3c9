// The CLI's `scan` command: the memory/recomputation trade-off of a checkpointed scan whose step is a formula, measured for several snapshot counts.
import { checkpointReport, renderCheckpointReport } from '../index';
import type { StepFormula } from '../expr/index';
import { parseArgs, parseAssignments, parseNumbers, UsageError } from './args';

export const SCAN_HELP = `usage: dualtape scan "<step>" --at y=0.5,a=0.5,b=0.3 --length 1000 [--checkpoints 1,4,16]

  the step is one assignment per carry variable, e.g. "y = sin(y)*a + cos(y*b)" or
  "x = x + h*v; v = v - h*x" (simultaneous: each right-hand side reads the carry before
  the step); other variables are parameters, carried along unchanged. The gradient of the
  first carry variable after --length steps is taken with respect to every initial value,
  through the plain loop (every step recorded) and through the binomial (revolve)
  schedule with each snapshot count c; the table shows what each run stored, the most one
  backward sweep held, and what it recomputed, all from the recordings' own accounting.
  --at name=value,...          initial values (every carry variable and parameter)
  --length k                   steps (a positive integer)
  --checkpoints c1,c2,...      snapshot counts (default 1, 2, 4, ... up to k; counts whose
                               sweep would re-run over --budget primitive evaluations are left out)
  --budget n                   that limit (default 30000000)`;

/** What `dualtape scan "<step>" --at ... --length k [...]` prints. */
export function scanReportOf(argv: readonly string[], parse: (text: string) => StepFormula): string {
  const args = parseArgs(argv, ['at', 'length', 'checkpoints', 'budget']);
  if (args.positionals.length !== 1) throw new UsageError(`scan takes one step (in quotes), as "y = sin(y)*a", got ${args.positionals.length} arguments`);
  const step = parse(args.positionals[0] as string);
  const at = args.flags.get('at');
  if (at === undefined) throw new UsageError(`scan needs --at ${step.variables.map((v) => `${v}=1`).join(',')}`);
  const given = parseAssignments('at', at);
  for (const name of Object.keys(given)) {
    if (!step.variables.includes(name)) throw new UsageError(`bad --at: '${name}' is not a variable of the step (${step.variables.join(', ')})`);
  }
  const missing = step.variables.filter((v) => !(v in given));
  if (missing.length > 0) throw new UsageError(`--at has no value for ${missing.join(', ')}`);
  const lengthText = args.flags.get('length');
  const length = lengthText === undefined ? NaN : Number(lengthText);
  if (!Number.isInteger(length) || length < 1) throw new UsageError(`scan needs --length k, a positive integer number of steps, got '${lengthText ?? ''}'`);
  const checkpointsText = args.flags.get('checkpoints');
  const checkpoints = checkpointsText === undefined ? undefined : parseNumbers('checkpoints', checkpointsText);
  const bad = checkpoints?.find((c) => !Number.isInteger(c) || c < 1 || c > length);
  if (bad !== undefined) throw new UsageError(`bad --checkpoints '${checkpointsText}': snapshot counts are integers from 1 to --length (${length}), got ${bad}`);
  const budgetText = args.flags.get('budget');
  const budget = budgetText === undefined ? undefined : Number(budgetText);
  if (budget !== undefined && !(budget > 0)) throw new UsageError(`bad --budget '${budgetText}': expected a positive number`);
  const report = checkpointReport(step.step, step.variables.map((v) => given[v] as number), length, {
    ...(checkpoints === undefined ? {} : { checkpoints }),
    ...(budget === undefined ? {} : { budget }),
  });
  return renderCheckpointReport(report, { variables: step.variables });
}
