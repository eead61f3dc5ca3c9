// Forward vs reverse full Jacobian as the shape changes at n·m = 2,500 sine terms, with what jacobian 'auto' picks: the crossover plot.
import { chooseJacobianMode, jacfwd, jacrev } from '../../src/index';
import type { Bench, Group } from '../bench';
import { formatSeconds, time } from '../harness';
import type { CrossoverPoint } from '../plot';
import { sinSum } from '../workloads';

const group: Group = {
  id: 'X',
  run(b: Bench) {
    const points: CrossoverPoint[] = [];
    const rows: string[][] = [];
    for (const [n, m] of [[2, 1250], [5, 500], [10, 250], [25, 100], [50, 50], [100, 25], [250, 10], [500, 5], [1250, 2]] as const) {
      const x = sinSum.point(n);
      const f = sinSum.f(m);
      const J = Array.from({ length: m }, () => new Float64Array(n));
      const opts = { samples: 5, warmupMs: 100 };
      const p = { n, m, fwd: time(() => jacfwd(f)(x), opts).median, rev: time(() => jacrev(f)(x), opts).median, hand: time(() => sinSum.jacobianInto(x, J), opts).fastest };
      points.push(p);
      const auto = chooseJacobianMode(n, m);
      const faster = p.fwd <= p.rev ? 'forward' : 'reverse';
      rows.push([String(n), String(m), formatSeconds(p.fwd), formatSeconds(p.rev), formatSeconds(p.hand), auto, auto === faster ? 'yes' : `no (${(Math.max(p.fwd, p.rev) / Math.min(p.fwd, p.rev)).toFixed(2)}× slower)`]);
      console.error(`  X ${n}×${m}: ${rows[rows.length - 1]!.join(', ')}`);
    }
    b.data.crossover = points;
    b.table({
      title: 'Forward vs reverse full Jacobian (the crossover)',
      intro: ['![forward vs reverse Jacobian cost](crossover.svg)', '', 'W4 with n·m = 2,500 sine terms; jacfwd with its default chunks, jacrev with one recording and m sweeps; median of 5.'],
      head: ['n', 'm', 'jacfwd', 'jacrev', 'hand-written', "'auto' picks", 'picked the faster?'],
      rows,
    });
  },
};
export default group;
