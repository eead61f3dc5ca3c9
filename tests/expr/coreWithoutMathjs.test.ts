// Importing the core entry must not load mathjs (only dualtape/expr may).
jest.mock('mathjs', () => {
  throw new Error('mathjs was loaded by the core entry');
});

test('src/index loads without mathjs', () => {
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const core = require('../../src/index') as typeof import('../../src/index');
    expect(typeof core.forwardTrace).toBe('function');
  });
});

test('the expr entry does load it (the mock is effective)', () => {
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(() => require('../../src/expr/index')).toThrow(/mathjs was loaded/);
  });
});
