// The playground's shareable state in a URL hash (the hash, not the query, so links work from file:// too).
import type { ForwardSeed, PlaygroundInput } from './model';
import { DEFAULT_SCAN, type ScanInput } from './scanModel';

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

/** The scan panel's keys in the hash (next to the formula's): step, initial values, length, checkpoints. */
const SCAN_KEYS = ['s', 'si', 'k', 'c'] as const;

const sameScan = (a: ScanInput, b: ScanInput) =>
  a.step === b.step && a.length === b.length && a.checkpoints === b.checkpoints && JSON.stringify(a.init) === JSON.stringify(b.init);

/**
 * Puts the scan panel's state into a hash that holds the formula's (replacing any scan state it
 * had); the default scan adds nothing, so a link stays short until the panel is used.
 *
 * @example
 * ```ts
 * withScanState('#f=x', { ...DEFAULT_SCAN, checkpoints: null }); // '#f=x&s=y+%3D+sin%28y%29*a+%2B+cos%28y*b%29&si=y%3A0.5%2Ca%3A0.5%2Cb%3A0.3&k=500&c=none'
 * ```
 */
export function withScanState(hash: string, scan: ScanInput): string {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  for (const key of SCAN_KEYS) p.delete(key);
  if (!sameScan(scan, DEFAULT_SCAN)) {
    p.set('s', scan.step);
    p.set('si', Object.entries(scan.init).map(([k, v]) => `${k}:${v}`).join(','));
    p.set('k', String(scan.length));
    p.set('c', scan.checkpoints === null ? 'none' : String(scan.checkpoints));
  }
  return `#${p.toString()}`;
}

/**
 * Reads the scan panel's state from a hash written by {@link withScanState}; what is missing or
 * malformed falls back to the default scan (a value the page would reject, as k = 0, is kept,
 * so the page reports it on its field).
 *
 * @example
 * ```ts
 * decodeScanState('#f=x&s=x+%3D+r*x*%281-x%29&si=x:0.2,r:2.8&k=100&c=none'); // { step: 'x = r*x*(1-x)', init: { x: 0.2, r: 2.8 }, length: 100, checkpoints: null }
 * ```
 */
export function decodeScanState(hash: string): ScanInput {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const step = p.get('s') ?? DEFAULT_SCAN.step;
  const si = p.get('si');
  const init: Record<string, number> = {};
  if (si === null) Object.assign(init, p.get('s') === null ? DEFAULT_SCAN.init : {});
  else
    for (const part of si.split(',')) {
      const [k, v] = part.split(':');
      const value = num(v ?? '');
      if (k !== undefined && /^[A-Za-z_]\w*$/.test(k.trim()) && value !== undefined) init[k.trim()] = value;
    }
  const length = num(p.get('k') ?? '') ?? DEFAULT_SCAN.length;
  const c = p.get('c');
  const checkpoints = c === 'none' ? null : (num(c ?? '') ?? DEFAULT_SCAN.checkpoints);
  return { step, init, length, checkpoints };
}
