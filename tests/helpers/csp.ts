// Runs a test body as under a strict Content Security Policy: `new Function` throws, derived kernels are forgotten before and after.
import { resetKernels } from '../../src/symbolic/index';

/** Calls `run` with `Function` replaced by one that refuses, as a browser with a strict CSP does. */
export function withoutNewFunction<T>(run: () => T): T {
  const original = globalThis.Function;
  resetKernels();
  globalThis.Function = function () {
    throw new EvalError('Refused to evaluate a string as JavaScript (CSP)');
  } as unknown as FunctionConstructor;
  try {
    return run();
  } finally {
    globalThis.Function = original;
    resetKernels();
  }
}
