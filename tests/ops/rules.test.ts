// Every rule of the op table, in both modes, against central finite differences; the modes against each other.
import * as table from '../../src/ops/table';
import { grad, jacfwd, jacobianColumn, jacobianRow, jacrev, listOps, type Value } from '../../src/index';
import { centralDiffColumn, centralDiffJacobian, relErr } from '../helpers/numeric';
import { opSpecs, type BuiltinOpName } from './opSpecs';

const names = Object.keys(opSpecs) as BuiltinOpName[];

test('the spec table covers exactly the built-in primitives', () => {
  const builtins = listOps()
    .filter((op) => op.builtin)
    .map((op) => op.name)
    .sort();
  expect(builtins).toEqual([...names].sort());
  expect(Object.keys(table).sort()).toEqual([...names].sort());
});

describe.each(names)('%s', (name) => {
  const prim = table[name] as unknown as (...args: Value[]) => Value;
  const plain = (x: number[]) => [prim(...x) as number];
  const f = (x: Value[]) => prim(...x);

  test.each(opSpecs[name].points)('first partials at %p match central differences in both modes', (...point) => {
    const x = point as number[];
    const fd = opSpecs[name].blocksDerivative ? x.map(() => 0) : (centralDiffJacobian(plain, x)[0] as number[]);
    x.forEach((_, j) => {
      const fwd = jacobianColumn(f, x, j)[0] as number;
      const rev = jacobianRow(f, x, 0)[j] as number;
      expect(relErr(fwd, fd[j] as number)).toBeLessThan(1e-6);
      expect(relErr(rev, fd[j] as number)).toBeLessThan(1e-6);
      expect(relErr(fwd, rev)).toBeLessThan(1e-12);
    });
  });

  test.each(opSpecs[name].points)('second partials at %p (rules differentiated again) match differences of the gradient', (...point) => {
    const x = point as number[];
    const g = grad(f);
    const fd = opSpecs[name].blocksDerivative ? x.map(() => x.map(() => 0)) : centralDiffJacobian((p) => g(p), x);
    const forwardOverReverse = jacfwd(g as (x: Value[]) => Value[])(x);
    const reverseOverForward = jacrev((p: Value[]) => jacfwd(f)(p)[0] as Value[])(x);
    const forwardOverForward = jacfwd((p: Value[]) => jacfwd(f)(p)[0] as Value[])(x);
    for (let i = 0; i < x.length; i++) {
      for (let j = 0; j < x.length; j++) {
        const expected = fd[i]![j]!;
        expect(relErr(forwardOverReverse[i]![j]!, expected)).toBeLessThan(1e-5);
        expect(relErr(reverseOverForward[i]![j]!, forwardOverReverse[i]![j]!)).toBeLessThan(1e-10);
        expect(relErr(forwardOverForward[i]![j]!, forwardOverReverse[i]![j]!)).toBeLessThan(1e-10);
      }
    }
  });

  test('plain numbers in give the plain Math result out', () => {
    const x = opSpecs[name].points[0] as number[];
    expect(typeof prim(...x)).toBe('number');
    expect(centralDiffColumn(plain, x, 0)).toHaveLength(1);
  });
});
