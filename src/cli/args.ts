// A small hand-written argument parser for the CLI: positionals, --flag value and --flag=value.

/** Bad command-line input: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string>;
}

/** Splits argv into positionals and flags; every flag except the boolean ones takes a value. */
export function parseArgs(argv: readonly string[], known: readonly string[], booleans: readonly string[] = ['help']): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-h') {
      flags.set('help', 'true');
      continue;
    }
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.includes(name) && !booleans.includes(name)) {
      throw new UsageError(`unknown option --${name}`);
    }
    if (booleans.includes(name)) {
      flags.set(name, 'true');
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`option --${name} needs a value`);
    flags.set(name, value);
  }
  return { positionals, flags };
}

/** Parses `x1=2,x2=5` into { x1: 2, x2: 5 }. */
export function parseAssignments(option: string, text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(\S+)\s*$/.exec(part);
    const value = m ? Number(m[2]) : NaN;
    if (!m || m[2] === '' || Number.isNaN(value)) {
      throw new UsageError(`bad --${option} '${text}': expected name=number pairs separated by commas, as x1=2,x2=5`);
    }
    if ((m[1] as string) in out) throw new UsageError(`bad --${option} '${text}': ${m[1]} is given twice`);
    out[m[1] as string] = value;
  }
  return out;
}

/** Parses `1,0,2.5` into numbers. */
export function parseNumbers(option: string, text: string): number[] {
  const values = text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (values.some((v) => Number.isNaN(v))) {
    throw new UsageError(`bad --${option} '${text}': expected numbers separated by commas`);
  }
  return values;
}

/** One of a fixed set of values. */
export function choice<T extends string>(option: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`bad --${option} '${value}': expected ${allowed.join(', ')}`);
  }
  return value as T;
}
