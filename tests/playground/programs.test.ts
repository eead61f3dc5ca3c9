// The code view's model: the programs are compile(f, x).source()'s text, and each trace step finds its own statements in them.
import { compile, workedExample } from '../../src/index';
import { formula } from '../../src/expr/index';
import { jsNodeName } from '../../src/compile/source';
import { analyze, type PlaygroundModel } from '../../src/playground/model';
import { derivativePrograms, forwardStepLines, programLines, reverseStepLines, type ProgramLine } from '../../src/playground/programs';
import { DEFAULT_INPUT } from '../../src/playground/urlState';

function model(f: string, point: Record<string, number> = {}, output = 0): PlaygroundModel {
  const a = analyze({ formula: f, point, seed: { kind: 'input', index: 0 }, output });
  if (!a.ok) throw new Error(a.message);
  return a.model;
}

function programs(m: PlaygroundModel): { forward: readonly ProgramLine[]; reverse: readonly ProgramLine[] } {
  if (!m.programs.ok) throw new Error(m.programs.message);
  return m.programs;
}

const texts = (lines: readonly ProgramLine[], ks: readonly number[]) => ks.map((k) => lines[k]!.text);

describe('the worked example', () => {
  const m = model(DEFAULT_INPUT.formula, { x1: 2, x2: 5 });
  const p = programs(m);

  test('both programs are exactly the text compile(f, x).source() returns', () => {
    const c = compile(workedExample, [2, 5]);
    expect(p.forward.map((l) => l.text).join('\n') + '\n').toBe(c.source('forward'));
    expect(p.reverse.map((l) => l.text).join('\n') + '\n').toBe(c.source('reverse'));
  });

  test('each forward step is its entry\'s primal and tangent statements; the output row the closing line', () => {
    const steps = forwardStepLines(p.forward, m.forward);
    expect(steps).toHaveLength(8);
    expect(texts(p.forward, steps[0]!)).toEqual(['v_1 = x1;', 'v_1_dot = x1_dot;']);
    expect(texts(p.forward, steps[2]!)).toEqual(['v1 = Math.log(v_1);', 'v1_dot = v_1_dot / v_1;']);
    expect(texts(p.forward, steps[3]!)).toEqual(['v2 = v_1 * v0;', 'v2_dot = v_1_dot * v0 + v0_dot * v_1;']);
    expect(texts(p.forward, steps[7]!)).toEqual(['// y = v5, y_dot = v5_dot']);
  });

  test('each reverse step is the statement of its adjoint update, in the seed notes\' order, the pulled-back entry\'s statements its group', () => {
    const steps = reverseStepLines(p.reverse, m.reverse, m.forward);
    expect(steps.map((s) => texts(p.reverse, s.current))).toEqual([
      ['v5_bar += 1;'],
      ['v4_bar += v5_bar;'],
      ['v3_bar -= v5_bar;'],
      ['v1_bar += v4_bar;'],
      ['v2_bar += v4_bar;'],
      ['v0_bar += v3_bar * Math.cos(v0);'],
      ['v_1_bar += v2_bar * v0;'],
      ['v0_bar += v2_bar * v_1;'],
      ['v_1_bar += v1_bar / v_1;'],
    ]);
    // the product v2 = v-1 * v0 pulls back to both arguments: both statements form its group
    expect(texts(p.reverse, steps[6]!.entry)).toEqual(['v_1_bar += v2_bar * v0;', 'v0_bar += v2_bar * v_1;']);
    expect(steps[0]!.entry).toEqual([]);
  });
});

describe.each([
  ['x*y + exp(z); sin(x)*z', { x: 0.5, y: -1.5, z: 2 }, 0],
  ['x*y + exp(z); sin(x)*z', { x: 0.5, y: -1.5, z: 2 }, 1],
  ['sin(x*y) + cos(x+y) + exp(x/3) * ln(y+2) + sqrt(x^2+y^2) - tanh(x*y*z) + z^3/(1+x^2) + atan2(y, x)', { x: 0.7, y: 1.3, z: 0.4 }, 0],
  ['x*x + x', { x: 3 }, 0],
  ['a*b; b*a; a', { a: 2, b: 3 }, 2],
])('%s, seeding output %i', (f, point, output) => {
  const m = model(f, point, output);
  const p = programs(m);
  const n = m.variables.length;
  const name = (i: number) => jsNodeName(i, n);

  test('the text is the library\'s', () => {
    const c = compile(formula(f).fn, m.point);
    expect(p.forward.map((l) => l.text).join('\n') + '\n').toBe(c.source('forward'));
    expect(p.reverse.map((l) => l.text).join('\n') + '\n').toBe(c.source('reverse'));
  });

  test('every forward step assigns its own entry', () => {
    forwardStepLines(p.forward, m.forward).forEach((ks, row) => {
      const r = m.forward.rows[row]!;
      if (r.kind === 'output') {
        expect(texts(p.forward, ks)).toEqual([expect.stringMatching(/^\/\/ /)]);
        // the program names outputs y, y1, ... whatever the trace calls them
        expect(p.forward[ks[0]!]!.text).toContain(` = ${name(r.index)}, `);
      } else {
        expect(texts(p.forward, ks)).toEqual([expect.stringMatching(new RegExp(`^${name(r.index)} = `)), expect.stringMatching(new RegExp(`^${name(r.index)}_dot = `))]);
      }
    });
  });

  test('every reverse update is one statement adding to its target from its source; steps of one sweep never share a statement', () => {
    const steps = reverseStepLines(p.reverse, m.reverse, m.forward);
    expect(steps).toHaveLength(m.reverse.rows.length);
    const used = new Set<number>();
    steps.forEach((s, row) => {
      const r = m.reverse.rows[row]!;
      expect(s.current).toHaveLength(1);
      const k = s.current[0]!;
      expect(used.has(k)).toBe(false);
      used.add(k);
      const text = p.reverse[k]!.text;
      expect(text).toMatch(new RegExp(`^${name(r.index)}_bar [-+]= `));
      if (r.kind === 'seed') expect(text).not.toMatch(/v_?\d+_bar;?$|v_?\d+_bar \*/);
      else {
        expect(text.split('= ')[1]).toContain(`${name(r.from!)}_bar`);
        expect(s.entry).toContain(k);
        for (const g of s.entry) expect(p.reverse[g]!.from).toBe(r.from);
      }
    });
    // statements come in sweep order, as the steps do
    const order = steps.map((s) => s.current[0]!);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

test('an entry used twice by one op (x * x) finds each of its two statements', () => {
  const m = model('x*x', { x: 3 });
  const p = programs(m);
  const steps = reverseStepLines(p.reverse, m.reverse, m.forward);
  expect(steps.map((s) => s.current)).toEqual([[steps[0]!.current[0]], [steps[1]!.current[0]], [steps[1]!.current[0]! + 1]]);
  expect(texts(p.reverse, steps[2]!.entry)).toEqual(['v0_bar += v1_bar * v0;', 'v0_bar += v1_bar * v0;']);
});

test('programLines ties each line to its entry by name', () => {
  const lines = programLines(compile(workedExample, [2, 5]).source('reverse'), 2, 7);
  expect(lines.find((l) => l.text === 'v0_bar += v3_bar * Math.cos(v0);')).toEqual({ text: 'v0_bar += v3_bar * Math.cos(v0);', role: 'adjoint', entry: 1, from: 4 });
  expect(lines.find((l) => l.text === 'v5_bar += 1;')).toEqual({ text: 'v5_bar += 1;', role: 'seed', entry: 6 });
  expect(lines.find((l) => l.text === 'v_1 = x1;')).toEqual({ text: 'v_1 = x1;', role: 'primal', entry: 0 });
  expect(lines.filter((l) => l.role === 'other').map((l) => l.text)).toEqual([
    expect.stringMatching(/^\/\/ Adjoint program/), expect.stringMatching(/^\/\/ Inputs/), expect.stringMatching(/^let v_1, /), expect.stringMatching(/^let v_1_bar = 0/),
  ]);
});

test('a function the compiler cannot take gives a message, not an exception', () => {
  const p = derivativePrograms(() => {
    throw new TypeError('boom');
  }, [1], 1);
  expect(p).toEqual({ ok: false, message: expect.stringMatching(/cannot be printed.*boom/) });
});
