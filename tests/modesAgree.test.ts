// Forward and reverse mode on random compositions of primitives: they must agree to 1e-12.
import { jacfwd, jacrev, record, vjp, jvp, type Value } from '../src/index';
import * as table from '../src/ops/table';
import { centralDiffJacobian, relErr, rng } from './helpers/numeric';
import { randomProgram, smoothOps } from './helpers/randomPrograms';
import type { BuiltinOpName } from './ops/opSpecs';

const allOps = Object.keys(table) as BuiltinOpName[];
const COUNT = process.env.DUALTAPE_LONG ? 2000 : 150;

function maxRelErr(A: number[][], B: number[][]): number {
  let worst = 0;
  A.forEach((row, i) => row.forEach((a, j) => (worst = Math.max(worst, relErr(a, B[i]![j]!)))));
  return worst;
}

test(`jacfwd == jacrev to 1e-12 on ${COUNT} random programs of up to 40 primitives`, () => {
  const next = rng(20261126);
  for (let t = 0; t < COUNT; t++) {
    const p = randomProgram(next, allOps, 1 + Math.floor(next() * 40));
    const x = Array.from({ length: p.inputs }, () => Math.round((next() * 4 - 2) * 1000) / 1000);
    const F = jacfwd(p.f)(x);
    const R = jacrev(p.f)(x);
    const err = maxRelErr(F, R);
    if (!(err < 1e-12)) throw new Error(`modes disagree (${err}) at x = ${x} for ${p.describe}`);
  }
});

test('both modes match central differences on random smooth programs', () => {
  const next = rng(7);
  for (let t = 0; t < COUNT / 3; t++) {
    const p = randomProgram(next, smoothOps, 1 + Math.floor(next() * 15));
    const x = Array.from({ length: p.inputs }, () => next() * 2 - 1);
    const fd = centralDiffJacobian((xs) => p.f(xs) as number[], x);
    const F = jacfwd(p.f)(x);
    const err = maxRelErr(F, fd);
    if (!(err < 1e-5)) throw new Error(`forward mode vs finite differences: ${err} at x = ${x} for ${p.describe}`);
    expect(maxRelErr(jacrev(p.f)(x), F)).toBeLessThan(1e-12);
  }
});

test('the inner-product identity <u, jvp(v)> = <vjp(u), v> on random programs', () => {
  const next = rng(99);
  for (let t = 0; t < COUNT / 3; t++) {
    const p = randomProgram(next, allOps, 1 + Math.floor(next() * 30));
    const x = Array.from({ length: p.inputs }, () => next() * 2 - 1);
    const v = x.map(() => next() * 2 - 1);
    const u = Array.from({ length: p.outputs }, () => next() * 2 - 1);
    const Jv = jvp(p.f, x, v)[1] as number[];
    const uJ = vjp(p.f, x)[1](u as Value[]) as number[];
    const lhs = u.reduce((s, ui, i) => s + ui * Jv[i]!, 0);
    const rhs = uJ.reduce((s, w, j) => s + w * v[j]!, 0);
    const scale = u.reduce((s, ui, i) => s + Math.abs(ui * Jv[i]!), 0) + 1;
    expect(Math.abs(lhs - rhs) / scale).toBeLessThan(1e-12);
  }
});

test('replay at a new point equals a fresh recording there', () => {
  const next = rng(5);
  for (let t = 0; t < COUNT / 3; t++) {
    const p = randomProgram(next, smoothOps, 1 + Math.floor(next() * 30));
    const x = Array.from({ length: p.inputs }, () => next() * 2 - 1);
    const x2 = x.map((xi) => xi + next() - 0.5);
    const tape = record(p.f, x);
    const seed = Array.from({ length: p.outputs }, () => next());
    const y = tape.replay(x2) as number[];
    const fresh = record(p.f, x2);
    expect(y).toEqual(fresh.output);
    expect(tape.backward(seed)).toEqual(fresh.backward(seed));
  }
});
