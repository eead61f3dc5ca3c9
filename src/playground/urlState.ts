// The playground's shareable state in a URL hash (the hash, not the query, so links work from file:// too).
import type { ForwardSeed, PlaygroundInput } from './model';

/** The seed notes' worked example, shown when a link carries no formula. */
export const DEFAULT_INPUT: PlaygroundInput = {
  formula: 'ln(x1) + x1*x2 - sin(x2)',
  point: { x1: 2, x2: 5 },
  seed: { kind: 'input', index: 0 },
  output: 0,
};

function num(s: string): number | undefined {
  const v = Number(s.trim());
  return s.trim() !== '' && Number.isFinite(v) ? v : undefined;
}

/**
 * Encodes the state as a hash: `#f=<formula>&x=x1:2,x2:5&seed=0` (or `seed=dir:1,0`) `&out=0`.
 *
 * @example
 * ```ts
 * encodeState(DEFAULT_INPUT); // '#f=ln%28x1%29+%2B+x1*x2+-+sin%28x2%29&x=x1%3A2%2Cx2%3A5&seed=0&out=0'
 * ```
 */
export function encodeState(input: PlaygroundInput): string {
  const p = new URLSearchParams();
  p.set('f', input.formula);
  p.set('x', Object.entries(input.point).map(([k, v]) => `${k}:${v}`).join(','));
  p.set('seed', input.seed.kind === 'input' ? String(input.seed.index) : `dir:${input.seed.vector.join(',')}`);
  p.set('out', String(input.output));
  return `#${p.toString()}`;
}

/**
 * Decodes a hash written by {@link encodeState}; missing or malformed parts fall back to
 * the default (a formula alone keeps the default point only for variables it shares).
 *
 * @example
 * ```ts
 * decodeState('#f=x*y&x=x:3,y:4').point; // { x: 3, y: 4 }
 * ```
 */
export function decodeState(hash: string): PlaygroundInput {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const formula = p.get('f') ?? DEFAULT_INPUT.formula;
  const point: Record<string, number> = {};
  const px = p.get('x');
  if (px === null) Object.assign(point, DEFAULT_INPUT.point);
  else
    for (const part of px.split(',')) {
      const [k, v] = part.split(':');
      const value = num(v ?? '');
      if (k !== undefined && /^[A-Za-z_]\w*$/.test(k.trim()) && value !== undefined) point[k.trim()] = value;
    }
  let seed: ForwardSeed = DEFAULT_INPUT.seed;
  const ps = p.get('seed');
  if (ps !== null) {
    if (ps.startsWith('dir:')) {
      // a bad entry stays NaN, so the page reports it on the direction field rather than reading it as 0
      const vector = ps.slice(4).split(',').map((s) => num(s) ?? NaN);
      seed = { kind: 'direction', vector };
    } else {
      const j = num(ps);
      if (j !== undefined && Number.isInteger(j) && j >= 0) seed = { kind: 'input', index: j };
    }
  }
  const out = num(p.get('out') ?? '');
  const output = out !== undefined && Number.isInteger(out) && out >= 0 ? out : 0;
  return { formula, point, seed, output };
}
