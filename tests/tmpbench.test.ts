import { customDerivative, exp, grad, add, mul, sub, type Value } from '../src/index';
test('bench', () => {
  const lse = customDerivative((v) => Math.log(Math.exp(v[0]!) + Math.exp(v[1]!)), (v, y) => v.map((vi) => exp(sub(vi, y))));
  const f = (x: Value[]) => { let s: Value = 0; for (let i = 0; i < 20000; i++) s = add(s, lse([x[0]!, mul(x[1]!, i * 1e-4)])); return s; };
  const g = (x: Value[]) => { let s: Value = 0; for (let i = 0; i < 2000; i++) { const l = customDerivative((v) => Math.log(Math.exp(v[0]!) + Math.exp(v[1]!)), (v, y) => v.map((vi) => exp(sub(vi, y)))); s = add(s, l([x[0]!, mul(x[1]!, i * 1e-4)])); } return s; };
  for (let k = 0; k < 3; k++) grad(f)([0.1, 0.2]);
  let t = performance.now(); for (let k = 0; k < 5; k++) grad(f)([0.1, 0.2]); console.log('module-level, 20000 uses per grad: ms/grad', (performance.now() - t) / 5);
  grad(g)([0.1, 0.2]);
  t = performance.now(); for (let k = 0; k < 5; k++) grad(g)([0.1, 0.2]); console.log('inside f, 2000 definitions per grad: ms/grad', (performance.now() - t) / 5);
});
