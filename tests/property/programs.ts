// fast-check arbitraries for random programs as data (steps over the op table), their interpreter, and kink distances.
import fc from 'fast-check';
import * as table from '../../src/ops/table';
import type { Value } from '../../src/index';
import type { BuiltinOpName } from '../ops/opSpecs';

/** Runs per property: seconds in `npm test`, minutes under DUALTAPE_LONG (the CI profile). */
export const LONG = Boolean(process.env.DUALTAPE_LONG);
export function runs(fast: number): number {
  return LONG ? fast * 50 : fast;
}

const prim = table as unknown as Record<BuiltinOpName, ((...a: Value[]) => Value) & { op: { arity: number } }>;
export const allOps = Object.keys(table) as BuiltinOpName[];

/**
 * Guards map any value into the domain a primitive needs (away from its poles and branch
 * points), written with primitives so the guard is differentiated too. Each has the text
 * printed for it in counterexamples ('#' stands for the argument).
 */
const guards: Partial<Record<BuiltinOpName, [((a: Value) => Value)[], string[]]>> = (() => {
  const { add, mul, square, tanh } = table;
  const posit = (a: Value) => add(0.5, square(a));
  const unit = (a: Value) => mul(0.9, tanh(a));
  const bounded = (k: number) => (a: Value) => mul(k, tanh(a));
  const id = (a: Value) => a;
  const P = '0.5 + square(#)';
  const U = '0.9 * tanh(#)';
  return {
    sqrt: [[posit], [P]], cbrt: [[posit], [P]], log: [[posit], [P]], log2: [[posit], [P]], log10: [[posit], [P]],
    log1p: [[square], ['square(#)']],
    acosh: [[(a) => add(1.5, square(a))], ['1.5 + square(#)']],
    asin: [[unit], [U]], acos: [[unit], [U]], atanh: [[unit], [U]],
    tan: [[bounded(1.2)], ['1.2 * tanh(#)']],
    exp: [[bounded(3)], ['3 * tanh(#)']], expm1: [[bounded(3)], ['3 * tanh(#)']],
    sinh: [[bounded(3)], ['3 * tanh(#)']], cosh: [[bounded(3)], ['3 * tanh(#)']],
    div: [[id, (b) => add(1, square(b))], ['#', '1 + square(#)']],
    pow: [[posit, bounded(2)], [P, '2 * tanh(#)']],
  };
})();

/** The arguments of `op` mapped into its domain (unchanged for ops that need no guard). */
export function guardArguments(op: BuiltinOpName, args: readonly Value[]): Value[] {
  const g = guards[op];
  return g ? args.map((a, k) => g[0][k]!(a)) : [...args];
}

/** Primitives that are smooth wherever the guards put them, so finite differences apply. */
export const smoothOps = allOps.filter(
  (n) => !['abs', 'sign', 'min', 'max', 'relu', 'floor', 'ceil', 'round', 'hypot', 'atan2', 'stopGradient'].includes(n),
);

/** One step of a program: `v[k] = op(args...)`, where an argument is an earlier value or a constant. */
export interface Step {
  op: BuiltinOpName;
  /** Indices of earlier values; -1 marks the constant. */
  args: number[];
  constant?: number;
}

/**
 * A straight-line program over the op table, as data. Values v0 .. v(inputs-1) are the
 * inputs; step k defines v(inputs + k); `outputs` lists the returned values (repeats and
 * shared subexpressions allowed). With `guarded`, each argument passes through its op's
 * guard first, so every primitive stays inside its domain.
 */
export class Program {
  constructor(
    readonly inputs: number,
    readonly steps: readonly Step[],
    readonly outputs: readonly number[],
    readonly guarded: boolean,
  ) {}

  /** Runs the program on numbers or on any kind of AD value: the same code in every mode. */
  readonly f = (x: readonly Value[]): Value[] => {
    const v = this.evaluate(x);
    return this.outputs.map((i) => v[i]!);
  };

  /** All values v0 .. vN (used once per call of f, and by the kink checks). */
  evaluate(x: readonly Value[], observe?: (step: Step, args: number[]) => void): Value[] {
    const v: Value[] = x.slice(0, this.inputs);
    for (const s of this.steps) {
      const g = this.guarded ? guards[s.op] : undefined;
      const args = s.args.map((i, k) => {
        const a = i < 0 ? (s.constant as number) : v[i]!;
        return g ? g[0][k]!(a) : a;
      });
      if (observe) observe(s, args as number[]);
      v.push(prim[s.op](...args));
    }
    return v;
  }

  toString(): string {
    const name = (s: Step, k: number) => (s.args[k]! < 0 ? String(s.constant) : `v${s.args[k]}`);
    const lines = this.steps.map((s, j) => {
      const g = this.guarded ? guards[s.op] : undefined;
      const args = s.args.map((_, k) => (g ? g[1][k]!.replace('#', name(s, k)) : name(s, k)));
      return `v${this.inputs + j} = ${s.op}(${args.join(', ')})`;
    });
    const ins = Array.from({ length: this.inputs }, (_, i) => `v${i}`).join(', ');
    return `(${ins}) => { ${lines.join('; ')}; return [${this.outputs.map((i) => 'v' + i).join(', ')}] }`;
  }

  [fc.toStringMethod](): string {
    return this.toString();
  }
}

const constantArb = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 0.5),
  fc.double({ min: -3, max: 3, noNaN: true }).map((c) => Math.round(c * 1000) / 1000),
);

const rawStep = fc.record({
  op: fc.constantFrom(...allOps),
  a: fc.nat(),
  b: fc.nat(),
  constant: fc.option(fc.tuple(fc.nat(1), constantArb), { freq: 4 }),
});

export interface ProgramOptions {
  maxSteps: number;
  ops?: readonly BuiltinOpName[];
  guarded?: boolean;
  maxOutputs?: number;
}

/**
 * Programs of 1 .. maxSteps steps on 1 .. 4 inputs. Raw argument indices count back from
 * the newest value, so they shrink towards chains `v(k+1) = op(vk)`; reuse of an index
 * is a shared subexpression.
 */
export function programArb({ maxSteps, ops = allOps, guarded = true, maxOutputs = 3 }: ProgramOptions): fc.Arbitrary<Program> {
  const step = ops === allOps ? rawStep : rawStep.map((s) => ({ ...s, op: ops[allOps.indexOf(s.op) % ops.length]! }));
  return fc
    .record({
      inputs: fc.integer({ min: 1, max: 4 }),
      steps: fc.array(step, { minLength: 1, maxLength: maxSteps, size: 'max' }),
      outputs: fc.array(fc.nat(), { minLength: 1, maxLength: maxOutputs }),
    })
    .map(({ inputs, steps, outputs }) => {
      const resolved = steps.map((s, k): Step => {
        const pool = inputs + k;
        const arity = prim[s.op].op.arity;
        const args = [s.a, s.b].slice(0, arity).map((r) => pool - 1 - (r % pool));
        if (s.constant === null) return { op: s.op, args };
        const [at, value] = s.constant;
        args[Math.min(at, arity - 1)] = -1;
        return { op: s.op, args, constant: value };
      });
      const pool = inputs + resolved.length;
      return new Program(inputs, resolved, outputs.map((r) => pool - 1 - (r % pool)), guarded);
    });
}

/** Four coordinates (programs use the first `inputs`), optionally mixed with values that sit on kinks and ties. */
export function pointArb(special: readonly number[] = [], range = 2): fc.Arbitrary<number[]> {
  // On a grid of 2^-20: exact zeros and tiny values stay, subnormals (whose reciprocals
  // overflow, so second-order terms turn into ∞ - ∞) do not.
  const smooth = fc
    .double({ min: -range, max: range, noNaN: true, noDefaultInfinity: true })
    .map((c) => Math.round(c * 2 ** 20) / 2 ** 20);
  const coord = special.length === 0 ? smooth : fc.oneof({ arbitrary: smooth, weight: 3 }, { arbitrary: fc.constantFrom(...special), weight: 1 });
  return fc.array(coord, { minLength: 4, maxLength: 4 });
}

/**
 * Distance from an op's arguments to the nearest point where it is not smooth; Infinity
 * for smooth ops. Every function here is 1-Lipschitz in the L1 norm of the arguments, so
 * an FD step that moves the arguments by less than it (in L1) cannot cross a kink.
 */
export function kinkDistance(step: Step, args: readonly number[]): number {
  const [a = 0, b = 0] = args;
  const nearestInt = (t: number) => Math.abs(t - Math.round(t));
  switch (step.op) {
    case 'abs': case 'relu': case 'sign':
      return Math.abs(a);
    case 'stopGradient':
      // its derivative is 0 by definition, not the slope finite differences see: never comparable
      return 0;
    case 'floor': case 'ceil':
      return nearestInt(a);
    case 'round':
      return nearestInt(a - 0.5);
    case 'min': case 'max':
      // max(v, v) is v itself: no kink between an argument and itself
      return step.args[0] === step.args[1] && step.args[0]! >= 0 ? Infinity : Math.abs(a - b) / 2;
    case 'hypot':
      return Math.hypot(a, b);
    case 'atan2':
      // the branch cut is the ray y = 0, x <= 0 (a is y, b is x)
      return b <= 0 ? Math.abs(a) : Math.hypot(a, b);
    default:
      return Infinity;
  }
}

/** The smallest margin, over the program's kinks, between the distance at x and how far the samples move the arguments. */
export function kinkMargin(p: Program, x: number[], samples: number[][]): number {
  const at = (pt: number[]) => {
    const rows: number[][] = [];
    p.evaluate(pt, (_s, args) => rows.push(args.slice()));
    return rows;
  };
  const base = at(x);
  const moved = samples.map(at);
  let margin = Infinity;
  p.steps.forEach((s, k) => {
    const d = kinkDistance(s, base[k]!);
    if (d === Infinity) return;
    // 0 and -0 differ to atan2: a flip of a zero's sign counts as moving
    const diff = (v: number, b: number) => (Object.is(v, b) ? 0 : Math.abs(v - b) || Number.MIN_VALUE);
    const move = Math.max(...moved.map((m) => m[k]!.reduce((t, v, i) => t + diff(v, base[k]![i]!), 0)));
    // arguments the step does not move (constants, outputs of floor, ...) cannot cross a kink
    if (move > 0) margin = Math.min(margin, d - 4 * move);
  });
  return margin;
}

/** Largest |value| over the program's intermediate values at x (NaN if any is not finite). */
export function magnitude(p: Program, x: number[]): number {
  let m = 0;
  for (const v of p.evaluate(x) as number[]) {
    if (!Number.isFinite(v)) return NaN;
    m = Math.max(m, Math.abs(v));
  }
  return m;
}
