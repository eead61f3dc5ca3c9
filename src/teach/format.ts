// Renders teaching tables as aligned plain text, Markdown or a LaTeX tabular, from cells that know both spellings.

/** The output formats of the teaching tables. */
export type TableFormat = 'text' | 'markdown' | 'latex';

/** @internal One table cell: its plain-text and LaTeX spellings. */
export interface Cell {
  readonly text: string;
  readonly latex: string;
  /** Numbers are right-aligned in text and LaTeX. */
  readonly numeric?: boolean;
  /** Emphasised in Markdown (the seed notes bold the derivative the pass delivers). */
  readonly bold?: boolean;
}

/**
 * Formats a value the way the seed notes print them: `fixed` gives exactly `digits`
 * decimals (10.000), otherwise trailing zeros are dropped (0.5, 5). -0 prints as 0.
 * @internal
 */
export function formatNumber(v: number, digits: number, fixed: boolean): string {
  if (!Number.isFinite(v)) return String(v);
  let s = v.toFixed(digits);
  if (!fixed && s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  // toFixed keeps the sign of values that round to zero (-0.000); a table should not
  if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  return s;
}

/** @internal */
export function numberCell(v: number, digits: number, fixed: boolean, bold = false): Cell {
  const text = formatNumber(v, digits, fixed);
  const latex = text === 'Infinity' ? '\\infty' : text === '-Infinity' ? '-\\infty' : text;
  return { text, latex, numeric: true, bold };
}

function escapeLatexText(s: string): string {
  return s.replace(/([&%$#_{}])/g, '\\$1');
}

/** @internal Renders a table in one of the three formats. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[], format: TableFormat): string {
  switch (format) {
    case 'text': {
      const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as Cell).text.length)));
      const line = (cells: readonly string[], numeric: (c: number) => boolean) =>
        cells
          .map((s, c) => (numeric(c) ? s.padStart(widths[c] as number) : s.padEnd(widths[c] as number)))
          .join('  ')
          .trimEnd();
      const isNumericColumn = (c: number) => rows.length > 0 && rows.every((r) => (r[c] as Cell).numeric === true);
      return [
        line(headers, isNumericColumn),
        widths.map((w) => '-'.repeat(w)).join('  '),
        ...rows.map((r) => line(r.map((cell) => cell.text), isNumericColumn)),
      ].join('\n');
    }
    case 'markdown': {
      const esc = (s: string) => s.replace(/\|/g, '\\|');
      return [
        `| ${headers.join(' | ')} |`,
        `|${headers.map(() => '---').join('|')}|`,
        ...rows.map((r) => `| ${r.map((c) => (c.bold ? `**${esc(c.text)}**` : esc(c.text))).join(' | ')} |`),
      ].join('\n');
    }
    case 'latex': {
      const spec = headers.map((_, c) => (rows.length > 0 && rows.every((r) => (r[c] as Cell).numeric) ? 'r' : 'l')).join('');
      return [
        `\\begin{tabular}{${spec}}`,
        '\\hline',
        `${headers.map(escapeLatexText).join(' & ')} \\\\`,
        '\\hline',
        ...rows.map((r) => `${r.map((c) => (c.bold ? `$\\mathbf{${c.latex}}$` : `$${c.latex}$`)).join(' & ')} \\\\`),
        '\\hline',
        '\\end{tabular}',
      ].join('\n');
    }
    default:
      throw new RangeError(`renderTable: format must be 'text', 'markdown' or 'latex', got ${String(format)}`);
  }
}
