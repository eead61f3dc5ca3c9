// dualtape/expr: formulas as text (through mathjs) turned into dualtape functions, and checked symbolically.
export { formula, FormulaError, type Formula, type FormulaBase, type FormulaOf, type FormulaOptions, type ScalarFormula, type VectorFormula } from './formula';
export { checkFormula, type FormulaCheck } from './check';
export { stepFormula, type StepFormula } from './stepFormula';
