// One expression tree for the whole library: recorded by running the op table's own rules on symbols, printed for people and for V8.
export { type Expr, num, opNode, variable, decorate, simplify, simplified } from './tree';
export { SymbolicTrace, SymbolicValue, NotSymbolic, withSymbolicPartials, partialsTree, type SymbolicArg } from './trace';
export { exprToText, exprToLatex, formatConstant } from './text';
export { toJavaScript, type JsNames, type JsProgram } from './javascript';
export { kernelOf, partialsKernel, valueCode, numberLiteral, canGenerateCode, resetKernels, type OpKernel } from './kernels';
