// The crossover plot as a hand-written SVG (no plotting dependency): forward vs reverse full-Jacobian time.

/** One measured shape: n inputs, m outputs, seconds for jacfwd, jacrev and hand-written code. */
export interface CrossoverPoint {
  n: number;
  m: number;
  fwd: number;
  rev: number;
  hand: number;
}

/** A log-log SVG line plot of the three series against n (with m = const / n on a second axis label). */
export function crossoverSvg(points: readonly CrossoverPoint[]): string {
  const W = 640;
  const H = 400;
  const left = 70;
  const right = 20;
  const top = 40;
  const bottom = 70;
  const xs = points.map((p) => Math.log10(p.n));
  const all = points.flatMap((p) => [p.fwd, p.rev, p.hand]).map((t) => Math.log10(t));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.floor(Math.min(...all));
  const y1 = Math.ceil(Math.max(...all));
  const px = (lx: number) => left + ((lx - x0) / (x1 - x0)) * (W - left - right);
  const py = (ly: number) => top + (1 - (ly - y0) / (y1 - y0)) * (H - top - bottom);
  const series: [string, string, (p: CrossoverPoint) => number][] = [
    ['jacfwd (n forward passes)', '#1f77b4', (p) => p.fwd],
    ['jacrev (1 recording + m sweeps)', '#d62728', (p) => p.rev],
    ['hand-written', '#555555', (p) => p.hand],
  ];
  const unit = (e: number) => ['1 s', '100 ms', '10 ms', '1 ms', '100 µs', '10 µs', '1 µs', '100 ns', '10 ns'][-e] ?? `1e${e} s`;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Full Jacobian of y_i = Σ_j sin(a_ij x_j), n·m = ${points[0] ? points[0].n * points[0].m : ''}: forward vs reverse</text>`);
  for (let e = y0; e <= y1; e++) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${py(e)}" y2="${py(e)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${py(e) + 4}" text-anchor="end">${unit(e)}</text>`);
  }
  for (const p of points) {
    const X = px(Math.log10(p.n));
    out.push(`<line x1="${X}" x2="${X}" y1="${top}" y2="${H - bottom}" stroke="#eee"/>`);
    out.push(`<text x="${X}" y="${H - bottom + 16}" text-anchor="middle">${p.n}</text>`);
    out.push(`<text x="${X}" y="${H - bottom + 32}" text-anchor="middle" fill="#777">${p.m}</text>`);
  }
  out.push(`<text x="${left - 6}" y="${H - bottom + 16}" text-anchor="end">n</text>`);
  out.push(`<text x="${left - 6}" y="${H - bottom + 32}" text-anchor="end" fill="#777">m</text>`);
  out.push(`<text x="${W / 2}" y="${H - 12}" text-anchor="middle">inputs n (outputs m = ${points[0] ? points[0].n * points[0].m : ''}/n); median time per Jacobian, log scale</text>`);
  series.forEach(([name, color, get], k) => {
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(Math.log10(p.n)).toFixed(1)},${py(Math.log10(get(p))).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    points.forEach((p) => out.push(`<circle cx="${px(Math.log10(p.n)).toFixed(1)}" cy="${py(Math.log10(get(p))).toFixed(1)}" r="3" fill="${color}"/>`));
    out.push(`<rect x="${left + 12}" y="${top + 8 + k * 18}" width="14" height="3" fill="${color}"/>`);
    out.push(`<text x="${left + 32}" y="${top + 13 + k * 18}">${name}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
