// Jest runs TypeScript tests through ts-jest in transpile-only mode
// (isolatedModules); type checking is done separately by `npm run typecheck`.
/** @type {import('jest').Config} */
const config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/benchmarks/'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  setupFilesAfterEnv: ['<rootDir>/tests/setup.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'CommonJS',
          moduleResolution: 'Node10',
          target: 'ES2022',
          esModuleInterop: true,
          isolatedModules: true,
          sourceMap: true,
        },
        diagnostics: false,
      },
    ],
  },
  // Tests import sources extensionless ('../src/index'); also tolerate '.js' suffixes.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  coveragePathIgnorePatterns: ['/node_modules/', '/tests/', '/benchmarks/'],
};

export default config;
