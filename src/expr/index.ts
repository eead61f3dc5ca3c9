// dualtape/expr: formulas as text (through mathjs) turned into dualtape functions, and checked symbolically.
export { formula, FormulaError, type Formula, type FormulaOptions } from './formula';
export { checkFormula, type FormulaCheck } from './check';
