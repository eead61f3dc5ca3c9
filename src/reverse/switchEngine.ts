// An op-code interpreter whose dispatch is generated once from the op table: one loop, one switch, each case the op's own derived code.
//
// Why: the plain interpreter makes two indirect calls per entry (the op's value function,
// then its partials kernel), and each of those call sites sees every op, so V8 can inline
// none of them. Generating the loop once, with one `case` per built-in op whose body is the
// value and partials text that kernels.ts derives from the rules themselves, keeps the
// calculus in the op table and makes each case straight-line code V8 can optimise. Ops
// without derived code (user-defined ones, rules that branch on values) go to a fallback
// that calls their rules as written.
import { listOps, type OpDef } from '../ops/opDef';
import { canGenerateCode, kernelOf, valueCode } from '../symbolic/index';

/** Per-entry fallbacks for ops without a generated case: value, and partials into `out`. */
export interface SwitchFallback {
  value(i: number, p: number): number;
  partials(i: number, p: number, out: Float64Array): void;
}

export interface SwitchKernels {
  forward(v: Float64Array, codes: Uint16Array, refs: Int32Array, refStart: Int32Array, c: Float64Array, from: number, to: number, slow: SwitchFallback): void;
  backward(v: Float64Array, a: Float64Array, codes: Uint16Array, refs: Int32Array, refStart: Int32Array, c: Float64Array, from: number, to: number, slow: SwitchFallback, out: Float64Array): void;
  tangents(v: Float64Array, t: Float64Array, codes: Uint16Array, refs: Int32Array, refStart: Int32Array, c: Float64Array, from: number, to: number, slow: SwitchFallback, out: Float64Array): void;
}

let cached: { opCount: number; kernels: SwitchKernels | undefined } | undefined;

/**
 * The generated loops for the ops known now, or undefined where code generation is not
 * allowed. Regenerated when ops were added since (their cases are then the fallback anyway,
 * but a new built-in-like op could get a case).
 */
export function switchKernels(): SwitchKernels | undefined {
  const ops = listOps();
  if (cached !== undefined && cached.opCount === ops.length) return cached.kernels;
  cached = { opCount: ops.length, kernels: canGenerateCode() ? generate(ops) : undefined };
  return cached.kernels;
}

function generate(ops: readonly OpDef[]): SwitchKernels | undefined {
  const deps = new Map<number, (...args: number[]) => number>();
  const forwardCases: string[] = [];
  const backwardCases: string[] = [];
  const tangentCases: string[] = [];
  for (const op of ops) {
    if (op.arity > 2) continue;
    const kernel = kernelOf(op);
    if (kernel === undefined) continue;
    for (const [c, fn] of kernel.deps) deps.set(c, fn);
    const valueText = valueCode(op, deps);
    const read = Array.from({ length: op.arity }, (_, k) => `const r${k} = refs[p + ${k}]; const $${k} = r${k} >= 0 ? v[r${k}] : c[-1 - r${k}];`).join(' ');
    const sub = (s: string) => s.replace(/\$t(\d+)/g, '_t$1');
    const temps = kernel.temps.map(sub).join(' ');
    const partials = kernel.partials.map((d, k) => `const d${k} = ${sub(d)};`).join(' ');
    forwardCases.push(`case ${op.code}: { ${read} v[i] = ${valueText}; break; }`);
    // Both sweeps start a case the same way: read the arguments, then evaluate the derived partials d0, d1.
    const derive = `${read} const $y = v[i]; ${temps} ${partials}`;
    const push = Array.from({ length: op.arity }, (_, k) => `if (r${k} >= 0 && d${k} !== 0) a[r${k}] += g * d${k};`).join(' ');
    backwardCases.push(`case ${op.code}: { ${derive} ${push} break; }`);
    const sum = Array.from(
      { length: op.arity },
      (_, k) => `if (r${k} >= 0) { const tk = t[r${k}]; if (tk !== 0 && d${k} !== 0) ti += d${k} * tk; }`,
    ).join(' ');
    tangentCases.push(`case ${op.code}: { ${derive} let ti = 0; ${sum} t[i] = ti; break; }`);
  }
  const depNames = [...deps.keys()].map((c) => `V${c}`);
  const slowPartials = `default: { slow.partials(i, p, out); const n = refStart[i + 1] - p; for (let k = 0; k < n; k++) { const r = refs[p + k]; const d = out[k]; if (r >= 0 && d !== 0) a[r] += g * d; } }`;
  const slowTangents = `default: { slow.partials(i, p, out); const n = refStart[i + 1] - p; let ti = 0; for (let k = 0; k < n; k++) { const r = refs[p + k]; if (r >= 0) { const tk = t[r]; if (tk !== 0 && out[k] !== 0) ti += out[k] * tk; } } t[i] = ti; }`;
  const source = `
return {
  forward(v, codes, refs, refStart, c, from, to, slow) {
    for (let i = from; i < to; i++) { const p = refStart[i];
      switch (codes[i]) { ${forwardCases.join('\n')} default: v[i] = slow.value(i, p); } }
  },
  backward(v, a, codes, refs, refStart, c, from, to, slow, out) {
    for (let i = to - 1; i >= from; i--) { const g = a[i]; if (g === 0) continue; const p = refStart[i];
      switch (codes[i]) { ${backwardCases.join('\n')} ${slowPartials} } }
  },
  tangents(v, t, codes, refs, refStart, c, from, to, slow, out) {
    for (let i = from; i < to; i++) { const p = refStart[i];
      switch (codes[i]) { ${tangentCases.join('\n')} ${slowTangents} } }
  },
};`;
  try {
    return new Function(...depNames, source.replace(/\$(\d+|y)\b/g, (_, k: string) => (k === 'y' ? 'y_' : `a${k}_`)))(
      ...deps.values(),
    ) as SwitchKernels;
  } catch {
    return undefined;
  }
}
