// The mathjs front-end: formulas become dualtape functions in the seed notes' evaluation order, with clear errors.
import { forwardTrace, grad, jacfwd, record, renderTrace, reverseTrace, scan, type Value } from '../../src/index';
import { checkFormula, formula, FormulaError, stepFormula } from '../../src/expr/index';

const WORKED = 'ln(x1) + x1*x2 - sin(x2)';

describe('formula', () => {
  test('the worked example records the seed notes’ v1 .. v5 in order', () => {
    const f = formula(WORKED);
    expect(f.variables).toEqual(['x1', 'x2']);
    const x = f.point({ x1: 2, x2: 5 });
    expect(x).toEqual([2, 5]);
    expect(record(f.fn, x).entries.map((e) => e.op)).toEqual(['input', 'input', 'log', 'mul', 'sin', 'add', 'sub']);
    expect(grad(f.fn as (x: Value[]) => Value)(x)).toEqual([5.5, 2 - Math.cos(5)]);
    expect(renderTrace(forwardTrace(f.fn, x))).toContain('v3    sin v0    -0.959  v0-dot * cos v0                  0');
    expect(reverseTrace(f.fn, x).rows).toHaveLength(9);
  });
  test('depth order, shared subexpressions, constants folded, natural variable order', () => {
    const f = formula('exp(x10) * sin(x2) + 2*pi * sin(x2)');
    expect(f.variables).toEqual(['x2', 'x10']);
    const ops = record(f.fn, [1, 0.5]).entries.map((e) => e.op);
    expect(ops).toEqual(['input', 'input', 'exp', 'sin', 'mul', 'mul', 'add']);
    expect(formula('b + a', { variables: ['b', 'a'] }).variables).toEqual(['b', 'a']);
  });
  test('functions, aliases, operators and several outputs', () => {
    const f = formula('log(x, 2) + sqrt(x) - abs(-x) + x^3 + pow(x, 2); atan2(x, y) + +y; hypot(x, y)');
    expect(f.isVector).toBe(true);
    expect(f.outputCount).toBe(3);
    const y = f.fn([4, 3]) as number[];
    expect(y[0]).toBeCloseTo(2 + 2 - 4 + 64 + 16, 12);
    expect(y[1]).toBeCloseTo(Math.atan2(4, 3) + 3, 12);
    expect(y[2]).toBe(5);
    expect(jacfwd(f.fn)([4, 3])[2]).toEqual([0.8, 0.6]);
  });
  test.each([
    ['foo(x) + 1', /unknown function 'foo' at position 1/, 1],
    ['x + bar(y)', /unknown function 'bar' at position 5/, 5],
    ['x + (2', /Parenthesis \) expected at position 7/, 7],
    ['x % 2', /unsupported operator '%' at position 3/, 3],
    ['sin + x', /'sin' at position 1 is a function/, 1],
    ['x + sin(x, y)', /sin at position 5 takes 1 argument\(s\), got 2/, 5],
    ['a = 3', /unsupported syntax/, 0],
  ])('%s is a FormulaError naming the problem and its position', (text, message, position) => {
    let error: unknown;
    try {
      formula(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormulaError);
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as Error).message).toMatch(message);
    expect((error as FormulaError).position).toBe(position);
  });
  test('unknown symbols with given variables, and bad points', () => {
    expect(() => formula('x + zz', { variables: ['x'] })).toThrow(/unknown symbol 'zz' at position 5; the variables are x/);
    const f = formula(WORKED);
    expect(() => f.point({ x1: 2 })).toThrow(/no value given for variable 'x2'/);
    expect(() => f.point({ x1: 2, x2: 5, q: 1 })).toThrow(/'q' is not a variable/);
    expect(() => f.fn([1])).toThrow(RangeError);
    expect(() => formula('')).toThrow(TypeError);
  });
});

describe('checkFormula', () => {
  test('forward, reverse, finite differences and mathjs derivative agree', () => {
    const c = checkFormula(WORKED, { x1: 2, x2: 5 });
    expect(c.variables).toEqual(['x1', 'x2']);
    expect(c.symbolic[0]![0]).toBeCloseTo(5.5, 12);
    c.forwardVsSymbolic.forEach((d) => expect(d).toBeLessThan(1e-12));
    c.inputs.forEach((d) => expect(d.forwardVsFiniteDifference).toBeLessThan(1e-8));
  });
  test('a function mathjs cannot differentiate is reported, not fatal', () => {
    const c = checkFormula('sigmoid(x) + x; x*y', { x: 1, y: 2 });
    expect(c.symbolic[0]).toEqual([null, 0]); // mathjs sees that y does not occur
    expect(c.symbolic[1]).toEqual([2, 1]);
    expect(c.symbolicErrors[0]).toMatch(/sigmoid/);
    expect(c.forwardVsSymbolic).toEqual([0, 0]);
  });
});

describe('stepFormula: a scan step written as assignments', () => {
  test('the assigned names are the carry, the other variables parameters; the assignments are simultaneous', () => {
    const s = stepFormula('x = x + h*v; v = v - h*x');
    expect(s.carry).toEqual(['x', 'v']);
    expect(s.parameters).toEqual(['h']);
    expect(s.variables).toEqual(['x', 'v', 'h']);
    // v's update reads the x before the step (1), not the new one (1 + 0.1·2)
    expect(s.step([1, 2, 0.1], 0)).toEqual([1 + 0.1 * 2, 2 - 0.1 * 1, 0.1]);
    expect(stepFormula('y = sin(y)*a + cos(y*b)').variables).toEqual(['y', 'a', 'b']);
    expect(stepFormula('y = y/2').step([3], 0)).toEqual([1.5]);
  });
  test('its gradient through a checkpointed scan is the hand-written loop\'s', () => {
    const { step } = stepFormula('y = sin(y)*a + cos(y*b)');
    const g = grad((x: Value[]) => scan(step, x, 50, { checkpoints: 4 })[0]!)([0.5, 0.5, 0.3]);
    const fd = (j: number) => {
      const at = (d: number) => {
        const x = [0.5, 0.5, 0.3];
        x[j]! += d;
        let y = x[0]!;
        for (let k = 0; k < 50; k++) y = Math.sin(y) * x[1]! + Math.cos(y * x[2]!);
        return y;
      };
      return (at(1e-6) - at(-1e-6)) / 2e-6;
    };
    g.forEach((gj, j) => expect(Math.abs(gj - fd(j))).toBeLessThan(1e-6));
  });
  test('bad steps: FormulaErrors whose position points into the text as typed', () => {
    const error = (text: string) => {
      try {
        stepFormula(text);
      } catch (e) {
        return e as FormulaError;
      }
      throw new Error('no error');
    };
    expect(error('x = 1; sin(x)')).toMatchObject({ position: 8, message: expect.stringContaining("'sin(x)' assigns none") });
    expect(error('x = 1; x = 2')).toMatchObject({ position: 8, message: expect.stringContaining('assigns x twice') });
    expect(error(' ; ')).toMatchObject({ position: 0, message: expect.stringContaining('the step is empty') });
    const e = error('x = x + h*v; v = v - foo(x)');
    expect(e.position).toBe(22);
    expect(e.message).toBe("formula: unknown function 'foo' at position 22");
    expect(() => stepFormula(3 as never)).toThrow(TypeError);
  });
});
