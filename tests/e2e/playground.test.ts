// End to end: the built playground in headless Chromium (Debian's chromium + playwright-core), checked against the library.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { add, compile, cos, exp, grad, jacobian, jvp, mul, sin, vjp, workedExample, type Value } from '../../src/index';
import { DEFAULT_SCAN, parseStep, type ScanMeasurement } from '../../src/playground/scanModel';
import { checkpointRun } from '../../src/index';
import { servePlayground, type RunningServer } from '../../src/playground/serve';
import { ensurePlaygroundBuilt, launchChromium, PLAYGROUND, ROOT } from './browser';

jest.setTimeout(60_000);

const ARTIFACTS = join(ROOT, 'test-artifacts');
let browser: Browser;
let server: RunningServer;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // fail first, and loudly, when there is no Chromium (before spending time on the bundle)
  browser = await launchChromium();
  ensurePlaygroundBuilt();
  server = await servePlayground(PLAYGROUND, 0);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(url: string, width = 1400): Promise<Page> {
  const p = await browser.newPage({ viewport: { width, height: 1000 } });
  p.on('pageerror', (e) => pageErrors.push(e.message));
  await p.goto(url);
  await p.waitForSelector('#gradient');
  return p;
}

const text = async (selector: string) => ((await page.textContent(selector)) ?? '').trim();
const cells = (selector: string) => page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').trim()));
const titles = (selector: string) => page.$$eval(selector, (els) => els.map((e) => Number(e.getAttribute('title'))));
const fmt3 = (v: number) => v.toFixed(3).replace(/\.?0+$/, '');

interface Rect { x: number; y: number; w: number; h: number }
const rectOf = (p: Page, selector: string) => p.$eval(selector, (e) => {
  const b = e.getBoundingClientRect();
  return { x: b.x, y: b.y, w: b.width, h: b.height };
});
const nodeRects = (p: Page) => p.$$eval('#graph g.node rect', (rects) => rects.map((r) => {
  const b = r.getBoundingClientRect();
  return { x: b.x, y: b.y, w: b.width, h: b.height };
}));
/** Every node box lies inside the graph panel (half a pixel of rounding allowed). */
async function expectGraphFitted(p: Page): Promise<{ panel: Rect; nodes: Rect[] }> {
  const panel = await rectOf(p, '#graph');
  const nodes = await nodeRects(p);
  expect(panel.w).toBeGreaterThan(100);
  expect(panel.h).toBeGreaterThan(100);
  for (const n of nodes) {
    expect(n.x).toBeGreaterThanOrEqual(panel.x - 0.5);
    expect(n.y).toBeGreaterThanOrEqual(panel.y - 0.5);
    expect(n.x + n.w).toBeLessThanOrEqual(panel.x + panel.w + 0.5);
    expect(n.y + n.h).toBeLessThanOrEqual(panel.y + panel.h + 0.5);
  }
  return { panel, nodes };
}
/** 40 terms, each of its own structure: some 120 primitives. */
const FORTY_TERMS = Array.from({ length: 40 }, (_, k) => `${['sin', 'cos', 'exp', 'tanh'][k % 4]}(${k + 1}*x/40)*y^${(k % 3) + 1}`).join(' + ');

describe('the playground in Chromium', () => {
  beforeAll(async () => {
    page = await openPage(server.url);
  });

  test('loads the worked example: gradient 5.5 / 1.716 and the seed notes\' tables', async () => {
    expect(await page.inputValue('#formula')).toBe('ln(x1) + x1*x2 - sin(x2)');
    expect(await page.inputValue('#point-x1')).toBe('2');
    expect(await page.inputValue('#point-x2')).toBe('5');
    expect(await text('#gradient')).toBe('[5.5, 1.716]');
    expect(await text('#jvp')).toBe('[5.5]');
    expect(await text('#value')).toBe('[11.652]');

    expect(await cells('#forward-table tbody th')).toEqual(['v-1', 'v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'y']);
    expect(await cells('#forward-table tbody td:nth-of-type(1)')).toEqual(['x1', 'x2', 'ln v-1', 'v-1 * v0', 'sin v0', 'v1 + v2', 'v4 - v3', 'v5']);
    expect(await cells('#forward-table tbody td:nth-of-type(2)')).toEqual(['2', '5', '0.693', '10', '-0.959', '10.693', '11.652', '11.652']);
    expect(await cells('#forward-table tbody td:nth-of-type(3)')).toEqual(
      ['x1-dot', 'x2-dot', 'v-1-dot / v-1', 'v-1-dot * v0 + v0-dot * v-1', 'v0-dot * cos v0', 'v1-dot + v2-dot', 'v4-dot - v3-dot', 'y-dot = v5-dot'],
    );
    expect(await cells('#forward-table tbody td:nth-of-type(4)')).toEqual(['1', '0', '0.5', '5', '0', '5.5', '5.5', '5.5']);

    expect(await cells('#reverse-table tbody th')).toEqual(['v5-bar', 'v4-bar', 'v3-bar', 'v1-bar', 'v2-bar', 'v0-bar', 'v-1-bar', 'v0-bar', 'v-1-bar']);
    expect(await cells('#reverse-table tbody td:nth-of-type(2)')).toEqual(['1', '1', '-1', '1', '1', '-0.284', '5', '1.716', '5.5']);
    expect(await cells('#reverse-table tbody td:nth-of-type(1)')).toContain('v0-bar + v2-bar * v-1');
    expect(await page.$$eval('#reverse-table tbody tr.accumulated th', (e) => e.length)).toBe(2);

    // graph: 2 inputs, 5 primitives, 1 output; the Jacobian with column 1 (forward) and row 1 (reverse) marked
    expect(await page.$$eval('#graph g.node', (e) => e.map((g) => g.getAttribute('class')))).toEqual(
      ['node input', 'node input', 'node op', 'node op', 'node op', 'node op', 'node op', 'node output'],
    );
    expect(await page.$$eval('#graph path.edge', (e) => e.length)).toBe(9);
    expect(await titles('#jacobian-matrix td')).toEqual([5.5, 2 - Math.cos(5)]);
    expect(await cells('#jacobian-matrix td.col-fwd')).toEqual(['5.5']);
    expect(await cells('#jacobian-matrix td.row-rev')).toEqual(['5.5', '1.716']);
    // reverse: 5 primitives recorded + 5 differentiated in the one sweep
    expect(await cells('#cost-table tbody td')).toEqual(['2', '1', '10', '10', '0', '7']);
    expect(await text('#auto-mode')).toMatch(/picks reverse mode/);
  });

  test('at a 1280 px window the worked example\'s graph fits its panel, output node included, with readable labels', async () => {
    const p = await openPage(server.url, 1280);
    const { nodes } = await expectGraphFitted(p);
    expect(nodes).toHaveLength(8);
    const fontSize = await p.$eval('#graph g.node text', (t) => parseFloat(getComputedStyle(t).fontSize));
    const scale = await p.$eval('#graph g.node rect', (r) => r.getBoundingClientRect().width / Number(r.getAttribute('width')));
    expect(fontSize * scale).toBeGreaterThanOrEqual(10);
    expect(await p.textContent('#graph-scale')).toMatch(/^whole graph/);
    await p.close();
  });

  test('steps the reverse sweep from the output back, with the fan-out accumulation visible', async () => {
    const reverse = (act: string) => page.click(`#reverse-panel button[data-act="${act}"]`);
    await reverse('start');
    expect(await page.$$eval('#reverse-table tbody tr.pending', (e) => e.length)).toBe(9);
    for (let k = 0; k < 3; k++) await reverse('next');
    expect(await text('#reverse-position')).toBe('step 3 of 9');
    expect(await text('#reverse-table tr[aria-current="step"] th')).toBe('v3-bar');
    expect(await page.getAttribute('#graph g.node.rev-current', 'data-node')).toBe('n4');
    expect(await text('#announce')).toBe('Reverse step 3 of 9: v3-bar = v5-bar * dv5/dv3 = -1');

    // keyboard: arrows on the focused trace, n for the sweep used last
    await page.focus('#reverse-panel');
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
    expect(await text('#reverse-table tr[aria-current="step"] th')).toBe('v0-bar');
    expect(await text('#graph g.node[data-node="n1"] .adjoint')).toBe('bar -0.284');
    await page.keyboard.press('n');
    await page.keyboard.press('ArrowRight');
    // step 8: the second path into v0 (through the product) adds to its adjoint
    expect(await text('#reverse-position')).toBe('step 8 of 9');
    expect(await page.getAttribute('#reverse-table tr[aria-current="step"]', 'class')).toMatch(/accumulated/);
    expect(await page.getAttribute('#graph g.node[data-node="n1"]', 'class')).toMatch(/rev-current.*acc/);
    expect(await text('#graph g.node[data-node="n1"] .adjoint')).toBe('bar 1.716');
    expect(await page.getAttribute('#graph path.edge.back', 'data-from')).toBe('n1');
    expect(await page.getAttribute('#graph path.edge.back', 'data-to')).toBe('n3');
    expect(await text('#announce')).toBe('Reverse step 8 of 9: v0-bar = v0-bar + v2-bar * v-1 = 1.716 (accumulates a second path)');
    await page.keyboard.press('ArrowLeft');
    expect(await text('#graph g.node[data-node="n1"] .adjoint')).toBe('bar -0.284');
    await page.keyboard.press('ArrowRight');

    // forward steps start at the inputs
    await page.click('#forward-panel button[data-act="next"]');
    expect(await page.getAttribute('#graph g.node.fwd-current', 'data-node')).toBe('n0');
    for (let k = 0; k < 3; k++) await page.click('#forward-panel button[data-act="next"]');
    expect(await page.getAttribute('#graph g.node.fwd-current', 'data-node')).toBe('n3');
    expect(await text('#graph g.node[data-node="n3"] .tangent')).toBe('dot 5');

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'playground.png');
    await page.screenshot({ path: shot, fullPage: true });
    // the README's picture comes from this run (UPDATE_SCREENSHOT=1 npx jest tests/e2e): the page down to the
    // code view, so graph, traces and programs show the same two steps
    if (process.env['UPDATE_SCREENSHOT'] === '1') {
      const top = join(ARTIFACTS, 'playground-top.png');
      const code = await page.$eval('#code-panel', (e) => e.getBoundingClientRect().bottom + window.scrollY);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.screenshot({ path: top, fullPage: true, clip: { x: 0, y: 0, width, height: Math.ceil(code + 16) } });
      copyFileSync(top, join(ROOT, 'docs/playground.png'));
    }
  });

  test('the code view shows both programs as compile(f, x).source() prints them, and marks the statements of the current step', async () => {
    const p = await openPage(server.url);
    const lines = (id: string, cls = '') => p.$$eval(`#${id} .line${cls}`, (els) => els.map((e) => e.textContent ?? ''));
    const c = compile(workedExample, [2, 5]);
    expect((await lines('tangent-program')).join('\n') + '\n').toBe(c.source('forward'));
    expect((await lines('adjoint-program')).join('\n') + '\n').toBe(c.source('reverse'));
    // the overview marks nothing
    expect(await lines('tangent-program', '.current')).toEqual([]);
    expect(await lines('adjoint-program', '.pending')).toEqual([]);

    const forward = (act: string) => p.click(`#forward-panel button[data-act="${act}"]`);
    await forward('start');
    for (let k = 0; k < 3; k++) await forward('next');
    expect(await lines('tangent-program', '.current')).toEqual(['v1 = Math.log(v_1);', 'v1_dot = v_1_dot / v_1;']);
    expect((await lines('tangent-program', '.pending'))[0]).toBe('v2 = v_1 * v0;');
    await forward('next');
    expect(await lines('tangent-program', '.current')).toEqual(['v2 = v_1 * v0;', 'v2_dot = v_1_dot * v0 + v0_dot * v_1;']);
    await forward('end');
    expect(await lines('tangent-program', '.current')).toEqual(['// y = v5, y_dot = v5_dot']);

    const reverse = (act: string) => p.click(`#reverse-panel button[data-act="${act}"]`);
    await reverse('start');
    expect(await lines('adjoint-program', '.current')).toEqual([]);
    expect(await lines('adjoint-program', '.pending')).toHaveLength(9);
    await reverse('next');
    expect(await lines('adjoint-program', '.current')).toEqual(['v5_bar += 1;']);
    for (let k = 0; k < 5; k++) await reverse('next');
    // step 6 of the seed notes' table: v0-bar = v3-bar * cos v0
    expect(await p.textContent('#reverse-position')).toBe('step 6 of 9');
    expect(await lines('adjoint-program', '.current')).toEqual(['v0_bar += v3_bar * Math.cos(v0);']);
    await reverse('next');
    // the product's first argument: its statement current, the product's other statement marked as its group
    expect(await lines('adjoint-program', '.current')).toEqual(['v_1_bar += v2_bar * v0;']);
    expect(await lines('adjoint-program', '.group')).toEqual(['v0_bar += v2_bar * v_1;']);
    expect(await lines('adjoint-program', '.pending')).toEqual(['v0_bar += v2_bar * v_1;', 'v_1_bar += v1_bar / v_1;']);
    await p.keyboard.press('p');
    expect(await lines('adjoint-program', '.current')).toEqual(['v0_bar += v3_bar * Math.cos(v0);']);

    // several outputs: the seed of the chosen output, then that output's updates
    await p.fill('#formula', 'x*y + exp(z); sin(x)*z');
    await p.selectOption('#reverse-seed', '1');
    await reverse('start');
    await reverse('next');
    await reverse('next');
    expect(await lines('adjoint-program', '.current')).toEqual(['v5_bar += y2_bar;']);
    await reverse('next');
    expect(await lines('adjoint-program', '.current')).toEqual(['v3_bar += v5_bar * v0;']);
    expect(await lines('adjoint-program', '.group')).toEqual(['v0_bar += v5_bar * v3;']);
    await p.close();
  });

  test('a new formula and point: every value shown agrees with the library', async () => {
    const f = (v: Value[]) => {
      const [x, y, z] = v as [Value, Value, Value];
      return [add(mul(x, y), exp(z)), mul(sin(x), z)];
    };
    const point = [0.5, -1.5, 2];
    await page.fill('#formula', 'x*y + exp(z); sin(x)*z');
    await page.fill('#point-x', '0.5');
    await page.fill('#point-y', '-1.5');
    await page.fill('#point-z', '2');
    await page.selectOption('#reverse-seed', '1');
    await page.selectOption('#forward-seed', '1');

    const J = jacobian(f, point);
    expect(await titles('#jacobian-matrix td')).toEqual(J.flat());
    expect(await titles('#jacobian-matrix td.col-fwd')).toEqual([J[0]![1], J[1]![1]]);
    expect(await titles('#jacobian-matrix td.row-rev')).toEqual(J[1]);
    const [y, pullback] = vjp(f, point);
    expect(await text('#value')).toBe(`[${(y as number[]).map(fmt3).join(', ')}]`);
    expect(await text('#gradient')).toBe(`[${(pullback([0, 1]) as number[]).map(fmt3).join(', ')}]`);
    expect(await text('#jvp')).toBe(`[${(jvp(f, point, [0, 1, 0])[1] as number[]).map(fmt3).join(', ')}]`);

    // any direction: a JVP that is no single column
    await page.selectOption('#forward-seed', 'dir');
    await page.fill('#forward-direction', '1, 2, 3');
    expect(await text('#jvp')).toBe(`[${(jvp(f, point, [1, 2, 3])[1] as number[]).map(fmt3).join(', ')}]`);
    expect(await page.$$eval('#jacobian-matrix td.col-fwd', (e) => e.length)).toBe(0);

    // the cost table and the mode the library picks (n = 3 > m = 2: reverse)
    expect(await cells('#cost-table tbody tr:first-child td')).toEqual(['3', '2']);
    expect(await text('#auto-mode')).toMatch(/picks reverse mode/);
  });

  test('the link restores formula, point and seeds', async () => {
    const url = page.url();
    expect(url).toContain('#f=');
    const other = await openPage(url);
    expect(await other.inputValue('#formula')).toBe('x*y + exp(z); sin(x)*z');
    expect(await other.inputValue('#point-y')).toBe('-1.5');
    expect(await other.inputValue('#forward-direction')).toBe('1, 2, 3');
    expect(await other.inputValue('#reverse-seed')).toBe('1');
    expect(await other.textContent('#gradient')).toBe(await text('#gradient'));
    await other.close();
  });

  test('a bad point value is reported on its own field, not on the formula', async () => {
    await page.fill('#formula', 'x*y + z');
    await page.fill('#point-y', 'abc');
    expect(await page.getAttribute('#point-y', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#point-x', 'aria-invalid')).toBeNull();
    expect(await page.getAttribute('#formula', 'aria-invalid')).toBeNull();
    expect(await text('#formula-error')).toBe('');
    expect(await text('#point-error')).toMatch(/^y must be a finite number/);
    expect(await page.getAttribute('#workspace', 'class')).toMatch(/stale/);
    await page.fill('#point-y', '2');
    expect(await page.getAttribute('#point-y', 'aria-invalid')).toBeNull();
    expect(await text('#point-error')).toBe('');
  });

  test('the direction is validated: one number per variable, each a number', async () => {
    await page.selectOption('#forward-seed', 'dir');
    const direction = async (value: string) => {
      await page.fill('#forward-direction', value);
      return [await page.getAttribute('#forward-direction', 'aria-invalid'), await text('#direction-error')];
    };
    expect(await direction('1')).toEqual(['true', 'the direction needs 3 numbers, one per variable (x, y, z), separated by commas; got 1']);
    expect(await direction('abc, 1, 2')).toEqual(['true', "the direction's entry 1 (for x) is not a number"]);
    expect(await direction('1, 2, 3, 4')).toEqual(['true', expect.stringMatching(/got 4$/)]);
    expect(await direction('1, , 3')).toEqual(['true', "the direction's entry 2 (for y) is not a number"]);
    expect(await page.getAttribute('#formula', 'aria-invalid')).toBeNull();
    expect(await direction('1, 0, -1')).toEqual([null, '']);
    expect(await text('#jvp')).toBe(`[${fmt3(2 - 1)}]`); // d/dt (x*y + z) along (1, 0, -1) at (0.5, 2, 2) = y - 1
    await page.selectOption('#forward-seed', '0');
  });

  test('outputs are drawn in order, and a variable named y keeps its name', async () => {
    await page.fill('#formula', 'x*y; x+y');
    const ys = await page.$$eval('#graph g.node.output', (gs) => gs.map((g) => [g.querySelector('.name')?.textContent, g.getBoundingClientRect().y] as const));
    expect(ys.map(([name]) => name?.split(' ')[0])).toEqual(['f1', 'f2']);
    expect(ys[0]![1]).toBeLessThan(ys[1]![1]);
    expect(await cells('#forward-table tbody th')).toEqual(['v-1', 'v0', 'v1', 'v2', 'f1', 'f2']);
    expect(await cells('#reverse-seed option')).toEqual(['f1-bar = 1 (row 1 of J)', 'f2-bar = 1 (row 2 of J)']);
  });

  test('a bad formula shows an inline error naming the problem', async () => {
    await page.fill('#formula', 'x*y + frob(z)');
    await expect(page.getAttribute('#formula', 'aria-invalid')).resolves.toBe('true');
    const message = await text('#formula-error');
    expect(message).toMatch(/frob/);
    expect(message).toMatch(/\^$/); // a caret under the offending position
    expect(await page.getAttribute('#workspace', 'class')).toMatch(/stale/);
    await page.fill('#formula', 'sin(x +');
    expect(await text('#formula-error')).toMatch(/position/);
    await page.fill('#formula', 'sin(x) * y');
    expect(await page.getAttribute('#formula', 'aria-invalid')).toBeNull();
    expect(await text('#formula-error')).toBe('');
  });

  test('a graph of ~40 nodes is drawn with no overlapping nodes', async () => {
    await page.fill('#formula', 'sin(x*y) + cos(x+y) + exp(x/3) * ln(y+2) + sqrt(x^2+y^2) - tanh(x*y*z) + z^3/(1+x^2) + atan2(y, x) * sigmoid(z) + hypot(x - z, y * z)');
    await expect(page.getAttribute('#formula', 'aria-invalid')).resolves.toBeNull();
    const boxes = await page.$$eval('#graph g.node rect', (rects) => rects.map((r) => {
      const b = r.getBoundingClientRect();
      return { x: b.x, y: b.y, w: b.width, h: b.height };
    }));
    expect(boxes.length).toBeGreaterThanOrEqual(35);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap).toBe(false);
      }
    await page.click('#reverse-panel button[data-act="end"]');
    expect(await text('#reverse-position')).toMatch(/^step (\d+) of \1$/);
  });

  test('a 40-term formula: the graph is visible and fitted, and following the step zooms to the stepped node', async () => {
    const p = await openPage(`${server.url}#f=${encodeURIComponent(FORTY_TERMS)}&x=x:0.5,y:1.5`);
    expect(await p.getAttribute('#formula', 'aria-invalid')).toBeNull();
    const { panel, nodes } = await expectGraphFitted(p);
    expect(nodes.length).toBeGreaterThan(100);
    expect(panel.h).toBeLessThanOrEqual(0.75 * 1000);
    expect(await p.textContent('#graph-scale')).toMatch(/^whole graph, \d+%: zoom in/);
    // too small to read fitted: the page follows the step, at the labels' natural size
    expect(await p.isChecked('#graph-follow')).toBe(true);
    await p.click('#reverse-panel button[data-act="start"]');
    for (let k = 0; k < 5; k++) await p.click('#reverse-panel button[data-act="next"]');
    const current = await rectOf(p, '#graph g.node.rev-current rect');
    const after = await rectOf(p, '#graph');
    // stepping scrolls the trace inside its panel, not the page away from the graph
    expect(after.y).toBeGreaterThan(-after.h / 2);
    expect(current.w).toBeGreaterThan(110); // 124 units at scale 1
    expect(current.x).toBeGreaterThanOrEqual(after.x);
    expect(current.x + current.w).toBeLessThanOrEqual(after.x + after.w);
    expect(current.y).toBeGreaterThanOrEqual(after.y);
    expect(current.y + current.h).toBeLessThanOrEqual(after.y + after.h);
    expect(await p.textContent('#graph-scale')).toMatch(/^100%, drag to pan/);
    // the adjoint program scrolls inside its box to the current statement
    for (let k = 0; k < 40; k++) await p.click('#reverse-panel button[data-act="next"]');
    const box = await rectOf(p, '#adjoint-program');
    const line = await rectOf(p, '#adjoint-program .line.current');
    expect(line.y).toBeGreaterThanOrEqual(box.y);
    expect(line.y + line.h).toBeLessThanOrEqual(box.y + box.h);
    expect(await p.$eval('#adjoint-program', (e) => e.scrollTop)).toBeGreaterThan(0);
    // zoom out, then fit again
    await p.click('#graph-zoom-out');
    expect(await p.textContent('#graph-scale')).toMatch(/^67%/);
    await p.click('#graph-fit');
    await expectGraphFitted(p);
    await p.close();
  });

  test('the scan panel shows the measured cost of the chosen c and the plot; changing c changes both', async () => {
    const p = await openPage(server.url);
    await p.waitForSelector('#tradeoff-plot .point.current');
    const parsed = parseStep(DEFAULT_SCAN.step);
    if (!parsed.ok) throw new Error(parsed.message);
    const init = parsed.step.variables.map((v) => DEFAULT_SCAN.init[v]!);
    const k = DEFAULT_SCAN.length;
    const shown = (key: string, column: 'chosen' | 'plain') =>
      p.textContent(`#scan-table tr[data-key="${key}"] td:nth-of-type(${column === 'chosen' ? 1 : 2})`).then((t) => Number((t ?? '').replace(/,/g, '')));
    /** The page's counts are the library's: the same scan, recorded and swept here in Node. */
    const expectCounts = async (m: ScanMeasurement, column: 'chosen' | 'plain') => {
      expect(['storedValues', await shown('storedValues', column)]).toEqual(['storedValues', m.recorded.storedValues]);
      for (const key of ['peakBytes', 'forwardEvaluations', 'sweepEvaluations', 'stepsRecomputed'] as const) {
        expect([key, await shown(key, column)]).toEqual([key, m.cost[key]]);
      }
    };
    const plain = checkpointRun(parsed.step.step, init, k, null);
    const c8 = checkpointRun(parsed.step.step, init, k, DEFAULT_SCAN.checkpoints);
    expect(await p.inputValue('#scan-step')).toBe('y = sin(y)*a + cos(y*b)');
    expect(await p.inputValue('#scan-checkpoints')).toBe(String(DEFAULT_SCAN.checkpoints));
    await expectCounts(c8, 'chosen');
    await expectCounts(plain, 'plain');
    expect(await p.getAttribute('#tradeoff-plot .point.current', 'data-c')).toBe(String(DEFAULT_SCAN.checkpoints));
    // c = 1, 2, 4, ..., 256, k and the plain recording, all measured
    expect(await p.$$eval('#tradeoff-plot .point', (els) => els.map((e) => e.getAttribute('data-c')))).toEqual(
      ['plain', '1', '2', '4', '8', '16', '32', '64', '128', '256', '500'],
    );
    // the gradient is the plain recording's, and the hand-written loop's
    const gradientText = await p.textContent('#scan-grad-chosen');
    expect(gradientText).toBe(await p.textContent('#scan-grad-plain'));
    const w3 = grad((x: Value[]) => {
      let y = x[0]!;
      for (let i = 0; i < k; i++) y = add(mul(sin(y), x[1]!), cos(mul(y, x[2]!)));
      return y;
    })(init);
    const titled = (await p.getAttribute('#scan-grad-chosen', 'title'))!.split(', ').map(Number);
    titled.forEach((g, i) => expect(g).toBeCloseTo(w3[i]!, 12));
    expect(await p.textContent('#scan-gradient')).toMatch(/equal bit for bit/);

    // more checkpoints: more memory, less recomputation, the marker moves
    const peak8 = await shown('peakBytes', 'chosen');
    const current = (c: string) => p.waitForSelector(`#tradeoff-plot .point.current[data-c="${c}"]`);
    const markerAt = () => p.$eval('#tradeoff-plot .point.current', (e) => [Number(e.getAttribute('cx')), Number(e.getAttribute('cy'))]);
    const at8 = await markerAt();
    await p.fill('#scan-checkpoints', '64');
    await current('64');
    await expectCounts(checkpointRun(parsed.step.step, init, k, 64), 'chosen');
    expect(await shown('peakBytes', 'chosen')).toBeGreaterThan(peak8);
    const at64 = await markerAt();
    expect(at64[0]).toBeLessThan(at8[0]!); // fewer evaluations: left
    expect(at64[1]).toBeLessThan(at8[1]!); // more bytes: up
    expect(await p.textContent('#scan-table thead')).toContain('c = 64');
    // the link restores the scan panel too
    expect(p.url()).toMatch(/&c=64(&|$)/);
    const linked = await openPage(p.url());
    await linked.waitForSelector('#tradeoff-plot .point.current[data-c="64"]');
    expect(await linked.inputValue('#scan-checkpoints')).toBe('64');
    expect(await linked.inputValue('#scan-step')).toBe(DEFAULT_SCAN.step);
    await linked.close();
    // a c the plot had not measured joins it
    await p.fill('#scan-checkpoints', '3');
    await current('3');
    await expectCounts(checkpointRun(parsed.step.step, init, k, 3), 'chosen');
    expect(await p.$$eval('#tradeoff-plot .point', (els) => els.length)).toBe(12);
    // the slider (log scale) sets the field
    await p.$eval('#scan-c-slider', (e) => {
      (e as HTMLInputElement).value = '1000';
      e.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await p.inputValue('#scan-checkpoints')).toBe(String(k));
    await current(String(k));
    // no checkpointing: the plain recording is the chosen run
    await p.check('#scan-plain');
    await current('plain');
    expect(await p.isDisabled('#scan-checkpoints')).toBe(true);
    await expectCounts(plain, 'chosen');
    await p.uncheck('#scan-plain');
    await current(String(k));

    // bad input: the message is on its field
    const errorOn = async (field: string, value: string, message: RegExp) => {
      await p.fill(field, value);
      // the panel measures after a short pause: wait for this input's message
      await p.waitForFunction(([selector, source]) => new RegExp(source as string).test(document.querySelector(selector as string)?.textContent ?? ''), [`${field}-error`, message.source]);
      expect(await p.getAttribute(field, 'aria-invalid')).toBe('true');
      expect(await p.textContent(`${field}-error`)).toMatch(message);
      expect(await p.getAttribute('#scan-results', 'class')).toMatch(/stale/);
    };
    await errorOn('#scan-length', '20000', /^the length k must be a whole number of steps from 1 to 10,000, got 20000/);
    await errorOn('#scan-length', '', /got no number/);
    await p.fill('#scan-length', '100');
    await p.fill('#scan-checkpoints', '10');
    await current('10');
    expect(await p.getAttribute('#scan-length', 'aria-invalid')).toBeNull();
    await errorOn('#scan-checkpoints', '0', /checkpoints c must be a whole number from 1 to k = 100, got 0/);
    await errorOn('#scan-step', 'y = sin(y) + frob(a)', /unknown function 'frob' at position 14\n.*\n {13}\^$/);
    // a step in two carries from the presets
    await p.selectOption('#scan-preset', '2');
    await p.waitForSelector('#scan-init-h');
    expect(await p.inputValue('#scan-step')).toBe('x = x + h*v; v = v - h*x');
    await p.fill('#scan-checkpoints', '7');
    await current('7');
    expect(await p.textContent('#scan-gradient')).toMatch(/dx\(k\)\/d\(x, v, h\)/);
    await p.close();
  });

  test('works at 400 px and opens from a file with no server', async () => {
    const narrow = await openPage(`file://${PLAYGROUND}/index.html`, 400);
    expect(await narrow.textContent('#gradient')).toBe('[5.5, 1.716]');
    const [scrollWidth, innerWidth] = await narrow.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth as number);
    const { panel } = await expectGraphFitted(narrow);
    expect(panel.x + panel.w).toBeLessThanOrEqual(400);
    // the programs wrap inside their boxes (no sideways scrolling), and the scan plot fits
    for (const id of ['#tangent-program', '#adjoint-program']) {
      const [sw, cw, right] = await narrow.$eval(id, (e) => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right]);
      expect(sw).toBeLessThanOrEqual(cw!);
      expect(right).toBeLessThanOrEqual(400);
    }
    expect((await rectOf(narrow, '#tradeoff-plot')).w).toBeLessThanOrEqual(400);
    await narrow.close();
    expect(pageErrors).toEqual([]);
  });
});
