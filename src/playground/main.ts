// The playground page: reads the controls, runs the library through model.ts, renders graph, traces, Jacobian and cost, and steps the sweeps.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { GraphViewport, markGraph, renderGraph } from './graphView';
import { analyze, type Analysis, type ForwardSeed, type PlaygroundInput, type PlaygroundModel } from './model';
import { fmt, forwardSteps, reverseSteps, runningAdjoints, runningTangents, type Step, type Sweep } from './steps';
import { decodeState, encodeState } from './urlState';
import { renderSpyPlot } from './spyPlot';

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`playground: #${id} is missing from the page`);
  return found as T;
};

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  node.append(...children);
  return node;
}

/** Page state: the input (what a link restores) and where each sweep's cursor is. */
interface State {
  input: PlaygroundInput;
  model: PlaygroundModel | undefined;
  /** Steps done per sweep (0 .. steps); null = overview: everything computed, nothing highlighted. */
  cursor: Record<Sweep, number | null>;
  active: Sweep;
  svg: SVGSVGElement | undefined;
  view: GraphViewport | undefined;
  /** Whether the user set "Follow the step" (else it follows the graph's size). */
  followChosen: boolean;
}

const state: State = {
  input: decodeState(location.hash),
  model: undefined,
  cursor: { forward: null, reverse: null },
  active: 'reverse',
  svg: undefined,
  view: undefined,
  followChosen: false,
};

const ui = {
  formula: $<HTMLInputElement>('formula'),
  formulaError: $<HTMLParagraphElement>('formula-error'),
  pointInputs: $<HTMLDivElement>('point-inputs'),
  pointError: $<HTMLParagraphElement>('point-error'),
  directionError: $<HTMLParagraphElement>('direction-error'),
  graphFit: $<HTMLButtonElement>('graph-fit'),
  graphZoomIn: $<HTMLButtonElement>('graph-zoom-in'),
  graphZoomOut: $<HTMLButtonElement>('graph-zoom-out'),
  graphFollow: $<HTMLInputElement>('graph-follow'),
  graphScale: $<HTMLSpanElement>('graph-scale'),
  forwardSeed: $<HTMLSelectElement>('forward-seed'),
  directionField: $<HTMLDivElement>('direction-field'),
  direction: $<HTMLInputElement>('forward-direction'),
  reverseSeed: $<HTMLSelectElement>('reverse-seed'),
  share: $<HTMLButtonElement>('share'),
  shareStatus: $<HTMLOutputElement>('share-status'),
  summary: $<HTMLElement>('summary'),
  workspace: $<HTMLDivElement>('workspace'),
  graph: $<HTMLDivElement>('graph'),
  forwardTable: $<HTMLTableElement>('forward-table'),
  reverseTable: $<HTMLTableElement>('reverse-table'),
  forwardPosition: $<HTMLSpanElement>('forward-position'),
  reversePosition: $<HTMLSpanElement>('reverse-position'),
  jacobian: $<HTMLDivElement>('jacobian'),
  cost: $<HTMLDivElement>('cost'),
  announce: $<HTMLDivElement>('announce'),
};

const vec = (xs: readonly number[]) => `[${xs.map(fmt).join(', ')}]`;

// ---- controls -------------------------------------------------------------------------

/** Rebuilds the point inputs only when the variables change, so typing in one is never interrupted. */
function syncPointInputs(variables: readonly string[]): void {
  const current = [...ui.pointInputs.querySelectorAll<HTMLInputElement>('input')].map((i) => i.dataset['variable']);
  if (current.join('\u0000') === variables.join('\u0000')) return;
  ui.pointInputs.replaceChildren(
    ...variables.map((v) => {
      const id = `point-${v}`;
      const input = h('input', { id, type: 'text', inputmode: 'decimal', spellcheck: 'false', 'data-variable': v });
      input.value = String(state.input.point[v] ?? 1);
      return h('div', { class: 'field' }, h('label', { for: id }, v), input);
    }),
  );
}

function syncSeedSelects(model: PlaygroundModel): void {
  const fwd = [
    ...model.variables.map((v, j) => ({ value: String(j), label: `e${j + 1}: d/d${v} (column ${j + 1} of J)` })),
    { value: 'dir', label: 'any direction (a JVP)' },
  ];
  const rev = model.outputNames.map((y, i) => ({ value: String(i), label: `${y}-bar = 1 (row ${i + 1} of J)` }));
  const fill = (select: HTMLSelectElement, options: { value: string; label: string }[], selected: string) => {
    const same = [...select.options].map((o) => o.value + o.text).join() === options.map((o) => o.value + o.label).join();
    if (!same) select.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.label)));
    select.value = selected;
  };
  fill(ui.forwardSeed, fwd, model.seed.kind === 'input' ? String(model.seed.index) : 'dir');
  fill(ui.reverseSeed, rev, String(model.output));
  ui.directionField.hidden = model.seed.kind !== 'direction';
  if (model.seed.kind === 'direction' && document.activeElement !== ui.direction) ui.direction.value = model.seed.vector.join(', ');
}

function readInput(): PlaygroundInput {
  const point: Record<string, number> = { ...state.input.point };
  for (const input of ui.pointInputs.querySelectorAll<HTMLInputElement>('input')) {
    const v = input.dataset['variable'] as string;
    point[v] = input.value.trim() === '' ? NaN : Number(input.value);
  }
  let seed: ForwardSeed;
  if (ui.forwardSeed.value === 'dir') {
    // as typed: a wrong count or a non-number is reported on the field (analyze checks), never read as 0
    const text = ui.direction.value.trim();
    const vector = text === '' ? [] : text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
    seed = { kind: 'direction', vector };
  } else {
    seed = { kind: 'input', index: Number(ui.forwardSeed.value) || 0 };
  }
  return { formula: ui.formula.value, point, seed, output: Number(ui.reverseSeed.value) || 0 };
}

// ---- rendering ------------------------------------------------------------------------

/** Shows an error on the field it belongs to (its message below it, aria-invalid on it); the results go stale. */
function showError(error: Extract<Analysis, { ok: false }>): void {
  clearError();
  if (error.field === 'point') {
    const input = ui.pointInputs.querySelector<HTMLInputElement>(`input[data-variable="${error.variable ?? ''}"]`);
    input?.setAttribute('aria-invalid', 'true');
    input?.setAttribute('aria-describedby', 'point-error');
    ui.pointError.textContent = error.message;
  } else if (error.field === 'direction') {
    ui.direction.setAttribute('aria-invalid', 'true');
    ui.directionError.textContent = error.message;
  } else {
    ui.formula.setAttribute('aria-invalid', 'true');
    const caret = error.position === undefined ? '' : `\n${ui.formula.value}\n${' '.repeat(error.position)}^`;
    ui.formulaError.textContent = `${error.message}${caret}`;
  }
  ui.summary.classList.add('stale');
  ui.workspace.classList.add('stale');
}

function clearError(): void {
  for (const field of [ui.formula, ui.direction, ...ui.pointInputs.querySelectorAll<HTMLInputElement>('input')]) {
    field.removeAttribute('aria-invalid');
  }
  ui.formulaError.textContent = '';
  ui.pointError.textContent = '';
  ui.directionError.textContent = '';
  ui.summary.classList.remove('stale');
  ui.workspace.classList.remove('stale');
}

function renderSummary(m: PlaygroundModel): void {
  const seedText = vec(m.seedVector);
  ui.summary.replaceChildren(
    h('span', {}, 'f(', h('span', { class: 'mono' }, m.point.map((v, i) => `${m.variables[i]} = ${fmt(v)}`).join(', ')), ') = ',
      h('strong', { id: 'value', class: 'mono' }, vec(m.forward.output))),
    h('span', { class: 'fwd' }, `forward, ẋ = ${seedText}: J·ẋ = `, h('strong', { id: 'jvp', class: 'mono' }, vec(m.forward.outputTangent))),
    h('span', { class: 'rev' }, `reverse, ȳ = ${vec(m.reverse.yBar)}: ȳᵀJ = `, h('strong', { id: 'gradient', class: 'mono' }, vec(m.reverse.gradient))),
  );
}

function renderForwardTable(m: PlaygroundModel): void {
  const t = ui.forwardTable;
  t.replaceChildren(
    h('caption', {}, `Seed ẋ = ${vec(m.seedVector)}; inputs are v${1 - m.variables.length} .. v0, as in the seed notes.`),
    h('thead', {}, h('tr', {}, ...['node', 'primal', 'value', 'tangent rule', 'tangent'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...m.forward.rows.map((r, k) =>
      h('tr', { 'data-row': k, class: r.kind },
        h('th', { scope: 'row' }, r.node), h('td', {}, r.expression), h('td', { class: 'num', title: String(r.value) }, fmt(r.value)),
        h('td', {}, r.tangentRule), h('td', { class: 'num', title: String(r.tangent) }, fmt(r.tangent))))),
  );
}

function renderReverseTable(m: PlaygroundModel): void {
  const t = ui.reverseTable;
  t.replaceChildren(
    h('caption', {}, `Seed ȳ = ${vec(m.reverse.yBar)}; rows in the order the backward sweep updates them; Σ marks an accumulation (a second path).`),
    h('thead', {}, h('tr', {}, ...['adjoint', 'rule', 'value'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...m.reverse.rows.map((r, k) =>
      h('tr', { 'data-row': k, class: r.accumulated ? 'accumulated' : r.kind, title: r.accumulated ? 'accumulation: adds a second path' : undefined },
        h('th', { scope: 'row' }, r.adjoint), h('td', {}, r.rule), h('td', { class: 'num', title: String(r.value) }, fmt(r.value))))),
  );
}

function renderJacobian(m: PlaygroundModel): void {
  const col = m.seed.kind === 'input' ? m.seed.index : -1;
  const row = m.output;
  const table = h('table', { id: 'jacobian-matrix' },
    h('caption', {}, `J (${m.cost.m} × ${m.cost.n}), rows = outputs, columns = inputs`),
    h('thead', {}, h('tr', {}, h('th', {}, ''), ...m.variables.map((v, j) => h('th', { scope: 'col', class: j === col ? 'col-fwd' : undefined }, `∂/∂${v}`)))),
    h('tbody', {}, ...m.jacobian.map((r, i) =>
      h('tr', {}, h('th', { scope: 'row' }, m.outputNames[i] ?? `y${i + 1}`),
        ...r.map((v, j) => h('td', {
          class: ['num', j === col ? 'col-fwd' : '', i === row ? 'row-rev' : ''].join(' ').trim(), title: String(v),
        }, fmt(v)))))),
  );
  const note = m.seed.kind === 'input'
    ? `The forward pass seeded with e${col + 1} produced the highlighted column (blue), ${vec(m.forward.outputTangent)}; `
    : `The forward pass seeded with ẋ = ${vec(m.seedVector)} produced J·ẋ = ${vec(m.forward.outputTangent)}, a mix of columns; `;
  ui.jacobian.replaceChildren(table, h('p', { class: 'note' }, `${note}the reverse pass seeded with ${m.outputNames[row]}-bar = 1 produced the highlighted row (orange), ${vec(m.reverse.gradient)}.`), renderSpyPlot(m));
}

function renderCost(m: PlaygroundModel): void {
  const c = m.cost;
  const pick = (mode: 'forward' | 'reverse') => (c.auto === mode ? 'pick' : undefined);
  const line = (label: string, f: number, r: number) =>
    h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: `num ${pick('forward') ?? ''}`.trim() }, String(f)), h('td', { class: `num ${pick('reverse') ?? ''}`.trim() }, String(r)));
  ui.cost.replaceChildren(
    h('table', { id: 'cost-table' },
      h('caption', {}, `Cost of the full Jacobian (n = ${c.n} inputs, m = ${c.m} outputs, ${c.primitives} primitives)`),
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { scope: 'col', class: pick('forward') }, 'forward'), h('th', { scope: 'col', class: pick('reverse') }, 'reverse'))),
      h('tbody', {},
        line('passes', c.forward.passes, c.reverse.passes),
        line('primitive evaluations', c.forward.primitiveEvaluations, c.reverse.primitiveEvaluations),
        line('values stored', c.forward.valuesStored, c.reverse.valuesStored))),
    h('p', { class: 'note', id: 'auto-mode' }, `jacobian(f, x) picks `, h('strong', {}, c.auto), ` mode: ${c.reason}.`),
  );
}

/** Marks the current steps in the graph and the tables, and the step positions. */
function renderSteps(): void {
  const m = state.model;
  if (m === undefined) return;
  const fSteps = forwardSteps(m);
  const rSteps = reverseSteps(m);
  const fDone = state.cursor.forward ?? fSteps.length;
  const rDone = state.cursor.reverse ?? rSteps.length;
  const fCur: Step | undefined = state.cursor.forward === null ? undefined : fSteps[fDone - 1];
  const rCur: Step | undefined = state.cursor.reverse === null ? undefined : rSteps[rDone - 1];
  const mark = (table: HTMLTableElement, done: number, current: Step | undefined) => {
    table.querySelectorAll<HTMLTableRowElement>('tbody tr').forEach((tr, k) => {
      tr.classList.toggle('pending', k >= done);
      tr.classList.toggle('current', current?.row === k);
      if (current?.row === k) {
        tr.setAttribute('aria-current', 'step');
        tr.scrollIntoView?.({ block: 'nearest' });
      } else tr.removeAttribute('aria-current');
    });
  };
  mark(ui.forwardTable, fDone, fCur);
  mark(ui.reverseTable, rDone, rCur);
  const pos = (c: number | null, n: number) => (c === null ? `all ${n} steps` : `step ${c} of ${n}`);
  ui.forwardPosition.textContent = pos(state.cursor.forward, fSteps.length);
  ui.reversePosition.textContent = pos(state.cursor.reverse, rSteps.length);
  // follow the sweep being stepped: zoom to its node when the graph is too large to read fitted
  const followed = state.active === 'forward' ? fCur : rCur;
  if (state.view && ui.graphFollow.checked && followed !== undefined) state.view.focus(followed.node);
  if (state.svg) {
    markGraph(state.svg, {
      tangents: runningTangents(m, fDone),
      adjoints: runningAdjoints(m, rDone),
      forwardNode: fCur?.node,
      reverseNode: rCur?.node,
      reverseEdge: rCur?.edge,
      accumulated: rCur?.accumulated ?? false,
    });
  }
}

function step(sweep: Sweep, act: 'start' | 'prev' | 'next' | 'end'): void {
  const m = state.model;
  if (m === undefined) return;
  state.active = sweep;
  const steps = sweep === 'forward' ? forwardSteps(m) : reverseSteps(m);
  const n = steps.length;
  const c = state.cursor[sweep];
  const next = act === 'start' ? 0 : act === 'end' ? n : act === 'next' ? (c === null ? 1 : Math.min(c + 1, n)) : c === null ? n : Math.max(c - 1, 0);
  state.cursor[sweep] = next;
  renderSteps();
  const label = sweep === 'forward' ? 'Forward' : 'Reverse';
  ui.announce.textContent = next === 0 ? `${label} sweep at the start: nothing computed yet.` : `${label} step ${next} of ${n}: ${steps[next - 1]!.text}`;
}

// ---- the graph's view ------------------------------------------------------------------

/** Below this scale the graph's 13 px labels shrink under 9 px: the page offers to follow the step instead. */
const READABLE = 0.7;

function showScale(): void {
  const v = state.view;
  if (v === undefined) return;
  const pct = Math.round(v.scale * 100);
  ui.graphScale.textContent = v.fitted
    ? `whole graph, ${pct}%${v.scale < READABLE ? ': zoom in, or step with “Follow the step”' : ''}`
    : `${pct}%, drag to pan`;
}
ui.graph.addEventListener('viewchange', showScale);
ui.graphFit.addEventListener('click', () => state.view?.fit());
ui.graphZoomIn.addEventListener('click', () => state.view?.zoom(1.5));
ui.graphZoomOut.addEventListener('click', () => state.view?.zoom(1 / 1.5));
ui.graphFollow.addEventListener('change', () => {
  state.followChosen = true;
  if (ui.graphFollow.checked) renderSteps();
  else state.view?.fit();
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (state.view?.fitted) state.view.fit();
  }, 100);
});

// ---- the update loop -----------------------------------------------------------------

function update(input: PlaygroundInput, { fromLink = false } = {}): void {
  state.input = input;
  const result = analyze(input);
  if (!result.ok) {
    showError(result);
    return;
  }
  clearError();
  const m = result.model;
  const structureChanged = state.model === undefined || state.model.forward.rows.length !== m.forward.rows.length ||
    state.model.reverse.rows.length !== m.reverse.rows.length;
  state.model = m;
  if (structureChanged) state.cursor = { forward: null, reverse: null };
  syncPointInputs(m.variables);
  syncSeedSelects(m);
  renderSummary(m);
  state.svg = renderGraph(m);
  ui.graph.replaceChildren(state.svg);
  state.view = new GraphViewport(state.svg, ui.graph);
  state.view.fit();
  if (!state.followChosen) ui.graphFollow.checked = state.view.fitScale < READABLE;
  renderForwardTable(m);
  renderReverseTable(m);
  renderJacobian(m);
  renderCost(m);
  renderSteps();
  const point = Object.fromEntries(m.variables.map((v, i) => [v, m.point[i] as number]));
  const hash = encodeState({ ...input, point, seed: m.seed, output: m.output });
  if (!fromLink && hash !== location.hash) history.replaceState(null, '', hash);
}

ui.formula.value = state.input.formula;
const initial = analyze(state.input);
if (initial.ok) syncPointInputs(initial.model.variables);
update(state.input, { fromLink: true });

// One listener on the form: any edit re-runs the library (it takes milliseconds at this size).
document.getElementById('controls')!.addEventListener('input', (event) => {
  const target = event.target as HTMLElement;
  if (target === ui.formula) {
    // keep values typed for variables the new formula still has; new ones start at 1
    const attempt = analyze({ ...readInput(), formula: ui.formula.value });
    if (attempt.ok) syncPointInputs(attempt.model.variables);
  }
  update(readInput());
});
document.getElementById('controls')!.addEventListener('change', () => update(readInput()));
document.getElementById('controls')!.addEventListener('submit', (e) => e.preventDefault());
ui.forwardSeed.addEventListener('change', () => {
  if (ui.forwardSeed.value === 'dir' && ui.direction.value.trim() === '' && state.model) ui.direction.value = state.model.seedVector.join(', ');
  update(readInput());
});

for (const button of document.querySelectorAll<HTMLButtonElement>('.stepper button')) {
  button.addEventListener('click', () => step(button.dataset['sweep'] as Sweep, button.dataset['act'] as 'start' | 'prev' | 'next' | 'end'));
}
const keyActs: Record<string, 'start' | 'prev' | 'next' | 'end'> = { ArrowLeft: 'prev', ArrowRight: 'next', Home: 'start', End: 'end' };
for (const sweep of ['forward', 'reverse'] as const) {
  // n / p step the sweep whose panel was used last
  $(`${sweep}-panel`).addEventListener('focusin', () => (state.active = sweep));
  $(`${sweep}-panel`).addEventListener('keydown', (e) => {
    const act = keyActs[e.key];
    // Home/End on a focused button keep their usual meaning; arrows always step
    if (act === undefined || ((e.target as HTMLElement).tagName === 'BUTTON' && (e.key === 'Home' || e.key === 'End'))) return;
    e.preventDefault();
    step(sweep, act);
  });
}
document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (e.ctrlKey || e.metaKey || e.altKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName)) return;
  if (e.key === 'n') step(state.active, 'next');
  else if (e.key === 'p') step(state.active, 'prev');
  else if (e.key === 'f') state.active = 'forward';
  else if (e.key === 'r') state.active = 'reverse';
});

ui.share.addEventListener('click', () => {
  const url = location.href;
  const done = (text: string) => (ui.shareStatus.textContent = text);
  if (navigator.clipboard) navigator.clipboard.writeText(url).then(() => done('Link copied.'), () => done(url));
  else done(url);
});

window.addEventListener('hashchange', () => {
  const input = decodeState(location.hash);
  ui.formula.value = input.formula;
  const a = analyze(input);
  if (a.ok) {
    ui.pointInputs.replaceChildren();
    state.input = input;
    syncPointInputs(a.model.variables);
  }
  update(input, { fromLink: true });
});
