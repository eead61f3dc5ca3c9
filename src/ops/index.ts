// The op table's public face: the primitives, the values they take, and how to add one.
export * from './table';
export { ADValue, primal, type Value, type Trace } from './value';
export { customDerivative, customJvp, customVjp, type CustomPartials } from './customDerivative';
export {
  apply,
  defineOp,
  getOp,
  listOps,
  type OpDef,
  type OpSpec,
  type PartialsRule,
  type PartialFunction,
  type Primitive,
  type Primitive1,
  type Primitive2,
  type PrimitiveN,
} from './opDef';
export { lt, le, gt, ge, eq, ne, select, ifElse, type ComparisonKind } from './compare';
