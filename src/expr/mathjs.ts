// The one mathjs instance dualtape/expr uses: built with mathjs's modular create(...) from only the
// factories we call, so that a bundler keeps those and drops the rest of mathjs (the playground).
// The parser; derivative for the symbolic check; evaluate for its result, which needs every function
// a formula or its derivative can contain (the op-table names mathjs knows, plus sec and sech, which
// mathjs's derivative writes for tan and tanh) and the constants formulas may use.
import {
  absDependencies, acosDependencies, acoshDependencies, addDependencies, asinDependencies, asinhDependencies,
  atan2Dependencies, atanDependencies, atanhDependencies, cbrtDependencies, ceilDependencies, cosDependencies,
  coshDependencies, create, derivativeDependencies, divideDependencies, eDependencies, evaluateDependencies,
  expDependencies, expm1Dependencies, floorDependencies, hypotDependencies, log10Dependencies, log1pDependencies,
  log2Dependencies, logDependencies, maxDependencies, minDependencies, multiplyDependencies, parseDependencies,
  piDependencies, powDependencies, roundDependencies, secDependencies, sechDependencies, signDependencies,
  sinDependencies, sinhDependencies, sqrtDependencies, squareDependencies, subtractDependencies, tanDependencies,
  tanhDependencies, tauDependencies, unaryMinusDependencies, unaryPlusDependencies, type MathNode,
} from 'mathjs';

const math = create({
  parseDependencies, derivativeDependencies, evaluateDependencies,
  addDependencies, subtractDependencies, multiplyDependencies, divideDependencies, powDependencies,
  unaryMinusDependencies, unaryPlusDependencies, sqrtDependencies, cbrtDependencies, expDependencies,
  expm1Dependencies, logDependencies, log1pDependencies, log2Dependencies, log10Dependencies, sinDependencies,
  cosDependencies, tanDependencies, secDependencies, asinDependencies, acosDependencies, atanDependencies,
  atan2Dependencies, sinhDependencies, coshDependencies, tanhDependencies, sechDependencies, asinhDependencies,
  acoshDependencies, atanhDependencies, absDependencies, signDependencies, minDependencies, maxDependencies,
  hypotDependencies, squareDependencies, floorDependencies, ceilDependencies, roundDependencies,
  piDependencies, eDependencies, tauDependencies,
});

/** @internal mathjs's parser (formula text to a node tree). */
export const parse = math.parse as (text: string) => MathNode;
/** @internal mathjs's symbolic derivative of a node tree by one variable. */
export const derivative = math.derivative as (node: MathNode, variable: string) => MathNode;
export type { MathNode };
