// The one expression tree: recorded from the op table's own rules, printed as JavaScript kernels and as rule text.
import { cos, defineOp, getOp, listOps, mul, type OpDef } from '../../src/index';
import { withoutNewFunction } from '../helpers/csp';
import {
  canGenerateCode, exprToLatex, exprToText, kernelOf, partialsKernel, partialsTree, simplified, toJavaScript,
  variable, type Expr,
} from '../../src/symbolic/index';

const op = (name: string) => getOp(name) as OpDef;
const builtins = listOps().filter((o) => o.builtin && o.arity <= 2);
const grid = [-2.5, -1, -0, 0, 0.3, 1, 2, 1e300, Infinity, -Infinity, NaN];
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** op.partials on numbers: the reference every kernel must reproduce bit for bit. */
function byRule(o: OpDef, x: number, z: number): number[] {
  const args = o.arity === 1 ? [x] : [x, z];
  return o.partials(args, o.value(...args)) as number[];
}

function checkKernels(): number {
  let checked = 0;
  const out = new Float64Array(2);
  for (const o of builtins) {
    const fn = partialsKernel(o);
    if (fn === undefined) continue;
    checked++;
    for (const x of grid) {
      for (const z of grid) {
        const args = o.arity === 1 ? [x] : [x, z];
        fn(x, z, o.value(...args), out);
        byRule(o, x, z).forEach((d, k) => {
          if (!same(out[k] as number, d)) throw new Error(`${o.name}(${args.join(', ')}): ∂${k} kernel ${out[k]} vs rule ${d}`);
        });
      }
    }
  }
  return checked;
}

describe('kernels: each rule run once on symbols, printed as JavaScript', () => {
  test('generated code reproduces every built-in rule on numbers, bit for bit, at infinities and NaN too', () => {
    expect(canGenerateCode()).toBe(true);
    expect(checkKernels()).toBeGreaterThan(30);
  });

  test('where new Function is forbidden (a strict CSP), the same trees run interpreted, with the same bits', () => {
    withoutNewFunction(() => {
      expect(canGenerateCode()).toBe(false);
      expect(checkKernels()).toBeGreaterThan(30);
      expect(kernelOf(op('div'))!.fn!.name).not.toMatch(/^kernel_/);
    });
    expect(kernelOf(op('div'))!.fn!.name).toBe('kernel_div');
  });

  test('the text is the rule as recorded: a shared value is one temporary, placeholders $0, $y, $t<k>', () => {
    // d(a/b) = [1/b, -(y/b)]: y/b is computed once by the rule and used once
    expect(kernelOf(op('div'))).toMatchObject({
      temps: ['const $t0 = ((1) / ($1));', 'const $t1 = (($y) / ($1));', 'const $t2 = (-($t1));'],
      partials: ['$t0', '$t2'],
      value: '(($0) / ($1))',
    });
    // d tanh = sech² = (1/cosh)·(1/cosh): the rule computes 1/cosh once and the tree shares it
    expect(kernelOf(op('tanh'))!.temps).toEqual(['const $t0 = Math.cosh($0);', 'const $t1 = ((1) / ($t0));', 'const $t2 = (($t1) * ($t1));']);
    expect(kernelOf(op('mul'))).toMatchObject({ temps: [], partials: ['$1', '$0'] });
    const shared: Expr = { kind: 'op', op: 'sin', args: [variable('a')] };
    const js = toJavaScript([{ kind: 'op', op: 'mul', args: [shared, shared] }, shared], { variable: (v) => v.name, temp: (k) => `t${k}` }, new Map());
    expect(js).toEqual({ temps: ['const t0 = Math.sin(a);', 'const t1 = ((t0) * (t0));'], roots: ['t1', 't0'] });
  });

  test('a rule that branches on a value has no single tree: no kernel, the rule is used on numbers', () => {
    for (const name of ['pow', 'min', 'max', 'relu']) expect(kernelOf(op(name))).toBeUndefined();
    // at a point the same rule records the branch it takes there
    const [dx, dp] = partialsTree(op('pow'), [{ expr: variable('x'), value: 2 }, { expr: variable('p'), value: 3 }], { expr: variable('y'), value: 8 }, true);
    expect(exprToText(simplified(dx!))).toBe('p * x ^ (p - 1)');
    expect(exprToText(simplified(dp!))).toBe('y * ln x');
  });

  test("a user's op is never frozen into a kernel (its rule may read state of its own)", () => {
    let k = 2;
    const scaled = defineOp({ name: 'symbolicScaledSin', arity: 1, value: (x) => k * Math.sin(x), partials: ([x]) => [mul(k, cos(x!))] });
    expect(kernelOf(scaled.op)).toBeUndefined();
    expect(partialsKernel(scaled.op)).toBeUndefined();
    k = 3;
    expect(scaled.op.partials([0], 0)).toEqual([3]);
  });
});

describe('rule text: the same trees, simplified and printed for people', () => {
  const at = (name: string, ...values: number[]) => {
    const o = op(name);
    const args = values.map((value, i) => ({ expr: variable(`v${i - 1}`), value }));
    const y = { expr: variable('y'), value: o.value(...values) };
    return partialsTree(o, args, y, true).map((d) => simplified(d));
  };
  test('the seed notes notation and LaTeX', () => {
    expect(at('log', 2).map(exprToText)).toEqual(['1 / v-1']);
    expect(at('sin', 5).map(exprToText)).toEqual(['cos v-1']);
    expect(at('mul', 2, 5).map(exprToText)).toEqual(['v0', 'v-1']);
    expect(at('sub', 2, 5).map(exprToText)).toEqual(['1', '-1']);
    expect(at('log', 2).map(exprToLatex)).toEqual(['1 / v_{-1}']);
  });
  test('recorded trees are not simplified: the printers for code see the rule exactly', () => {
    const [raw] = partialsTree(op('log'), [{ expr: variable('x'), value: 2 }], { expr: variable('y'), value: Math.log(2) }, true);
    expect(raw).toEqual({ kind: 'op', op: 'div', args: [{ kind: 'num', value: 1 }, { kind: 'var', name: 'x' }] });
  });
});
