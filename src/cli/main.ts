// The command line: the worked example, and traces, graphs, Jacobian reports and checks for any formula.
import { readFileSync } from 'node:fs';
import {
  computationalGraph, forwardTrace, grad, graphToDot, graphToMermaid, jacfwd, jacobianReport, jacrev, jvp, record,
  renderGradientCheck, renderJacobianReport, renderTrace, reverseTrace, valueAndGrad, workedExample,
  workedExamplePoint, workedExampleFormula,
} from '../index';
import type { Formula } from '../expr/index';
import { choice, parseArgs, parseAssignments, parseNumbers, UsageError, type ParsedArgs } from './args';
import { SPARSITY_HELP, sparsityReportOf } from './sparsity';
import { CODE_HELP, codeOf } from './code';
import { SCAN_HELP, scanReportOf } from './scan';

/**
 * dualtape/expr, and mathjs with it, is loaded only by the commands that parse a formula, so
 * that `--help`, `--version` and `example` start without it (loading mathjs takes most of a second).
 */
const loadExpr = () => import('../expr/index');

const SYNTAX = `formulas use mathjs syntax: + - * / ^, ln (natural log), log(x) or log(x, base), sqrt, exp,
sin, cos, ..., any dualtape primitive by name, pi, e; several outputs separated by ';'.
Variables are the formula's free symbols in natural order (x1, x2, ..., x10), or --vars;
a formula without variables needs no --at (or --at "").`;

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(6).replace(/0+$/, '');
}

function example(): string {
  const x = [...workedExamplePoint];
  const lines: string[] = [];
  lines.push(`f(x1, x2) = ${workedExampleFormula}   at x1 = ${x[0]}, x2 = ${x[1]}`, '');
  const [y, g] = valueAndGrad(workedExample)(x);
  lines.push(`value               y = ${fmt(y)}`, '');
  lines.push('forward mode (one pass per input, seed = unit tangent):');
  x.forEach((_, j) => {
    const seed = x.map((__, k) => (k === j ? 1 : 0));
    lines.push(`  jvp seed [${seed.join(', ')}]   dy/dx${j + 1} = ${fmt(jvp(workedExample, x, seed)[1])}`);
  });
  lines.push('', 'reverse mode (one recording, one backward sweep from y-bar = 1):');
  const tape = record(workedExample, x);
  lines.push(`  Wengert list: ${tape.length} entries (${tape.inputCount} inputs, ${tape.length - tape.inputCount} primitives)`);
  lines.push(`  grad             [${grad(workedExample)(x).map(fmt).join(', ')}]`);
  lines.push(`  (valueAndGrad    [${g.map(fmt).join(', ')}])`, '');
  lines.push('Jacobian (1 x 2):');
  lines.push(`  jacfwd (2 forward passes)   [${jacfwd(workedExample)(x)[0]!.map(fmt).join(', ')}]`);
  lines.push(`  jacrev (1 backward sweep)   [${jacrev(workedExample)(x)[0]!.map(fmt).join(', ')}]`);
  lines.push('', `dy/dx2 = 2 - cos 5 = ${2 - Math.cos(5)} exactly: ${g[1] === 2 - Math.cos(5) ? 'yes' : 'NO'}`);
  lines.push('', 'forward primal trace and tangent trace for dy/dx1 (seed x1-dot = 1, x2-dot = 0):', '');
  lines.push(renderTrace(forwardTrace(workedExample, x)));
  lines.push('', 'reverse adjoint trace (seed y-bar = 1):', '');
  lines.push(renderTrace(reverseTrace(workedExample, x)));
  return lines.join('\n');
}

interface Problem {
  f: Formula;
  x: number[];
  args: ParsedArgs;
}

async function problem(command: string, argv: readonly string[], known: string[]): Promise<Problem> {
  const args = parseArgs(argv, ['at', 'vars', ...known]);
  if (args.positionals.length !== 1) {
    throw new UsageError(`${command} takes one formula (in quotes), got ${args.positionals.length} arguments`);
  }
  const vars = args.flags.get('vars');
  const { formula } = await loadExpr();
  const f: Formula = formula(args.positionals[0] as string, vars === undefined ? {} : { variables: vars.split(',').map((s) => s.trim()) });
  const at = args.flags.get('at');
  // a formula without variables is evaluated at the empty point: --at is optional there, and may be ""
  if (at === undefined && f.variables.length > 0) {
    throw new UsageError(`${command} needs --at ${f.variables.map((v, i) => `${v}=${i + 1}`).join(',')}`);
  }
  const values = at === undefined || at.trim() === '' ? {} : parseAssignments('at', at);
  return { f, x: f.point(values), args };
}

function forwardSeed(f: Formula, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  if (text.includes('=')) {
    const given = parseAssignments('seed', text);
    for (const name of Object.keys(given)) {
      if (!f.variables.includes(name)) throw new UsageError(`bad --seed: '${name}' is not a variable (${f.variables.join(', ')})`);
    }
    return f.variables.map((v) => given[v] ?? 0);
  }
  const j = f.variables.indexOf(text.trim());
  if (j < 0) throw new UsageError(`bad --seed '${text}': expected a variable (${f.variables.join(', ')}) or name=value pairs`);
  return f.variables.map((_, k) => (k === j ? 1 : 0));
}

function reverseSeed(f: Formula, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*y?(\d+)\s*$/.exec(text);
  if (m && !text.includes(',') && (text.trim().startsWith('y') || f.outputCount > 1)) {
    const i = Number(m[1]) - 1;
    if (i < 0 || i >= f.outputCount) throw new UsageError(`bad --yseed '${text}': the formula has ${f.outputCount} output(s)`);
    return Array.from({ length: f.outputCount }, (_, k) => (k === i ? 1 : 0));
  }
  const values = parseNumbers('yseed', text);
  if (values.length !== f.outputCount) {
    throw new UsageError(`bad --yseed '${text}': expected ${f.outputCount} number(s), one per output`);
  }
  return values;
}

/**
 * The issue's CLI has one `--seed`; `--yseed` names the reverse seed explicitly. So `--seed`
 * also means the output adjoint where nothing else can be meant: with `--mode reverse`, or
 * when it names an output (`y`, `y2`) rather than a variable.
 */
function seedsFor(f: Formula, mode: string, seedText: string | undefined, ySeedText: string | undefined) {
  const namesOutput = seedText !== undefined && /^\s*y\d*\s*$/.test(seedText) && !f.variables.includes(seedText.trim());
  if (ySeedText === undefined && seedText !== undefined && (mode === 'reverse' || namesOutput)) {
    const asOutput = namesOutput && seedText.trim() === 'y' ? 'y1' : seedText;
    return { seed: undefined, yBar: reverseSeed(f, asOutput) };
  }
  return { seed: forwardSeed(f, seedText), yBar: reverseSeed(f, ySeedText) };
}

async function trace(argv: readonly string[]): Promise<string> {
  const { f, x, args } = await problem('trace', argv, ['mode', 'seed', 'yseed', 'format']);
  const mode = choice('mode', args.flags.get('mode'), ['forward', 'reverse', 'both'] as const, 'both');
  const format = choice('format', args.flags.get('format'), ['text', 'markdown', 'latex'] as const, 'text');
  const { seed, yBar } = seedsFor(f, mode, args.flags.get('seed'), args.flags.get('yseed'));
  const out: string[] = [];
  if (mode !== 'reverse') {
    const t = forwardTrace(f.fn, x, { inputNames: f.variables, ...(seed ? { seed } : {}) });
    if (format === 'text') out.push(`forward trace, seed x-dot = [${t.seed.join(', ')}]:`, '');
    out.push(renderTrace(t, format));
  }
  if (mode !== 'forward') {
    const t = reverseTrace(f.fn, x, { inputNames: f.variables, ...(yBar ? { yBar } : {}) });
    if (out.length > 0) out.push('');
    if (format === 'text') out.push(`reverse trace, seed y-bar = [${t.yBar.join(', ')}]:`, '');
    out.push(renderTrace(t, format));
  }
  return out.join('\n');
}

async function graph(argv: readonly string[]): Promise<string> {
  const { f, x, args } = await problem('graph', argv, ['format', 'annotate', 'seed', 'yseed']);
  const format = choice('format', args.flags.get('format'), ['dot', 'mermaid'] as const, 'dot');
  const annotate = choice('annotate', args.flags.get('annotate'), ['none', 'tangent', 'adjoint', 'both'] as const, 'none');
  const seed = forwardSeed(f, args.flags.get('seed'));
  const yBar = reverseSeed(f, args.flags.get('yseed'));
  const g = computationalGraph(f.fn, x, { inputNames: f.variables, annotate, ...(seed ? { seed } : {}), ...(yBar ? { yBar } : {}) });
  return format === 'dot' ? graphToDot(g) : graphToMermaid(g);
}

async function jacobianCommand(argv: readonly string[]): Promise<string> {
  const { f, x } = await problem('jacobian', argv, []);
  return renderJacobianReport(jacobianReport(f.fn, x), { inputNames: f.variables });
}

async function check(argv: readonly string[]): Promise<string> {
  const { f, x, args } = await problem('check', argv, ['step']);
  const stepText = args.flags.get('step');
  const step = stepText === undefined ? undefined : Number(stepText);
  if (step !== undefined && !(step > 0 && Number.isFinite(step))) throw new UsageError(`bad --step '${stepText}': expected a positive number`);
  const { checkFormula } = await loadExpr();
  const c = checkFormula(f, Object.fromEntries(f.variables.map((v, j) => [v, x[j] as number])), step === undefined ? {} : { step });
  const lines = [renderGradientCheck(c, { inputNames: f.variables, extra: [{ header: '|fwd-mathjs|', values: c.forwardVsSymbolic }] })];
  for (const e of c.symbolicErrors) lines.push(`note: ${e}`);
  return lines.join('\n');
}

/** One command of the CLI: its lines in `dualtape --help`, its own --help text, and what it does. */
interface Command {
  /** `name args   description` as `dualtape --help` lists it (a second line may follow). */
  readonly usage: string;
  readonly help: string;
  run(argv: readonly string[]): string | Promise<string>;
}

/** Every command, in the order `dualtape --help` lists them: a new command is one more entry here. */
const COMMANDS: Record<string, Command> = {
  example: {
    usage: `example                      the seed notes' worked example, f(x1, x2) = ${workedExampleFormula} at (2, 5),
                             differentiated in forward and reverse mode, with both trace tables`,
    help: `usage: dualtape example

  the seed notes' worked example in both modes, with its two trace tables`,
    run: () => example(),
  },
  trace: {
    usage: 'trace "<formula>" --at ...   evaluation-trace tables (primal + tangent, adjoint)',
    help: `usage: dualtape trace "<formula>" --at x1=2,x2=5 [options]

  --at name=value,...          the point (every variable)
  --mode forward|reverse|both  which table(s) (default both)
  --seed x1 | x1=1,x2=0.5      forward tangent seed (default: the first variable); with
                               --mode reverse, or naming an output (y2), the output adjoint
  --yseed y2 | 1,0             reverse output adjoint (default: the first output)
  --format text|markdown|latex (default text)
  --vars x1,x2                 variable order (default: natural order of the free symbols)`,
    run: trace,
  },
  graph: {
    usage: 'graph "<formula>" --at ...   the computational graph as Graphviz DOT or Mermaid',
    help: `usage: dualtape graph "<formula>" --at x1=2,x2=5 [options]

  --format dot|mermaid         (default dot; render with: dot -Tsvg)
  --annotate none|tangent|adjoint|both   add tangents and/or adjoints (default none)
  --seed, --yseed, --vars      as for trace`,
    run: graph,
  },
  jacobian: {
    usage: 'jacobian "<f1>; <f2>" --at ...  J by both modes, with passes, evaluations and memory of each',
    help: `usage: dualtape jacobian "<f1>; <f2>; ..." --at x1=2,x2=5 [--vars x1,x2]

  computes J in forward mode (one pass per column) and reverse mode (one sweep per row),
  and states passes, primitive evaluations, values stored, and what jacobian 'auto' picks`,
    run: jacobianCommand,
  },
  check: {
    usage: 'check "<formula>" --at ...   forward vs reverse vs finite differences vs mathjs derivative',
    help: `usage: dualtape check "<formula>" --at x1=2,x2=5 [--step h] [--vars x1,x2]

  compares forward mode, reverse mode, central finite differences (step h, default
  cbrt(eps) * max(1, |x|)) and mathjs's symbolic derivative; prints the largest
  discrepancy per input. Where a derivative is infinite or NaN (a singular point),
  finite differences cannot approximate it and are marked unreliable.`,
    run: check,
  },
  sparsity: {
    usage: 'sparsity "<f1>; <f2>" --at ...  the pattern of J (and H) and its colourings: compressed vs dense passes',
    help: SPARSITY_HELP,
    run: async (argv) => {
      const { f, x } = await problem('sparsity', argv, []);
      return sparsityReportOf(f, x);
    },
  },
  scan: {
    usage: `scan "<step>" --at ... --length k   a checkpointed scan's memory vs recomputation for several
                             snapshot counts c, e.g. scan "y = sin(y)*a + cos(y*b)" --at y=0.5,a=0.5,b=0.3 --length 1000`,
    help: SCAN_HELP,
    run: async (argv) => scanReportOf(argv, (await loadExpr()).stepFormula),
  },
  code: {
    usage: 'code "<formula>" --at ...    the tangent and adjoint programs as JavaScript (--mode forward|reverse)',
    help: CODE_HELP,
    run: async (argv) => {
      const { f, x, args } = await problem('code', argv, ['mode']);
      return codeOf(f, x, args);
    },
  },
};

function usage(): string {
  return [
    'usage: dualtape <command> [options]',
    '',
    'commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.replace(/\n\s*/g, '\n                               ')}`),
    '  help                         this text (also: dualtape <command> --help)',
    '  --version                    the version of dualtape',
    '',
    SYNTAX,
  ].join('\n');
}

/** The version in dualtape's package.json, one directory above dist/ (where this file runs from). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Bad input of any kind (FormulaError is a SyntaxError): one line, exit code 2; anything else is a bug and keeps its stack. */
function isBadInput(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof SyntaxError || e instanceof RangeError || e instanceof TypeError;
}

/** Runs the CLI on `argv` (without `node` and the script), printing to stdout/stderr; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(usage());
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(version());
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (entry === undefined) {
    console.error(`dualtape: unknown command '${command}' (try dualtape --help)`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(entry.help);
    return 0;
  }
  try {
    console.log(await entry.run(rest));
    return 0;
  } catch (e) {
    if (isBadInput(e)) {
      console.error(`dualtape ${command}: ${e.message.replace(/\s*\n\s*/g, ' ')}`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
