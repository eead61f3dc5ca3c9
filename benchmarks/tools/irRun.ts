// Runs one fresh-path workload `warm` + `count` times (for instruction counting under valgrind; see irCount.sh).
import { record, add, cos, grad, jacfwd, jvp, log, mul, sin, square, sub, type Value } from '../../src/index';
const [name = 'W2 jvp', warmArg = '300', countArg = '0'] = process.argv.slice(2);
const W1 = (x: Value[]) => sub(add(log(x[0]!), mul(x[0]!, x[1]!)), sin(x[1]!));
const W2 = (x: Value[]) => {
  let s: Value = 0;
  for (let i = 0; i + 1 < x.length; i++) s = add(s, add(mul(100, square(sub(x[i + 1]!, square(x[i]!)))), square(sub(1, x[i]!))));
  return s;
};
const W3 = (x: Value[]) => {
  let y: Value = x[0]!;
  for (let k = 0; k < 1e4; k++) y = add(mul(sin(y), x[0]!), cos(mul(y, x[1]!)));
  return y;
};
const chain = (x: Value[]) => {
  let y: Value = x[0]!;
  for (let j = 1; j < x.length; j++) y = add(y, x[j]!);
  for (let k = 0; k < 1e4; k++) y = mul(sin(y), 0.999);
  return y;
};
const x1 = Float64Array.of(2, 5);
const v1 = Float64Array.of(0.3, -0.7);
const x4 = Float64Array.from({ length: 1e4 }, (_, i) => 0.5 + 0.5 * Math.sin(i));
const v4 = Float64Array.from({ length: 1e4 }, (_, i) => Math.cos(i));
const x3 = Float64Array.of(0.5, 0.3);
const runs: Record<string, () => unknown> = {
  'W1 grad': () => grad(W1)(x1),
  'id grad': () => grad((x: Value[]) => x[0]!)(x1),
  'id record': () => record((x: Value[]) => x[0]!, x1),
  'id record backward': () => record((x: Value[]) => x[0]!, x1).backward(1),
  'W1 jvp': () => jvp(W1, x1, v1),
  'W1 jacfwd': () => jacfwd(W1)(x1),
  'W2 grad': () => grad(W2)(x4),
  'W2 jvp': () => jvp(W2, x4, v4),
  'W3 grad': () => grad(W3)(x3),
  'W3 jacfwd': () => jacfwd(W3)(x3),
  'W3 jacfwd1': () => jacfwd(W3, { chunkSize: 1 })(x3),
  'chain jvp': () => jvp(chain, [0.7], [1]),
  'chain jacfwd2': () => jacfwd(chain, { chunkSize: 2 })([0.35, 0.35]),
  'chain grad': () => grad(chain)([0.7]),
};
const run = runs[name];
if (run === undefined) throw new RangeError(`irRun: unknown workload '${name}'; one of ${Object.keys(runs).join(', ')}`);
let sink = 0;
const total = Number(warmArg) + Number(countArg);
for (let i = 0; i < total; i++) sink += run() === undefined ? 0 : 1;
if (sink !== total) throw new Error('irRun: a run returned undefined');
