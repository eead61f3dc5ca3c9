// A TypeScript project that uses dualtape as an installed package: the package's own files (built as
// `npm pack` ships them) compile the README's ```ts blocks unchanged, and the types flow, under
// strict TypeScript with nodenext, bundler and node10 module resolution.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readmeBlocks } from '../readme/readmeBlocks';

const ROOT = resolve(__dirname, '../..');
// inside the repository, so that the package's dependencies (mathjs, for its types) resolve from its node_modules
const PROJECT = join(ROOT, 'test-artifacts', 'consumer');
const PACKAGE = join(PROJECT, 'node_modules', 'dualtape');

/** What a user writes: the types the issue promises, pinned by assignments that fail to compile if they drift. */
const API = `import { compile, grad, hessian, jacrev, jvp, mul, type Value } from 'dualtape';
import { formula, type Formula, type ScalarFormula, type VectorFormula } from 'dualtape/expr';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const is = <A, B>(ok: Equal<A, B>) => ok;

const g = grad(formula('x*y').fn)([1, 2]);
is<typeof g, number[]>(true);
const h = hessian(formula('x^2 * y').fn)([1, 2]);
is<typeof h, number[][]>(true);
const scalar: ScalarFormula = formula('ln(x1) + x1*x2 - sin(x2)');
const vector: VectorFormula = formula('x*y; x+y');
jacrev(vector.fn)([1, 2]);
const [y, ydot] = jvp(vector.fn, [1, 2], [1, 0]);
is<typeof y, number[]>(true);
is<typeof ydot, number[]>(true);
const unknown: Formula = formula(String(scalar.text));
if (!unknown.isVector) grad(unknown.fn)([2, 5]);
jacrev(unknown.fn)([2, 5]);

const f = (x: Value[]) => mul(x[0], x[1]);
const c = compile(f, [1, 2]);
const gradient = c.gradient([3, 4]);
is<typeof gradient, Float64Array>(true);
const value = c.value([3, 4]);
is<typeof value, number>(true);
const [v, t] = c.jvp([3, 4], [1, 0]);
is<typeof v, number>(true);
is<typeof t, number>(true);
const vjp = c.vjp([3, 4], 1);
is<typeof vjp, Float64Array>(true);
const cv = compile((x: Value[]) => [x[0], mul(x[0], x[1])], [1, 2]).value([3, 4]);
is<typeof cv, Float64Array>(true);
`;

/** The same from CommonJS (the package's require condition and .d.cts types). */
const CJS = `import { grad } from 'dualtape';
import { formula } from 'dualtape/expr';
const g: number[] = grad(formula('x*y').fn)([1, 2]);
export = g;
`;

const RESOLUTIONS = [
  { name: 'nodenext', module: 'nodenext', moduleResolution: 'nodenext', files: ['*.ts', 'require.cts'] },
  { name: 'bundler', module: 'esnext', moduleResolution: 'bundler', files: ['*.ts'] },
  { name: 'node10', module: 'commonjs', moduleResolution: 'node10', files: ['*.ts'] },
] as const;

beforeAll(() => {
  rmSync(PROJECT, { recursive: true, force: true });
  mkdirSync(PACKAGE, { recursive: true });
  // the package as npm pack ships it: package.json and the built files (`files` in package.json)
  execFileSync(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c', '--environment', `TARGET:lib,DUALTAPE_DIST:${join(PACKAGE, 'dist')}`, '--silent', '--failAfterWarnings'], {
    cwd: ROOT, stdio: 'pipe',
  });
  cpSync(join(ROOT, 'package.json'), join(PACKAGE, 'package.json'));
  writeFileSync(join(PROJECT, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  readmeBlocks().forEach((b, k) => writeFileSync(join(PROJECT, `readme${k + 1}.ts`), `// README.md line ${b.line}\n${b.code}\n`));
  writeFileSync(join(PROJECT, 'api.ts'), API);
  writeFileSync(join(PROJECT, 'require.cts'), CJS);
  for (const r of RESOLUTIONS) {
    writeFileSync(join(PROJECT, `tsconfig.${r.name}.json`), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'es2022', lib: ['es2022'], types: [], module: r.module, moduleResolution: r.moduleResolution,
        // dualtape's own declarations are checked; mathjs's are its own business
        skipLibCheck: false, noUncheckedIndexedAccess: false, isolatedModules: true,
      },
      include: r.files,
    }));
  }
}, 240_000);

// KEEP_CONSUMER=1 leaves the project in place, to run tsc there by hand
afterAll(() => {
  if (process.env.KEEP_CONSUMER === undefined) rmSync(PROJECT, { recursive: true, force: true });
});

describe.each(RESOLUTIONS)('a strict TypeScript project, moduleResolution $name', (r) => {
  test('compiles the README blocks unchanged and the pinned types', () => {
    let out = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${r.name}.json`, '--pretty', 'false'], {
        cwd: PROJECT, encoding: 'utf8', stdio: 'pipe',
      });
    } catch (e) {
      out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
    }
    expect(out).toBe('');
  }, 120_000);
});

test('the package ships what its exports and typesVersions name, and no playground', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[]; typesVersions: Record<string, Record<string, string[]>> };
  expect(pkg.files).toContain('!dist/playground');
  expect(pkg.typesVersions['*']?.['expr']).toEqual(['./dist/expr.d.ts']);
  for (const f of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'expr.js', 'expr.cjs', 'expr.d.ts', 'expr.d.cts', 'cli.js']) {
    expect(readFileSync(join(PACKAGE, 'dist', f), 'utf8').length).toBeGreaterThan(0);
  }
});
