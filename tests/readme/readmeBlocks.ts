// The README's ```ts blocks, as a test reads them: each block's code and, per line, the value its comment claims.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const README = resolve(__dirname, '../../README.md');

/** One ```ts block of the README: its code and the line it starts on (1-based, the first code line). */
export interface ReadmeBlock {
  readonly line: number;
  readonly code: string;
}

/** Every ```ts block, in order (whatever else the README says around them). */
export function readmeBlocks(text = readFileSync(README, 'utf8')): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i] as string)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] as string)) end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/**
 * A value a comment claims: a number, an array of them (nested), or an error. Numbers keep
 * the text shown, so they are checked to the digits shown: `1.716...` means the value's
 * digits start so, `~0.5` that it rounds to 0.5, and a plain number that it is exactly that.
 */
export type Claim =
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'array'; readonly typed: boolean; readonly items: readonly Claim[] }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'throws'; readonly name: string; readonly message: string };

const NUMBER = /^[~≈]?-?(?:\d+(?:\.\d+)?(?:e[-+]?\d+)?|Infinity|NaN)(?:\.\.\.)?/;

/** Parses the claim at the start of a comment; undefined when the comment starts with prose (nothing to check). */
export function parseClaim(comment: string): Claim | undefined {
  const text = comment.trim();
  const error = /^([A-Z]\w*Error): (.*)$/.exec(text);
  if (error) return { kind: 'throws', name: error[1] as string, message: (error[2] as string).trim() };
  const bool = /^(true|false)\b/.exec(text);
  if (bool) return { kind: 'boolean', value: bool[1] === 'true' };
  let rest = text;
  let typed = false;
  if (rest.startsWith('Float64Array [')) {
    typed = true;
    rest = rest.slice('Float64Array '.length);
  }
  const claim = parseValue(rest);
  if (claim === undefined) return undefined;
  // what follows the value must be prose, not more of an expression (`-cos(0.5)`, `2 * x`)
  if (!/^(\s|$|[:;,.]\s|[:;,.]$|=)/.test(rest.slice(claim.length))) return undefined;
  return typed && claim.value.kind === 'array' ? { ...claim.value, typed: true } : claim.value;
}

function parseValue(text: string): { value: Claim; length: number } | undefined {
  const num = NUMBER.exec(text);
  if (num) return { value: { kind: 'number', text: num[0] }, length: num[0].length };
  if (!text.startsWith('[')) return undefined;
  const items: Claim[] = [];
  let k = 1;
  for (;;) {
    while (text[k] === ' ') k++;
    if (text[k] === ']' && items.length === 0) return { value: { kind: 'array', typed: false, items }, length: k + 1 };
    const item = parseValue(text.slice(k));
    if (item === undefined) return undefined;
    items.push(item.value);
    k += item.length;
    while (text[k] === ' ') k++;
    if (text[k] === ']') return { value: { kind: 'array', typed: false, items }, length: k + 1 };
    if (text[k] !== ',') return undefined;
    k++;
  }
}

/** Why `actual` does not match the claim (undefined when it does). */
export function mismatch(claim: Claim, actual: unknown): string | undefined {
  switch (claim.kind) {
    case 'number': {
      if (typeof actual !== 'number') return `expected a number, got ${String(actual)}`;
      const shown = claim.text.replace(/^[~≈]/, '').replace(/\.\.\.$/, '');
      if (claim.text.endsWith('...')) {
        return String(actual).startsWith(shown) ? undefined : `${actual} does not start with ${shown}`;
      }
      if (/^[~≈]/.test(claim.text)) {
        const decimals = (shown.split('.')[1] ?? '').length;
        return Math.abs(actual - Number(shown)) <= 0.5 * 10 ** -decimals ? undefined : `${actual} is not ${shown} to ${decimals} decimals`;
      }
      return Object.is(actual, Number(shown)) || actual === Number(shown) ? undefined : `${actual} is not exactly ${shown}`;
    }
    case 'boolean':
      return actual === claim.value ? undefined : `expected ${claim.value}, got ${String(actual)}`;
    case 'array': {
      if (claim.typed && !(actual instanceof Float64Array)) return `expected a Float64Array, got ${String(actual)}`;
      if (!claim.typed && !Array.isArray(actual)) return `expected an array, got ${String(actual)}`;
      const items = Array.from(actual as ArrayLike<unknown>);
      if (items.length !== claim.items.length) return `expected ${claim.items.length} items, got ${items.length}: [${items.join(', ')}]`;
      for (let i = 0; i < items.length; i++) {
        const why = mismatch(claim.items[i] as Claim, items[i]);
        if (why !== undefined) return `[${i}]: ${why}`;
      }
      return undefined;
    }
    case 'throws':
      return 'expected it to throw';
  }
}

/** A statement line with a checkable comment: `expression;   // claim ...`. */
export interface CheckedLine {
  readonly line: number;
  readonly expression: string;
  readonly claim: Claim;
}

/**
 * The block's code with every checkable line turned into a call of `__check(k, () => (expression))`,
 * and the lines so turned. Lines that declare (`const`, `let`, `import`) or whose comment is prose run as written.
 */
export function instrument(block: ReadmeBlock): { code: string; checks: CheckedLine[] } {
  const checks: CheckedLine[] = [];
  const lines = block.code.split('\n').map((text, k) => {
    const m = /^(\s*)(.*?);\s*\/\/\s?(.*)$/.exec(text);
    if (!m || /^\s*(const|let|var|import|export|for|if|while|return)\b/.test(text)) return text;
    const claim = parseClaim(m[3] as string);
    if (claim === undefined) return text;
    checks.push({ line: block.line + k, expression: (m[2] as string).trim(), claim });
    return `${m[1]}__check(${checks.length - 1}, () => (${m[2]}));`;
  });
  return { code: lines.join('\n'), checks };
}
