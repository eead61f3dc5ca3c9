// Reuse of a sparse plan across calls of sparseJacobian / sparseHessian on the same f: when f records the same list again, its pattern and colouring are those of last time.
import type { FlatList } from '../reverse/wengertList';
import type { Structures } from './pattern';
import type { Plan } from './compressed';

// A Newton or interior-point loop calls sparseHessian(f, x) at a new x every iteration, and
// the pattern and its colouring cost about half of each call. They are a function of the
// list's structure alone (op codes, argument references, inputs, outputs) unless some rule
// read the numbers to decide its structure (relu, max, pow at 0, ...): only lists free of
// such rules are remembered, and a later recording reuses the plan only if it is the same
// list entry for entry. So a reused plan is exactly the one the recording would give.

interface Remembered {
  readonly codes: Uint32Array;
  readonly refs: Int32Array;
  readonly inputCount: number;
  readonly outputs: readonly number[];
  readonly plans: Map<string, Plan>;
}

const byFunction = new WeakMap<object, Remembered>();

function sameList(r: Remembered, flat: FlatList): boolean {
  const { codes, refs } = r;
  if (codes.length !== flat.length || refs.length !== flat.refCount || r.inputCount !== flat.inputCount) return false;
  if (r.outputs.length !== flat.outputs.length) return false;
  for (let k = 0; k < r.outputs.length; k++) if (r.outputs[k] !== flat.outputs[k]) return false;
  for (let i = 0; i < codes.length; i++) if (codes[i] !== flat.codes[i]) return false;
  for (let q = 0; q < refs.length; q++) if (refs[q] !== flat.refs[q]) return false;
  return true;
}

/** @internal The plan `key` made for f's last recording, if `flat` is the same list. */
export function rememberedPlan(f: object, flat: FlatList, key: string): Plan | undefined {
  const r = byFunction.get(f);
  return r !== undefined && sameList(r, flat) ? r.plans.get(key) : undefined;
}

/** @internal Remembers `plan` for f's recording `flat`, unless a rule's structure there depended on the numbers. */
export function rememberPlan(f: object, flat: FlatList, read: Structures, key: string, plan: Plan): void {
  if (read.pointwise) return;
  let r = byFunction.get(f);
  if (r === undefined || !sameList(r, flat)) {
    r = {
      codes: flat.codes.slice(0, flat.length),
      refs: flat.refs.slice(0, flat.refCount),
      inputCount: flat.inputCount,
      outputs: flat.outputs.slice(),
      plans: new Map(),
    };
    byFunction.set(f, r);
  }
  r.plans.set(key, plan);
}
