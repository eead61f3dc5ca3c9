// compile's guard check as generated code: every recorded comparison tested again at new
// values, with the comparisons a loop in f recorded once per iteration written as loops too.
import { canGenerateCode, numberLiteral } from '../symbolic/index';
import type { GuardRecord } from '../engine/guards';
import { evaluateComparison } from '../ops/compare';
import { STRAIGHT_LIMIT } from './loopRuns';

/** A run of recorded comparisons: guards start .. start + period·reps - 1, references moving by `stride` per repetition. */
export interface GuardRun {
  readonly start: number;
  readonly period: number;
  readonly reps: number;
  /** Per guard of the body, the strides of its two references. */
  readonly stride: readonly (readonly [number, number])[];
}

/**
 * Runs of repeated comparisons in a list's guards (a comparison inside f's loop records one
 * guard per iteration): the same kinds and outcomes, references at constant strides.
 */
export function findGuardRuns(guards: readonly GuardRecord[], minReps = 4, maxPeriod = 16): GuardRun[] {
  const same = (g: GuardRecord, h: GuardRecord) => g.kind === h.kind && g.outcome === h.outcome && g.a < 0 === h.a < 0 && g.b < 0 === h.b < 0;
  const runs: GuardRun[] = [];
  let s = 0;
  while (s < guards.length) {
    let found: GuardRun | undefined;
    for (let Q = 1; Q <= maxPeriod && found === undefined && s + minReps * Q <= guards.length; Q++) {
      const stride: [number, number][] = [];
      let ok = true;
      for (let o = 0; o < Q && ok; o++) {
        const g = guards[s + o] as GuardRecord;
        const h = guards[s + Q + o] as GuardRecord;
        ok = same(g, h);
        stride.push([h.a - g.a, h.b - g.b]);
      }
      if (!ok) continue;
      let reps = 2;
      for (; s + (reps + 1) * Q <= guards.length; reps++) {
        let next = true;
        for (let o = 0; o < Q && next; o++) {
          const g = guards[s + (reps - 1) * Q + o] as GuardRecord;
          const h = guards[s + reps * Q + o] as GuardRecord;
          const [da, db] = stride[o] as [number, number];
          next = same(g, h) && h.a - g.a === da && h.b - g.b === db;
        }
        if (!next) break;
      }
      if (reps >= minReps) found = { start: s, period: Q, reps, stride };
    }
    if (found === undefined) {
      s++;
    } else {
      runs.push(found);
      s += found.period * found.reps;
    }
  }
  return runs;
}

/**
 * The guard check as generated code: a function of the values that is true when every
 * recorded comparison comes out as recorded (compile then describes a flip with
 * flippedGuard, which walks the guards one by one). Each comparison is evaluateComparison
 * itself, called with its kind as a literal (V8 inlines it and folds the switch). Undefined
 * where `new Function` is not allowed or more than `limit` guards sit outside runs.
 */
export function guardCheck(guards: readonly GuardRecord[], constants: Float64Array, limit = STRAIGHT_LIMIT): ((v: Float64Array) => boolean) | undefined {
  if (!canGenerateCode() || guards.length === 0) return undefined;
  const runs = findGuardRuns(guards);
  const looped = runs.reduce((n, r) => n + r.period * r.reps, 0);
  if (guards.length - looped > limit) return undefined;
  const plus = (base: string, n: number) => (n === 0 ? base : n > 0 ? `${base} + ${n}` : `${base} - ${-n}`);
  const ref = (r: number, d: number, reps: number): string => {
    if (r >= 0) return `$v[${d === 0 ? r : plus(d === 1 ? 'k' : `${d} * k`, r)}]`;
    const c0 = constants[-1 - r] as number;
    let same = true;
    for (let k = 1; k < reps && same; k++) same = Object.is(constants[-1 - (r + k * d)], c0);
    return same ? numberLiteral(c0) : `$c[${plus(-d === 1 ? 'k' : `${-d} * k`, -1 - r)}]`;
  };
  const test = (g: GuardRecord, a: string, b: string) => `if (EC('${g.kind}', ${a}, ${b}) !== ${g.outcome}) return false;`;
  const lines: string[] = [];
  let at = 0;
  const straight = (to: number) => {
    for (; at < to; at++) {
      const g = guards[at] as GuardRecord;
      lines.push(test(g, ref(g.a, 0, 1), ref(g.b, 0, 1)));
    }
  };
  for (const run of runs) {
    straight(run.start);
    const body: string[] = [];
    for (let o = 0; o < run.period; o++) {
      const g = guards[run.start + o] as GuardRecord;
      const [da, db] = run.stride[o] as [number, number];
      body.push(test(g, ref(g.a, da, run.reps), ref(g.b, db, run.reps)));
    }
    lines.push(`for (let k = 0; k < ${run.reps}; k++) {\n${body.join('\n')}\n}`);
    at = run.start + run.period * run.reps;
  }
  straight(guards.length);
  try {
    return new Function('EC', '$c', `"use strict"; return function ($v) {\n${lines.join('\n')}\nreturn true;\n};`)(evaluateComparison, constants) as (v: Float64Array) => boolean;
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}
