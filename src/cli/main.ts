// The command line: `dualtape example` prints the worked example computed in both modes.
import {
  grad, jacfwd, jacrev, jvp, record, valueAndGrad, workedExample, workedExamplePoint, workedExampleFormula,
} from '../index';

const USAGE = `usage: dualtape <command>

commands:
  example    the seed notes' worked example, f(x1, x2) = ${workedExampleFormula} at (2, 5),
             differentiated in forward mode and in reverse mode
  help       this text`;

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
  return lines.join('\n');
}

export function main(argv: readonly string[]): number {
  const [command] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'example') {
    console.log(example());
    return 0;
  }
  console.error(`dualtape: unknown command '${command}' (try dualtape --help)`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
