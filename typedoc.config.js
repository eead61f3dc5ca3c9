// TypeDoc options (ESM). Entry points are filtered to those that exist, so
// src/expr/index.ts is documented automatically once it is added.
import { existsSync } from 'node:fs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  entryPoints: ['src/index.ts', 'src/expr/index.ts'].filter((f) => existsSync(f)),
  out: 'docs/api',
  tsconfig: 'tsconfig.build.json',
  name: 'dualtape',
  excludePrivate: true,
  excludeInternal: true,
  // No git remote in a fresh clone; links to source lines would be broken.
  disableSources: true,
  // The README's graph is a Mermaid block (GitHub draws it); TypeDoc just shows it as code.
  highlightLanguages: ['typescript', 'ts', 'javascript', 'js', 'sh', 'bash', 'json', 'text', 'mermaid'],
  // README links to repository files that are not part of the API pages.
  validation: { invalidLink: true, notExported: true },
  // type-level helpers of FormulaOf (how a formula text's outputs are counted), not API of their own
  intentionallyNotExported: ['Outputs'],
  treatWarningsAsErrors: false,
};

export default config;
