// Colourings: valid on random patterns in every order, few colours on banded ones, and a checker that catches bad ones.
import fc from 'fast-check';
import { checkColoring, columnColoring, rowColoring, SparsityPattern, starColoring, type Coloring, type ColoringOrder } from '../../src/index';
import { runs } from '../property/programs';

const ORDERS: ColoringOrder[] = ['natural', 'largest-first', 'smallest-last'];

function fromDense(d: boolean[][], n: number): SparsityPattern {
  return SparsityPattern.fromRows(n, d.map((row) => row.flatMap((b, j) => (b ? [j] : []))));
}

/** Random m × n patterns of a given density. */
const patternArb = fc
  .record({ m: fc.integer({ min: 1, max: 12 }), n: fc.integer({ min: 1, max: 12 }), density: fc.double({ min: 0, max: 0.6, noNaN: true }), seed: fc.integer() })
  .map(({ m, n, density, seed }) => {
    let s = seed >>> 0;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    return fromDense(Array.from({ length: m }, () => Array.from({ length: n }, () => rand() < density)), n);
  });

/** Random symmetric patterns (with a random diagonal). */
const symmetricArb = fc
  .record({ n: fc.integer({ min: 1, max: 14 }), density: fc.double({ min: 0, max: 0.5, noNaN: true }), seed: fc.integer() })
  .map(({ n, density, seed }) => {
    let s = seed >>> 0;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const d = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) d[i]![j] = d[j]![i] = rand() < density;
    return fromDense(d, n);
  });

/** Independent checks, by brute force over pairs and 4-vertex paths. */
function columnsValid(p: SparsityPattern, c: Coloring): boolean {
  const d = p.toDense();
  const [m, n] = p.shape;
  for (let j = 0; j < n; j++) for (let k = j + 1; k < n; k++) {
    if (c.colors[j] !== c.colors[k]) continue;
    for (let i = 0; i < m; i++) if (d[i]![j] && d[i]![k]) return false;
  }
  return true;
}
function starValid(p: SparsityPattern, c: Coloring): boolean {
  const d = p.toDense();
  const n = p.shape[0];
  const edge = (a: number, b: number) => a !== b && d[a]![b]!;
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    if (!edge(a, b)) continue;
    if (c.colors[a] === c.colors[b]) return false;
    for (let e = 0; e < n; e++) {
      if (e === a || !edge(b, e)) continue;
      for (let f = 0; f < n; f++) {
        if (f === a || f === b || !edge(e, f)) continue;
        if (c.colors[a] === c.colors[e] && c.colors[b] === c.colors[f]) return false;
      }
    }
  }
  return true;
}

test.each(ORDERS)('column and row colourings are valid on random patterns (%s order)', (order) => {
  fc.assert(
    fc.property(patternArb, (p) => {
      const cols = columnColoring(p, { order });
      const rows = rowColoring(p, { order });
      expect(columnsValid(p, cols)).toBe(true);
      expect(columnsValid(p.transpose(), rows)).toBe(true);
      expect(checkColoring(p, cols)).toBeUndefined();
      expect(checkColoring(p, rows)).toBeUndefined();
      expect(cols.count).toBeLessThanOrEqual(p.shape[1]);
      expect(rows.count).toBeLessThanOrEqual(p.shape[0]);
      // At least as many colours as the densest row (its columns all conflict).
      let widest = 0;
      for (let i = 0; i < p.shape[0]; i++) widest = Math.max(widest, p.rowStarts[i + 1]! - p.rowStarts[i]!);
      expect(cols.count).toBeGreaterThanOrEqual(widest);
    }),
    { numRuns: runs(200) },
  );
});

test.each(ORDERS)('star colourings are valid on random symmetric patterns (%s order)', (order) => {
  fc.assert(
    fc.property(symmetricArb, (p) => {
      const c = starColoring(p, { order });
      expect(starValid(p, c)).toBe(true);
      expect(checkColoring(p, c)).toBeUndefined();
    }),
    { numRuns: runs(200) },
  );
});

test('the checker catches invalid colourings (it agrees with brute force)', () => {
  fc.assert(
    fc.property(symmetricArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 14, maxLength: 14 }), (p, raw) => {
      const n = p.shape[0];
      const colors = Int32Array.from(raw.slice(0, n));
      const star: Coloring = { kind: 'star', order: 'natural', colors, count: 3 };
      const column: Coloring = { kind: 'column', order: 'natural', colors, count: 3 };
      expect(checkColoring(p, star) === undefined).toBe(starValid(p, star));
      expect(checkColoring(p, column) === undefined).toBe(columnsValid(p, column));
    }),
    { numRuns: runs(300) },
  );
});

describe('banded and block structures', () => {
  const band = (n: number, w: number) =>
    fromDense(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.abs(i - j) <= w)), n);
  test.each(ORDERS)('tridiagonal: 3 colours for columns, rows and star (%s)', (order) => {
    const p = band(50, 1);
    expect(columnColoring(p, { order }).count).toBe(3);
    expect(rowColoring(p, { order }).count).toBe(3);
    expect(starColoring(p, { order }).count).toBeLessThanOrEqual(3);
  });
  test('pentadiagonal: 5 column colours with smallest-last', () => {
    expect(columnColoring(band(40, 2)).count).toBe(5);
  });
  test('an arrowhead needs only 2 star colours but n column colours', () => {
    const n = 8;
    const p = fromDense(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i === 0 || j === 0 || i === j)), n);
    expect(columnColoring(p).count).toBe(n);
    expect(starColoring(p).count).toBe(2);
  });
  test('block diagonal with blocks of 3: 3 colours', () => {
    const p = fromDense(Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, j) => Math.floor(i / 3) === Math.floor(j / 3))), 12);
    expect(columnColoring(p).count).toBe(3);
    expect(starColoring(p).count).toBe(3);
  });
  test('bad input', () => {
    expect(() => columnColoring({} as SparsityPattern)).toThrow(/columnColoring: pattern must be a SparsityPattern/);
    expect(() => columnColoring(band(3, 1), { order: 'random' as ColoringOrder })).toThrow(/columnColoring: options.order must be/);
    expect(() => starColoring(fromDense([[true, true]], 2))).toThrow(/starColoring: pattern must be square/);
  });
});
