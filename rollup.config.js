// Rollup build for dualtape.
// Builds every entry whose source file exists (src/expr/index.ts may not exist yet):
//   dist/<name>.js (ESM) + dist/<name>.cjs (CJS) + dist/<name>.d.ts / .d.cts (bundled types)
// The CLI is built as ESM only, with a shebang banner, and made executable.
// The playground (src/playground/main.ts) is one IIFE with mathjs bundled in, plus its HTML and CSS,
// in dist/playground/: an IIFE because Chromium loads no ES module from file://.
// `rollup -c --environment TARGET:playground` builds only the playground (the e2e test does),
// `TARGET:lib` only the package's files.
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import typescript from '@rollup/plugin-typescript';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';

/** Where the package's files go: dist/, or elsewhere for the consumer type test (DUALTAPE_DIST). */
const DIST = process.env.DUALTAPE_DIST ?? 'dist';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** Library entries (get ESM + CJS + .d.ts). */
const libraryEntries = { index: 'src/index.ts', expr: 'src/expr/index.ts' };
/** Executable entries (ESM only, shebang). */
const cliEntries = { cli: 'src/cli/main.ts' };

const present = (entries) =>
  Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

const lib = present(libraryEntries);
const cli = present(cliEntries);

const externalIds = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  pkg.name,
  ...builtinModules,
]);
/** mathjs, node built-ins (bare and node:), the package itself, and deep imports of those. */
const external = (id) =>
  id.startsWith('node:') ||
  externalIds.has(id) ||
  [...externalIds].some((dep) => id.startsWith(`${dep}/`));

// The playground's map carries its sources (src/ is not next to it when served). The package
// ships no maps: its code is TypeScript's unminified output, which reads like the source, and
// maps with their sources would double the tarball (the 300 KB budget).
const ts = (outDir, { maps }) =>
  typescript({
    tsconfig: './tsconfig.build.json',
    // rollup owns output locations; keep TS from emitting declarations itself.
    declaration: false,
    declarationMap: false,
    sourceMap: maps,
    inlineSources: maps,
    outDir,
    noEmitOnError: true,
  });

/** Copies static files next to the bundle (no plugin dependency for two files). */
const copyAssets = (files) => ({
  name: 'copy-assets',
  buildStart() {
    for (const file of files) this.addWatchFile(file);
  },
  generateBundle() {
    for (const file of files) {
      this.emitFile({ type: 'asset', fileName: file.split('/').pop(), source: readFileSync(file) });
    }
  },
});

/**
 * The CLI imports the library through the package's own entries (`dualtape`, `dualtape/expr`)
 * rather than bundling a second copy of it: the tarball holds the library once, and the CLI
 * loads the expr entry (and mathjs) only when a command needs it.
 */
const cliImportsPackage = {
  name: 'cli-imports-package',
  resolveId(source, importer) {
    if (importer === undefined || !/[\\/]src[\\/]cli[\\/]/.test(importer)) return null;
    if (source === '../index') return { id: pkg.name, external: true };
    if (source === '../expr/index') return { id: `${pkg.name}/expr`, external: true };
    return null;
  },
};

/** Post-build: make bin executable. */
const makeExecutable = (file) => ({
  name: 'make-executable',
  writeBundle() {
    if (existsSync(file)) chmodSync(file, 0o755);
  },
});

const configs = [];

// Chunk names carry content hashes: clear the old ones so that a rebuild leaves (and packs) only its own.
// (Maps of earlier builds, which shipped them, go too.)
if (process.env.TARGET !== 'playground') {
  rmSync(`${DIST}/chunks`, { recursive: true, force: true });
  if (existsSync(DIST)) for (const f of readdirSync(DIST)) if (f.endsWith('.map')) rmSync(`${DIST}/${f}`);
}

if (Object.keys(lib).length > 0) {
  configs.push({
    input: lib,
    external,
    plugins: [ts(DIST, { maps: false })],
    output: [
      {
        dir: DIST,
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        sourcemap: false,
      },
      {
        dir: DIST,
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
        exports: 'named',
        sourcemap: false,
      },
    ],
  });
  configs.push({
    input: lib,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    // .d.ts for `import` consumers, .d.cts for `require` consumers (a single .d.ts in a
    // "type": "module" package would make TS treat CJS consumers' imports as ESM-only).
    output: [
      {
        dir: DIST,
        format: 'es',
        entryFileNames: '[name].d.ts',
        chunkFileNames: 'chunks/[name]-[hash].d.ts',
      },
      {
        dir: DIST,
        format: 'es',
        entryFileNames: '[name].d.cts',
        chunkFileNames: 'chunks/[name]-[hash].d.cts',
      },
    ],
  });
}

if (Object.keys(cli).length > 0) {
  configs.push({
    input: cli,
    external,
    plugins: [cliImportsPackage, ts(DIST, { maps: false }), makeExecutable(`${DIST}/cli.js`)],
    output: {
      dir: DIST,
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/cli-[name]-[hash].js',
      banner: '#!/usr/bin/env node',
      sourcemap: false,
    },
  });
}

const playgroundEntry = 'src/playground/main.ts';
const playground = existsSync(playgroundEntry)
  ? {
      input: playgroundEntry,
      // Everything, mathjs included, goes into the one script the page loads.
      plugins: [
        nodeResolve({ browser: true, preferBuiltins: false }),
        commonjs(),
        ts('dist/playground', { maps: true }),
        copyAssets(['src/playground/index.html', 'src/playground/playground.css']),
      ],
      onwarn(warning, warn) {
        // mathjs' own modules import each other in cycles; that is theirs, and harmless.
        if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.ids?.join() ?? warning.message)) return;
        warn(warning);
      },
      output: {
        file: 'dist/playground/playground.js',
        format: 'iife',
        name: 'dualtapePlayground',
        sourcemap: true,
        // The page is what people share and open on phones: ship it minified (2.4 MB -> well under 1 MB).
        plugins: [terser()],
      },
    }
  : undefined;

// TARGET=playground: the page only; TARGET=lib: what the package ships (library + CLI); default: both.
export default process.env.TARGET === 'playground'
  ? [playground]
  : process.env.TARGET === 'lib'
    ? configs
    : [...configs, ...(playground ? [playground] : [])];
