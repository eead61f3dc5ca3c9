// ESLint flat config: @eslint/js recommended + typescript-eslint recommended.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';
import globals from 'globals';

export default defineConfig(
  {
    ignores: ['dist/', 'docs/', 'coverage/', 'node_modules/', 'test-artifacts/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    // The core entry must never pull in mathjs (only the ./expr front-end may).
    files: ['src/**/*.ts'],
    // Front-ends (the formula subpath, the CLI, the playground) sit on top of the core and may use it.
    ignores: ['src/expr/**', 'src/cli/**', 'src/playground/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^mathjs(/|$)', message: 'Only src/expr may import mathjs.' },
            { regex: '(^|/)expr(/|$)', message: 'The core must not import the expr front-end.' },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
  },
);
