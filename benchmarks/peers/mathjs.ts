/**
 * Peer adapter: mathjs 15 symbolic differentiation (`derivative`), float64 numbers.
 *
 * prepare*: build the expression string, parse(), derivative(node, 'x<j>', { simplify: false })
 * once per variable (and again per variable for the Hessian), prune trivial zeros, compile().
 * The returned function only evaluates the compiled derivatives with a reused scope object.
 *
 * Notes:
 *  - derivative()'s default { simplify: true } is unusable here: 0.3 s per derivative at W2 n=10,
 *    4 s with a minimal custom rule set at n=100, > 5 min at n=30 with the default rules.
 *    With simplify:false mathjs already drops subtrees constant in the variable but leaves
 *    `0 + 0 + ...` chains; a tiny bottom-up pass (`pruneZeros`) removes +0 / *0 / *1 so each
 *    gradient entry evaluates in O(1) instead of O(n).
 *  - A flat n-term sum parses into a left-deep tree; derivative() recurses on it and throws
 *    RangeError (call stack) at n ~ 1000. Setup time is projected from the first derivatives and
 *    sizes projected beyond SETUP_BUDGET_MS are refused (prepare returns undefined, see notes).
 *  - W3 (K nested loop steps) is an expression of size ~2^K (y appears twice per step, no CSE):
 *    only K <= W3_MAX_K is attempted.
 */
import { parse, derivative, ConstantNode, OperatorNode } from 'mathjs';
import type { MathNode, EvalFunction } from 'mathjs';
import type { Peer } from './peer';
import { w4A } from '../workloads';


export const SETUP_BUDGET_MS = 10_000;
export const W3_MAX_K = 8;

// ------------------------------------------------------------------ expression strings
function w1Expr(): string {
  return 'log(x0) + x0 * x1 - sin(x1)';
}

function w2Expr(n: number): string {
  const terms: string[] = [];
  for (let i = 0; i < n - 1; i++) terms.push(`100 * (x${i + 1} - x${i}^2)^2 + (1 - x${i})^2`);
  return terms.join(' + ');
}

function w3Expr(K: number): string {
  let y = 'x0';
  for (let k = 0; k < K; k++) y = `(sin(${y}) * x0 + cos(${y} * x1))`;
  return y;
}

function w4Expr(i: number, n: number): string {
  const terms: string[] = [];
  for (let j = 0; j < n; j++) terms.push(`sin(${w4A(i, j)} * x${j})`);
  return terms.join(' + ');
}

// ------------------------------------------------------------------ symbolic helpers
function constValue(node: MathNode): number | undefined {
  if (node.type === 'ConstantNode') {
    const v: unknown = (node as ConstantNode).value;
    if (typeof v === 'number') return v;
  }
  return undefined;
}

/** Bottom-up removal of x+0, 0+x, x-0, x*0, 0*x, x*1, 1*x, -0 (no other rewriting). */
function pruneZeros(node: MathNode): MathNode {
  const mapped = node.map((child) => pruneZeros(child));
  if (mapped.type !== 'OperatorNode') return mapped;
  const op = mapped as OperatorNode;
  const args = op.args;
  if (args.length === 1) {
    if (op.fn === 'unaryMinus' && constValue(args[0]) === 0) return new ConstantNode(0);
    return op;
  }
  if (args.length !== 2) return op;
  const [a, b] = args;
  const ca = constValue(a);
  const cb = constValue(b);
  switch (op.fn) {
    case 'add':
      if (ca === 0) return b;
      if (cb === 0) return a;
      return op;
    case 'subtract':
      if (cb === 0) return a;
      if (ca === 0) return new OperatorNode('-', 'unaryMinus', [b]);
      return op;
    case 'multiply':
      if (ca === 0 || cb === 0) return new ConstantNode(0);
      if (ca === 1) return b;
      if (cb === 1) return a;
      return op;
    default:
      return op;
  }
}

function d(node: MathNode, v: string): MathNode {
  return pruneZeros(derivative(node, v, { simplify: false }));
}

function makeScope(n: number): { scope: Record<string, number>; names: string[] } {
  const scope: Record<string, number> = {};
  const names: string[] = [];
  for (let j = 0; j < n; j++) {
    names.push(`x${j}`);
    scope[`x${j}`] = 0;
  }
  return { scope, names };
}

function evalNumber(f: EvalFunction, scope: Record<string, number>): number {
  const r: unknown = f.evaluate(scope);
  if (typeof r !== 'number') throw new Error(`mathjs: non-numeric derivative value ${String(r)}`);
  return r;
}

class BudgetExceeded extends Error {
  readonly budgetExceeded = true;
}

/**
 * Differentiate `count` times, projecting total time after a few items; throws BudgetExceeded
 * if the projection exceeds the budget.
 */
function timedMap<T>(count: number, fn: (k: number) => T, budgetMs: number): T[] {
  const out: T[] = [];
  const t0 = performance.now();
  for (let k = 0; k < count; k++) {
    out.push(fn(k));
    const el = performance.now() - t0;
    if ((k === 2 || k === 9 || k % 50 === 49) && (el / (k + 1)) * count > budgetMs) {
      throw new BudgetExceeded(`projected ${((el / (k + 1)) * count / 1000).toFixed(1)} s for ${count} derivatives`);
    }
    if (el > budgetMs) throw new BudgetExceeded(`exceeded ${budgetMs / 1000} s after ${k + 1}/${count} derivatives`);
  }
  return out;
}

export async function createPeer(): Promise<Peer> {
  const notes: string[] = [
    'Symbolic: parse(expr string) + derivative(node, var, {simplify:false}) per variable + zero-pruning pass + compile(); prepare* does all of it.',
    'Evaluation: one compiled EvalFunction per derivative entry, shared scope object (x0..x{n-1}).',
    'float64 (JS numbers).',
    `Sizes whose projected symbolic setup exceeds ${SETUP_BUDGET_MS / 1000} s, or whose derivative() overflows the stack, are refused (undefined).`,
    `W3: expression size ~2^K (no common-subexpression sharing); only K <= ${W3_MAX_K} attempted, K = 1e4 impossible.`,
  ];

  /** returns compiled gradient functions or undefined (with a note) */
  const gradientOf = (label: string, expr: string, n: number): EvalFunction[] | undefined => {
    try {
      const node = parse(expr);
      return timedMap(n, (j) => d(node, `x${j}`).compile(), SETUP_BUDGET_MS);
    } catch (e) {
      if (e instanceof BudgetExceeded || e instanceof RangeError) {
        notes.push(`${label}: refused - ${e instanceof RangeError ? `RangeError in parse/derivative (${e.message})` : (e as Error).message}.`);
        return undefined;
      }
      throw e;
    }
  };

  const evaluator = (fs: EvalFunction[], n: number): ((x: Float64Array) => Float64Array) => {
    const { scope, names } = makeScope(n);
    return (x) => {
      for (let j = 0; j < n; j++) scope[names[j]] = x[j];
      const g = new Float64Array(fs.length);
      for (let k = 0; k < fs.length; k++) g[k] = evalNumber(fs[k], scope);
      return g;
    };
  };

  const peer: Peer = {
    name: 'mathjs derivative',
    notes,

    async prepareGradient(workload, n) {
      if (workload === 'W1') {
        const fs = gradientOf('W1', w1Expr(), 2);
        return fs && evaluator(fs, 2);
      }
      if (workload === 'W2') {
        if (n < 2) return undefined;
        if (n > 5000) {
          notes.push(`W2 n=${n}: refused without trying (derivative() overflows the stack at n~1000; O(n^2) setup).`);
          return undefined;
        }
        const fs = gradientOf(`W2 n=${n}`, w2Expr(n), n);
        return fs && evaluator(fs, n);
      }
      const K = n;
      if (K > W3_MAX_K) {
        notes.push(`W3 K=${K}: refused (expression swell: ~${(30 * 2 ** Math.min(K, 60)).toExponential(1)} chars).`);
        return undefined;
      }
      const fs = gradientOf(`W3 K=${K}`, w3Expr(K), 2);
      return fs && evaluator(fs, 2);
    },

    async prepareJacobian(n, m) {
      try {
        const rows = timedMap(
          m,
          (i) => {
            const node = parse(w4Expr(i, n));
            const row: EvalFunction[] = [];
            for (let j = 0; j < n; j++) row.push(d(node, `x${j}`).compile());
            return row;
          },
          SETUP_BUDGET_MS,
        );
        const evs = rows.map((r) => evaluator(r, n));
        return (x) => evs.map((ev) => ev(x));
      } catch (e) {
        if (e instanceof BudgetExceeded || e instanceof RangeError) {
          notes.push(`W4 (${n},${m}): refused - ${e.message}.`);
          return undefined;
        }
        throw e;
      }
    },

    async prepareHessian(n) {
      if (n < 2 || n > 5000) return undefined;
      try {
        const node = parse(w2Expr(n));
        const t0 = performance.now();
        const grads = timedMap(n, (j) => d(node, `x${j}`), SETUP_BUDGET_MS / 2);
        const left = SETUP_BUDGET_MS - (performance.now() - t0);
        const rows = timedMap(
          n,
          (i) => {
            const row: EvalFunction[] = [];
            for (let j = 0; j < n; j++) row.push(d(grads[i], `x${j}`).compile());
            return row;
          },
          left,
        );
        const evs = rows.map((r) => evaluator(r, n));
        return (x) => evs.map((ev) => ev(x));
      } catch (e) {
        if (e instanceof BudgetExceeded || e instanceof RangeError) {
          notes.push(`W5 n=${n}: refused - ${e.message}.`);
          return undefined;
        }
        throw e;
      }
    },
  };
  return peer;
}
