// The CLI end to end: the built dist/cli.js run as a subprocess, on normal input and bad input.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
interface Result { code: number | null; out: string; err: string }
const spawnCli = (args: readonly string[]) =>
  new Promise<Result>((done) => {
    const child = spawn(process.execPath, ['dist/cli.js', ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => done({ code, out, err }));
  });
const WORKED = 'ln(x1) + x1*x2 - sin(x2)';

// Every invocation the tests make, run concurrently once the build is done (each start loads mathjs).
const INVOCATIONS: string[][] = [];
const results = new Map<string, Result>();
const run = (...args: string[]): Result => {
  const r = results.get(JSON.stringify(args));
  if (r === undefined) throw new Error(`invocation not prepared: ${JSON.stringify(args)}`);
  return r;
};
const prepare = (...args: string[]) => INVOCATIONS.push(args);

beforeAll(async () => {
  execFileSync(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c', '--environment', 'TARGET:lib', '--silent', '--failAfterWarnings'], { cwd: ROOT, stdio: 'pipe' });
  const all = await Promise.all(INVOCATIONS.map(spawnCli));
  INVOCATIONS.forEach((args, k) => results.set(JSON.stringify(args), all[k] as Result));
}, 180_000);

prepare('example');
prepare('trace', WORKED, '--at', 'x1=2,x2=5', '--format', 'markdown');
prepare('trace', WORKED, '--at=x1=2,x2=5', '--mode', 'forward', '--seed', 'x2');
prepare('trace', 'x*y; x+y', '--at', 'x=1,y=2', '--mode', 'reverse', '--yseed', 'y2', '--format', 'latex');
prepare('trace', 'x*y; x+y', '--at', 'x=1,y=2', '--mode', 'reverse', '--seed', 'y2');
prepare('trace', 'x*y; x+y', '--at', 'x=1,y=2', '--seed', 'y2');
prepare('graph', WORKED, '--at', 'x1=2,x2=5');
prepare('graph', WORKED, '--at', 'x1=2,x2=5', '--format', 'mermaid', '--annotate', 'adjoint');
prepare('jacobian', 'x*y; sin(x); x+y', '--at', 'x=1,y=2');
prepare('check', WORKED, '--at', 'x1=2,x2=5');
prepare('code', WORKED, '--at', 'x1=2,x2=5', '--mode', 'reverse');
prepare('--help');
prepare('trace', '--help');
prepare('--version');
prepare('check', 'x/y', '--at', 'x=1,y=0');
prepare('trace', '2*pi');
prepare('jacobian', 'sin(3); 2', '--at', '');
prepare('jacobian', 'x*y', '--at', 'x=1,y=2');
prepare('jacobian', 'x*y; x+y; x', '--at', 'x=1,y=2');
prepare('sparsity', 'x1*x2 - x1; sin(x2) + x3^2; exp(x3)', '--at', 'x1=1,x2=2,x3=3');
prepare('scan', 'x = x + h*v; v = v - h*x', '--at', 'x=1,v=0,h=0.01', '--length', '200', '--checkpoints', '2,8,200');

const BAD: [string[], RegExp][] = [
  [['bogus'], /unknown command 'bogus'/],
  [['trace', 'foo(x1)', '--at', 'x1=1'], /unknown function 'foo' at position 1/],
  [['trace', 'x1 + (2', '--at', 'x1=1'], /Parenthesis \) expected at position 8/],
  [['trace', WORKED, '--at', 'x1=2,x2=abc'], /bad --at/],
  [['trace', WORKED, '--at', 'x1=2,x3=5'], /'x3' is not a variable/],
  [['trace', WORKED], /needs --at x1=1,x2=2/],
  [['trace', WORKED, '--at', 'x1=2,x2=5', '--format', 'html'], /bad --format 'html'/],
  [['trace', WORKED, '--at', 'x1=2,x2=5', '--seed', 'q'], /bad --seed 'q'/],
  [['trace', WORKED, '--at', 'x1=2,x2=5', '--frobnicate', '1'], /unknown option --frobnicate/],
  [['graph', WORKED, '--at', 'x1=2,x2=5', '--format', 'svg'], /bad --format 'svg'/],
  [['code', WORKED, '--at', 'x1=2,x2=5', '--mode', 'sideways'], /^dualtape code: bad --mode 'sideways'/],
  [['code', 'x*y', '--at', 'x=1'], /^dualtape code: .*no value given for variable 'y'/],
  [['sparsity', 'x1'], /needs --at x1=1/],
  [['sparsity', 'x1', 'x2', '--at', 'x1=1'], /takes one formula/],
  [['scan', 'y = sin(y)*a', '--at', 'y=1,a=2'], /^dualtape scan: scan needs --length k/],
  [['scan', 'y = sin(y)*a', '--at', 'y=1', '--length', '10'], /--at has no value for a/],
  [['scan', 'y = sin(y)*a', '--at', 'y=1,a=2', '--length', '10', '--checkpoints', '0,4'], /bad --checkpoints '0,4'.*got 0/],
  [['scan', 'sin(y)*a', '--at', 'y=1,a=2', '--length', '10'], /assigns a carry variable/],
  [['scan', 'y = sin(y', '--at', 'y=1', '--length', '10'], /Parenthesis \) expected at position 10 in 'y = sin\(y'/],
];
BAD.forEach(([args]) => prepare(...args));

describe('dualtape CLI', () => {
  test('example prints the values, both Jacobians and both trace tables', () => {
    const { code, out } = run('example');
    expect(code).toBe(0);
    expect(out).toContain('dy/dx2 = 2 - cos 5 = 1.7163378145367738 exactly: yes');
    expect(out).toContain('jacfwd (2 forward passes)   [5.5, 1.716338]');
    expect(out).toContain('v2    v-1 * v0  10.000  v-1-dot * v0 + v0-dot * v-1      5');
    expect(out).toContain('v-1-bar  v-1-bar + v1-bar / v-1     5.5');
  });
  test('trace: markdown tables equal the library’s', () => {
    const { code, out } = run('trace', WORKED, '--at', 'x1=2,x2=5', '--format', 'markdown');
    expect(code).toBe(0);
    expect(out).toContain('| v2 | v-1 * v0 | 10.000 | v-1-dot * v0 + v0-dot * v-1 | 5 |');
    expect(out).toContain('| v0-bar | v0-bar + v2-bar * v-1 | 1.716 |');
  });
  test('trace with a seed, reverse only, latex', () => {
    expect(run('trace', WORKED, '--at=x1=2,x2=5', '--mode', 'forward', '--seed', 'x2').out).toMatch(/y +v5 +11.652 +y-dot = v5-dot +1.716/);
    expect(run('trace', 'x*y; x+y', '--at', 'x=1,y=2', '--mode', 'reverse', '--yseed', 'y2', '--format', 'latex').out).toContain('$\\bar{v}_{2}$ & $\\bar{y}_{2}$ & $1$ \\\\');
  });
  test('the single --seed of the issue also sets the reverse seed: with --mode reverse, or naming an output', () => {
    for (const r of [run('trace', 'x*y; x+y', '--at', 'x=1,y=2', '--mode', 'reverse', '--seed', 'y2'), run('trace', 'x*y; x+y', '--at', 'x=1,y=2', '--seed', 'y2')]) {
      expect(r.code).toBe(0);
      expect(r.out).toContain('reverse trace, seed y-bar = [0, 1]:');
    }
    expect(run('trace', 'x*y; x+y', '--at', 'x=1,y=2', '--seed', 'y2').out).toContain('forward trace, seed x-dot = [1, 0]:');
  });
  test('graph, jacobian and check', () => {
    expect(run('graph', WORKED, '--at', 'x1=2,x2=5').out).toMatch(/^digraph dualtape \{/);
    expect(run('graph', WORKED, '--at', 'x1=2,x2=5', '--format', 'mermaid', '--annotate', 'adjoint').out).toContain('v-1-bar = 5.5');
    const jac = run('jacobian', 'x*y; sin(x); x+y', '--at', 'x=1,y=2');
    expect(jac.code).toBe(0);
    expect(jac.out).toContain("mode 'auto' picks reverse: forward makes 1 pass of 2 tangents"); // 2 -> 3, by the cost model
    expect(jac.out).toContain('reverse sweep 2, seed y-bar = [0, 1, 0]  -> row 2 (dy2/dx): [0.540302, 0]');
    const chk = run('check', WORKED, '--at', 'x1=2,x2=5');
    expect(chk.code).toBe(0);
    expect(chk.out).toMatch(/\|fwd-mathjs\|/);
    const sparsity = run('sparsity', 'x1*x2 - x1; sin(x2) + x3^2; exp(x3)', '--at', 'x1=1,x2=2,x3=3');
    expect(sparsity.code).toBe(0);
    expect(sparsity.out).toContain('Jacobian pattern (3 × 3, 5 structural nonzeros');
  });
  test('scan prints the memory/recomputation trade-off of the checkpointed loop, each gradient the plain loop\'s', () => {
    const { code, out, err } = run('scan', 'x = x + h*v; v = v - h*x', '--at', 'x=1,v=0,h=0.01', '--length', '200', '--checkpoints', '2,8,200');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('scan of 200 steps, 4 primitives per recorded step');
    // explicit Euler by hand: x_200 and its derivative in x_0 (the map is linear in (x, v))
    let [x, v, dx, dv] = [1, 0, 1, 0];
    for (let k = 0; k < 200; k++) [x, v, dx, dv] = [x + 0.01 * v, v - 0.01 * x, dx + 0.01 * dv, dv - 0.01 * dx];
    expect(out).toContain(`x after the last step = ${x.toFixed(6)}`);
    expect(out).toContain(`d/dx = ${dx.toFixed(6)}`);
    const rows = out.split('\n').filter((l) => /^(plain loop|\d+) /.test(l));
    expect(rows.map((l) => l.split(/\s{2,}/)[0])).toEqual(['plain loop', '2', '8', '200']);
    const stored = rows.map((l) => Number(l.split(/\s{2,}/)[1]));
    expect(stored[0]).toBe(803); // every entry: 3 inputs, 200 steps of 4 primitives
    expect(stored[1]).toBeLessThan(stored[2]!);
    for (const l of rows.slice(1)) expect(l).toMatch(/yes, bit for bit$/);
  });
  test('code prints the adjoint program, which evaluates to the gradient', () => {
    const { code, out } = run('code', WORKED, '--at', 'x1=2,x2=5', '--mode', 'reverse');
    expect(code).toBe(0);
    expect(out).toContain('v0_bar += v3_bar * Math.cos(v0);');
    expect(new Function('x1', 'x2', `${out}\nreturn [v_1_bar, v0_bar];`)(2, 5)).toEqual([5.5, 1.7163378145367738]);
  });
  test('help', () => {
    expect(run('--help').out).toContain('usage: dualtape <command>');
    expect(run('trace', '--help').out).toContain('--seed x1 | x1=1,x2=0.5');
  });
  test('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
  test('--help lists every command and starts without mathjs', () => {
    const help = run('--help').out;
    for (const c of ['example', 'trace', 'graph', 'jacobian', 'check', 'sparsity', 'scan', 'code', '--version']) expect(help).toContain(`\n  ${c} `);
    // mathjs comes with dualtape/expr, which the CLI imports only dynamically, in the commands that parse a formula;
    // the library itself is imported from the package, not bundled into the CLI a second time
    const cli = readFileSync(resolve(ROOT, 'dist/cli.js'), 'utf8');
    expect(cli).not.toMatch(/^import[^;]*['"](mathjs|dualtape\/expr)['"]/m);
    expect(cli).toMatch(/import\(['"]dualtape\/expr['"]\)/);
    expect(cli).toMatch(/^import[^;]*from ['"]dualtape['"]/m);
  });
  test('check at a pole: both modes give Infinity, agree, and finite differences are marked unreliable', () => {
    const { code, out } = run('check', 'x/y', '--at', 'x=1,y=0');
    expect(code).toBe(0);
    expect(out).toMatch(/^x +Infinity +Infinity +unreliable +0 +n\/a +n\/a +0$/m);
    expect(out).toMatch(/^y +-Infinity +-Infinity +unreliable +0 +n\/a +n\/a +0$/m);
    expect(out).toContain('finite differences are unreliable for x, y');
    expect(out.split('\n').slice(0, 3).join('\n')).not.toMatch(/NaN|e\+/);
  });
  test('a formula without variables needs no --at, and accepts --at ""', () => {
    const t = run('trace', '2*pi');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^y +6\.28319/m);
    const j = run('jacobian', 'sin(3); 2', '--at', '');
    expect(j.code).toBe(0);
    expect(j.out).toContain('f: R^0 -> R^2');
  });
  test('counts are spelled in the singular and plural right', () => {
    const one = run('jacobian', 'x*y', '--at', 'x=1,y=2').out;
    expect(one).toContain('reverse one recording and 1 sweep over 3 values');
    expect(one).toContain('1 primitive per evaluation');
    expect(one).toContain('so it makes 1 pass here');
    const three = run('jacobian', 'x*y; x+y; x', '--at', 'x=1,y=2').out;
    expect(three).toContain('forward makes 1 pass of 2 tangents');
    expect(three).toContain('reverse one recording and 3 sweeps');
    for (const out of [one, three]) expect(out).not.toMatch(/\((es|s)\)|\b1 (outputs|passes|sweeps|inputs)\b/);
  });
  test.each(BAD)('bad input %j: exit 2 and one line', (args, message) => {
    const { code, out, err } = run(...args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
  });
  test('the built core entry does not load mathjs; the expr entry does', () => {
    const probe = (entry: string) =>
      execFileSync(process.execPath, ['-e', `require('./dist/${entry}'); console.log(Object.keys(require.cache).some((k) => k.includes('mathjs')))`], { cwd: ROOT, encoding: 'utf8' }).trim();
    expect(probe('index.cjs')).toBe('false');
    expect(probe('expr.cjs')).toBe('true');
  });
});
