// The binomial (revolve) schedule: optimal recomputation counts, the order of turns, and the snapshot bound.
import { binomialRecomputations, firstSnapshots, revolve } from '../../src/index';

/** Fewest advances by exhaustive search over every first split (c snapshots, the start included). */
function fewestAdvances(maxK: number, maxC: number): number[][] {
  const best: number[][] = [];
  for (let c = 1; c <= maxC; c++) {
    best[c] = [0, 0];
    for (let k = 2; k <= maxK; k++) {
      if (c === 1) {
        best[c]![k] = (k * (k - 1)) / 2;
        continue;
      }
      let b = Infinity;
      for (let m = 1; m < k; m++) b = Math.min(b, m + best[c - 1]![k - m]! + best[c]![m]!);
      best[c]![k] = b;
    }
  }
  return best;
}

function runSchedule(k: number, c: number): { advances: number; turns: number[]; maxAlive: number; carriesOk: boolean } {
  let advances = 0;
  let alive = 0;
  let maxAlive = 0;
  let carriesOk = true;
  const turns: number[] = [];
  // The carry is the step index itself, so a wrong recomputation shows.
  revolve<number>(k, c, 0, {
    advance: (s, from, to) => {
      if (s !== from) carriesOk = false;
      advances += to - from;
      return to;
    },
    turn: (s, i) => {
      if (s !== i) carriesOk = false;
      turns.push(i);
    },
    snapshots: (d) => {
      alive += d;
      maxAlive = Math.max(maxAlive, alive);
    },
  });
  return { advances, turns, maxAlive, carriesOk };
}

test('the formula r·k − β(c+1, r−1) is the exhaustive minimum, and the schedule attains it', () => {
  const best = fewestAdvances(120, 7);
  for (let c = 1; c <= 7; c++) {
    for (let k = 1; k <= 120; k++) {
      expect([c, k, binomialRecomputations(k, c)]).toEqual([c, k, best[c]![k]]);
      expect([c, k, runSchedule(k, c).advances]).toEqual([c, k, best[c]![k]]);
    }
  }
});

test.each([
  [1, 10, 45],
  // r = 3: β(2, 2) = 6 < 10 ≤ β(2, 3) = 10, t = 3·10 − β(3, 2) = 30 − 10
  [2, 10, 20],
  // r = 2: β(3, 1) = 4 < 10 ≤ β(3, 2) = 10, t = 2·10 − β(4, 1) = 20 − 5
  [3, 10, 15],
  [10, 10, 9],
  [64, 10, 9],
  // r = 2: β(2, 1) = 3 < 6 ≤ β(2, 2) = 6, t = 2·6 − β(3, 1) = 12 − 4
  [2, 6, 8],
  [4, 1000, binomialRecomputations(1000, 4)],
  [64, 100000, binomialRecomputations(100000, 64)],
])('c = %p snapshots, k = %p steps: %p advances, every turn once in reverse order, at most c snapshots', (c, k, want) => {
  const got = runSchedule(k, c);
  expect(got.advances).toBe(want);
  expect(got.carriesOk).toBe(true);
  expect(got.turns.length).toBe(k);
  expect(got.turns.every((i, j) => i === k - 1 - j)).toBe(true);
  expect(got.maxAlive).toBeLessThanOrEqual(c);
});

test('each step is advanced at most r times, where β(c, r) ≥ k', () => {
  const k = 5000;
  const c = 5;
  const counts = new Array<number>(k).fill(0);
  revolve<number>(k, c, 0, {
    advance: (s, from, to) => {
      for (let i = from; i < to; i++) counts[i]! += 1;
      return to;
    },
    turn: () => undefined,
  });
  // β(5, 11) = C(16, 5) = 4368 < 5000 ≤ β(5, 12) = C(17, 5) = 6188: r = 12
  let r = 0;
  const beta = (cc: number, rr: number) => {
    let b = 1;
    for (let j = 1; j <= rr; j++) b = (b * (cc + j)) / j;
    return Math.round(b);
  };
  while (beta(c, r) < k) r++;
  expect(r).toBe(12);
  expect(Math.max(...counts)).toBeLessThanOrEqual(r);
});

test('bad counts are RangeErrors naming the argument', () => {
  expect(() => binomialRecomputations(-1, 2)).toThrow(/k \(steps\) must be a non-negative integer/);
  expect(() => binomialRecomputations(10, 0)).toThrow(/c \(snapshots\) must be an integer ≥ 1, got 0/);
  expect(() => revolve(3, 1.5, 0, { advance: (s) => s, turn: () => undefined })).toThrow(RangeError);
  expect(() => revolve(3, 2, 0, {} as never)).toThrow(/revolve: actions must be an object/);
});

test('firstSnapshots are where the first descent advances to, in order', () => {
  for (const [k, c] of [[10, 3], [300, 7], [1000, 64], [5, 1], [1, 4], [50, 50]] as const) {
    const advancedTo: number[] = [];
    let done = false;
    revolve<number>(k, c, 0, {
      advance: (s, from, to) => {
        if (!done) advancedTo.push(to);
        return to;
      },
      turn: () => {
        done = true;
      },
    });
    // the first descent's advances end at the snapshots it takes (c = 1 takes none and starts with a turn-loop)
    const want = firstSnapshots(k, c);
    expect(advancedTo.slice(0, want.length)).toEqual(want);
    expect(want.length).toBeLessThanOrEqual(c - 1);
  }
  expect(firstSnapshots(10, 3)).toEqual([4, 7]);
});

test('thousands of snapshots do not overflow the call stack (the schedule keeps its pending ranges itself)', () => {
  // Each snapshot nests one range inside another: with c = k = 50,000 a recursive schedule
  // overflowed Node's stack (and a browser's far sooner).
  const k = 50_000;
  let turns = 0;
  let inOrder = true;
  let next = k - 1;
  let advances = 0;
  let alive = 0;
  let peak = 0;
  revolve(k, k, 0, {
    advance: (s, from, to) => {
      advances += to - from;
      return s + (to - from);
    },
    turn: (s, i) => {
      if (i !== next-- || s !== i) inOrder = false;
      turns++;
    },
    snapshots: (delta) => {
      alive += delta;
      peak = Math.max(peak, alive);
    },
  });
  expect(turns).toBe(k);
  expect(inOrder).toBe(true);
  expect(advances).toBe(binomialRecomputations(k, k));
  expect(alive).toBe(0);
  expect(peak).toBeLessThanOrEqual(k);
});
