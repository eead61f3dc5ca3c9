// Random compositions of the op table's primitives, kept inside each primitive's domain.
import * as table from '../../src/ops/table';
import { type Value } from '../../src/index';
import type { BuiltinOpName } from '../ops/opSpecs';
import { guardArguments, smoothOps } from '../property/programs';

export { smoothOps };

export interface RandomProgram {
  inputs: number;
  outputs: number;
  /** Runs the program; it is the same code for numbers and for every kind of AD value. */
  f: (x: Value[]) => Value[];
  describe: string;
}

export function randomProgram(next: () => number, ops: readonly BuiltinOpName[], size: number): RandomProgram {
  const inputs = 1 + Math.floor(next() * 4);
  const steps: { op: BuiltinOpName; args: number[]; constant?: number }[] = [];
  for (let k = 0; k < size; k++) {
    const op = ops[Math.floor(next() * ops.length)]!;
    const arity = (table[op] as { op: { arity: number } }).op.arity;
    const pool = inputs + k;
    // Prefer recent values so programs are deep, not only wide; sometimes use a constant.
    const pick = () => Math.max(0, pool - 1 - Math.floor(next() * next() * pool));
    const args = Array.from({ length: arity }, pick);
    const constant = arity === 2 && next() < 0.2 ? Math.round((next() * 4 - 2) * 100) / 100 : undefined;
    steps.push(constant === undefined ? { op, args } : { op, args, constant });
  }
  // Never more outputs than values: a program of 1 input and 1 step has only 2.
  const outputs = Math.min(1 + Math.floor(next() * 3), inputs + size);
  const f = (x: Value[]): Value[] => {
    const vals: Value[] = x.slice(0, inputs);
    for (const s of steps) {
      let args: Value[] = s.args.map((i) => vals[i]!);
      if (s.constant !== undefined) args[1] = s.constant;
      args = guardArguments(s.op, args);
      vals.push((table[s.op] as unknown as (...a: Value[]) => Value)(...args));
    }
    return vals.slice(vals.length - outputs);
  };
  const text = steps.map((s, k) => `v${inputs + k} = ${s.op}(${s.args.map((a) => 'v' + a).join(', ')}${s.constant === undefined ? '' : ' | c=' + s.constant})`);
  return { inputs, outputs, f, describe: text.join('; ') };
}
