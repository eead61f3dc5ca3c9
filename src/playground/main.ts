// The playground page: reads the controls, runs the library through model.ts, renders graph, traces, Jacobian and cost, and steps the sweeps.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { GraphViewport, markGraph, renderGraph } from './graphView';
import { analyze, type Analysis, type ForwardSeed, type PlaygroundInput, type PlaygroundModel } from './model';
import { fmt, forwardSteps, reverseSteps, runningAdjoints, runningTangents, type Step, type Sweep } from './steps';
import { decodeScanState, decodeState, encodeState, withScanState } from './urlState';
import { renderSpyPlot } from './spyPlot';
import { forwardStepLines, reverseStepLines, type ProgramLine } from './programs';
import { analyzeScan, MAX_LENGTH, parseStep, SCAN_PRESETS, tradeoffCurve, type ScanError, type ScanInput, type ScanMeasurement, type ScanModel, type TradeoffCurve } from './scanModel';
import { renderTradeoffPlot } from './tradeoffPlot';

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

/** The plot's runs are measured once per (step, initial values, k); changing c reuses them. */
const scanState: { input: ScanInput; curveKey: string; curve: TradeoffCurve | undefined } = {
  input: decodeScanState(location.hash), curveKey: '', curve: undefined,
};

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
  code: $<HTMLDivElement>('code'),
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

/** The code view: both programs as the library prints them, one element per line (the steps mark them). */
function renderPrograms(m: PlaygroundModel): void {
  const p = m.programs;
  if (!p.ok) {
    ui.code.replaceChildren(h('p', { class: 'error', id: 'code-error' }, p.message));
    return;
  }
  const program = (id: string, title: string, mode: 'forward' | 'reverse', note: string, lines: readonly ProgramLine[]) =>
    h('figure', { class: 'program' },
      h('figcaption', {}, h('strong', {}, title), ` (${mode} mode; `, h('code', {}, `compile(f, x).source('${mode}')`), `): ${note}`),
      h('pre', { id, tabindex: 0, 'aria-label': title },
        ...lines.map((l, k) => h('code', { class: `line ${l.role}`, 'data-line': k }, l.text))));
  const x = m.variables.map((_, j) => `x${j + 1}`).join(', ');
  ui.code.replaceChildren(
    program('tangent-program', 'Tangent program', 'forward',
      `run it with ${x} and their tangents; one v = … and v_dot = … per entry, as the forward trace's rows.`, p.forward),
    program('adjoint-program', 'Adjoint program', 'reverse',
      `the primal sweep, then one v_bar += … per adjoint update, in the backward sweep's order (the reverse trace's rows).`, p.reverse),
  );
}

/** Marks the current step's lines in one program: `current` lines, `group` lines (the entry being pulled back), and the lines after them that the sweep has not reached. */
function markProgram(id: string, current: readonly number[], group: readonly number[], reached: number | null, stepped: (l: ProgramLine) => boolean, lines: readonly ProgramLine[]): void {
  const pre = document.getElementById(id);
  if (pre === null) return;
  const spans = pre.querySelectorAll<HTMLElement>('.line');
  spans.forEach((span, k) => {
    span.classList.toggle('current', current.includes(k));
    span.classList.toggle('group', !current.includes(k) && group.includes(k));
    span.classList.toggle('pending', reached !== null && k > reached && stepped(lines[k] as ProgramLine));
  });
  // scroll the program inside its own box only (the page stays where the user is)
  const first = spans[current[0] ?? -1];
  if (first !== undefined) {
    // the pre is positioned, so a line's offsetTop is measured from the pre's own top
    const top = first.offsetTop;
    if (top < pre.scrollTop || top + first.offsetHeight > pre.scrollTop + pre.clientHeight) pre.scrollTop = Math.max(0, top - pre.clientHeight / 3);
  }
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
  if (m.programs.ok) {
    // program order is sweep order: a line after the last one reached is still to come
    const fLines = forwardStepLines(m.programs.forward, m.forward);
    const rLines = reverseStepLines(m.programs.reverse, m.reverse, m.forward);
    const lastOf = (ks: readonly (readonly number[])[]) => Math.max(-1, ...ks.flat());
    const fReached = state.cursor.forward === null ? null : lastOf(fLines.slice(0, fDone));
    const rReached = state.cursor.reverse === null ? null : lastOf(rLines.slice(0, rDone).map((r) => r.current));
    markProgram('tangent-program', fCur === undefined ? [] : (fLines[fCur.row] ?? []), [], fReached,
      (l) => l.role === 'primal' || l.role === 'tangent' || l.role === 'outputs', m.programs.forward);
    const r = rCur === undefined ? undefined : rLines[rCur.row];
    markProgram('adjoint-program', r?.current ?? [], r?.entry ?? [], rReached, (l) => l.role === 'seed' || l.role === 'adjoint', m.programs.reverse);
  }
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
  renderPrograms(m);
  renderJacobian(m);
  renderCost(m);
  renderSteps();
  const point = Object.fromEntries(m.variables.map((v, i) => [v, m.point[i] as number]));
  const hash = withScanState(encodeState({ ...input, point, seed: m.seed, output: m.output }), scanState.input);
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
  const scan = decodeScanState(location.hash);
  if (JSON.stringify(scan) !== JSON.stringify(scanState.input)) {
    writeScanInput(scan);
    runScan({ fromLink: true });
  }
});

// ---- the scan panel: memory vs recomputation -------------------------------------------

const scanUi = {
  form: $<HTMLFormElement>('scan-controls'),
  preset: $<HTMLSelectElement>('scan-preset'),
  step: $<HTMLInputElement>('scan-step'),
  stepError: $<HTMLParagraphElement>('scan-step-error'),
  initInputs: $<HTMLDivElement>('scan-init-inputs'),
  initError: $<HTMLParagraphElement>('scan-init-error'),
  length: $<HTMLInputElement>('scan-length'),
  lengthError: $<HTMLParagraphElement>('scan-length-error'),
  checkpoints: $<HTMLInputElement>('scan-checkpoints'),
  slider: $<HTMLInputElement>('scan-c-slider'),
  plain: $<HTMLInputElement>('scan-plain'),
  checkpointsError: $<HTMLParagraphElement>('scan-checkpoints-error'),
  status: $<HTMLParagraphElement>('scan-status'),
  results: $<HTMLDivElement>('scan-results'),
  result: $<HTMLDivElement>('scan-result'),
  plot: $<HTMLDivElement>('tradeoff-svg'),
  caption: $<HTMLElement>('tradeoff-caption'),
};

const count = (v: number) => v.toLocaleString('en-US');

function syncScanInit(variables: readonly string[]): void {
  const current = [...scanUi.initInputs.querySelectorAll<HTMLInputElement>('input')].map((i) => i.dataset['variable']);
  if (current.join('\u0000') === variables.join('\u0000')) return;
  scanUi.initInputs.replaceChildren(
    ...variables.map((v) => {
      const id = `scan-init-${v}`;
      const input = h('input', { id, type: 'text', inputmode: 'decimal', spellcheck: 'false', 'data-variable': v });
      input.value = String(scanState.input.init[v] ?? 1);
      return h('div', { class: 'field' }, h('label', { for: id }, v), input);
    }),
  );
}

/** c on the slider: log scale from 1 to k, so small counts get as much travel as large ones. */
const sliderToC = (s: number, k: number) => (k <= 1 ? 1 : Math.min(k, Math.max(1, Math.round(Math.exp((s / 1000) * Math.log(k))))));
const cToSlider = (c: number, k: number) => (k <= 1 ? 0 : Math.round((1000 * Math.log(Math.max(1, c))) / Math.log(k)));

function readScanInput(): ScanInput {
  const init: Record<string, number> = { ...scanState.input.init };
  for (const input of scanUi.initInputs.querySelectorAll<HTMLInputElement>('input')) {
    init[input.dataset['variable'] as string] = input.value.trim() === '' ? NaN : Number(input.value);
  }
  const num = (text: string) => (text.trim() === '' ? NaN : Number(text));
  return { step: scanUi.step.value, init, length: num(scanUi.length.value), checkpoints: scanUi.plain.checked ? null : num(scanUi.checkpoints.value) };
}

function writeScanInput(input: ScanInput): void {
  scanUi.step.value = input.step;
  syncPreset();
  scanUi.length.value = String(input.length);
  scanUi.plain.checked = input.checkpoints === null;
  if (input.checkpoints !== null) scanUi.checkpoints.value = String(input.checkpoints);
  scanState.input = input;
  scanUi.initInputs.replaceChildren();
  const parsed = parseStep(input.step);
  if (parsed.ok) syncScanInit(parsed.step.variables);
  syncScanC();
}

/** Shows the preset the step is, or 'custom step'. */
function syncPreset(): void {
  const k = SCAN_PRESETS.findIndex((p) => p.step === scanUi.step.value);
  scanUi.preset.value = k < 0 ? 'custom' : String(k);
}

/** Keeps the slider and the number field showing the same c, and disables both for the plain loop. */
function syncScanC(): void {
  const k = Number(scanUi.length.value);
  const c = Number(scanUi.checkpoints.value);
  scanUi.checkpoints.disabled = scanUi.slider.disabled = scanUi.plain.checked;
  if (Number.isInteger(k) && k >= 1 && Number.isFinite(c)) scanUi.slider.value = String(cToSlider(c, k));
}

function clearScanErrors(): void {
  for (const field of [scanUi.step, scanUi.length, scanUi.checkpoints, ...scanUi.initInputs.querySelectorAll<HTMLInputElement>('input')]) field.removeAttribute('aria-invalid');
  for (const p of [scanUi.stepError, scanUi.initError, scanUi.lengthError, scanUi.checkpointsError]) p.textContent = '';
  scanUi.results.classList.remove('stale');
}

function showScanError(e: ScanError): void {
  clearScanErrors();
  if (e.field === 'init') {
    const input = scanUi.initInputs.querySelector<HTMLInputElement>(`input[data-variable="${e.variable ?? ''}"]`);
    input?.setAttribute('aria-invalid', 'true');
    input?.setAttribute('aria-describedby', 'scan-init-error');
    scanUi.initError.textContent = e.message;
  } else if (e.field === 'length') {
    scanUi.length.setAttribute('aria-invalid', 'true');
    scanUi.lengthError.textContent = e.message;
  } else if (e.field === 'checkpoints') {
    scanUi.checkpoints.setAttribute('aria-invalid', 'true');
    scanUi.checkpointsError.textContent = e.message;
  } else {
    scanUi.step.setAttribute('aria-invalid', 'true');
    const caret = e.position === undefined ? '' : `\n${scanUi.step.value}\n${' '.repeat(e.position)}^`;
    scanUi.stepError.textContent = `${e.message}${caret}`;
  }
  scanUi.results.classList.add('stale');
  scanUi.status.textContent = '';
}

function renderScanResult(m: ScanModel): void {
  const { chosen, plain } = m;
  const c = chosen.checkpoints;
  const head = c === null ? 'no checkpointing' : `c = ${c}`;
  const row = (key: keyof ScanMeasurement['cost'] | 'milliseconds', label: string, of: (r: ScanMeasurement) => string) =>
    h('tr', { 'data-key': key }, h('th', { scope: 'row' }, label), h('td', { class: 'num chosen' }, of(chosen)), h('td', { class: 'num' }, of(plain)));
  const table = h('table', { id: 'scan-table' },
    h('caption', {}, `scan of ${m.input.length} steps, ${count(m.perStep)} primitive${m.perStep === 1 ? '' : 's'} per step, carry (${m.parsed.variables.join(', ')})`),
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { scope: 'col', class: 'chosen' }, head), h('th', { scope: 'col' }, 'plain recording'))),
    h('tbody', {},
      row('storedValues', 'values stored by the forward run', (r) => count(r.recorded.storedValues)),
      row('peakBytes', 'peak bytes of the sweep', (r) => count(r.cost.peakBytes)),
      row('forwardEvaluations', 'primitive evaluations, forward run', (r) => count(r.cost.forwardEvaluations)),
      row('sweepEvaluations', 'primitive evaluations re-done in the sweep', (r) => count(r.cost.sweepEvaluations)),
      row('stepsRecomputed', 'steps re-run unrecorded in the sweep', (r) => count(r.cost.stepsRecomputed)),
      row('milliseconds', 'time, this run (ms)', (r) => r.milliseconds.toFixed(1))));
  const names = m.parsed.variables.join(', ');
  const y = m.parsed.carry[0] as string;
  const agree = m.gradientDifference === 0 ? 'equal bit for bit' : `agree to ${m.gradientDifference.toExponential(1)} relative`;
  const bound = m.binomialBound === undefined ? '' :
    ` The binomial schedule re-runs ${count(m.binomialBound)} steps for k = ${m.input.length}, c = ${c ?? ''}; the forward run already made the first of them (it keeps the schedule's first snapshots), the sweep the rest.`;
  scanUi.result.replaceChildren(
    table,
    h('p', { id: 'scan-gradient', class: 'mono' },
      `${y}(k) = ${fmt(chosen.value)}; gradient d${y}(k)/d(${names}) = `, h('strong', { id: 'scan-grad-chosen' }, vec(chosen.gradient)),
      `; the plain recording's: `, h('span', { id: 'scan-grad-plain' }, vec(plain.gradient)), ` (${agree}).`),
    h('p', { class: 'note' }, `Gradient of the final ${y} with respect to the initial carry and the parameters, each value's full precision in its title.${bound}`),
  );
  for (const [id, g] of [['scan-grad-chosen', chosen.gradient], ['scan-grad-plain', plain.gradient]] as const) document.getElementById(id)?.setAttribute('title', g.join(', '));
}

function renderTradeoff(curve: TradeoffCurve, current: number | null): void {
  scanUi.plot.replaceChildren(renderTradeoffPlot(curve.points, current));
  const cs = curve.points.flatMap((p) => (p.checkpoints === null ? [] : [p.checkpoints]));
  const skipped = curve.skipped.length === 0 ? '' : ` Left out: ${curve.skipped.map((s) => `c = ${s.checkpoints} (${s.reason})`).join('; ')}.`;
  scanUi.caption.textContent =
    `Peak memory against work, measured for the plain recording (square) and c = ${cs.join(', ')} (circles; fewer checkpoints, less memory, more recomputation); ` +
    `the chosen ${current === null ? 'plain recording' : `c = ${current}`} is ringed. Log scales.${skipped}`;
}

let scanTimer: ReturnType<typeof setTimeout> | undefined;
/** Runs after a short pause (a long scan takes a second; typing should not wait on each key). */
function scheduleScan(delay = 150): void {
  clearTimeout(scanTimer);
  scanUi.status.textContent = 'measuring…';
  scanTimer = setTimeout(runScan, delay);
}

function runScan({ fromLink = false } = {}): void {
  const input = readScanInput();
  scanState.input = input;
  // the link holds what was typed, as the formula's part does once it is valid
  const hash = withScanState(location.hash, input);
  if (!fromLink && hash !== location.hash) history.replaceState(null, '', hash);
  const a = analyzeScan(input);
  if (!a.ok) {
    showScanError(a);
    return;
  }
  clearScanErrors();
  const m = a.model;
  renderScanResult(m);
  const key = JSON.stringify([input.step, m.init, input.length]);
  const c = m.chosen.checkpoints;
  if (scanState.curve === undefined || scanState.curveKey !== key) {
    scanState.curve = tradeoffCurve(m, c === null ? [] : [c]);
    scanState.curveKey = key;
  } else if (c !== null) {
    // a c the plot has not measured yet joins it; one it has keeps its point (the same counts)
    // (the stack's depth differs from run to run: a c the plot could not run may run when chosen)
    const { points, skipped } = scanState.curve;
    if (!points.some((p) => p.checkpoints === c)) scanState.curve = { points: [...points, m.chosen], skipped: skipped.filter((s) => s.checkpoints !== c) };
  }
  renderTradeoff(scanState.curve, c);
  scanUi.status.textContent = `measured ${c === null ? 'the plain recording' : `c = ${c}`} in ${m.chosen.milliseconds.toFixed(0)} ms`;
}

scanUi.preset.replaceChildren(
  ...SCAN_PRESETS.map((p, i) => h('option', { value: i }, `${p.name}: ${p.step}`)),
  h('option', { value: 'custom', disabled: true }, 'custom step'),
);
scanUi.length.setAttribute('aria-label', `length k, 1 to ${MAX_LENGTH}`);
writeScanInput(scanState.input);
runScan({ fromLink: true });

scanUi.form.addEventListener('submit', (e) => e.preventDefault());
scanUi.form.addEventListener('input', (event) => {
  const target = event.target as HTMLElement;
  if (target === scanUi.preset) return;
  if (target === scanUi.step) {
    syncPreset();
    const parsed = parseStep(scanUi.step.value);
    if (parsed.ok) syncScanInit(parsed.step.variables);
  }
  if (target === scanUi.slider) scanUi.checkpoints.value = String(sliderToC(Number(scanUi.slider.value), Number(scanUi.length.value)));
  else syncScanC();
  scheduleScan();
});
scanUi.preset.addEventListener('change', () => {
  const p = SCAN_PRESETS[Number(scanUi.preset.value)];
  if (p === undefined) return;
  writeScanInput({ ...readScanInput(), step: p.step, init: p.init });
  scheduleScan(0);
});
