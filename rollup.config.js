// Rollup build for dualtape.
// Builds every entry whose source file exists (src/expr/index.ts may not exist yet):
//   dist/<name>.js (ESM) + dist/<name>.cjs (CJS) + dist/<name>.d.ts / .d.cts (bundled types)
// The CLI is built as ESM only, with a shebang banner, and made executable.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

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

const ts = () =>
  typescript({
    tsconfig: './tsconfig.build.json',
    // rollup owns output locations; keep TS from emitting declarations itself.
    declaration: false,
    declarationMap: false,
    outDir: 'dist',
    noEmitOnError: true,
  });

/** Post-build: make bin executable. */
const makeExecutable = (file) => ({
  name: 'make-executable',
  writeBundle() {
    if (existsSync(file)) chmodSync(file, 0o755);
  },
});

const configs = [];

if (Object.keys(lib).length > 0) {
  configs.push({
    input: lib,
    external,
    plugins: [ts()],
    output: [
      {
        dir: 'dist',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        sourcemap: true,
      },
      {
        dir: 'dist',
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
        exports: 'named',
        sourcemap: true,
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
        dir: 'dist',
        format: 'es',
        entryFileNames: '[name].d.ts',
        chunkFileNames: 'chunks/[name]-[hash].d.ts',
      },
      {
        dir: 'dist',
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
    plugins: [ts(), makeExecutable('dist/cli.js')],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/cli-[name]-[hash].js',
      banner: '#!/usr/bin/env node',
      sourcemap: true,
    },
  });
}

export default configs;
