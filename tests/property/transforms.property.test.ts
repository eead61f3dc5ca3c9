// #3's transformations on random programs: hessian, hvp and Taylor mode against the nested modes they must equal.
import fc from 'fast-check';
import { compile, derivative, grad, hessian, hvp, jacfwd, jvp, taylor, add, mul, BranchChangedError, type Value } from '../../src/index';
import { compileModes } from '../../src/compile/compile';
import { pointArb, programArb, runs, smoothOps } from './programs';

/** Equal up to rounding, relative to the magnitudes involved (non-finite values must match exactly). */
function close(a: number, b: number, tol: number, scale = 1): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
  return Math.abs(a - b) <= tol * Math.max(1, scale, Math.abs(a), Math.abs(b));
}

function expectClose(what: string, a: number, b: number, tol: number, scale = 1): void {
  if (!close(a, b, tol, scale)) throw new Error(`${what}: ${a} vs ${b}`);
}

const scalarProgram = programArb({ maxSteps: 15, maxOutputs: 1 });
const smoothProgram = programArb({ maxSteps: 15, maxOutputs: 1, ops: smoothOps });

test('hessian(f)(x) equals the nested jacfwd(grad(f))(x), chunked or not', () => {
  fc.assert(
    fc.property(scalarProgram, pointArb(), (p, pt) => {
      const f = (x: Value[]) => p.f(x)[0]!;
      const x = pt.slice(0, p.inputs);
      const H = hessian(f)(x);
      const H1 = hessian(f, { chunkSize: 1 })(x);
      const nested = jacfwd((z: Value[]) => grad(f)(z))(x);
      const scale = Math.max(...H.flat().map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
      H.forEach((row, i) =>
        row.forEach((v, j) => {
          expectClose(`H[${i}][${j}] vs one-direction sweeps`, v, H1[i]![j]!, 1e-12, scale);
          expectClose(`H[${i}][${j}] vs jacfwd(grad)`, v, nested[i]![j]!, 1e-10, scale);
        }),
      );
    }),
    { numRuns: runs(40) },
  );
});

test('hessian of a smooth program is symmetric', () => {
  fc.assert(
    fc.property(smoothProgram, pointArb(), (p, pt) => {
      const x = pt.slice(0, p.inputs);
      const H = hessian((z: Value[]) => p.f(z)[0]!)(x);
      const scale = Math.max(...H.flat().map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
      H.forEach((row, i) => row.forEach((v, j) => expectClose(`H[${i}][${j}] vs H[${j}][${i}]`, v, H[j]![i]!, 1e-9, scale)));
    }),
    { numRuns: runs(40) },
  );
});

test('hvp(f, x, v) equals hessian(f)(x) · v and jvp of grad along v', () => {
  fc.assert(
    fc.property(smoothProgram, pointArb(), pointArb(), (p, pt, dir) => {
      const f = (z: Value[]) => p.f(z)[0]!;
      const x = pt.slice(0, p.inputs);
      const v = dir.slice(0, p.inputs);
      const Hv = hvp(f, x, v);
      const H = hessian(f)(x);
      const viaJvp = jvp((z: Value[]) => grad(f)(z), x, v)[1] as number[];
      const scale = Math.max(...H.flat().map((h) => (Number.isFinite(h) ? Math.abs(h) : 0))) * 4;
      Hv.forEach((value, i) => {
        expectClose(`(Hv)[${i}] vs H·v`, value, H[i]!.reduce((s, h, j) => s + h * v[j]!, 0), 1e-10, scale);
        expectClose(`(Hv)[${i}] vs jvp(grad)`, value, viaJvp[i]!, 1e-10, scale);
      });
    }),
    { numRuns: runs(40) },
  );
});

test('Taylor mode: derivative k along v equals k nested derivatives along v', () => {
  fc.assert(
    fc.property(smoothProgram, pointArb(), pointArb(), (p, pt, dir) => {
      const f = (z: Value[]) => p.f(z)[0]!;
      const x = pt.slice(0, p.inputs);
      const v = dir.slice(0, p.inputs);
      const along = (t: Value) => f(x.map((xi, i) => add(xi, mul(v[i]!, t))));
      const K = 3;
      const series = taylor(f, x, v, K);
      let d: (t: Value) => Value = along;
      for (let k = 0; k <= K; k++) {
        const nested = d(0) as number;
        expectClose(`order ${k}`, series[k]!, nested, 1e-9, Math.abs(nested));
        const previous = d;
        d = (t: Value) => derivative(previous)(t) as Value;
      }
    }),
    { numRuns: runs(30) },
  );
});

// compile(f, x).hessian takes the coloured route (compressed products, then scattered into the
// dense matrix) when the Hessian's star colouring needs fewer colours than inputs, else one
// product per input: either way it must equal the fresh transformation's, engine by engine,
// at the recorded point and at another point of the same branch.
describe.each(compileModes)('compile(f, x).hessian, engine %s', (engine) => {
  test('equals hessian(f)(x) at the recorded point and at a second point', () => {
    fc.assert(
      fc.property(scalarProgram, pointArb(), pointArb(), (p, pt, other) => {
        const f = (z: Value[]) => p.f(z)[0]!;
        const x = pt.slice(0, p.inputs);
        const x2 = other.slice(0, p.inputs);
        const c = compile(f, x, { engine });
        for (const at of [x, x2]) {
          let H: number[][];
          try {
            H = c.hessian(at);
          } catch (e) {
            if (e instanceof BranchChangedError) continue;
            throw e;
          }
          const ref = hessian(f)(at);
          const scale = Math.max(...ref.flat().map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
          H.forEach((row, i) => row.forEach((v, j) => expectClose(`H[${i}][${j}] at ${String(at)}`, v, ref[i]![j]!, 1e-12, scale)));
        }
      }),
      { numRuns: runs(30) },
    );
  });
});
