// Prints the functions with the most self time in a .cpuprofile (node --cpu-prof), for quick profiling.
import fs from 'node:fs';

const [file, top = '25'] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
p.samples.forEach((s, i) => {
  const n = byId.get(s);
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  self.set(k, (self.get(k) || 0) + (p.timeDeltas[i] || 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
[...self]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(top))
  .forEach(([k, t]) => console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`));
